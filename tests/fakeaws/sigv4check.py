"""SigV4 verification of received requests, using botocore's own signer.

The request is rebuilt as a botocore ``AWSRequest`` from what was received
(method, path, query, the headers named in SignedHeaders, body) and signed
again with the secret of the access key; the signatures are compared.  The
checks run in the order AWS applies them and each failure carries a *kind*
that the service modules translate into their own error codes.
"""
import hmac
import re
from urllib.parse import quote, unquote

from botocore.auth import SigV4Auth, S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

from . import clock

ALGORITHM = "AWS4-HMAC-SHA256"


class AuthFailure(Exception):
    """kind: missing | malformed | unknown_key | invalid_token | expired_token |
    wrong_region | wrong_service | skew | unsigned_headers | bad_signature |
    presign_expired"""

    def __init__(self, kind, message, **detail):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.detail = detail


class AuthOK:
    def __init__(self, access_key, entry, scope_region, scope_service):
        self.access_key = access_key
        self.entry = entry
        self.region = scope_region
        self.service = scope_service


class _ReceivedSignerMixin:
    """Sign exactly the headers the client listed, with their received values."""

    def __init__(self, credentials, service, region, signed_names, received):
        super().__init__(credentials, service, region)
        self._signed_names = signed_names
        self._received = received

    def headers_to_sign(self, request):
        header_map = HTTPHeaders()
        for name in self._signed_names:
            for value in self._received.get_all(name) or []:
                header_map[name] = value
        return header_map


class _Signer(_ReceivedSignerMixin, SigV4Auth):
    pass


class _S3Signer(_ReceivedSignerMixin, S3SigV4Auth):
    pass


_AUTH_RE = re.compile(r"\s*([A-Za-z]+)\s*=\s*([^,\s]*)\s*")


def parse_authorization(value):
    """Split an 'AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...' header."""
    if not value.startswith(ALGORITHM + " "):
        raise AuthFailure("malformed", "Unsupported authorization type: only AWS4-HMAC-SHA256 is accepted.")
    fields = {}
    for part in value[len(ALGORITHM) + 1:].split(","):
        m = _AUTH_RE.fullmatch(part)
        if not m:
            raise AuthFailure("malformed", f"Authorization header requires a key=value list, got '{part.strip()}'.")
        fields[m.group(1)] = m.group(2)
    missing = [k for k in ("Credential", "SignedHeaders", "Signature") if k not in fields]
    if missing:
        raise AuthFailure("malformed", " ".join(f"Authorization header requires '{k}' parameter." for k in missing))
    return fields["Credential"], fields["SignedHeaders"], fields["Signature"]


def _split_credential(credential):
    parts = credential.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request":
        raise AuthFailure("malformed", f"Credential should be scoped to a valid region, not '{credential}'. "
                          "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term.")
    return parts[0], parts[1], parts[2], parts[3]


def query_pairs(raw_query):
    """[(name, value)] decoded, in wire order; 'a' without '=' gives ('a', '')."""
    pairs = []
    if not raw_query:
        return pairs
    for piece in raw_query.split("&"):
        if piece == "":
            continue
        name, _, value = piece.partition("=")
        pairs.append((unquote(name), unquote(value)))
    return pairs


def _canonical_query(pairs):
    return "&".join(f"{quote(n, safe='-_.~')}={quote(v, safe='-_.~')}" for n, v in pairs)


def describe_auth(req):
    """(access_key, scope region, scope service) if the request carries SigV4, else None."""
    auth = req.header("Authorization")
    try:
        if auth:
            cred, _, _ = parse_authorization(auth)
        else:
            q = dict(query_pairs(req.raw_query))
            if q.get("X-Amz-Algorithm") != ALGORITHM or "X-Amz-Credential" not in q:
                return None
            cred = q["X-Amz-Credential"]
        ak, _, region, service = _split_credential(cred)
        return ak, region, service
    except AuthFailure:
        return None


def verify(req, keys, *, service, region, now_s, max_skew_s, s3=False, extra_regions=()):
    """Check the SigV4 signature of req.  Returns AuthOK or raises AuthFailure.

    keys: {access_key: {"secret", "token", "expired", "expires_at"}}
    """
    q = query_pairs(req.raw_query)
    qd = dict(q)
    auth = req.header("Authorization")
    presigned = False
    if auth:
        credential, signed, signature = parse_authorization(auth)
        amzdate = req.header("X-Amz-Date")
        token = req.header("X-Amz-Security-Token")
    elif qd.get("X-Amz-Algorithm"):
        if qd["X-Amz-Algorithm"] != ALGORITHM:
            raise AuthFailure("malformed", "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"")
        missing = [k for k in ("X-Amz-Credential", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Date")
                   if k not in qd]
        if missing:
            raise AuthFailure("malformed", "Query-string authentication requires " + ", ".join(missing) + ".")
        presigned = True
        credential, signed, signature = qd["X-Amz-Credential"], qd["X-Amz-SignedHeaders"], qd["X-Amz-Signature"]
        amzdate = qd["X-Amz-Date"]
        token = qd.get("X-Amz-Security-Token")
    else:
        raise AuthFailure("missing", "Missing Authentication Token")

    access_key, scope_date, scope_region, scope_service = _split_credential(credential)
    signed_names = [h.strip().lower() for h in signed.split(";") if h.strip()]

    if amzdate:
        t = clock.parse_amz_date(amzdate)
        if t is None:
            raise AuthFailure("malformed", f"X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\", got '{amzdate}'.")
    else:
        date_header = req.header("Date")
        t = clock.parse_http_date(date_header) if date_header else None
        if t is None:
            raise AuthFailure("malformed", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
        amzdate = clock.amz_date(t)

    entry = keys.get(access_key)
    if entry is None:
        raise AuthFailure("unknown_key", "The security token included in the request is invalid.", access_key=access_key)
    if (entry.get("token") or None) != (token or None):
        raise AuthFailure("invalid_token", "The security token included in the request is invalid.", access_key=access_key)
    if entry.get("expired") or (entry.get("expires_at") is not None and now_s >= entry["expires_at"]):
        raise AuthFailure("expired_token", "The security token included in the request is expired", access_key=access_key)
    if scope_service != service:
        raise AuthFailure("wrong_service", f"Credential should be scoped to correct service: '{service}'. ",
                          expected=service, got=scope_service)
    if scope_region != region and scope_region not in extra_regions:
        raise AuthFailure("wrong_region", f"Credential should be scoped to a valid region, not '{scope_region}'. ",
                          expected=region, got=scope_region)
    if scope_date != amzdate[:8]:
        raise AuthFailure("bad_signature", f"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scope_date}' != '{amzdate[:8]}', from '{amzdate}'.")

    if presigned:
        try:
            expires = int(qd.get("X-Amz-Expires", "0"))
        except ValueError:
            raise AuthFailure("malformed", "X-Amz-Expires should be a number")
        if now_s > t + expires:
            raise AuthFailure("presign_expired", "Request has expired", expires=clock.iso8601(t + expires),
                              server_time=clock.iso8601(now_s))
        if now_s < t - max_skew_s:
            raise AuthFailure("skew", "Request is not yet valid", request_time=amzdate, server_time=clock.amz_date(now_s),
                              max_skew_ms=int(max_skew_s * 1000), ahead=True)
    elif abs(now_s - t) > max_skew_s:
        mins = int(max_skew_s // 60)
        if t < now_s:
            msg = (f"Signature expired: {amzdate} is now earlier than {clock.amz_date(now_s - max_skew_s)} "
                   f"({clock.amz_date(now_s)} - {mins} min.)")
        else:
            msg = (f"Signature not yet current: {amzdate} is still later than {clock.amz_date(now_s + max_skew_s)} "
                   f"({clock.amz_date(now_s)} + {mins} min.)")
        raise AuthFailure("skew", msg, request_time=amzdate, server_time=clock.amz_date(now_s),
                          max_skew_ms=int(max_skew_s * 1000), ahead=t > now_s)

    if "host" not in signed_names:
        raise AuthFailure("unsigned_headers", "'Host' must be a signed header.", headers="host")
    unsigned = sorted({name.lower() for name in req.headers.keys()
                       if name.lower().startswith("x-amz-") and name.lower() not in signed_names})
    if presigned:
        unsigned = []
    if unsigned:
        raise AuthFailure("unsigned_headers", "There were headers present in the request which were not signed",
                          headers=", ".join(unsigned))

    if presigned:
        q_sign = [(n, v) for n, v in q if n != "X-Amz-Signature"]
    else:
        q_sign = q
    if s3:
        path = quote(unquote(req.raw_path), safe="/~")
    else:
        path = req.raw_path or "/"
    url = "http://localhost" + path
    cq = _canonical_query(q_sign)
    if cq:
        url += "?" + cq
    aws_req = AWSRequest(method=req.method, url=url, data=req.body or b"")
    for name, value in req.headers.items():
        aws_req.headers[name] = value
    if presigned:
        # The payload of a presigned request is never signed for S3.
        if "X-Amz-Content-SHA256" in aws_req.headers:
            del aws_req.headers["X-Amz-Content-SHA256"]
        if s3:
            aws_req.headers["X-Amz-Content-SHA256"] = "UNSIGNED-PAYLOAD"
    elif not s3 and "X-Amz-Content-SHA256" in aws_req.headers:
        # Outside S3 the payload hash is always computed from the body.
        del aws_req.headers["X-Amz-Content-SHA256"]
    aws_req.context["timestamp"] = amzdate
    creds = Credentials(access_key, entry["secret"], entry.get("token"))
    signer_cls = _S3Signer if s3 else _Signer
    signer = signer_cls(creds, scope_service, scope_region, signed_names, req.headers)
    canonical = signer.canonical_request(aws_req)
    string_to_sign = signer.string_to_sign(aws_req, canonical)
    expected = signer.signature(string_to_sign, aws_req)
    if not hmac.compare_digest(expected, signature.lower()):
        raise AuthFailure("bad_signature",
                          "The request signature we calculated does not match the signature you provided. "
                          "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
                          canonical_request=canonical, string_to_sign=string_to_sign,
                          signature_provided=signature, access_key=access_key)
    return AuthOK(access_key, entry, scope_region, scope_service)
