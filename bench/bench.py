#!/usr/bin/env python3
"""Benchmarks of ecsbatch (never run by the test suite): binary size, and a
job of N tasks supervised against tests/fakeaws with /usr/bin/time measuring
the launcher's CPU time and peak RSS, plus the time from exec to the first
AWS request.

    python3 bench/bench.py [--bin build/ecsbatch] [--tasks 1000 10000] [--poll 2s] [--wrap CMD]

The launcher writes its results to the fake's S3, as it does in ECS. --wrap runs it
under another command, e.g. "valgrind --tool=callgrind" (instruction counts that do
not depend on the machine's load).

Targets (README "Performance"): stripped static binary <= 1.5 MB; 1,000 tasks
in <= 0.1 s CPU and <= 8 MB peak RSS (16 MB at 10,000); no throttled ECS
request; <= 5 ms from exec to the first AWS request.
"""
import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))

from fakeaws.control import FakeControl  # noqa: E402
from fakeaws.server import FakeAWS  # noqa: E402

CATALOGUE = """\
commands:
  - name: bench
    status: active
    context:
      task_definition_template: template.json
      task_count: {n}
      polling_interval: "{poll}"
      timeout: "1h"
      max_fail_count: 1
      log_fetch: none
    tags: [bench]
clusters:
  - name: fake
    status: active
    context:
      cluster_name: default
      launch_type: FARGATE
      max_task_count: 100000
      vpc_config: {{subnets: [subnet-0a1b2c3d4e5f60011], security_groups: [sg-0a1b2c3d4e5f60020]}}
    tags: [fake]
"""
TEMPLATE = {"family": "bench-child", "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc",
            "cpu": "256", "memory": "512",
            "containerDefinitions": [{"name": "main", "image": "busybox", "essential": True,
                                      "command": ["true"]}]}
JOB = '{"name": "bench", "version": "1", "command_criteria": ["bench"], "cluster_criteria": ["fake"]}'


def measure(binary, n, poll, tmp, url, ctl, wrap=()):
    ctl.reset({"rate_limits": {"RunTask": {"burst": 100, "rate": 40},
                               "DescribeTasks": {"burst": 100, "rate": 20}},
               "timings": {"provisioning_ms": 1000, "pending_ms": 1000, "run_ms": 5000,
                           "stopping_ms": 1000, "stop_delay_ms": 1000},
               "speed": 1})
    ctl.create_bucket("bench-results")  # results in S3, as a launcher in ECS writes them
    write_job(tmp, n, poll)
    env = aws_env(url)
    job_id = f"bench{n}-{int(time.time() * 1000)}"
    t0 = time.time()
    p = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", *wrap, binary, "run", "--config", "ecsbatch.yaml",
                        "--results", "s3://bench-results/jobs", "--job-id", job_id, "-q", "job.json"],
                       cwd=tmp, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.time() - t0
    user, sys_, rss = p.stderr.strip().splitlines()[-1].split()
    counts = ctl.counts()
    return {"tasks": n, "exit": p.returncode, "cpu_s": round(float(user) + float(sys_), 3),
            "user_s": float(user), "sys_s": float(sys_),
            "peak_rss_mb": int(rss) / 1024, "wall_s": round(wall, 2),
            "throttled": counts["throttled"],
            "calls": {k: v for k, v in counts["ops"].items() if k.startswith("ecs:")}}


def write_job(tmp, n, poll):
    with open(os.path.join(tmp, "ecsbatch.yaml"), "w") as f:
        f.write(CATALOGUE.format(n=n, poll=poll))
    with open(os.path.join(tmp, "template.json"), "w") as f:
        json.dump(TEMPLATE, f)
    with open(os.path.join(tmp, "job.json"), "w") as f:
        f.write(JOB)


def exec_to_connect_ms(binary, tmp, url, ctl, runs=5):
    """Median time from execve to the launcher's first connect() over one-task jobs, read
    off strace's clock (the fake's own log would add Python's latency); None without
    strace."""
    if not shutil.which("strace"):
        return None
    ctl.reset({"speed": 1000})
    ctl.create_bucket("bench-results")
    write_job(tmp, 1, "20ms")
    times = []
    trace = os.path.join(tmp, "trace.txt")
    for i in range(runs):
        subprocess.run(["strace", "--seccomp-bpf", "-f", "-ttt", "-e", "trace=execve,connect", "-o", trace,
                        binary, "run", "--config", "ecsbatch.yaml", "--results",
                        "s3://bench-results/jobs", "--job-id", f"first-{i}-{int(time.time())}",
                        "-q", "job.json"],
                       cwd=tmp, env=aws_env(url), stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        with open(trace) as f:
            calls = [line.split(None, 2)[1:] for line in f]
        start = next(float(t) for t, call in calls if call.startswith("execve"))
        conn = next((float(t) for t, call in calls if call.startswith("connect")), None)
        if conn:
            times.append((conn - start) * 1000)
    return round(statistics.median(times), 2) if times else None


def aws_env(url):
    return {"PATH": "/usr/bin:/bin", "AWS_ENDPOINT_URL": url, "AWS_REGION": "us-west-2",
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "ecsbatch"))
    ap.add_argument("--tasks", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--poll", default="2s")
    ap.add_argument("--wrap", default="", help="a command to run the launcher under, e.g. a profiler")
    args = ap.parse_args()
    args.bin = os.path.abspath(args.bin)
    size = os.path.getsize(args.bin)
    print(f"binary {args.bin}: {size} bytes ({size / 1048576:.2f} MB)")
    with FakeAWS() as fake, tempfile.TemporaryDirectory() as tmp:
        url = fake.url
        ctl = FakeControl(url)
        print(json.dumps({"exec_to_first_connect_ms": exec_to_connect_ms(args.bin, tmp, url, ctl)}))
        for n in args.tasks:
            print(json.dumps(measure(args.bin, n, args.poll, tmp, url, ctl, shlex.split(args.wrap))))


if __name__ == "__main__":
    main()
