"""Shared helpers for integration tests of the ecsbatch binary.

The binary under test is $ECSBATCH_BIN (tests/run.py sets it per flavour);
$ECSBATCH_BUILD holds the flavour's tools (build/<flavour>/tools/).
Every run gets a clean environment: nothing of the host's AWS_* or
ECSBATCH_* variables leaks in, only what the test passes. FakeAWSTest gives a
test class one fake AWS server (tests/fakeaws) and the environment that points
the binary and its tools at it.
"""
import os
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("ECSBATCH_BIN", os.path.join(ROOT, os.environ.get("EB_BUILD_DIR", "build"), "ecsbatch"))
BUILD = os.environ.get("ECSBATCH_BUILD", os.path.join(ROOT, "build", "release"))
FLAVOUR = os.environ.get("ECSBATCH_FLAVOUR", "release")


def tool(name):
    """Path of a test tool built from tests/tools/<name>.c."""
    return os.path.join(BUILD, "tools", name)


def clean_env(extra=None):
    """The host environment minus AWS_*, ECSBATCH_* and ECS_* variables, plus extra."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "ECSBATCH_", "ECS_", "SSL_CERT"))}
    env["HOME"] = env.get("HOME", "/nonexistent")
    if extra:
        env.update({k: str(v) for k, v in extra.items() if v is not None})
    return env


def run(args, env=None, input=None, cwd=None, timeout=120):
    """Run the binary; returns CompletedProcess with text stdout/stderr."""
    return subprocess.run([BIN] + list(args), env=clean_env(env), input=input, cwd=cwd,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)


class TempDirTest(unittest.TestCase):
    """A test case with self.tmp, a fresh folder removed afterwards."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="ecsbatch-test-")
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        return path


# The fake's one key after a reset (tests/fakeaws/README.md, "Defaults after a reset").
AK = "AKIDEXAMPLE"
SK = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
REGION = "us-west-2"


class FakeAWSTest(TempDirTest):
    """One fake AWS server for the class (self.fake, self.url, self.ctl), reset before each
    test with its simulated clock frozen (freeze_clock = False keeps it at real speed).

    aws_env(**extra) is the environment for the binary or a test tool: the fake as the
    endpoint, its key, the region, no profile files, no IMDS, scaled retry backoff; an
    extra value of None removes that variable."""

    freeze_clock = True
    backoff_scale = "0.001"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        from fakeaws.control import FakeControl
        from fakeaws.server import FakeAWS
        cls.fake = FakeAWS()
        cls.url = cls.fake.start()
        cls.addClassCleanup(cls.fake.stop)
        cls.ctl = FakeControl(cls.url)

    def setUp(self):
        super().setUp()
        self.ctl.reset()
        if self.freeze_clock:
            self.ctl.freeze()

    def aws_env(self, **extra):
        env = {"AWS_ENDPOINT_URL": self.url, "AWS_ACCESS_KEY_ID": AK, "AWS_SECRET_ACCESS_KEY": SK,
               "AWS_REGION": REGION, "AWS_CONFIG_FILE": "/nonexistent/config",
               "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
               "AWS_EC2_METADATA_DISABLED": "true", "ECSBATCH_TEST_BACKOFF_SCALE": self.backoff_scale}
        env.update(extra)
        return {k: v for k, v in env.items() if v is not None}

    def run_tool(self, name, args, env=None, timeout=120):
        """Run tests/tools/<name> with aws_env() (or env); CompletedProcess with text output."""
        return subprocess.run([tool(name)] + list(args), env=clean_env(self.aws_env() if env is None else env),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)

    @classmethod
    def boto_client(cls, service, key=AK, secret=SK, token=None, region=REGION, **cfg):
        """A boto3 client of the fake making exactly one attempt per call."""
        import boto3
        from botocore.config import Config
        session = boto3.session.Session(aws_access_key_id=key, aws_secret_access_key=secret,
                                        aws_session_token=token, region_name=region)
        # Config rewrites the dict it is given: a new one each time.
        return session.client(service, endpoint_url=cls.url,
                              config=Config(retries={"total_max_attempts": 1}, **cfg))


def table_tests(check, rows):
    """Class decorator: one test method test_<name> per row of rows ({name: kwargs}), each
    calling self.<check>(**kwargs), so every row stays a test case of its own."""
    def decorate(cls):
        for name, row in rows.items():
            def test(self, row=row):
                getattr(self, check)(**row)
            test.__name__ = f"test_{name}"
            test.__qualname__ = f"{cls.__qualname__}.{test.__name__}"
            test.__doc__ = f"{check}: {name.replace('_', ' ')}"
            setattr(cls, test.__name__, test)
        return cls
    return decorate
