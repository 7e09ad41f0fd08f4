"""ecsbatch validate (SPEC §2, §3): the seed's documents from every source
the command line and the environment allow, and bad inputs (exit 2, naming
file, field and value)."""
import json
import os
import shutil

from fakeaws.control import FakeControl
from fakeaws.server import FakeAWS
from integration.harness import ROOT, TempDirTest, run

SEED = os.path.join(ROOT, "tests", "data", "seed")
CAT = os.path.join(SEED, "ecsbatch.yaml")
JOB = os.path.join(SEED, "job.json")
INHERITED = "(inherited from the launcher's task)"


def read(name):
    with open(os.path.join(SEED, name)) as f:
        return f.read()


class ValidateTest(TempDirTest):
    def check_seed_plan(self, p, job_id=None):
        self.assertEqual(p.returncode, 0, p.stderr)
        doc = json.loads(p.stdout)
        self.assertEqual(doc["schema"], "ecsbatch.plan/1")
        self.assertEqual(doc["command"], "ecs-batch-job-0.0.1")
        self.assertEqual(doc["cluster"], "fargate-cluster")
        self.assertEqual(doc["context"]["task_count"], 2)
        self.assertEqual(doc["context"]["timeout"], "1h")
        self.assertEqual(doc["context"]["polling_interval"], "30s")
        self.assertEqual(doc["cluster_context"]["cluster_name"], "my-fargate-cluster")
        self.assertEqual(doc["cluster_context"]["region"], INHERITED)
        self.assertEqual(doc["task_definition"]["family"], "batch-job-template")
        self.assertEqual(len(doc["tasks"]), 2)
        if job_id:
            self.assertEqual(doc["job_id"], job_id)
            self.assertEqual(doc["tasks"][1]["task_name"], f"ecsbatch-job-{job_id}-1")
        req = doc["tasks"][0]["run_task"]
        self.assertEqual(req["count"], 1)
        self.assertEqual(req["launchType"], "FARGATE")
        env = req["overrides"]["containerOverrides"][0]["environment"]
        names = [e["name"] for e in env]
        self.assertEqual(names[:4], ["ENVIRONMENT", "LOG_LEVEL", "CUSTOM_VAR", "DATA_SOURCE"])
        self.assertEqual(names[-1], "TASK_NAME")
        self.assertEqual(env[-1]["value"], req["startedBy"])
        return doc

    def test_job_file(self):
        self.check_seed_plan(run(["validate", "--config", CAT, JOB, "--job-id", "abc123"]), "abc123")

    def test_job_yaml_file_and_generated_id(self):
        p = run(["validate", "--config", CAT, os.path.join(SEED, "job.yaml")])
        doc = self.check_seed_plan(p)
        self.assertRegex(doc["job_id"], r"^[a-z2-7]{12}$")

    def test_job_on_stdin(self):
        self.check_seed_plan(run(["validate", "--config", CAT, "-", "--job-id", "stdin1"],
                                 input=read("job.json")), "stdin1")

    def test_job_in_env_json_and_yaml(self):
        for name in ("job.json", "job.yaml"):
            p = run(["validate"], env={"ECSBATCH_CONFIG": CAT, "ECSBATCH_JOB": read(name),
                                       "ECSBATCH_JOB_ID": "envjob"})
            self.check_seed_plan(p, "envjob")

    def test_job_uri_env(self):
        p = run(["validate"], env={"ECSBATCH_CONFIG": CAT, "ECSBATCH_JOB_URI": JOB})
        self.check_seed_plan(p)

    def test_default_catalogue_in_current_folder(self):
        for name in ("ecsbatch.yaml", "task-definition.json"):
            shutil.copy(os.path.join(SEED, name), self.tmp)
        p = run(["validate", JOB, "--job-id", "cwd1"], cwd=self.tmp)
        self.check_seed_plan(p, "cwd1")

    def test_document_id_and_job_id_option(self):
        doc = json.loads(read("job.json"))
        doc["id"] = "from-doc"
        path = self.write("job.json", json.dumps(doc))
        p = run(["validate", "--config", CAT, path])
        self.check_seed_plan(p, "from-doc")
        p = run(["validate", "--config", CAT, path, "--job-id", "from-cli"])
        self.check_seed_plan(p, "from-cli")

    def test_examples_validate(self):
        p = run(["validate", "--config", os.path.join(ROOT, "examples", "ecsbatch.yaml"),
                 os.path.join(ROOT, "examples", "job.json")])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len(json.loads(p.stdout)["tasks"]), 3)

    def test_secrets_masked(self):
        doc = json.loads(read("job.json"))
        doc["context"]["container_overrides"][0]["environment"].append(
            {"name": "DB_PASSWORD", "value": "hunter2"})
        path = self.write("job.json", json.dumps(doc))
        p = run(["validate", "--config", CAT, path])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("hunter2", p.stdout)
        self.assertIn("****", p.stdout)

    def test_bad_inputs_exit_2_naming_file_field_value(self):
        cases = [
            ({"timeout": "90x"}, 'context.timeout: "90x" is not a duration'),
            ({"task_count": 0}, "context.task_count: 0 must be between 1 and 10000"),
            ({"task_count": 50}, "context.task_count: 50 is more than the cluster's max_task_count 10"),
            ({"cpu": 256, "memory": 4096}, "context.memory: 4096 is not a valid Fargate memory for cpu 256"),
            ({"cpu": 8192, "memory": 16384}, "context.cpu: 8192 is more than the cluster's max_cpu 4096"),
            ({"disk": 500}, "context.disk: 500 GiB is out of range"),
            ({"log_fetch": "some"}, 'context.log_fetch: "some" must be failed, all or none'),
        ]
        for ctx, want in cases:
            doc = json.loads(read("job.json"))
            doc["context"].update(ctx)
            path = self.write("bad.json", json.dumps(doc))
            p = run(["validate", "--config", CAT, path])
            self.assertEqual(p.returncode, 2, (ctx, p.stdout))
            self.assertIn(path + ": " + want, p.stderr)
            self.assertEqual(p.stdout, "")
            for line in p.stderr.splitlines():
                self.assertTrue(line.startswith("ecsbatch: "), line)

    def test_every_problem_listed(self):
        doc = json.loads(read("job.json"))
        doc["context"].update({"timeout": "soon", "task_count": -1, "disk": 1})
        doc["id"] = "no way"
        path = self.write("bad.json", json.dumps(doc))
        p = run(["validate", "--config", CAT, path])
        self.assertEqual(p.returncode, 2)
        self.assertGreaterEqual(len(p.stderr.splitlines()), 4, p.stderr)
        for part in ('timeout: "soon"', "task_count: -1", "disk: 1 GiB", 'id: "no way"'):
            self.assertIn(part, p.stderr)

    def test_bad_job_id_option(self):
        p = run(["validate", "--config", CAT, JOB, "--job-id", "a.b"])
        self.assertEqual(p.returncode, 2)
        self.assertIn('"a.b" is not a job id', p.stderr)

    def test_no_match_names_what_was_looked_for(self):
        doc = json.loads(read("job.json"))
        doc["command_criteria"] = ["type:nothing"]
        path = self.write("job.json", json.dumps(doc))
        p = run(["validate", "--config", CAT, path])
        self.assertEqual(p.returncode, 2)
        self.assertIn('command_criteria: ["type:nothing"]: no active command', p.stderr)

    def test_unreadable_and_malformed_sources(self):
        p = run(["validate", "--config", CAT, os.path.join(self.tmp, "absent.json")])
        self.assertEqual(p.returncode, 2)
        self.assertIn("absent.json", p.stderr)
        p = run(["validate", "--config", os.path.join(self.tmp, "absent.yaml"), JOB])
        self.assertEqual(p.returncode, 2)
        self.assertIn("absent.yaml", p.stderr)
        path = self.write("broken.yaml", "name: [unclosed\n")
        p = run(["validate", "--config", CAT, path])
        self.assertEqual(p.returncode, 2)
        self.assertIn(path + ": line", p.stderr)
        p = run(["validate", "--config", CAT], env={})
        self.assertEqual(p.returncode, 2)
        self.assertIn("ECSBATCH_JOB", p.stderr)
        p = run(["validate", JOB], cwd=self.tmp)
        self.assertEqual(p.returncode, 2)
        self.assertIn("no catalogue", p.stderr)

    def test_bad_template(self):
        cat = read("ecsbatch.yaml")
        self.write("ecsbatch.yaml", cat)
        self.write("task-definition.json", '{"family": "x", "containerDefinitions": [{"name": "main"}]}')
        p = run(["validate", "--config", os.path.join(self.tmp, "ecsbatch.yaml"), JOB])
        self.assertEqual(p.returncode, 2)
        self.assertIn("task-definition.json: containerDefinitions[0].image: (missing)", p.stderr)

    def test_s3_sources(self):
        with FakeAWS() as fake:
            url = fake.url
            ctl = FakeControl(url)
            ctl.reset()
            ctl.create_bucket("cfg")
            ctl.s3_put("cfg", "jobs/job.json", read("job.json").encode())
            ctl.s3_put("cfg", "ecsbatch.yaml", read("ecsbatch.yaml").encode())
            ctl.s3_put("cfg", "task-definition.json", read("task-definition.json").encode())
            env = {"AWS_ENDPOINT_URL": url, "AWS_REGION": "us-west-2",
                   "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
                   "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
            self.check_seed_plan(run(["validate", "--config", CAT, "s3://cfg/jobs/job.json"], env=env))
            # the template path is relative to the catalogue, in S3 too
            self.check_seed_plan(run(["validate", "--config", "s3://cfg/ecsbatch.yaml", JOB], env=env))
            p = run(["validate", "--config", CAT, "s3://cfg/jobs/none.json"], env=env)
            self.assertEqual(p.returncode, 2)
            self.assertIn("s3://cfg/jobs/none.json", p.stderr)
        # no credentials anywhere: infrastructure, not the user's input
        p = run(["validate", "--config", CAT, "s3://bucket/job.json"],
                env={"AWS_REGION": "us-west-2", "AWS_EC2_METADATA_DISABLED": "true"})
        self.assertEqual(p.returncode, 5, p.stderr)
        self.assertIn("s3://bucket/job.json", p.stderr)
