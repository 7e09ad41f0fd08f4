"""The ECS backend end to end: `ecsbatch run` against tests/fakeaws.

One test per SPEC §4 behaviour. Each runs the real binary with
AWS_ENDPOINT_URL pointing at an in-process fake, a folder as the results
location and millisecond durations, then checks the exit code, result.json
and what was sent: RunTask calls = attempts (+ capacity refusals, + retried
calls that reuse their clientToken), and every DescribeTasks round makes
ceil(live / 100) calls. Nothing here waits on a wall-clock deadline: rounds are told
apart by the order of the fake's request log, and the tests that drive a running
launcher wait for what the fake has seen (or for the launcher to end).
"""
import calendar
import contextlib
import json
import math
import os
import signal
import subprocess
import time
import unittest

from fakeaws import ec2 as fake_ec2

from integration.harness import BIN, REGION, SK, FakeAWSTest, clean_env, table_tests, tool

LOG_GROUP = "/ecs/ecsbatch-child"
POLL = "20ms"

TEMPLATE = {
    "family": "ecsbatch-child",
    "requiresCompatibilities": ["FARGATE"],
    "networkMode": "awsvpc",
    "cpu": "256",
    "memory": "512",
    "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
    "containerDefinitions": [{
        "name": "main",
        "image": "busybox:latest",
        "essential": True,
        "command": ["sh", "-c", "echo hello from $TASK_NAME"],
        "logConfiguration": {"logDriver": "awslogs", "options": {
            "awslogs-group": LOG_GROUP, "awslogs-region": REGION, "awslogs-stream-prefix": "ecs"}},
        "environment": [{"name": "MODE", "value": "test"}],
    }],
}

CATALOGUE = """\
commands:
  - name: child-0.0.1
    status: active
    plugin: ecs
    version: 0.0.1
    description: integration tests of the ECS backend
    context:
      task_definition_template: child.json
      task_count: 3
      polling_interval: "{poll}"
      timeout: "{timeout}"
      status_interval: "100ms"
      max_fail_count: {max_fail_count}
      max_spot_attempts: {max_spot_attempts}
    tags:
      - type:ecs
    cluster_tags:
      - type:fargate
clusters:
  - name: fake-cluster
    status: active
    version: 0.0.1
    context:
      max_task_count: 2000
      cluster_name: default
      launch_type: FARGATE
      execution_role_arn: arn:aws:iam::123456789012:role/ecsTaskExecutionRole
      vpc_config:
        subnets:
          - {subnet}
        security_groups:
          - {sg}
    tags:
      - type:fargate
"""

NOT_WIRED = "not available in this build yet"
# Only a hung launcher gets this far: a guard, not a deadline any test relies on.
HANG_GUARD_S = 900
SPOT = {"stop_code": "SpotInterruption", "stopped_reason": "Your Spot Task was interrupted."}

# Task 0's first attempt ends (rule: its outcome), the second succeeds: the catalogue,
# what the first attempt and the task report, and whether DescribeTasks rounds are checked.
REPLACED_ROWS = {
    "spot_interruption_counts_against_spot_budget": dict(
        catalogue=dict(max_fail_count=0, max_spot_attempts=2), outcome=SPOT,
        first={"failure_kind": "spot", "stop_code": "SpotInterruption"},
        task={"spot_count": 1, "fail_count": 0}),
    "missing_after_launch_is_lost": dict(
        outcome={"missing_for_describes": 100000}, first={"failure_kind": "lost"}, rounds=True),
}


def ceil100(n):
    return max(1, math.ceil(n / 100))


@table_tests("check_first_attempt_replaced", REPLACED_ROWS)
class EcsBackendTest(FakeAWSTest):
    # The simulated clock runs at real speed: task timings are a few simulated ms.
    freeze_clock = False
    backoff_scale = "0.01"

    def setUp(self):
        super().setUp()
        self.results = os.path.join(self.tmp, "results")
        os.makedirs(self.results)
        self.write("child.json", json.dumps(TEMPLATE))
        self.catalogue()

    # ------------------------------------------------------------ helpers
    def catalogue(self, poll=POLL, timeout="60s", max_fail_count=1, max_spot_attempts=5):
        self.config = self.write("ecsbatch.yaml", CATALOGUE.format(
            poll=poll, timeout=timeout, max_fail_count=max_fail_count,
            max_spot_attempts=max_spot_attempts, subnet=fake_ec2.SUBNET_1, sg=fake_ec2.SG_LAUNCHER))

    def job(self, job_id, task_count=3, **ctx):
        ctx = dict(ctx, task_count=task_count)
        doc = {"id": job_id, "name": "ecs-test", "version": "0.0.1", "command_criteria": ["type:ecs"],
               "cluster_criteria": ["type:fargate"], "context": ctx}
        return self.write(f"job-{job_id}.json", json.dumps(doc))

    def env(self, **extra):
        return self.aws_env(**{"ECSBATCH_RESULTS": self.results, "ECSBATCH_LOG_LEVEL": "info", **extra})

    def argv(self, job_path):
        if os.environ.get("EB_ECS_DRIVE"):  # development: the backend without the CLI's wiring
            return [tool("ecs_backend_drive"), self.config, job_path, self.results]
        return [BIN, "run", "--config", self.config, job_path]

    def run_job(self, job_path, env=None, timeout=HANG_GUARD_S):
        proc = subprocess.run(self.argv(job_path),
                              env=clean_env(env or self.env()), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, timeout=timeout)
        self.skip_if_not_wired(proc.stderr)
        return proc

    def start_job(self, job_path, env=None):
        """Start the launcher in the background; its output goes to files (a pipe nobody reads
        while the test drives the fake would fill up and stall it)."""
        n = len([f for f in os.listdir(self.tmp) if f.startswith("out-")])
        out = open(os.path.join(self.tmp, f"out-{n}.txt"), "w+")
        err = open(os.path.join(self.tmp, f"err-{n}.txt"), "w+")
        proc = subprocess.Popen(self.argv(job_path), env=clean_env(env or self.env()), stdout=out,
                                stderr=err, text=True)
        proc.out_file, proc.err_file = out, err
        return proc

    @contextlib.contextmanager
    def launched(self, job_path, env=None):
        """start_job for a with block; a launcher still running when it ends is killed."""
        proc = self.start_job(job_path, env)
        try:
            yield proc
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    def finish(self, proc, timeout=HANG_GUARD_S):
        """Wait for a started launcher; returns (stdout, stderr)."""
        proc.wait(timeout=timeout)
        texts = []
        for f in (proc.out_file, proc.err_file):
            f.seek(0)
            texts.append(f.read())
            f.close()
        return texts[0], texts[1]

    def bail_if_exited(self, proc):
        """A launcher that ended while the test still drives it: skip or fail with its output."""
        if proc.poll() is not None:
            out, err = self.finish(proc)
            self.skip_if_not_wired(err)
            self.fail(f"ecsbatch exited {proc.returncode} early:\n{out}\n{err}")

    def skip_if_not_wired(self, stderr):
        if NOT_WIRED in (stderr or ""):
            self.skipTest("`ecsbatch run` is not wired to the ECS backend in this build")

    def result(self, job_id):
        with open(os.path.join(self.results, job_id, "result.json")) as f:
            return json.load(f)

    def requests(self, op):
        return self.ctl.requests(service="ecs", op=op)

    def tasks_of(self, job_id):
        return [t for t in self.ctl.tasks() if (t.get("startedBy") or "").startswith(f"ecsbatch-job-{job_id}-")]

    def wait_for(self, what, cond, proc, every=0.05):
        """Poll cond() until it holds or the launcher proc has ended (bail_if_exited tells)."""
        end = time.monotonic() + HANG_GUARD_S
        while time.monotonic() < end:
            if cond() or proc.poll() is not None:
                return
            time.sleep(every)
        self.fail(f"launcher hung waiting for {what}")

    def assert_exit(self, proc, code):
        self.assertEqual(proc.returncode, code, f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")

    def attempts(self, res):
        return sum(len(t["attempts"]) for t in res["tasks"])

    def refusals(self, res):
        return sum(len(t.get("launch_failures") or []) for t in res["tasks"])

    def assert_runtask_calls(self, res, retried=0):
        """RunTask calls = attempts + capacity refusals (one clientToken each) + retried calls."""
        reqs = self.requests("RunTask")
        tokens = [r["params"].get("clientToken") for r in reqs]
        self.assertNotIn(None, tokens)
        self.assertEqual(len(set(tokens)), self.attempts(res) + self.refusals(res),
                         "one clientToken per attempt and per refused launch")
        self.assertEqual(len(reqs), len(set(tokens)) + retried, "RunTask calls")
        for r in reqs:
            p = r["params"]
            self.assertEqual(p.get("count", 1), 1)
            self.assertTrue(p["startedBy"].startswith(f"ecsbatch-job-{res['job_id']}-"))
            self.assertLessEqual(len(p["clientToken"]), 64)

    def describe_rounds(self, exclude=()):
        """The successful DescribeTasks calls grouped in rounds, from the fake's request order.

        A round's calls follow each other with no other request between them (its own failed
        and retried calls aside) and name disjoint tasks: any other request, or a task named
        again, starts the next round. The fake numbers requests as it serves them, so this
        does not depend on how fast anything ran (one task per call would show as one round
        of many)."""
        rounds, cur, seen = [], [], set()
        for r in self.ctl.requests():
            if (r["service"], r["op"]) != ("ecs", "DescribeTasks"):
                if cur:
                    rounds.append(cur)
                    cur, seen = [], set()
                continue
            arns = r["params"]["tasks"]
            if r["status"] != 200 or any(a in arns for a in exclude):
                continue
            if seen & set(arns):
                rounds.append(cur)
                cur, seen = [], set()
            cur.append(arns)
            seen |= set(arns)
        if cur:
            rounds.append(cur)
        return rounds

    def assert_describe_rounds(self, exclude=()):
        """Every DescribeTasks round makes ceil(live/100) calls, each of at most 100 tasks."""
        rounds = self.describe_rounds(exclude)
        for rnd in rounds:
            for arns in rnd:
                self.assertLessEqual(len(arns), 100)
        self.assertTrue(rounds, "no DescribeTasks round")
        for rnd in rounds:
            live = len({a for call in rnd for a in call})
            self.assertEqual(len(rnd), ceil100(live), f"a round of {live} live tasks: {[len(c) for c in rnd]}")
        return rounds

    def assert_all_stopped(self, job_id):
        for t in self.tasks_of(job_id):
            self.assertEqual(t["desiredStatus"], "STOPPED", t["taskArn"])

    def run_case(self, job_id, ntasks, exit_code=0, rules=(), catalogue=None):
        """Run job job_id of ntasks tasks under the scenario rules ({match, outcome}) and
        catalogue settings; checks the exit code, returns (proc, result.json)."""
        if catalogue:
            self.catalogue(**catalogue)
        for rule in rules:
            self.ctl.add_rule(**rule)
        proc = self.run_job(self.job(job_id, ntasks))
        self.assert_exit(proc, exit_code)
        return proc, self.result(job_id)

    def check_first_attempt_replaced(self, outcome, first, task=None, catalogue=None, rounds=False):
        """Task 0's first attempt ends with outcome; a second attempt succeeds."""
        _, res = self.run_case("replaced", 2, rules=[dict(match={"task_num": 0, "attempt": 1}, outcome=outcome)],
                               catalogue=catalogue)
        t0 = res["tasks"][0]
        self.assertEqual(len(t0["attempts"]), 2)
        for k, v in first.items():
            self.assertEqual(t0["attempts"][0][k], v, k)
        self.assertEqual(t0["attempts"][1]["status"], "SUCCEEDED")
        for k, v in (task or {}).items():
            self.assertEqual(t0[k], v, k)
        self.assert_runtask_calls(res)
        if rounds:
            self.assert_describe_rounds()

    # -------------------------------------------------------------- tests
    def test_happy_path(self):
        proc = self.run_job(self.job("happy", 3))
        self.assert_exit(proc, 0)
        res = self.result("happy")
        self.assertEqual(res["status"], "SUCCEEDED")
        self.assertEqual(res["exit_code"], 0)
        self.assertRegex(res["task_definition_arn"], r"^arn:aws:ecs:us-west-2:123456789012:task-definition/ecsbatch-child:1$")
        for i, t in enumerate(res["tasks"]):
            self.assertEqual(t["task_name"], f"ecsbatch-job-happy-{i}")
            self.assertEqual(t["status"], "SUCCEEDED")
            self.assertEqual(len(t["attempts"]), 1)
            a = t["attempts"][0]
            self.assertEqual(a["status"], "SUCCEEDED")
            self.assertRegex(a["task_arn"], r"^arn:aws:ecs:us-west-2:123456789012:task/default/[0-9a-f]{32}$")
            self.assertEqual(a["exit_code"], 0)
            self.assertEqual(a["stop_code"], "EssentialContainerExited")
            self.assertTrue(a["started_at"] and a["stopped_at"])
        self.assertEqual(res["failed_arns"], [])
        self.assert_runtask_calls(res)
        self.assert_describe_rounds()
        # the task definition: registered once, with its content hash tag
        regs = self.requests("RegisterTaskDefinition")
        self.assertEqual(len(regs), 1)
        tags = {t["key"]: t["value"] for t in regs[0]["params"]["tags"]}
        self.assertRegex(tags["ecsbatch:content-hash"], r"^[0-9a-f]{64}$")
        # every attempt's RunTask carries the task's own name, number and attempt
        for r in self.requests("RunTask"):
            p = r["params"]
            env = {e["name"]: e["value"] for co in p["overrides"]["containerOverrides"]
                   for e in co.get("environment", [])}
            self.assertEqual(env["TASK_NAME"], p["startedBy"])
            self.assertEqual(env["ECSBATCH_ATTEMPT"], "1")
            self.assertEqual(env["ECSBATCH_JOB_ID"], "happy")
            self.assertEqual(p["cluster"], "default")
        # the representative task's log: on stdout, and stored
        rep = res["tasks"][res["representative_task"]]["attempts"][-1]
        task_id = rep["task_arn"].rsplit("/", 1)[1]
        self.assertIn(f"=== ecs/main/{task_id} ===", proc.stdout)
        self.assertRegex(proc.stdout, r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] ")
        self.assertEqual(rep["log"], f"logs/task-{res['representative_task']}-attempt-1.log")
        with open(os.path.join(self.results, "happy", rep["log"])) as f:
            self.assertIn(f"=== ecs/main/{task_id} ===\n\n", f.read())

    def test_retry_then_success(self):
        _, res = self.run_case("retry", 3, rules=[dict(match={"task_num": 1, "attempt": 1}, outcome={
            "exit_code": 3, "log_lines": ["failing on purpose"]})])
        t1 = res["tasks"][1]
        self.assertEqual(t1["status"], "SUCCEEDED")
        self.assertEqual([a["status"] for a in t1["attempts"]], ["FAILED", "SUCCEEDED"])
        first = t1["attempts"][0]
        self.assertEqual(first["failure_kind"], "exit")
        self.assertEqual(first["exit_code"], 3)
        self.assertEqual(first["stop_code"], "EssentialContainerExited")
        self.assertEqual(first["stopped_reason"], "Essential container in task exited")
        self.assertNotEqual(first["task_arn"], t1["attempts"][1]["task_arn"])
        self.assertEqual(res["failed_arns"], [first["task_arn"]])
        # the failed attempt's log was fetched (log_fetch: failed)
        with open(os.path.join(self.results, "retry", first["log"])) as f:
            self.assertIn("failing on purpose", f.read())
        self.assert_runtask_calls(res)
        self.assertEqual(len(self.requests("RunTask")), 4)
        second = [r["params"] for r in self.requests("RunTask")
                  if r["params"]["startedBy"] == "ecsbatch-job-retry-1"][1]
        env = {e["name"]: e["value"] for co in second["overrides"]["containerOverrides"]
               for e in co.get("environment", [])}
        self.assertEqual(env["ECSBATCH_ATTEMPT"], "2")
        self.assert_describe_rounds()

    def test_retries_exhausted_stops_siblings(self):
        proc, res = self.run_case("exhaust", 3, 1, rules=[
            dict(match={"task_num": 0}, outcome={"exit_code": 1, "run_ms": 30}),
            dict(match={"task_num": [1, 2]}, outcome={"run_ms": -1})])
        self.assertEqual(res["status"], "FAILED")
        t0 = res["tasks"][0]
        self.assertEqual(t0["status"], "FAILED")
        self.assertEqual(len(t0["attempts"]), 2)  # max_fail_count 1: two attempts
        self.assertTrue(all(a["failure_kind"] == "exit" for a in t0["attempts"]))
        # the siblings were stopped, with a reason naming the job
        stops = self.requests("StopTask")
        sibling_arns = {a["task_arn"] for t in res["tasks"][1:] for a in t["attempts"]}
        self.assertEqual({s["params"]["task"] for s in stops}, sibling_arns)
        for s in stops:
            self.assertIn("exhaust", s["params"]["reason"])
            self.assertLessEqual(len(s["params"]["reason"]), 255)
        self.assert_all_stopped("exhaust")
        self.assert_runtask_calls(res)
        self.assert_describe_rounds()
        # the exhausted task's log goes to stderr, not stdout (SPEC §5)
        last = t0["attempts"][-1]["task_arn"].rsplit("/", 1)[1]
        self.assertIn(f"=== ecs/main/{last} ===", proc.stderr)
        self.assertNotIn("=== ecs/main/", proc.stdout)

    def test_timeout_stops_every_task(self):
        _, res = self.run_case("slow", 4, 3, rules=[dict(outcome={"run_ms": -1})],
                               catalogue=dict(timeout="400ms"))
        self.assertEqual(res["status"], "TIMED_OUT")
        arns = {a["task_arn"] for t in res["tasks"] for a in t["attempts"]}
        self.assertEqual(len(arns), 4)
        self.assertEqual({s["params"]["task"] for s in self.requests("StopTask")}, arns)
        self.assert_all_stopped("slow")
        for t in res["tasks"]:
            self.assertEqual(t["attempts"][-1]["failure_kind"], "timeout")
        self.assert_runtask_calls(res)
        self.assert_describe_rounds()

    def test_spot_budget_exhausted(self):
        _, res = self.run_case("spot2", 1, 1, rules=[dict(match={"task_num": 0}, outcome=SPOT)],
                               catalogue=dict(max_fail_count=5, max_spot_attempts=1))
        t0 = res["tasks"][0]
        self.assertEqual(t0["status"], "FAILED")
        self.assertTrue(all(a["failure_kind"] == "spot" for a in t0["attempts"]))
        self.assertEqual(t0["spot_count"], len(t0["attempts"]))
        self.assertEqual(t0["fail_count"], 0, "a Spot interruption does not use max_fail_count")
        self.assert_runtask_calls(res)

    def test_capacity_failures_are_retried(self):
        _, res = self.run_case("capacity", 2, rules=[dict(match={"task_num": 0, "nth_launch": [1, 2]}, outcome={
            "run_failure": {"reason": "RESOURCE:MEMORY", "detail": "no capacity"}})])
        t0 = res["tasks"][0]
        self.assertEqual(len(t0["attempts"]), 1)
        self.assertEqual(t0["fail_count"], 0)
        self.assertEqual(len(t0["launch_failures"]), 2)
        self.assertIn("RESOURCE:MEMORY", t0["launch_failures"][0]["reason"])
        runs = [r["params"] for r in self.requests("RunTask") if r["params"]["startedBy"] == "ecsbatch-job-capacity-0"]
        self.assertEqual(len(runs), 3)
        self.assertEqual(len({p["clientToken"] for p in runs}), 3, "a refused launch is retried with a new token")
        self.assert_runtask_calls(res)

    def test_missing_briefly_is_tolerated(self):
        _, res = self.run_case("eventual", 2, rules=[dict(match={"task_num": 0},
                                                          outcome={"missing_for_describes": 3})])
        self.assertEqual(len(res["tasks"][0]["attempts"]), 1)
        misses = [r for r in self.ctl.requests(service="ecs", op="DescribeTasks") if r["status"] == 200]
        self.assertTrue(misses)
        self.assert_runtask_calls(res)

    def test_throttling_storm(self):
        self.ctl.fault(op="ecs:*", code="ThrottlingException", count=12)
        self.ctl.fault(op="RunTask", code="InvalidParameterException", message="Rate exceeded", count=2)
        self.ctl.config(rate_limits={"DescribeTasks": {"burst": 5, "rate": 50}})
        proc = self.run_job(self.job("throttle", 3))
        self.assert_exit(proc, 0)
        res = self.result("throttle")
        for t in res["tasks"]:
            self.assertEqual(len(t["attempts"]), 1, "throttling is never a task failure")
        counts = self.ctl.counts()
        self.assertGreaterEqual(sum(counts["faults"].values()), 14)
        retried = sum(1 for r in self.requests("RunTask") if r["status"] != 200)
        self.assert_runtask_calls(res, retried=retried)

    def test_server_errors(self):
        self.ctl.fault(op="RunTask", code="ServerException", count=2)
        self.ctl.fault(op="DescribeTasks", code="ServiceUnavailableException", status=503, count=3)
        self.ctl.fault(op="RegisterTaskDefinition", status=500, count=1)
        self.ctl.fault(op="logs:GetLogEvents", status=502, code="BadGateway", count=1)
        proc = self.run_job(self.job("fivexx", 2))
        self.assert_exit(proc, 0)
        res = self.result("fivexx")
        for t in res["tasks"]:
            self.assertEqual(len(t["attempts"]), 1)
        self.assert_runtask_calls(res, retried=2)
        self.assertEqual(len([r for r in self.requests("RegisterTaskDefinition") if r["status"] == 200]), 1)

    def test_runtask_answer_lost_starts_no_duplicate(self):
        self.ctl.fault(op="RunTask", kind="drop_after_effect", count=1)
        proc = self.run_job(self.job("dropped", 2))
        self.assert_exit(proc, 0)
        res = self.result("dropped")
        for i in range(2):
            self.assertEqual(len(self.ctl.tasks(started_by=f"ecsbatch-job-dropped-{i}")), 1,
                             "the retried call returned the task the first one started")
        reqs = self.requests("RunTask")
        self.assertEqual(reqs[0]["params"]["clientToken"], reqs[1]["params"]["clientToken"])
        self.assert_runtask_calls(res, retried=1)

    def test_container_credentials_expire_mid_run(self):
        meta = self.ctl.metadata()
        self.ctl.config(container_credentials={"lifetime_s": 3600})
        self.ctl.add_rule(outcome={"run_ms": 400})
        env = self.env(AWS_CONTAINER_CREDENTIALS_FULL_URI=self.url.rstrip("/") + meta["credentials_relative_uri"],
                       AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None)
        with self.launched(self.job("creds", 2), env) as proc:
            self.wait_for("tasks running", lambda: len(self.tasks_of("creds")) == 2 and all(
                t["lastStatus"] == "RUNNING" for t in self.tasks_of("creds")), proc)
            self.ctl.expire_credentials("container")
            out, err = self.finish(proc)
        self.skip_if_not_wired(err)
        self.assertEqual(proc.returncode, 0, err)
        self.assertGreaterEqual(self.ctl.credentials()["fetches"], 2, "credentials were fetched again")
        res = self.result("creds")
        self.assertEqual(res["status"], "SUCCEEDED")
        self.assertEqual(self.attempts(res), 2)
        self.assertNotIn(SK, err)

    def test_sigterm_cancels_and_stops_everything(self):
        self.ctl.add_rule(outcome={"run_ms": -1})
        with self.launched(self.job("term", 3)) as proc:
            self.wait_for("tasks running", lambda: len(self.tasks_of("term")) == 3 and all(
                t["lastStatus"] == "RUNNING" for t in self.tasks_of("term")), proc)
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
            out, err = self.finish(proc)
        self.skip_if_not_wired(err)
        self.assertEqual(proc.returncode, 4, err)
        res = self.result("term")
        self.assertEqual(res["status"], "CANCELLED")
        arns = {a["task_arn"] for t in res["tasks"] for a in t["attempts"]}
        self.assertEqual({s["params"]["task"] for s in self.requests("StopTask")}, arns)
        self.assert_all_stopped("term")
        for t in res["tasks"]:
            self.assertEqual(t["attempts"][-1]["failure_kind"], "cancelled")

    def test_rerun_of_finished_job_launches_nothing(self):
        job = self.job("again", 2)
        self.assert_exit(self.run_job(job), 0)
        runs = len(self.requests("RunTask"))
        proc = self.run_job(job)
        self.assert_exit(proc, 0)
        self.assertEqual(len(self.requests("RunTask")), runs)
        self.assertEqual(json.loads(proc.stdout)["job_id"], "again")

    def test_restarted_launcher_adopts_live_tasks(self):
        self.ctl.add_rule(outcome={"run_ms": 600})
        job = self.job("adopt", 3)
        first = self.start_job(job)
        try:
            self.wait_for("tasks launched", lambda: len(self.tasks_of("adopt")) == 3, first)
        finally:
            first.kill()  # no chance to stop anything: its tasks go on
            _, err = self.finish(first)
        self.skip_if_not_wired(err)
        launched = {t["taskArn"] for t in self.tasks_of("adopt")}
        self.assertEqual(len(launched), 3)
        runs = len(self.requests("RunTask"))
        proc = self.run_job(job)
        self.assert_exit(proc, 0)
        self.assertEqual(len(self.requests("RunTask")), runs, "nothing launched again")
        res = self.result("adopt")
        self.assertEqual({t["attempts"][-1]["task_arn"] for t in res["tasks"]}, launched)
        for t in res["tasks"]:
            self.assertTrue(t["attempts"][-1].get("adopted"))
            self.assertEqual(t["attempts"][-1]["attempt"], 1)
        lists = self.requests("ListTasks")
        self.assertTrue(all(r["params"].get("startedBy", "").startswith("ecsbatch-job-adopt-") for r in lists))

    def test_task_definition_reused_on_second_run(self):
        self.assert_exit(self.run_job(self.job("td1", 1)), 0)
        self.assert_exit(self.run_job(self.job("td2", 1)), 0)
        self.assertEqual(len(self.requests("RegisterTaskDefinition")), 1)
        self.assertEqual(self.result("td1")["task_definition_arn"], self.result("td2")["task_definition_arn"])
        # other content (task size) is another revision
        self.assert_exit(self.run_job(self.job("td3", 1, cpu=512, memory=1024)), 0)
        self.assertEqual(len(self.requests("RegisterTaskDefinition")), 2)
        self.assertTrue(self.result("td3")["task_definition_arn"].endswith(":2"))
        # and the first content is still found behind the newer revision
        self.assert_exit(self.run_job(self.job("td4", 1)), 0)
        self.assertEqual(len(self.requests("RegisterTaskDefinition")), 2)
        self.assertTrue(self.result("td4")["task_definition_arn"].endswith(":1"))

    def test_self_template_and_inherited_network(self):
        """task_definition_template: self, and cluster, launch type and network from the launcher's
        own task (SPEC §3): nothing registered, the launcher's definition and ENI settings used."""
        if os.environ.get("EB_ECS_DRIVE"):
            self.skipTest("needs the self-discovery of `ecsbatch run`")
        meta = self.ctl.metadata()
        self.config = self.write("ecsbatch.yaml", """\
commands:
  - name: self-0.0.1
    status: active
    plugin: ecs
    version: 0.0.1
    context:
      task_definition_template: self
      polling_interval: "20ms"
      timeout: "60s"
    tags: [type:ecs]
    cluster_tags: [type:fargate]
clusters:
  - name: inherited
    status: active
    version: 0.0.1
    context:
      max_task_count: 10
    tags: [type:fargate]
""")
        proc = self.run_job(self.job("self", 2), self.env(ECS_CONTAINER_METADATA_URI_V4=meta["metadata_uri_v4"]))
        self.assert_exit(proc, 0)
        self.assertEqual(len(self.requests("RegisterTaskDefinition")), 0)
        res = self.result("self")
        self.assertEqual(res["task_definition_arn"], meta["task_definition_arn"])
        runs = [r["params"] for r in self.requests("RunTask")]
        self.assertEqual(len(runs), 2)
        for p in runs:
            self.assertEqual(p["taskDefinition"], meta["task_definition_arn"])
            self.assertIn(p["cluster"], (meta["cluster"], "default"))
            self.assertEqual(p["networkConfiguration"]["awsvpcConfiguration"]["subnets"], [fake_ec2.SUBNET_1])
            self.assertEqual(p["networkConfiguration"]["awsvpcConfiguration"]["securityGroups"],
                             [fake_ec2.SG_LAUNCHER])
            # every container of the launcher's definition gets the task's environment
            overrides = p["overrides"]["containerOverrides"]
            self.assertEqual([o["name"] for o in overrides], ["launcher"])
            env = {e["name"]: e["value"] for e in overrides[0]["environment"]}
            self.assertEqual(env["TASK_NAME"], p["startedBy"])
        self.assert_runtask_calls(res)

    def test_seed_example_unchanged(self):
        """The seed's catalogue, template and job, byte for byte (30 s polling, a 1 h timeout),
        on a launcher clock sped up 1000 times: two tasks, the seed's final environment."""
        seed = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "seed")
        for name in ("ecsbatch.yaml", "task-definition.json", "job.json"):
            with open(os.path.join(seed, name)) as f:
                self.write(name, f.read())
        self.config = os.path.join(self.tmp, "ecsbatch.yaml")
        self.ctl.config(clusters=["my-fargate-cluster"])
        proc = self.run_job(os.path.join(self.tmp, "job.json"),
                            self.env(ECSBATCH_JOB_ID="seed", ECSBATCH_TEST_CLOCK_SCALE="1000"))
        self.assert_exit(proc, 0)
        res = self.result("seed")
        self.assertEqual(res["status"], "SUCCEEDED")
        self.assertEqual(res["cluster"], "my-fargate-cluster")
        runs = [r["params"] for r in self.requests("RunTask")]
        self.assertEqual(len(runs), 2)
        for i, p in enumerate(sorted(runs, key=lambda p: p["startedBy"])):
            self.assertEqual(p["cluster"], "my-fargate-cluster")
            self.assertEqual(p["launchType"], "FARGATE")
            self.assertEqual(p["networkConfiguration"]["awsvpcConfiguration"]["subnets"],
                             ["subnet-12345678", "subnet-87654321"])
            main = p["overrides"]["containerOverrides"][0]
            self.assertEqual(main["name"], "main")
            env = [(e["name"], e["value"]) for e in main["environment"]]
            self.assertEqual(env[-1], ("TASK_NAME", p["startedBy"]))
            self.assertEqual(dict(env)["CUSTOM_VAR"], "custom_value")
            self.assertEqual(dict(env)["DATA_SOURCE"], "s3://my-bucket/data/")
            self.assertEqual(dict(env)["ENVIRONMENT"], "production")
            self.assertTrue(p["startedBy"].endswith(f"-{i}"))
        self.assert_runtask_calls(res)

    def test_thousand_tasks(self):
        """1,000 tasks: one RunTask per attempt, paced by the client at the published rate, and
        10 DescribeTasks calls per round while all are live.

        Nothing depends on how fast the machine is: the simulated clock is frozen until the
        launcher has made three full rounds (so all 1,000 stay live), the test waits for
        what the fake has counted rather than for a deadline, and the pacing is read from
        the client's own signing times, which load can only spread further apart."""
        self.catalogue(poll="100ms", timeout="10m")
        # The fake refills RunTask tokens at the published 20/s from a bucket 10 s deep: an
        # unpaced launcher (1000 calls in a few seconds) is throttled, while a paced one would
        # need its calls held up for 9 s and then let through at once to be.
        self.ctl.config(rate_limits={"RunTask": {"burst": 200, "rate": 20}})
        self.ctl.freeze()  # every task stays PROVISIONING until the clock moves
        with self.launched(self.job("big", 1000)) as proc:
            self.wait_for("1000 launches", lambda: self.ctl.op_count("RunTask") >= 1000, proc, every=0.5)
            self.bail_if_exited(proc)
            # let three rounds see all 1000 live, then let them run to the end
            base = self.ctl.op_count("DescribeTasks")
            self.wait_for("full rounds", lambda: self.ctl.op_count("DescribeTasks") >= base + 30, proc)
            self.bail_if_exited(proc)
            self.ctl.clock(speed=1, advance_ms=1000)
            out, err = self.finish(proc)
        self.skip_if_not_wired(err)
        self.assertEqual(proc.returncode, 0, err[-3000:])
        res = self.result("big")
        self.assertEqual(len(res["tasks"]), 1000)
        self.assertTrue(all(t["status"] == "SUCCEEDED" for t in res["tasks"]))
        self.assertEqual(self.ctl.counts()["throttled"].get("ecs:RunTask", 0), 0)
        self.assert_runtask_calls(res)
        # Paced: 20 at once, then 20 a second (aws-facts §1.9), on the launcher's own clock;
        # the last of 1000 is signed at least 49 s after the first (X-Amz-Date, whole seconds).
        runs = self.requests("RunTask")
        signed = [calendar.timegm(time.strptime({k.lower(): v for k, v in r["headers"].items()}["x-amz-date"],
                                                "%Y%m%dT%H%M%SZ")) for r in runs]
        self.assertGreaterEqual(signed[-1] - signed[0], 47, "RunTask calls not paced")
        # The first 30 calls after the last RunTask: three rounds of 10 calls of 100 tasks.
        seq = max(r["seq"] for r in runs)
        full = [r for r in self.ctl.requests(service="ecs", op="DescribeTasks", since=seq)
                if r["status"] == 200][:30]
        self.assertEqual(len(full), 30)
        self.assertTrue(all(len(r["params"]["tasks"]) == 100 for r in full))
        for k in range(0, 30, 10):
            self.assertEqual(len({a for r in full[k:k + 10] for a in r["params"]["tasks"]}), 1000)
        self.assert_describe_rounds()


if __name__ == "__main__":
    unittest.main()
