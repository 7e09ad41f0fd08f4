#!/usr/bin/env python3
"""Run the ecsbatch test suite and print one closing line "N passed, N failed".

Tiers, per build flavour (release = build/ecsbatch, asan = build/asan/ecsbatch):
  unit         build/<flavour>/unit-tests (C, tests/unit/)
  integration  tests/integration/test_*.py (Python unittest) against the binary
and, with --fuzz, every libFuzzer target of build/fuzz/ for a bounded time
over its seed corpus (tests/fuzz/corpus/<target>/).

Usage: tests/run.py [--flavour release|asan ...] [--fuzz] [--fuzz-seconds N] [-k PATTERN]
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = os.path.join(ROOT, "tests")
# The build folder (make B=...); tests/run.py is run by make, which passes it on.
BUILD_ROOT = os.path.join(ROOT, os.environ.get("EB_BUILD_DIR", "build"))


def flavour_paths(flavour):
    if flavour == "release":
        return os.path.join(BUILD_ROOT, "ecsbatch"), os.path.join(BUILD_ROOT, "release")
    return os.path.join(BUILD_ROOT, "asan", "ecsbatch"), os.path.join(BUILD_ROOT, "asan")


def sanitizer_env():
    return {
        "ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0:halt_on_error=1:exitcode=86",
        "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1:exitcode=86",
    }


def run_unit(flavour, pattern):
    _, bdir = flavour_paths(flavour)
    exe = os.path.join(bdir, "unit-tests")
    env = dict(os.environ, UNIT_DATA=TESTS, **sanitizer_env())
    # SigV4 test vectors live beside the repo (tests/unit/test_sigv4.c).
    env.setdefault("EB_SIGV4_VECTORS", os.path.join(ROOT, "..", "shared", "testdata", "sigv4"))
    argv = [exe] + ([pattern] if pattern else [])
    proc = subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    passed = failed = 0
    for line in proc.stdout.splitlines():
        if re.match(r"^\d+ passed, \d+ failed$", line):
            continue
        print(f"[{flavour}] {line}" if line.startswith(("ok", "FAIL")) else line)
        if line.startswith("ok "):
            passed += 1
        elif line.startswith("FAIL "):
            failed += 1
    if proc.returncode != 0 and failed == 0:
        print(f"[{flavour}] FAIL unit runner exited {proc.returncode}")
        failed += 1
    return passed, failed


def run_integration(flavour, pattern):
    """Run tests/integration in a child process so each flavour gets a clean environment."""
    exe, bdir = flavour_paths(flavour)
    env = dict(os.environ, ECSBATCH_BIN=exe, ECSBATCH_BUILD=bdir, ECSBATCH_FLAVOUR=flavour,
               PYTHONDONTWRITEBYTECODE="1", **sanitizer_env())
    argv = [sys.executable, os.path.abspath(__file__), "--pyunit"] + (["-k", pattern] if pattern else [])
    proc = subprocess.run(argv, cwd=TESTS, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    passed = failed = 0
    for line in proc.stdout.splitlines():
        m = re.match(r"^PYSUMMARY (\d+) (\d+)$", line)
        if m:
            passed, failed = int(m.group(1)), int(m.group(2))
            continue
        print(f"[{flavour}] {line}" if line.startswith(("ok ", "FAIL ")) else line)
    if proc.returncode != 0 and failed == 0:
        print(f"[{flavour}] FAIL integration runner exited {proc.returncode}")
        failed += 1
    return passed, failed


def pyunit_main(pattern):
    sys.path.insert(0, TESTS)
    loader = unittest.TestLoader()
    if pattern:
        loader.testNamePatterns = [f"*{pattern}*"]
    suite = loader.discover(os.path.join(TESTS, "integration"), pattern="test_*.py", top_level_dir=TESTS)

    class Result(unittest.TestResult):
        def __init__(self):
            super().__init__()
            self.passed = 0

        def addSuccess(self, test):
            super().addSuccess(test)
            self.passed += 1
            print(f"ok   py {test.id()}", flush=True)

        def _bad(self, test, err, kind):
            print(f"FAIL py {test.id()} ({kind})", flush=True)
            print(self._exc_info_to_string(err, test), flush=True)

        def addFailure(self, test, err):
            super().addFailure(test, err)
            self._bad(test, err, "failure")

        def addError(self, test, err):
            super().addError(test, err)
            self._bad(test, err, "error")

        def addSkip(self, test, reason):
            super().addSkip(test, reason)
            print(f"skip py {test.id()}: {reason}", flush=True)

    result = Result()
    suite.run(result)
    failed = len(result.failures) + len(result.errors)
    print(f"PYSUMMARY {result.passed} {failed}")
    return 0


def run_fuzz(seconds):
    fdir = os.path.join(BUILD_ROOT, "fuzz")
    passed = failed = 0
    targets = sorted(f for f in os.listdir(fdir) if f.startswith("fuzz_") and os.access(os.path.join(fdir, f), os.X_OK)) if os.path.isdir(fdir) else []
    for t in targets:
        seeds = os.path.join(TESTS, "fuzz", "corpus", t)
        with tempfile.TemporaryDirectory() as work:
            corpus = os.path.join(work, "corpus")
            if os.path.isdir(seeds):
                shutil.copytree(seeds, corpus)
            else:
                os.makedirs(corpus)
            argv = [os.path.join(fdir, t), f"-max_total_time={seconds}", "-rss_limit_mb=1024",
                    "-timeout=10", f"-artifact_prefix={work}/", corpus]
            proc = subprocess.run(argv, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            runs = re.findall(r"Done (\d+) runs", proc.stdout)
            if proc.returncode == 0:
                print(f"[fuzz] ok   {t} ({runs[-1] if runs else '?'} runs in {seconds}s, no findings)")
                passed += 1
            else:
                print(f"[fuzz] FAIL {t}")
                print("\n".join(proc.stdout.splitlines()[-40:]))
                for art in os.listdir(work):
                    if art.startswith(("crash-", "leak-", "timeout-", "oom-")):
                        keep = os.path.join(fdir, art)
                        shutil.copy(os.path.join(work, art), keep)
                        print(f"[fuzz] reproducer kept at {os.path.relpath(keep, ROOT)}")
                failed += 1
    if not targets:
        print("[fuzz] FAIL no fuzz targets built")
        failed += 1
    return passed, failed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--flavour", action="append", choices=["release", "asan"])
    ap.add_argument("--fuzz", action="store_true")
    ap.add_argument("--fuzz-seconds", type=int, default=10)
    ap.add_argument("-k", dest="pattern")
    ap.add_argument("--pyunit", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.pyunit:
        return pyunit_main(args.pattern)
    total_p = total_f = 0
    for flavour in args.flavour or []:
        for tier in (run_unit, run_integration):
            p, f = tier(flavour, args.pattern)
            total_p += p
            total_f += f
    if args.fuzz:
        p, f = run_fuzz(args.fuzz_seconds)
        total_p += p
        total_f += f
    print(f"{total_p} passed, {total_f} failed")
    return 1 if total_f or total_p == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
