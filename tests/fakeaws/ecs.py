"""Amazon ECS simulation: task definitions, clusters, container instances, tasks.

A task's whole lifecycle is planned when it is launched, from the first
scenario rule that matches it (see ``Scenario``), as instants on the simulated
clock:

    created --PROVISIONING--> t_pending --PENDING--> t_running --RUNNING-->
    t_stopping --STOPPING--> t_stopped (STOPPED)

Describing a task evaluates that plan at the current simulated time, so the
state seen by clients only depends on the clock.  StopTask re-plans the end.
Every method here is called with the fake's lock held.
"""
import base64
import copy
import fnmatch
import json
import re
import zlib

from . import clock
from .common import AWSError

STOP_CODES_WITH_SIGTERM = {"SpotInterruption", "TerminationNotice", "UserInitiated",
                           "ServiceSchedulerInitiated", "InfrastructureHealth"}

# Fargate task sizes (aws-facts 2.1): cpu -> allowed memory values (MiB).
FARGATE_SIZES = {
    256: [512, 1024, 2048],
    512: [1024, 2048, 3072, 4096],
    1024: list(range(2048, 8192 + 1, 1024)),
    2048: list(range(4096, 16384 + 1, 1024)),
    4096: list(range(8192, 30720 + 1, 1024)),
    8192: list(range(16384, 61440 + 1, 4096)),
    16384: list(range(32768, 122880 + 1, 8192)),
}

OUTCOME_KEYS = {
    "provisioning_ms", "pending_ms", "run_ms", "stopping_ms", "stop_delay_ms",
    "exit_code", "container_exit_codes", "container_reason", "container_reasons",
    "stop_code", "stopped_reason", "never_started", "stop_exit_code",
    "missing_for_describes", "vanish_after_ms", "run_failure",
    "log_lines", "container_log_lines", "log_count",
}
MATCH_KEYS = {"started_by", "task_name", "task_num", "attempt", "nth_launch", "family",
              "job_id", "cluster", "env"}

_STARTED_BY_RE = re.compile(r"[A-Za-z0-9_/-]{1,128}")
_FAMILY_RE = re.compile(r"[A-Za-z0-9_-]{1,255}")
_TAG_RE = re.compile(r"[\w\s.:/=+\-@]*")


def invalid(message):
    return AWSError("InvalidParameterException", message)


def client_error(message):
    return AWSError("ClientException", message)


def _size(text, unit):
    """ECS converts '1 vCPU' / '2 GB' to units / MiB."""
    if text is None:
        return None
    s = str(text).strip()
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(vcpu|gb)", s, re.I)
    if m:
        return str(int(float(m.group(1)) * 1024))
    return s


def _page(items, token, max_results, page_size, name):
    """Opaque offset paging.  Returns (page, next_token or None)."""
    start = 0
    if token:
        try:
            state = json.loads(base64.b64decode(token.encode()).decode())
            assert state["op"] == name
            start = int(state["offset"])
        except Exception:
            raise invalid("Invalid nextToken")
    n = min(max_results or 100, page_size or 100)
    page = items[start:start + n]
    nxt = None
    if start + n < len(items):
        nxt = base64.b64encode(json.dumps({"op": name, "offset": start + n}).encode()).decode()
    return page, nxt


class Scenario:
    """Ordered rules deciding how each launched task behaves.

    rule = {"match": {...}, "outcome": {...}, "times": N (optional)}; the first
    rule whose every match key agrees wins; no rule = the default outcome.
    """

    def __init__(self):
        self.rules = []
        self.used = []

    def set(self, rules, append=False):
        for rule in rules:
            self.check(rule)
        if append:
            self.rules.extend(copy.deepcopy(rules))
            self.used.extend([0] * len(rules))
        else:
            self.rules = copy.deepcopy(rules)
            self.used = [0] * len(rules)

    @staticmethod
    def check(rule):
        if not isinstance(rule, dict):
            raise ValueError("a rule is an object {match, outcome}")
        unknown = set(rule) - {"match", "outcome", "times", "name"}
        if unknown:
            raise ValueError(f"unknown rule keys: {sorted(unknown)}")
        bad = set(rule.get("match") or {}) - MATCH_KEYS
        if bad:
            raise ValueError(f"unknown match keys: {sorted(bad)} (known: {sorted(MATCH_KEYS)})")
        bad = set(rule.get("outcome") or {}) - OUTCOME_KEYS
        if bad:
            raise ValueError(f"unknown outcome keys: {sorted(bad)} (known: {sorted(OUTCOME_KEYS)})")

    @staticmethod
    def _agrees(want, have):
        if isinstance(want, list):
            return any(Scenario._agrees(w, have) for w in want)
        if have is None:
            return False
        if isinstance(want, bool) or not isinstance(want, (int, float)):
            return fnmatch.fnmatchcase(str(have), str(want))
        try:
            return int(have) == want
        except (TypeError, ValueError):
            return False

    def pick(self, facts):
        """facts: started_by, task_name, task_num, attempt, nth_launch, family, job_id, cluster, env."""
        for i, rule in enumerate(self.rules):
            times = rule.get("times")
            if times is not None and self.used[i] >= times:
                continue
            match = rule.get("match") or {}
            ok = True
            for key, want in match.items():
                if key == "env":
                    env = facts["env"]
                    ok = all(self._agrees(v, env.get(k)) for k, v in want.items())
                else:
                    ok = self._agrees(want, facts.get(key))
                if not ok:
                    break
            if ok:
                self.used[i] += 1
                return i, dict(rule.get("outcome") or {})
        return None, {}


class Task:
    """One ECS task and its planned timeline (simulated epoch ms)."""

    def __init__(self):
        self.id = self.arn = self.cluster = None
        self.td = None
        self.started_by = None
        self.group = None
        self.launch_type = None
        self.capacity_provider = None
        self.platform_version = None
        self.overrides = {}
        self.tags = []
        self.env = {}
        self.az = None
        self.subnet = None
        self.eni = None
        self.private_ip = None
        self.mac = None
        self.container_instance_arn = None
        self.container_arns = {}
        self.outcome = {}
        self.rule_index = None
        self.t_created = self.t_pending = self.t_running = self.t_stopping = self.t_stopped = None
        self.stop_code = None
        self.stopped_reason = None
        self.exit_codes = {}
        self.container_reasons = {}
        self.user_stopped = False
        self.describes = 0
        self.missing_n = 0
        self.vanish_at = None
        self.logs_pending = False
        self.log_streams = []  # [(group, stream)]
        self.cpu = self.memory = None
        self.ephemeral_gib = None
        self.launcher = False

    # -- timeline -------------------------------------------------------
    def phase(self, now):
        if self.t_stopped is not None and now >= self.t_stopped:
            return "STOPPED"
        if self.t_stopping is not None and now >= self.t_stopping:
            return "STOPPING"
        if self.t_running is not None and now >= self.t_running:
            return "RUNNING"
        if now >= self.t_pending:
            return "PENDING"
        return "PROVISIONING"

    def desired(self, now):
        return "STOPPED" if self.t_stopping is not None and now >= self.t_stopping else "RUNNING"

    def gone(self, now, retention_ms):
        if self.vanish_at is not None and now >= self.vanish_at:
            return True
        return self.t_stopped is not None and now >= self.t_stopped + retention_ms

    def ran(self):
        return self.t_running is not None


class ECS:
    def __init__(self, fake):
        self.fake = fake
        self.reset()

    def reset(self):
        self.taskdefs = {}  # family -> [td dict], index = revision - 1
        self.td_tags = {}  # td arn -> tags
        self.clusters = {}  # name -> cluster dict
        self.instances = {}  # cluster name -> [container instance dict]
        self.tasks = {}  # task id -> Task (insertion order = launch order)
        self.tokens = {}  # clientToken -> {"fingerprint", "arns", "failures"}
        self.launches = {}  # startedBy -> launch count
        self.scenario = Scenario()
        self.eni_counter = 0

    # -- helpers --------------------------------------------------------
    @property
    def cfg(self):
        return self.fake.cfg

    def now(self):
        return self.fake.clock.now_ms()

    def arn(self, kind, rest):
        return f"arn:aws:ecs:{self.cfg['region']}:{self.cfg['account']}:{kind}/{rest}"

    def timing(self, outcome, key):
        if key in outcome:
            return outcome[key]
        return self.cfg["timings"][key]

    def ensure_cluster(self, spec):
        if isinstance(spec, str):
            spec = {"name": spec}
        name = spec["name"]
        c = self.clusters.get(name)
        if c is None:
            c = {
                "clusterArn": self.arn("cluster", name),
                "clusterName": name,
                "status": "ACTIVE",
                "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
                "defaultCapacityProviderStrategy": [],
                "settings": [{"name": "containerInsights", "value": "disabled"}],
                "tags": [],
                "_launch_types": {},
            }
            self.clusters[name] = c
            self._add_instance(name)
        if "capacity_providers" in spec:
            c["capacityProviders"] = list(spec["capacity_providers"])
        if "default_strategy" in spec:
            c["defaultCapacityProviderStrategy"] = list(spec["default_strategy"])
        if "provider_launch_types" in spec:
            c["_launch_types"].update(spec["provider_launch_types"])
        if "tags" in spec:
            c["tags"] = list(spec["tags"])
        return c

    def _add_instance(self, cluster):
        instance_id = self.fake.ec2.default_instance_id()
        az = self.fake.ec2.instance_az(instance_id) or self.cfg["region"] + "a"
        ci = {
            "containerInstanceArn": self.arn("container-instance", f"{cluster}/{self.fake.ids.hex(32)}"),
            "ec2InstanceId": instance_id,
            "version": 1,
            "versionInfo": {"agentVersion": "1.89.0", "agentHash": "fake", "dockerVersion": "DockerVersion: 25.0.0"},
            "status": "ACTIVE",
            "agentConnected": True,
            "registeredResources": [
                {"name": "CPU", "type": "INTEGER", "integerValue": 2048},
                {"name": "MEMORY", "type": "INTEGER", "integerValue": 7680},
                {"name": "PORTS", "type": "STRINGSET", "stringSetValue": ["22", "2375", "2376", "51678", "51679"]},
            ],
            "attributes": [
                {"name": "ecs.instance-type", "value": "m5.large"},
                {"name": "ecs.availability-zone", "value": az},
                {"name": "ecs.os-type", "value": "linux"},
                {"name": "ecs.cpu-architecture", "value": "x86_64"},
            ],
            "registeredAt": clock.epoch_s(self.now()),
            "tags": [],
        }
        self.instances.setdefault(cluster, []).append(ci)

    def cluster_name(self, ref):
        """Name of the cluster a request refers to; ClusterNotFoundException if unknown."""
        ref = ref or self.cfg["default_cluster"]
        name = ref.split(":cluster/", 1)[1] if ref.startswith("arn:") and ":cluster/" in ref else ref
        if name not in self.clusters:
            if self.cfg.get("auto_create_clusters"):
                self.ensure_cluster(name)
            else:
                raise AWSError("ClusterNotFoundException", "Cluster not found.")
        return name

    def find_td(self, ref, active_only=False):
        if ref is None:
            return None
        s = ref
        if s.startswith("arn:"):
            if ":task-definition/" not in s:
                return None
            s = s.split(":task-definition/", 1)[1]
        family, _, rev = s.partition(":")
        revs = self.taskdefs.get(family)
        if not revs:
            return None
        if rev:
            if not rev.isdigit() or not 1 <= int(rev) <= len(revs):
                return None
            td = revs[int(rev) - 1]
            if active_only and td["status"] != "ACTIVE":
                return None
            return td
        for td in reversed(revs):
            if td["status"] == "ACTIVE":
                return td
        return None

    def task_ref(self, ref, cluster):
        """The Task a request names (id or ARN) in cluster, or None."""
        tid = ref
        if ref.startswith("arn:"):
            m = re.fullmatch(r"arn:aws[\w-]*:ecs:[^:]*:[^:]*:task/(?:([^/]+)/)?([0-9a-f]{32})", ref)
            if not m:
                return None
            if m.group(1) and m.group(1) != cluster:
                return None
            tid = m.group(2)
        t = self.tasks.get(tid)
        if t is None or t.cluster != cluster or t.gone(self.now(), self.cfg["stopped_retention_s"] * 1000):
            return None
        return t

    # -- dispatch -------------------------------------------------------
    def handle(self, op, params, req):
        fn = getattr(self, "op_" + op, None)
        if fn is None:
            raise AWSError("UnknownOperationException", f"Operation {op} is not implemented by fakeaws")
        return fn(params)

    # -- task definitions ----------------------------------------------
    def op_RegisterTaskDefinition(self, p):
        family = p["family"]
        if not _FAMILY_RE.fullmatch(family):
            raise client_error("Family contains invalid characters.")
        cdefs = p["containerDefinitions"]
        if not cdefs:
            raise client_error("Container list cannot be empty.")
        names = [c.get("name") for c in cdefs]
        if any(not n for n in names):
            raise client_error("Container.name should not be null or empty.")
        if len(set(names)) != len(names):
            raise client_error("Container names must be unique.")
        for c in cdefs:
            if not c.get("image"):
                raise client_error("Container.image should not be null or empty.")
        if not any(c.get("essential", True) for c in cdefs):
            raise client_error("Task definition must have at least one essential container.")
        if len(p.get("tags") or []) > 50:
            raise invalid("Tags can not exceed 50.")
        self._check_tags(p.get("tags") or [])
        cpu, memory = _size(p.get("cpu"), "cpu"), _size(p.get("memory"), "memory")
        requires = p.get("requiresCompatibilities") or []
        mode = p.get("networkMode")
        if "FARGATE" in requires:
            if mode != "awsvpc":
                raise client_error("Fargate only supports network mode \u2018awsvpc\u2019.")
            if cpu is None:
                raise client_error("Fargate requires that 'cpu' be defined at the task level.")
            if memory is None:
                raise client_error("Fargate requires that 'memory' be defined at the task level.")
            self._check_fargate_size(cpu, memory, client_error)
            if not p.get("executionRoleArn") and any(
                    (c.get("logConfiguration") or {}).get("logDriver") == "awslogs" for c in cdefs):
                raise client_error("Fargate requires task definition to have execution role ARN to support log driver awslogs.")
        if mode is None and "FARGATE" not in requires:
            mode = "bridge"
        revs = self.taskdefs.setdefault(family, [])
        rev = len(revs) + 1
        containers = []
        for c in cdefs:
            c = copy.deepcopy(c)
            c.setdefault("cpu", 0)
            c.setdefault("portMappings", [])
            c.setdefault("essential", True)
            c.setdefault("environment", [])
            c.setdefault("mountPoints", [])
            c.setdefault("volumesFrom", [])
            c.setdefault("systemControls", [])
            containers.append(c)
        compat = ["EC2"]
        if mode == "awsvpc" and cpu and memory:
            compat.append("FARGATE")
        if "MANAGED_INSTANCES" in requires:
            compat.append("MANAGED_INSTANCES")
        if "EXTERNAL" in requires:
            compat.append("EXTERNAL")
        td = {
            "taskDefinitionArn": self.arn("task-definition", f"{family}:{rev}"),
            "containerDefinitions": containers,
            "family": family,
            "networkMode": mode,
            "revision": rev,
            "volumes": copy.deepcopy(p.get("volumes") or []),
            "status": "ACTIVE",
            "requiresAttributes": [],
            "placementConstraints": copy.deepcopy(p.get("placementConstraints") or []),
            "compatibilities": compat,
            "requiresCompatibilities": list(requires),
            "registeredAt": clock.epoch_s(self.now()),
            "registeredBy": f"arn:aws:iam::{self.cfg['account']}:root",
        }
        for key in ("taskRoleArn", "executionRoleArn", "runtimePlatform", "ephemeralStorage", "pidMode",
                    "ipcMode", "proxyConfiguration", "inferenceAccelerators", "enableFaultInjection"):
            if key in p:
                td[key] = copy.deepcopy(p[key])
        if cpu is not None:
            td["cpu"] = cpu
        if memory is not None:
            td["memory"] = memory
        revs.append(td)
        self.td_tags[td["taskDefinitionArn"]] = copy.deepcopy(p.get("tags") or [])
        out = {"taskDefinition": copy.deepcopy(td)}
        if p.get("tags"):
            out["tags"] = copy.deepcopy(p["tags"])
        return out

    def _check_fargate_size(self, cpu, memory, err):
        try:
            c, m = int(cpu), int(memory)
        except ValueError:
            raise err(f"No Fargate configuration exists for given values: {cpu} CPU, {memory} memory.")
        if m not in FARGATE_SIZES.get(c, []):
            raise err(f"No Fargate configuration exists for given values: {cpu} CPU, {memory} memory. "
                      "Please see the documentation for valid CPU and memory combinations.")

    def op_DescribeTaskDefinition(self, p):
        td = self.find_td(p["taskDefinition"])
        if td is None:
            raise client_error("Unable to describe task definition.")
        out = {"taskDefinition": copy.deepcopy(td)}
        if "TAGS" in (p.get("include") or []):
            out["tags"] = copy.deepcopy(self.td_tags.get(td["taskDefinitionArn"], []))
        return out

    def op_DeregisterTaskDefinition(self, p):
        ref = p["taskDefinition"]
        if ":" not in ref.split("task-definition/")[-1]:
            raise client_error("Invalid revision number. Number: ")
        td = self.find_td(ref)
        if td is None:
            raise client_error("The specified task definition does not exist.")
        if td["status"] == "ACTIVE":
            td["status"] = "INACTIVE"
            td["deregisteredAt"] = clock.epoch_s(self.now())
        return {"taskDefinition": copy.deepcopy(td)}

    def op_ListTaskDefinitions(self, p):
        status = p.get("status", "ACTIVE")
        fam = p.get("familyPrefix")
        tds = []
        for family in sorted(self.taskdefs):
            if fam is not None and family != fam:
                continue
            tds.extend(td for td in self.taskdefs[family] if td["status"] == status)
        if p.get("sort") == "DESC":
            tds.reverse()
        mr = p.get("maxResults")
        if mr is not None and not 1 <= mr <= 100:
            raise invalid("maxResults must be between 1 and 100.")
        page, nxt = _page([td["taskDefinitionArn"] for td in tds], p.get("nextToken"), mr,
                          self.fake.page_size("ListTaskDefinitions"), "ListTaskDefinitions")
        out = {"taskDefinitionArns": page}
        if nxt:
            out["nextToken"] = nxt
        return out

    def op_ListTaskDefinitionFamilies(self, p):
        fams = sorted(f for f, revs in self.taskdefs.items()
                      if (p.get("status", "ACTIVE") == "ALL" or any(t["status"] == p.get("status", "ACTIVE") for t in revs))
                      and f.startswith(p.get("familyPrefix", "")))
        page, nxt = _page(fams, p.get("nextToken"), p.get("maxResults"),
                          self.fake.page_size("ListTaskDefinitionFamilies"), "ListTaskDefinitionFamilies")
        out = {"families": page}
        if nxt:
            out["nextToken"] = nxt
        return out

    # -- clusters and container instances ------------------------------
    def _cluster_json(self, c, include):
        now = self.now()
        ret = self.cfg["stopped_retention_s"] * 1000
        tasks = [t for t in self.tasks.values() if t.cluster == c["clusterName"] and not t.gone(now, ret)]
        out = {k: copy.deepcopy(v) for k, v in c.items() if not k.startswith("_") and k != "tags" and k != "settings"}
        out.update({
            "registeredContainerInstancesCount": len(self.instances.get(c["clusterName"], [])),
            "runningTasksCount": sum(1 for t in tasks if t.phase(now) == "RUNNING"),
            "pendingTasksCount": sum(1 for t in tasks if t.phase(now) in ("PROVISIONING", "PENDING")),
            "activeServicesCount": 0,
            "statistics": [],
        })
        if "TAGS" in include:
            out["tags"] = copy.deepcopy(c["tags"])
        if "SETTINGS" in include:
            out["settings"] = copy.deepcopy(c["settings"])
        return out

    def op_DescribeClusters(self, p):
        refs = p.get("clusters") or [self.cfg["default_cluster"]]
        if len(refs) > 100:
            raise invalid("Clusters cannot have more than 100 elements")
        include = p.get("include") or []
        out, failures = [], []
        for ref in refs:
            name = ref.split(":cluster/", 1)[1] if ref.startswith("arn:") and ":cluster/" in ref else ref
            c = self.clusters.get(name)
            if c is None:
                failures.append({"arn": ref if ref.startswith("arn:") else self.arn("cluster", ref), "reason": "MISSING"})
            else:
                out.append(self._cluster_json(c, include))
        return {"clusters": out, "failures": failures}

    def op_ListClusters(self, p):
        arns = [c["clusterArn"] for c in self.clusters.values()]
        page, nxt = _page(arns, p.get("nextToken"), p.get("maxResults"), self.fake.page_size("ListClusters"), "ListClusters")
        out = {"clusterArns": page}
        if nxt:
            out["nextToken"] = nxt
        return out

    def op_DescribeContainerInstances(self, p):
        cluster = self.cluster_name(p.get("cluster"))
        refs = p["containerInstances"]
        if len(refs) > 100:
            raise invalid("containerInstances cannot have more than 100 elements")
        now = self.now()
        out, failures = [], []
        for ref in refs:
            found = None
            for ci in self.instances.get(cluster, []):
                if ref in (ci["containerInstanceArn"], ci["containerInstanceArn"].rsplit("/", 1)[1]):
                    found = ci
            if found is None:
                failures.append({"arn": ref, "reason": "MISSING"})
                continue
            ci = copy.deepcopy(found)
            running = [t for t in self.tasks.values() if t.container_instance_arn == found["containerInstanceArn"]]
            ci["runningTasksCount"] = sum(1 for t in running if t.phase(now) == "RUNNING")
            ci["pendingTasksCount"] = sum(1 for t in running if t.phase(now) in ("PROVISIONING", "PENDING"))
            ci["remainingResources"] = copy.deepcopy(ci["registeredResources"])
            if "TAGS" not in (p.get("include") or []):
                ci.pop("tags", None)
            out.append(ci)
        return {"containerInstances": out, "failures": failures}

    def op_ListContainerInstances(self, p):
        cluster = self.cluster_name(p.get("cluster"))
        arns = [ci["containerInstanceArn"] for ci in self.instances.get(cluster, [])]
        page, nxt = _page(arns, p.get("nextToken"), p.get("maxResults"),
                          self.fake.page_size("ListContainerInstances"), "ListContainerInstances")
        out = {"containerInstanceArns": page}
        if nxt:
            out["nextToken"] = nxt
        return out

    # -- tags -----------------------------------------------------------
    def _check_tags(self, tags):
        for tag in tags:
            key, value = tag.get("key", ""), tag.get("value", "")
            if not 1 <= len(key) <= 128 or not _TAG_RE.fullmatch(key):
                raise invalid(f"The tag key '{key}' is invalid: 1-128 letters, digits, spaces and _.:/=+-@")
            if len(value) > 256 or not _TAG_RE.fullmatch(value):
                raise invalid(f"The tag value '{value}' is invalid: 0-256 letters, digits, spaces and _.:/=+-@")
            if key.lower().startswith("aws:"):
                raise invalid("Tag keys beginning with 'aws:' are reserved.")

    def _tag_target(self, arn):
        if ":task/" in arn:
            m = re.search(r":task/(?:([^/]+)/)?([0-9a-f]{32})$", arn)
            t = self.tasks.get(m.group(2)) if m else None
            if t is not None and not t.gone(self.now(), self.cfg["stopped_retention_s"] * 1000):
                return t, "tags"
        elif ":task-definition/" in arn:
            if self.find_td(arn) is not None:
                return self.td_tags, self.find_td(arn)["taskDefinitionArn"]
        elif ":cluster/" in arn:
            c = self.clusters.get(arn.split(":cluster/", 1)[1])
            if c is not None:
                return c, "tags"
        raise invalid("The specified resource could not be found.")

    def _get_tags(self, arn):
        holder, key = self._tag_target(arn)
        if isinstance(holder, Task):
            return holder.tags
        if isinstance(holder, dict) and key == "tags":
            return holder["tags"]
        return holder.setdefault(key, [])

    def _set_tags(self, arn, tags):
        holder, key = self._tag_target(arn)
        if isinstance(holder, Task):
            holder.tags = tags
        else:
            holder[key] = tags

    def op_TagResource(self, p):
        self._check_tags(p["tags"])
        tags = [t for t in self._get_tags(p["resourceArn"]) if t["key"] not in {n["key"] for n in p["tags"]}]
        tags.extend(copy.deepcopy(p["tags"]))
        if len(tags) > 50:
            raise invalid("Tags can not exceed 50.")
        self._set_tags(p["resourceArn"], tags)
        return {}

    def op_UntagResource(self, p):
        tags = [t for t in self._get_tags(p["resourceArn"]) if t["key"] not in p["tagKeys"]]
        self._set_tags(p["resourceArn"], tags)
        return {}

    def op_ListTagsForResource(self, p):
        return {"tags": copy.deepcopy(self._get_tags(p["resourceArn"]))}

    # -- RunTask --------------------------------------------------------
    def op_RunTask(self, p):
        count = p.get("count", 1)
        if not 1 <= count <= 10:
            raise invalid("count must be between 1 and 10.")
        token = p.get("clientToken")
        if token is not None and (not 1 <= len(token) <= 64 or any(not 33 <= ord(ch) <= 126 for ch in token)):
            raise invalid("clientToken must be 1 to 64 characters with codes 33 to 126.")
        sb = p.get("startedBy")
        if sb is not None and not _STARTED_BY_RE.fullmatch(sb):
            raise invalid("startedBy must be up to 128 letters (uppercase and lowercase), numbers, hyphens (-), "
                          "forward slash (/), and underscores (_).")
        overrides = p.get("overrides") or {}
        if len(json.dumps(overrides, separators=(",", ":"))) > 8192:
            raise invalid("Container Overrides length must be at most 8192")
        tags = p.get("tags") or []
        if len(tags) > 50:
            raise invalid("Tags can not exceed 50.")
        self._check_tags(tags)
        if p.get("launchType") and p.get("capacityProviderStrategy"):
            raise invalid("Specifying both a launch type and capacity provider strategy is not supported. "
                          "Remove one and try again.")
        if p.get("propagateTags") == "SERVICE":
            raise invalid("propagateTags SERVICE is not valid for RunTask.")
        cluster = self.cluster_name(p.get("cluster"))
        c = self.clusters[cluster]

        if token is not None:
            fp = json.dumps({k: v for k, v in p.items() if k != "clientToken"}, sort_keys=True)
            seen = self.tokens.get(token)
            if seen is not None:
                if seen["fingerprint"] != fp:
                    raise AWSError("ConflictException",
                                   "The specified client token has already been used in a different request.",
                                   extra={"resourceIds": list(seen["arns"])})
                now = self.now()
                return {"tasks": [self.task_json(self.tasks[a.rsplit("/", 1)[1]], now)
                                  for a in seen["arns"] if a.rsplit("/", 1)[1] in self.tasks],
                        "failures": copy.deepcopy(seen["failures"])}

        td = self.find_td(p["taskDefinition"])
        if td is None:
            raise invalid("TaskDefinition not found.")
        if td["status"] != "ACTIVE":
            raise client_error(f"TaskDefinition is inactive: {td['taskDefinitionArn']}")

        # launch type and capacity provider
        cp_name = None
        strategy = p.get("capacityProviderStrategy") or (c["defaultCapacityProviderStrategy"] if not p.get("launchType") else [])
        if strategy:
            for item in strategy:
                if item["capacityProvider"] not in c["capacityProviders"]:
                    raise invalid("The specified capacity provider strategy cannot contain a capacity provider that is "
                                  "not associated with the cluster. Associate the capacity provider with the cluster "
                                  "or specify a valid capacity provider and try again.")
            if sum(1 for i in strategy if i.get("base", 0) > 0) > 1:
                raise invalid("The specified capacity provider strategy has more than one capacity provider with a base.")
            based = [i for i in strategy if i.get("base", 0) > 0]
            weighted = [i for i in strategy if i.get("weight", 0) > 0]
            cp_name = (based or weighted or strategy)[0]["capacityProvider"]
            if cp_name in ("FARGATE", "FARGATE_SPOT"):
                launch_type = "FARGATE"
            else:
                launch_type = c["_launch_types"].get(cp_name, "EC2")
        else:
            # Neither a launch type nor a strategy, and no cluster default: ECS uses EC2.
            launch_type = p.get("launchType") or "EC2"
        if launch_type not in td["compatibilities"]:
            raise invalid(f"Task definition does not support launch_type {launch_type}.")

        # networking
        netconf = (p.get("networkConfiguration") or {}).get("awsvpcConfiguration")
        subnet = None
        if td["networkMode"] == "awsvpc":
            if netconf is None:
                raise invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.")
            subnets = netconf.get("subnets") or []
            if not subnets:
                raise invalid("subnets can not be empty.")
            if len(subnets) > 16:
                raise invalid("subnets can have at most 16 items.")
            if len(netconf.get("securityGroups") or []) > 5:
                raise invalid("securityGroups can have at most 5 items.")
            if netconf.get("assignPublicIp") == "ENABLED" and launch_type != "FARGATE":
                raise invalid("Assign public IP is not supported for this launch type.")
            if self.cfg.get("strict_network"):
                for sn in subnets:
                    if self.fake.ec2.subnet(sn) is None:
                        raise invalid(f"Error retrieving subnet information for [{sn}]: The subnet ID '{sn}' does not exist "
                                      "(ErrorCode: InvalidSubnetID.NotFound)")
                for sg in netconf.get("securityGroups") or []:
                    if self.fake.ec2.security_group(sg) is None:
                        raise invalid(f"Error retrieving security group information for [{sg}]: The security group "
                                      f"'{sg}' does not exist (ErrorCode: InvalidGroup.NotFound)")
            subnet = subnets[0]
        elif p.get("networkConfiguration"):
            raise invalid("Network Configuration is not valid for the given networkMode of this task definition.")

        # overrides
        cnames = [cd["name"] for cd in td["containerDefinitions"]]
        for co in overrides.get("containerOverrides") or []:
            if co.get("name") not in cnames:
                raise invalid(f"Override for container named {co.get('name')} is not a container in the TaskDefinition.")
        cpu = _size(overrides.get("cpu"), "cpu") or td.get("cpu")
        memory = _size(overrides.get("memory"), "memory") or td.get("memory")
        eph = (overrides.get("ephemeralStorage") or {}).get("sizeInGiB")
        if launch_type == "FARGATE":
            if overrides.get("cpu") or overrides.get("memory"):
                self._check_fargate_size(cpu, memory, invalid)
            if eph is not None and not 21 <= eph <= 200:
                raise invalid("The ephemeral storage size must be between 21 and 200 GiB.")

        now = self.now()
        tasks, failures, arns = [], [], []
        for _ in range(count):
            t, failure = self._launch(p, td, cluster, launch_type, cp_name, subnet, overrides, cpu, memory, eph, now)
            if failure is not None:
                failures.append(failure)
            else:
                tasks.append(self.task_json(t, now))
                arns.append(t.arn)
        if token is not None:
            self.tokens[token] = {"fingerprint": fp, "arns": arns, "failures": copy.deepcopy(failures)}
        return {"tasks": tasks, "failures": failures}

    def _task_env(self, td, overrides):
        """Environment per container (definition, then overrides), flattened essential-first."""
        per = {}
        for cd in td["containerDefinitions"]:
            per[cd["name"]] = {e["name"]: e.get("value") for e in cd.get("environment") or []}
        for co in overrides.get("containerOverrides") or []:
            env = per.setdefault(co["name"], {})
            for e in co.get("environment") or []:
                env[e["name"]] = e.get("value")
        flat = {}
        order = sorted(td["containerDefinitions"], key=lambda cd: not cd.get("essential", True))
        for cd in reversed(order):
            flat.update(per.get(cd["name"], {}))
        return flat

    def _launch(self, p, td, cluster, launch_type, cp_name, subnet, overrides, cpu, memory, eph, now):
        env = self._task_env(td, overrides)
        sb = p.get("startedBy")
        key = sb or ""
        self.launches[key] = self.launches.get(key, 0) + 1
        facts = {
            "started_by": sb or "", "task_name": env.get("TASK_NAME"), "task_num": env.get("TASK_NUM"),
            "attempt": env.get("ECSBATCH_ATTEMPT"), "nth_launch": self.launches[key], "family": td["family"],
            "job_id": env.get("ECSBATCH_JOB_ID"), "cluster": cluster, "env": env,
        }
        rule_index, outcome = self.scenario.pick(facts)
        if outcome.get("run_failure"):
            rf = outcome["run_failure"]
            if isinstance(rf, str):
                rf = {"reason": rf}
            failure = {k: rf[k] for k in ("arn", "reason", "detail") if k in rf}
            failure.setdefault("reason", "RESOURCE:MEMORY")
            return None, failure
        t = Task()
        t.id = self.fake.ids.hex(32)
        t.arn = self.arn("task", f"{cluster}/{t.id}")
        t.cluster = cluster
        t.td = td
        t.started_by = sb
        t.group = p.get("group") or f"family:{td['family']}"
        t.launch_type = launch_type
        t.capacity_provider = cp_name
        t.platform_version = (p.get("platformVersion") or "LATEST") if launch_type == "FARGATE" else None
        if t.platform_version == "LATEST":
            t.platform_version = "1.4.0"
        t.overrides = copy.deepcopy(overrides)
        tags = copy.deepcopy(p.get("tags") or [])
        if p.get("propagateTags") == "TASK_DEFINITION":
            have = {x["key"] for x in tags}
            tags.extend(copy.deepcopy(x) for x in self.td_tags.get(td["taskDefinitionArn"], []) if x["key"] not in have)
        if p.get("enableECSManagedTags"):
            tags.append({"key": "aws:ecs:clusterName", "value": cluster})
        t.tags = tags
        t.env = env
        t.cpu, t.memory, t.ephemeral_gib = cpu, memory, eph
        if launch_type != "FARGATE" and launch_type != "MANAGED_INSTANCES":
            cis = self.instances.get(cluster) or []
            t.container_instance_arn = cis[0]["containerInstanceArn"] if cis else None
        if td["networkMode"] == "awsvpc":
            t.subnet = subnet
            self._assign_eni(t)
        t.az = self.fake.ec2.subnet_az(subnet) if subnet else None
        if t.az is None and t.container_instance_arn:
            t.az = self.fake.ec2.instance_az(self.instances[cluster][0]["ec2InstanceId"])
        t.az = t.az or self.cfg["region"] + "a"
        for cd in td["containerDefinitions"]:
            t.container_arns[cd["name"]] = self.arn("container", f"{cluster}/{t.id}/{self.fake.ids.uuid()}")
        t.rule_index = rule_index
        self._plan(t, outcome, now)
        self.tasks[t.id] = t
        return t, None

    def _assign_eni(self, t, eni=None, ip=None):
        self.eni_counter += 1
        n = self.eni_counter
        t.eni = eni or "eni-" + self.fake.ids.hex(17)
        t.private_ip = ip or f"10.0.{100 + (n // 250) % 150}.{n % 250 + 2}"
        t.mac = "0e:" + ":".join(self.fake.ids.hex(2) for _ in range(5))

    def _plan(self, t, o, now):
        t.outcome = o
        t.t_created = now
        t.t_pending = now + self.timing(o, "provisioning_ms")
        pend = self.timing(o, "pending_ms")
        run = self.timing(o, "run_ms")
        stopping = self.timing(o, "stopping_ms")
        essential = [cd["name"] for cd in t.td["containerDefinitions"] if cd.get("essential", True)]
        names = [cd["name"] for cd in t.td["containerDefinitions"]]
        if o.get("never_started"):
            t.t_running = None
            t.t_stopping = t.t_pending + pend
            t.t_stopped = t.t_stopping + stopping
            t.stop_code = o.get("stop_code", "TaskFailedToStart")
            t.stopped_reason = o.get("stopped_reason", "Task failed to start")
            t.exit_codes = {n: None for n in names}
            reason = o.get("container_reason", t.stopped_reason)
            t.container_reasons = {n: reason for n in essential}
        else:
            t.t_running = t.t_pending + pend
            if run is None or run < 0:
                t.t_stopping = t.t_stopped = None
            else:
                t.t_stopping = t.t_running + run
                t.t_stopped = t.t_stopping + stopping
            t.stop_code = o.get("stop_code", "EssentialContainerExited")
            t.stopped_reason = o.get("stopped_reason", "Essential container in task exited")
            default_exit = 143 if ("exit_code" not in o and t.stop_code in STOP_CODES_WITH_SIGTERM) else o.get("exit_code", 0)
            t.exit_codes = {}
            for n in names:
                t.exit_codes[n] = default_exit if n in essential else (143 if default_exit == 143 else 0)
            for n, code in (o.get("container_exit_codes") or {}).items():
                t.exit_codes[n] = code
            t.container_reasons = {}
            if o.get("container_reason") and essential:
                t.container_reasons[essential[0]] = o["container_reason"]
            t.container_reasons.update(o.get("container_reasons") or {})
        t.missing_n = int(o.get("missing_for_describes") or 0)
        t.vanish_at = now + o["vanish_after_ms"] if o.get("vanish_after_ms") is not None else None
        t.log_streams = self._log_streams(t)
        t.logs_pending = bool(t.log_streams) and t.t_running is not None

    def _log_streams(self, t):
        out = []
        for cd in t.td["containerDefinitions"]:
            lc = cd.get("logConfiguration") or {}
            opts = lc.get("options") or {}
            if lc.get("logDriver") == "awslogs" and opts.get("awslogs-group") and opts.get("awslogs-stream-prefix"):
                out.append((cd["name"], opts["awslogs-group"], f"{opts['awslogs-stream-prefix']}/{cd['name']}/{t.id}"))
        return out

    # -- logs of tasks --------------------------------------------------
    def _log_lines(self, t, container, first_essential):
        o = t.outcome
        name = t.env.get("TASK_NAME") or t.id
        if container in (o.get("container_log_lines") or {}):
            lines = o["container_log_lines"][container]
        elif container == first_essential and o.get("log_lines") is not None:
            lines = o["log_lines"]
        elif container == first_essential and o.get("log_count") is not None:
            n = int(o["log_count"])
            lines = [f"{name} line {i} of {n}" for i in range(1, n + 1)]
        else:
            lines = [f"{name}: container {container} starting (attempt {t.env.get('ECSBATCH_ATTEMPT', '1')})",
                     f"{name}: container {container} done"]
        out = []
        for line in lines:
            for k, v in t.env.items():
                line = line.replace("${" + k + "}", str(v))
            out.append(line)
        return out

    def flush_logs(self, now):
        """Write the log events of tasks that have started running by now."""
        for t in self.tasks.values():
            if not t.logs_pending:
                continue
            if t.t_running is None:
                t.logs_pending = False
                continue
            if now < t.t_running:
                continue
            t.logs_pending = False
            essential = [cd["name"] for cd in t.td["containerDefinitions"] if cd.get("essential", True)]
            first = essential[0] if essential else None
            start = int(t.t_running)
            end = int(t.t_stopping) if t.t_stopping is not None else None
            for container, group, stream in t.log_streams:
                lines = self._log_lines(t, container, first)
                n = len(lines)
                events = []
                for i, line in enumerate(lines):
                    if end is not None and n:
                        ts = start + ((end - start) * i) // n
                    else:
                        ts = start + i
                    events.append((ts, line))
                self.fake.logs.task_stream(group, stream, start, events)

    # -- describe -------------------------------------------------------
    def task_json(self, t, now, include_tags=False):
        ph = t.phase(now)
        stopping = ph in ("STOPPING", "STOPPED")
        out = {
            "attachments": [],
            "attributes": [{"name": "ecs.cpu-architecture", "value": "x86_64"}],
            "availabilityZone": t.az,
            "clusterArn": self.clusters[t.cluster]["clusterArn"] if t.cluster in self.clusters else self.arn("cluster", t.cluster),
            "containers": [],
            "createdAt": clock.epoch_s(t.t_created),
            "desiredStatus": t.desired(now),
            "enableExecuteCommand": False,
            "group": t.group,
            "healthStatus": "UNKNOWN",
            "lastStatus": ph,
            "launchType": t.launch_type,
            "overrides": dict({"containerOverrides": [], "inferenceAcceleratorOverrides": []}, **copy.deepcopy(t.overrides)),
            "taskArn": t.arn,
            "taskDefinitionArn": t.td["taskDefinitionArn"],
            "version": {"PROVISIONING": 1, "PENDING": 2, "RUNNING": 3, "STOPPING": 4, "STOPPED": 5}[ph],
        }
        if t.cpu is not None:
            out["cpu"] = str(t.cpu)
        if t.memory is not None:
            out["memory"] = str(t.memory)
        if t.started_by:
            out["startedBy"] = t.started_by
        if t.capacity_provider:
            out["capacityProviderName"] = t.capacity_provider
        if t.container_instance_arn:
            out["containerInstanceArn"] = t.container_instance_arn
        if t.launch_type == "FARGATE":
            out["platformVersion"] = t.platform_version
            out["platformFamily"] = "Linux"
            out["ephemeralStorage"] = {"sizeInGiB": t.ephemeral_gib or 20}
            out["fargateEphemeralStorage"] = {"sizeInGiB": t.ephemeral_gib or 20}
        if now >= t.t_pending:
            out["connectivity"] = "CONNECTED"
            out["connectivityAt"] = clock.epoch_s(t.t_pending)
            if t.ran() or t.outcome.get("never_started"):
                out["pullStartedAt"] = clock.epoch_s(t.t_pending)
        if t.ran() and now >= t.t_running:
            out["pullStoppedAt"] = clock.epoch_s(t.t_running)
            out["startedAt"] = clock.epoch_s(t.t_running)
        if stopping:
            out["stoppingAt"] = clock.epoch_s(t.t_stopping)
            out["stopCode"] = t.stop_code
            out["stoppedReason"] = t.stopped_reason
            if t.ran():
                out["executionStoppedAt"] = clock.epoch_s(t.t_stopped if t.user_stopped else t.t_stopping)
        if ph == "STOPPED":
            out["stoppedAt"] = clock.epoch_s(t.t_stopped)
            out["connectivity"] = "DISCONNECTED"
        if t.eni:
            att_status = {"PROVISIONING": "PRECREATED", "PENDING": "ATTACHED", "RUNNING": "ATTACHED",
                          "STOPPING": "DETACHING", "STOPPED": "DELETED"}[ph]
            out["attachments"].append({
                "id": self._attachment_id(t),
                "type": "ElasticNetworkInterface",
                "status": att_status,
                "details": [
                    {"name": "subnetId", "value": t.subnet},
                    {"name": "networkInterfaceId", "value": t.eni},
                    {"name": "macAddress", "value": t.mac},
                    {"name": "privateDnsName", "value": f"ip-{t.private_ip.replace('.', '-')}.{self.cfg['region']}.compute.internal"},
                    {"name": "privateIPv4Address", "value": t.private_ip},
                ],
            })
        for cd in t.td["containerDefinitions"]:
            name = cd["name"]
            c = {
                "containerArn": t.container_arns[name],
                "taskArn": t.arn,
                "name": name,
                "image": cd["image"],
                "lastStatus": "PENDING",
                "networkBindings": [],
                "networkInterfaces": [],
                "healthStatus": "UNKNOWN",
                "cpu": str(cd.get("cpu", 0)),
            }
            if cd.get("memory") is not None:
                c["memory"] = str(cd["memory"])
            if cd.get("memoryReservation") is not None:
                c["memoryReservation"] = str(cd["memoryReservation"])
            if t.eni:
                c["networkInterfaces"].append({"attachmentId": self._attachment_id(t), "privateIpv4Address": t.private_ip})
            if t.ran() and now >= t.t_running:
                c["lastStatus"] = "RUNNING"
                c["imageDigest"] = "sha256:" + t.id + t.id
                c["runtimeId"] = f"{t.id}-{zlib.crc32(name.encode()) % 10**10:010d}"
            container_done = ph == "STOPPED" or (ph == "STOPPING" and not t.user_stopped)
            if container_done:
                c["lastStatus"] = "STOPPED"
                code = t.exit_codes.get(name)
                if t.ran() and code is not None:
                    c["exitCode"] = code
                if t.container_reasons.get(name):
                    c["reason"] = t.container_reasons[name]
            out["containers"].append(c)
        if include_tags:
            out["tags"] = copy.deepcopy(t.tags)
        return out

    def _attachment_id(self, t):
        h = t.id
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"

    def op_DescribeTasks(self, p):
        cluster = self.cluster_name(p.get("cluster"))
        refs = p["tasks"]
        if not refs:
            raise invalid("Tasks cannot be empty.")
        if len(refs) > 100:
            raise invalid("Tasks cannot have more than 100 elements.")
        include_tags = "TAGS" in (p.get("include") or [])
        now = self.now()
        out, failures, seen = [], [], set()
        for ref in refs:
            if ref in seen:
                continue
            seen.add(ref)
            t = self.task_ref(ref, cluster)
            if t is not None and t.describes < t.missing_n:
                t.describes += 1
                t = None
            if t is None:
                arn = ref if ref.startswith("arn:") else self.arn("task", f"{cluster}/{ref}")
                failures.append({"arn": arn, "reason": "MISSING"})
                continue
            t.describes += 1
            out.append(self.task_json(t, now, include_tags))
        return {"tasks": out, "failures": failures}

    def stop(self, t, now, reason, stop_code="UserInitiated", exit_code=None, delay_ms=None):
        """Stop t at now (no-op if it is already stopping).  Returns True if it changed."""
        if t.t_stopping is not None and now >= t.t_stopping:
            return False
        was_running = t.t_running is not None and now >= t.t_running
        if not was_running:
            t.t_running = None
            t.logs_pending = False
        t.t_stopping = now
        if delay_ms is None:
            delay_ms = t.outcome.get("stop_delay_ms", self.cfg["timings"]["stop_delay_ms"])
        t.t_stopped = now + delay_ms
        t.stop_code = stop_code
        t.stopped_reason = reason
        t.user_stopped = True
        code = exit_code if exit_code is not None else t.outcome.get("stop_exit_code", 143)
        t.exit_codes = {n: (code if was_running else None) for n in t.exit_codes}
        t.container_reasons = {}
        if was_running:
            for _, group, stream in t.log_streams:
                self.fake.logs.truncate(group, stream, now)
        return True

    def op_StopTask(self, p):
        cluster = self.cluster_name(p.get("cluster"))
        reason = p.get("reason")
        if reason is not None and len(reason) > 255:
            raise invalid("Reason must be at most 255 characters.")
        t = self.task_ref(p["task"], cluster)
        if t is None:
            raise invalid("The referenced task was not found.")
        now = self.now()
        if self.stop(t, now, reason if reason else "Task stopped by user"):
            t.tags = []
        return {"task": self.task_json(t, now)}

    def op_ListTasks(self, p):
        cluster = self.cluster_name(p.get("cluster"))
        mr = p.get("maxResults")
        if mr is not None and not 1 <= mr <= 100:
            raise invalid("maxResults must be between 1 and 100.")
        desired = p.get("desiredStatus", "RUNNING")
        now = self.now()
        ret = self.cfg["stopped_retention_s"] * 1000
        arns = []
        if p.get("serviceName"):
            raise AWSError("ServiceNotFoundException", "Service not found.")
        for t in self.tasks.values():
            if t.cluster != cluster or t.gone(now, ret):
                continue
            if desired == "PENDING" or t.desired(now) != desired:
                continue
            if p.get("startedBy") is not None and t.started_by != p["startedBy"]:
                continue
            if p.get("family") is not None and t.td["family"] != p["family"]:
                continue
            if p.get("launchType") is not None and t.launch_type != p["launchType"]:
                continue
            if p.get("containerInstance") is not None and p["containerInstance"] not in (
                    t.container_instance_arn, (t.container_instance_arn or "").rsplit("/", 1)[-1]):
                continue
            arns.append(t.arn)
        page, nxt = _page(arns, p.get("nextToken"), mr, self.fake.page_size("ListTasks"), "ListTasks")
        out = {"taskArns": page}
        if nxt:
            out["nextToken"] = nxt
        return out

    # -- launcher (for the metadata endpoint) --------------------------
    def create_launcher(self, spec, now):
        """Create the launcher's own task: running forever, on the seeded ENI."""
        cluster = spec["cluster"]
        self.ensure_cluster(cluster)
        family = spec["family"]
        td_params = copy.deepcopy(spec.get("task_definition") or {})
        td_params.setdefault("family", family)
        td_params.setdefault("networkMode", "awsvpc")
        td_params.setdefault("requiresCompatibilities", ["FARGATE"])
        td_params.setdefault("cpu", "512")
        td_params.setdefault("memory", "1024")
        td_params.setdefault("executionRoleArn", f"arn:aws:iam::{self.cfg['account']}:role/ecsbatch-execution")
        td_params.setdefault("taskRoleArn", f"arn:aws:iam::{self.cfg['account']}:role/ecsbatch-launcher")
        td_params.setdefault("containerDefinitions", [{
            "name": spec["container_name"],
            "image": spec["image"],
            "essential": True,
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": "/ecs/ecsbatch", "awslogs-region": self.cfg["region"],
                "awslogs-stream-prefix": "ecs"}},
        }])
        td = None
        for _ in range(int(spec.get("revision", 1))):
            td = self.op_RegisterTaskDefinition(td_params)["taskDefinition"]
        td = self.find_td(td["taskDefinitionArn"])
        t = Task()
        t.launcher = True
        t.id = spec.get("task_id") or self.fake.ids.hex(32)
        t.arn = self.arn("task", f"{cluster}/{t.id}")
        t.cluster = cluster
        t.td = td
        t.started_by = spec.get("started_by")
        t.group = f"family:{family}"
        t.launch_type = spec.get("launch_type", "FARGATE")
        t.platform_version = "1.4.0" if t.launch_type == "FARGATE" else None
        t.cpu, t.memory = td.get("cpu"), td.get("memory")
        t.subnet = spec["subnet"]
        self._assign_eni(t, eni=spec["eni"], ip=spec["private_ip"])
        t.az = spec["availability_zone"]
        t.tags = copy.deepcopy(spec.get("tags") or [])
        t.env = dict(spec.get("env") or {})
        for cd in td["containerDefinitions"]:
            t.container_arns[cd["name"]] = self.arn("container", f"{cluster}/{t.id}/{self.fake.ids.uuid()}")
        self._plan(t, {"provisioning_ms": 0, "pending_ms": 0, "run_ms": None}, now - 60000)
        t.t_pending = now - 50000
        t.t_running = now - 40000
        t.logs_pending = False
        self.tasks[t.id] = t
        return t
