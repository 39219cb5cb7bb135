"""aiobotocore clients kept per (account, region, service) across the kinds of one resync.

A slice opens one client per service it calls; without this cache every kind opens its own
again (an EC2 client costs ~10–25 ms of CPU to create). The cache is owned by the resync's run
and bounded: beyond ``capacity`` clients, the least recently used client that no slice is
using is closed. Clients in use are never closed, so at most ``capacity`` plus the clients of
the slices running at once are open. ``aclose`` closes every client at the end of the resync.
"""

import asyncio
import contextlib
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from port_aws.aws.accounts import Account
from port_aws.catalog.model import SliceContext

Key = tuple[str, str, str]


@dataclass
class _Entry:
    opening: "asyncio.Future[tuple[Any, Any]]"
    users: int = 0


@dataclass
class ClientCache:
    capacity: int
    _entries: OrderedDict[Key, _Entry] = field(default_factory=OrderedDict)
    opened: int = 0
    """Clients created (a figure for the report and the benchmark)."""
    reused: int = 0
    """Leases served by a client already open."""
    closed: bool = False

    @contextlib.asynccontextmanager
    async def lease(self, account: Account, region: str, service: str) -> AsyncIterator[Any]:
        """The client of (account, region, service), opened once and kept while leased."""
        if self.closed:
            raise RuntimeError("the resync's clients are closed")
        key = (account.id, region, service)
        entry = self._entries.get(key)
        if entry is None:
            entry = _Entry(asyncio.ensure_future(_open(account, region, service)))
            self._entries[key] = entry
            self.opened += 1
        else:
            self.reused += 1
        self._entries.move_to_end(key)
        entry.users += 1
        try:
            try:
                _, client = await asyncio.shield(entry.opening)
            except BaseException:
                failed = entry.opening.done() and (
                    entry.opening.cancelled() or entry.opening.exception() is not None
                )
                if failed and self._entries.get(key) is entry:
                    del self._entries[key]  # the next lease tries again
                raise
            yield client
        finally:
            entry.users -= 1
            await self._trim()

    async def _trim(self) -> None:
        while len(self._entries) > self.capacity:
            idle = next(
                (k for k, e in self._entries.items() if e.users == 0 and e.opening.done()), None
            )
            if idle is None:
                return  # every client beyond capacity is in use: closed when released
            await _close(self._entries.pop(idle))

    async def aclose(self) -> None:
        """Close every client (the end of the resync, whatever way it ended)."""
        self.closed = True
        entries = list(self._entries.values())
        self._entries.clear()
        for entry in entries:
            if not entry.opening.done():
                entry.opening.cancel()
            await _close(entry)

    def __len__(self) -> int:
        return len(self._entries)


async def _open(account: Account, region: str, service: str) -> tuple[Any, Any]:
    context = account.session.client(service, region_name=region)
    return context, await context.__aenter__()


async def _close(entry: _Entry) -> None:
    with contextlib.suppress(BaseException):
        context, _ = await entry.opening
        await asyncio.shield(context.__aexit__(None, None, None))


@dataclass
class CachedSliceContext(SliceContext):
    """A slice whose clients come from the resync's cache instead of being its own."""

    cache: ClientCache | None = None

    async def client(self, service: str) -> Any:
        if self.cache is None:
            return await super().client(service)
        if service not in self.clients:
            self.clients[service] = await self.stack.enter_async_context(
                self.cache.lease(self.account, self.region, service)
            )
        return self.clients[service]
