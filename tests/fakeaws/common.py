"""Types shared by the service modules: requests, responses, errors, ids, XML."""
import json
import random
import threading
from xml.sax.saxutils import escape


class Request:
    """One HTTP request as received (the raw path is kept for signing)."""

    def __init__(self, method, raw_path, headers, body, client=None, scheme="http"):
        self.method = method.upper()
        self.raw_path, _, self.raw_query = raw_path.partition("?")
        self.headers = headers  # http.client.HTTPMessage: case-insensitive, get_all()
        self.body = body
        self.client = client
        self.scheme = scheme
        self.service = None
        self.op = None
        self.params = None
        self.request_id = None
        self.access_key = None
        self.sig_ok = None

    def header(self, name, default=None):
        value = self.headers.get(name)
        return default if value is None else value

    def header_items(self):
        return list(self.headers.items())


class Response:
    def __init__(self, status=200, body=b"", headers=None, content_type=None, action=None):
        self.status = status
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.body = body
        self.headers = list(headers or [])
        if content_type:
            self.headers.append(("Content-Type", content_type))
        self.action = action  # None, or "reset" (close the socket without answering)
        self.error_code = None
        self.head = False  # HEAD: send Content-Length of the body but not the body
        self.content_length = None  # overrides len(body) (HEAD)

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None


def json_response(obj, status=200, request_id=None, content_type="application/x-amz-json-1.1"):
    headers = []
    if request_id:
        headers.append(("x-amzn-RequestId", request_id))
    return Response(status, json.dumps(obj, separators=(",", ":")), headers, content_type)


class AWSError(Exception):
    """An error answered to the client in the service's own error shape.

    extra: additional members (JSON body members, or XML elements for S3).
    """

    def __init__(self, code, message, status=400, extra=None, headers=None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.extra = dict(extra or {})
        self.headers = list(headers or [])


class Ids:
    """Deterministic id factory (seeded), shared by all services."""

    def __init__(self, seed=0):
        self._lock = threading.Lock()
        self.reseed(seed)

    def reseed(self, seed):
        with self._lock:
            self._rng = random.Random(seed)

    def hex(self, n):
        with self._lock:
            return "".join(self._rng.choice("0123456789abcdef") for _ in range(n))

    def uuid(self):
        h = self.hex(32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    def alnum(self, n, upper=True):
        chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" if upper else "abcdefghijklmnopqrstuvwxyz0123456789"
        with self._lock:
            return "".join(self._rng.choice(chars) for _ in range(n))

    def secret(self, n=40):
        chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        with self._lock:
            return "".join(self._rng.choice(chars) for _ in range(n))


def xml_text(value):
    if value is True:
        return "true"
    if value is False:
        return "false"
    return escape(str(value))


def xml_elements(obj):
    """Render a dict as child elements: lists repeat the element, dicts nest."""
    out = []
    for key, value in obj.items():
        if value is None:
            continue
        if isinstance(value, list):
            for item in value:
                out.append(_xml_one(key, item))
        else:
            out.append(_xml_one(key, value))
    return "".join(out)


def _xml_one(key, value):
    if isinstance(value, dict):
        return f"<{key}>{xml_elements(value)}</{key}>"
    return f"<{key}>{xml_text(value)}</{key}>"
