"""The AWS client core (src/aws/) against tests/fakeaws, through the aws_call tool.

The fake verifies every signature with botocore's signer, so a passing call is a
correctly signed one; faults, counts and its credential endpoints drive retries,
refreshes, credential sources, clock skew and endpoint overrides. Backoff sleeps
are scaled to zero with ECSBATCH_TEST_BACKOFF_SCALE (test-only).
"""
import datetime
import json
import os
import unittest

from integration.harness import AK, REGION, SK, FakeAWSTest, table_tests

ECS = "AmazonEC2ContainerServiceV20141113."

# ListClusters against injected faults: the faults (all on ListClusters), the exit code of
# aws_call, the calls the fake saw, and the error code reported when the call failed.
RETRY_ROWS = {
    "retry_on_throttling": dict(faults=[dict(count=2, code="ThrottlingException")], rc=0, calls=3),
    "retry_on_rate_exceeded_invalid_parameter": dict(
        faults=[dict(count=1, code="InvalidParameterException", message="Rate exceeded")], rc=0, calls=2),
    "invalid_parameter_not_retried": dict(
        faults=[dict(count=1, code="InvalidParameterException", message="bad cluster")], rc=1, calls=1,
        aws_code="InvalidParameterException"),
    "retry_on_5xx": dict(faults=[dict(count=1, code="ServerException"),
                                 dict(count=1, code="ServiceUnavailable")], rc=0, calls=3),
    "retry_on_reset_connection": dict(faults=[dict(count=1, kind="reset")], rc=0, calls=2),
}


@table_tests("check_list_clusters_faults", RETRY_ROWS)
class AwsCoreTest(FakeAWSTest):
    backoff_scale = "0"

    def env(self, **extra):
        """The fake's environment without credentials (keys() adds them)."""
        return self.aws_env(**{"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None, **extra})

    def keys(self, **extra):
        return self.aws_env(**extra)

    def call(self, args, env, pre=()):
        proc = self.run_tool("aws_call", list(pre) + list(args), env=env, timeout=60)
        out = {}
        for line in proc.stdout.splitlines():
            k, _, v = line.partition(": ")
            out.setdefault(k, v)
        out["rc"] = proc.returncode
        out["stdout"] = proc.stdout
        out["stderr"] = proc.stderr
        return out

    def list_clusters(self, env, pre=()):
        return self.call(["json", "ecs", ECS + "ListClusters", "{}"], env, pre)

    def op_count(self, op):
        return self.ctl.counts()["ops"].get(op, 0)

    # ---------------------------------------------------------------- signing
    def test_signed_ecs_call_accepted(self):
        r = self.list_clusters(self.keys())
        self.assertEqual(r["rc"], 0, r["stdout"] + r["stderr"])
        self.assertEqual(r["status"], "200")
        self.assertIn("cluster/default", r["body"])
        self.assertEqual(r["credentials-source"], "environment")
        recs = self.ctl.requests(service="ecs")
        self.assertEqual(len(recs), 1)
        self.assertTrue(recs[0]["sig_ok"])
        self.assertTrue(r["request-id"])
        # No secret in what the tool printed.
        self.assertNotIn(SK, r["stdout"] + r["stderr"])

    def test_query_and_s3_calls_signed(self):
        r = self.call(["query", "ec2", "Action=DescribeVpcs&Version=2016-11-15"], self.keys())
        self.assertEqual(r["rc"], 0, r["stdout"])
        self.assertIn("<vpcId>vpc-", r["stdout"])
        self.ctl.create_bucket("bkt")
        key = "run 1/a+b~c/out.txt"
        r = self.call(["rest", "PUT", "bkt", key, "--body", "hello\n", "--header", "If-None-Match: *",
                       "--header", "Content-Type: text/plain"], self.keys())
        self.assertEqual(r["rc"], 0, r["stdout"])
        self.assertTrue(r["etag"].startswith('"'))
        self.assertEqual(self.ctl.s3_get("bkt", key), b"hello\n")
        # create-if-absent: the second PUT finds it present
        r = self.call(["rest", "PUT", "bkt", key, "--body", "x", "--header", "If-None-Match: *"], self.keys())
        self.assertEqual(r["rc"], 1)
        self.assertIn("error: exists:", r["stdout"])
        self.assertEqual(r["aws-code"], "PreconditionFailed")
        r = self.call(["rest", "GET", "bkt", key], self.keys())
        self.assertEqual(r["body"], "hello")
        r = self.call(["rest", "HEAD", "bkt", "missing"], self.keys())
        self.assertIn("error: not_found:", r["stdout"])
        r = self.call(["rest", "POST", "bkt", "big", "--query", "uploads"], self.keys())
        self.assertEqual(r["rc"], 0, r["stdout"])
        self.assertIn("<UploadId>", r["stdout"])

    def test_wrong_secret_is_the_real_error_without_retry(self):
        r = self.list_clusters(self.env(AWS_ACCESS_KEY_ID=AK, AWS_SECRET_ACCESS_KEY="not-the-secret"))
        self.assertEqual(r["rc"], 1)
        self.assertEqual(r["aws-code"], "InvalidSignatureException")
        self.assertIn("ECS ListClusters: InvalidSignatureException", r["error"])
        self.assertEqual(self.op_count("ecs:ListClusters"), 1)
        self.assertNotIn("not-the-secret", r["stdout"] + r["stderr"])

    def test_unknown_key(self):
        r = self.list_clusters(self.env(AWS_ACCESS_KEY_ID="AKIDUNKNOWN", AWS_SECRET_ACCESS_KEY=SK))
        self.assertEqual(r["rc"], 1)
        self.assertEqual(r["aws-code"], "UnrecognizedClientException")

    def test_session_token(self):
        self.ctl.add_key("ASIATEMPKEY", "temp-secret", session_token="temp-token-123")
        env = self.env(AWS_ACCESS_KEY_ID="ASIATEMPKEY", AWS_SECRET_ACCESS_KEY="temp-secret",
                       AWS_SESSION_TOKEN="temp-token-123")
        r = self.list_clusters(env)
        self.assertEqual(r["rc"], 0, r["stdout"])
        rec = self.ctl.requests(service="ecs")[-1]
        self.assertTrue(rec["sig_ok"])
        self.assertEqual(rec["access_key"], "ASIATEMPKEY")
        # Without the token the same key is refused.
        env.pop("AWS_SESSION_TOKEN")
        r = self.list_clusters(env)
        self.assertEqual(r["rc"], 1)

    # ---------------------------------------------------------------- retries
    def check_list_clusters_faults(self, faults, rc, calls, aws_code=None):
        for f in faults:
            self.ctl.fault(op="ListClusters", **f)
        r = self.list_clusters(self.keys())
        self.assertEqual(r["rc"], rc, r["stdout"])
        if aws_code:
            self.assertEqual(r["aws-code"], aws_code)
        self.assertEqual(self.op_count("ecs:ListClusters"), calls)

    def test_s3_slowdown_and_ec2_request_limit_retried(self):
        self.ctl.create_bucket("bkt")
        self.ctl.fault(op="s3:PutObject", count=1, code="SlowDown")
        r = self.call(["rest", "PUT", "bkt", "k", "--body", "x"], self.keys())
        self.assertEqual(r["rc"], 0, r["stdout"])
        self.assertEqual(self.op_count("s3:PutObject"), 2)
        self.ctl.fault(op="ec2:DescribeVpcs", count=1, code="RequestLimitExceeded")
        r = self.call(["query", "ec2", "Action=DescribeVpcs&Version=2016-11-15"], self.keys())
        self.assertEqual(r["rc"], 0, r["stdout"])
        self.assertEqual(self.op_count("ec2:DescribeVpcs"), 2)

    def test_max_attempts_honoured(self):
        self.ctl.fault(op="ListClusters", count=-1, code="ThrottlingException")
        r = self.list_clusters(self.keys())
        self.assertEqual(r["rc"], 1)
        self.assertEqual(self.op_count("ecs:ListClusters"), 3)   # the default
        self.assertIn("after 3 attempts", r["error"])
        self.ctl.reset()
        self.ctl.fault(op="ListClusters", count=-1, code="ThrottlingException")
        r = self.list_clusters(self.keys(AWS_MAX_ATTEMPTS="5"))
        self.assertEqual(r["rc"], 1)
        self.assertEqual(self.op_count("ecs:ListClusters"), 5)
        self.ctl.reset()
        self.ctl.fault(op="ListClusters", count=-1, code="ThrottlingException")
        r = self.list_clusters(self.keys(AWS_MAX_ATTEMPTS="1"))
        self.assertEqual(self.op_count("ecs:ListClusters"), 1)
        r = self.list_clusters(self.keys(AWS_MAX_ATTEMPTS="zero"))
        self.assertEqual(r["rc"], 1)
        self.assertIn("AWS_MAX_ATTEMPTS", r["error"])

    def test_clock_skew_corrected(self):
        self.ctl.config(clock_skew_s=1200)
        r = self.list_clusters(self.keys(), pre=["--repeat", "2"])
        self.assertEqual(r["rc"], 0, r["stdout"] + r["stderr"])
        recs = self.ctl.requests(service="ecs")
        # one refused for the date, then every call signed with the corrected clock
        self.assertEqual(len(recs), 3)
        self.assertIsNotNone(recs[0]["error_code"])
        self.assertTrue(all(x["status"] == 200 for x in recs[1:]))
        self.ctl.create_bucket("bkt")
        r = self.call(["rest", "PUT", "bkt", "k", "--body", "x"], self.keys())
        self.assertEqual(r["rc"], 0, r["stdout"])
        errs = self.ctl.counts()["errors"].get("s3:PutObject", {})
        self.assertEqual(errs.get("RequestTimeTooSkewed"), 1)

    # ------------------------------------------------------------ credentials
    def container_env(self, **extra):
        md = self.ctl.metadata()
        return self.env(AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=md["credentials_relative_uri"],
                        ECSBATCH_TEST_CONTAINER_CREDENTIALS_ENDPOINT=self.url, **extra)

    def test_container_credentials(self):
        r = self.list_clusters(self.container_env())
        self.assertEqual(r["rc"], 0, r["stdout"])
        self.assertEqual(r["credentials-source"], "container")
        self.assertEqual(self.ctl.counts()["credentials_fetches"], 1)

    def test_container_credentials_expiring_mid_sequence_are_refreshed(self):
        body = json.dumps({"expire_now": True, "which": "container"})
        r = self.list_clusters(self.container_env(), pre=["--repeat", "3", "--control",
                                                          self.url + "/__fake/credentials", body])
        self.assertEqual(r["rc"], 0, r["stdout"] + r["stderr"])
        counts = self.ctl.counts()
        self.assertEqual(counts["credentials_fetches"], 2)
        self.assertEqual(counts["errors"]["ecs:ListClusters"], {"ExpiredTokenException": 1})
        self.assertEqual(counts["ops"]["ecs:ListClusters"], 4)

    def test_container_credentials_refreshed_before_expiry(self):
        # Credentials that live 10 minutes are always inside the refresh window.
        self.ctl.credentials(lifetime_s=600)
        r = self.list_clusters(self.container_env(), pre=["--repeat", "3"])
        self.assertEqual(r["rc"], 0, r["stdout"])
        self.assertEqual(self.ctl.counts()["credentials_fetches"], 3)
        self.assertNotIn("ExpiredTokenException", json.dumps(self.ctl.counts()["errors"]))

    def test_container_full_uri_and_authorization_token(self):
        md = self.ctl.metadata()
        self.ctl.credentials(auth_token="Bearer secret-auth")
        tokfile = self.write("auth-token", "Bearer secret-auth\n")
        r = self.list_clusters(self.env(AWS_CONTAINER_CREDENTIALS_FULL_URI=md["credentials_full_uri"],
                                        AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=tokfile))
        self.assertEqual(r["rc"], 0, r["stdout"])
        r = self.list_clusters(self.env(AWS_CONTAINER_CREDENTIALS_FULL_URI=md["credentials_full_uri"],
                                        AWS_CONTAINER_AUTHORIZATION_TOKEN="Bearer secret-auth"))
        self.assertEqual(r["rc"], 0, r["stdout"])
        r = self.list_clusters(self.env(AWS_CONTAINER_CREDENTIALS_FULL_URI=md["credentials_full_uri"]))
        self.assertEqual(r["rc"], 1)
        self.assertIn("error: credentials:", r["stdout"])
        self.assertNotIn("secret-auth", r["stdout"] + r["stderr"])

    def test_container_full_uri_host_refused(self):
        r = self.list_clusters(self.env(AWS_CONTAINER_CREDENTIALS_FULL_URI="http://198.51.100.7/creds"))
        self.assertEqual(r["rc"], 1)
        self.assertIn("not allowed", r["error"])
        self.assertEqual(self.ctl.counts()["requests"], 0)

    def test_web_identity(self):
        tok = self.write("token", "fake-web-identity-token\n")
        env = self.env(AWS_WEB_IDENTITY_TOKEN_FILE=tok, AWS_ROLE_ARN="arn:aws:iam::123456789012:role/r",
                       AWS_ROLE_SESSION_NAME="ecsbatch-test")
        r = self.list_clusters(env)
        self.assertEqual(r["rc"], 0, r["stdout"])
        self.assertEqual(r["credentials-source"], "web-identity")
        self.assertEqual(self.ctl.counts()["sts_web_identity"], 1)
        bad = self.write("bad-token", "not-accepted")
        r = self.list_clusters(dict(env, AWS_WEB_IDENTITY_TOKEN_FILE=bad))
        self.assertEqual(r["rc"], 1)
        self.assertIn("AssumeRoleWithWebIdentity", r["error"])

    def test_profile_files(self):
        creds = self.write("credentials", "[default]\naws_access_key_id = AKIDNOPE\n"
                           "aws_secret_access_key = nope\n\n[ecsb]\naws_access_key_id = %s\n"
                           "aws_secret_access_key = %s\n" % (AK, SK))
        config = self.write("config", "[default]\nregion = eu-west-1\n\n[profile ecsb]\n"
                            "region = us-west-2\ns3 =\n  addressing_style = path\n")
        env = self.env(AWS_SHARED_CREDENTIALS_FILE=creds, AWS_CONFIG_FILE=config, AWS_PROFILE="ecsb",
                       AWS_REGION=None)
        r = self.list_clusters(env)
        self.assertEqual(r["rc"], 0, r["stdout"])
        self.assertEqual(r["credentials-source"], "profile:ecsb")
        # keys in the config file's [profile x] section
        config2 = self.write("config2", "[profile cfg]\nregion = us-west-2\naws_access_key_id = %s\n"
                             "aws_secret_access_key = %s\n" % (AK, SK))
        r = self.list_clusters(dict(env, AWS_CONFIG_FILE=config2, AWS_PROFILE="cfg"))
        self.assertEqual(r["rc"], 0, r["stdout"])
        self.assertEqual(r["credentials-source"], "profile:cfg")
        r = self.list_clusters(dict(env, AWS_PROFILE="missing", AWS_REGION=REGION))
        self.assertEqual(r["rc"], 1)
        self.assertIn("profile missing", r["error"])

    # ------------------------------------------- credential_process, assume role
    ROLE = "arn:aws:iam::123456789012:role/batch"

    def process_script(self, expiration=None, token=None):
        """A credential_process helper printing the fake's key; it appends a line to runs.log."""
        answer = {"Version": 1, "AccessKeyId": AK, "SecretAccessKey": SK}
        if expiration is not None:
            answer["Expiration"] = expiration
        if token is not None:
            answer["SessionToken"] = token
        runs = os.path.join(self.tmp, "runs.log")
        path = self.write("bin dir/creds helper.sh",
                          "#!/bin/sh\necho \"$1\" >> '%s'\ncat <<'EOF'\n%s\nEOF\n"
                          % (runs, json.dumps(answer)))
        os.chmod(path, 0o755)
        return path, runs

    def runs(self, runs):
        with open(runs) as f:
            return f.read().split()

    def profile_env(self, name, config, creds=""):
        return self.env(AWS_CONFIG_FILE=self.write("config", config),
                        AWS_SHARED_CREDENTIALS_FILE=self.write("credentials", creds), AWS_PROFILE=name)

    def test_credential_process_profile(self):
        script, runs = self.process_script()
        env = self.profile_env("proc", '[profile proc]\ncredential_process = "%s" first-arg\n' % script)
        r = self.list_clusters(env)
        self.assertEqual(r["rc"], 0, r["stdout"] + r["stderr"])
        self.assertEqual(r["credentials-source"], "profile:proc")
        self.assertEqual(self.runs(runs), ["first-arg"])
        rec = self.ctl.requests(service="ecs", op="ListClusters")[-1]
        self.assertTrue(rec["sig_ok"])
        self.assertEqual(rec["access_key"], AK)
        self.assertNotIn(SK, r["stdout"] + r["stderr"])

    def test_credential_process_failures(self):
        script, _ = self.process_script()
        bad = self.write("bad.sh", "#!/bin/sh\necho oops >&2\necho '{\"Version\": 2}'\nexit \"$1\"\n")
        rows = {
            "exit 3": (f"sh {bad} 3", "credential_process sh exited with status 3"),
            "version": (f"sh {bad} 0", "profile proc: credential_process output: Version must be"),
            "missing": ("/nonexistent/helper", "cannot run /nonexistent/helper"),
            "quote": ("'unclosed", "no closing quotation"),
        }
        for what, (cmd, msg) in rows.items():
            with self.subTest(what):
                r = self.list_clusters(self.profile_env("proc", "[profile proc]\ncredential_process = %s\n" % cmd))
                self.assertEqual(r["rc"], 1, r["stdout"])
                self.assertIn("error: credentials:", r["stdout"])
                self.assertIn(msg, r["error"])
        self.assertEqual(self.op_count("ecs:ListClusters"), 0)

    def test_credential_process_expiring_answer_is_run_again(self):
        # Inside the mandatory refresh window (10 min): every signed call runs it again.
        soon = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=5))
        script, runs = self.process_script(expiration=soon.strftime("%Y-%m-%dT%H:%M:%SZ"))
        env = self.profile_env("proc", '[profile proc]\ncredential_process = "%s" x\n' % script)
        r = self.list_clusters(env, pre=["--repeat", "3"])
        self.assertEqual(r["rc"], 0, r["stdout"] + r["stderr"])
        self.assertEqual(len(self.runs(runs)), 3)
        # Far from expiry: run once.
        later = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1))
        script, runs = self.process_script(expiration=later.isoformat())
        os.remove(runs)
        r = self.list_clusters(env, pre=["--repeat", "3"])
        self.assertEqual(r["rc"], 0, r["stdout"] + r["stderr"])
        self.assertEqual(len(self.runs(runs)), 1)

    def test_assume_role_via_source_profile(self):
        self.ctl.config(assume_roles={self.ROLE: {"external_id": "ext-7"},
                                      "arn:aws:iam::123456789012:role/second": None})
        config = ("[profile batch]\nrole_arn = %s\nsource_profile = src\nexternal_id = ext-7\n"
                  "role_session_name = ecsb-test\nduration_seconds = 1800\n"
                  "[profile chained]\nrole_arn = arn:aws:iam::123456789012:role/second\n"
                  "source_profile = batch\n" % self.ROLE)
        creds = "[src]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (AK, SK)
        env = self.profile_env("batch", config, creds)
        r = self.call(["creds"], env)
        self.assertEqual(r["rc"], 0, r["stdout"] + r["stderr"])
        self.assertEqual(r["credentials-source"], "profile:batch")
        self.assertIn("assumed-role/batch/ecsb-test", r["body"])
        assume = self.ctl.requests(service="sts", op="AssumeRole")
        self.assertEqual(len(assume), 1)
        self.assertTrue(assume[0]["sig_ok"])
        self.assertEqual(assume[0]["access_key"], AK)
        self.assertEqual(assume[0]["params"]["ExternalId"], "ext-7")
        self.assertEqual(assume[0]["params"]["DurationSeconds"], "1800")
        who = self.ctl.requests(service="sts", op="GetCallerIdentity")[-1]
        self.assertTrue(who["sig_ok"])
        self.assertTrue(who["access_key"].startswith("ASIA"), who)
        self.assertNotIn(SK, r["stdout"] + r["stderr"])
        # a role assumed with the first role's temporary keys (and their session token)
        self.ctl.clear_requests()
        r = self.call(["creds"], dict(env, AWS_PROFILE="chained"))
        self.assertEqual(r["rc"], 0, r["stdout"] + r["stderr"])
        self.assertIn("assumed-role/second/ecsbatch-", r["body"])
        assume = self.ctl.requests(service="sts", op="AssumeRole")
        self.assertEqual([x["access_key"][:4] for x in assume], ["AKID", "ASIA"])
        self.assertTrue(all(x["sig_ok"] for x in assume))

    def test_assume_role_from_credential_process_and_environment(self):
        script, runs = self.process_script()
        config = ('[profile r]\nrole_arn = %s\nsource_profile = p\n[profile p]\ncredential_process = "%s" p\n'
                  '[profile e]\nrole_arn = %s\ncredential_source = Environment\n' % (self.ROLE, script, self.ROLE))
        r = self.call(["creds"], self.profile_env("r", config))
        self.assertEqual(r["rc"], 0, r["stdout"] + r["stderr"])
        self.assertIn("assumed-role/batch/", r["body"])
        self.assertEqual(self.runs(runs), ["p"])
        # credential_source = Environment: only without keys in the environment does the chain
        # reach the profile, so the keys must come from there at AssumeRole time.
        r = self.call(["creds"], self.profile_env("e", config))
        self.assertEqual(r["rc"], 1, r["stdout"])
        self.assertIn("credential_source Environment", r["error"])

    def test_assume_role_refused(self):
        self.ctl.config(assume_roles=["arn:aws:iam::123456789012:role/other"])
        creds = "[src]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (AK, SK)
        rows = {
            "denied": (self.ROLE, "", "STS AssumeRole of %s failed: AccessDenied" % self.ROLE),
            "malformed": ("arn:aws:iam::role-nope-invalid", "", "failed: ValidationError"),
            "mfa": (self.ROLE, "mfa_serial = arn:aws:iam::123456789012:mfa/me\n", "needs an MFA code"),
            "loop": (self.ROLE, "[profile other]\nrole_arn = %s\nsource_profile = batch\n" % self.ROLE,
                     None),
        }
        for what, (arn, extra, msg) in rows.items():
            with self.subTest(what):
                src = "other" if what == "loop" else "src"
                config = "[profile batch]\nrole_arn = %s\nsource_profile = %s\n%s" % (arn, src, extra)
                r = self.call(["creds"], self.profile_env("batch", config, creds))
                self.assertEqual(r["rc"], 1, r["stdout"])
                self.assertIn(msg or "source_profile loop: batch -> other -> batch", r["error"])
        self.assertEqual(self.op_count("sts:GetCallerIdentity"), 0)

    def test_imdsv2(self):
        r = self.list_clusters(self.env(AWS_EC2_METADATA_DISABLED=None,
                                        AWS_EC2_METADATA_SERVICE_ENDPOINT=self.url))
        self.assertEqual(r["rc"], 0, r["stdout"])
        self.assertEqual(r["credentials-source"], "imds")
        counts = self.ctl.counts()
        self.assertEqual(counts["ops"].get("imds:GetToken"), 1)
        # the role name, then the role's credentials
        self.assertEqual(counts["imds_credentials_fetches"], 2)
        tokens = [x for x in self.ctl.requests(service="imds") if x["op"] != "GetToken"]
        self.assertTrue(tokens and all(x["headers"].get("X-aws-ec2-metadata-token") == "REDACTED"
                                       for x in tokens), tokens)

    def test_no_credentials(self):
        r = self.list_clusters(self.env())
        self.assertEqual(r["rc"], 1)
        self.assertIn("error: credentials: ECS ListClusters: no AWS credentials found", r["stdout"])

    def test_partial_env_keys(self):
        r = self.list_clusters(self.env(AWS_ACCESS_KEY_ID=AK))
        self.assertEqual(r["rc"], 1)
        self.assertIn("AWS_SECRET_ACCESS_KEY is not", r["error"])

    # -------------------------------------------------------------- endpoints
    def test_service_endpoint_override_wins(self):
        env = self.keys(AWS_ENDPOINT_URL="http://127.0.0.1:9", AWS_ENDPOINT_URL_ECS=self.url)
        r = self.list_clusters(env)
        self.assertEqual(r["rc"], 0, r["stdout"])
        # EC2 still goes to the (dead) global override: a transport error, retried, then reported.
        r = self.call(["query", "ec2", "Action=DescribeVpcs&Version=2016-11-15"], env)
        self.assertEqual(r["rc"], 1)
        self.assertIn("error: transport:", r["stdout"])
        self.assertIn("127.0.0.1:9", r["error"])

    def test_no_region(self):
        r = self.list_clusters(self.keys(AWS_REGION=None))
        self.assertEqual(r["rc"], 1)
        self.assertIn("no AWS region", r["error"])


if __name__ == "__main__":
    unittest.main()
