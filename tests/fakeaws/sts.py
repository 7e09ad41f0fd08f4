"""AWS STS (query protocol, XML): AssumeRoleWithWebIdentity (unsigned),
AssumeRole and GetCallerIdentity (signed).

Issued keys are registered with the fake as valid until their Expiration
(wall clock), so requests signed with them pass signature checks until then.
AssumeRole is signed by the caller's keys (checked like every signed call),
its parameters are checked against botocore's model, and config
`assume_roles` (null = any well-formed ARN) lists the roles it may assume,
optionally with the ExternalId each requires.
"""
import re

from . import shapes
from .common import AWSError, xml_text

XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/"
_ROLE_RE = re.compile(r"arn:aws[\w-]*:iam::(\d{12}):role/(?:[\w+=,.@-]+/)*([\w+=,.@-]+)")


class STS:
    def __init__(self, fake):
        self.fake = fake

    def handle(self, op, params, req):
        fn = getattr(self, "op_" + op, None)
        if fn is None:
            raise AWSError("InvalidAction", f"Could not find operation {op} for version 2011-06-15", 400)
        result = fn(params, req)
        inner = shapes.xml_output("sts", op, result)
        return (f'<{op}Response xmlns="{XMLNS}"><{op}Result>{inner}</{op}Result>'
                f"<ResponseMetadata><RequestId>{req.request_id}</RequestId></ResponseMetadata></{op}Response>")

    def _role(self, arn):
        m = _ROLE_RE.fullmatch(arn)
        if not m:
            raise AWSError("ValidationError", f"{arn} is invalid", 400)
        return m.group(1), m.group(2)

    def _issue(self, role_arn, session, duration, source):
        account, role = self._role(role_arn)
        entry = self.fake.issue_key(source, duration)
        entry["role_arn"], entry["session"] = role_arn, session
        role_id = "AROA" + self.fake.ids.alnum(17)
        return {
            "Credentials": {"AccessKeyId": entry["access_key"], "SecretAccessKey": entry["secret"],
                            "SessionToken": entry["token"], "Expiration": entry["expires_at"]},
            "AssumedRoleUser": {"AssumedRoleId": f"{role_id}:{session}",
                                "Arn": f"arn:aws:sts::{account}:assumed-role/{role}/{session}"},
        }

    def op_AssumeRoleWithWebIdentity(self, p, req):
        accepted = self.fake.cfg.get("web_identity_tokens")
        token = p["WebIdentityToken"]
        self.fake.counters["sts_web_identity"] = self.fake.counters.get("sts_web_identity", 0) + 1
        if accepted is not None and token not in accepted:
            raise AWSError("InvalidIdentityToken", "The web identity token that was passed could not be validated by "
                           "AWS. Get a new identity token from the identity provider and then retry the request.", 400)
        result = self._issue(p["RoleArn"], p["RoleSessionName"], p.get("DurationSeconds", 3600), "sts")
        result.update({"SubjectFromWebIdentityToken": "system:serviceaccount:batch:ecsbatch",
                       "Provider": "arn:aws:iam::%s:oidc-provider/fake" % self.fake.cfg["account"],
                       "Audience": "sts.amazonaws.com"})
        return result

    def op_AssumeRole(self, p, req):
        arn = p["RoleArn"]
        self._role(arn)
        caller = self.fake.keys.get(req.access_key) or {}
        who = caller.get("role_arn") or "arn:aws:iam::%s:user/fake" % self.fake.cfg["account"]
        denied = AWSError("AccessDenied", f"User: {who} is not authorized to perform: sts:AssumeRole on "
                          f"resource: {arn}", 403)
        roles = self.fake.cfg.get("assume_roles")
        if roles is not None:
            if arn not in roles:
                raise denied
            rule = roles[arn] if isinstance(roles, dict) else None
            if isinstance(rule, dict) and rule.get("external_id") is not None \
                    and p.get("ExternalId") != rule["external_id"]:
                raise denied
        return self._issue(arn, p["RoleSessionName"], p.get("DurationSeconds", 3600), "sts")

    def op_GetCallerIdentity(self, p, req):
        entry = self.fake.keys.get(req.access_key) or {}
        account = self.fake.cfg["account"]
        if entry.get("role_arn"):
            _, role = self._role(entry["role_arn"])
            arn = f"arn:aws:sts::{account}:assumed-role/{role}/{entry['session']}"
        elif entry.get("source") in ("sts", "container", "imds"):
            arn = f"arn:aws:sts::{account}:assumed-role/fake-role/{req.access_key}"
        else:
            arn = f"arn:aws:iam::{account}:user/fake"
        return {"UserId": req.access_key, "Account": account, "Arn": arn}

    @staticmethod
    def render_error_body(err, request_id):
        kind = "Receiver" if err.status >= 500 else "Sender"
        return (f'<ErrorResponse xmlns="{XMLNS}"><Error><Type>{kind}</Type><Code>{xml_text(err.code)}</Code>'
                f"<Message>{xml_text(err.message)}</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>")
