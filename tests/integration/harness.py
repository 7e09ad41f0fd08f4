"""Shared helpers for integration tests of the ecsbatch binary.

The binary under test is $ECSBATCH_BIN (tests/run.py sets it per flavour);
$ECSBATCH_BUILD holds the flavour's tools (build/<flavour>/tools/).
Every run gets a clean environment: nothing of the host's AWS_* or
ECSBATCH_* variables leaks in, only what the test passes.
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
