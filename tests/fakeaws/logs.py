"""CloudWatch Logs: groups, streams and events, with GetLogEvents paging.

Events carry an ingestion time; an event is visible once the simulated clock
has reached it, so a running task's log grows while it runs.  ECS tasks write
their events through ``task_stream`` when they start running.

GetLogEvents tokens are ``f/<56 digits>/s`` and ``b/<56 digits>/s`` holding a
position in the (time-filtered) event list.  A forward page that finds nothing
new returns the very token it was sent: that is how a reader knows it is at
the end of the stream.
"""
import base64
import json
import re

from .common import AWSError

MAX_PAGE_BYTES = 1048576


def invalid(message):
    return AWSError("InvalidParameterException", message)


def not_found(message):
    return AWSError("ResourceNotFoundException", message)


class Logs:
    def __init__(self, fake):
        self.fake = fake
        self.reset()

    def reset(self):
        self.groups = {}  # name -> {"creationTime", "streams": {name: stream}}

    def now(self):
        return self.fake.clock.now_ms()

    def arn(self, group):
        return f"arn:aws:logs:{self.fake.cfg['region']}:{self.fake.cfg['account']}:log-group:{group}"

    # -- state ---------------------------------------------------------
    def ensure_group(self, name, created=None):
        g = self.groups.get(name)
        if g is None:
            g = {"creationTime": int(created if created is not None else self.now()), "streams": {}}
            self.groups[name] = g
        return g

    def ensure_stream(self, group, name, created=None):
        g = self.ensure_group(group, created)
        s = g["streams"].get(name)
        if s is None:
            s = {"creationTime": int(created if created is not None else self.now()), "events": []}
            g["streams"][name] = s
        return s

    def add_events(self, group, stream, events, created=None):
        """events: [(timestamp_ms, message)] or [{"timestamp", "message", "ingestionTime"?}]."""
        s = self.ensure_stream(group, stream, created)
        for e in events:
            if isinstance(e, dict):
                ts = int(e["timestamp"])
                ing = int(e.get("ingestionTime", ts))
                msg = e["message"]
            else:
                ts, msg = int(e[0]), e[1]
                ing = ts
            s["events"].append({"timestamp": ts, "ingestionTime": ing, "message": msg})
        s["events"].sort(key=lambda e: e["timestamp"])

    def task_stream(self, group, stream, created_ms, events):
        """The awslogs driver of a task: the stream appears when the task starts running."""
        self.add_events(group, stream, events, created=created_ms)

    def truncate(self, group, stream, after_ms):
        s = self.groups.get(group, {}).get("streams", {}).get(stream)
        if s is not None:
            s["events"] = [e for e in s["events"] if e["timestamp"] <= after_ms]

    def dump(self, group=None, stream=None):
        self.fake.ecs.flush_logs(self.now())
        out = {}
        for gname, g in self.groups.items():
            if group is not None and gname != group:
                continue
            out[gname] = {sname: list(s["events"]) for sname, s in g["streams"].items()
                          if stream is None or sname == stream}
        return out

    # -- helpers -------------------------------------------------------
    def _group_name(self, p):
        name, ident = p.get("logGroupName"), p.get("logGroupIdentifier")
        if name is not None and ident is not None:
            raise invalid("LogGroupName and LogGroupIdentifier are mutually exclusive parameters.")
        if name is None and ident is None:
            raise invalid("Either LogGroupName or LogGroupIdentifier must be provided.")
        if ident is not None and ident.startswith("arn:"):
            m = re.fullmatch(r"arn:aws[\w-]*:logs:[^:]*:[^:]*:log-group:([^:]+)(?::\*)?", ident)
            if not m:
                raise invalid("The specified logGroupIdentifier is not a valid log group ARN.")
            return m.group(1)
        return name if name is not None else ident

    def _group(self, p):
        name = self._group_name(p)
        g = self.groups.get(name)
        if g is None:
            raise not_found("The specified log group does not exist.")
        return name, g

    def _visible(self, s, now, start=None, end=None):
        return [e for e in s["events"] if e["ingestionTime"] <= now
                and (start is None or e["timestamp"] >= start) and (end is None or e["timestamp"] < end)]

    # -- dispatch ------------------------------------------------------
    def handle(self, op, params, req):
        fn = getattr(self, "op_" + op, None)
        if fn is None:
            raise AWSError("UnknownOperationException", f"Operation {op} is not implemented by fakeaws")
        now = self.now()
        self.fake.ecs.flush_logs(now)
        return fn(params, now)

    def op_GetLogEvents(self, p, now):
        _, g = self._group(p)
        s = g["streams"].get(p["logStreamName"])
        if s is None:
            raise not_found("The specified log stream does not exist.")
        events = self._visible(s, now, p.get("startTime"), p.get("endTime"))
        limit = p.get("limit") or self.fake.page_size("GetLogEvents") or 10000
        token = p.get("nextToken")
        if token:
            m = re.fullmatch(r"([fb])/(\d{56})(?:/s)?", token)
            if not m:
                raise invalid("The specified nextToken is invalid.")
            direction, pos = m.group(1), int(m.group(2))
            pos = min(pos, len(events))
        else:
            direction = "f" if p.get("startFromHead") else "b"
            pos = 0 if direction == "f" else len(events)
        if direction == "f":
            page, size = [], 0
            for e in events[pos:]:
                size += len(e["message"].encode()) + 26
                if len(page) >= limit or (page and size > MAX_PAGE_BYTES):
                    break
                page.append(e)
            fwd, back = pos + len(page), pos
        else:
            page, size = [], 0
            for e in reversed(events[:pos]):
                size += len(e["message"].encode()) + 26
                if len(page) >= limit or (page and size > MAX_PAGE_BYTES):
                    break
                page.append(e)
            page.reverse()
            fwd, back = pos, pos - len(page)
        return {
            "events": [{"timestamp": e["timestamp"], "message": e["message"], "ingestionTime": e["ingestionTime"]}
                       for e in page],
            "nextForwardToken": f"f/{fwd:056d}/s",
            "nextBackwardToken": f"b/{back:056d}/s",
        }

    def op_FilterLogEvents(self, p, now):
        _, g = self._group(p)
        names, prefix = p.get("logStreamNames"), p.get("logStreamNamePrefix")
        if names is not None and prefix is not None:
            raise invalid("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.")
        terms = [t.strip('"') for t in re.findall(r'"[^"]*"|\S+', p.get("filterPattern") or "")]
        merged = []
        for sname in sorted(g["streams"]):
            if names is not None and sname not in names:
                continue
            if prefix is not None and not sname.startswith(prefix):
                continue
            for i, e in enumerate(self._visible(g["streams"][sname], now, p.get("startTime"), p.get("endTime"))):
                if all(t in e["message"] for t in terms):
                    merged.append((e["timestamp"], sname, i, e))
        merged.sort(key=lambda x: (x[0], x[1], x[2]))
        start = 0
        if p.get("nextToken"):
            try:
                start = int(json.loads(base64.b64decode(p["nextToken"]).decode())["offset"])
            except Exception:
                raise invalid("The specified nextToken is invalid.")
        limit = min(p.get("limit") or 10000, self.fake.page_size("FilterLogEvents") or 10000)
        page = merged[start:start + limit]
        out = {"events": [{"logStreamName": sname, "timestamp": e["timestamp"], "message": e["message"],
                           "ingestionTime": e["ingestionTime"], "eventId": f"{e['timestamp']:020d}{i:016d}"}
                          for _, sname, i, e in page],
               "searchedLogStreams": []}
        if start + limit < len(merged):
            out["nextToken"] = base64.b64encode(json.dumps({"offset": start + limit}).encode()).decode()
        return out

    def op_DescribeLogStreams(self, p, now):
        gname, g = self._group(p)
        prefix = p.get("logStreamNamePrefix")
        order = p.get("orderBy", "LogStreamName")
        if order == "LastEventTime" and prefix is not None:
            raise invalid("Cannot order by LastEventTime with a logStreamNamePrefix.")
        rows = []
        for sname, s in g["streams"].items():
            if prefix is not None and not sname.startswith(prefix):
                continue
            ev = self._visible(s, now)
            row = {"logStreamName": sname, "creationTime": s["creationTime"],
                   "arn": f"{self.arn(gname)}:log-stream:{sname}", "storedBytes": 0}
            if ev:
                row.update(firstEventTimestamp=ev[0]["timestamp"], lastEventTimestamp=ev[-1]["timestamp"],
                           lastIngestionTime=max(e["ingestionTime"] for e in ev))
            rows.append(row)
        if order == "LastEventTime":
            rows.sort(key=lambda r: r.get("lastEventTimestamp", 0))
        else:
            rows.sort(key=lambda r: r["logStreamName"])
        if p.get("descending"):
            rows.reverse()
        start = 0
        if p.get("nextToken"):
            try:
                start = int(json.loads(base64.b64decode(p["nextToken"]).decode())["offset"])
            except Exception:
                raise invalid("The specified nextToken is invalid.")
        limit = p.get("limit") or 50
        out = {"logStreams": rows[start:start + limit]}
        if start + limit < len(rows):
            out["nextToken"] = base64.b64encode(json.dumps({"offset": start + limit}).encode()).decode()
        return out

    def op_DescribeLogGroups(self, p, now):
        prefix = p.get("logGroupNamePrefix") or ""
        rows = [{"logGroupName": n, "creationTime": g["creationTime"], "metricFilterCount": 0,
                 "arn": self.arn(n) + ":*", "logGroupArn": self.arn(n), "storedBytes": 0}
                for n, g in sorted(self.groups.items()) if n.startswith(prefix)]
        limit = p.get("limit") or 50
        return {"logGroups": rows[:limit]}

    def op_CreateLogGroup(self, p, now):
        if p["logGroupName"] in self.groups:
            raise AWSError("ResourceAlreadyExistsException", "The specified log group already exists")
        self.ensure_group(p["logGroupName"])
        return {}

    def op_CreateLogStream(self, p, now):
        g = self.groups.get(p["logGroupName"])
        if g is None:
            raise not_found("The specified log group does not exist.")
        if p["logStreamName"] in g["streams"]:
            raise AWSError("ResourceAlreadyExistsException", "The specified log stream already exists")
        self.ensure_stream(p["logGroupName"], p["logStreamName"])
        return {}

    def op_PutLogEvents(self, p, now):
        g = self.groups.get(p["logGroupName"])
        if g is None:
            raise not_found("The specified log group does not exist.")
        if p["logStreamName"] not in g["streams"]:
            raise not_found("The specified log stream does not exist.")
        ts = [e["timestamp"] for e in p["logEvents"]]
        if ts != sorted(ts):
            raise invalid("Log events in a single PutLogEvents request must be in chronological order.")
        self.add_events(p["logGroupName"], p["logStreamName"],
                        [{"timestamp": e["timestamp"], "message": e["message"], "ingestionTime": int(now)}
                         for e in p["logEvents"]])
        return {"nextSequenceToken": "%056d" % len(g["streams"][p["logStreamName"]]["events"])}
