"""Everything a resync shares across kinds: accounts, regions, bounds and figures.

Accounts are discovered and their roles assumed once per resync; each account's regions are
resolved once; every kind reuses both.
"""

import asyncio
import time
from dataclasses import dataclass, field

from port_aws.accounts import Account, Discovery, discover_accounts
from port_aws.arn import PARTITIONS
from port_aws.catalog import cloudcontrol
from port_aws.credentials import CredentialSource, resolve_source
from port_aws.regions import Regions, enabled_regions
from port_aws.settings import Settings
from port_aws.stats import HOOKS, KindStats


@dataclass
class ResyncRun:
    settings: Settings
    kinds: list[KindStats] = field(default_factory=list)
    _source: CredentialSource | None = None
    _discovery: asyncio.Task[Discovery] | None = None
    _regions: dict[str, asyncio.Task[Regions]] = field(default_factory=dict)
    _limiters: dict[tuple[str, str, str], asyncio.Semaphore] = field(default_factory=dict)
    _region_bound: asyncio.Semaphore | None = None
    slice_bound: asyncio.Semaphore = field(init=False)
    started: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.slice_bound = asyncio.Semaphore(self.settings.limits.max_concurrency)
        self._region_bound = asyncio.Semaphore(self.settings.limits.max_concurrent_accounts)

    def remaining(self) -> float:
        """Seconds left before the resync's deadline (``resyncTimeoutSeconds``)."""
        return self.started + self.settings.limits.resync_timeout - time.monotonic()

    @property
    def home_region(self) -> str:
        return PARTITIONS[self.settings.partition]

    async def source(self) -> CredentialSource:
        if self._source is None:
            self._source = await resolve_source(self.settings, HOOKS)
        return self._source

    async def discovery(self) -> Discovery:
        """Accounts and their sessions, discovered once; every kind awaits the same result."""
        if self._discovery is None:
            self._discovery = asyncio.ensure_future(self._discover())
        return await asyncio.shield(self._discovery)

    async def _discover(self) -> Discovery:
        return await discover_accounts(self.settings, await self.source())

    async def regions(self, account: Account) -> Regions:
        if account.id not in self._regions:
            self._regions[account.id] = asyncio.ensure_future(self._enabled(account))
        return await asyncio.shield(self._regions[account.id])

    async def _enabled(self, account: Account) -> Regions:
        assert self._region_bound is not None
        async with self._region_bound:
            return await enabled_regions(
                account.session, self.settings.partition, self.settings.limits.call_timeout
            )

    def limiter(self, account_id: str, region: str, service: str) -> asyncio.Semaphore:
        key = (account_id, region, service)
        if key not in self._limiters:
            bound = self.settings.limits.max_concurrency_per_service
            if service == cloudcontrol.SERVICE:
                bound = min(bound, cloudcontrol.CLOUDCONTROL_CONCURRENCY)
            self._limiters[key] = asyncio.Semaphore(bound)
        return self._limiters[key]
