"""A stand-in for the Cloud Control API and the CloudFormation registry, which moto lacks.

It speaks their real wire formats: Cloud Control is JSON 1.0 (``X-Amz-Target:
CloudApiService.ListResources`` / ``GetResource``; ``ResourceDescriptions`` of ``Identifier``
and ``Properties`` as a JSON *string*; ``NextToken``; errors as ``{"__type", "Message"}``),
CloudFormation's ``DescribeType`` is the query protocol with an XML answer carrying the
type's ``Schema`` as a JSON string.

Seeded as JSON through the emulator's ``POST /_test/cloudcontrol``::

    {"page_size": 2, "types": {"AWS::Glue::Job": {
        "resources": [{"Identifier": "etl", "Properties": {...}}],
        "identifiers_only": false,   # the list handler answers identifiers only
        "list_properties": ["Name"], # the properties its list handler answers (absent: all)
        "regions": ["us-east-1"],    # where the type exists (absent: every region)
        "schema": {...}}},           # the registry schema (absent: a minimal one)
     "rate": {"per_second": 30, "burst": 30}}  # Cloud Control calls per account and region
                                               # beyond which it answers ThrottlingException

``rate`` defaults to ``OBSERVED_RATE_CEILING`` per second with as large a burst (AWS publishes no
rate quota for Cloud Control; see port_aws/catalog/cloudcontrol.py for the source of the figure);
``"rate": null`` turns throttling off. ``MaxResults`` never makes a page larger than the seeded
page size: Cloud Control documents it as "Reserved", each type's handler sizes its own pages.

``list_properties`` shapes a type whose list handler answers a subset of the model, as AWS's Cloud
Control user guide ("Discovering resources") shows: ``AWS::Kinesis::Stream`` lists each stream's
``Name`` alone, ``AWS::Logs::LogGroup`` three properties; ``GetResource`` answers the whole model.

Every account sees the same resources. The emulator's fault rules apply before this stand-in
(service ``cloudcontrolapi``), so throttling and denial are injected as for any service.
"""

import json
import threading
import time
from typing import Any
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

Answer = tuple[str, list[tuple[str, str]], bytes]

OBSERVED_RATE_CEILING = 30.0
"""The same figure as ``port_aws.catalog.cloudcontrol.OBSERVED_RATE_CEILING`` (not imported: the
emulator's process does not load the catalog)."""
DEFAULT_RATE = {"per_second": OBSERVED_RATE_CEILING, "burst": OBSERVED_RATE_CEILING}

_JSON = [("Content-Type", "application/x-amz-json-1.0")]
_XML = [("Content-Type", "text/xml")]
_NS = "http://cloudformation.amazonaws.com/doc/2010-05-15/"


def default_schema(type_name: str, resources: list[dict[str, Any]]) -> dict[str, Any]:
    """A registry schema for a seeded type: properties (with JSON types) of its resources."""
    properties: dict[str, Any] = {}
    names = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array"}
    for resource in resources:
        for key, value in resource.get("Properties", {}).items():
            properties.setdefault(key, {"type": names.get(type(value), "object")})
    first = next(iter(properties), "Id")
    return {
        "typeName": type_name,
        "properties": properties,
        "primaryIdentifier": [f"/properties/{first}"],
        "handlers": {
            "read": {"permissions": [_action(type_name, "Get")]},
            "list": {"permissions": [_action(type_name, "List")]},
        },
    }


def _action(type_name: str, verb: str) -> str:
    service, resource = type_name.split("::")[1:3]
    return f"{service.lower()}:{verb}{resource}s"


class CloudControlStandIn:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.types: dict[str, dict[str, Any]] = {}
        self.page_size = 2
        self.rate: dict[str, float] | None = DEFAULT_RATE
        self.buckets: dict[tuple[str, str], tuple[float, float]] = {}
        self.throttled = 0

    def _throttle(self, facts: dict[str, str]) -> bool:
        """Token bucket per (account, region), as Cloud Control's request quotas."""
        if not self.rate:
            return False
        with self.lock:
            now = time.monotonic()
            key = (facts["account"], facts["region"])
            burst, per_second = float(self.rate["burst"]), float(self.rate["per_second"])
            tokens, stamp = self.buckets.get(key, (burst, now))
            tokens = min(burst, tokens + (now - stamp) * per_second)
            if tokens < 1:
                self.buckets[key] = (tokens, now)
                self.throttled += 1
                return True
            self.buckets[key] = (tokens - 1, now)
            return False

    def seed(self, data: dict[str, Any] | None) -> None:
        with self.lock:
            self.types = dict((data or {}).get("types") or {})
            self.page_size = int((data or {}).get("page_size") or 2)
            self.rate = (data or {}).get("rate", DEFAULT_RATE)
            self.buckets, self.throttled = {}, 0

    def answer(self, facts: dict[str, str], body: bytes) -> Answer | None:
        if facts["service"] == "cloudcontrolapi":
            request = json.loads(body or b"{}")
            if self._throttle(facts):
                return self._error(400, "ThrottlingException", "Rate exceeded")
            if facts["action"] == "ListResources":
                return self._list(request, facts["region"])
            if facts["action"] == "GetResource":
                return self._get(request, facts["region"])
        if facts["service"] == "cloudformation" and facts["action"] == "DescribeType":
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            return self._describe(form.get("TypeName", ""), facts["region"])
        return None

    def _type(self, name: str, region: str) -> dict[str, Any] | None:
        with self.lock:
            found = self.types.get(name)
        if found is None or (found.get("regions") and region not in found["regions"]):
            return None
        return found

    @staticmethod
    def _error(status: int, code: str, message: str) -> Answer:
        body = json.dumps({"__type": code, "Message": message}).encode()
        return f"{status} Error", _JSON, body

    @staticmethod
    def _description(
        resource: dict[str, Any], with_properties: bool, only: list[str] | None = None
    ) -> dict[str, Any]:
        found: dict[str, Any] = {"Identifier": resource["Identifier"]}
        if with_properties:
            model = resource.get("Properties", {})
            if only is not None:
                model = {k: v for k, v in model.items() if k in only}
            found["Properties"] = json.dumps(model)
        return found

    def _list(self, request: dict[str, Any], region: str) -> Answer:
        name = str(request.get("TypeName", ""))
        found = self._type(name, region)
        if found is None:
            return self._error(400, "TypeNotFoundException", f"Type {name} cannot be found.")
        resources = list(found.get("resources") or [])
        start = int(request.get("NextToken") or 0)
        size = min(int(request.get("MaxResults") or self.page_size), self.page_size)
        chunk = resources[start : start + size]
        full = not found.get("identifiers_only")
        only = found.get("list_properties")
        answer: dict[str, Any] = {
            "TypeName": name,
            "ResourceDescriptions": [self._description(r, full, only) for r in chunk],
        }
        if start + size < len(resources):
            answer["NextToken"] = str(start + size)
        return "200 OK", _JSON, json.dumps(answer).encode()

    def _get(self, request: dict[str, Any], region: str) -> Answer:
        name = str(request.get("TypeName", ""))
        found = self._type(name, region)
        if found is None:
            return self._error(400, "TypeNotFoundException", f"Type {name} cannot be found.")
        for resource in found.get("resources") or []:
            if resource["Identifier"] == request.get("Identifier"):
                answer = {
                    "TypeName": name,
                    "ResourceDescription": self._description(resource, True),
                }
                return "200 OK", _JSON, json.dumps(answer).encode()
        return self._error(404, "ResourceNotFoundException", "Resource not found.")

    def _describe(self, name: str, region: str) -> Answer:
        found = self._type(name, region)
        if found is None:
            body = (
                f'<ErrorResponse xmlns="{_NS}"><Error><Type>Sender</Type>'
                "<Code>TypeNotFoundException</Code>"
                f"<Message>The type '{escape(name)}' cannot be found.</Message></Error>"
                "<RequestId>standin</RequestId></ErrorResponse>"
            )
            return "404 Not Found", _XML, body.encode()
        schema = found.get("schema") or default_schema(name, found.get("resources") or [])
        body = (
            f'<DescribeTypeResponse xmlns="{_NS}"><DescribeTypeResult>'
            f"<TypeName>{escape(name)}</TypeName><Type>RESOURCE</Type>"
            f"<Schema>{escape(json.dumps(schema))}</Schema>"
            "<Visibility>PUBLIC</Visibility><ProvisioningType>FULLY_MUTABLE</ProvisioningType>"
            "</DescribeTypeResult><ResponseMetadata><RequestId>standin</RequestId>"
            "</ResponseMetadata></DescribeTypeResponse>"
        )
        return "200 OK", _XML, body.encode()
