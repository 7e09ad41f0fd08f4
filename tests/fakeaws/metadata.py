"""The endpoints a task or host reads about itself, all plain HTTP without SigV4:

* ECS task metadata v4/v3: ``/v4/<id>`` (the container), ``/v4/<id>/task``,
  ``/v4/<id>/taskWithTags``, ``.../stats``: the launcher's own task, which also
  exists in the ECS state (DescribeTasks works on it; its ENI and subnet are
  the seeded EC2 ones).
* Container credentials ``/v2/credentials/<id>``: temporary keys, optionally
  guarded by a required Authorization value.
* IMDSv2: ``PUT /latest/api/token`` then ``/latest/meta-data/...`` with the
  token header.
"""
import json
import zlib

from . import clock
from .common import Response


def _json(obj, status=200):
    return Response(status, json.dumps(obj, indent=None), content_type="application/json")


def _error(status, code, message):
    return _json({"code": code, "message": message}, status)


def _text(text, status=200):
    return Response(status, text, content_type="text/plain")


def operation_of(req):
    """(service, op) for a metadata-style path, or None."""
    path = req.raw_path
    if path.startswith(("/v4/", "/v3/")):
        rest = path.split("/", 3)[3] if path.count("/") >= 3 else ""
        op = {"": "ContainerMetadata", "task": "TaskMetadata", "taskWithTags": "TaskMetadataWithTags",
              "stats": "ContainerStats", "task/stats": "TaskStats"}.get(rest, "Unknown")
        return "metadata", op
    if path.startswith("/v2/credentials"):
        return "credentials", "GetCredentials"
    if path.startswith("/latest/"):
        if path == "/latest/api/token":
            return "imds", "GetToken"
        if path.startswith("/latest/meta-data/iam/security-credentials"):
            return "imds", "GetCredentials"
        return "imds", "GetMetadata"
    return None


class Metadata:
    def __init__(self, fake):
        self.fake = fake
        self.reset()

    def reset(self):
        self.imds_tokens = {}  # token -> expires (auth clock)
        self.launcher_id = None

    # -- launcher ------------------------------------------------------
    def launcher_task(self):
        if self.launcher_id is None:
            return None
        return self.fake.ecs.tasks.get(self.launcher_id)

    def _container_json(self, t, cd, now):
        subnet = self.fake.ec2.subnet(t.subnet) or {}
        cidr = subnet.get("CidrBlock", "10.0.1.0/24")
        gateway = cidr.rsplit(".", 1)[0] + ".1/" + cidr.split("/")[1]
        lc = cd.get("logConfiguration") or {}
        opts = dict(lc.get("options") or {})
        if lc.get("logDriver") == "awslogs" and "awslogs-stream-prefix" in opts:
            opts["awslogs-stream"] = f"{opts.pop('awslogs-stream-prefix')}/{cd['name']}/{t.id}"
        out = {
            "DockerId": f"{t.id}-{zlib.crc32(cd['name'].encode()) % 10**10:010d}",
            "Name": cd["name"],
            "DockerName": cd["name"],
            "Image": cd["image"],
            "ImageID": "sha256:" + (t.id * 2),
            "Labels": {
                "com.amazonaws.ecs.cluster": self._cluster_value(t),
                "com.amazonaws.ecs.container-name": cd["name"],
                "com.amazonaws.ecs.task-arn": t.arn,
                "com.amazonaws.ecs.task-definition-family": t.td["family"],
                "com.amazonaws.ecs.task-definition-version": str(t.td["revision"]),
            },
            "DesiredStatus": "RUNNING",
            "KnownStatus": "RUNNING",
            "Limits": {"CPU": cd.get("cpu", 0) or 2},
            "CreatedAt": clock.iso8601(t.t_running / 1000.0, True),
            "StartedAt": clock.iso8601(t.t_running / 1000.0, True),
            "Type": "NORMAL",
            "ContainerARN": t.container_arns[cd["name"]],
            "Networks": [{
                "NetworkMode": t.td["networkMode"],
                "IPv4Addresses": [t.private_ip],
                "AttachmentIndex": 0,
                "MACAddress": t.mac,
                "IPv4SubnetCIDRBlock": cidr,
                "DomainNameServers": ["10.0.0.2"],
                "DomainNameSearchList": [f"{self.fake.cfg['region']}.compute.internal"],
                "PrivateDNSName": f"ip-{t.private_ip.replace('.', '-')}.{self.fake.cfg['region']}.compute.internal",
                "SubnetGatewayIpv4Address": gateway,
            }],
        }
        if cd.get("memory"):
            out["Limits"]["Memory"] = cd["memory"]
        if lc.get("logDriver"):
            out["LogDriver"] = lc["logDriver"]
            out["LogOptions"] = opts
        return out

    def _cluster_value(self, t):
        spec = self.fake.cfg["launcher"] or {}
        if spec.get("cluster_as_arn", t.launch_type == "FARGATE"):
            return self.fake.ecs.clusters[t.cluster]["clusterArn"]
        return t.cluster

    def _task_json(self, t, now, with_tags=False):
        td = t.td
        cpu = float(td.get("cpu") or 0) / 1024.0 if td.get("cpu") else None
        out = {
            "Cluster": self._cluster_value(t),
            "TaskARN": t.arn,
            "Family": td["family"],
            "Revision": str(td["revision"]),
            "DesiredStatus": "RUNNING",
            "KnownStatus": "RUNNING",
            "Limits": {},
            "PullStartedAt": clock.iso8601(t.t_pending / 1000.0, True),
            "PullStoppedAt": clock.iso8601(t.t_running / 1000.0, True),
            "AvailabilityZone": t.az,
            "LaunchType": t.launch_type,
            "ClockDrift": {"ClockErrorBound": 0.41, "ReferenceTimestamp": clock.iso8601(now / 1000.0),
                           "ClockSynchronizationStatus": "SYNCHRONIZED"},
            "Containers": [self._container_json(t, cd, now) for cd in td["containerDefinitions"]],
        }
        if cpu is not None:
            out["Limits"]["CPU"] = cpu
        if td.get("memory"):
            out["Limits"]["Memory"] = int(td["memory"])
        if t.launch_type == "FARGATE":
            out["EphemeralStorageMetrics"] = {"Utilized": 312, "Reserved": 20496}
        else:
            out["VPCID"] = (self.fake.ec2.subnet(t.subnet) or {}).get("VpcId")
        if with_tags:
            out["TaskTags"] = {x["key"]: x["value"] for x in t.tags}
            out["ContainerInstanceTags"] = {}
        return out

    # -- dispatch ------------------------------------------------------
    def handle(self, service, op, req):
        if service == "metadata":
            return self.task_metadata(op, req)
        if service == "credentials":
            return self.container_credentials(req)
        return self.imds(op, req)

    def task_metadata(self, op, req):
        if req.method != "GET":
            return _error(405, "MethodNotAllowed", "Only GET is supported")
        t = self.launcher_task()
        if t is None:
            return _error(404, "NotFound", "No task metadata: the launcher is not configured")
        now = self.fake.clock.now_ms()
        if op == "ContainerMetadata":
            return _json(self._container_json(t, t.td["containerDefinitions"][0], now))
        if op == "TaskMetadata":
            return _json(self._task_json(t, now))
        if op == "TaskMetadataWithTags":
            return _json(self._task_json(t, now, with_tags=True))
        if op == "ContainerStats":
            return _json({"read": clock.iso8601(now / 1000.0, True), "cpu_stats": {}, "memory_stats": {}})
        if op == "TaskStats":
            return _json({self._container_json(t, cd, now)["DockerId"]: {} for cd in t.td["containerDefinitions"]})
        return _error(404, "NotFound", f"Unknown metadata path {req.raw_path}")

    def _current(self, slot, lifetime_s, rotate=False):
        """The slot's temporary key, issuing a new one when there is none, it expired, or rotate."""
        f = self.fake
        ak = f.cred_slots.get(slot)
        entry = f.keys.get(ak) if ak else None
        now = f.auth_now()
        if rotate or entry is None or entry.get("expired") or entry["expires_at"] <= now:
            entry = f.issue_key(slot, lifetime_s)
            f.cred_slots[slot] = entry["access_key"]
        return entry

    def container_credentials(self, req):
        f = self.fake
        cc = f.cfg["container_credentials"]
        f.counters["credentials_fetches"] = f.counters.get("credentials_fetches", 0) + 1
        if req.method != "GET":
            return _error(405, "MethodNotAllowed", "Only GET is supported")
        required = cc.get("auth_token")
        if required is not None and req.header("Authorization") != required:
            return _error(401, "AccessDenied", "Invalid or missing Authorization header")
        entry = self._current("container", cc.get("lifetime_s", 3600), cc.get("rotate_on_fetch", False))
        return _json({
            "RoleArn": cc.get("role_arn") or f"arn:aws:iam::{f.cfg['account']}:role/ecsbatch-launcher",
            "AccessKeyId": entry["access_key"],
            "SecretAccessKey": entry["secret"],
            "Token": entry["token"],
            "Expiration": clock.iso8601(entry["expires_at"]),
        })

    def imds(self, op, req):
        f = self.fake
        cfg = f.cfg["imds"]
        if not cfg.get("enabled", True):
            return _text("Not Found", 404)
        now = f.auth_now()
        if op == "GetToken":
            if req.method != "PUT":
                return _text("Forbidden", 403)
            ttl = req.header("X-aws-ec2-metadata-token-ttl-seconds")
            if ttl is None or not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
                return _text("Bad Request", 400)
            token = "AQAEA" + f.ids.secret(51).replace("/", "_").replace("+", "-")
            self.imds_tokens[token] = now + int(ttl)
            r = _text(token)
            r.headers.append(("X-aws-ec2-metadata-token-ttl-seconds", ttl))
            return r
        token = req.header("X-aws-ec2-metadata-token")
        if token is None or self.imds_tokens.get(token, 0) <= now:
            return _text("Unauthorized", 401)
        if req.method != "GET":
            return _text("Forbidden", 403)
        path = req.raw_path
        region = cfg.get("region") or f.cfg["region"]
        role = cfg.get("role_name", "ecsbatch-host")
        if op == "GetCredentials":
            f.counters["imds_credentials_fetches"] = f.counters.get("imds_credentials_fetches", 0) + 1
            rest = path[len("/latest/meta-data/iam/security-credentials"):].strip("/")
            if rest == "":
                return _text(role)
            if rest != role:
                return _text("Not Found", 404)
            entry = self._current("imds", cfg.get("lifetime_s", 3600))
            return _json({"Code": "Success", "LastUpdated": clock.iso8601(entry["issued_at"]), "Type": "AWS-HMAC",
                          "AccessKeyId": entry["access_key"], "SecretAccessKey": entry["secret"],
                          "Token": entry["token"], "Expiration": clock.iso8601(entry["expires_at"])})
        az = region + "a"
        instance = f.ec2.default_instance_id()
        simple = {
            "/latest/meta-data/placement/region": region,
            "/latest/meta-data/placement/availability-zone": az,
            "/latest/meta-data/instance-id": instance,
            "/latest/meta-data/instance-type": "m5.large",
        }
        if path in simple:
            return _text(simple[path])
        if path == "/latest/dynamic/instance-identity/document":
            return _json({"region": region, "availabilityZone": az, "instanceId": instance,
                          "accountId": f.cfg["account"], "instanceType": "m5.large"})
        return _text("Not Found", 404)
