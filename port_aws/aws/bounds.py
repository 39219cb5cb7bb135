"""Bounds every AWS read runs under: a total deadline per call, paginations that cannot loop,
and groups of tasks that leave nothing running behind them.

botocore's retry mode bounds attempts and its socket timeouts bound each read, but neither bounds
the total time of one call (retries with back-off, a server that trickles bytes), and its
paginators only notice the same token twice in a row (``A, B, A, B …`` goes on forever). These
helpers close both gaps for every listing: the engine's paginators, hand-written token loops and
the Organizations walk.
"""

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any

MAX_PAGES = 10_000
"""Pages one listing may have (10,000 pages of 100 items is a million resources in one slice)."""


class UnboundedListing(RuntimeError):
    """A listing that cannot be trusted to end: a repeated token, or more pages than the cap.

    ``code`` names the problem in slice reports, like an AWS error code.
    """

    def __init__(self, code: str, operation: str, message: str) -> None:
        self.code = code
        self.operation = operation
        super().__init__(message)


class CallTimeout(TimeoutError):
    """One AWS call (or page) took longer than its deadline, retries included."""

    def __init__(self, action: str, seconds: float) -> None:
        self.action = action
        super().__init__(f"no answer within {seconds:g}s (callTimeoutSeconds)")


class PageGuard:
    """Counts the pages of one listing and refuses a pagination token it has already seen."""

    def __init__(self, operation: str, max_pages: int = MAX_PAGES) -> None:
        self.operation = operation
        self.max_pages = max_pages
        self.pages = 0
        self._seen: set[str] = set()

    def next_token(self, token: Any) -> None:
        """Record the token a page pointed to (None or empty: the listing ended)."""
        self.pages += 1
        if not token or (isinstance(token, dict) and not any(token.values())):
            return
        if self.pages >= self.max_pages:
            raise UnboundedListing(
                "TooManyPages",
                self.operation,
                f"{self.operation} still had more after {self.max_pages} pages; the listing was "
                "stopped (a listing this long is not trusted to end)",
            )
        key = json.dumps(token, sort_keys=True, default=str)
        if key in self._seen:
            raise UnboundedListing(
                "RepeatedPageToken",
                self.operation,
                f"{self.operation} answered a pagination token it had already sent (page "
                f"{self.pages}); the listing would never end, so it was stopped",
            )
        self._seen.add(key)


async def guarded_pages(
    page_iterator: Any, operation: str, call_timeout: float, max_pages: int = MAX_PAGES
) -> AsyncIterator[dict[str, Any]]:
    """The pages of a botocore paginator (``client.get_paginator(op).paginate(...)``), each
    fetched within ``call_timeout`` seconds, stopping with :class:`UnboundedListing` on a token
    seen before or past ``max_pages``."""
    guard = PageGuard(operation, max_pages)
    pages = page_iterator.__aiter__()
    while True:
        try:
            async with asyncio.timeout(call_timeout):
                page: dict[str, Any] = await pages.__anext__()
        except StopAsyncIteration:
            return
        except TimeoutError:
            raise CallTimeout(operation, call_timeout) from None
        guard.next_token(page_iterator._get_next_token(page))
        yield page


async def all_of[T](jobs: Iterable[Awaitable[T]], limit: int | None = None) -> list[T]:
    """Await every job concurrently (at most ``limit`` at once, when given), results in order;
    the first failure cancels the others and is raised as itself (not wrapped in an
    ExceptionGroup), so callers handle it like one call's."""
    bound = asyncio.Semaphore(limit) if limit is not None else None
    tasks: list[asyncio.Task[T]] = []
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(_awaited(job, bound)) for job in jobs]
    except BaseExceptionGroup as failed:
        raise _first(failed) from None
    return [task.result() for task in tasks]


async def _awaited[T](job: Awaitable[T], bound: asyncio.Semaphore | None) -> T:
    if bound is None:
        return await job
    async with bound:
        return await job


def _first(group: BaseExceptionGroup[BaseException]) -> BaseException:
    error: BaseException = group
    while isinstance(error, BaseExceptionGroup):
        error = error.exceptions[0]
    return error


async def each_at_once[E, T](items: Iterable[E], job: Callable[[E], Awaitable[T]]) -> list[T]:
    """``all_of`` over one job per item."""
    return await all_of(job(item) for item in items)


CALLS_PER_SECOND: dict[str, float] = {"lambda": 15.0, "cloudcontrol": 20.0}
"""Calls a slice starts per second, per service, for services whose request rate is limited per
account and region: Lambda's control plane (15 a second, AWS's published quota; GetFunction and
GetPolicy have their own) and Cloud Control (below what was observed: see
``cloudcontrol.CLOUDCONTROL_RATE``). Started evenly, the calls meet no throttling of their own
making, where a burst would be throttled, retried after a back-off and, past ``maxAttempts``,
fail its slice."""


class Pacer:
    """Starts calls at most ``per_second`` a second, evenly spaced: each caller takes the next
    free start time and sleeps until it."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second
        self.next_start = 0.0

    async def wait(self) -> None:
        now = asyncio.get_running_loop().time()
        start = max(now, self.next_start)
        self.next_start = start + self.interval
        if start > now:
            await asyncio.sleep(start - now)


class Throttle:
    """Calls to one service in one account and region, shared by the kinds that call it in one
    run: at most ``concurrency`` in flight (``async with``), and, for each service AWS limits in
    calls per second (:data:`CALLS_PER_SECOND`), started evenly at that rate (``paced``, before
    taking a slot, so no slot is held while waiting)."""

    def __init__(self, concurrency: int) -> None:
        self.slots = asyncio.Semaphore(concurrency)
        self._pacers: dict[str, Pacer] = {}

    async def paced(self, service: str) -> None:
        rate = CALLS_PER_SECOND.get(service)
        if rate is not None:
            if service not in self._pacers:
                self._pacers[service] = Pacer(rate)
            await self._pacers[service].wait()

    async def __aenter__(self) -> None:
        await self.slots.acquire()

    async def __aexit__(self, *exc: object) -> None:
        self.slots.release()
