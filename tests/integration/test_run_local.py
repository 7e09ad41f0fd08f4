"""`ecsbatch run --local` end to end (SPEC §2, §4, §5): the README's example,
retry budgets, stop on failure, timeout, signals, reruns, output routing and
the results folder. Tasks are real processes; durations are milliseconds."""
import json
import os
import signal
import subprocess
import time

from integration.harness import BIN, ROOT, TempDirTest, clean_env, run

CATALOGUE = """\
commands:
  - name: cmd
    status: active
    context:
      task_definition_template: template.json
      task_count: {count}
      polling_interval: "20ms"
      status_interval: "20ms"
      timeout: "{timeout}"
      max_fail_count: {max_fail}
    tags: [t]
clusters:
  - name: local
    status: active
    context: {{}}
    tags: [c]
"""


def template(script, env=None):
    return json.dumps({
        "family": "t",
        "containerDefinitions": [{
            "name": "main", "image": "busybox", "essential": True,
            "command": ["sh", "-c", script],
            "environment": [{"name": k, "value": v} for k, v in (env or {}).items()],
        }],
    })


JOB = '{"name": "j", "version": "1", "command_criteria": ["t"], "cluster_criteria": ["c"]}'


class RunLocalTest(TempDirTest):
    def job(self, script, count=1, timeout="1m", max_fail=3, env=None, job=JOB):
        self.write("template.json", template(script, env))
        self.write("ecsbatch.yaml", CATALOGUE.format(count=count, timeout=timeout, max_fail=max_fail))
        self.write("job.json", job)

    def run_job(self, *extra, env=None):
        e = {"ECSBATCH_LOCAL_STOP_GRACE": "200ms"}
        e.update(env or {})
        return run(["run", "--local", "--config", "ecsbatch.yaml", "--results", "results",
                    *extra, "job.json"], env=e, cwd=self.tmp)

    def result(self, job_id):
        with open(os.path.join(self.tmp, "results", job_id, "result.json")) as f:
            return json.load(f)

    def attempts(self, res, i):
        return res["tasks"][i]["attempts"]

    # -- the README's first command ---------------------------------------------------------

    def test_readme_example_succeeds_with_a_retry(self):
        p = run(["run", "--local", "--config", os.path.join(ROOT, "examples", "ecsbatch.yaml"),
                 "--results", "res", "--job-id", "example",
                 os.path.join(ROOT, "examples", "job.json")], cwd=self.tmp)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("result: res/example/result.json", p.stderr)
        res = self.result_at("res", "example")
        self.assertEqual(res["status"], "SUCCEEDED")
        self.assertEqual(res["exit_code"], 0)
        self.assertEqual(len(res["tasks"]), 3)
        a1 = self.attempts(res, 1)
        self.assertEqual([a["status"] for a in a1], ["FAILED", "SUCCEEDED"])
        self.assertEqual(a1[0]["failure_kind"], "exit")
        self.assertEqual(a1[0]["exit_code"], 1)
        self.assertEqual([len(self.attempts(res, i)) for i in (0, 2)], [1, 1])
        # the representative task's log on stdout, in the seed's format
        rep = res["representative_task"]
        self.assertRegex(p.stdout, r"^=== local/main/\d+ ===\n\n\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] ")
        self.assertIn(f"Task name: ecsbatch-job-example-{rep} (task {rep}, attempt", p.stdout)
        self.assertIn("DATA_SOURCE=s3://my-bucket/data/ CUSTOM_VAR=custom_value", p.stdout)
        self.assertTrue(os.path.exists(os.path.join(self.tmp, "res", "example", "logs",
                                                    "task-1-attempt-1.log")))

    def result_at(self, root, job_id):
        with open(os.path.join(self.tmp, root, job_id, "result.json")) as f:
            return json.load(f)

    # -- budgets -------------------------------------------------------------------------------

    def test_retry_budget_boundaries(self):
        for max_fail, attempts in ((0, 1), (1, 2), (3, 4)):
            with self.subTest(max_fail_count=max_fail):
                self.job("echo attempt $ECSBATCH_ATTEMPT; exit 7", max_fail=max_fail)
                p = self.run_job("--job-id", f"b{max_fail}")
                self.assertEqual(p.returncode, 1, p.stderr)
                res = self.result(f"b{max_fail}")
                self.assertEqual(res["status"], "FAILED")
                a = self.attempts(res, 0)
                self.assertEqual(len(a), attempts)
                self.assertTrue(all(x["failure_kind"] == "exit" and x["exit_code"] == 7 for x in a))
                self.assertEqual(len(res["failed_arns"]), attempts)
                # the failing task's log goes to stderr, not stdout
                self.assertIn(f"] attempt {attempts}", p.stderr)
                self.assertEqual(p.stdout, "")

    def test_success_after_failures_within_budget(self):
        self.job('[ "$ECSBATCH_ATTEMPT" -ge 3 ] || exit 1; echo ok', max_fail=2)
        p = self.run_job("--job-id", "r")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual([a["status"] for a in self.attempts(self.result("r"), 0)],
                         ["FAILED", "FAILED", "SUCCEEDED"])
        self.assertIn("] ok\n", p.stdout)

    def test_exhausted_task_stops_its_siblings(self):
        self.job('if [ "$TASK_NUM" = 0 ]; then exit 2; fi; exec sleep 30', count=3, max_fail=0)
        p = self.run_job("--job-id", "f")
        self.assertEqual(p.returncode, 1, p.stderr)
        res = self.result("f")
        self.assertEqual(res["tasks"][0]["status"], "FAILED")
        for i in (1, 2):
            a = self.attempts(res, i)[-1]
            self.assertEqual(a["failure_kind"], "cancelled", a)
            self.assertIn("ecsbatch job f", a["stopped_reason"])

    def test_essential_container_that_never_ran_is_not_success(self):
        self.write("template.json", json.dumps({"family": "t", "containerDefinitions": [
            {"name": "main", "image": "x", "essential": True,
             "command": ["/nonexistent/program"]}]}))
        self.write("ecsbatch.yaml", CATALOGUE.format(count=1, timeout="1m", max_fail=0))
        self.write("job.json", JOB)
        p = self.run_job("--job-id", "s")
        self.assertEqual(p.returncode, 1, p.stderr)
        a = self.attempts(self.result("s"), 0)[0]
        self.assertEqual(a["failure_kind"], "start")
        self.assertNotIn("exit_code", {k: v for k, v in a.items() if v is not None})

    # -- timeout and signals -------------------------------------------------------------------

    def test_timeout_stops_every_task(self):
        self.job("exec sleep 30", count=2, timeout="300ms")
        p = self.run_job("--job-id", "t")
        self.assertEqual(p.returncode, 3, p.stderr)
        res = self.result("t")
        self.assertEqual(res["status"], "TIMED_OUT")
        for i in (0, 1):
            self.assertEqual(self.attempts(res, i)[-1]["failure_kind"], "timeout")

    def test_sigterm_cancels_stores_result_and_exits_4(self):
        self.job("exec sleep 30", count=2)
        env = clean_env({"ECSBATCH_LOCAL_STOP_GRACE": "200ms"})
        proc = subprocess.Popen([BIN, "run", "--local", "--config", "ecsbatch.yaml",
                                 "--results", "results", "--job-id", "c", "job.json"],
                                cwd=self.tmp, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        status = os.path.join(self.tmp, "results", "c", "status.json")
        for _ in range(500):
            if os.path.exists(status):
                with open(status) as f:
                    doc = json.load(f)
                if all(t["attempts"] and t["attempts"][-1].get("task_arn") for t in doc["tasks"]):
                    break
            time.sleep(0.01)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
        self.assertEqual(proc.returncode, 4, err)
        res = self.result("c")
        self.assertEqual(res["status"], "CANCELLED")
        for i in (0, 1):
            self.assertEqual(self.attempts(res, i)[-1]["failure_kind"], "cancelled")
        pids = [int(self.attempts(res, i)[-1]["task_arn"].split(":")[-1]) for i in (0, 1)]
        for pid in pids:
            with self.assertRaises(ProcessLookupError):
                os.kill(pid, 0)

    # -- reruns, status, results -----------------------------------------------------------

    def test_rerun_prints_stored_result_and_launches_nothing(self):
        marker = os.path.join(self.tmp, "ran")
        self.job(f"echo x >> {marker}")
        p = self.run_job("--job-id", "again")
        self.assertEqual(p.returncode, 0, p.stderr)
        p2 = self.run_job("--job-id", "again")
        self.assertEqual(p2.returncode, 0, p2.stderr)
        self.assertEqual(json.loads(p2.stdout)["job_id"], "again")
        with open(marker) as f:
            self.assertEqual(f.read(), "x\n")
        s = run(["status", "again", "--results", "results"], cwd=self.tmp)
        self.assertEqual(s.returncode, 0, s.stderr)
        self.assertEqual(json.loads(s.stdout)["status"], "SUCCEEDED")

    def test_failed_rerun_keeps_its_exit_code(self):
        self.job("exit 1", max_fail=0)
        self.assertEqual(self.run_job("--job-id", "ff").returncode, 1)
        p = self.run_job("--job-id", "ff")
        self.assertEqual(p.returncode, 1)
        self.assertEqual(json.loads(p.stdout)["status"], "FAILED")

    def test_unwritable_results_print_the_result_and_exit_5(self):
        # the claim cannot be stored: nothing is launched, the result goes to stderr
        marker = os.path.join(self.tmp, "ran")
        self.job(f"echo x >> {marker}")
        self.write("results", "a file, not a folder")
        p = self.run_job("--job-id", "u")
        self.assertEqual(p.returncode, 5, p.stderr)
        start = p.stderr.index('{\n')
        doc, _ = json.JSONDecoder().raw_decode(p.stderr[start:])
        self.assertEqual(doc["job_id"], "u")
        self.assertEqual(doc["status"], "ERROR")
        self.assertIn("results/u", json.dumps(doc["error"]))
        self.assertFalse(os.path.exists(marker))

    def test_generated_job_id_and_environment(self):
        self.job("echo $TASK_NAME $ECSBATCH_JOB_ID $TASK_NUM $ECSBATCH_ATTEMPT $ECSBATCH_DEADLINE",
                 count=2, env={"ENVIRONMENT": "production"})
        p = self.run_job()
        self.assertEqual(p.returncode, 0, p.stderr)
        ids = os.listdir(os.path.join(self.tmp, "results"))
        self.assertEqual(len(ids), 1)
        jid = ids[0]
        self.assertRegex(jid, r"^[A-Za-z0-9_-]{1,64}$")
        res = self.result(jid)
        rep = res["representative_task"]
        self.assertRegex(p.stdout, rf"\] ecsbatch-job-{jid}-{rep} {jid} {rep} 1 "
                                   r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n")

    def test_json_log_format_lines(self):
        self.job("echo hi")
        p = self.run_job("--job-id", "js", "--log-format", "json")
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = [ln for ln in p.stderr.splitlines() if ln.strip()]
        self.assertTrue(lines)
        for ln in lines:
            json.loads(ln)

    # -- what is refused before anything starts --------------------------------------------

    def test_bad_job_exits_2_and_launches_nothing(self):
        self.job("echo hi", timeout="90x")
        p = self.run_job("--job-id", "bad")
        self.assertEqual(p.returncode, 2)
        self.assertIn("90x", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "results")))

    def test_dry_run_prints_requests_and_masks_secrets(self):
        self.job("echo hi", count=2, env={"DB_PASSWORD": "hunter2", "PLAIN": "visible"})
        p = run(["run", "--local", "--dry-run", "--config", "ecsbatch.yaml", "--job-id", "d",
                 "job.json"], cwd=self.tmp)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("hunter2", p.stdout)
        self.assertIn("visible", p.stdout)
        self.assertIn("ecsbatch-job-d-1", p.stdout)
        json.loads(p.stdout)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "ecsbatch-results")))

    def test_job_from_environment(self):
        self.job("echo from-env")
        yaml_job = "name: j\nversion: '1'\ncommand_criteria: [t]\ncluster_criteria: [c]\n"
        p = run(["run", "--local", "--config", "ecsbatch.yaml", "--results", "results"],
                env={"ECSBATCH_JOB": yaml_job, "ECSBATCH_JOB_ID": "envjob"}, cwd=self.tmp)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.result("envjob")["status"], "SUCCEEDED")
