"""Request-shape validation and XML output driven by botocore's service models.

* JSON services: ``json_input_errors`` runs botocore's ParamValidator (types,
  required members, unknown members, minimums) and adds what it leaves to the
  service: maximum lengths/values, enums and patterns from the model.
* Query services (EC2, STS): ``parse_query`` turns flattened form parameters
  (``Filter.1.Value.2``, ``PolicyArns.member.1.arn``) into a structure,
  rejecting names that are not in the operation's input shape.
* ``xml_output`` renders a response structure with the model's locationNames,
  so the XML is exactly what botocore's parsers expect.
"""
import datetime
import re
import threading

import botocore.session
from botocore.validate import ParamValidator

from .common import xml_text

_lock = threading.Lock()
_session = None
_models = {}
_patterns = {}


def model(service):
    global _session
    with _lock:
        if service not in _models:
            if _session is None:
                _session = botocore.session.get_session()
            _models[service] = _session.get_service_model(service)
        return _models[service]


def operation(service, op):
    """The botocore OperationModel, or None if the service has no such operation."""
    m = model(service)
    if op not in m.operation_names:
        return None
    return m.operation_model(op)


# ---------------------------------------------------------------- JSON input

def _fmt(value):
    if isinstance(value, str):
        return value if len(value) <= 80 else value[:77] + "..."
    return str(value)


def _pattern(text):
    if text not in _patterns:
        try:
            _patterns[text] = re.compile(text, re.S)
        except re.error:
            _patterns[text] = None
    return _patterns[text]


def _extra_checks(value, shape, path, errors):
    """Maximums, enums and patterns (ParamValidator checks only minimums)."""
    if value is None:
        return
    meta = shape.metadata
    t = shape.type_name
    if t == "structure" and isinstance(value, dict):
        for name, member in shape.members.items():
            if name in value:
                _extra_checks(value[name], member, f"{path}.{name}" if path else name, errors)
    elif t == "list" and isinstance(value, list):
        if "max" in meta and len(value) > meta["max"]:
            errors.append(f"Value '{_fmt(value)}' at '{path}' failed to satisfy constraint: "
                          f"Member must have length less than or equal to {meta['max']}")
        for i, item in enumerate(value):
            _extra_checks(item, shape.member, f"{path}.{i + 1}", errors)
    elif t == "map" and isinstance(value, dict):
        if "max" in meta and len(value) > meta["max"]:
            errors.append(f"Value at '{path}' failed to satisfy constraint: "
                          f"Member must have length less than or equal to {meta['max']}")
        for k, v in value.items():
            _extra_checks(k, shape.key, f"{path}.key", errors)
            _extra_checks(v, shape.value, f"{path}.{k}", errors)
    elif t == "string" and isinstance(value, str):
        if "max" in meta and len(value) > meta["max"]:
            errors.append(f"Value '{_fmt(value)}' at '{path}' failed to satisfy constraint: "
                          f"Member must have length less than or equal to {meta['max']}")
        enum = getattr(shape, "enum", None)
        if enum and value not in enum:
            errors.append(f"Value '{_fmt(value)}' at '{path}' failed to satisfy constraint: "
                          f"Member must satisfy enum value set: [{', '.join(enum)}]")
        pat = meta.get("pattern")
        if pat and _pattern(pat) is not None and not _pattern(pat).fullmatch(value):
            errors.append(f"Value '{_fmt(value)}' at '{path}' failed to satisfy constraint: "
                          f"Member must satisfy regular expression pattern: {pat}")
    elif t in ("integer", "long", "double", "float") and isinstance(value, (int, float)) and not isinstance(value, bool):
        if "max" in meta and value > meta["max"]:
            errors.append(f"Value '{value}' at '{path}' failed to satisfy constraint: "
                          f"Member must have value less than or equal to {meta['max']}")


def json_input_errors(service, op, params):
    """A list of human-readable problems of params against op's input shape."""
    op_model = operation(service, op)
    shape = op_model.input_shape
    if shape is None:
        return [] if not params else [f"Unknown parameter in input: {sorted(params)[0]!r}: the operation takes none"]
    if not isinstance(params, dict):
        return ["The request body must be a JSON object"]
    report = ParamValidator().validate(params, shape)
    errors = []
    if report.has_errors():
        for line in report.generate_report().splitlines():
            if line and not line.startswith("Parameter validation failed"):
                errors.append(line.replace("in input", "in request").replace(", valid types: <class 'str'>", ", expected a string"))
    extra = []
    _extra_checks(params, shape, "", extra)
    return errors + extra


def format_validation(errors):
    n = len(errors)
    return f"{n} validation error{'s' if n != 1 else ''} detected: " + "; ".join(errors)


# --------------------------------------------------------------- Query input

class QueryParamError(Exception):
    def __init__(self, kind, name, message):
        super().__init__(message)
        self.kind = kind  # unknown | value
        self.name = name
        self.message = message


def _query_name(member_name, member_shape, protocol):
    ser = member_shape.serialization
    if protocol == "ec2":
        if "queryName" in ser:
            return ser["queryName"]
        if "name" in ser:
            return ser["name"][0].upper() + ser["name"][1:]
        return member_name
    return ser.get("name", member_name)


def _convert_scalar(shape, text, name):
    t = shape.type_name
    if t in ("integer", "long"):
        try:
            return int(text)
        except ValueError:
            raise QueryParamError("value", name, f"Invalid value '{text}' for {name}: not an integer")
    if t in ("double", "float"):
        try:
            return float(text)
        except ValueError:
            raise QueryParamError("value", name, f"Invalid value '{text}' for {name}: not a number")
    if t == "boolean":
        if text.lower() not in ("true", "false"):
            raise QueryParamError("value", name, f"Invalid value '{text}' for {name}: expected true or false")
        return text.lower() == "true"
    return text


def _insert(shape, node, parts, value, full, protocol):
    t = shape.type_name
    if t == "structure":
        token = parts[0]
        for mname, mshape in shape.members.items():
            if _query_name(mname, mshape, protocol) == token:
                break
        else:
            raise QueryParamError("unknown", full, f"The parameter {full} is not recognized")
        if len(parts) == 1:
            if mshape.type_name in ("structure", "list", "map"):
                if value == "" and mshape.type_name == "list":
                    node[mname] = {}
                    return
                raise QueryParamError("unknown", full, f"The parameter {full} is not recognized")
            node[mname] = _convert_scalar(mshape, value, full)
            return
        child = node.setdefault(mname, {})
        _insert(mshape, child, parts[1:], value, full, protocol)
    elif t == "list":
        rest = parts
        if protocol != "ec2" and not shape.serialization.get("flattened"):
            member_name = shape.member.serialization.get("name", "member")
            if rest[0] != member_name:
                raise QueryParamError("unknown", full, f"The parameter {full} is not recognized")
            rest = rest[1:]
        if not rest or not rest[0].isdigit() or int(rest[0]) < 1:
            raise QueryParamError("unknown", full, f"The parameter {full} is not recognized")
        index = int(rest[0])
        if len(rest) == 1:
            if shape.member.type_name in ("structure", "list", "map"):
                raise QueryParamError("unknown", full, f"The parameter {full} is not recognized")
            node[index] = _convert_scalar(shape.member, value, full)
            return
        child = node.setdefault(index, {})
        _insert(shape.member, child, rest[1:], value, full, protocol)
    else:
        raise QueryParamError("unknown", full, f"The parameter {full} is not recognized")


def _finish(shape, node):
    t = shape.type_name
    if t == "structure":
        return {k: _finish(shape.members[k], v) for k, v in node.items()}
    if t == "list":
        if not isinstance(node, dict):
            return node
        return [_finish(shape.member, node[i]) for i in sorted(node)]
    return node


def parse_query(service, op, flat):
    """flat: {name: value} without Action/Version.  Returns a structure dict."""
    op_model = operation(service, op)
    shape = op_model.input_shape
    protocol = model(service).metadata["protocol"]
    root = {}
    for name, value in flat.items():
        if shape is None:
            raise QueryParamError("unknown", name, f"The parameter {name} is not recognized")
        _insert(shape, root, name.split("."), value, name, protocol)
    if shape is None:
        return {}
    params = _finish(shape, root)
    report = ParamValidator().validate(params, shape)
    text = []
    if report.has_errors():
        text = [l for l in report.generate_report().splitlines() if l and not l.startswith("Parameter validation")]
    missing = [l for l in text if l.startswith("Missing required parameter")]
    if missing:
        raise QueryParamError("missing", "", "; ".join(missing))
    _extra_checks(params, shape, "", text)
    if text:
        raise QueryParamError("value", "", format_validation(text))
    return params


# ---------------------------------------------------------------- XML output

def _xml_value(shape, value, protocol):
    t = shape.type_name
    if t == "structure":
        out = []
        for mname, mshape in shape.members.items():
            if mname not in value or value[mname] is None:
                continue
            out.append(_xml_member(mname, mshape, value[mname], protocol))
        return "".join(out)
    if t == "timestamp":
        if isinstance(value, (int, float)):
            value = datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
        if isinstance(value, datetime.datetime):
            return value.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (value.microsecond // 1000)
        return xml_text(value)
    return xml_text(value)


def _xml_member(name, shape, value, protocol):
    tag = shape.serialization.get("name", name)
    if shape.type_name == "list":
        item_tag = shape.member.serialization.get("name", "item" if protocol == "ec2" else "member")
        items = "".join(f"<{item_tag}>{_xml_value(shape.member, v, protocol)}</{item_tag}>" for v in value)
        if shape.serialization.get("flattened"):
            return "".join(f"<{tag}>{_xml_value(shape.member, v, protocol)}</{tag}>" for v in value)
        return f"<{tag}>{items}</{tag}>"
    return f"<{tag}>{_xml_value(shape, value, protocol)}</{tag}>"


def xml_output(service, op, result):
    """The inner XML of op's output structure for result (botocore member names)."""
    op_model = operation(service, op)
    shape = op_model.output_shape
    if shape is None:
        return ""
    protocol = model(service).metadata["protocol"]
    return _xml_value(shape, result, protocol)
