"""TLS of every AWS call (SPEC §4 "TLS", §6): verification always on; the built-in
CA bundle, or AWS_CA_BUNDLE / SSL_CERT_FILE instead; a certificate that does not
verify is exit 5 at once, naming the host, never retried.

Uses the hidden diagnostic `ecsbatch _https-get URL` (same TLS settings as AWS
calls) and the aws_call tool, against a local server whose CA is made now.
"""
import os
import subprocess
import unittest

from integration import tls_helper
from integration.harness import TempDirTest, clean_env, run, tool

AK = "AKIDEXAMPLE"
SK = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


@unittest.skipUnless(tls_helper.have_openssl(), "the openssl CLI is needed to make a test CA")
class TLSTest(TempDirTest):
    def setUp(self):
        super().setUp()
        self.ca = tls_helper.make_ca(self.tmp)
        self.server = tls_helper.TLSServer(self.tmp)

    def tearDown(self):
        self.server.stop()
        super().tearDown()

    def test_ca_bundle_file_trusted(self):
        for var in ("AWS_CA_BUNDLE", "SSL_CERT_FILE"):
            p = run(["_https-get", self.server.url()], env={var: self.ca})
            self.assertEqual(p.returncode, 0, var + ": " + p.stderr)
            self.assertEqual(p.stdout, "status: 200\n" + tls_helper.BODY.decode())

    def test_builtin_bundle_refuses_untrusted_certificate(self):
        p = run(["_https-get", self.server.url()])
        self.assertEqual(p.returncode, 5)
        self.assertIn("127.0.0.1", p.stderr)
        self.assertIn("does not verify", p.stderr)
        self.assertEqual(p.stdout, "")

    def test_host_name_checked(self):
        # Trusted CA, but 127.0.0.2 is not a name of the certificate.
        p = run(["_https-get", self.server.url("127.0.0.2")], env={"AWS_CA_BUNDLE": self.ca})
        self.assertEqual(p.returncode, 5)
        self.assertIn("127.0.0.2", p.stderr)

    def test_unreadable_ca_bundle(self):
        p = run(["_https-get", self.server.url()], env={"AWS_CA_BUNDLE": os.path.join(self.tmp, "nope.pem")})
        self.assertEqual(p.returncode, 5)
        self.assertIn("nope.pem", p.stderr)
        notpem = self.write("not.pem", "hello\n")
        p = run(["_https-get", self.server.url()], env={"AWS_CA_BUNDLE": notpem})
        self.assertEqual(p.returncode, 5)
        self.assertIn("no PEM certificate", p.stderr)

    def test_aws_call_tls_failure_not_retried(self):
        env = {"AWS_ENDPOINT_URL": self.server.url(), "AWS_REGION": "us-west-2",
               "AWS_ACCESS_KEY_ID": AK, "AWS_SECRET_ACCESS_KEY": SK, "ECSBATCH_TEST_BACKOFF_SCALE": "0",
               "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"}
        p = subprocess.run([tool("aws_call"), "json", "ecs", "AmazonEC2ContainerServiceV20141113.ListClusters"],
                           env=clean_env(env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=60)
        self.assertEqual(p.returncode, 1)
        self.assertIn("error: tls: ECS ListClusters: TLS: the certificate of 127.0.0.1", p.stdout)
        self.assertEqual(self.server.hits, 0)
        # Trusted: the TLS server answers (not ECS, but TLS passed and the request arrived).
        p = subprocess.run([tool("aws_call"), "json", "ecs", "AmazonEC2ContainerServiceV20141113.ListClusters"],
                           env=clean_env(dict(env, AWS_CA_BUNDLE=self.ca)), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=60)
        self.assertIn("status: 200", p.stdout)
        self.assertEqual(self.server.hits, 1)

    def test_connection_kept_alive(self):
        env = {"AWS_ENDPOINT_URL": self.server.url(), "AWS_REGION": "us-west-2", "AWS_CA_BUNDLE": self.ca,
               "AWS_ACCESS_KEY_ID": AK, "AWS_SECRET_ACCESS_KEY": SK,
               "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"}
        p = subprocess.run([tool("aws_call"), "--repeat", "4", "json", "ecs",
                            "AmazonEC2ContainerServiceV20141113.ListClusters"],
                           env=clean_env(env), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           timeout=60)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(self.server.hits, 4)
        self.assertEqual(self.server.connections, 1)   # one TLS handshake for four calls


if __name__ == "__main__":
    unittest.main()
