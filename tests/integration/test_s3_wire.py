"""S3 on the wire (aws-facts §9) through tests/tools/s3_tool against the fake.

The fake verifies every signature and every x-amz-checksum-sha256; boto3 reads
back what was written, as an independent client. Covers PutObject, GetObject,
HeadObject, If-None-Match conditional create (412 → exists, 409 → retried),
multipart upload above a threshold and its abort on a failing part, the
s3:// job-source reader, and the S3 results sink.
"""
import base64
import hashlib
import json
import os
import unittest

from integration.harness import SK, FakeAWSTest

BUCKET = "results"


class S3WireTest(FakeAWSTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.boto = cls.boto_client("s3", s3={"addressing_style": "path"})

    def setUp(self):
        super().setUp()
        self.ctl.config(buckets=[BUCKET])

    def s3(self, *args):
        p = self.run_tool("s3_tool", args)
        self.assertNotIn(SK, p.stdout + p.stderr)
        lines = p.stdout.strip().splitlines()
        self.assertTrue(lines, p.stderr)
        return json.loads(lines[-1]), p

    def file(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def read(self, path):
        with open(path, "rb") as f:
            return f.read()

    def boto_get(self, key):
        obj = self.boto.get_object(Bucket=BUCKET, Key=key)
        return obj["Body"].read(), obj["ContentType"]

    def ops(self):
        return self.ctl.counts()["ops"]

    # --- single objects -------------------------------------------------------------------

    def test_put_with_checksum_get_and_head(self):
        body = b'{"status": "SUCCEEDED"}\n'
        src = self.file("a.json", body)
        out, p = self.s3("put", f"s3://{BUCKET}/jobs/j1/a b+c.json", src, "--type", "application/json")
        self.assertEqual(out["result"], "ok", out)
        self.assertEqual(out["etag"], '"%s"' % hashlib.md5(body).hexdigest())
        # The fake checked the checksum (a wrong one is BadDigest); it was sent and signed.
        put = self.ctl.requests(service="s3", op="PutObject")[-1]
        want = base64.b64encode(hashlib.sha256(body).digest()).decode()
        headers = {k.lower(): v for k, v in put["headers"].items()}
        self.assertEqual(headers["x-amz-checksum-sha256"], want)
        self.assertTrue(put["sig_ok"])  # the fake requires every x-amz-* header to be signed
        self.assertEqual(self.boto_get("jobs/j1/a b+c.json"), (body, "application/json"))

        dst = os.path.join(self.tmp, "back")
        out, _ = self.s3("get", f"s3://{BUCKET}/jobs/j1/a b+c.json", dst)
        self.assertEqual(out["result"], "ok")
        self.assertEqual(self.read(dst), body)
        out, _ = self.s3("head", f"s3://{BUCKET}/jobs/j1/a b+c.json")
        self.assertEqual((out["result"], out["etag"]), ("ok", '"%s"' % hashlib.md5(body).hexdigest()))

    def test_missing_objects_and_buckets(self):
        out, _ = self.s3("get", f"s3://{BUCKET}/nope", os.path.join(self.tmp, "x"))
        self.assertEqual((out["result"], out["aws_code"]), ("not_found", "NoSuchKey"))
        out, _ = self.s3("head", f"s3://{BUCKET}/nope")
        self.assertEqual(out["result"], "not_found")
        # A missing bucket is a configuration error, not an absent object.
        out, _ = self.s3("get", "s3://no-such-bucket/k", os.path.join(self.tmp, "x"))
        self.assertEqual((out["result"], out["aws_code"]), ("aws", "NoSuchBucket"))
        self.assertIn("no-such-bucket", out["message"])

    def test_empty_body(self):
        out, _ = self.s3("put", f"s3://{BUCKET}/empty", self.file("e", b""))
        self.assertEqual(out["result"], "ok", out)
        self.assertEqual(self.boto_get("empty")[0], b"")

    def test_conditional_create_twice(self):
        first, second = self.file("1", b"first"), self.file("2", b"second")
        out, _ = self.s3("put", f"s3://{BUCKET}/claim.json", first, "--create")
        self.assertEqual(out["result"], "ok", out)
        out, p = self.s3("put", f"s3://{BUCKET}/claim.json", second, "--create")
        self.assertEqual(out["result"], "exists", out)
        self.assertEqual(out["http_status"], 412)
        self.assertNotEqual(p.returncode, 0)
        self.assertEqual(self.boto_get("claim.json")[0], b"first")
        reqs = self.ctl.requests(service="s3", op="PutObject")
        self.assertEqual([r["headers"].get("If-None-Match") for r in reqs], ["*", "*"])
        self.assertEqual(len(reqs), 2)  # a 412 is an answer, not something to retry

    def test_conditional_conflict_409_is_retried(self):
        self.ctl.fault(op="s3:PutObject", status=409, code="ConditionalRequestConflict",
                       message="A conflicting conditional operation is in progress", count=1)
        out, _ = self.s3("put", f"s3://{BUCKET}/claim.json", self.file("c", b"mine"), "--create")
        self.assertEqual(out["result"], "ok", out)
        self.assertEqual(self.boto_get("claim.json")[0], b"mine")
        self.assertEqual(self.ops()["s3:PutObject"], 2)

    def test_transient_errors_are_retried(self):
        self.ctl.fault(op="s3:PutObject", code="SlowDown", count=2)
        out, _ = self.s3("put", f"s3://{BUCKET}/k", self.file("k", b"data"))
        self.assertEqual(out["result"], "ok", out)
        self.assertEqual(self.ops()["s3:PutObject"], 3)

    def test_access_denied_is_an_aws_error(self):
        self.ctl.fault(op="s3:PutObject", status=403, code="AccessDenied", message="Access Denied")
        out, _ = self.s3("put", f"s3://{BUCKET}/k", self.file("k", b"data"))
        self.assertEqual((out["result"], out["aws_code"], out["http_status"]), ("aws", "AccessDenied", 403))
        self.assertEqual(self.ops()["s3:PutObject"], 1)

    # --- multipart ------------------------------------------------------------------------

    def big(self, n=300_000):
        return bytes((i * 7919 + i // 251) & 0xFF for i in range(n))

    def test_multipart_above_threshold(self):
        self.ctl.config(s3_min_part_size=100_000)
        body = self.big()
        out, _ = self.s3("put", f"s3://{BUCKET}/logs/big.log", self.file("b", body), "--type", "text/plain",
                         "--threshold", "200000", "--part-size", "100000")
        self.assertEqual(out["result"], "ok", out)
        self.assertTrue(out["etag"].endswith('-3"'), out)
        self.assertEqual(self.boto_get("logs/big.log"), (body, "text/plain"))
        ops = self.ops()
        self.assertEqual((ops.get("s3:CreateMultipartUpload"), ops.get("s3:UploadPart"),
                          ops.get("s3:CompleteMultipartUpload"), ops.get("s3:PutObject")), (1, 3, 1, None))
        parts = self.ctl.requests(service="s3", op="UploadPart")
        self.assertEqual([r["params"]["query"]["partNumber"] for r in parts], ["1", "2", "3"])
        for r in parts:
            self.assertIn("x-amz-checksum-sha256", {k.lower() for k in r["headers"]})
        # Below the threshold: one PutObject.
        out, _ = self.s3("put", f"s3://{BUCKET}/small", self.file("s", body[:1000]), "--threshold", "200000")
        self.assertEqual(self.ops().get("s3:PutObject"), 1)

    def test_multipart_retries_a_throttled_part(self):
        self.ctl.config(s3_min_part_size=100_000)
        self.ctl.fault(op="s3:UploadPart", code="SlowDown", skip=1, count=1)
        body = self.big(250_000)
        out, _ = self.s3("put", f"s3://{BUCKET}/big", self.file("b", body), "--threshold", "200000",
                         "--part-size", "100000")
        self.assertEqual(out["result"], "ok", out)
        self.assertEqual(self.boto_get("big")[0], body)
        self.assertEqual(self.ops()["s3:UploadPart"], 4)

    def test_multipart_aborts_on_a_failing_part(self):
        self.ctl.config(s3_min_part_size=100_000)
        self.ctl.fault(op="s3:UploadPart", status=403, code="AccessDenied", message="Access Denied", skip=1)
        out, _ = self.s3("put", f"s3://{BUCKET}/big", self.file("b", self.big()), "--threshold", "200000",
                         "--part-size", "100000")
        self.assertEqual((out["result"], out["aws_code"]), ("aws", "AccessDenied"), out)
        self.assertIn("part 2 of 3", out["message"])
        ops = self.ops()
        self.assertEqual((ops.get("s3:UploadPart"), ops.get("s3:AbortMultipartUpload"),
                          ops.get("s3:CompleteMultipartUpload")), (2, 1, None))
        self.assertNotIn("big", self.ctl.s3_list(BUCKET))

    def test_multipart_create_when_present_is_exists_and_aborts(self):
        self.ctl.config(s3_min_part_size=100_000)
        self.ctl.s3_put(BUCKET, "big", b"already here")
        out, _ = self.s3("put", f"s3://{BUCKET}/big", self.file("b", self.big()), "--create",
                         "--threshold", "200000", "--part-size", "100000")
        self.assertEqual(out["result"], "exists", out)
        self.assertEqual(self.ops().get("s3:AbortMultipartUpload"), 1)
        self.assertEqual(self.boto_get("big")[0], b"already here")
        done = self.ctl.requests(service="s3", op="CompleteMultipartUpload")
        self.assertEqual(done[0]["headers"].get("If-None-Match"), "*")

    # --- readers and the sink -------------------------------------------------------------

    def test_read_uri(self):
        self.ctl.s3_put(BUCKET, "jobs/job.yaml", b"name: x\n")
        dst = os.path.join(self.tmp, "job")
        out, _ = self.s3("read", f"s3://{BUCKET}/jobs/job.yaml", dst)
        self.assertEqual(out["result"], "ok", out)
        self.assertEqual(self.read(dst), b"name: x\n")
        out, _ = self.s3("read", f"s3://{BUCKET}/jobs/none.yaml", dst)
        self.assertEqual(out["result"], "not_found")
        out, _ = self.s3("read", f"s3://{BUCKET}", dst)
        self.assertEqual(out["result"], "invalid")

    def test_sink_round_trip(self):
        uri, job = f"s3://{BUCKET}/ecsbatch/", "abc123"
        loc = self.run_tool("s3_tool", ["sink", uri, job, "location"],
                            env={"AWS_REGION": "us-west-2"}).stdout.splitlines()[0]
        self.assertEqual(loc, f"s3://{BUCKET}/ecsbatch/abc123")
        result = b'{"schema": "ecsbatch.result/1"}'
        out, _ = self.s3("sink", uri, job, "put", "result.json", self.file("r", result))
        self.assertEqual(out["result"], "ok", out)
        self.assertEqual(self.boto_get("ecsbatch/abc123/result.json"), (result, "application/json"))
        out, _ = self.s3("sink", uri, job, "put", "logs/task-0-attempt-1.log", self.file("l", b"line\n"))
        self.assertEqual(out["result"], "ok", out)
        body, ctype = self.boto_get("ecsbatch/abc123/logs/task-0-attempt-1.log")
        self.assertEqual(body, b"line\n")
        self.assertTrue(ctype.startswith("text/plain"), ctype)

        dst = os.path.join(self.tmp, "got")
        out, _ = self.s3("sink", uri, job, "get", "result.json", dst)
        self.assertEqual(out["result"], "ok", out)
        self.assertEqual(self.read(dst), result)
        out, _ = self.s3("sink", uri, job, "get", "claim.json", dst)
        self.assertEqual(out["result"], "not_found")

        out, _ = self.s3("sink", uri, job, "create", "claim.json", self.file("c1", b"one"))
        self.assertEqual(out["result"], "ok", out)
        out, _ = self.s3("sink", uri, job, "create", "claim.json", self.file("c2", b"two"))
        self.assertEqual(out["result"], "exists", out)
        self.assertEqual(self.boto_get("ecsbatch/abc123/claim.json")[0], b"one")
        # A rewrite of status.json replaces it.
        self.s3("sink", uri, job, "put", "status.json", self.file("s1", b"1"))
        self.s3("sink", uri, job, "put", "status.json", self.file("s2", b"2"))
        self.assertEqual(self.boto_get("ecsbatch/abc123/status.json")[0], b"2")


if __name__ == "__main__":
    unittest.main()
