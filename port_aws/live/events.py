"""Live events: CloudTrail management events delivered by EventBridge to Ocean's webhook.

An event only says *which* resource changed. The resource is always read again with the
account's role in the event's account and region, through the same shaping, enrichments and
scrubbing as a resync. It is deleted only when the service answers with its not-found code;
access denied, throttling and timeouts keep the entity (the next resync repairs it). An
identifier that is an ARN or a URL naming another account or region than the event's is
neither read nor deleted: the event is dropped with that reason.

When none of a kind's declared identifier paths finds anything in an event, the ARNs the event
names (see ``fallback_ids``) that are of the kind and of the event's account and region are
read again instead, the same way.
"""

import asyncio
import hashlib
import hmac
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import jmespath
from botocore.exceptions import BotoCoreError, ClientError
from loguru import logger
from port_ocean.core.handlers.port_app_config.models import ResourceConfig
from port_ocean.core.handlers.webhook.abstract_webhook_processor import (
    AbstractWebhookProcessor,
)
from port_ocean.core.handlers.webhook.webhook_event import (
    EventHeaders,
    EventPayload,
    WebhookEvent,
    WebhookEventRawResults,
)

from port_aws.aws.arn import ACCOUNT_ID, REGION_NAME, owner_of
from port_aws.aws.bounds import UnboundedListing
from port_aws.aws.errors import RETRIED_BY_LIVE_EVENTS, error_code, error_message
from port_aws.catalog import RESOURCE_TYPES
from port_aws.catalog.model import (
    EC2_STATE_CHANGE,
    TAG_CHANGE,
    Elsewhere,
    Gone,
    KindOptions,
    ResourceType,
    SliceContext,
)
from port_aws.config.settings import Settings, load_settings
from port_aws.live.rules import CLOUDTRAIL_DETAIL_TYPE
from port_aws.resync.engine import read_one
from port_aws.resync.state import ResyncRun, live_runs

WEBHOOK_PATH = "/webhook"
API_KEY_HEADER = "x-port-aws-ocean-api-key"
READ_ATTEMPTS = 3
BACKOFF_SECONDS = 0.5
MAX_IDS_PER_EVENT = 100
"""Resources read again for one event (``RunInstances`` may launch many); more are left to
the next resync."""


class BadEvent(ValueError):
    """A payload that is not a CloudTrail event this integration can act on."""


@dataclass(frozen=True)
class CloudTrailEvent:
    account: str
    region: str
    source: str
    """The service host, as CloudTrail's ``eventSource`` names it (``ec2.amazonaws.com``)."""
    name: str
    """CloudTrail's ``eventName``, or a native event's detail-type."""
    detail: Mapping[str, Any]
    native: bool = False
    """One of EventBridge's own events (see ``LiveEvents.native``), not a CloudTrail call."""
    resources: tuple[str, ...] = ()
    """The ARNs of the EventBridge envelope's ``resources``."""


NATIVE_DETAIL_TYPES = (EC2_STATE_CHANGE, TAG_CHANGE)
"""EventBridge's own events that live events act on."""
_SERVICE = re.compile(r"^[a-z0-9-]+$")


def _native_event(payload: Mapping[str, Any], account: str, region: str) -> CloudTrailEvent:
    """A native event, with its ``resources`` copied into the detail for the id paths."""
    kind = str(payload.get("detail-type"))
    detail = payload.get("detail")
    if not isinstance(detail, Mapping):
        raise BadEvent("detail: expected an object")
    resources = _envelope_resources(payload)
    if kind == EC2_STATE_CHANGE:
        if payload.get("source") != "aws.ec2":
            raise BadEvent(f"source: expected aws.ec2 for {kind!r}")
        if not isinstance(detail.get("instance-id"), str) or not detail.get("instance-id"):
            raise BadEvent("detail.instance-id: expected an instance id")
        service: Any = "ec2"
    else:
        if payload.get("source") != "aws.tag":
            raise BadEvent(f"source: expected aws.tag for {kind!r}")
        service = detail.get("service")
        if not isinstance(service, str) or not _SERVICE.match(service):
            raise BadEvent("detail.service: expected the service name, such as sns")
        if not resources:
            raise BadEvent("resources: expected the ARN of the tagged resource")
    normalized = {**detail, "resources": resources}
    return CloudTrailEvent(
        account, region, f"{service}.amazonaws.com", kind, normalized, True, tuple(resources)
    )


def _envelope_resources(payload: Mapping[str, Any]) -> list[str]:
    resources = payload.get("resources", [])
    if not isinstance(resources, list) or not all(isinstance(r, str) for r in resources):
        raise BadEvent("resources: expected a list of ARNs")
    return resources


def cloudtrail_payload(
    account: str, region: str, source: str, name: str, request: Any = None, response: Any = None
) -> dict[str, Any]:
    """An "AWS API Call via CloudTrail" event in the layout an EventBridge API destination
    posts (the demo's live event and the tests build theirs with it)."""
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return {
        "version": "0",
        "id": "6f9a8d3e-1b2c-4d5e-8f90-123456789abc",
        "detail-type": CLOUDTRAIL_DETAIL_TYPE,
        "source": f"aws.{source.split('.')[0]}",
        "account": account,
        "time": now,
        "region": region,
        "resources": [],
        "detail": {
            "eventVersion": "1.09",
            "userIdentity": {"type": "AssumedRole", "accountId": account},
            "eventTime": now,
            "eventSource": source,
            "eventName": name,
            "awsRegion": region,
            "sourceIPAddress": "203.0.113.7",
            "userAgent": "aws-cli/2",
            "requestParameters": request,
            "responseElements": response,
            "requestID": "req-1",
            "eventID": "evt-1",
            "readOnly": False,
            "eventType": "AwsApiCall",
            "managementEvent": True,
            "recipientAccountId": account,
            "eventCategory": "Management",
        },
    }


def parse_event(payload: Any) -> CloudTrailEvent:
    """The fields of an "AWS API Call via CloudTrail" event (or of a native event this
    integration acts on), or BadEvent naming what is wrong."""
    if not isinstance(payload, Mapping):
        raise BadEvent(f"expected a JSON object, got {type(payload).__name__}")
    detail_type = payload.get("detail-type")
    if detail_type != CLOUDTRAIL_DETAIL_TYPE and detail_type not in NATIVE_DETAIL_TYPES:
        accepted = ", ".join(repr(t) for t in (CLOUDTRAIL_DETAIL_TYPE, *NATIVE_DETAIL_TYPES))
        raise BadEvent(f"detail-type: expected one of {accepted}")
    account = payload.get("account")
    if not isinstance(account, str) or not ACCOUNT_ID.match(account):
        raise BadEvent("account: expected a 12-digit account id")
    region = payload.get("region")
    if not isinstance(region, str) or not REGION_NAME.match(region):
        raise BadEvent("region: expected an AWS region name")
    if detail_type != CLOUDTRAIL_DETAIL_TYPE:
        return _native_event(payload, account, region)
    detail = payload.get("detail")
    if not isinstance(detail, Mapping):
        raise BadEvent("detail: expected an object")
    source = detail.get("eventSource")
    if not isinstance(source, str) or not source.endswith(".amazonaws.com"):
        raise BadEvent("detail.eventSource: expected a service host such as sqs.amazonaws.com")
    name = detail.get("eventName")
    if not isinstance(name, str) or not name:
        raise BadEvent("detail.eventName: expected the API operation name")
    if payload.get("source") != f"aws.{source.split('.')[0]}":
        raise BadEvent(f"source: expected aws.{source.split('.')[0]} for {source}")
    for key in ("requestParameters", "responseElements"):
        if detail.get(key) is not None and not isinstance(detail.get(key), Mapping):
            raise BadEvent(f"detail.{key}: expected an object or null")
    if detail.get("errorCode"):
        raise BadEvent(f"detail.errorCode: the call failed ({detail.get('errorCode')}), no change")
    resources = tuple(_envelope_resources(payload))
    return CloudTrailEvent(account, region, source, name, detail, resources=resources)


def kinds_for(event: CloudTrailEvent) -> list[ResourceType]:
    """The declared kinds this event creates, changes or deletes a resource of (an event naming
    only resources of other kinds, such as EC2's ``CreateTags`` on a volume, is not an
    instance's)."""
    return [
        rt
        for rt in RESOURCE_TYPES.values()
        if rt.live_events is not None
        and rt.live_events.source == event.source
        and (
            event.name in rt.live_events.native
            if event.native
            else event.name in (*rt.live_events.upserts, *rt.live_events.deletes)
        )
        and (
            not rt.live_events.id_pattern
            or resource_ids(rt, event)
            or not resource_ids(rt, event, of_kind=False)
        )
    ]


def resource_ids(rt: ResourceType, event: CloudTrailEvent, of_kind: bool = True) -> list[str]:
    """The identifiers the event names, from the first of the kind's ``ids`` that finds any;
    with ``of_kind``, only those matching the kind's ``id_pattern``. An ARN taken from the
    request's path is recorded URL-encoded (MSK's ``DeleteCluster``, EKS's
    ``AssociateAccessPolicy``: ``arn%3Aaws%3A…``); it is decoded."""
    live = rt.live_events
    assert live is not None
    paths = (live.native[event.name],) if event.native else live.ids
    for path in paths:
        try:
            found = jmespath.search(path, dict(event.detail))
        except jmespath.exceptions.JMESPathError:
            continue  # a value of another type than the expression expects: not this path
        values = found if isinstance(found, list) else [found]
        ids = list(dict.fromkeys(_decoded(v) for v in values if isinstance(v, str) and v))
        if ids:
            if of_kind and live.id_pattern:
                ids = [i for i in ids if re.search(live.id_pattern, i)]
            return ids
    return []


def _decoded(identifier: str) -> str:
    return unquote(identifier) if identifier[:6].lower() == "arn%3a" else identifier


def key_matches(settings_key: str | None, headers: Mapping[str, str]) -> bool:
    """Constant-time comparison of the header with the configured key (of their digests, so
    neither the key's characters nor its length show in the time taken); no key refuses all."""
    if not settings_key:
        return False
    sent = hashlib.sha256(headers.get(API_KEY_HEADER, "").encode()).digest()
    return hmac.compare_digest(sent, hashlib.sha256(settings_key.encode()).digest())


MAX_BODY_BYTES = 256 * 1024
"""The largest webhook body accepted: a CloudTrail event is a few KB (EventBridge caps an event
at 256 KB)."""

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[Message], Any]
ASGIApp = Callable[[Scope, Receive, Send], Any]


class WebhookGate:
    """In front of Ocean's app, which reads any webhook body whole and queues it before its
    processor checks the key: a POST to the live-events webhook with a wrong or missing key is
    answered 401, one whose body exceeds ``MAX_BODY_BYTES`` 413, before any of it is read
    past the limit, parsed or queued. Other requests pass untouched."""

    def __init__(self, app: ASGIApp, key: Callable[[], str | None] | None = None) -> None:
        self.app = app
        self.key = key or _configured_key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if (
            scope.get("type") != "http"
            or scope.get("method") != "POST"
            or not path.endswith(f"/integration{WEBHOOK_PATH}")
        ):
            await self.app(scope, receive, send)
            return
        headers = {
            name.decode("latin-1").lower(): value.decode("latin-1")
            for name, value in scope.get("headers", [])
        }
        key = self.key()
        if not key:
            _warn_no_key()
        if not key_matches(key, headers):
            await _refuse(send, 401, "wrong or missing x-port-aws-ocean-api-key")
            return
        declared = headers.get("content-length", "0")
        if not declared.isdigit() or int(declared) > MAX_BODY_BYTES:
            await _refuse(send, 413, f"body over {MAX_BODY_BYTES} bytes")
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away: nothing to queue
            body += message.get("body", b"")
            if len(body) > MAX_BODY_BYTES:
                await _refuse(send, 413, f"body over {MAX_BODY_BYTES} bytes")
                return
            if not message.get("more_body", False):
                break
        whole = bytes(body)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return {"type": "http.disconnect"}
            replayed = True
            return {"type": "http.request", "body": whole, "more_body": False}

        await self.app(scope, replay, send)


async def _refuse(send: Send, status: int, reason: str) -> None:
    body = f'{{"status": "refused", "message": "{reason}"}}'.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _configured_key() -> str | None:
    return _configured_settings().live_events_api_key


def _configured_settings() -> Settings:
    from port_ocean.context.ocean import ocean

    return load_settings(ocean.integration_config)


@dataclass
class Outcome:
    upserted: list[dict[str, Any]]
    deleted: list[dict[str, Any]]
    dropped: str = ""


async def apply_event(
    rt: ResourceType, event: CloudTrailEvent, run: ResyncRun, options: KindOptions
) -> Outcome:
    """Read the event's resources again and say which to upsert, which to delete, or why the
    event is dropped."""
    live = rt.live_events
    assert live is not None
    identifiers = resource_ids(rt, event)
    if not identifiers:
        region = run.home_region if rt.regionless else event.region
        identifiers, elsewhere = fallback_ids(rt, event, run.settings.partition, region)
        if not identifiers:
            paths = (live.native[event.name],) if event.native else live.ids
            reasons = [f"no identifier at {', '.join(paths)}", *elsewhere]
            if not elsewhere:
                reasons.append("nor an ARN of the kind among the event's resources")
            return Outcome([], [], "; ".join(reasons))
    return await read_again(rt, run, event.account, event.region, identifiers, options)


MAX_ARN_CANDIDATES = 500
"""Values of an event looked at for ARNs by ``fallback_ids`` (an event is at most 256 KB)."""

_ARN_SERVICES = {"monitoring": "cloudwatch"}
"""Event sources whose ARNs name another service (CloudWatch's ``monitoring.amazonaws.com``)."""


def fallback_ids(
    rt: ResourceType, event: CloudTrailEvent, partition: str, region: str
) -> tuple[list[str], list[str]]:
    """For an event in which none of the kind's declared paths finds an identifier: the
    resources of the kind the event names by ARN (the EventBridge envelope's ``resources``,
    CloudTrail's ``resources[].ARN``, ARN values among ``requestParameters`` and
    ``responseElements``), with why the others of the kind are left (another account's,
    region's or partition's). An ARN is of the kind when its service is the event's and it
    matches the kind's ``id_pattern``; a kind whose identifiers are ids, never plain names
    (EC2's ``subnet-…``), takes the id that ends the ARN (``…:subnet/subnet-0a1b``) when that
    matches. A kind without ``id_pattern`` has none."""
    live = rt.live_events
    assert live is not None
    if not live.id_pattern:
        return [], []
    prefix = event.source.split(".")[0]
    service = _ARN_SERVICES.get(prefix, prefix)
    detail = event.detail
    recorded = detail.get("resources") if not event.native else None
    candidates = [
        *event.resources,
        *(
            r.get("ARN")
            for r in (recorded if isinstance(recorded, list) else ())
            if isinstance(r, Mapping)
        ),
        *_strings(detail.get("requestParameters")),
        *_strings(detail.get("responseElements")),
    ]
    ids: list[str] = []
    elsewhere: list[str] = []
    for arn in dict.fromkeys(_decoded(c) for c in candidates if isinstance(c, str)):
        parts = arn.split(":", 5)
        if len(parts) < 6 or parts[0] != "arn" or parts[2] != service:
            continue
        identifier = arn
        if not re.search(live.id_pattern, arn):
            tail = parts[5].rsplit("/", 1)[-1]
            # only for ids of a fixed form: a pattern that also takes plain names would take
            # the last word of any ARN of the service as a name of this kind
            if re.search(live.id_pattern, "") or not re.search(live.id_pattern, tail):
                continue
            identifier = tail
        reason = _foreign(arn, partition, event.account, region)
        if reason:
            elsewhere.append(reason)
        elif identifier not in ids:
            ids.append(identifier)
    return ids, elsewhere


def _strings(value: Any) -> list[str]:
    """The strings in a JSON value (at most ``MAX_ARN_CANDIDATES`` values looked at)."""
    found: list[str] = []
    pending = [value]
    seen = 0
    while pending and seen < MAX_ARN_CANDIDATES:
        current = pending.pop()
        seen += 1
        if isinstance(current, str):
            found.append(current)
        elif isinstance(current, Mapping):
            pending.extend(current.values())
        elif isinstance(current, list):
            pending.extend(current)
    return found


async def read_again(
    rt: ResourceType,
    run: ResyncRun,
    account_id: str,
    region: str,
    identifiers: list[str],
    options: KindOptions,
) -> Outcome:
    """Read resources of a kind again in one account and region (global services: in the
    partition's home region, where the resync reads them)."""
    if rt.regionless:
        region = run.home_region
    elif not options.region_policy.permits(region):
        return Outcome([], [], f"region {region} is outside the kind's regionPolicy")
    discovery = await run.discovery()
    account = next((a for a in discovery.accounts if a.id == account_id), None)
    if account is None:
        return Outcome([], [], f"account {account_id} is outside the configured scope")
    sc = SliceContext(
        account,
        region,
        run.settings.partition,
        options,
        run.limiter(account.id, region, rt.service),
        discovery,
        call_timeout=run.settings.limits.call_timeout,
    )
    outcome = Outcome([], [])
    async with sc.stack:
        for identifier in identifiers[:MAX_IDS_PER_EVENT]:
            elsewhere = _elsewhere(identifier, sc)
            one = Outcome([], [], elsewhere) if elsewhere else await _reread(rt, sc, identifier)
            outcome.upserted += one.upserted
            outcome.deleted += one.deleted
            outcome.dropped = "; ".join(filter(None, (outcome.dropped, one.dropped)))
    return outcome


async def _reread(rt: ResourceType, sc: SliceContext, identifier: str) -> Outcome:
    live = rt.live_events
    assert live is not None
    for attempt in range(READ_ATTEMPTS):
        try:
            entry = await rt.read_one(sc, identifier)
            item = await read_one(rt, sc, entry)
        except Gone:
            return _gone(rt, sc, identifier)
        except Elsewhere as error:
            return Outcome([], [], str(error))
        except (ClientError, BotoCoreError, TimeoutError, OSError, UnboundedListing) as error:
            code = error_code(error)
            if code in live.not_found:
                return _gone(rt, sc, identifier)
            if (code in RETRIED_BY_LIVE_EVENTS or not isinstance(error, ClientError)) and (
                attempt + 1 < READ_ATTEMPTS
            ):
                await asyncio.sleep(BACKOFF_SECONDS * 2**attempt)
                continue
            return Outcome([], [], f"{code or type(error).__name__}: {error_message(error)}")
        if item is None:
            return Outcome([], [], f"{identifier} is not part of this kind's scope")
        return Outcome([item], [])
    return Outcome([], [], "retries exhausted")


def _elsewhere(identifier: str, sc: SliceContext) -> str:
    """Why an identifier that is an ARN or a URL is not of the event's account and region (its
    read would go to, or its delete remove, another account's or region's resource), or ""
    when it names them, or names none (a plain name is read where the event was recorded)."""
    return _foreign(identifier, sc.partition, sc.account.id, sc.region)


def _foreign(identifier: str, partition: str, account: str, region: str) -> str:
    owner = owner_of(identifier)
    if owner is None:
        return ""
    if owner.partition is not None and owner.partition != partition:
        return f"{identifier} is in partition {owner.partition}, not the event's {partition}"
    if owner.account is not None and owner.account != account:
        return f"{identifier} is in account {owner.account}, not the event's {account}"
    if owner.region is not None and owner.region != region:
        return f"{identifier} is in region {owner.region}, not the event's {region}"
    return ""


def _gone(rt: ResourceType, sc: SliceContext, identifier: str) -> Outcome:
    assert rt.live_events is not None
    props = rt.live_events.gone(identifier, sc)
    if props is None:
        return Outcome([], [], f"{identifier} is gone, but the event does not tell its ARN")
    for value in props.values():
        elsewhere = _elsewhere(value, sc) if isinstance(value, str) else ""
        if elsewhere:
            return Outcome([], [], elsewhere)
    return Outcome(
        [],
        [
            {
                "Type": rt.kind,
                "Properties": props,
                "__ExtraContext": {"AccountId": sc.account.id, "Region": sc.region},
            }
        ],
    )


class LiveEventProcessor(AbstractWebhookProcessor):
    """Every CloudTrail event EventBridge forwards, for every kind that declares it."""

    def _settings(self) -> Settings:
        return _configured_settings()

    async def authenticate(self, payload: EventPayload, headers: EventHeaders) -> bool:
        key = self._settings().live_events_api_key
        if not key:
            _warn_no_key()
        return key_matches(key, {k.lower(): v for k, v in headers.items()})

    async def validate_payload(self, payload: EventPayload) -> bool:
        try:
            parse_event(payload)
        except BadEvent as error:
            logger.warning(f"Live event rejected: {error}")
            return False
        return True

    async def should_process_event(self, event: WebhookEvent) -> bool:
        try:
            parsed = parse_event(event.payload)
        except BadEvent:
            return True  # validate_payload rejects it with its reason
        return bool(kinds_for(parsed))

    async def get_matching_kinds(self, event: WebhookEvent) -> list[str]:
        try:
            return [rt.kind for rt in kinds_for(parse_event(event.payload))]
        except BadEvent:
            return []

    async def handle_event(
        self, payload: EventPayload, resource: ResourceConfig
    ) -> WebhookEventRawResults:
        event = parse_event(payload)
        rt = RESOURCE_TYPES[resource.kind]
        options = getattr(resource.selector, "options", None)
        kind_options = options() if callable(options) else KindOptions()
        async with live_runs().use(self._settings()) as run:
            outcome = await apply_event(rt, event, run, kind_options)
        if outcome.dropped:
            logger.warning(
                f"Live event {event.source}:{event.name} for {rt.kind} in "
                f"{event.account}/{event.region} dropped: {outcome.dropped} "
                "(the next resync repairs it)"
            )
        return WebhookEventRawResults(
            updated_raw_results=outcome.upserted, deleted_raw_results=outcome.deleted
        )


_warned = False


def _warn_no_key() -> None:
    global _warned
    if not _warned:
        _warned = True
        logger.warning(
            "Live event refused: liveEventsApiKey is not configured (set it to the key of the "
            "EventBridge connection to accept live events)"
        )
