"""Amazon S3, path-style REST (``/{bucket}/{key}``), XML.

Objects, conditional writes (If-None-Match: * / If-Match), checksums
(Content-MD5, x-amz-checksum-{crc32,crc32c,sha1,sha256}), multipart uploads,
ListObjectsV2, and the payload rules of SigV4 for S3 (``x-amz-content-sha256``
required and checked against the body; aws-chunked bodies with an unsigned
trailer are decoded).
"""
import base64
import hashlib
import re
import xml.etree.ElementTree as ET
import zlib
from urllib.parse import quote, unquote

from . import clock
from .common import AWSError, Response, xml_elements, xml_text
from .sigv4check import query_pairs

NS = "http://s3.amazonaws.com/doc/2006-03-01/"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
MIB = 1024 * 1024


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC32C = _crc32c_table()


def crc32c(data):
    crc = 0xFFFFFFFF
    table = _CRC32C
    for b in data:
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def checksum(algorithm, data):
    """base64 of the digest S3 computes for x-amz-checksum-<algorithm>, or None if unsupported."""
    if algorithm == "crc32":
        raw = (zlib.crc32(data) & 0xFFFFFFFF).to_bytes(4, "big")
    elif algorithm == "crc32c":
        raw = crc32c(data).to_bytes(4, "big")
    elif algorithm == "sha1":
        raw = hashlib.sha1(data).digest()
    elif algorithm == "sha256":
        raw = hashlib.sha256(data).digest()
    else:
        return None
    return base64.b64encode(raw).decode()


def s3_error(code, message, status, **extra):
    return AWSError(code, message, status, extra=extra)


def no_such_bucket(bucket):
    return s3_error("NoSuchBucket", "The specified bucket does not exist", 404, BucketName=bucket)


def parse_path(raw_path):
    """(bucket or None, key or None) from a path-style request path."""
    path = raw_path[1:] if raw_path.startswith("/") else raw_path
    if not path:
        return None, None
    bucket, sep, key = path.partition("/")
    bucket = unquote(bucket)
    if not sep or key == "":
        return bucket, None
    return bucket, unquote(key)


def operation_of(req):
    """The S3 operation name of a request (before auth, for routing and faults)."""
    bucket, key = parse_path(req.raw_path)
    q = dict(query_pairs(req.raw_query))
    m = req.method
    if bucket is None:
        return "ListBuckets" if m == "GET" else "Unknown"
    if key is None:
        if m == "PUT":
            return "CreateBucket"
        if m == "HEAD":
            return "HeadBucket"
        if m == "DELETE":
            return "DeleteBucket"
        if m == "GET":
            if "location" in q:
                return "GetBucketLocation"
            if "uploads" in q:
                return "ListMultipartUploads"
            return "ListObjectsV2" if q.get("list-type") == "2" else "ListObjects"
        if m == "POST" and "delete" in q:
            return "DeleteObjects"
        return "Unknown"
    if m == "PUT":
        if "partNumber" in q and "uploadId" in q:
            return "UploadPart"
        if req.header("x-amz-copy-source"):
            return "CopyObject"
        return "PutObject"
    if m == "GET":
        return "ListParts" if "uploadId" in q else "GetObject"
    if m == "HEAD":
        return "HeadObject"
    if m == "DELETE":
        return "AbortMultipartUpload" if "uploadId" in q else "DeleteObject"
    if m == "POST":
        if "uploads" in q:
            return "CreateMultipartUpload"
        if "uploadId" in q:
            return "CompleteMultipartUpload"
    return "Unknown"


def decode_aws_chunked(body):
    """(payload, trailers) of an aws-chunked body (chunk signatures, if any, are not checked)."""
    out = bytearray()
    trailers = {}
    pos = 0
    while True:
        eol = body.find(b"\r\n", pos)
        if eol < 0:
            raise s3_error("IncompleteBody", "The request body terminated unexpectedly", 400)
        size_text = body[pos:eol].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise s3_error("InvalidRequest", "Invalid aws-chunked encoding: bad chunk size", 400)
        pos = eol + 2
        if size == 0:
            break
        out += body[pos:pos + size]
        pos += size
        if body[pos:pos + 2] != b"\r\n":
            raise s3_error("IncompleteBody", "The request body terminated unexpectedly", 400)
        pos += 2
    for line in body[pos:].split(b"\r\n"):
        if b":" in line:
            k, _, v = line.partition(b":")
            trailers[k.decode().strip().lower()] = v.decode().strip()
    return bytes(out), trailers


class S3:
    def __init__(self, fake):
        self.fake = fake
        self.reset()

    def reset(self):
        self.buckets = {}  # name -> {"created", "objects": {key: obj}, "uploads": {id: upload}}

    def now_s(self):
        return self.fake.clock.now_s()

    def create_bucket(self, name):
        if name not in self.buckets:
            self.buckets[name] = {"created": self.now_s(), "objects": {}, "uploads": {}}
        return self.buckets[name]

    def bucket(self, name, autocreate=False):
        b = self.buckets.get(name)
        if b is None and autocreate and self.fake.cfg.get("s3_auto_create_buckets"):
            b = self.create_bucket(name)
        if b is None:
            raise no_such_bucket(name)
        return b

    def put_object(self, bucket, key, data, content_type="binary/octet-stream", meta=None):
        """Store an object directly (control API)."""
        b = self.create_bucket(bucket)
        b["objects"][key] = self._new_object(data, content_type, meta or {}, {}, {})
        return b["objects"][key]

    def _new_object(self, data, content_type, meta, checksums, sse, etag=None):
        return {"data": data, "etag": etag or '"%s"' % hashlib.md5(data).hexdigest(),
                "last_modified": self.now_s(), "content_type": content_type, "meta": meta,
                "checksums": checksums, "sse": sse}

    # -- payload -------------------------------------------------------
    def payload(self, req):
        """Check x-amz-content-sha256 against the body; returns (payload bytes, trailers)."""
        claimed = req.header("x-amz-content-sha256")
        body = req.body or b""
        if claimed is None:
            if req.sig_ok is None or getattr(req, "presigned", False):
                return body, {}
            raise s3_error("InvalidRequest", "Missing required header for this request: x-amz-content-sha256", 400)
        if claimed == "UNSIGNED-PAYLOAD":
            return body, {}
        if claimed == "STREAMING-UNSIGNED-PAYLOAD-TRAILER":
            data, trailers = decode_aws_chunked(body)
            declared = req.header("x-amz-decoded-content-length")
            if declared is not None and int(declared) != len(data):
                raise s3_error("IncompleteBody", "You did not provide the number of bytes specified by the "
                               "x-amz-decoded-content-length HTTP header", 400)
            return data, trailers
        if claimed.startswith("STREAMING-"):
            raise s3_error("NotImplemented", f"fakeaws does not verify signed streaming payloads ({claimed})", 501,
                           Header="x-amz-content-sha256")
        if not re.fullmatch(r"[0-9a-f]{64}", claimed):
            raise s3_error("InvalidArgument", "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, "
                           "STREAMING-UNSIGNED-PAYLOAD-TRAILER, or a valid sha256 value.", 400,
                           ArgumentName="x-amz-content-sha256", ArgumentValue=claimed)
        actual = hashlib.sha256(body).hexdigest()
        if actual != claimed:
            raise s3_error("XAmzContentSHA256Mismatch",
                           "The provided 'x-amz-content-sha256' header does not match what was computed.", 400,
                           ClientComputedContentSHA256=claimed, S3ComputedContentSHA256=actual)
        return body, {}

    def verify_checksums(self, req, data, trailers):
        """Check Content-MD5 and x-amz-checksum-*; returns {algorithm: value} that were given."""
        md5 = req.header("Content-MD5")
        if md5 is not None:
            try:
                raw = base64.b64decode(md5, validate=True)
            except Exception:
                raw = b""
            if len(raw) != 16:
                raise s3_error("InvalidDigest", "The Content-MD5 you specified was not valid.", 400, Content_MD5=md5)
            if raw != hashlib.md5(data).digest():
                raise s3_error("BadDigest", "The Content-MD5 you specified did not match what we received.", 400,
                               ExpectedDigest=md5, CalculatedDigest=base64.b64encode(hashlib.md5(data).digest()).decode())
        given = {}
        for name, value in list(req.headers.items()) + list(trailers.items()):
            lname = name.lower()
            if lname.startswith("x-amz-checksum-") and lname not in ("x-amz-checksum-mode", "x-amz-checksum-type",
                                                                     "x-amz-checksum-algorithm"):
                algorithm = lname[len("x-amz-checksum-"):]
                given[algorithm] = value
                expected = checksum(algorithm, data)
                if expected is not None and expected != value:
                    raise s3_error("BadDigest", f"The {algorithm.upper()} you specified did not match the calculated checksum.", 400)
        return given

    # -- dispatch ------------------------------------------------------
    def handle(self, op, req):
        bucket, key = parse_path(req.raw_path)
        q = dict(query_pairs(req.raw_query))
        data, trailers = self.payload(req)
        fn = getattr(self, "op_" + op, None)
        if fn is None:
            raise s3_error("NotImplemented", "A header you provided implies functionality that is not implemented", 501)
        return fn(req, bucket, key, q, data, trailers)

    def _headers(self, obj):
        h = [("ETag", obj["etag"]), ("Last-Modified", clock.http_date(obj["last_modified"])),
             ("Accept-Ranges", "bytes"), ("Content-Type", obj["content_type"])]
        h.append(("x-amz-server-side-encryption", obj["sse"].get("x-amz-server-side-encryption", "AES256")))
        for k, v in obj["sse"].items():
            if k != "x-amz-server-side-encryption":
                h.append((k, v))
        for k, v in obj["meta"].items():
            h.append(("x-amz-meta-" + k, v))
        return h

    def _sse(self, req):
        return {k.lower(): v for k, v in req.headers.items()
                if k.lower().startswith("x-amz-server-side-encryption") and k.lower() != "x-amz-server-side-encryption-context"}

    def _meta(self, req):
        return {k.lower()[len("x-amz-meta-"):]: v for k, v in req.headers.items() if k.lower().startswith("x-amz-meta-")}

    def _check_write_conditions(self, req, b, key):
        inm = req.header("If-None-Match")
        im = req.header("If-Match")
        existing = b["objects"].get(key)
        if inm is not None:
            if inm.strip() != "*":
                raise s3_error("NotImplemented", "A header you provided implies functionality that is not implemented", 501,
                               Header="If-None-Match")
            if existing is not None:
                raise s3_error("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412,
                               Condition="If-None-Match")
        if im is not None:
            if existing is None:
                raise s3_error("NoSuchKey", "The specified key does not exist.", 404, Key=key)
            if im.strip().strip('"') != existing["etag"].strip('"'):
                raise s3_error("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412,
                               Condition="If-Match")

    # -- buckets -------------------------------------------------------
    def op_ListBuckets(self, req, bucket, key, q, data, trailers):
        items = "".join(f"<Bucket><Name>{xml_text(n)}</Name><CreationDate>{clock.iso8601(b['created'], True)}</CreationDate></Bucket>"
                        for n, b in sorted(self.buckets.items()))
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult xmlns="{NS}"><Owner><ID>fake</ID>'
                f"</Owner><Buckets>{items}</Buckets></ListAllMyBucketsResult>")
        return Response(200, body, content_type="application/xml")

    def op_CreateBucket(self, req, bucket, key, q, data, trailers):
        if bucket in self.buckets:
            raise s3_error("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded "
                           "and you already own it.", 409, BucketName=bucket)
        self.create_bucket(bucket)
        return Response(200, b"", [("Location", "/" + bucket)])

    def op_HeadBucket(self, req, bucket, key, q, data, trailers):
        self.bucket(bucket)
        return Response(200, b"", [("x-amz-bucket-region", self.fake.cfg["region"])])

    def op_GetBucketLocation(self, req, bucket, key, q, data, trailers):
        self.bucket(bucket)
        region = self.fake.cfg["region"]
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="{NS}">'
                f"{'' if region == 'us-east-1' else region}</LocationConstraint>")
        return Response(200, body, content_type="application/xml")

    def op_DeleteBucket(self, req, bucket, key, q, data, trailers):
        b = self.bucket(bucket)
        if b["objects"]:
            raise s3_error("BucketNotEmpty", "The bucket you tried to delete is not empty", 409, BucketName=bucket)
        del self.buckets[bucket]
        return Response(204)

    def _list(self, req, bucket, q, v2):
        b = self.bucket(bucket)
        prefix = q.get("prefix", "")
        delimiter = q.get("delimiter") or None
        try:
            max_keys = int(q.get("max-keys", "1000"))
        except ValueError:
            raise s3_error("InvalidArgument", "Provided max-keys not an integer or within integer range", 400)
        max_keys = min(max_keys, self.fake.page_size("ListObjectsV2") or 1000)
        after = q.get("start-after", "") if v2 else q.get("marker", "")
        if v2 and q.get("continuation-token"):
            try:
                after = base64.b64decode(q["continuation-token"]).decode()
            except Exception:
                raise s3_error("InvalidArgument", "The continuation token provided is incorrect", 400)
        enc = q.get("encoding-type") == "url"

        def e(text):
            return xml_text(quote(text, safe="/") if enc else text)

        entries, prefixes, truncated, last = [], [], False, None
        for k in sorted(b["objects"]):
            if not k.startswith(prefix) or k <= after:
                continue
            if delimiter:
                i = k.find(delimiter, len(prefix))
                if i >= 0:
                    cp = k[:i + len(delimiter)]
                    if cp in prefixes or (after and cp <= after):
                        continue
                    if len(entries) + len(prefixes) >= max_keys:
                        truncated = True
                        break
                    prefixes.append(cp)
                    last = cp
                    continue
            if len(entries) + len(prefixes) >= max_keys:
                truncated = True
                break
            entries.append(k)
            last = k
        parts = [f"<Name>{xml_text(bucket)}</Name><Prefix>{e(prefix)}</Prefix>"]
        if v2:
            parts.append(f"<KeyCount>{len(entries) + len(prefixes)}</KeyCount>")
        parts.append(f"<MaxKeys>{max_keys}</MaxKeys>")
        if delimiter:
            parts.append(f"<Delimiter>{e(delimiter)}</Delimiter>")
        if enc:
            parts.append("<EncodingType>url</EncodingType>")
        parts.append(f"<IsTruncated>{'true' if truncated else 'false'}</IsTruncated>")
        if v2 and q.get("continuation-token"):
            parts.append(f"<ContinuationToken>{xml_text(q['continuation-token'])}</ContinuationToken>")
        if v2 and q.get("start-after"):
            parts.append(f"<StartAfter>{e(q['start-after'])}</StartAfter>")
        if truncated and last is not None:
            if v2:
                parts.append(f"<NextContinuationToken>{base64.b64encode(last.encode()).decode()}</NextContinuationToken>")
            else:
                parts.append(f"<NextMarker>{e(last)}</NextMarker>")
        if not v2:
            parts.append(f"<Marker>{e(q.get('marker', ''))}</Marker>")
        for k in entries:
            o = b["objects"][k]
            parts.append(f"<Contents><Key>{e(k)}</Key><LastModified>{clock.iso8601(o['last_modified'], True)}</LastModified>"
                         f"<ETag>{xml_text(o['etag'])}</ETag><Size>{len(o['data'])}</Size>"
                         "<StorageClass>STANDARD</StorageClass></Contents>")
        for cp in prefixes:
            parts.append(f"<CommonPrefixes><Prefix>{e(cp)}</Prefix></CommonPrefixes>")
        body = f'<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="{NS}">{"".join(parts)}</ListBucketResult>'
        return Response(200, body, content_type="application/xml")

    def op_ListObjectsV2(self, req, bucket, key, q, data, trailers):
        return self._list(req, bucket, q, True)

    def op_ListObjects(self, req, bucket, key, q, data, trailers):
        return self._list(req, bucket, q, False)

    # -- objects -------------------------------------------------------
    def op_PutObject(self, req, bucket, key, q, data, trailers):
        b = self.bucket(bucket, autocreate=True)
        if len(data) > 5 * 1024 * MIB:
            raise s3_error("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400)
        sums = self.verify_checksums(req, data, trailers)
        self._check_write_conditions(req, b, key)
        obj = self._new_object(data, req.header("Content-Type") or "binary/octet-stream", self._meta(req), sums, self._sse(req))
        b["objects"][key] = obj
        headers = [("ETag", obj["etag"]),
                   ("x-amz-server-side-encryption", obj["sse"].get("x-amz-server-side-encryption", "AES256"))]
        for algorithm, value in sums.items():
            headers.append(("x-amz-checksum-" + algorithm, value))
        return Response(200, b"", headers)

    def _get_object(self, req, bucket, key):
        b = self.bucket(bucket)
        obj = b["objects"].get(key)
        if obj is None:
            raise s3_error("NoSuchKey", "The specified key does not exist.", 404, Key=key)
        im = req.header("If-Match")
        if im is not None and im.strip().strip('"') != obj["etag"].strip('"') and im.strip() != "*":
            raise s3_error("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412,
                           Condition="If-Match")
        return obj

    def op_GetObject(self, req, bucket, key, q, data, trailers):
        obj = self._get_object(req, bucket, key)
        headers = self._headers(obj)
        inm = req.header("If-None-Match")
        if inm is not None and (inm.strip() == "*" or inm.strip().strip('"') == obj["etag"].strip('"')):
            return Response(304, b"", [h for h in headers if h[0] in ("ETag", "Last-Modified")])
        body = obj["data"]
        rng = req.header("Range")
        if not rng and (req.header("x-amz-checksum-mode") or "").upper() == "ENABLED":
            # Whole-object checksums only: a ranged answer carries none.
            for algorithm, value in obj["checksums"].items():
                headers.append(("x-amz-checksum-" + algorithm, value))
        if rng:
            m = re.fullmatch(r"bytes=(\d*)-(\d*)", rng.strip())
            total = len(body)
            if m and (m.group(1) or m.group(2)):
                if m.group(1):
                    start = int(m.group(1))
                    end = int(m.group(2)) if m.group(2) else total - 1
                else:
                    start = max(0, total - int(m.group(2)))
                    end = total - 1
                end = min(end, total - 1)
                if start >= total or start > end:
                    raise s3_error("InvalidRange", "The requested range is not satisfiable", 416,
                                   RangeRequested=rng, ActualObjectSize=str(total))
                headers.append(("Content-Range", f"bytes {start}-{end}/{total}"))
                return Response(206, body[start:end + 1], headers)
        return Response(200, body, headers)

    def op_HeadObject(self, req, bucket, key, q, data, trailers):
        obj = self._get_object(req, bucket, key)
        resp = Response(200, b"", self._headers(obj))
        resp.content_length = len(obj["data"])
        return resp

    def op_DeleteObject(self, req, bucket, key, q, data, trailers):
        b = self.bucket(bucket)
        b["objects"].pop(key, None)
        return Response(204)

    # -- multipart -----------------------------------------------------
    def op_CreateMultipartUpload(self, req, bucket, key, q, data, trailers):
        b = self.bucket(bucket, autocreate=True)
        upload_id = self.fake.ids.alnum(64, upper=False)
        b["uploads"][upload_id] = {"key": key, "parts": {}, "content_type": req.header("Content-Type") or "binary/octet-stream",
                                   "meta": self._meta(req), "sse": self._sse(req), "initiated": self.now_s()}
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<InitiateMultipartUploadResult xmlns="{NS}">'
                f"<Bucket>{xml_text(bucket)}</Bucket><Key>{xml_text(key)}</Key><UploadId>{upload_id}</UploadId>"
                "</InitiateMultipartUploadResult>")
        return Response(200, body, content_type="application/xml")

    def _upload(self, bucket, key, upload_id):
        b = self.bucket(bucket)
        up = b["uploads"].get(upload_id)
        if up is None or up["key"] != key:
            raise s3_error("NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the "
                           "upload may have been aborted or completed.", 404, UploadId=upload_id)
        return b, up

    def op_UploadPart(self, req, bucket, key, q, data, trailers):
        _, up = self._upload(bucket, key, q["uploadId"])
        try:
            n = int(q["partNumber"])
        except ValueError:
            n = 0
        if not 1 <= n <= 10000:
            raise s3_error("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive", 400,
                           ArgumentName="partNumber", ArgumentValue=q["partNumber"])
        sums = self.verify_checksums(req, data, trailers)
        etag = '"%s"' % hashlib.md5(data).hexdigest()
        up["parts"][n] = {"data": data, "etag": etag, "checksums": sums}
        headers = [("ETag", etag)] + [("x-amz-checksum-" + a, v) for a, v in sums.items()]
        return Response(200, b"", headers)

    def op_CompleteMultipartUpload(self, req, bucket, key, q, data, trailers):
        b, up = self._upload(bucket, key, q["uploadId"])
        try:
            root = ET.fromstring(data)
        except ET.ParseError:
            raise s3_error("MalformedXML", "The XML you provided was not well-formed or did not validate against our "
                           "published schema", 400)
        parts = []
        for el in root:
            if el.tag.split("}")[-1] != "Part":
                continue
            fields = {c.tag.split("}")[-1]: (c.text or "") for c in el}
            try:
                parts.append((int(fields.get("PartNumber", "")), fields.get("ETag", "")))
            except ValueError:
                raise s3_error("MalformedXML", "The XML you provided was not well-formed or did not validate against "
                               "our published schema", 400)
        if not parts:
            raise s3_error("MalformedXML", "The XML you provided was not well-formed or did not validate against our "
                           "published schema", 400)
        numbers = [n for n, _ in parts]
        if numbers != sorted(set(numbers)):
            raise s3_error("InvalidPartOrder", "The list of parts was not in ascending order. The parts list must be "
                           "specified in order by part number.", 400, UploadId=q["uploadId"])
        min_size = self.fake.cfg.get("s3_min_part_size", 5 * MIB)
        for i, (n, etag) in enumerate(parts):
            part = up["parts"].get(n)
            if part is None or etag.strip().strip('"') != part["etag"].strip('"'):
                raise s3_error("InvalidPart", "One or more of the specified parts could not be found.  The part may not "
                               "have been uploaded, or the specified entity tag may not match the part's entity tag.",
                               400, UploadId=q["uploadId"], PartNumber=str(n), ETag=etag)
            if i < len(parts) - 1 and len(part["data"]) < min_size:
                raise s3_error("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size.",
                               400, ProposedSize=str(len(part["data"])), MinSizeAllowed=str(min_size),
                               PartNumber=str(n), ETag=part["etag"])
        self._check_write_conditions(req, b, key)
        blob = b"".join(up["parts"][n]["data"] for n in numbers)
        digest = hashlib.md5(b"".join(bytes.fromhex(up["parts"][n]["etag"].strip('"')) for n in numbers)).hexdigest()
        etag = f'"{digest}-{len(numbers)}"'
        b["objects"][key] = self._new_object(blob, up["content_type"], up["meta"], {}, up["sse"], etag=etag)
        del b["uploads"][q["uploadId"]]
        host = req.header("Host") or "localhost"
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUploadResult xmlns="{NS}">'
                f"<Location>{req.scheme}://{xml_text(host)}/{xml_text(bucket)}/{xml_text(quote(key))}</Location>"
                f"<Bucket>{xml_text(bucket)}</Bucket><Key>{xml_text(key)}</Key><ETag>{xml_text(etag)}</ETag>"
                "</CompleteMultipartUploadResult>")
        return Response(200, body, content_type="application/xml")

    def op_AbortMultipartUpload(self, req, bucket, key, q, data, trailers):
        b, _ = self._upload(bucket, key, q["uploadId"])
        del b["uploads"][q["uploadId"]]
        return Response(204)

    # -- errors --------------------------------------------------------
    @staticmethod
    def render_error(err, req, request_id, host_id):
        headers = [("x-amz-request-id", request_id), ("x-amz-id-2", host_id)] + list(err.headers)
        if req.method == "HEAD":
            resp = Response(err.status, b"", headers)
            resp.content_length = 0
            return resp
        extra = xml_elements({k.replace("_", "-"): v for k, v in err.extra.items()})
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{xml_text(err.code)}</Code>'
                f"<Message>{xml_text(err.message)}</Message>{extra}<RequestId>{request_id}</RequestId>"
                f"<HostId>{host_id}</HostId></Error>")
        return Response(err.status, body, headers, content_type="application/xml")
