"""The AWS emulator the tests talk to: moto's server app in a child process, with a fault layer.

Why a child process: Ocean maps each batch in a forked process; forking while an emulator
thread runs in the same process can deadlock. The child serves moto's own WSGI app
(``DomainDispatcherApplication``) on loopback, wrapped in a small middleware that can

- inject errors in each service's real wire format (query/XML, JSON, REST), on a share of the
  matching calls or a fixed number of them, add latency, or close the connection unanswered
  (``reset``); a rule matches on service, action,
  region, account (from the access key), a text of the URL and a text the body contains;
- stand in for ``account:ListRegions``, which moto lacks (404), with real pagination, and for
  EventBridge's ``TestEventPattern`` (moto's handler answers nothing), evaluated with moto's own
  pattern matcher;
- count requests by service, action and account, so tests can assert call counts;
- answer calls moto lacks with canned bodies in the service's wire format (``answers``).

Control endpoints (JSON): ``POST /_test/faults`` replaces the rules, ``POST /_test/regions``
sets the ListRegions answer (``null`` = 404 as moto), ``GET /_test/requests`` returns counts,
``POST /_test/cloudcontrol`` seeds the Cloud Control stand-in,
``POST /_test/answers`` replaces the canned answers (each ``{service, action, body}``, optional
``match``: a string the request body must contain, ``status``, ``content_type``), ``POST
/_test/reset`` clears rules, answers and counts. moto's own ``/moto-api/reset`` resets AWS state.
"""

import contextlib
import functools
import io
import json
import logging
import random
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote_plus

from botocore.session import get_session
from moto.iam.models import get_account_id_from
from moto.moto_server.threaded_moto_server import MotoRequestHandler  # type: ignore[attr-defined]
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

from emulation.cloudcontrol_standin import CloudControlStandIn
from emulation.organization import MANAGEMENT_ACCOUNT, emulator_clients

_EVENT_FIELDS = ("id", "account", "source", "time", "region", "resources", "detail-type")
"""Fields TestEventPattern requires of the event."""
_CREDENTIAL = re.compile(r"Credential=([^/]+)/\d+/([^/]+)/([^/]+)/")


@functools.cache
def _rest_xml(service: str) -> bool:
    """Whether ``service`` (a signing name) is a model's own name, signed as itself, whose
    protocol is REST-XML (S3, Route 53, CloudFront): one model loaded, once."""
    session = get_session()
    if service not in session.get_available_services():
        return False
    metadata = session.get_service_model(service).metadata
    return bool(
        metadata.get("signingName", service) == service and metadata["protocol"] == "rest-xml"
    )


_TAGS_MOTO_LACKS = re.compile(
    r"arn:aws[\w-]*:(ecr|kinesis|es|codepipeline|events|memorydb):([\w-]+):(\d{12}):(.+)"
)


def _moto_tags(arn: str) -> list[dict[str, str]] | None:
    """The tags moto's own service keeps for ``arn`` (None when it has no such resource)."""
    from moto.backends import get_backend

    match = _TAGS_MOTO_LACKS.match(arn)
    if match is None:
        return None
    service, region, account, resource = match.groups()
    try:
        if service == "ecr" and resource.startswith("repository/"):
            return list(get_backend("ecr")[account][region].list_tags_for_resource(arn)["tags"])
        if service == "kinesis" and resource.startswith("stream/"):
            backend = get_backend("kinesis")[account][region]
            return list(backend.list_tags_for_stream(arn, arn.rsplit("/", 1)[-1])["Tags"])
        if service == "es" and resource.startswith("domain/"):
            return list(get_backend("opensearch")[account][region].list_tags(arn))
        if service == "codepipeline" and "/" not in resource:
            pairs = get_backend("codepipeline")[account][region].list_tags_for_resource(arn)
            return [{"Key": t["key"], "Value": t["value"]} for t in pairs]
        if service == "events" and resource.startswith("rule/"):
            return list(get_backend("events")[account][region].list_tags_for_resource(arn)["Tags"])
        if service == "memorydb" and resource.startswith("user/"):
            return list(get_backend("memorydb")[account][region].list_tags(arn))
    except Exception:
        return None  # no such resource: not listed
    return None


class FaultLayer:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.moto_lock = threading.Lock()
        """moto's backends and response serialiser are not thread-safe (two requests at once can
        fail with "dictionary changed size during iteration"): one request at a time reaches
        them, its answer read whole before the next. Faults and delays are applied before."""
        self.rules: list[dict[str, Any]] = []
        self.answers: list[dict[str, Any]] = []
        self.regions: list[dict[str, str]] | None = None
        self.region_page = 2
        self.counts: Counter[str] = Counter()
        self.random = random.Random(7)
        self.cloudcontrol = CloudControlStandIn()

    # -- request facts ---------------------------------------------------------------------
    @staticmethod
    def _facts(environ: dict[str, Any], body: bytes) -> dict[str, str]:
        auth = environ.get("HTTP_AUTHORIZATION", "")
        match = _CREDENTIAL.search(auth)
        key, region, service = match.groups() if match else ("", "", "")
        action = ""
        form_action = ""  # the query protocol's: a form (or query string) naming its Action
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        if target:
            action = target.rsplit(".", 1)[-1]
        else:
            query = parse_qs(environ.get("QUERY_STRING", ""))
            form = parse_qs(body.decode("utf-8", "replace")) if body[:1] not in (b"{", b"<") else {}
            action = form_action = (query.get("Action") or form.get("Action") or [""])[0]
        if not action:
            action = environ.get("REQUEST_METHOD", "") + " " + environ.get("PATH_INFO", "")
        if not service and action.startswith("AssumeRoleWith"):
            service = "sts"  # unsigned by design: the web identity token is the credential
        account = ""
        if key:
            try:
                account = get_account_id_from(key)
            except Exception:
                account = ""
        url = environ.get("PATH_INFO", "") + "?" + environ.get("QUERY_STRING", "")
        return {
            "service": service,
            "region": region,
            "action": action,
            "account": account,
            "url": url,
            "query": "yes" if form_action else "",
        }

    def _matching_rule(self, facts: dict[str, str], body: bytes) -> dict[str, Any] | None:
        with self.lock:
            for rule in self.rules:
                if any(
                    rule.get(k) and rule[k] != facts[k]
                    for k in ("service", "action", "region", "account")
                ):
                    continue
                if rule.get("url") and rule["url"] not in facts["url"]:
                    continue
                if rule.get("body") and rule["body"] not in unquote_plus(
                    body.decode("utf-8", "replace")
                ):
                    continue
                if rule.get("times") is not None and rule["times"] <= 0:
                    continue
                if self.random.random() >= rule.get("rate", 1.0):
                    continue
                if rule.get("times") is not None:
                    rule["times"] -= 1
                return rule
        return None

    # -- answers ---------------------------------------------------------------------------
    @staticmethod
    def _error(
        service: str, status: int, code: str, message: str, query: bool = False
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        """An error in the wire format of the request: EC2's, the query protocol's (a form with
        ``Action``, as SES v1 sends while v2, signed as ``ses`` too, sends JSON), REST-XML's or
        JSON's (JSON 1.0/1.1 and REST-JSON read the same error body)."""
        head = f"{status} ERROR"
        if service == "ec2":
            body = (
                f'<?xml version="1.0"?><Response><Errors><Error><Code>{code}</Code>'
                f"<Message>{message}</Message></Error></Errors><RequestID>fault</RequestID></Response>"
            )
            return head, [("Content-Type", "text/xml")], body.encode()
        if query:
            body = (
                f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}"
                f"</Message></Error><RequestId>fault</RequestId></ErrorResponse>"
            )
            return head, [("Content-Type", "text/xml")], body.encode()
        if _rest_xml(service):
            body = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
            return head, [("Content-Type", "application/xml")], body.encode()
        payload = json.dumps({"__type": code, "message": message}).encode()
        return (
            head,
            [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", code)],
            payload,
        )

    def _list_regions(self, body: bytes) -> bytes:
        request = json.loads(body or b"{}")
        wanted = set(
            request.get("RegionOptStatusContains") or ["ENABLED", "ENABLED_BY_DEFAULT", "DISABLED"]
        )
        regions = [r for r in self.regions or [] if r["RegionOptStatus"] in wanted]
        start = int(request.get("NextToken") or 0)
        size = int(request.get("MaxResults") or self.region_page)
        size = min(size, self.region_page)
        answer: dict[str, Any] = {"Regions": regions[start : start + size]}
        if start + size < len(regions):
            answer["NextToken"] = str(start + size)
        return json.dumps(answer).encode()

    @staticmethod
    def _test_event_pattern(body: bytes) -> tuple[str, list[tuple[str, str]], bytes]:
        """EventBridge ``TestEventPattern`` (JSON 1.1): ``{"Result": bool}``, or the service's
        errors for an invalid pattern or an event without a mandatory field."""
        from moto.events.models import EventPattern

        request = json.loads(body or b"{}")
        try:
            pattern = EventPattern.load(request.get("EventPattern"))
        except Exception as error:  # moto's InvalidEventPatternException
            message = json.loads(getattr(error, "description", "{}") or "{}").get("message", "")
            return FaultLayer._error(
                "events",
                400,
                "InvalidEventPatternException",
                message or "Event pattern is not valid",
            )
        try:
            event = json.loads(request.get("Event") or "")
        except ValueError:
            event = None
        missing = [k for k in _EVENT_FIELDS if not isinstance(event, dict) or k not in event]
        if missing:
            return FaultLayer._error(
                "events", 400, "ValidationException", f"Parameter Event is not valid: {missing[0]}"
            )
        result = json.dumps({"Result": pattern.matches_event(event)}).encode()
        return "200 OK", [("Content-Type", "application/x-amz-json-1.1")], result

    def _canned(
        self, facts: dict[str, str], body: bytes
    ) -> tuple[str, list[tuple[str, str]], bytes] | None:
        """A canned answer for a call moto lacks, in the wire format the test wrote."""
        with self.lock:
            for answer in self.answers:
                if (
                    answer.get("service") != facts["service"]
                    or answer.get("action") != facts["action"]
                ):
                    continue
                if answer.get("match") and answer["match"].encode() not in body:
                    continue
                payload = answer.get("body", {})
                data = (
                    payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
                )
                kind = answer.get("content_type", "application/x-amz-json-1.1")
                return f"{int(answer.get('status', 200))} OK", [("Content-Type", kind)], data
        return None

    def _get_resources(self, environ: dict[str, Any], body: bytes, start_response: Any) -> Any:
        """moto's Resource Groups Tagging API does not know some resources AWS's does (ECR
        repositories, Kinesis streams, OpenSearch domains, CodePipeline pipelines, EventBridge
        rules, MemoryDB users). Their tags are added to moto's last page from moto's own state
        of each service, in the API's format (a resource with no tag is not listed, as in AWS)."""
        head: list[Any] = []
        parts = self._moto(
            environ, body, lambda status, headers, *_: head.extend([status, headers])
        )
        answer = b"".join(parts)
        request = json.loads(body or b"{}")
        wanted = [a for a in request.get("ResourceARNList", []) if _TAGS_MOTO_LACKS.match(a)]
        if not head or not str(head[0]).startswith("200") or not wanted:
            start_response(*head)
            return [answer]
        data = json.loads(answer or b"{}")
        listed = data.setdefault("ResourceTagMappingList", [])
        known = {m.get("ResourceARN") for m in listed}
        if not data.get("PaginationToken"):
            for arn in wanted:
                tags = None if arn in known else _moto_tags(arn)
                if tags:
                    listed.append({"ResourceARN": arn, "Tags": tags})
        payload = json.dumps(data).encode()
        headers = [(k, v) for k, v in head[1] if k.lower() != "content-length"]
        start_response(head[0], [*headers, ("Content-Length", str(len(payload)))])
        return [payload]

    def _control(self, environ: dict[str, Any], body: bytes) -> bytes:
        path = environ["PATH_INFO"]
        with self.lock:
            if path == "/_test/faults":
                self.rules = json.loads(body or b"[]")
            elif path == "/_test/regions":
                data = json.loads(body or b"null")
                self.regions = None if data is None else data["regions"]
                self.region_page = int((data or {}).get("page_size", 2))
            elif path == "/_test/answers":
                self.answers = json.loads(body or b"[]")
            elif path == "/_test/cloudcontrol":
                self.cloudcontrol.seed(json.loads(body or b"null"))
            elif path == "/_test/reset":
                self.rules, self.regions, self.answers = [], None, []
                self.cloudcontrol.seed(None)
                self.counts.clear()
            elif path == "/_test/requests":
                return json.dumps(dict(self.counts)).encode()
        return b"{}"

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        if environ["PATH_INFO"].startswith("/_test/"):
            start_response("200 OK", [("Content-Type", "application/json")])
            return [self._control(environ, body)]
        facts = self._facts(environ, body)
        with self.lock:
            self.counts[f"{facts['service']}:{facts['action']}:{facts['account']}"] += 1
        rule = self._matching_rule(facts, body)
        if rule is not None:
            time.sleep(float(rule.get("delay", 0)))
            if rule.get("reset"):
                # Close the connection before any answer, as a reset or a dropped load balancer
                # connection does; the client sees the connection end with no response.
                connection = environ.get("werkzeug.socket")
                if connection is not None:
                    with contextlib.suppress(OSError):
                        connection.shutdown(socket.SHUT_RDWR)
                start_response("500 RESET", [("Content-Type", "text/plain")])
                return [b""]
            if rule.get("status"):
                head, headers, payload = self._error(
                    facts["service"],
                    int(rule["status"]),
                    rule.get("code", "InternalError"),
                    rule.get("message", "injected"),
                    query=bool(facts["query"]),
                )
                start_response(head, headers)
                return [payload]
        canned = self._canned(facts, body)
        if canned is not None:
            start_response(*canned[:2])
            return [canned[2]]
        canned = self.cloudcontrol.answer(facts, body)
        if canned is not None:
            start_response(*canned[:2])
            return [canned[2]]
        if facts["service"] == "tagging" and facts["action"] == "GetResources":
            return self._get_resources(environ, body, start_response)
        if facts["service"] == "events" and facts["action"] == "TestEventPattern":
            head, headers, payload = self._test_event_pattern(body)
            start_response(head, headers)
            return [payload]
        stand_in = facts["service"] == "account" and facts["action"] == "POST /listRegions"
        if stand_in and self.regions is not None:
            start_response("200 OK", [("Content-Type", "application/json")])
            return [self._list_regions(body)]
        return self._moto(environ, body, start_response)

    def _moto(self, environ: dict[str, Any], body: bytes, start_response: Any) -> Any:
        """moto's own answer, the request's body (already read here) handed over again."""
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        with self.moto_lock:
            answer = self.app(environ, start_response)
            try:
                return [b"".join(answer)]
            finally:
                close = getattr(answer, "close", None)
                if close is not None:
                    close()


@dataclass
class Emulator:
    """Controls a running emulator process from the outside (tests, the demo)."""

    url: str
    process: subprocess.Popen[str] = field(repr=False)

    @classmethod
    def start(cls) -> "Emulator":
        process = subprocess.Popen(
            [sys.executable, "-m", "emulation.emulator"],
            cwd=str(Path(__file__).resolve().parent.parent),
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("PORT "):
            process.kill()
            raise RuntimeError(f"emulator did not start: {line!r}")
        return cls(f"http://127.0.0.1:{line.split()[1]}", process)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def _post(self, path: str, payload: Any = None) -> Any:
        data = json.dumps(payload).encode() if payload is not None else b""
        request = urllib.request.Request(self.url + path, data=data, method="POST")
        with urllib.request.urlopen(request, timeout=30) as answer:
            body = answer.read()
        return json.loads(body) if body.strip().startswith(b"{") else None

    def reset(self) -> None:
        """Forget all AWS state, injected faults and counts."""
        self._post("/moto-api/reset")
        self._post("/_test/reset")

    def faults(self, rules: list[dict[str, Any]]) -> None:
        self._post("/_test/faults", rules)

    def answers(self, rules: list[dict[str, Any]]) -> None:
        """Canned answers for calls moto lacks: ``{service, action, body[, match, status]}``;
        ``body`` is the JSON the real service sends."""
        self._post("/_test/answers", rules)

    def cloudcontrol(self, seed: dict[str, Any]) -> None:
        """Seed the Cloud Control and registry stand-in (see emulation/cloudcontrol_standin.py)."""
        self._post("/_test/cloudcontrol", seed)

    def list_regions(
        self, regions: list[str] | None, page_size: int = 2, disabled: tuple[str, ...] = ()
    ) -> None:
        """Serve account:ListRegions (moto lacks it) with these regions, paginated."""
        if regions is None:
            self._post("/_test/regions", None)
            return
        rows = [{"RegionName": r, "RegionOptStatus": "ENABLED_BY_DEFAULT"} for r in regions]
        rows += [{"RegionName": r, "RegionOptStatus": "DISABLED"} for r in disabled]
        self._post("/_test/regions", {"regions": rows, "page_size": page_size})

    def requests(self) -> dict[str, int]:
        with urllib.request.urlopen(self.url + "/_test/requests", timeout=30) as answer:
            return dict(json.loads(answer.read()))

    def count(self, service: str, action: str) -> int:
        return sum(
            n for key, n in self.requests().items() if key.startswith(f"{service}:{action}:")
        )

    def client(self, service: str, region: str = "us-east-1", account: str | None = None) -> Any:
        """A boto3 client for seeding, in ``account`` (moto isolates accounts by the
        credentials AssumeRole returns)."""
        return emulator_clients(self.url)(service, region, account or MANAGEMENT_ACCOUNT)


def _lambda_vpc_of_subnets() -> None:
    """Lambda answers a function's ``VpcConfig.VpcId`` with the VPC of its subnets, as AWS does
    (the emulator answers a fixed placeholder id, which names no VPC of the account)."""
    from moto.awslambda.models import LambdaFunction
    from moto.ec2.models import ec2_backends

    def vpc_config(function: Any) -> dict[str, Any] | None:
        config: dict[str, Any] | None = function._vpc_config
        if not config:
            return None
        config = dict(config)
        subnets = config.get("SubnetIds") or []
        if subnets:
            backend = ec2_backends[function.account_id][function.region]
            with contextlib.suppress(Exception):  # an unknown subnet: no VPC, as before
                config["VpcId"] = backend.get_subnet(subnets[0]).vpc_id
        return config

    LambdaFunction.vpc_config = property(vpc_config)  # type: ignore[method-assign,assignment]


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    _lambda_vpc_of_subnets()
    app = FaultLayer(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
