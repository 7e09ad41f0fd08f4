"""EC2 query API on the wire (aws-facts §10) through tests/tools/ec2_tool.

The fake checks every parameter name against botocore's model (a wrong
Filter.N.Value.M spelling is UnknownParameter) and answers in EC2's XML; the
tool prints what src/api/ec2.c parsed.
"""
import json
import unittest

from fakeaws import ec2 as fake_ec2
from integration.harness import FakeAWSTest


class Ec2WireTest(FakeAWSTest):
    def ec2(self, *args):
        p = self.run_tool("ec2_tool", args, timeout=60)
        return json.loads(p.stdout.strip().splitlines()[-1])

    def test_default_vpc(self):
        out = self.ec2("default-vpc")
        self.assertEqual(out, {"result": "ok", "items": [fake_ec2.VPC_ID]})
        form = self.ctl.requests(service="ec2", op="DescribeVpcs")[-1]["params"]
        self.assertEqual(form, {"Filter.1.Name": "is-default", "Filter.1.Value.1": "true"})

    def test_no_default_vpc_is_not_found(self):
        self.ctl.config(ec2={"vpcs": [{"VpcId": "vpc-0123", "CidrBlock": "10.1.0.0/16",
                                       "State": "available", "IsDefault": False}]})
        out = self.ec2("default-vpc")
        self.assertEqual(out["result"], "not_found")
        self.assertEqual(out["items"], [])

    def test_subnets_by_filters_with_two_values(self):
        out = self.ec2("subnets", "--filter", f"vpc-id={fake_ec2.VPC_ID},vpc-other",
                       "--filter", "availability-zone=us-west-2b")
        self.assertEqual(out["result"], "ok", out)
        self.assertEqual([s["id"] for s in out["items"]], [fake_ec2.SUBNET_2])
        form = self.ctl.requests(service="ec2", op="DescribeSubnets")[-1]["params"]
        self.assertEqual(form["Filter.1.Value.2"], "vpc-other")
        self.assertEqual(form["Filter.2.Name"], "availability-zone")
        self.assertEqual(out["items"][0]["cidr_block"], "10.0.2.0/24")
        self.assertEqual(out["items"][0]["available_ips"], 250)

    def test_subnets_by_ids_and_unknown_id(self):
        out = self.ec2("subnets", "--id", fake_ec2.SUBNET_1, "--id", fake_ec2.SUBNET_2)
        self.assertEqual([s["id"] for s in out["items"]], [fake_ec2.SUBNET_1, fake_ec2.SUBNET_2])
        out = self.ec2("subnets", "--id", "subnet-0000000000000dead")
        self.assertEqual((out["result"], out["aws_code"]), ("aws", "InvalidSubnetID.NotFound"))

    def test_security_groups_by_name(self):
        out = self.ec2("groups", "--filter", "group-name=default", "--filter", f"vpc-id={fake_ec2.VPC_ID}")
        self.assertEqual(out["items"], [{"id": fake_ec2.SG_DEFAULT, "name": "default", "vpc_id": fake_ec2.VPC_ID}])

    def test_network_interface_and_instances(self):
        out = self.ec2("enis", "--id", fake_ec2.ENI_LAUNCHER)
        self.assertEqual(out["items"], [{"id": fake_ec2.ENI_LAUNCHER, "subnet_id": fake_ec2.SUBNET_1,
                                         "groups": [fake_ec2.SG_LAUNCHER]}])
        out = self.ec2("instances", "--filter", "instance-state-name=running")
        self.assertEqual(out["items"], [{"id": fake_ec2.INSTANCE_ID, "type": "m5.large", "state": "running",
                                         "availability_zone": "us-west-2a"}])

    def test_throttling_is_retried(self):
        self.ctl.fault(op="ec2:DescribeSubnets", code="RequestLimitExceeded", count=2)
        out = self.ec2("subnets")
        self.assertEqual(out["result"], "ok", out)
        self.assertEqual(len(out["items"]), 2)
        self.assertEqual(self.ctl.counts()["ops"]["ec2:DescribeSubnets"], 3)


if __name__ == "__main__":
    unittest.main()
