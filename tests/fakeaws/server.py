"""fakeaws server: one HTTP/1.1 endpoint for ECS, CloudWatch Logs, S3, EC2, STS,
ECS task metadata, container credentials and IMDSv2, plus a control API.

    python3 tests/fakeaws/server.py --port 0 --port-file PATH [--tls-cert C --tls-key K] [--log PATH]

or, in-process:

    from fakeaws.server import FakeAWS
    fake = FakeAWS(); url = fake.start(); ...; fake.stop()

A request goes through: routing -> parsing -> SigV4 verification -> rate limit
-> injected faults -> request-shape validation -> the service -> request log.
Everything that touches state runs under one lock.  See README.md for the
control API.
"""
import argparse
import base64
import copy
import importlib
import io
import json
import os
import signal
import socket
import ssl
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote

if __name__ == "__main__" and not __package__:
    _here = os.path.dirname(os.path.abspath(__file__))
    if sys.path and os.path.abspath(sys.path[0]) == _here:
        sys.path.pop(0)
    sys.path.insert(0, os.path.dirname(_here))
    __package__ = "fakeaws"
    importlib.import_module("fakeaws")  # the parent package of the relative imports below

from . import clock, ec2 as ec2_mod, metadata as metadata_mod, s3 as s3_mod, shapes, sigv4check
from .common import AWSError, Ids, Request, Response, json_response
from .ec2 import EC2
from .ecs import ECS
from .logs import Logs
from .metadata import Metadata
from .s3 import S3
from .sts import STS

ECS_TARGET = "AmazonEC2ContainerServiceV20141113"
LOGS_TARGET = "Logs_20140328"
JSON_SERVICES = ("ecs", "logs")
API_SERVICES = ("ecs", "logs", "s3", "ec2", "sts")
LOCAL_SERVICES = ("metadata", "credentials", "imds")
REDACT_HEADERS = {"authorization", "x-amz-security-token", "x-aws-ec2-metadata-token"}
UNSIGNED_STS = {"AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"}

DEFAULT_KEY = {"access_key": "AKIDEXAMPLE", "secret_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}


def default_config():
    return {
        "region": "us-west-2",
        "account": "123456789012",
        "seed": 0,
        "default_cluster": "default",
        "clusters": [],
        "auto_create_clusters": False,
        "strict_network": False,
        "timings": {"provisioning_ms": 10, "pending_ms": 10, "run_ms": 30, "stopping_ms": 10, "stop_delay_ms": 20},
        "stopped_retention_s": 3600,
        "page_sizes": {},
        "rate_limits": {},
        "clock_skew_s": 0,
        "max_skew_s": 300,
        "s3_max_skew_s": 900,
        "require_auth": True,
        "validate_shapes": True,
        "s3_auto_create_buckets": False,
        "s3_min_part_size": 5 * 1024 * 1024,
        "web_identity_tokens": ["fake-web-identity-token"],
        "assume_roles": None,
        "container_credentials": {"role_arn": None, "lifetime_s": 3600, "auth_token": None, "rotate_on_fetch": False},
        "imds": {"enabled": True, "role_name": "ecsbatch-host", "lifetime_s": 3600, "region": None},
        "launcher": {
            "enabled": True, "metadata_id": "launcher", "cluster": None, "family": "ecsbatch-launcher",
            "revision": 1, "container_name": "launcher", "image": None, "launch_type": "FARGATE",
            "subnet": ec2_mod.SUBNET_1, "eni": ec2_mod.ENI_LAUNCHER, "private_ip": ec2_mod.ENI_LAUNCHER_IP,
            "availability_zone": None, "task_id": None, "started_by": None, "tags": [], "task_definition": None,
        },
    }


# Config keys that are nested objects merged one level deep.
NESTED = ("timings", "page_sizes", "rate_limits", "container_credentials", "imds", "launcher")


class FakeAWS:
    """The fake AWS endpoint.  All state lives here, guarded by self.lock."""

    def __init__(self, port=0, host="127.0.0.1", tls_cert=None, tls_key=None, log_path=None, config=None):
        self.host = host
        self.port = port
        self.tls_cert, self.tls_key = tls_cert, tls_key
        self.log_path = log_path
        self.lock = threading.RLock()
        self.clock = clock.SimClock()
        self.ids = Ids(0)
        self.httpd = None
        self._thread = None
        self._conns = set()
        self._conns_lock = threading.Lock()
        self._log_file = open(log_path, "a", buffering=1) if log_path else None
        self.cfg = default_config()
        self.ecs = self.logs = self.s3 = self.ec2 = self.sts = self.metadata = None
        self.reset(config)

    # ------------------------------------------------------------ lifecycle
    def start(self):
        """Listen and serve in a background thread.  Returns the base URL."""
        ctx = None
        if self.tls_cert:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(self.tls_cert, self.tls_key)
        self.httpd = _Server((self.host, self.port), _Handler)
        self.httpd.fake = self
        self.httpd.ssl_context = ctx
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fakeaws", daemon=True)
        self._thread.start()
        return self.url

    @property
    def url(self):
        scheme = "https" if self.tls_cert else "http"
        return f"{scheme}://{self.host}:{self.port}"

    def stop(self):
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            with self._conns_lock:
                conns = list(self._conns)
            for c in conns:
                try:
                    c.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self.httpd = None
        if self._log_file:
            self._log_file.close()
            self._log_file = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    # ---------------------------------------------------------------- state
    def reset(self, config=None):
        """Forget everything: state, config, keys, faults, rules, the request log."""
        with self.lock:
            self.cfg = default_config()
            self.clock.reset()
            self.keys = {}
            self.cred_slots = {}
            self.faults = []
            self.buckets_rl = {}
            self.records = []
            self.seq = 0
            self.op_counts = {}
            self.error_counts = {}
            self.throttle_counts = {}
            self.fault_counts = {}
            self.counters = {}
            self.add_key(DEFAULT_KEY)
            self._rebuild_world()
            if config:
                self.configure(config)

    def _rebuild_world(self):
        """Simulated AWS state for the current region/account, with the launcher."""
        self.ids.reseed(self.cfg["seed"])
        self.ec2 = EC2(self)
        self.ecs = ECS(self)
        self.logs = Logs(self)
        self.s3 = S3(self)
        self.sts = STS(self)
        self.metadata = Metadata(self)
        self.ecs.ensure_cluster(self.cfg["default_cluster"])
        for c in self.cfg["clusters"]:
            self.ecs.ensure_cluster(c)
        self._make_launcher()

    def _make_launcher(self):
        spec = self.cfg.get("launcher")
        old = self.metadata.launcher_task()
        if old is not None:
            del self.ecs.tasks[old.id]
            self.metadata.launcher_id = None
        if not spec or not spec.get("enabled", True):
            return
        spec = dict(default_config()["launcher"], **spec)
        spec["cluster"] = spec.get("cluster") or self.cfg["default_cluster"]
        spec["image"] = spec.get("image") or f"{self.cfg['account']}.dkr.ecr.{self.cfg['region']}.amazonaws.com/ecsbatch:latest"
        spec["availability_zone"] = (spec.get("availability_zone") or self.ec2.subnet_az(spec["subnet"])
                                     or self.cfg["region"] + "a")
        t = self.ecs.create_launcher(spec, self.clock.now_ms())
        self.metadata.launcher_id = t.id

    def configure(self, body):
        """Apply a POST /__fake/config body (see README)."""
        with self.lock:
            body = dict(body)
            actions = {k: body.pop(k) for k in ("keys", "expire_keys", "remove_keys", "buckets", "speed",
                                                 "clock_speed", "ec2", "expire_credentials_now", "scenario", "logs")
                       if k in body}
            unknown = set(body) - set(default_config())
            if unknown:
                raise ValueError(f"unknown config keys: {sorted(unknown)}")
            world_changed = any(k in body and body[k] != self.cfg[k] for k in ("region", "account", "seed"))
            for k, v in body.items():
                if k in NESTED and isinstance(v, dict) and isinstance(self.cfg.get(k), dict):
                    merged = dict(self.cfg[k])
                    for nk, nv in v.items():
                        if nv is None and k in ("page_sizes", "rate_limits"):
                            merged.pop(nk, None)
                        else:
                            merged[nk] = nv
                    self.cfg[k] = merged
                else:
                    self.cfg[k] = copy.deepcopy(v)
            if "rate_limits" in body:
                self.buckets_rl = {}
            if world_changed:
                self._rebuild_world()
            else:
                if "default_cluster" in body:
                    self.ecs.ensure_cluster(self.cfg["default_cluster"])
                for c in body.get("clusters") or []:
                    self.ecs.ensure_cluster(c)
                if "launcher" in body:
                    self._make_launcher()
            if "ec2" in actions:
                self.ec2.configure(actions["ec2"])
                if "launcher" not in body:
                    self._make_launcher()
            for k in actions.get("keys") or []:
                self.add_key(k)
            for ak in actions.get("expire_keys") or []:
                if ak in self.keys:
                    self.keys[ak]["expired"] = True
            for ak in actions.get("remove_keys") or []:
                self.keys.pop(ak, None)
            for b in actions.get("buckets") or []:
                self.s3.create_bucket(b)
            speed = actions.get("speed", actions.get("clock_speed"))
            if speed is not None:
                self.clock.set_speed(speed)
            if actions.get("expire_credentials_now"):
                self.expire_credentials()
            if "scenario" in actions:
                self.ecs.scenario.set(actions["scenario"])
            for entry in actions.get("logs") or []:
                self.seed_logs(entry)

    def seed_logs(self, entry):
        """{"group", "stream", "messages": [...]} or {"group", "stream", "events": [{timestamp, message}]}:
        log events visible at once."""
        with self.lock:
            now = int(self.clock.now_ms())
            events = entry.get("events")
            if events is None:
                events = [{"timestamp": now, "message": msg} for msg in entry.get("messages", [])]
            self.logs.add_events(entry["group"], entry["stream"], [dict({"ingestionTime": now}, **e) for e in events])

    def add_key(self, spec):
        ak = spec["access_key"]
        expires_at = None
        if spec.get("expires_in_s") is not None:
            expires_at = self.auth_now() + float(spec["expires_in_s"])
        self.keys[ak] = {"access_key": ak, "secret": spec["secret_key"], "token": spec.get("session_token"),
                         "expired": bool(spec.get("expired", False)), "expires_at": expires_at,
                         "source": spec.get("source", "static"), "issued_at": self.auth_now()}

    def issue_key(self, source, lifetime_s):
        """New temporary credentials (STS, container, IMDS), valid for lifetime_s of wall time."""
        now = self.auth_now()
        ak = "ASIA" + self.ids.alnum(16)
        entry = {"access_key": ak, "secret": self.ids.secret(40),
                 "token": "IQoJb3JpZ2luX2VjE" + self.ids.secret(180), "expired": False,
                 "expires_at": now + float(lifetime_s), "source": source, "issued_at": now}
        self.keys[ak] = entry
        return entry

    def expire_credentials(self, which="all"):
        """Make the current container/IMDS temporary keys expired server-side."""
        with self.lock:
            for slot, ak in self.cred_slots.items():
                if which in ("all", slot) and ak in self.keys:
                    self.keys[ak]["expired"] = True
            if which in ("all", "sts"):
                for entry in self.keys.values():
                    if entry["source"] == "sts":
                        entry["expired"] = True

    def auth_now(self):
        return clock.auth_now(self.cfg.get("clock_skew_s", 0))

    def page_size(self, op):
        return self.cfg["page_sizes"].get(op)

    # ------------------------------------------------------------- routing
    def _form(self, req):
        ctype = (req.header("Content-Type") or "").lower()
        if req.method == "POST" and ctype.startswith("application/x-www-form-urlencoded"):
            try:
                return dict(parse_qsl(req.body.decode("utf-8"), keep_blank_values=True))
            except UnicodeDecodeError:
                return {}
        if req.raw_query:
            return dict(parse_qsl(req.raw_query, keep_blank_values=True))
        return {}

    def route(self, req):
        """(service, op, form) of an AWS request."""
        md = metadata_mod.operation_of(req)
        if md is not None:
            return md[0], md[1], None
        target = req.header("X-Amz-Target")
        if target:
            prefix, _, op = target.partition(".")
            if prefix == ECS_TARGET:
                return "ecs", op, None
            if prefix == LOGS_TARGET:
                return "logs", op, None
            return "ecs", target, None
        auth = sigv4check.describe_auth(req)
        scope = auth[2] if auth else None
        if scope == "s3":
            return "s3", s3_mod.operation_of(req), None
        if scope in ("ecs", "logs"):
            return scope, "", None
        form = self._form(req)
        action = form.get("Action")
        if scope in ("ec2", "sts"):
            return scope, action or "", form
        if action:
            if action in shapes.model("sts").operation_names:
                return "sts", action, form
            return "ec2", action, form
        return "s3", s3_mod.operation_of(req), None

    def parse(self, req, service, op, form):
        """Parse the request's parameters (raises AWSError)."""
        if service in JSON_SERVICES:
            ctype = (req.header("Content-Type") or "").split(";")[0].strip().lower()
            if ctype != "application/x-amz-json-1.1":
                raise AWSError("SerializationException",
                               f"Unsupported Content-Type '{ctype}': expected application/x-amz-json-1.1")
            if not op or shapes.operation(service, op) is None:
                raise AWSError("UnknownOperationException", "")
            try:
                params = json.loads(req.body or b"{}")
            except ValueError:
                raise AWSError("SerializationException", "Start of structure or map found where not expected.")
            if not isinstance(params, dict):
                raise AWSError("SerializationException", "Start of list found where not expected")
            return params
        if service in ("ec2", "sts"):
            if not op:
                raise AWSError("MissingAction", "The request must contain the parameter Action", 400)
            version = form.get("Version")
            expected = "2016-11-15" if service == "ec2" else "2011-06-15"
            if version is None:
                raise AWSError("MissingParameter", "The request must contain the parameter Version", 400)
            if version != expected:
                raise AWSError("InvalidParameterValue" if service == "ec2" else "InvalidAction",
                               f"Version {version} is not supported; this endpoint speaks {expected}", 400)
            if shapes.operation(service, op) is None:
                if service == "ec2":
                    raise AWSError("InvalidAction", f"The action {op} is not valid for this web service.", 400)
                raise AWSError("InvalidAction", f"Could not find operation {op} for version {version}", 400)
            return {k: v for k, v in form.items() if k not in ("Action", "Version")}
        if service == "s3":
            bucket, key = s3_mod.parse_path(req.raw_path)
            return {"bucket": bucket, "key": key, "query": dict(sigv4check.query_pairs(req.raw_query)),
                    "body_length": len(req.body or b"")}
        return {"path": req.raw_path}

    # ---------------------------------------------------------------- auth
    def authenticate(self, req, service, op):
        if not self.cfg.get("require_auth", True) or service in LOCAL_SERVICES:
            return
        if service == "sts" and op in UNSIGNED_STS:
            return
        q = dict(sigv4check.query_pairs(req.raw_query))
        req.presigned = "X-Amz-Signature" in q and not req.header("Authorization")
        skew = self.cfg["s3_max_skew_s"] if service == "s3" else self.cfg["max_skew_s"]
        extra = ("us-east-1",) if service == "sts" else ()
        try:
            ok = sigv4check.verify(req, self.keys, service=service, region=self.cfg["region"], now_s=self.auth_now(),
                                   max_skew_s=skew, s3=(service == "s3"), extra_regions=extra)
        except sigv4check.AuthFailure as f:
            req.sig_ok = False
            req.sig_debug = {k: v for k, v in f.detail.items() if k in ("canonical_request", "string_to_sign")}
            req.access_key = f.detail.get("access_key")
            raise self._auth_error(service, f, req)
        req.sig_ok = True
        req.access_key = ok.access_key

    def _auth_error(self, service, f, req):
        k, d = f.kind, f.detail
        if service in JSON_SERVICES:
            if k == "missing":
                return AWSError("MissingAuthenticationTokenException", "Missing Authentication Token", 400)
            if k == "malformed":
                return AWSError("IncompleteSignatureException", f.message, 400)
            if k in ("unknown_key", "invalid_token"):
                return AWSError("UnrecognizedClientException", "The security token included in the request is invalid.", 400)
            if k == "expired_token":
                return AWSError("ExpiredTokenException", "The security token included in the request is expired", 400)
            msg = f.message
            if k == "bad_signature" and "canonical_request" in d:
                msg += ("\n\nThe Canonical String for this request should have been\n'" + d["canonical_request"] +
                        "'\n\nThe String-to-Sign should have been\n'" + d["string_to_sign"] + "'\n")
            return AWSError("InvalidSignatureException", msg, 400)
        if service == "s3":
            if k == "missing":
                return AWSError("AccessDenied", "Access Denied", 403)
            if k == "malformed":
                code = "AuthorizationQueryParametersError" if getattr(req, "presigned", False) else "AuthorizationHeaderMalformed"
                return AWSError(code, f.message, 400, extra={"Region": self.cfg["region"]})
            if k == "unknown_key":
                return AWSError("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.",
                                403, extra={"AWSAccessKeyId": d.get("access_key")})
            if k == "invalid_token":
                return AWSError("InvalidToken", "The provided token is malformed or otherwise invalid.", 400)
            if k == "expired_token":
                return AWSError("ExpiredToken", "The provided token has expired.", 400)
            if k == "wrong_region":
                return AWSError("AuthorizationHeaderMalformed", f"The authorization header is malformed; the region "
                                f"'{d['got']}' is wrong; expecting '{d['expected']}'", 400, extra={"Region": d["expected"]})
            if k == "wrong_service":
                return AWSError("AuthorizationHeaderMalformed", f"The authorization header is malformed; incorrect "
                                f"service '{d['got']}'. This endpoint belongs to 's3'.", 400)
            if k == "skew":
                return AWSError("RequestTimeTooSkewed", "The difference between the request time and the current time "
                                "is too large.", 403, extra={"RequestTime": d["request_time"], "ServerTime": d["server_time"],
                                                              "MaxAllowedSkewMilliseconds": d["max_skew_ms"]})
            if k == "unsigned_headers":
                return AWSError("AccessDenied", f.message, 403, extra={"HeadersNotSigned": d.get("headers")})
            if k == "presign_expired":
                return AWSError("AccessDenied", "Request has expired", 403,
                                extra={"Expires": d.get("expires"), "ServerTime": d.get("server_time")})
            extra = {"AWSAccessKeyId": d.get("access_key")}
            if "string_to_sign" in d:
                extra.update(StringToSign=d["string_to_sign"], SignatureProvided=d["signature_provided"],
                             CanonicalRequest=d["canonical_request"])
            return AWSError("SignatureDoesNotMatch", "The request signature we calculated does not match the signature "
                            "you provided. Check your key and signing method.", 403, extra=extra)
        if service == "ec2":
            if k == "missing":
                return AWSError("MissingAuthenticationToken", "Request is missing Authentication Token", 401)
            if k in ("expired_token", "skew"):
                return AWSError("RequestExpired", "Request has expired.", 400)
            if k == "bad_signature":
                return AWSError("SignatureDoesNotMatch", f.message, 403)
            return AWSError("AuthFailure", "AWS was not able to validate the provided access credentials", 401)
        # sts
        if k == "missing":
            return AWSError("MissingAuthenticationToken", "Request is missing Authentication Token", 403)
        if k in ("unknown_key", "invalid_token"):
            return AWSError("InvalidClientTokenId", "The security token included in the request is invalid.", 403)
        if k == "expired_token":
            return AWSError("ExpiredToken", "The security token included in the request is expired", 400)
        return AWSError("SignatureDoesNotMatch", f.message, 403)

    # ---------------------------------------------------- throttles, faults
    def _rate_key(self, name):
        return name if ":" in name else "ecs:" + name

    def rate_limited(self, service, op):
        """Token-bucket check (wall clock).  True when this request must be throttled."""
        key = f"{service}:{op}"
        spec = None
        for name, s in self.cfg["rate_limits"].items():
            if self._rate_key(name) == key:
                spec = s
        if not spec:
            return False
        now = time.monotonic()
        b = self.buckets_rl.get(key)
        if b is None:
            b = self.buckets_rl[key] = {"tokens": float(spec["burst"]), "t": now}
        b["tokens"] = min(float(spec["burst"]), b["tokens"] + (now - b["t"]) * float(spec["rate"]))
        b["t"] = now
        if b["tokens"] >= 1.0:
            b["tokens"] -= 1.0
            return False
        self.throttle_counts[key] = self.throttle_counts.get(key, 0) + 1
        return True

    def throttle_error(self, service):
        if service == "s3":
            return AWSError("SlowDown", "Please reduce your request rate.", 503)
        if service == "ec2":
            return AWSError("RequestLimitExceeded", "Request limit exceeded.", 503)
        if service == "sts":
            return AWSError("Throttling", "Rate exceeded", 400)
        if service in LOCAL_SERVICES:
            return AWSError("TooManyRequests", "Rate exceeded", 429)
        return AWSError("ThrottlingException", "Rate exceeded", 400)

    @staticmethod
    def _fault_matches(fault, service, op):
        want = fault.get("op", "*")
        if ":" in want:
            svc, _, name = want.partition(":")
            return svc == service and name in ("*", op)
        if want == "*":
            return service in API_SERVICES
        return want == op

    def take_fault(self, service, op):
        for fault in self.faults:
            if not self._fault_matches(fault, service, op):
                continue
            if fault.get("skip", 0) > 0:
                fault["skip"] -= 1
                continue
            count = fault.get("count", 1)
            if count is not None and count >= 0:
                if fault.get("used", 0) >= count:
                    continue
            fault["used"] = fault.get("used", 0) + 1
            key = f"{service}:{op}"
            self.fault_counts[key] = self.fault_counts.get(key, 0) + 1
            return fault
        return None

    def add_fault(self, spec):
        with self.lock:
            spec = dict(spec)
            kind = spec.setdefault("kind", "error")
            if kind not in ("error", "reset", "delay", "drop_after_effect"):
                raise ValueError(f"unknown fault kind {kind!r}")
            spec.setdefault("op", "*")
            spec.setdefault("count", 1)
            spec["used"] = 0
            if kind == "error":
                code = spec.get("code") or "ServerException"
                spec["code"] = code
                if "status" not in spec:
                    spec["status"] = (400 if code in ("ThrottlingException", "Throttling", "InvalidParameterException")
                                      else 503 if code in ("ServiceUnavailable", "ServiceUnavailableException", "SlowDown",
                                                           "RequestLimitExceeded") else 500)
                spec.setdefault("message", "Rate exceeded" if "Throttl" in code else f"{code} injected by fakeaws")
            self.faults.append(spec)
            return spec

    # -------------------------------------------------------------- errors
    def render_error(self, service, err, req):
        rid = req.request_id
        if service == "s3":
            return S3.render_error(err, req, rid, base64.b64encode(rid.encode()).decode())
        if service == "ec2":
            return Response(err.status, EC2.render_error_body(err, rid),
                            [("x-amzn-RequestId", rid)] + err.headers, "text/xml;charset=UTF-8")
        if service == "sts":
            return Response(err.status, STS.render_error_body(err, rid), [("x-amzn-RequestId", rid)] + err.headers,
                            "text/xml")
        if service in LOCAL_SERVICES:
            return Response(err.status, json.dumps({"code": err.code, "message": err.message}), err.headers,
                            "application/json")
        body = {"__type": err.code, "message": err.message}
        body.update(err.extra)
        resp = json_response(body, err.status, rid)
        resp.headers.extend(err.headers)
        return resp

    # ------------------------------------------------------------ dispatch
    def dispatch(self, req):
        """Answer one request.  Returns a Response (action "reset" = drop the connection)."""
        if req.raw_path.startswith("/__fake/") or req.raw_path == "/__fake":
            return self.control(req)
        started = time.monotonic()
        fault = None
        service = op = None
        self.lock.acquire()
        try:
            self.seq += 1
            seq = self.seq
            req.request_id = f"{seq:08x}-0000-4000-8000-{seq:012x}"
            try:
                service, op, form = self.route(req)
                req.service, req.op = service, op
                req.params = self.parse(req, service, op, form)
                self.authenticate(req, service, op)
                fault = self.take_fault(service, op)
                if fault is None and self.rate_limited(service, op):
                    raise self.throttle_error(service)
                if fault is not None and fault["kind"] == "error":
                    raise AWSError(fault["code"], fault["message"], fault["status"], extra=fault.get("extra"))
                if fault is not None and fault["kind"] == "reset":
                    resp = Response(action="reset")
                    self._record(seq, req, resp, fault, started)
                    return resp
                delay = fault.get("delay_ms", 0) if fault is not None and fault["kind"] == "delay" else 0
                if delay:
                    self.lock.release()
                    try:
                        time.sleep(delay / 1000.0)
                    finally:
                        self.lock.acquire()
                resp = self.execute(req, service, op)
            except AWSError as err:
                resp = self.render_error(service or "ecs", err, req)
                resp.error_code = err.code
            if req.method == "HEAD":
                resp.head = True
            if fault is not None and fault["kind"] == "drop_after_effect":
                resp.action = "reset"
            self._record(seq, req, resp, fault, started)
            return resp
        finally:
            self.lock.release()

    def execute(self, req, service, op):
        rid = req.request_id
        if service in JSON_SERVICES:
            if self.cfg.get("validate_shapes", True):
                errors = shapes.json_input_errors(service, op, req.params)
                if errors:
                    code = "InvalidParameterException"
                    raise AWSError(code, shapes.format_validation(errors))
            svc = self.ecs if service == "ecs" else self.logs
            return json_response(svc.handle(op, req.params, req), 200, rid)
        if service in ("ec2", "sts"):
            try:
                params = shapes.parse_query(service, op, req.params)
            except shapes.QueryParamError as e:
                if service == "sts":
                    raise AWSError("ValidationError", e.message, 400)
                code = {"unknown": "UnknownParameter", "missing": "MissingParameter"}.get(e.kind, "InvalidParameterValue")
                raise AWSError(code, e.message, 400)
            if service == "ec2":
                body = self.ec2.handle(op, params, req)
                return Response(200, body, [("x-amzn-RequestId", rid)], "text/xml;charset=UTF-8")
            body = self.sts.handle(op, params, req)
            return Response(200, body, [("x-amzn-RequestId", rid)], "text/xml")
        if service == "s3":
            resp = self.s3.handle(op, req)
            resp.headers.extend([("x-amz-request-id", rid), ("x-amz-id-2", base64.b64encode(rid.encode()).decode())])
            return resp
        return self.metadata.handle(service, op, req)

    # ---------------------------------------------------------- request log
    def _record(self, seq, req, resp, fault, started):
        headers = {}
        for k, v in req.headers.items():
            headers[k] = "REDACTED" if k.lower() in REDACT_HEADERS else v
        params = req.params
        if req.service == "sts" and isinstance(params, dict) and "WebIdentityToken" in params:
            params = dict(params, WebIdentityToken="REDACTED")
        rec = {
            "seq": seq,
            "time": round(time.time(), 6),
            "sim_time": round(self.clock.now_s(), 3),
            "service": req.service,
            "op": req.op,
            "method": req.method,
            "path": req.raw_path + ("?" + req.raw_query if req.raw_query else ""),
            "status": None if resp.action == "reset" and not (fault and fault["kind"] == "drop_after_effect") else resp.status,
            "error_code": resp.error_code,
            "params": params,
            "headers": headers,
            "sig_ok": req.sig_ok,
            "access_key": req.access_key,
            "request_id": req.request_id,
            "fault": fault["kind"] if fault else None,
            "dropped": resp.action == "reset",
            "duration_ms": round((time.monotonic() - started) * 1000.0, 3),
        }
        if getattr(req, "sig_debug", None):
            rec["sig_debug"] = req.sig_debug
        self.records.append(rec)
        key = f"{req.service}:{req.op}"
        self.op_counts[key] = self.op_counts.get(key, 0) + 1
        if resp.error_code:
            per = self.error_counts.setdefault(key, {})
            per[resp.error_code] = per.get(resp.error_code, 0) + 1
        if self._log_file:
            self._log_file.write(json.dumps(rec, default=str) + "\n")

    def counts(self):
        with self.lock:
            return {
                "requests": self.seq,
                "ops": dict(self.op_counts),
                "errors": copy.deepcopy(self.error_counts),
                "throttled": dict(self.throttle_counts),
                "faults": dict(self.fault_counts),
                "credentials_fetches": self.counters.get("credentials_fetches", 0),
                "imds_credentials_fetches": self.counters.get("imds_credentials_fetches", 0),
                "sts_web_identity": self.counters.get("sts_web_identity", 0),
            }

    # ------------------------------------------------------------- control
    def control(self, req):
        try:
            body = json.loads(req.body) if req.body and req.method in ("POST", "PUT") and \
                not req.raw_path.startswith("/__fake/s3/") else {}
        except ValueError:
            return _cjson({"error": "body is not JSON"}, 400)
        parts = [unquote(p) for p in req.raw_path.split("/")[2:]]
        name = parts[0] if parts else ""
        q = dict(parse_qsl(req.raw_query, keep_blank_values=True))
        try:
            with self.lock:
                return self._control(req, req.method, name, parts[1:], q, body)
        except (ValueError, KeyError, TypeError) as e:
            return _cjson({"error": f"{type(e).__name__}: {e}"}, 400)

    def _control(self, req, m, name, rest, q, body):
        if name == "health":
            return _cjson({"ok": True, "url": self.url})
        if name == "reset" and m == "POST":
            self.reset(body or None)
            return _cjson({"ok": True})
        if name == "config":
            if m == "POST":
                self.configure(body)
            return _cjson(self.cfg)
        if name == "clock":
            if m == "POST":
                if "speed" in body:
                    self.clock.set_speed(body["speed"])
                if "set_ms" in body:
                    self.clock.set_ms(body["set_ms"])
                if "advance_ms" in body:
                    self.clock.advance(body["advance_ms"])
            now = self.clock.now_ms()
            return _cjson({"now": round(now / 1000.0, 3), "now_ms": int(now), "speed": self.clock.speed,
                           "auth_now": round(self.auth_now(), 3)})
        if name == "scenario":
            if m == "POST":
                self.ecs.scenario.set(body.get("rules", []), append=bool(body.get("append")))
            elif m == "DELETE":
                self.ecs.scenario.set([])
            return _cjson({"rules": self.ecs.scenario.rules, "used": self.ecs.scenario.used})
        if name in ("fault", "faults"):
            if m == "POST":
                for spec in body.get("faults", [body] if body else []):
                    self.add_fault(spec)
            elif m == "DELETE":
                self.faults = []
            return _cjson({"faults": self.faults})
        if name == "requests":
            if m == "DELETE":
                self.records = []
                return _cjson({"ok": True})
            recs = self.records
            if "service" in q:
                recs = [r for r in recs if r["service"] == q["service"]]
            if "op" in q:
                recs = [r for r in recs if r["op"] == q["op"]]
            if "since" in q:
                recs = [r for r in recs if r["seq"] > int(q["since"])]
            return _cjson(recs)
        if name == "counts":
            return _cjson(self.counts())
        if name == "tasks":
            if rest[:1] == ["stop"] and m == "POST":
                return self._control_stop_task(body)
            now = self.clock.now_ms()
            self.ecs.flush_logs(now)
            out = []
            for t in self.ecs.tasks.values():
                if q.get("cluster") and t.cluster != q["cluster"]:
                    continue
                if q.get("started_by") and t.started_by != q["started_by"]:
                    continue
                j = self.ecs.task_json(t, now, include_tags=True)
                j["_fake"] = {"id": t.id, "cluster": t.cluster, "env": t.env, "rule": t.rule_index,
                              "outcome": t.outcome, "launcher": t.launcher, "describes": t.describes,
                              "gone": t.gone(now, self.cfg["stopped_retention_s"] * 1000)}
                out.append(j)
            return _cjson(out)
        if name == "taskdefs":
            return _cjson([td for revs in self.ecs.taskdefs.values() for td in revs])
        if name == "s3":
            return self._control_s3(req, m, rest, q)
        if name == "logs":
            if m == "POST":
                self.seed_logs(body)
                return _cjson({"ok": True})
            return _cjson(self.logs.dump(q.get("group"), q.get("stream")))
        if name == "credentials":
            if m == "POST":
                cc = {k: v for k, v in body.items() if k in ("role_arn", "lifetime_s", "auth_token", "rotate_on_fetch")}
                if cc:
                    self.configure({"container_credentials": cc})
                if body.get("expire_now"):
                    self.expire_credentials(body.get("which", "all"))
            slots = {}
            for slot, ak in self.cred_slots.items():
                e = self.keys.get(ak)
                if e:
                    slots[slot] = {"access_key": ak, "expires_at": clock.iso8601(e["expires_at"]), "expired": e["expired"]}
            c = self.counts()
            return _cjson({"fetches": c["credentials_fetches"], "imds_fetches": c["imds_credentials_fetches"],
                           "sts_web_identity": c["sts_web_identity"], "current": slots})
        if name == "keys":
            if m == "POST":
                if body.get("expire"):
                    self.keys[body["access_key"]]["expired"] = True
                else:
                    self.add_key(body)
            return _cjson([{"access_key": e["access_key"], "has_token": bool(e["token"]), "expired": e["expired"],
                            "expires_at": e["expires_at"], "source": e["source"]} for e in self.keys.values()])
        if name == "metadata":
            t = self.metadata.launcher_task()
            if t is None:
                return _cjson({"enabled": False})
            mid = (self.cfg["launcher"] or {}).get("metadata_id") or "launcher"
            return _cjson({"enabled": True, "task_arn": t.arn, "task_id": t.id, "cluster": t.cluster,
                           "family": t.td["family"], "revision": t.td["revision"],
                           "task_definition_arn": t.td["taskDefinitionArn"], "subnet": t.subnet, "eni": t.eni,
                           "availability_zone": t.az,
                           "metadata_uri_v4": f"{self.url}/v4/{mid}", "metadata_uri_v3": f"{self.url}/v3/{mid}",
                           "credentials_relative_uri": f"/v2/credentials/{mid}",
                           "credentials_full_uri": f"{self.url}/v2/credentials/{mid}"})
        return _cjson({"error": f"unknown control endpoint {m} /__fake/{name}"}, 404)

    def _control_stop_task(self, body):
        ref = body["task"]
        tid = ref.rsplit("/", 1)[-1]
        t = self.ecs.tasks.get(tid)
        if t is None:
            return _cjson({"error": f"no task {ref}"}, 404)
        now = self.clock.now_ms()
        self.ecs.stop(t, now, body.get("reason", "Your Spot Task was interrupted."),
                      stop_code=body.get("stop_code", "SpotInterruption"), exit_code=body.get("exit_code"),
                      delay_ms=body.get("delay_ms"))
        return _cjson(self.ecs.task_json(t, now, include_tags=True))

    def _control_s3(self, req, m, rest, q):
        if not rest or rest == [""]:
            return _cjson(sorted(self.s3.buckets))
        bucket = rest[0]
        key = "/".join(rest[1:]) if len(rest) > 1 else ""
        if not key:
            if m == "PUT" or m == "POST":
                self.s3.create_bucket(bucket)
                return _cjson({"ok": True})
            b = self.s3.buckets.get(bucket)
            if b is None:
                return _cjson({"error": "NoSuchBucket"}, 404)
            prefix = q.get("prefix", "")
            return _cjson({k: {"size": len(o["data"]), "etag": o["etag"], "content_type": o["content_type"]}
                           for k, o in sorted(b["objects"].items()) if k.startswith(prefix)})
        if m == "PUT":
            self.s3.put_object(bucket, key, req.body or b"", req.header("Content-Type") or "binary/octet-stream")
            return _cjson({"ok": True})
        if m == "DELETE":
            b = self.s3.buckets.get(bucket)
            if b is not None:
                b["objects"].pop(key, None)
            return _cjson({"ok": True})
        b = self.s3.buckets.get(bucket)
        obj = b["objects"].get(key) if b else None
        if obj is None:
            return _cjson({"error": "NoSuchKey", "bucket": bucket, "key": key}, 404)
        return Response(200, obj["data"], [("ETag", obj["etag"])], obj["content_type"])


def _cjson(obj, status=200):
    return Response(status, json.dumps(obj, default=str), content_type="application/json")


# ---------------------------------------------------------------- HTTP layer

class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 256

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, ssl.SSLError, socket.timeout, TimeoutError, ValueError, OSError)):
            return  # a client went away or failed the TLS handshake: nothing to report
        super().handle_error(request, client_address)


class _BadRequest(Exception):
    pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fakeaws"
    sys_version = ""
    timeout = 300  # idle keep-alive connections are closed after this

    def setup(self):
        ctx = self.server.ssl_context
        if ctx is not None:
            self.request.settimeout(10)
            try:
                self.request = ctx.wrap_socket(self.request, server_side=True)
            except (ssl.SSLError, OSError):
                self.request.close()
                raise
        self.connection = self.request
        with self.server.fake._conns_lock:
            self.server.fake._conns.add(self.request)
        super().setup()

    def finish(self):
        try:
            super().finish()
        except (OSError, ValueError):
            pass
        if self.server.ssl_context is not None:
            # socketserver closes the raw socket it accepted; the TLS one is ours.
            try:
                self.request.close()
            except OSError:
                pass
        with self.server.fake._conns_lock:
            self.server.fake._conns.discard(self.request)

    def log_message(self, fmt, *args):
        pass

    def _read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            out = bytearray()
            while True:
                line = self.rfile.readline(65537)
                if not line:
                    raise _BadRequest("truncated chunked body")
                try:
                    size = int(line.split(b";", 1)[0].strip(), 16)
                except ValueError:
                    raise _BadRequest("bad chunk size")
                if size == 0:
                    while True:
                        trailer = self.rfile.readline(65537)
                        if trailer in (b"\r\n", b"\n", b""):
                            break
                    return bytes(out)
                chunk = self.rfile.read(size)
                if len(chunk) != size:
                    raise _BadRequest("truncated chunk")
                out += chunk
                self.rfile.readline()
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        try:
            n = int(length)
        except ValueError:
            raise _BadRequest("bad Content-Length")
        data = self.rfile.read(n) if n > 0 else b""
        if len(data) != n:
            raise _BadRequest("truncated body")
        return data

    def _handle(self):
        try:
            body = self._read_body()
        except _BadRequest as e:
            self.close_connection = True
            self._send(Response(400, json.dumps({"error": str(e)}), content_type="application/json"))
            return
        scheme = "https" if self.server.ssl_context is not None else "http"
        req = Request(self.command, self.path, self.headers, body, self.client_address, scheme)
        resp = self.server.fake.dispatch(req)
        if resp.action == "reset":
            self._reset()
            return
        self._send(resp)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _handle

    def _send(self, resp):
        self.send_response_only(resp.status)
        names = {k.lower() for k, _ in resp.headers}
        for k, v in resp.headers:
            self.send_header(k, v)
        if "date" not in names:
            self.send_header("Date", clock.http_date(self.server.fake.auth_now()))
        if "server" not in names:
            self.send_header("Server", "AmazonS3" if resp.header("x-amz-id-2") else "fakeaws")
        no_body = resp.status in (204, 304) or (100 <= resp.status < 200)
        if not no_body:
            length = resp.content_length if resp.content_length is not None else len(resp.body)
            self.send_header("Content-Length", str(length))
        self.end_headers()
        if not no_body and not resp.head and resp.body:
            self.wfile.write(resp.body)
        self.wfile.flush()

    def _reset(self):
        """Drop the connection with a TCP reset and no response."""
        self.close_connection = True
        sock = self.connection
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        for f in (self.rfile, self.wfile):
            try:
                f.close()
            except (OSError, ValueError):
                pass
        try:
            sock.close()
        except OSError:
            pass
        # BaseHTTPRequestHandler flushes wfile after the handler returns.
        self.wfile = io.BytesIO()
        self.rfile = io.BytesIO()


# ---------------------------------------------------------------------- main

def main(argv=None):
    ap = argparse.ArgumentParser(description="fake AWS endpoint for ecsbatch tests")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port-file")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ap.add_argument("--log", help="append every request record as a JSON line")
    ap.add_argument("--config", help="JSON file applied as POST /__fake/config at start")
    args = ap.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        ap.error("--tls-cert and --tls-key go together")
    config = None
    if args.config:
        with open(args.config) as f:
            config = json.load(f)
    fake = FakeAWS(port=args.port, host=args.host, tls_cert=args.tls_cert, tls_key=args.tls_key,
                   log_path=args.log, config=config)
    # Load the service models before accepting the first request.
    for svc in ("ecs", "logs", "ec2", "sts", "s3"):
        shapes.model(svc)
    fake.start()
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{fake.port}\n")
        os.replace(tmp, args.port_file)
    done = threading.Event()

    def on_signal(signum, frame):
        done.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    print(f"fakeaws listening on {fake.url}", file=sys.stderr, flush=True)
    while not done.wait(0.5):
        pass
    fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
