"""Client of the fakeaws control API (``/__fake/...``), standard library only.

    from fakeaws.control import FakeControl
    ctl = FakeControl("http://127.0.0.1:PORT")
    ctl.reset()
    ctl.config(buckets=["results"], page_sizes={"GetLogEvents": 100})
    ctl.add_rule(match={"task_num": 1, "attempt": 1}, outcome={"exit_code": 1})
    ctl.fault(op="RunTask", code="ThrottlingException", count=2)
    ...
    ctl.counts()["ops"]["ecs:RunTask"]
"""
import json
import ssl
import urllib.error
import urllib.parse
import urllib.request


class ControlError(Exception):
    def __init__(self, status, body):
        super().__init__(f"fakeaws control call failed ({status}): {body}")
        self.status = status
        self.body = body


class FakeControl:
    def __init__(self, base_url, timeout=30, cafile=None):
        """cafile: the PEM certificate to trust when the fake serves HTTPS."""
        self.base = base_url.rstrip("/")
        self.timeout = timeout
        handlers = [urllib.request.ProxyHandler({})]  # never through a proxy from the environment
        if cafile:
            handlers.append(urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=cafile)))
        self._opener = urllib.request.build_opener(*handlers)

    # ------------------------------------------------------------ plumbing
    def call(self, method, path, body=None, query=None, raw=None, content_type=None, raw_response=False):
        """Call /__fake/<path>.  JSON body in and out, unless raw bytes are sent or expected."""
        url = f"{self.base}/__fake/{path.lstrip('/')}"
        if query:
            url += "?" + urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
        data = None
        headers = {}
        if raw is not None:
            data = raw
            headers["Content-Type"] = content_type or "application/octet-stream"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        elif method in ("POST", "PUT"):
            data = b""
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with self._opener.open(req, timeout=self.timeout) as resp:
                payload = resp.read()
                ctype = resp.headers.get("Content-Type", "")
        except urllib.error.HTTPError as e:
            raise ControlError(e.code, e.read().decode("utf-8", "replace"))
        if ctype.startswith("application/json") and not raw_response:
            return json.loads(payload)
        return payload

    # --------------------------------------------------------------- state
    def health(self):
        return self.call("GET", "health")

    def reset(self, config=None):
        """Forget all state and configuration; optionally apply config afterwards."""
        return self.call("POST", "reset", config or {})

    def config(self, **fields):
        """POST /__fake/config; returns the resulting configuration."""
        return self.call("POST", "config", fields)

    def get_config(self):
        return self.call("GET", "config")

    # --------------------------------------------------------------- clock
    def clock(self, advance_ms=None, speed=None, set_ms=None):
        body = {k: v for k, v in (("advance_ms", advance_ms), ("speed", speed), ("set_ms", set_ms)) if v is not None}
        return self.call("POST" if body else "GET", "clock", body or None)

    def advance(self, ms):
        return self.clock(advance_ms=ms)

    def freeze(self):
        return self.clock(speed=0)

    def now(self):
        """Simulated epoch seconds."""
        return self.clock()["now"]

    # ------------------------------------------------------------ scenario
    def set_scenario(self, rules, append=False):
        return self.call("POST", "scenario", {"rules": rules, "append": append})

    def add_rule(self, match=None, outcome=None, times=None):
        rule = {"match": match or {}, "outcome": outcome or {}}
        if times is not None:
            rule["times"] = times
        return self.set_scenario([rule], append=True)

    def clear_scenario(self):
        return self.call("DELETE", "scenario")

    def scenario(self):
        return self.call("GET", "scenario")

    # -------------------------------------------------------------- faults
    def fault(self, **spec):
        """Inject a fault, e.g. fault(op="RunTask", code="ThrottlingException", count=2)."""
        return self.call("POST", "fault", spec)

    def faults(self):
        return self.call("GET", "fault")["faults"]

    def clear_faults(self):
        return self.call("DELETE", "fault")

    # ---------------------------------------------------------- inspection
    def requests(self, service=None, op=None, since=None):
        return self.call("GET", "requests", query={"service": service, "op": op, "since": since})

    def clear_requests(self):
        return self.call("DELETE", "requests")

    def counts(self):
        return self.call("GET", "counts")

    def op_count(self, op, service="ecs"):
        return self.counts()["ops"].get(f"{service}:{op}", 0)

    def tasks(self, cluster=None, started_by=None):
        return self.call("GET", "tasks", query={"cluster": cluster, "started_by": started_by})

    def stop_task(self, task, stop_code="SpotInterruption", reason="Your Spot Task was interrupted.",
                  exit_code=None, delay_ms=None):
        """Stop a task as AWS would (Spot reclaim, host retired...), not as a user."""
        body = {"task": task, "stop_code": stop_code, "reason": reason}
        if exit_code is not None:
            body["exit_code"] = exit_code
        if delay_ms is not None:
            body["delay_ms"] = delay_ms
        return self.call("POST", "tasks/stop", body)

    def taskdefs(self):
        return self.call("GET", "taskdefs")

    def metadata(self):
        """The launcher task: ARN, cluster, and the metadata/credentials URIs to put in the environment."""
        return self.call("GET", "metadata")

    # ------------------------------------------------------------------ S3
    def create_bucket(self, name):
        return self.call("PUT", f"s3/{urllib.parse.quote(name)}")

    def buckets(self):
        return self.call("GET", "s3")

    def s3_get(self, bucket, key):
        """Object bytes, or None if there is no such object."""
        try:
            return self.call("GET", f"s3/{urllib.parse.quote(bucket)}/{urllib.parse.quote(key)}", raw_response=True)
        except ControlError as e:
            if e.status == 404:
                return None
            raise

    def s3_put(self, bucket, key, data, content_type="binary/octet-stream"):
        if isinstance(data, str):
            data = data.encode()
        return self.call("PUT", f"s3/{urllib.parse.quote(bucket)}/{urllib.parse.quote(key)}", raw=data,
                         content_type=content_type)

    def s3_list(self, bucket, prefix=""):
        return self.call("GET", f"s3/{urllib.parse.quote(bucket)}", query={"prefix": prefix})

    # ---------------------------------------------------------------- logs
    def put_log_events(self, group, stream, messages=None, events=None):
        body = {"group": group, "stream": stream}
        if events is not None:
            body["events"] = events
        else:
            body["messages"] = list(messages or [])
        return self.call("POST", "logs", body)

    def logs(self, group=None, stream=None):
        return self.call("GET", "logs", query={"group": group, "stream": stream})

    # --------------------------------------------------------- credentials
    def credentials(self, **body):
        return self.call("POST" if body else "GET", "credentials", body or None)

    def expire_credentials(self, which="all"):
        """Make the current container/IMDS (and STS) temporary keys expired server-side."""
        return self.credentials(expire_now=True, which=which)

    def add_key(self, access_key, secret_key, session_token=None, expired=False, expires_in_s=None):
        return self.call("POST", "keys", {"access_key": access_key, "secret_key": secret_key,
                                          "session_token": session_token, "expired": expired,
                                          "expires_in_s": expires_in_s})

    def expire_key(self, access_key):
        return self.call("POST", "keys", {"access_key": access_key, "expire": True})

    def keys(self):
        return self.call("GET", "keys")
