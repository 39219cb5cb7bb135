"""What a kind is: one declaration that the engine knows how to read everywhere.

A declaration names the service, the paginated list operation and where the items are in each
page, the identifier, how to build the ARN when the API lacks it, an optional batch describe
step, tags and optional enrichments, and the operations they call (the IAM actions follow
from them: ``operation_action``). Kinds the list operations cannot express (parents and
children, history) give a ``lister`` instead; it still runs through the same engine and
context.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Any

import botocore.session
import jmespath
from botocore import xform_name
from botocore.exceptions import ClientError
from pydantic import BaseModel, Field

from port_aws.aws.accounts import Account, Discovery
from port_aws.aws.bounds import (
    MAX_PAGES,
    CallTimeout,
    Throttle,
    UnboundedListing,
    guarded_pages,
)
from port_aws.aws.iam import iam_action
from port_aws.aws.regions import RegionPolicy

Item = dict[str, Any]


class KindOptions(BaseModel):
    """Per-kind choices from the mapping's selector."""

    region_policy: RegionPolicy = Field(default_factory=RegionPolicy)
    include_actions: list[str] = Field(default_factory=list)
    max_concurrent_accounts: int | None = None
    history_days: int = 30
    history_max_per_parent: int = 100
    full_models: bool = True
    """Generic kinds: each resource's model as GetResource answers it, unless the list answer is
    the whole model (``cloudcontrol``); False takes the list answer as it is."""


@cache
def _botocore() -> botocore.session.Session:
    """A botocore session to read service models from (never to call AWS)."""
    return botocore.session.get_session()


@cache
def _api_names(service: str) -> dict[str, str]:
    """botocore's operation names of a service by client method (``describe_instances`` ->
    ``DescribeInstances``)."""
    return {
        xform_name(name): name for name in _botocore().get_service_model(service).operation_names
    }


def operation_action(service: str, operation: str) -> str:
    """The IAM action of a client method of botocore's ``service``, e.g. ``("ec2",
    "describe_instances")`` -> ``ec2:DescribeInstances`` (``iam_action`` names the exceptions);
    ValueError for an operation the service does not have."""
    name = _api_names(service).get(operation)
    if name is None:
        raise ValueError(
            f"{service} has no operation {operation!r}: declarations name botocore's client "
            "methods (e.g. 'describe_instances'), not IAM actions"
        )
    return iam_action(service, name)


@cache
def _limit_key(service: str, operation: str) -> str:
    """The page-size parameter of a client method in botocore's paginator model, or ``""``."""
    try:
        paginator = _botocore().get_paginator_model(service)
        return str(paginator.get_paginator(_api_names(service)[operation]).get("limit_key", ""))
    except ValueError:  # no paginator for this operation
        return ""


@cache
def _takes_list(service: str, operation: str, param: str) -> bool:
    """True when ``param`` of a client method is a list (botocore's service model)."""
    model = _botocore().get_service_model(service).operation_model(_api_names(service)[operation])
    return bool(model.input_shape.members[param].type_name == "list")


def _named(error: ClientError, service: str) -> None:
    """Annotate the error with the IAM action of the call that failed (see ``action_of``)."""
    error.iam_action = iam_action(service, error.operation_name or "")  # type: ignore[attr-defined]


def action_of(error: BaseException) -> str:
    """The IAM action of the call behind an error, when known (e.g. ``ecs:ListClusters``)."""
    if isinstance(error, CallTimeout | UnboundedListing):
        return error.action if isinstance(error, CallTimeout) else error.operation
    return str(getattr(error, "iam_action", ""))


@dataclass
class SliceContext:
    """One (account, region) of one kind: its clients, bounded calls and options."""

    account: Account
    region: str
    partition: str
    options: KindOptions
    limiter: Throttle
    """The slice's bound on calls to its kind's service (``bounds.Throttle``): in flight and paced."""
    discovery: Discovery | None = None
    stack: AsyncExitStack = field(default_factory=AsyncExitStack)
    clients: dict[str, Any] = field(default_factory=dict)
    call_timeout: float = 120.0
    """Seconds one call may take in all, retries and back-off included."""
    max_pages: int = MAX_PAGES
    """Pages one listing may have before the slice fails."""

    async def client(self, service: str) -> Any:
        """One client per service per slice, so its connection pool is reused."""
        if service not in self.clients:
            self.clients[service] = await self.stack.enter_async_context(
                self.account.session.client(service, region_name=self.region)
            )
        return self.clients[service]

    async def call(self, service: str, operation: str, **params: Any) -> dict[str, Any]:
        client = await self.client(service)
        await self.limiter.paced(service)
        try:
            async with self.limiter, asyncio.timeout(self.call_timeout):
                answer: dict[str, Any] = await getattr(client, operation)(**params)
        except TimeoutError:
            raise CallTimeout(
                operation_action(service, operation),
                self.call_timeout,
            ) from None
        except ClientError as error:
            _named(error, service)
            raise
        return answer

    async def pages(
        self, service: str, operation: str, **params: Any
    ) -> AsyncIterator[dict[str, Any]]:
        """botocore's paginator, with the service bound held for each page's call only; each
        page within the call deadline, a repeated token or too many pages fail the slice."""
        client = await self.client(service)
        pages = guarded_pages(
            client.get_paginator(operation).paginate(**params),
            operation_action(service, operation),
            self.call_timeout,
            self.max_pages,
        ).__aiter__()
        while True:
            await self.limiter.paced(service)
            async with self.limiter:
                try:
                    page = await pages.__anext__()
                except StopAsyncIteration:
                    return
                except ClientError as error:
                    _named(error, service)
                    raise
            yield page

    def arn(
        self, service: str, resource: str, region: str | None = None, account: str | None = None
    ) -> str:
        region = self.region if region is None else region
        account = self.account.id if account is None else account
        return f"arn:{self.partition}:{service}:{region}:{account}:{resource}"

    def history_since(self) -> datetime:
        return datetime.now(UTC) - timedelta(days=self.options.history_days)


Fetch = Callable[[SliceContext, list[Item]], Awaitable[Mapping[str, Item | None]]]
"""Extra properties per item id; None for an item found deleted meanwhile (it is dropped)."""
Lister = Callable[[SliceContext], AsyncIterator[list[Item]]]


@dataclass(frozen=True)
class Enrichment:
    """Extra properties for a page of items, returned by item id and merged by id only.

    A failing enrichment fails its slice: no item is upserted with the enrichment's fields
    silently missing."""

    fetch: Fetch
    calls: tuple[str, ...]
    """The operations (snake_case) ``fetch`` calls: they give the IAM actions it needs."""
    description: str = ""
    service: str = ""
    """botocore's service of ``calls``, where it is not the kind's."""


@dataclass(frozen=True)
class Describe:
    """A batch call turning listed ids into full descriptions."""

    operation: str
    param: str
    items: str
    batch: int = 100
    params: Mapping[str, Any] = field(default_factory=dict)


ReadOne = Callable[[SliceContext, str], Awaitable[Item]]


class Gone(Exception):
    """Raised by a ``LiveEvents.read`` when the service answered, without an error code, that
    the resource is not there: an empty answer to a read filtered to its id, or a status that
    the resync's list never shows (ECS's ``INACTIVE``, CloudFormation's ``DELETE_COMPLETE``).
    The entity is deleted, as on a not-found code."""


class Elsewhere(Exception):
    """Raised by a ``LiveEvents.read`` when the resource named exists but is not the event's
    account's (an S3 bucket name is global: a bucket policy may let this account's role act on
    another account's bucket). Nothing is upserted or deleted; the message says why."""


TAG_CHANGE = "Tag Change on Resource"
"""EventBridge's event for a tag added, changed or removed on a resource (any caller)."""
EC2_STATE_CHANGE = "EC2 Instance State-change Notification"
"""EventBridge's event for an instance changing state (pending, running, stopping …)."""
ARN_TAG_CHANGE: Mapping[str, str] = {TAG_CHANGE: "resources[]"}
"""``LiveEvents.native`` of a kind whose read takes the resource's ARN (as its own
``TagResource`` event names it)."""


@dataclass(frozen=True)
class LiveEvents:
    """Which CloudTrail management events touch a resource of a kind, and how to read it again.

    ``ids`` are JMESPath expressions tried in order on the event's ``detail`` (e.g.
    ``requestParameters.queueUrl``); the first that finds a string, or a list of strings (one
    event may name several resources, as ``RunInstances`` does), gives the identifiers.
    The resource is read again by the kind's own call narrowed to it (``filter``), or by a
    ``read`` of its own; either returns the one resource as the list step would (before
    shaping) or raises the service's not-found error, one of ``not_found`` (or ``Gone``);
    ``gone`` builds the
    properties of a deleted resource (its id and ARN) so Ocean can delete it, or None where
    the event does not tell the ARN (the next resync removes the entity). A read uses only
    the IAM actions the kind already has (the installation's policy is built from them).
    """

    source: str
    upserts: tuple[str, ...]
    deletes: tuple[str, ...]
    ids: tuple[str, ...]
    not_found: tuple[str, ...]
    gone: Callable[[str, SliceContext], Item | None]
    filter: str = ""
    """The parameter of the kind's ``describe`` call (by default its ``param``), else of its
    list call, that narrows the answer to one identifier, e.g. ``LoadBalancerArns``: given as a
    one-item list where the API takes a list. The kind's ``params`` go along, but for page
    sizes. An answer listing nothing says the resource is gone."""
    filter_value: Callable[[str], str] | None = None
    """The ``filter`` value of an identifier from an event, where they differ (a name from an
    ARN, ``parts.last_part``)."""
    gone_if: Callable[[Item], bool] | None = None
    """True for an answer that describes a deleted resource (CloudFormation's stack in
    ``DELETE_COMPLETE``): it is gone."""
    read: ReadOne | None = None
    """A read of its own, for kinds whose call cannot be narrowed by a ``filter``."""
    id_pattern: str = ""
    """A regular expression (``re.search``) every identifier of this kind matches, for events
    that name resources of several kinds (EC2's ``CreateTags``, ECS's ``TagResource``): an
    identifier of another kind is ignored, never read as this kind's (which could delete)."""
    native: Mapping[str, str] = field(default_factory=dict)
    """EventBridge's own events about this kind (not CloudTrail's): detail-type -> JMESPath of
    the identifiers in the event's ``detail``, where the event's top-level ``resources`` (ARNs)
    are copied in, e.g. ``{"Tag Change on Resource": "resources[]"}``. They are read again like
    CloudTrail events; their source is ``aws.<service>`` (``aws.tag`` for tag changes, whose
    ``detail.service`` names the service)."""


class Scope(StrEnum):
    """Where a kind is read."""

    REGIONAL = "regional"
    """In every enabled region of every account that the regionPolicy allows."""
    GLOBAL = "global"
    """Once per account, in the partition's home region (IAM, Route 53, CloudFront, S3's list):
    the service is global."""
    MANAGEMENT_ACCOUNT = "management account"
    """Once per resync, in the organization's management account and the home region, whether
    or not that account is in the synced scope (Organizations kinds)."""


@dataclass(frozen=True)
class ResourceType:
    kind: str
    service: str
    id: str
    """Property (PascalCase) holding the identifier that enrichments match on."""
    calls: tuple[str, ...] = ()
    """Operations of ``service`` (snake_case) the listing makes besides ``operation`` and
    ``describe`` (a ``lister``'s): with them they give ``permissions``."""
    operation: str | None = None
    """Paginated list operation (snake_case), e.g. ``describe_instances``."""
    items: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    describe: Describe | None = None
    arn: str | None = None
    """ARN template when the API gives none: ``{partition}``, ``{region}``, ``{account}`` and
    item properties, e.g. ``arn:{partition}:s3:::{BucketName}``."""
    scope: Scope = Scope.REGIONAL
    """Where the kind is read: in each region, once per account, or once in the management
    account (see ``Scope``)."""
    region_property: str | None = None
    """For kinds not read per region whose items each live in a region (S3 buckets): the
    property naming it. The regionPolicy then applies to the items, and the item's region is
    that property's (not the home region the list was read in)."""
    tags: Enrichment | None = None
    enrichments: Mapping[str, Enrichment] = field(default_factory=dict)
    lister: Lister | None = None
    shape: Callable[[Item, SliceContext], Item | None] | None = None
    """Per-item adjustment after PascalCase; returning None drops the item (e.g. another region's)."""
    secrets: tuple[str, ...] = ()
    """Paths (see ``items.redact_paths``) of values that may hold secrets, such as environment
    variables: replaced by a marker before an item leaves the engine, names kept."""
    action_aliases: Mapping[str, str | None] = field(default_factory=dict)
    """Other ``includeActions`` names accepted for this kind (Port's aws-v3 names its options
    by class, e.g. ``GetBucketEncryptionAction``): each maps to one of ``enrichments``, or to
    None where this integration always does that work (tags, the describe calls)."""
    live_events: LiveEvents | None = None
    """CloudTrail events that update this kind between resyncs (see port_aws/live/events.py)."""
    no_live_events: str = ""
    """Why a kind without ``live_events`` has none (one short reason, listed in
    docs/kinds.md); every kind has one or the other."""

    def __post_init__(self) -> None:
        live = self.live_events
        if live is not None and live.read is None and not (live.filter or self.describe):
            raise ValueError(f"{self.kind}: live_events needs a filter (or a read of its own)")

    async def read_one(self, sc: SliceContext, identifier: str) -> Item:
        """One resource of the kind again, for a live event (see ``LiveEvents``)."""
        live = self.live_events
        assert live is not None, self.kind
        if live.read is not None:
            return await live.read(sc, identifier)
        if self.describe is not None:
            operation, items = self.describe.operation, self.describe.items
            param, params = live.filter or self.describe.param, dict(self.describe.params)
        else:
            assert self.operation is not None and live.filter, self.kind
            operation, items, param = self.operation, self.items, live.filter
            paging = {"PaginationConfig", _limit_key(self.service, operation)}
            params = {k: v for k, v in self.params.items() if k not in paging}
        value = live.filter_value(identifier) if live.filter_value else identifier
        many = _takes_list(self.service, operation, param)
        answer = await sc.call(
            self.service, operation, **{param: [value] if many else value}, **params
        )
        found = jmespath.search(items, answer)
        entries = found if isinstance(found, list) else [found]
        if not entries or not isinstance(entries[0], dict):
            raise Gone(identifier)
        if live.gone_if is not None and live.gone_if(entries[0]):
            raise Gone(identifier)
        return dict(entries[0])

    @property
    def regionless(self) -> bool:
        """Read once (not per region) and its items have no region of their own: the
        regionPolicy does not apply, and the kind lives in the partition's home region."""
        return self.scope is not Scope.REGIONAL and self.region_property is None

    @property
    def permissions(self) -> tuple[str, ...]:
        """The IAM actions of the listing: of ``operation``, ``describe`` and ``calls``."""
        describe = (self.describe.operation,) if self.describe else ()
        operations = ((self.operation,) if self.operation else ()) + describe + self.calls
        return tuple(dict.fromkeys(operation_action(self.service, op) for op in operations))

    @property
    def all_permissions(self) -> tuple[str, ...]:
        """Every IAM action the kind may need: the listing's, its tags' and enrichments'."""
        actions = list(self.permissions)
        for extra in [self.tags, *self.enrichments.values()]:
            if extra is not None:
                service = extra.service or self.service
                actions += [operation_action(service, op) for op in extra.calls]
        return tuple(dict.fromkeys(actions))

    def select(self, page: dict[str, Any]) -> list[Any]:
        found = jmespath.search(self.items, page) if self.items else page
        return list(found or [])

    def include_action(self, name: str) -> str | None:
        """The enrichment an ``includeActions`` name selects (None: always done); KeyError
        for a name this kind does not know."""
        if name in self.enrichments:
            return name
        return self.action_aliases[name]
