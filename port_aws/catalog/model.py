"""What a kind is: one declaration that the engine knows how to read everywhere.

A declaration names the service, the paginated list operation and where the items are in each
page, the identifier, how to build the ARN when the API lacks it, an optional batch describe
step, tags and optional enrichments, and the IAM actions all of that needs. Kinds the list
operations cannot express (parents and children, history) give a ``lister`` instead; it still
runs through the same engine and context.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import jmespath
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, Field

from port_aws.accounts import Account, Discovery
from port_aws.regions import RegionPolicy

Item = dict[str, Any]
T = TypeVar("T")


class KindOptions(BaseModel):
    """Per-kind choices from the mapping's selector."""

    region_policy: RegionPolicy = Field(default_factory=RegionPolicy)
    include_actions: list[str] = Field(default_factory=list)
    max_concurrent_accounts: int | None = None
    history_days: int = 30
    history_max_per_parent: int = 100


@dataclass
class SliceContext:
    """One (account, region) of one kind: its clients, bounded calls and options."""

    account: Account
    region: str
    partition: str
    options: KindOptions
    limiter: asyncio.Semaphore
    discovery: Discovery | None = None
    stack: AsyncExitStack = field(default_factory=AsyncExitStack)
    clients: dict[str, Any] = field(default_factory=dict)

    async def client(self, service: str) -> Any:
        """One client per service per slice, so its connection pool is reused."""
        if service not in self.clients:
            self.clients[service] = await self.stack.enter_async_context(
                self.account.session.client(service, region_name=self.region)
            )
        return self.clients[service]

    async def call(self, service: str, operation: str, **params: Any) -> dict[str, Any]:
        client = await self.client(service)
        async with self.limiter:
            answer: dict[str, Any] = await getattr(client, operation)(**params)
        return answer

    async def pages(
        self, service: str, operation: str, **params: Any
    ) -> AsyncIterator[dict[str, Any]]:
        """botocore's paginator, with the service bound held for each page's call only."""
        client = await self.client(service)
        iterator = client.get_paginator(operation).paginate(**params).__aiter__()
        while True:
            async with self.limiter:
                try:
                    page = await iterator.__anext__()
                except StopAsyncIteration:
                    return
            yield page

    def arn(
        self, service: str, resource: str, region: str | None = None, account: str | None = None
    ) -> str:
        region = self.region if region is None else region
        account = self.account.id if account is None else account
        return f"arn:{self.partition}:{service}:{region}:{account}:{resource}"

    async def each(
        self, items: list[Item], fetch: Callable[[Item], Awaitable[T]]
    ) -> list[T | None]:
        """Per-item calls where AWS has no batch form; bounded by the slice's service limiter.

        A failed call gives None for that item only.
        """

        async def one(item: Item) -> T | None:
            try:
                return await fetch(item)
            except (ClientError, BotoCoreError):
                return None

        return list(await asyncio.gather(*(one(item) for item in items)))

    def history_since(self) -> datetime:
        return datetime.now(UTC) - timedelta(days=self.options.history_days)


Fetch = Callable[[SliceContext, list[Item]], Awaitable[dict[str, Item]]]
Lister = Callable[[SliceContext], AsyncIterator[list[Item]]]


@dataclass(frozen=True)
class Enrichment:
    """Extra properties for a page of items, returned by item id and merged by id only."""

    fetch: Fetch
    permissions: tuple[str, ...]
    description: str = ""


@dataclass(frozen=True)
class Describe:
    """A batch call turning listed ids into full descriptions."""

    operation: str
    param: str
    items: str
    batch: int = 100
    params: Mapping[str, Any] = field(default_factory=dict)


ReadOne = Callable[[SliceContext, str], Awaitable[Item]]


@dataclass(frozen=True)
class LiveEvents:
    """Which CloudTrail management events touch a resource of a kind, and how to read it again.

    ``ids`` are JMESPath expressions tried in order on the event's ``detail`` (e.g.
    ``requestParameters.queueUrl``); ``read`` returns the one resource as the list step would
    (before shaping) or raises the service's not-found error, one of ``not_found``; ``gone``
    builds the properties of a deleted resource (its id and ARN) so Ocean can delete it.
    """

    source: str
    upserts: tuple[str, ...]
    deletes: tuple[str, ...]
    ids: tuple[str, ...]
    read: ReadOne
    not_found: tuple[str, ...]
    gone: Callable[[str, SliceContext], Item]


@dataclass(frozen=True)
class ResourceType:
    kind: str
    service: str
    id: str
    """Property (PascalCase) holding the identifier that enrichments match on."""
    permissions: tuple[str, ...]
    operation: str | None = None
    """Paginated list operation (snake_case), e.g. ``describe_instances``."""
    items: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    describe: Describe | None = None
    arn: str | None = None
    """ARN template when the API gives none: ``{partition}``, ``{region}``, ``{account}`` and
    item properties, e.g. ``arn:{partition}:s3:::{BucketName}``."""
    global_service: bool = False
    management_account: bool = False
    """Read only in the organization's management account (Organizations kinds), whether or
    not that account is in the synced scope."""
    region_property: str | None = None
    """For kinds listed globally whose items live in a region (S3): the property naming it."""
    tags: Enrichment | None = None
    enrichments: Mapping[str, Enrichment] = field(default_factory=dict)
    lister: Lister | None = None
    shape: Callable[[Item, SliceContext], Item | None] | None = None
    """Per-item adjustment after PascalCase; returning None drops the item (e.g. another region's)."""
    history: bool = False
    live_events: LiveEvents | None = None
    """CloudTrail events that update this kind between resyncs (see port_aws/live.py)."""

    @property
    def all_permissions(self) -> tuple[str, ...]:
        actions = list(self.permissions)
        for extra in [self.tags, *self.enrichments.values()]:
            if extra is not None:
                actions += extra.permissions
        return tuple(dict.fromkeys(actions))

    def select(self, page: dict[str, Any]) -> list[Any]:
        found = jmespath.search(self.items, page) if self.items else page
        return list(found or [])
