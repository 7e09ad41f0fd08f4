"""Self-check of tests/fakeaws: drive the fake with independent real clients.

boto3 (and once the aws CLI) talk to an in-process FakeAWS exactly as they
would talk to AWS: if they accept its answers and it rejects what AWS
rejects, the fake is a fair stand-in for the ecsbatch integration tests.
Time never passes for real here: the simulated clock is frozen and advanced.
"""
import hashlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import boto3
import botocore.exceptions
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from fakeaws import ec2 as fake_ec2
from fakeaws import sigv4check
from fakeaws.common import Request
from fakeaws.control import ControlError, FakeControl
from fakeaws.server import FakeAWS
from integration.harness import AK, REGION, SK, FakeAWSTest

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(TESTS)
SIGV4_DATA = os.path.join(os.path.dirname(ROOT), "shared", "testdata", "sigv4", "worked-examples")
LOG_CONF = {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/child", "awslogs-region": REGION,
                                                "awslogs-stream-prefix": "ecs"}}
NETCONF = {"awsvpcConfiguration": {"subnets": [fake_ec2.SUBNET_1], "securityGroups": [fake_ec2.SG_LAUNCHER]}}

_saved_env = {}


def no_retry():
    # Exactly one attempt per call.  (In botocore's Config, "max_attempts" counts
    # retries, and Config rewrites the dict it is given: build a new one each time.)
    return {"total_max_attempts": 1}


def setUpModule():
    # The host's AWS_* settings (AWS_CA_BUNDLE...) must not reach the clients.
    for k in list(os.environ):
        if k.startswith("AWS_"):
            _saved_env[k] = os.environ.pop(k)
    os.environ.update(AWS_CONFIG_FILE="/nonexistent/config", AWS_SHARED_CREDENTIALS_FILE="/nonexistent/credentials",
                      AWS_EC2_METADATA_DISABLED="true")


def tearDownModule():
    for k in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_EC2_METADATA_DISABLED"):
        os.environ.pop(k, None)
    os.environ.update(_saved_env)


def clean_env(extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({k: str(v) for k, v in (extra or {}).items()})
    return env


def signed(url, service, method="POST", path="/", headers=None, body=b"", key=AK, secret=SK, token=None,
           region=REGION, when=None):
    """Send one SigV4-signed request with botocore's signer; (status, headers, body)."""
    req = AWSRequest(method=method, url=url + path, data=body, headers=dict(headers or {}))
    signer = (S3SigV4Auth if service == "s3" else SigV4Auth)(Credentials(key, secret, token), service, region)
    stamp = time.gmtime(when if when is not None else time.time())
    req.context["timestamp"] = time.strftime("%Y%m%dT%H%M%SZ", stamp)
    claimed = req.headers.get("X-Amz-Content-SHA256")
    signer._modify_request_before_signing(req)
    if claimed is not None:  # sign what the caller claims, even a wrong hash
        del req.headers["X-Amz-Content-SHA256"]
        req.headers["X-Amz-Content-SHA256"] = claimed
    canonical = signer.canonical_request(req)
    signature = signer.signature(signer.string_to_sign(req, canonical), req)
    signer._inject_signature_to_request(req, signature)
    prepared = req.prepare()
    host, port = url.split("://", 1)[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request(method, path, body=prepared.body, headers=dict(prepared.headers))
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def ecs_raw(url, op, payload, **kw):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {"Content-Type": "application/x-amz-json-1.1",
               "X-Amz-Target": f"AmazonEC2ContainerServiceV20141113.{op}"}
    headers.update(kw.pop("headers", {}))
    status, hdrs, data = signed(url, "ecs", headers=headers, body=body, **kw)
    return status, hdrs, json.loads(data or b"{}")


class FakeTestCase(FakeAWSTest):
    """One fake for the class, reset before each test, clock frozen (harness.FakeAWSTest)."""

    def assertAWSError(self, code, fn, *args, **kwargs):
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            fn(*args, **kwargs)
        self.assertEqual(cm.exception.response["Error"]["Code"], code, cm.exception.response)
        return cm.exception.response

    def register_child(self, ecs, family="child", **extra):
        params = dict(family=family, networkMode="awsvpc", requiresCompatibilities=["FARGATE"], cpu="256",
                      memory="512", executionRoleArn="arn:aws:iam::123456789012:role/exec",
                      containerDefinitions=[{"name": "main", "image": "busybox", "logConfiguration": LOG_CONF}])
        params.update(extra)
        return ecs.register_task_definition(**params)["taskDefinition"]

    def run_child(self, ecs, name="ecsbatch-job-j1-0", num=0, attempt=1, **extra):
        params = dict(cluster="default", taskDefinition="child", launchType="FARGATE", startedBy=name,
                      networkConfiguration=NETCONF,
                      overrides={"containerOverrides": [{"name": "main", "environment": [
                          {"name": "TASK_NAME", "value": name}, {"name": "TASK_NUM", "value": str(num)},
                          {"name": "ECSBATCH_ATTEMPT", "value": str(attempt)}]}]})
        params.update(extra)
        return ecs.run_task(**params)

    def describe(self, ecs, arn):
        out = ecs.describe_tasks(cluster="default", tasks=[arn])
        return out["tasks"][0] if out["tasks"] else None


class TaskDefinitionTest(FakeTestCase):
    def test_register_describe_list(self):
        ecs = self.boto_client("ecs")
        td1 = self.register_child(ecs, tags=[{"key": "ecsbatch:hash", "value": "abc"}])
        td2 = self.register_child(ecs)
        self.assertEqual((td1["revision"], td2["revision"]), (1, 2))
        self.assertEqual(td1["taskDefinitionArn"], "arn:aws:ecs:us-west-2:123456789012:task-definition/child:1")
        got = ecs.describe_task_definition(taskDefinition="child:1", include=["TAGS"])
        self.assertEqual(got["tags"], [{"key": "ecsbatch:hash", "value": "abc"}])
        self.assertEqual(ecs.describe_task_definition(taskDefinition="child")["taskDefinition"]["revision"], 2)
        self.assertEqual(ecs.describe_task_definition(taskDefinition=td1["taskDefinitionArn"])["taskDefinition"]
                         ["containerDefinitions"][0]["essential"], True)
        self.assertAWSError("ClientException", ecs.describe_task_definition, taskDefinition="nope")
        self.ctl.config(page_sizes={"ListTaskDefinitions": 1})
        page1 = ecs.list_task_definitions(familyPrefix="child", sort="DESC")
        self.assertEqual(page1["taskDefinitionArns"], [td2["taskDefinitionArn"]])
        page2 = ecs.list_task_definitions(familyPrefix="child", sort="DESC", nextToken=page1["nextToken"])
        self.assertEqual(page2["taskDefinitionArns"], [td1["taskDefinitionArn"]])
        self.assertNotIn("nextToken", page2)

    def test_fargate_rules(self):
        ecs = self.boto_client("ecs")
        self.assertAWSError("ClientException", self.register_child, ecs, networkMode="bridge")
        self.assertAWSError("ClientException", self.register_child, ecs, memory="4096")
        r = self.assertAWSError("ClientException", self.register_child, ecs, executionRoleArn="")
        self.assertIn("execution role", r["Error"]["Message"])


class RunTaskTest(FakeTestCase):
    def setUp(self):
        super().setUp()
        self.ecs = self.boto_client("ecs")
        self.register_child(self.ecs)

    def test_lifecycle_to_stopped(self):
        self.ctl.set_scenario([{"match": {}, "outcome": {"provisioning_ms": 100, "pending_ms": 100, "run_ms": 1000,
                                                         "stopping_ms": 100}}])
        out = self.run_child(self.ecs)
        self.assertEqual(out["failures"], [])
        task = out["tasks"][0]
        arn = task["taskArn"]
        self.assertRegex(arn, r"^arn:aws:ecs:us-west-2:123456789012:task/default/[0-9a-f]{32}$")
        self.assertEqual((task["lastStatus"], task["desiredStatus"]), ("PROVISIONING", "RUNNING"))
        self.assertEqual(task["startedBy"], "ecsbatch-job-j1-0")
        self.assertEqual(task["group"], "family:child")
        seen = []
        for _ in range(14):
            seen.append(self.describe(self.ecs, arn)["lastStatus"])
            self.ctl.advance(100)
        self.assertEqual(sorted(set(seen), key=seen.index), ["PROVISIONING", "PENDING", "RUNNING", "STOPPING", "STOPPED"])
        t = self.describe(self.ecs, arn)
        self.assertEqual(t["stopCode"], "EssentialContainerExited")
        self.assertEqual(t["stoppedReason"], "Essential container in task exited")
        self.assertEqual(t["containers"][0]["exitCode"], 0)
        self.assertEqual(t["desiredStatus"], "STOPPED")
        for k in ("createdAt", "pullStartedAt", "startedAt", "stoppingAt", "executionStoppedAt", "stoppedAt"):
            self.assertIn(k, t)
        self.assertLess(t["startedAt"], t["stoppedAt"])
        details = {d["name"]: d["value"] for d in t["attachments"][0]["details"]}
        self.assertEqual(details["subnetId"], fake_ec2.SUBNET_1)
        self.assertTrue(details["networkInterfaceId"].startswith("eni-"))

    def test_scenario_outcomes(self):
        rules = [
            {"match": {"task_num": 1}, "outcome": {"exit_code": 1}},
            {"match": {"task_num": 2}, "outcome": {"stop_code": "SpotInterruption",
                                                   "stopped_reason": "Your Spot Task was interrupted."}},
            {"match": {"task_num": 3}, "outcome": {"never_started": True, "stopped_reason":
                                                   "CannotPullContainerError: pull image manifest: repository busybox not found"}},
            {"match": {"task_num": 4}, "outcome": {"exit_code": 137, "container_reason":
                                                   "OutOfMemoryError: Container killed due to memory usage"}},
            {"match": {"task_num": 5, "attempt": 1}, "outcome": {"missing_for_describes": 2}},
            {"match": {"task_num": 6}, "outcome": {"vanish_after_ms": 20}},
            {"match": {"task_num": 7, "nth_launch": 1},
             "outcome": {"run_failure": {"reason": "Capacity is unavailable at this time. Please try again later "
                                                   "or in a different availability zone"}}},
        ]
        self.ctl.set_scenario(rules)
        arns = {}
        for n in range(1, 7):
            arns[n] = self.run_child(self.ecs, name=f"ecsbatch-job-j1-{n}", num=n)["tasks"][0]["taskArn"]
        # task 5 is MISSING for its first two describes, then shows up
        for _ in range(2):
            out = self.ecs.describe_tasks(cluster="default", tasks=[arns[5]])
            self.assertEqual(out["failures"], [{"arn": arns[5], "reason": "MISSING"}])
        self.assertEqual(len(self.ecs.describe_tasks(cluster="default", tasks=[arns[5]])["tasks"]), 1)
        failed = self.run_child(self.ecs, name="ecsbatch-job-j1-7", num=7)
        self.assertEqual(failed["tasks"], [])
        self.assertTrue(failed["failures"][0]["reason"].startswith("Capacity is unavailable"))
        again = self.run_child(self.ecs, name="ecsbatch-job-j1-7", num=7)
        self.assertEqual(len(again["tasks"]), 1)  # nth_launch 2 no longer matches
        self.ctl.advance(1000)
        got = {n: self.describe(self.ecs, arns[n]) for n in range(1, 5)}
        self.assertEqual(got[1]["containers"][0]["exitCode"], 1)
        self.assertEqual(got[1]["stopCode"], "EssentialContainerExited")
        self.assertEqual(got[2]["stopCode"], "SpotInterruption")
        self.assertEqual(got[2]["stoppedReason"], "Your Spot Task was interrupted.")
        self.assertEqual(got[3]["stopCode"], "TaskFailedToStart")
        self.assertTrue(got[3]["stoppedReason"].startswith("CannotPullContainerError"))
        self.assertNotIn("exitCode", got[3]["containers"][0])
        self.assertNotIn("startedAt", got[3])
        self.assertEqual(got[4]["containers"][0]["reason"], "OutOfMemoryError: Container killed due to memory usage")
        self.assertEqual(got[4]["containers"][0]["exitCode"], 137)
        gone = self.ecs.describe_tasks(cluster="default", tasks=[arns[6]])
        self.assertEqual(gone["failures"][0]["reason"], "MISSING")
        tasks = {t["_fake"]["env"].get("TASK_NUM"): t["_fake"]["rule"] for t in self.ctl.tasks() if not t["_fake"]["launcher"]}
        self.assertEqual(tasks["1"], 0)

    def test_client_token_idempotency_and_conflict(self):
        first = self.run_child(self.ecs, clientToken="j1-t0-a1")
        again = self.run_child(self.ecs, clientToken="j1-t0-a1")
        self.assertEqual(first["tasks"][0]["taskArn"], again["tasks"][0]["taskArn"])
        self.assertEqual(self.ctl.counts()["ops"]["ecs:RunTask"], 2)
        self.assertEqual(len([t for t in self.ctl.tasks() if not t["_fake"]["launcher"]]), 1)
        r = self.assertAWSError("ConflictException", self.run_child, self.ecs, clientToken="j1-t0-a1", num=9)
        self.assertEqual(r["resourceIds"], [first["tasks"][0]["taskArn"]])

    def test_stop_task_and_list_tasks(self):
        self.ctl.set_scenario([{"match": {}, "outcome": {"run_ms": 60000}}])
        arns = [self.run_child(self.ecs, name=f"ecsbatch-job-j2-{i}", num=i)["tasks"][0]["taskArn"] for i in range(5)]
        self.ctl.advance(100)
        stopped = self.ecs.stop_task(cluster="default", task=arns[0], reason="job j2 failed: task 3 exhausted")["task"]
        self.assertEqual(stopped["desiredStatus"], "STOPPED")
        self.assertEqual(stopped["lastStatus"], "STOPPING")
        self.ctl.advance(1000)
        t = self.describe(self.ecs, arns[0])
        self.assertEqual((t["lastStatus"], t["stopCode"]), ("STOPPED", "UserInitiated"))
        self.assertEqual(t["stoppedReason"], "job j2 failed: task 3 exhausted")
        self.assertEqual(t["containers"][0]["exitCode"], 143)
        self.ctl.config(page_sizes={"ListTasks": 2})
        running, token = [], None
        while True:
            kw = {"nextToken": token} if token else {}
            page = self.ecs.list_tasks(cluster="default", family="child", **kw)
            self.assertLessEqual(len(page["taskArns"]), 2)
            running += page["taskArns"]
            token = page.get("nextToken")
            if not token:
                break
        self.assertEqual(running, arns[1:])
        self.assertEqual(self.ecs.list_tasks(cluster="default", desiredStatus="STOPPED")["taskArns"], arns[:1])
        self.assertEqual(self.ecs.list_tasks(cluster="default", startedBy="ecsbatch-job-j2-3")["taskArns"], [arns[3]])
        self.assertAWSError("InvalidParameterException", self.ecs.stop_task, cluster="default", task="0" * 32)
        self.assertAWSError("InvalidParameterException", self.ecs.stop_task, cluster="default", task=arns[1],
                            reason="x" * 256)

    def test_request_validation(self):
        ecs = self.ecs
        self.assertAWSError("ClusterNotFoundException", self.run_child, ecs, cluster="nope")
        self.assertAWSError("InvalidParameterException", self.run_child, ecs, count=11)
        self.assertAWSError("InvalidParameterException", self.run_child, ecs, networkConfiguration={})
        self.assertAWSError("InvalidParameterException", self.run_child, ecs,
                            capacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}])
        self.assertAWSError("InvalidParameterException", self.run_child, ecs, startedBy="has space")
        self.assertAWSError("InvalidParameterException", self.run_child, ecs, clientToken="x" * 65)
        self.assertAWSError("InvalidParameterException", self.run_child, ecs,
                            overrides={"containerOverrides": [{"name": "main", "command": ["x" * 9000]}]})
        self.assertAWSError("InvalidParameterException", ecs.describe_tasks, cluster="default",
                            tasks=["%032x" % i for i in range(101)])
        # what botocore would refuse to send: unknown members, wrong types, bad enums
        status, _, body = ecs_raw(self.url, "RunTask", {"taskDefinition": "child", "bogus": 1})
        self.assertEqual((status, body["__type"]), (400, "InvalidParameterException"))
        self.assertIn("bogus", body["message"])
        status, _, body = ecs_raw(self.url, "ListTasks", {"desiredStatus": "DONE"})
        self.assertEqual(body["__type"], "InvalidParameterException")
        status, _, body = ecs_raw(self.url, "DescribeTasks", {"tasks": "abc"})
        self.assertEqual(body["__type"], "InvalidParameterException")
        status, _, body = ecs_raw(self.url, "NoSuchOperation", {})
        self.assertEqual(body["__type"], "UnknownOperationException")
        status, _, body = ecs_raw(self.url, "ListTasks", {}, headers={"Content-Type": "application/json"})
        self.assertEqual(status, 400)
        # a capacity provider strategy alone picks the provider and its launch type
        out = ecs.run_task(cluster="default", taskDefinition="child", networkConfiguration=NETCONF,
                           capacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}])
        self.assertEqual(out["tasks"][0]["capacityProviderName"], "FARGATE_SPOT")
        self.assertEqual(out["tasks"][0]["launchType"], "FARGATE")


class LogsTest(FakeTestCase):
    def test_get_log_events_paging(self):
        ecs, logs = self.boto_client("ecs"), self.boto_client("logs")
        self.register_child(ecs)
        self.ctl.config(page_sizes={"GetLogEvents": 100})
        self.ctl.set_scenario([{"match": {"task_num": 0}, "outcome": {"log_count": 250}},
                               {"match": {"task_num": 1}, "outcome": {"never_started": True}}])
        arn = self.run_child(ecs)["tasks"][0]["taskArn"]
        never = self.run_child(ecs, name="ecsbatch-job-j1-1", num=1)["tasks"][0]["taskArn"]
        stream = "ecs/main/" + arn.rsplit("/", 1)[1]
        r = self.assertAWSError("ResourceNotFoundException", logs.get_log_events, logGroupName="/ecs/child",
                                logStreamName=stream, startFromHead=True)
        self.assertEqual(r["Error"]["Message"], "The specified log group does not exist.")
        self.ctl.advance(1000)
        messages, token, pages = [], None, 0
        while True:
            kw = {"nextToken": token} if token else {}
            page = logs.get_log_events(logGroupName="/ecs/child", logStreamName=stream, startFromHead=True, **kw)
            self.assertRegex(page["nextForwardToken"], r"^f/\d{56}/s$")
            pages += 1
            messages += [e["message"] for e in page["events"]]
            if page["nextForwardToken"] == token:
                self.assertEqual(page["events"], [])
                break
            token = page["nextForwardToken"]
        self.assertEqual(pages, 4)
        self.assertEqual(len(messages), 250)
        self.assertEqual(messages[0], "ecsbatch-job-j1-0 line 1 of 250")
        self.assertEqual(messages[-1], "ecsbatch-job-j1-0 line 250 of 250")
        newest = logs.get_log_events(logGroupIdentifier="/ecs/child", logStreamName=stream, limit=10)
        self.assertEqual(newest["events"][-1]["message"], messages[-1])
        older = logs.get_log_events(logGroupName="/ecs/child", logStreamName=stream, limit=10,
                                    nextToken=newest["nextBackwardToken"])
        self.assertEqual([e["message"] for e in older["events"]], messages[230:240])
        r = self.assertAWSError("ResourceNotFoundException", logs.get_log_events, logGroupName="/ecs/child",
                                logStreamName="ecs/main/" + never.rsplit("/", 1)[1])
        self.assertEqual(r["Error"]["Message"], "The specified log stream does not exist.")
        self.ctl.put_log_events("/direct", "s1", messages=["one", "two"])
        self.assertEqual([e["message"] for e in logs.get_log_events(logGroupName="/direct", logStreamName="s1",
                                                                     startFromHead=True)["events"]], ["one", "two"])
        self.assertAWSError("InvalidParameterException", logs.get_log_events, logGroupName="/ecs/child",
                            logStreamName=stream, limit=10, nextToken="garbage")

    def test_logs_grow_while_running(self):
        ecs, logs = self.boto_client("ecs"), self.boto_client("logs")
        self.register_child(ecs)
        self.ctl.set_scenario([{"match": {}, "outcome": {"provisioning_ms": 0, "pending_ms": 0, "run_ms": 1000,
                                                         "log_lines": ["a ${TASK_NAME}", "b", "c", "d"]}}])
        arn = self.run_child(ecs)["tasks"][0]["taskArn"]
        stream = "ecs/main/" + arn.rsplit("/", 1)[1]
        self.ctl.advance(300)
        early = logs.get_log_events(logGroupName="/ecs/child", logStreamName=stream, startFromHead=True)
        self.assertEqual([e["message"] for e in early["events"]], ["a ecsbatch-job-j1-0", "b"])
        self.ctl.advance(1000)
        rest = logs.get_log_events(logGroupName="/ecs/child", logStreamName=stream, startFromHead=True,
                                   nextToken=early["nextForwardToken"])
        self.assertEqual([e["message"] for e in rest["events"]], ["c", "d"])


class S3Test(FakeTestCase):
    def setUp(self):
        super().setUp()
        self.ctl.config(buckets=["results"])
        self.s3 = self.boto_client("s3")

    def test_put_get_head_conditional(self):
        s3 = self.s3
        self.assertAWSError("NoSuchBucket", s3.put_object, Bucket="other", Key="k", Body=b"x")
        put = s3.put_object(Bucket="results", Key="job/a b/result.json", Body=b'{"ok":1}', ContentType="application/json",
                            IfNoneMatch="*")
        self.assertEqual(put["ETag"], '"%s"' % hashlib.md5(b'{"ok":1}').hexdigest())
        got = s3.get_object(Bucket="results", Key="job/a b/result.json")
        self.assertEqual(got["Body"].read(), b'{"ok":1}')
        self.assertEqual(got["ContentType"], "application/json")
        head = s3.head_object(Bucket="results", Key="job/a b/result.json")
        self.assertEqual(head["ContentLength"], 8)
        self.assertAWSError("PreconditionFailed", s3.put_object, Bucket="results", Key="job/a b/result.json",
                            Body=b"again", IfNoneMatch="*")
        self.assertAWSError("NoSuchKey", s3.get_object, Bucket="results", Key="missing")
        self.assertAWSError("404", s3.head_object, Bucket="results", Key="missing")
        self.assertAWSError("BadDigest", s3.put_object, Bucket="results", Key="bad", Body=b"abc",
                            ContentMD5="1B2M2Y8AsgTpgAmY7PhCfg==")
        self.assertEqual(self.ctl.s3_get("results", "job/a b/result.json"), b'{"ok":1}')
        self.ctl.s3_put("results", "jobs/nightly.json", b'{"name":"n"}')
        listed = s3.list_objects_v2(Bucket="results", Prefix="job", Delimiter="/")
        self.assertEqual(sorted(p["Prefix"] for p in listed["CommonPrefixes"]), ["job/", "jobs/"])
        self.assertEqual(s3.get_object(Bucket="results", Key="job/a b/result.json", Range="bytes=1-3")["Body"].read(),
                         b'"ok')

    def test_payload_hash_checked(self):
        path = "/results/raw.txt"
        status, headers, body = signed(self.url, "s3", method="PUT", path=path, body=b"hello",
                                       headers={"X-Amz-Content-SHA256": hashlib.sha256(b"other").hexdigest()})
        self.assertEqual(status, 400)
        self.assertIn(b"<Code>XAmzContentSHA256Mismatch</Code>", body)
        self.assertIn("x-amz-request-id", {k.lower() for k in headers})
        status, _, _ = signed(self.url, "s3", method="PUT", path=path, body=b"hello",
                              headers={"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"})
        self.assertEqual(status, 200)

    def test_multipart(self):
        s3 = self.s3
        mib = 1024 * 1024
        up = s3.create_multipart_upload(Bucket="results", Key="logs/big.log")
        uid = up["UploadId"]
        p1 = s3.upload_part(Bucket="results", Key="logs/big.log", UploadId=uid, PartNumber=1, Body=b"a" * (5 * mib))
        p2 = s3.upload_part(Bucket="results", Key="logs/big.log", UploadId=uid, PartNumber=2, Body=b"b" * 10)
        parts = [{"PartNumber": 1, "ETag": p1["ETag"]}, {"PartNumber": 2, "ETag": p2["ETag"]}]
        done = s3.complete_multipart_upload(Bucket="results", Key="logs/big.log", UploadId=uid,
                                            MultipartUpload={"Parts": parts}, IfNoneMatch="*")
        self.assertTrue(done["ETag"].endswith('-2"'))
        self.assertEqual(len(self.ctl.s3_get("results", "logs/big.log")), 5 * mib + 10)
        up = s3.create_multipart_upload(Bucket="results", Key="logs/small.log")
        q1 = s3.upload_part(Bucket="results", Key="logs/small.log", UploadId=up["UploadId"], PartNumber=1, Body=b"x")
        q2 = s3.upload_part(Bucket="results", Key="logs/small.log", UploadId=up["UploadId"], PartNumber=2, Body=b"y")
        self.assertAWSError("EntityTooSmall", s3.complete_multipart_upload, Bucket="results", Key="logs/small.log",
                            UploadId=up["UploadId"], MultipartUpload={"Parts": [
                                {"PartNumber": 1, "ETag": q1["ETag"]}, {"PartNumber": 2, "ETag": q2["ETag"]}]})
        s3.abort_multipart_upload(Bucket="results", Key="logs/small.log", UploadId=up["UploadId"])
        self.assertAWSError("NoSuchUpload", s3.abort_multipart_upload, Bucket="results", Key="logs/small.log",
                            UploadId=up["UploadId"])


class EC2Test(FakeTestCase):
    def test_describes(self):
        ec2 = self.boto_client("ec2")
        vpcs = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
        self.assertEqual([v["VpcId"] for v in vpcs], [fake_ec2.VPC_ID])
        subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [fake_ec2.VPC_ID]}])["Subnets"]
        self.assertEqual([s["SubnetId"] for s in subnets], [fake_ec2.SUBNET_1, fake_ec2.SUBNET_2])
        self.assertEqual(subnets[0]["AvailabilityZone"], "us-west-2a")
        one = ec2.describe_subnets(SubnetIds=[fake_ec2.SUBNET_2])["Subnets"]
        self.assertEqual(one[0]["CidrBlock"], "10.0.2.0/24")
        sgs = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["default"]}])["SecurityGroups"]
        self.assertEqual(sgs[0]["GroupId"], fake_ec2.SG_DEFAULT)
        eni = ec2.describe_network_interfaces(NetworkInterfaceIds=[fake_ec2.ENI_LAUNCHER])["NetworkInterfaces"][0]
        self.assertEqual(eni["SubnetId"], fake_ec2.SUBNET_1)
        self.assertEqual(eni["Groups"][0]["GroupId"], fake_ec2.SG_LAUNCHER)
        inst = ec2.describe_instances(Filters=[{"Name": "instance-state-name", "Values": ["running"]}])
        self.assertEqual(inst["Reservations"][0]["Instances"][0]["InstanceId"], fake_ec2.INSTANCE_ID)
        self.assertAWSError("InvalidNetworkInterfaceID.NotFound", ec2.describe_network_interfaces,
                            NetworkInterfaceIds=["eni-00000000000000000"])
        self.assertAWSError("InvalidSubnetID.NotFound", ec2.describe_subnets, SubnetIds=["subnet-00000000"])
        self.assertAWSError("InvalidParameterValue", ec2.describe_vpcs, Filters=[{"Name": "no-such", "Values": ["x"]}])
        status, _, body = signed(self.url, "ec2", body=b"Action=DescribeVpcs&Version=2016-11-15&Bogus.1=x",
                                 headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        self.assertEqual(status, 400)
        self.assertIn(b"<Code>UnknownParameter</Code>", body)
        self.assertIn(b"<RequestID>", body)


class CredentialsTest(FakeTestCase):
    def test_sts_web_identity(self):
        session = boto3.session.Session(region_name=REGION)
        sts = session.client("sts", endpoint_url=self.url, config=Config(retries=no_retry(),
                                                                          signature_version=botocore.UNSIGNED))
        creds = sts.assume_role_with_web_identity(RoleArn="arn:aws:iam::123456789012:role/ecsbatch",
                                                  RoleSessionName="ecsbatch", WebIdentityToken="fake-web-identity-token")
        c = creds["Credentials"]
        self.assertTrue(c["AccessKeyId"].startswith("ASIA"))
        ecs = self.boto_client("ecs", key=c["AccessKeyId"], secret=c["SecretAccessKey"], token=c["SessionToken"])
        self.assertIn("clusters", ecs.describe_clusters())
        ecs_no_token = self.boto_client("ecs", key=c["AccessKeyId"], secret=c["SecretAccessKey"])
        self.assertAWSError("UnrecognizedClientException", ecs_no_token.list_clusters)
        self.assertAWSError("InvalidIdentityToken", sts.assume_role_with_web_identity,
                            RoleArn="arn:aws:iam::123456789012:role/ecsbatch", RoleSessionName="ecsbatch",
                            WebIdentityToken="not-the-token")
        self.assertEqual(self.ctl.counts()["sts_web_identity"], 2)

    def _get(self, path, headers=None, method="GET"):
        req = urllib.request.Request(self.url + path, headers=headers or {}, method=method,
                                     data=b"" if method == "PUT" else None)
        try:
            with urllib.request.urlopen(req, timeout=5) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def test_task_metadata_matches_ecs_and_ec2(self):
        info = self.ctl.metadata()
        status, body = self._get("/v4/launcher/task")
        self.assertEqual(status, 200)
        meta = json.loads(body)
        self.assertEqual(meta["TaskARN"], info["task_arn"])
        self.assertEqual(meta["Family"], "ecsbatch-launcher")
        self.assertEqual(meta["Containers"][0]["Networks"][0]["IPv4Addresses"], [fake_ec2.ENI_LAUNCHER_IP])
        self.assertEqual(json.loads(self._get("/v4/launcher")[1])["Name"], "launcher")
        self.assertEqual(self._get("/v3/launcher/task")[0], 200)
        ecs = self.boto_client("ecs")
        t = ecs.describe_tasks(cluster=meta["Cluster"], tasks=[meta["TaskARN"]])["tasks"][0]
        self.assertEqual(t["lastStatus"], "RUNNING")
        details = {d["name"]: d["value"] for d in t["attachments"][0]["details"]}
        self.assertEqual(details["networkInterfaceId"], fake_ec2.ENI_LAUNCHER)
        eni = self.boto_client("ec2").describe_network_interfaces(
            NetworkInterfaceIds=[details["networkInterfaceId"]])["NetworkInterfaces"][0]
        self.assertEqual(eni["SubnetId"], details["subnetId"])
        td = ecs.describe_task_definition(taskDefinition=t["taskDefinitionArn"])["taskDefinition"]
        self.assertEqual(td["family"], meta["Family"])

    def test_container_credentials_expire_and_refresh(self):
        self.ctl.config(container_credentials={"auth_token": "Bearer secret-token", "lifetime_s": 1800})
        self.assertEqual(self._get("/v2/credentials/launcher")[0], 401)
        status, body = self._get("/v2/credentials/launcher", {"Authorization": "Bearer secret-token"})
        self.assertEqual(status, 200)
        creds = json.loads(body)
        self.assertEqual(set(creds), {"RoleArn", "AccessKeyId", "SecretAccessKey", "Token", "Expiration"})
        self.assertRegex(creds["Expiration"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        same = json.loads(self._get("/v2/credentials/launcher", {"Authorization": "Bearer secret-token"})[1])
        self.assertEqual(same["AccessKeyId"], creds["AccessKeyId"])
        ecs = self.boto_client("ecs", key=creds["AccessKeyId"], secret=creds["SecretAccessKey"], token=creds["Token"])
        ecs.list_clusters()
        self.ctl.expire_credentials()
        self.assertAWSError("ExpiredTokenException", ecs.list_clusters)
        s3 = self.boto_client("s3", key=creds["AccessKeyId"], secret=creds["SecretAccessKey"], token=creds["Token"])
        self.assertAWSError("ExpiredToken", s3.list_buckets)
        fresh = json.loads(self._get("/v2/credentials/launcher", {"Authorization": "Bearer secret-token"})[1])
        self.assertNotEqual(fresh["AccessKeyId"], creds["AccessKeyId"])
        self.boto_client("ecs", key=fresh["AccessKeyId"], secret=fresh["SecretAccessKey"], token=fresh["Token"]).list_clusters()
        self.assertEqual(self.ctl.counts()["credentials_fetches"], 4)

    def test_botocore_credential_providers(self):
        from botocore.credentials import ContainerProvider, InstanceMetadataProvider
        from botocore.utils import InstanceMetadataFetcher
        self.ctl.config(container_credentials={"auth_token": "Bearer abc"})
        container = ContainerProvider(environ={"AWS_CONTAINER_CREDENTIALS_FULL_URI": self.url + "/v2/credentials/x",
                                               "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer abc"}).load()
        frozen = container.get_frozen_credentials()
        self.boto_client("ecs", key=frozen.access_key, secret=frozen.secret_key, token=frozen.token).list_clusters()
        fetcher = InstanceMetadataFetcher(base_url=self.url + "/", timeout=2, num_attempts=1, env={})
        host = InstanceMetadataProvider(iam_role_fetcher=fetcher).load().get_frozen_credentials()
        self.boto_client("s3", key=host.access_key, secret=host.secret_key, token=host.token).list_buckets()
        self.assertEqual(self.ctl.credentials()["fetches"], 1)

    def test_imds_v2(self):
        self.assertEqual(self._get("/latest/meta-data/placement/region")[0], 401)
        status, token = self._get("/latest/api/token", {"X-aws-ec2-metadata-token-ttl-seconds": "60"}, method="PUT")
        self.assertEqual(status, 200)
        h = {"X-aws-ec2-metadata-token": token.decode()}
        self.assertEqual(self._get("/latest/meta-data/placement/region", h)[1], b"us-west-2")
        role = self._get("/latest/meta-data/iam/security-credentials/", h)[1].decode()
        creds = json.loads(self._get("/latest/meta-data/iam/security-credentials/" + role, h)[1])
        self.assertEqual(creds["Code"], "Success")
        self.boto_client("ecs", key=creds["AccessKeyId"], secret=creds["SecretAccessKey"], token=creds["Token"]).list_clusters()

    def test_rejected_credentials(self):
        self.ctl.add_key("AKIDOLD", "oldsecret", expired=True)
        self.assertAWSError("ExpiredTokenException", self.boto_client("ecs", key="AKIDOLD", secret="oldsecret").list_clusters)
        self.assertAWSError("UnrecognizedClientException", self.boto_client("ecs", key="AKIDNOPE", secret="x").list_clusters)
        self.assertAWSError("InvalidAccessKeyId", self.boto_client("s3", key="AKIDNOPE", secret="x").list_buckets)
        self.assertAWSError("AuthFailure", self.boto_client("ec2", key="AKIDNOPE", secret="x").describe_vpcs)
        r = self.assertAWSError("InvalidSignatureException", self.boto_client("ecs", secret="wrong").list_clusters)
        self.assertIn("does not match", r["Error"]["Message"])
        self.assertAWSError("SignatureDoesNotMatch", self.boto_client("s3", secret="wrong").list_buckets)
        self.assertAWSError("SignatureDoesNotMatch", self.boto_client("ec2", secret="wrong").describe_vpcs)
        self.assertAWSError("InvalidSignatureException", self.boto_client("ecs", region="eu-west-1").list_clusters)
        self.assertAWSError("AuthorizationHeaderMalformed", self.boto_client("s3", region="eu-west-1").list_buckets)
        recs = self.ctl.requests(service="ecs")
        self.assertFalse(recs[-1]["sig_ok"])
        self.assertEqual(recs[-1]["headers"]["Authorization"], "REDACTED")

    def test_clock_skew(self):
        status, headers, body = ecs_raw(self.url, "ListClusters", {}, when=time.time() - 600)
        self.assertEqual((status, body["__type"]), (400, "InvalidSignatureException"))
        self.assertIn("Signature expired", body["message"])
        self.assertIn("Date", headers)
        status, _, _ = signed(self.url, "s3", method="GET", path="/", when=time.time() - 600)
        self.assertEqual(status, 200)  # S3 allows 15 minutes
        status, _, body = signed(self.url, "s3", method="GET", path="/", when=time.time() - 1200)
        self.assertEqual(status, 403)
        self.assertIn(b"<Code>RequestTimeTooSkewed</Code>", body)
        self.assertIn(b"<ServerTime>", body)
        self.ctl.config(clock_skew_s=-900)  # the server's clock is behind: client requests look early
        status, _, body = ecs_raw(self.url, "ListClusters", {})
        self.assertIn("Signature not yet current", body["message"])


class FaultTest(FakeTestCase):
    def setUp(self):
        super().setUp()
        self.ecs = self.boto_client("ecs")
        self.register_child(self.ecs)

    def test_throttle_fault_counted(self):
        self.ctl.fault(op="RunTask", count=2, status=400, code="ThrottlingException", message="Rate exceeded")
        self.assertAWSError("ThrottlingException", self.run_child, self.ecs)
        r = self.assertAWSError("ThrottlingException", self.run_child, self.ecs)
        self.assertEqual(r["Error"]["Message"], "Rate exceeded")
        self.assertEqual(len(self.run_child(self.ecs)["tasks"]), 1)
        counts = self.ctl.counts()
        self.assertEqual(counts["faults"]["ecs:RunTask"], 2)
        self.assertEqual(counts["errors"]["ecs:RunTask"]["ThrottlingException"], 2)
        self.ctl.fault(op="ecs:DescribeTasks", code="InvalidParameterException", message="Rate exceeded")
        self.assertAWSError("InvalidParameterException", self.ecs.describe_tasks, tasks=["x"])
        self.ctl.fault(op="s3:*", code="SlowDown")
        self.assertAWSError("SlowDown", self.boto_client("s3").list_buckets)

    def test_reset_fault_gives_connection_error(self):
        self.ctl.fault(op="*", kind="reset")
        with self.assertRaises((botocore.exceptions.ConnectionClosedError, botocore.exceptions.EndpointConnectionError,
                                botocore.exceptions.ConnectionError)):
            self.ecs.list_clusters()
        self.ecs.list_clusters()
        rec = self.ctl.requests(op="ListClusters")[0]
        self.assertEqual((rec["fault"], rec["status"]), ("reset", None))

    def test_drop_after_effect_then_idempotent_retry(self):
        self.ctl.fault(op="RunTask", kind="drop_after_effect")
        with self.assertRaises(botocore.exceptions.HTTPClientError):
            self.run_child(self.ecs, clientToken="j3-t0-a1")
        launched = [t for t in self.ctl.tasks() if not t["_fake"]["launcher"]]
        self.assertEqual(len(launched), 1)
        retry = self.run_child(self.ecs, clientToken="j3-t0-a1")
        self.assertEqual(retry["tasks"][0]["taskArn"], launched[0]["taskArn"])

    def test_delay_and_server_errors(self):
        self.ctl.fault(op="ListClusters", kind="delay", delay_ms=50)
        t0 = time.monotonic()
        self.ecs.list_clusters()
        self.assertGreaterEqual(time.monotonic() - t0, 0.05)
        self.ctl.fault(op="ListClusters", code="ServerException")
        r = self.assertAWSError("ServerException", self.ecs.list_clusters)
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 500)
        self.ctl.fault(op="ec2:DescribeVpcs", code="RequestLimitExceeded")
        self.assertAWSError("RequestLimitExceeded", self.boto_client("ec2").describe_vpcs)

    def test_rate_limiter_throttles_burst(self):
        self.ctl.config(rate_limits={"DescribeTasks": {"burst": 5, "rate": 1}})
        results = []
        for _ in range(10):
            try:
                self.ecs.describe_tasks(cluster="default", tasks=["0" * 32])
                results.append("ok")
            except botocore.exceptions.ClientError as e:
                results.append(e.response["Error"]["Code"])
        self.assertEqual(results[:5], ["ok"] * 5)
        self.assertIn("ThrottlingException", results[5:])
        self.assertGreaterEqual(self.ctl.counts()["throttled"]["ecs:DescribeTasks"], 4)
        self.ctl.config(rate_limits={"DescribeTasks": None})
        self.ecs.describe_tasks(cluster="default", tasks=["0" * 32])


class WireTest(FakeTestCase):
    def test_keep_alive_and_expect_continue(self):
        self.ctl.create_bucket("b")
        host, port = self.url.split("://")[1].split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=5)
        conn.request("GET", "/__fake/health")
        self.assertEqual(conn.getresponse().read(), json.dumps({"ok": True, "url": self.url}).encode())
        sock = conn.sock
        conn.request("GET", "/__fake/counts")
        conn.getresponse().read()
        self.assertIs(conn.sock, sock)  # same connection reused
        conn.close()
        # Expect: 100-continue: the server answers 100 before the body is sent
        s = socket.create_connection((host, int(port)), timeout=5)
        s.sendall(b"PUT /__fake/s3/b/k HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
        self.assertTrue(s.recv(64).startswith(b"HTTP/1.1 100"))
        s.sendall(b"abc")
        self.assertIn(b"200", s.recv(4096).split(b"\r\n")[0])
        s.close()
        self.assertEqual(self.ctl.s3_get("b", "k"), b"abc")

    def test_request_log_and_counts(self):
        ecs = self.boto_client("ecs", token=None)
        ecs.list_clusters()
        self.ctl.add_key("ASIATEMP", "tempsecret", session_token="tok123")
        self.boto_client("ecs", key="ASIATEMP", secret="tempsecret", token="tok123").list_clusters()
        recs = self.ctl.requests(service="ecs", op="ListClusters")
        self.assertEqual(len(recs), 2)
        self.assertTrue(all(r["sig_ok"] for r in recs))
        self.assertEqual(recs[1]["headers"]["X-Amz-Security-Token"], "REDACTED")
        self.assertEqual(recs[1]["access_key"], "ASIATEMP")
        self.assertEqual(self.ctl.counts()["ops"]["ecs:ListClusters"], 2)
        self.assertIn("x-amzn-requestid", {k.lower() for k in ecs.list_clusters()["ResponseMetadata"]["HTTPHeaders"]})

    @unittest.skipUnless(os.path.isdir(SIGV4_DATA), "shared SigV4 test data not present")
    def test_sigv4_worked_examples(self):
        import email.parser
        from fakeaws import clock
        for name in sorted(f[:-4] for f in os.listdir(SIGV4_DATA) if f.endswith(".req")):
            with open(os.path.join(SIGV4_DATA, name + ".req"), "rb") as f:
                raw = f.read()
            head, _, body = raw.partition(b"\n\n")
            lines = head.decode().split("\n")
            method, path, _ = lines[0].split(" ")
            msg = email.parser.Parser(_class=http.client.HTTPMessage).parsestr("\n".join(lines[1:]) + "\n\n")
            with open(os.path.join(SIGV4_DATA, name + ".authz")) as f:
                authz = f.read().strip()
            msg["Authorization"] = authz
            scope = authz.split("Credential=")[1].split(",")[0].split("/")
            token = "EXAMPLESESSIONTOKEN" if "x-amz-security-token" in authz else None
            keys = {AK: {"secret": SK, "token": token}}
            ok = sigv4check.verify(Request(method, path, msg, body), keys, service=scope[3], region=scope[2],
                                   now_s=clock.parse_amz_date("20150830T123600Z"), max_skew_s=300, s3=scope[3] == "s3")
            self.assertEqual(ok.access_key, AK, name)
            keys[AK]["secret"] = "wrong"
            with self.assertRaises(sigv4check.AuthFailure, msg=name):
                sigv4check.verify(Request(method, path, msg, body), keys, service=scope[3], region=scope[2],
                                  now_s=clock.parse_amz_date("20150830T123600Z"), max_skew_s=300, s3=scope[3] == "s3")

    @unittest.skipUnless(shutil.which("openssl"), "openssl not available")
    def test_tls(self):
        with tempfile.TemporaryDirectory() as d:
            cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                            "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                           check=True, capture_output=True)
            with FakeAWS(tls_cert=cert, tls_key=key) as fake:
                self.assertTrue(fake.url.startswith("https://"))
                ecs = boto3.session.Session(aws_access_key_id=AK, aws_secret_access_key=SK, region_name=REGION).client(
                    "ecs", endpoint_url=fake.url, verify=cert, config=Config(retries=no_retry()))
                self.assertEqual(ecs.describe_clusters()["clusters"][0]["clusterName"], "default")
                FakeControl(fake.url, cafile=cert).create_bucket("tls")
                s3 = boto3.session.Session(aws_access_key_id=AK, aws_secret_access_key=SK, region_name=REGION).client(
                    "s3", endpoint_url=fake.url, verify=cert, config=Config(retries=no_retry()))
                s3.put_object(Bucket="tls", Key="k", Body=b"over tls")  # aws-chunked body with a trailer checksum
                self.assertEqual(s3.get_object(Bucket="tls", Key="k")["Body"].read(), b"over tls")


class ProcessTest(unittest.TestCase):
    """The command-line server and an unrelated client (the aws CLI)."""

    def test_server_script_and_aws_cli(self):
        with tempfile.TemporaryDirectory() as d:
            port_file = os.path.join(d, "port")
            log = os.path.join(d, "requests.jsonl")
            proc = subprocess.Popen([sys.executable, os.path.join(TESTS, "fakeaws", "server.py"), "--port", "0",
                                     "--port-file", port_file, "--log", log],
                                    env=clean_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            try:
                deadline = time.monotonic() + 30
                while not os.path.exists(port_file):
                    self.assertIsNone(proc.poll(), "server exited early")
                    self.assertLess(time.monotonic(), deadline, "no port file")
                    time.sleep(0.02)
                with open(port_file) as f:
                    url = f"http://127.0.0.1:{int(f.read())}"
                ctl = FakeControl(url)
                self.assertTrue(ctl.health()["ok"])
                ctl.create_bucket("cli")
                if shutil.which("aws"):
                    env = clean_env({"AWS_ACCESS_KEY_ID": AK, "AWS_SECRET_ACCESS_KEY": SK, "AWS_DEFAULT_REGION": REGION,
                                     "AWS_ENDPOINT_URL": url, "AWS_CONFIG_FILE": os.path.join(d, "none"),
                                     "AWS_SHARED_CREDENTIALS_FILE": os.path.join(d, "none"), "HOME": d})
                    out = subprocess.run(["aws", "ecs", "describe-clusters", "--output", "json"], env=env,
                                         capture_output=True, text=True, timeout=60)
                    self.assertEqual(out.returncode, 0, out.stderr)
                    self.assertEqual(json.loads(out.stdout)["clusters"][0]["clusterName"], "default")
                    src = os.path.join(d, "result.json")
                    with open(src, "w") as f:
                        f.write('{"status": "SUCCEEDED"}')
                    out = subprocess.run(["aws", "s3", "cp", src, "s3://cli/job/result.json"], env=env,
                                         capture_output=True, text=True, timeout=60)
                    self.assertEqual(out.returncode, 0, out.stderr)
                    self.assertEqual(ctl.s3_get("cli", "job/result.json"), b'{"status": "SUCCEEDED"}')
                    bad = subprocess.run(["aws", "ecs", "list-clusters"], env=dict(env, AWS_SECRET_ACCESS_KEY="nope"),
                                         capture_output=True, text=True, timeout=60)
                    self.assertNotEqual(bad.returncode, 0)
                    self.assertIn("InvalidSignatureException", bad.stderr)
                with self.assertRaises(ControlError):
                    ctl.call("GET", "no-such-endpoint")
            finally:
                proc.send_signal(signal.SIGTERM)
                self.assertEqual(proc.wait(timeout=10), 0)
                proc.stderr.close()
            with open(log) as f:
                records = [json.loads(line) for line in f]
            if shutil.which("aws"):
                self.assertIn("DescribeClusters", [r["op"] for r in records])


if __name__ == "__main__":
    unittest.main()
