"""Everything a resync shares across kinds: accounts, regions, bounds and figures.

Accounts are discovered and their roles assumed once per resync, each handed to the kinds as
soon as its role is assumed (an organization's while its OU walk goes on); each account's
regions are resolved once; every kind reuses both.
"""

import asyncio
import contextlib
import contextvars
import gc
import time
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from weakref import WeakValueDictionary

from loguru import logger

from port_aws.aws.accounts import Account, Discovery, discover_accounts
from port_aws.aws.arn import PARTITIONS
from port_aws.aws.bounds import Throttle
from port_aws.aws.clients import CachedSliceContext, ClientCache
from port_aws.aws.credentials import CredentialSource, resolve_source
from port_aws.aws.regions import Regions, enabled_regions
from port_aws.aws.tls import SharedConnections
from port_aws.catalog import cloudcontrol
from port_aws.catalog.model import Item, KindOptions, ResourceType, Scope
from port_aws.config.settings import Settings, load_settings
from port_aws.resync.readers.pool import AUTO_AFTER_SLICES, Readers, reader_count, without_readers
from port_aws.resync.stats import HOOKS, KindStats

COLLECTOR_THRESHOLDS = (50_000, 20, 20)
"""Python's cyclic garbage collector, set when a resync starts and kept for the process (which
serves resyncs and live events). With its defaults (700, 10, 10) a young collection runs every
700 allocations and the many objects that live for one page or one batch are promoted and
trigger full collections of the whole heap (botocore's service models, Ocean's entities): a
quarter of the resync's CPU. Young collections every 50,000 allocations let those objects die
young; garbage cycles wait a little longer (a few MB)."""

CLIENTS_PER_SLICE = 4
"""Clients the run keeps open per slice of its global bound (``maxConcurrency``), in use or not;
an EC2 client holds ~0.1 MB, most services' a few KB."""


class KindReading(Protocol):
    """A kind's read as the run holds it (``port_aws.resync.engine.KindRead``): its batches at
    its turn, and a way to stop it when the resync ends first."""

    def stream(self) -> AsyncGenerator[list[Item]]: ...

    async def cancel(self) -> None: ...


class AheadGate:
    """Read-ahead permits: slices of kinds read before their turn take one as well as a slice
    permit, so they hold at most ``limit`` of the global slice bound and the kind Ocean is
    consuming always has the rest. A kind whose turn comes is promoted: its waiting slices go
    on without a permit."""

    def __init__(self, limit: int) -> None:
        self.free = limit
        self._waiters: deque[tuple[asyncio.Future[bool], Any]] = deque()

    async def acquire(self, read: Any) -> bool:
        """True when a permit was taken (to release); False when the kind is current."""
        if read.current:
            return False
        if self.free > 0 and not self._waiters:
            self.free -= 1
            return True
        waiter: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiters.append((waiter, read))
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled() and waiter.result():
                self.release()  # handed a permit just as it was cancelled
            raise

    def release(self) -> None:
        while self._waiters:
            waiter, _ = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(True)
                return
        self.free += 1

    def promote(self, read: Any) -> None:
        kept: deque[tuple[asyncio.Future[bool], Any]] = deque()
        for waiter, owner in self._waiters:
            if owner is read:
                if not waiter.done():
                    waiter.set_result(False)
            else:
                kept.append((waiter, owner))
        self._waiters = kept


@dataclass
class ResyncRun:
    settings: Settings
    kinds: list[KindStats] = field(default_factory=list)
    _source: CredentialSource | None = None
    _discovery: asyncio.Task[Discovery] | None = None
    _found: list[Account] = field(default_factory=list)
    """Accounts handed over by discovery so far, in order (their roles assumed)."""
    _change: "asyncio.Future[None] | None" = None
    _regions: dict[str, asyncio.Task[Regions]] = field(default_factory=dict)
    _limiters: "WeakValueDictionary[tuple[str, str, str], Throttle]" = field(
        default_factory=WeakValueDictionary
    )
    """The service bound of each (account, region, service) some slice is reading: kept by the
    slices' contexts, it is gone (with its pacers) once none reads there, so the run holds as
    many as slices are in flight, not one per account, region and service ever read."""
    _region_bound: asyncio.Semaphore | None = None
    slice_bound: asyncio.Semaphore = field(init=False)
    ahead: AheadGate = field(init=False)
    """Read-ahead permits: half the global slice bound."""
    clients: ClientCache = field(init=False)
    """Clients per (account, region, service), shared by every kind of the resync."""
    connections: SharedConnections = field(init=False)
    """One connection pool for all those clients."""
    started: float = field(default_factory=time.monotonic)
    reads: dict[int, KindReading] = field(default_factory=dict)
    """Kinds of the mapping started (at their turn or read ahead), by their index in it."""
    closing: "asyncio.Task[None] | None" = None
    readers: Readers | None = None
    """Reader processes, once started (see ``port_aws.resync.readers.pool``)."""
    _auto_readers: int = field(init=False)
    """Readers "auto" starts once the resync has begun enough slices here (0: never)."""
    _slices_here: int = 0
    """Slices begun in this process while "auto" readers are not started."""

    def __post_init__(self) -> None:
        gc.set_threshold(*COLLECTOR_THRESHOLDS)
        auto = self.settings.limits.reader_processes is None
        self._auto_readers = reader_count(self.settings) if auto else 0
        self.slice_bound = asyncio.Semaphore(self.settings.limits.max_concurrency)
        self._region_bound = asyncio.Semaphore(self.settings.limits.max_concurrent_accounts)
        self.ahead = AheadGate(self.settings.limits.max_concurrency // 2)
        self.clients = ClientCache(CLIENTS_PER_SLICE * self.settings.limits.max_concurrency)
        limits = self.settings.limits
        self.connections = SharedConnections(
            limits.max_concurrency * max(10, limits.max_concurrency_per_service)
        )

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

    def start_discovery(self) -> "asyncio.Task[Discovery]":
        """Discovery starts once per resync, in the context of the first kind that asks (before
        that kind's own counters are set); so do reader processes set by number."""
        if self._discovery is None:
            self._discovery = asyncio.ensure_future(self._discover())
            if self.settings.limits.reader_processes:
                self.readers = Readers(self.settings, reader_count(self.settings))
        return self._discovery

    async def discovery(self) -> Discovery:
        """Accounts and their sessions, discovered once; every kind awaits the same result."""
        return await asyncio.shield(self.start_discovery())

    async def accounts(self) -> AsyncIterator[Account]:
        """The reachable accounts as discovery hands them over (an organization's while its OU
        walk goes on), then those only its result names; raises what discovery raises, after
        the accounts handed over before it failed."""
        task = self.start_discovery()
        taken = 0
        while True:
            while taken < len(self._found):  # discovery hands each account over once
                taken += 1
                yield self._found[taken - 1]
            if task.done():
                break
            if self._change is None or self._change.done():
                self._change = asyncio.get_running_loop().create_future()
            await asyncio.shield(self._change)
        given = {account.id for account in self._found}
        for account in (await self.discovery()).accounts:
            if account.id not in given:
                yield account

    def _handed(self, account: Account) -> None:
        self._found.append(account)
        self._changed()

    def _changed(self) -> None:
        if self._change is not None and not self._change.done():
            self._change.set_result(None)

    async def _discover(self) -> Discovery:
        try:
            return await discover_accounts(self.settings, await self.source(), self._handed)
        finally:
            self._changed()

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

    def limiter(self, account_id: str, region: str, service: str) -> Throttle:
        """The bound shared by the slices reading ``service`` in (account, region) at once."""
        key = (account_id, region, service)
        limiter = self._limiters.get(key)
        if limiter is None:
            bound = self.settings.limits.max_concurrency_per_service
            if service == cloudcontrol.SERVICE:
                bound = min(bound, cloudcontrol.CLOUDCONTROL_CONCURRENCY)
            limiter = self._limiters[key] = Throttle(bound)
        return limiter

    def slice_context(
        self,
        rt: ResourceType,
        account: Account,
        region: str,
        options: KindOptions,
        discovery: Discovery | None = None,
    ) -> CachedSliceContext:
        """One slice of ``rt`` in ``account`` and ``region``: this run's clients, the kind's
        service bound there and the call deadline."""
        return CachedSliceContext(
            account,
            region,
            self.settings.partition,
            options,
            self.limiter(account.id, region, rt.service),
            discovery,
            call_timeout=self.settings.limits.call_timeout,
            cache=self.clients,
        )

    def readers_for(self, rt: ResourceType) -> Readers | None:
        """The reader processes to read a slice of ``rt`` in, or None to read it here (kinds
        read through AWS Organizations use discovery's own result; see ``readerProcesses``)."""
        if rt.scope is Scope.MANAGEMENT_ACCOUNT:
            return None
        if self.readers is None and self._auto_readers:
            self._slices_here += 1
            if self._slices_here > AUTO_AFTER_SLICES:
                self.readers = Readers(self.settings, self._auto_readers)
        return self.readers

    async def aclose(self) -> None:
        """The end of the resync, however it ended: every read still running (kinds read ahead
        whose turn never came) is cancelled, then the readers stop and every client is
        closed."""
        for read in list(self.reads.values()):
            await read.cancel()
        if self.readers is not None:
            await self.readers.aclose()
        await self.clients.aclose()
        await self.connections.aclose()

    def abort(self) -> None:
        """Ocean aborted the resync (a newer one was requested): close everything soon."""
        open_clients = len(self.clients) and not self.clients.closed
        if self.closing is None and (self.reads or open_clients):
            self.closing = asyncio.ensure_future(self.aclose())


# The run of the current resync, looked up by Ocean's event id (one per process).

_current: tuple[str, ResyncRun] | None = None


def run_for(event_id: str, config: Mapping[str, Any]) -> ResyncRun:
    """The run of this resync: created by its first kind, reused by the others. A run left
    by an earlier resync (one that ended before its last kind) is closed."""
    global _current
    if _current is None or _current[0] != event_id:
        if _current is not None:
            _current[1].abort()
        _current = (event_id, ResyncRun(load_settings(config)))
    return _current[1]


def current_run() -> ResyncRun | None:
    """The run of the latest resync (its figures, once it finished)."""
    return _current[1] if _current else None


def forget() -> None:
    """Drop the latest run (its accounts, sessions and figures)."""
    global _current
    _current = None


# The run live events share (one per process), refreshed in the background.

RUN_TTL_SECONDS = 900.0
"""Seconds a live run's discovery of the accounts is used before it is done again."""
REFRESH_RETRY_SECONDS = 60.0
"""Seconds before a failed discovery of the live events' accounts is tried again."""


class LiveRuns:
    """The run live events share: its accounts discovered for the first event, then again every
    ``RUN_TTL_SECONDS`` in the background (new and removed accounts) while events go on with
    the last good discovery, so a large organization's walk never holds an event (nor eats its
    processing budget); a new run when the settings change. A live run never starts reader
    processes, and a replaced run is closed once the events using it are done."""

    def __init__(self) -> None:
        self._current: ResyncRun | None = None
        self._settings: Settings | None = None
        """The settings ``_current`` was made for, as configured."""
        self._discovered_at = 0.0
        self._refresh: asyncio.Task[None] | None = None
        self._users: dict[int, int] = {}
        """Events using each run (by id)."""
        self._retired: dict[int, ResyncRun] = {}
        """Replaced runs still in use by an event: closed when it is done."""
        self._closing: set[asyncio.Task[None]] = set()

    @contextlib.asynccontextmanager
    async def use(self, settings: Settings) -> AsyncIterator[ResyncRun]:
        run = self._run_for(settings)
        self._users[id(run)] = self._users.get(id(run), 0) + 1
        try:
            yield run
        finally:
            self._users[id(run)] -= 1
            if not self._users[id(run)]:
                del self._users[id(run)]
                if id(run) in self._retired:
                    self._close(self._retired.pop(id(run)))

    def _run_for(self, settings: Settings) -> ResyncRun:
        if self._current is None or self._settings != settings:
            # No discovery of these settings yet: the event waits for the first one.
            self._replace(ResyncRun(without_readers(settings)), settings)
            assert self._current is not None
            return self._current
        discovery = self._current.start_discovery()
        failed = discovery.done() and (discovery.cancelled() or discovery.exception() is not None)
        due = REFRESH_RETRY_SECONDS if failed else RUN_TTL_SECONDS
        idle = self._refresh is None or self._refresh.done()
        if idle and time.monotonic() - self._discovered_at > due:
            # Outside any event: its own task, in an empty context (no event's figures).
            self._refresh = asyncio.get_running_loop().create_task(
                self._rediscover(settings), context=contextvars.Context()
            )
        return self._current

    async def _rediscover(self, settings: Settings) -> None:
        run = ResyncRun(without_readers(settings))
        try:
            await run.discovery()
        except Exception as error:
            logger.warning(
                f"Live events: discovering the accounts again failed ({type(error).__name__}: "
                f"{error}); events go on with the accounts discovered before, tried again in "
                f"{REFRESH_RETRY_SECONDS:g} s"
            )
            self._discovered_at = time.monotonic() - RUN_TTL_SECONDS + REFRESH_RETRY_SECONDS
            await run.aclose()
            return
        if self._settings != settings:  # replaced meanwhile by a run of other settings
            await run.aclose()
            return
        self._replace(run, settings)

    def _replace(self, run: ResyncRun, settings: Settings) -> None:
        old, self._current, self._settings = self._current, run, settings
        self._discovered_at = time.monotonic()
        if old is None:
            return
        if id(old) in self._users:
            self._retired[id(old)] = old
        else:
            self._close(old)

    def _close(self, run: ResyncRun) -> None:
        discovery = run.start_discovery()
        if not discovery.done():
            discovery.cancel()
        closing = asyncio.ensure_future(run.aclose())
        self._closing.add(closing)
        closing.add_done_callback(self._closing.discard)

    async def aclose(self) -> None:
        """Close every run (the current one, those replaced) and stop a refresh."""
        if self._refresh is not None:
            self._refresh.cancel()
            with contextlib.suppress(BaseException):
                await self._refresh
        for run in [*self._retired.values(), *filter(None, [self._current])]:
            self._close(run)
        self._current, self._settings, self._retired = None, None, {}
        await asyncio.gather(*self._closing, return_exceptions=True)


_runs = LiveRuns()


def live_runs() -> LiveRuns:
    return _runs


def forget_run() -> None:
    """Start afresh (tests: each harness its own runs)."""
    global _runs
    _runs = LiveRuns()
