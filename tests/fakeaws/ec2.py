"""Amazon EC2 query API (XML, 2016-11-15): the describe calls the launcher uses.

Resources are kept as dicts with botocore's member names (``SubnetId``,
``Groups``...) and rendered with the model's locationNames (see
``shapes.xml_output``).  The default topology, rebuilt for the configured
region: one default VPC, two subnets (a, b), the VPC's ``default`` security
group and the launcher's group, the launcher's ENI in subnet 1 with the
launcher's group, and one EC2 instance (the container instance of EC2 tasks).
"""
import base64
import copy
import fnmatch
import json

from . import clock, shapes
from .common import AWSError, xml_text

XMLNS = "http://ec2.amazonaws.com/doc/2016-11-15/"

VPC_ID = "vpc-0a1b2c3d4e5f60001"
SUBNET_1 = "subnet-0a1b2c3d4e5f60011"
SUBNET_2 = "subnet-0a1b2c3d4e5f60012"
SG_DEFAULT = "sg-0a1b2c3d4e5f60020"
SG_LAUNCHER = "sg-0a1b2c3d4e5f60021"
ENI_LAUNCHER = "eni-0a1b2c3d4e5f60031"
ENI_LAUNCHER_IP = "10.0.1.25"
INSTANCE_ID = "i-0a1b2c3d4e5f60041"

KINDS = ("vpcs", "subnets", "security_groups", "network_interfaces", "instances")


def _tags(name):
    return [{"Key": "Name", "Value": name}]


def default_topology(region, account):
    a, b = region + "a", region + "b"
    short = "".join(p[0] for p in region.split("-")[:-1]) + region.split("-")[-1]
    return {
        "vpcs": [{"VpcId": VPC_ID, "CidrBlock": "10.0.0.0/16", "State": "available", "IsDefault": True,
                  "DhcpOptionsId": "dopt-0a1b2c3d", "InstanceTenancy": "default", "OwnerId": account,
                  "CidrBlockAssociationSet": [{"AssociationId": "vpc-cidr-assoc-0a1b2c3d", "CidrBlock": "10.0.0.0/16",
                                               "CidrBlockState": {"State": "associated"}}],
                  "Tags": _tags("ecsbatch")}],
        "subnets": [
            {"SubnetId": SUBNET_1, "VpcId": VPC_ID, "CidrBlock": "10.0.1.0/24", "AvailabilityZone": a,
             "AvailabilityZoneId": short + "-az1", "AvailableIpAddressCount": 250, "DefaultForAz": False,
             "MapPublicIpOnLaunch": False, "State": "available", "OwnerId": account,
             "SubnetArn": f"arn:aws:ec2:{region}:{account}:subnet/{SUBNET_1}", "Tags": _tags("ecsbatch-private-a")},
            {"SubnetId": SUBNET_2, "VpcId": VPC_ID, "CidrBlock": "10.0.2.0/24", "AvailabilityZone": b,
             "AvailabilityZoneId": short + "-az2", "AvailableIpAddressCount": 250, "DefaultForAz": False,
             "MapPublicIpOnLaunch": False, "State": "available", "OwnerId": account,
             "SubnetArn": f"arn:aws:ec2:{region}:{account}:subnet/{SUBNET_2}", "Tags": _tags("ecsbatch-private-b")},
        ],
        "security_groups": [
            {"GroupId": SG_DEFAULT, "GroupName": "default", "Description": "default VPC security group",
             "VpcId": VPC_ID, "OwnerId": account, "IpPermissions": [],
             "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}], "Tags": []},
            {"GroupId": SG_LAUNCHER, "GroupName": "ecsbatch-launcher", "Description": "ecsbatch launcher and tasks",
             "VpcId": VPC_ID, "OwnerId": account, "IpPermissions": [],
             "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
             "Tags": _tags("ecsbatch-launcher")},
        ],
        "network_interfaces": [
            {"NetworkInterfaceId": ENI_LAUNCHER, "SubnetId": SUBNET_1, "VpcId": VPC_ID, "AvailabilityZone": a,
             "Description": "arn:aws:ecs:%s:%s:attachment/launcher" % (region, account),
             "Groups": [{"GroupId": SG_LAUNCHER, "GroupName": "ecsbatch-launcher"}],
             "InterfaceType": "interface", "MacAddress": "0e:9e:32:c7:48:85", "OwnerId": account,
             "PrivateDnsName": f"ip-10-0-1-25.{region}.compute.internal", "PrivateIpAddress": ENI_LAUNCHER_IP,
             "PrivateIpAddresses": [{"Primary": True, "PrivateIpAddress": ENI_LAUNCHER_IP,
                                     "PrivateDnsName": f"ip-10-0-1-25.{region}.compute.internal"}],
             "RequesterId": "578734482556", "RequesterManaged": True, "SourceDestCheck": True, "Status": "in-use",
             "Attachment": {"AttachmentId": "ela-attach-0a1b2c3d", "DeviceIndex": 1, "NetworkCardIndex": 0,
                            "InstanceOwnerId": "578734482556", "Status": "attached", "DeleteOnTermination": False},
             "TagSet": []},
        ],
        "instances": [
            {"InstanceId": INSTANCE_ID, "ImageId": "ami-0a1b2c3d4e5f60051", "InstanceType": "m5.large",
             "State": {"Code": 16, "Name": "running"}, "PrivateIpAddress": "10.0.1.10",
             "PrivateDnsName": f"ip-10-0-1-10.{region}.compute.internal", "SubnetId": SUBNET_1, "VpcId": VPC_ID,
             "Placement": {"AvailabilityZone": a, "Tenancy": "default"}, "Architecture": "x86_64",
             "SecurityGroups": [{"GroupId": SG_LAUNCHER, "GroupName": "ecsbatch-launcher"}],
             "Tags": _tags("ecsbatch-ecs-host"), "_owner": account},
        ],
    }


def _tag_list(r):
    return r.get("Tags") or r.get("TagSet") or []


def _filter_values(kind, r, name):
    """The values a resource has for filter name, or None if the filter is unknown."""
    if name.startswith("tag:"):
        key = name[4:]
        return [t["Value"] for t in _tag_list(r) if t["Key"] == key]
    if name == "tag-key":
        return [t["Key"] for t in _tag_list(r)]
    if name == "tag-value":
        return [t["Value"] for t in _tag_list(r)]
    common = {"owner-id": r.get("OwnerId") or r.get("_owner")}
    if kind == "vpcs":
        table = {"vpc-id": r["VpcId"], "is-default": r.get("IsDefault"), "state": r.get("State"),
                 "cidr": r.get("CidrBlock"), "cidr-block-association.cidr-block": r.get("CidrBlock"),
                 "dhcp-options-id": r.get("DhcpOptionsId")}
    elif kind == "subnets":
        table = {"subnet-id": r["SubnetId"], "vpc-id": r.get("VpcId"), "availability-zone": r.get("AvailabilityZone"),
                 "availabilityZone": r.get("AvailabilityZone"), "availability-zone-id": r.get("AvailabilityZoneId"),
                 "cidr-block": r.get("CidrBlock"), "cidr": r.get("CidrBlock"), "cidrBlock": r.get("CidrBlock"),
                 "default-for-az": r.get("DefaultForAz"), "defaultForAz": r.get("DefaultForAz"),
                 "state": r.get("State"), "map-public-ip-on-launch": r.get("MapPublicIpOnLaunch"),
                 "subnet-arn": r.get("SubnetArn"), "available-ip-address-count": r.get("AvailableIpAddressCount")}
    elif kind == "security_groups":
        table = {"group-id": r["GroupId"], "group-name": r.get("GroupName"), "vpc-id": r.get("VpcId"),
                 "description": r.get("Description")}
    elif kind == "network_interfaces":
        table = {"network-interface-id": r["NetworkInterfaceId"], "subnet-id": r.get("SubnetId"),
                 "vpc-id": r.get("VpcId"), "availability-zone": r.get("AvailabilityZone"),
                 "private-ip-address": [a["PrivateIpAddress"] for a in r.get("PrivateIpAddresses") or []] or r.get("PrivateIpAddress"),
                 "addresses.private-ip-address": [a["PrivateIpAddress"] for a in r.get("PrivateIpAddresses") or []],
                 "group-id": [g["GroupId"] for g in r.get("Groups") or []],
                 "group-name": [g["GroupName"] for g in r.get("Groups") or []],
                 "status": r.get("Status"), "interface-type": r.get("InterfaceType"),
                 "mac-address": r.get("MacAddress"), "description": r.get("Description"),
                 "requester-managed": r.get("RequesterManaged"),
                 "attachment.instance-id": (r.get("Attachment") or {}).get("InstanceId"),
                 "attachment.status": (r.get("Attachment") or {}).get("Status")}
    elif kind == "instances":
        table = {"instance-id": r["InstanceId"], "instance-type": r.get("InstanceType"), "vpc-id": r.get("VpcId"),
                 "subnet-id": r.get("SubnetId"), "instance-state-name": r["State"]["Name"],
                 "instance-state-code": r["State"]["Code"], "availability-zone": r["Placement"]["AvailabilityZone"],
                 "private-ip-address": r.get("PrivateIpAddress"), "image-id": r.get("ImageId"),
                 "instance.group-id": [g["GroupId"] for g in r.get("SecurityGroups") or []]}
    else:
        table = {}
    table.update(common)
    if name not in table:
        return None
    v = table[name]
    vals = v if isinstance(v, list) else [v]
    return [("true" if x else "false") if isinstance(x, bool) else ("" if x is None else str(x)) for x in vals]


class EC2:
    ID_PARAMS = {
        "DescribeVpcs": ("vpcs", "VpcIds", "VpcId", "vpc-", "InvalidVpcID", "The vpc ID '{}' does not exist"),
        "DescribeSubnets": ("subnets", "SubnetIds", "SubnetId", "subnet-", "InvalidSubnetID",
                            "The subnet ID '{}' does not exist"),
        "DescribeSecurityGroups": ("security_groups", "GroupIds", "GroupId", "sg-", "InvalidGroup",
                                   "The security group '{}' does not exist"),
        "DescribeNetworkInterfaces": ("network_interfaces", "NetworkInterfaceIds", "NetworkInterfaceId", "eni-",
                                      "InvalidNetworkInterfaceID", "The networkInterface ID '{}' does not exist"),
        "DescribeInstances": ("instances", "InstanceIds", "InstanceId", "i-", "InvalidInstanceID",
                              "The instance ID '{}' does not exist"),
    }
    OUTPUT = {"DescribeVpcs": "Vpcs", "DescribeSubnets": "Subnets", "DescribeSecurityGroups": "SecurityGroups",
              "DescribeNetworkInterfaces": "NetworkInterfaces", "DescribeInstances": "Reservations"}

    def __init__(self, fake):
        self.fake = fake
        self.custom = False
        self.reset()

    def reset(self):
        self.res = default_topology(self.fake.cfg["region"], self.fake.cfg["account"])
        self.custom = False

    def rebuild_default(self):
        if not self.custom:
            self.res = default_topology(self.fake.cfg["region"], self.fake.cfg["account"])

    def configure(self, spec):
        """spec: {kind: [resources]} replaces those kinds; kinds: vpcs, subnets, security_groups,
        network_interfaces, instances (botocore member names)."""
        for kind, items in spec.items():
            if kind not in KINDS:
                raise ValueError(f"unknown ec2 resource kind {kind!r} (known: {', '.join(KINDS)})")
            self.res[kind] = copy.deepcopy(items)
        self.custom = True

    # -- lookups used by other services ---------------------------------
    def _find(self, kind, key, value):
        for r in self.res[kind]:
            if r.get(key) == value:
                return r
        return None

    def subnet(self, subnet_id):
        return self._find("subnets", "SubnetId", subnet_id)

    def subnet_az(self, subnet_id):
        s = self.subnet(subnet_id)
        return s["AvailabilityZone"] if s else None

    def security_group(self, group_id):
        return self._find("security_groups", "GroupId", group_id)

    def network_interface(self, eni):
        return self._find("network_interfaces", "NetworkInterfaceId", eni)

    def default_instance_id(self):
        return self.res["instances"][0]["InstanceId"] if self.res["instances"] else INSTANCE_ID

    def instance_az(self, instance_id):
        i = self._find("instances", "InstanceId", instance_id)
        return i["Placement"]["AvailabilityZone"] if i else None

    # -- API -------------------------------------------------------------
    def handle(self, op, params, req):
        if op not in self.ID_PARAMS:
            raise AWSError("InvalidAction", f"The action {op} is not valid for this web service.", 400)
        kind, ids_param, id_key, prefix, code, msg = self.ID_PARAMS[op]
        if params.get("DryRun"):
            raise AWSError("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412)
        items = [r for r in self.res[kind]]
        ids = params.get(ids_param) or []
        mr = params.get("MaxResults")
        if ids and mr is not None and op in ("DescribeInstances", "DescribeNetworkInterfaces"):
            raise AWSError("InvalidParameterCombination",
                           f"The parameter {ids_param[:-1]}s cannot be used with the parameter maxResults", 400)
        if mr is not None and not 5 <= mr <= 1000:
            raise AWSError("InvalidParameterValue",
                           f"Value ( {mr} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.", 400)
        if ids:
            for i in ids:
                if not i.startswith(prefix):
                    raise AWSError(code + ".Malformed", f'Invalid id: "{i}"', 400)
            missing = [i for i in ids if self._find(kind, id_key, i) is None]
            if missing:
                raise AWSError(code + ".NotFound", msg.format("', '".join(missing)), 400)
            items = [r for r in items if r[id_key] in ids]
        names = params.get("GroupNames") or []
        if names:
            missing = [n for n in names if self._find(kind, "GroupName", n) is None]
            if missing:
                raise AWSError("InvalidGroup.NotFound",
                               f"The security group '{missing[0]}' does not exist in default VPC '{VPC_ID}'", 400)
            items = [r for r in items if r["GroupName"] in names]
        for f in params.get("Filters") or []:
            fname = f.get("Name")
            wanted = f.get("Values") or []
            kept = []
            for r in items:
                have = _filter_values(kind, r, fname)
                if have is None:
                    raise AWSError("InvalidParameterValue", f"The filter '{fname}' is invalid", 400)
                if any(fnmatch.fnmatchcase(h, w) for h in have for w in wanted):
                    kept.append(r)
            items = kept
        start = 0
        if params.get("NextToken"):
            try:
                start = int(json.loads(base64.b64decode(params["NextToken"]).decode())["offset"])
            except Exception:
                raise AWSError("InvalidNextToken", "The token is invalid", 400)
        n = mr or 1000
        page = items[start:start + n]
        result = {}
        if start + n < len(items):
            result["NextToken"] = base64.b64encode(json.dumps({"offset": start + n}).encode()).decode()
        page = [{k: v for k, v in copy.deepcopy(r).items() if not k.startswith("_")} for r in page]
        if op == "DescribeInstances":
            launch = clock.iso8601(self.fake.clock.now_s() - 86400)
            for i in page:
                i.setdefault("LaunchTime", launch)
            result["Reservations"] = [{"ReservationId": "r-" + i["InstanceId"][2:], "OwnerId": self.fake.cfg["account"],
                                       "Groups": [], "Instances": [i]} for i in page]
        else:
            result[self.OUTPUT[op]] = page
        inner = shapes.xml_output("ec2", op, result)
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<{op}Response xmlns="{XMLNS}">'
                f"<requestId>{req.request_id}</requestId>{inner}</{op}Response>")

    @staticmethod
    def render_error_body(err, request_id):
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{xml_text(err.code)}</Code>'
                f"<Message>{xml_text(err.message)}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>")
