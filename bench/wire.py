"""AWS wire formats: reading a request (service, operation, parameters) and writing answers.

Protocols, as botocore's service models name them: ``query`` (STS, SNS, IAM: form body, XML
answer wrapped in ``<OpResponse><OpResult>``), ``ec2`` (form body, XML answer with ``item``
lists), ``json`` (``X-Amz-Target`` header, JSON 1.0/1.1 body) and ``rest-json`` (operation
from method and path, e.g. Lambda and account:ListRegions).
"""

import json
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, unquote
from xml.sax.saxutils import escape

from botocore.session import get_session

CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
EC2_NS = "http://ec2.amazonaws.com/doc/2016-11-15/"


@dataclass(frozen=True)
class Protocol:
    service: str
    protocol: str
    target_prefix: str
    routes: tuple[tuple[str, re.Pattern[str], str], ...] = field(default=())


@cache
def _session() -> Any:
    return get_session()


@cache
def protocol_of(service: str) -> Protocol:
    """The wire protocol of a service, by its botocore model (service = signing name)."""
    model = _session().get_service_model(_MODEL_NAMES.get(service, service))
    routes: list[tuple[str, re.Pattern[str], str]] = []
    if model.metadata["protocol"] == "rest-json":
        for name in model.operation_names:
            http = model.operation_model(name).http
            path = http["requestUri"].split("?")[0]
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path).replace("\\+", "+"))
            pattern = pattern.replace("[^/]+\\+", ".+")
            routes.append((http["method"], re.compile(f"^{pattern}/?$"), name))
    return Protocol(
        service, model.metadata["protocol"], model.metadata.get("targetPrefix", ""), tuple(routes)
    )


_MODEL_NAMES = {"monitoring": "cloudwatch", "email": "ses", "states": "stepfunctions"}


@dataclass
class Call:
    """One request as the control plane sees it."""

    service: str
    operation: str
    params: dict[str, Any]
    access_key: str
    region: str
    protocol: str
    session_token: str = ""


def read_call(method: str, path: str, query: str, headers: Any, body: bytes) -> Call:
    auth = headers.get("Authorization", "")
    match = CREDENTIAL.search(auth)
    key, region, service = match.groups() if match else ("", "us-east-1", "")
    target = headers.get("X-Amz-Target", "")
    form: dict[str, str] = {}
    if body.startswith(b"Action=") or b"&Action=" in body:
        form = dict(parse_qsl(body.decode(), keep_blank_values=True))
    elif query.startswith("Action=") or "&Action=" in query:
        form = dict(parse_qsl(query, keep_blank_values=True))
    if not service:  # unsigned: only STS web identity calls are made without a signature
        service = "sts"
    token = headers.get("X-Amz-Security-Token", "")
    if target:
        operation = target.rsplit(".", 1)[-1]
        params = json.loads(body or b"{}")
        return Call(service, operation, params, key, region, "json", token)
    if "Action" in form:
        operation = form.pop("Action")
        form.pop("Version", None)
        return Call(service, operation, form, key, region, protocol_of(service).protocol, token)
    rest = protocol_of(service)
    clean = unquote(path)
    for verb, pattern, name in rest.routes:
        if verb == method and pattern.match(clean):
            params = dict(parse_qsl(query)) if query else {}
            if body[:1] == b"{":
                params.update(json.loads(body))
            params["__path"] = clean
            return Call(service, name, params, key, region, "rest-json", token)
    return Call(service, f"{method} {clean}", {}, key, region, rest.protocol, token)


# -- answers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Entries:
    """A query-protocol map: ``<entry><key>k</key><value>v</value></entry>`` per pair."""

    pairs: dict[str, str]


def xml_of(value: Any, list_tag: str) -> str:
    """Nested dicts and lists as XML elements; lists repeat ``list_tag`` (ec2: item, query: member)."""
    out: list[str] = []
    _xml(value, list_tag, out)
    return "".join(out)


def _xml(value: Any, list_tag: str, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(escape(value) if ("&" in value or "<" in value or ">" in value) else value)
    elif isinstance(value, dict):
        for k, v in value.items():
            out.append(f"<{k}>")
            _xml(v, list_tag, out)
            out.append(f"</{k}>")
    elif isinstance(value, list):
        opening, closing = f"<{list_tag}>", f"</{list_tag}>"
        for v in value:
            out.append(opening)
            _xml(v, list_tag, out)
            out.append(closing)
    elif isinstance(value, bool):
        out.append("true" if value else "false")
    elif isinstance(value, Entries):
        for k, v in value.pairs.items():
            out.append(f"<entry><key>{escape(k)}</key><value>{escape(v)}</value></entry>")
    else:
        out.append(str(value))


def success(call: Call, data: dict[str, Any]) -> Answer:
    op = call.operation
    if call.protocol == "ec2":
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?><{op}Response xmlns="{EC2_NS}">'
            f"<requestId>bench</requestId>{xml_of(data, 'item')}</{op}Response>"
        )
        return Answer(200, body.encode(), "text/xml;charset=UTF-8")
    if call.protocol == "query":
        body = (
            f"<{op}Response><{op}Result>{xml_of(data, 'member')}</{op}Result>"
            f"<ResponseMetadata><RequestId>bench</RequestId></ResponseMetadata></{op}Response>"
        )
        return Answer(200, body.encode(), "text/xml")
    content = "application/json" if call.protocol == "rest-json" else "application/x-amz-json-1.1"
    return Answer(200, json.dumps(data, separators=(",", ":")).encode(), content)


def error(call: Call, status: int, code: str, message: str) -> Answer:
    """An error in the service's own format, as botocore's parsers read it."""
    if call.protocol == "ec2":
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>{code}</Code>'
            f"<Message>{escape(message)}</Message></Error></Errors>"
            f"<RequestID>bench</RequestID></Response>"
        )
        return Answer(status, body.encode(), "text/xml;charset=UTF-8")
    if call.protocol in ("query", "rest-xml"):
        body = (
            f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
            f"<Message>{escape(message)}</Message></Error>"
            f"<RequestId>bench</RequestId></ErrorResponse>"
        )
        return Answer(status, body.encode(), "text/xml")
    payload = json.dumps({"__type": code, "message": message}).encode()
    return Answer(status, payload, "application/x-amz-json-1.1", (("x-amzn-ErrorType", code),))


def empty(call: Call) -> Answer:
    """A valid answer with no data, for calls the plane does not model (optional enrichments)."""
    return success(call, {})
