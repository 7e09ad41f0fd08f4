"""`ecsbatch whoami` against the fake AWS (SPEC §6, aws-facts §3, §10).

In ECS (metadata v4, or v3 when only that is set) it prints one JSON document
with the cluster, task, task definition, subnets and security groups the fake
describes; outside ECS it prints in_ecs false and exits 0. No secret ever
appears in its output.
"""
import json
import unittest

from fakeaws import ec2 as fake_ec2
from integration.harness import SK, FakeAWSTest, run


class WhoamiTest(FakeAWSTest):
    def setUp(self):
        super().setUp()
        self.md = self.ctl.metadata()

    def env(self, **extra):
        # No AWS_REGION: whoami finds it in the task metadata, or says it has none.
        return self.aws_env(**{"AWS_REGION": None, **extra})

    def whoami(self, env):
        p = run(["whoami"], env=env)
        self.assertNotIn(SK, p.stdout + p.stderr)
        self.assertNotIn("Signature=", p.stdout + p.stderr)
        return p

    def assert_launcher(self, doc, version):
        self.assertIs(doc["in_ecs"], True)
        self.assertEqual(doc["cluster"], "default")
        self.assertEqual(doc["task_arn"], self.md["task_arn"])
        self.assertEqual(doc["task_definition_arn"], self.md["task_definition_arn"])
        self.assertEqual(doc["family"], "ecsbatch-launcher")
        self.assertEqual(doc["revision"], "1")
        self.assertEqual(doc["launch_type"], "FARGATE")
        self.assertEqual(doc["region"], "us-west-2")
        self.assertEqual(doc["availability_zone"], "us-west-2a")
        self.assertEqual(doc["subnets"], [fake_ec2.SUBNET_1])
        self.assertEqual(doc["security_groups"], [fake_ec2.SG_LAUNCHER])
        self.assertEqual(doc["network_interface"], fake_ec2.ENI_LAUNCHER)
        self.assertEqual(doc["vpc_id"], fake_ec2.VPC_ID)
        self.assertIs(doc["assign_public_ip"], False)
        self.assertEqual(doc["metadata"], version)
        self.assertEqual(doc["credentials_source"], "environment")

    def test_in_ecs_v4_prints_cluster_subnets_and_groups(self):
        # No AWS_REGION: the region comes from the task ARN in the metadata.
        p = self.whoami(self.env(ECS_CONTAINER_METADATA_URI_V4=self.md["metadata_uri_v4"]))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assert_launcher(json.loads(p.stdout), "v4")
        counts = self.ctl.counts()["ops"]
        self.assertEqual(counts.get("metadata:TaskMetadata"), 1)
        self.assertEqual(counts.get("ecs:DescribeTasks"), 1)
        self.assertEqual(counts.get("ec2:DescribeNetworkInterfaces"), 1)
        # Every AWS call was signed correctly; DescribeTasks named our own task.
        reqs = self.ctl.requests(service="ecs", op="DescribeTasks")
        self.assertEqual(reqs[0]["params"]["tasks"], [self.md["task_arn"]])
        self.assertTrue(all(r["sig_ok"] is not False for r in self.ctl.requests()))

    def test_v3_fallback(self):
        p = self.whoami(self.env(ECS_CONTAINER_METADATA_URI=self.md["metadata_uri_v3"],
                                 AWS_REGION="us-west-2"))
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assert_launcher(json.loads(p.stdout), "v3")
        paths = [r["params"]["path"] for r in self.ctl.requests(service="metadata")]
        self.assertTrue(paths and all(x.startswith("/v3/") for x in paths), paths)

    def test_cluster_given_as_arn_and_public_ip(self):
        self.ctl.config(launcher={"cluster_as_arn": True})
        self.md = self.ctl.metadata()
        eni = {"NetworkInterfaceId": fake_ec2.ENI_LAUNCHER, "SubnetId": fake_ec2.SUBNET_1,
               "VpcId": fake_ec2.VPC_ID, "AvailabilityZone": "us-west-2a", "Status": "in-use",
               "PrivateIpAddress": fake_ec2.ENI_LAUNCHER_IP,
               "Association": {"PublicIp": "203.0.113.9", "IpOwnerId": "amazon"},
               "Groups": [{"GroupId": fake_ec2.SG_DEFAULT, "GroupName": "default"},
                          {"GroupId": fake_ec2.SG_LAUNCHER, "GroupName": "ecsbatch-launcher"}]}
        self.ctl.config(ec2={"network_interfaces": [eni]})
        p = self.whoami(self.env(ECS_CONTAINER_METADATA_URI_V4=self.md["metadata_uri_v4"]))
        self.assertEqual(p.returncode, 0, p.stderr)
        doc = json.loads(p.stdout)
        self.assertEqual(doc["cluster"], "default")
        self.assertTrue(doc["cluster_arn"].endswith(":cluster/default"), doc)
        self.assertIs(doc["assign_public_ip"], True)
        self.assertEqual(doc["security_groups"], [fake_ec2.SG_DEFAULT, fake_ec2.SG_LAUNCHER])

    def test_outside_ecs_says_so_and_exits_zero(self):
        p = self.whoami(self.env(AWS_REGION="eu-west-1"))
        self.assertEqual(p.returncode, 0, p.stderr)
        doc = json.loads(p.stdout)
        self.assertIs(doc["in_ecs"], False)
        self.assertEqual(doc["region"], "eu-west-1")
        self.assertEqual(doc["credentials_source"], "environment")
        self.assertIn("not running in ECS", p.stderr)
        self.assertNotIn("AWS_SECRET_ACCESS_KEY", p.stdout)
        self.assertEqual(self.ctl.counts()["ops"].get("metadata:TaskMetadata"), None)

    def test_outside_ecs_without_region_or_credentials(self):
        p = self.whoami(self.env(AWS_ACCESS_KEY_ID=None, AWS_SECRET_ACCESS_KEY=None))
        self.assertEqual(p.returncode, 0, p.stderr)
        doc = json.loads(p.stdout)
        self.assertEqual(doc, {"in_ecs": False, "region": None, "credentials_source": None})

    def test_metadata_down_is_an_error_with_a_message(self):
        self.ctl.fault(op="metadata:*", status=500, count=-1)
        p = self.whoami(self.env(ECS_CONTAINER_METADATA_URI_V4=self.md["metadata_uri_v4"]))
        self.assertEqual(p.returncode, 5, p.stdout)
        self.assertIn("metadata", p.stderr)
        self.assertIs(json.loads(p.stdout)["in_ecs"], True)


if __name__ == "__main__":
    unittest.main()
