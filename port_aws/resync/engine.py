"""One routine that reads any declared kind in every (account, region) slice.

Slices run concurrently under a global bound (and, per kind, an optional bound on accounts);
calls to one service in one account and region share a smaller bound. Items stream to Ocean in
batches as they arrive. A slice that cannot be read is a failed slice, never an empty one:
after every readable item was yielded, the kind raises one error naming the failed slices, so
Ocean keeps the entities it could not confirm. A slice is read in this process or in a reader
process (``port_aws.resync.readers.pool``), by the same function (``read_slice``).
"""

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from typing import Any

import jmespath
from botocore.exceptions import BotoCoreError, ClientError, UnknownEndpointError
from loguru import logger

from port_aws.aws.accounts import Account, Discovery
from port_aws.aws.bounds import CallTimeout, UnboundedListing
from port_aws.aws.clients import CachedSliceContext
from port_aws.aws.errors import (
    CREDENTIALS_REFUSED,
    IncompleteResyncError,
    classify,
    error_code,
    error_message,
)
from port_aws.aws.regions import Regions, partition_regions, service_regions
from port_aws.aws.tls import SHARED_CONNECTIONS
from port_aws.catalog import cloudcontrol
from port_aws.catalog.model import Item, KindOptions, ResourceType, Scope, SliceContext, action_of
from port_aws.resync.items import pascal_keys, raw_item, redact_paths
from port_aws.resync.readers.protocol import READER_EXITED, AccountSpec, SliceSpec
from port_aws.resync.state import ResyncRun
from port_aws.resync.stats import KindStats, SliceOutcome, SliceProblem, current_stats

BATCH_SIZE = 500


async def slice_pages(rt: ResourceType, sc: SliceContext) -> AsyncIterator[list[Item]]:
    """Pages of property dicts (PascalCase, with Arn) for one slice."""
    async for found in _listed(rt, sc):
        page = [props for entry in found if (props := _shaped(rt, sc, entry)) is not None]
        if page and (page := await _enrich(rt, sc, page)):
            yield [redact_paths(props, rt.secrets) for props in page] if rt.secrets else page


def _shaped(rt: ResourceType, sc: SliceContext, entry: Item) -> Item | None:
    props: Item | None = pascal_keys(entry)
    if props is not None and rt.shape is not None:
        props = rt.shape(props, sc)
    if props is not None and rt.arn and "Arn" not in props:
        props["Arn"] = rt.arn.format(
            partition=sc.partition, region=sc.region, account=sc.account.id, **props
        )
    return props


async def _listed(rt: ResourceType, sc: SliceContext) -> AsyncIterator[list[Any]]:
    if rt.lister is not None:
        async for page in rt.lister(sc):
            yield page
        return
    assert rt.operation is not None, f"{rt.kind} declares neither operation nor lister"
    async for answer in sc.pages(rt.service, rt.operation, **rt.params):
        entries = rt.select(answer)
        if rt.describe is None or not entries:
            yield entries
            continue
        d = rt.describe
        for start in range(0, len(entries), d.batch):
            described = await sc.call(
                rt.service, d.operation, **{d.param: entries[start : start + d.batch]}, **d.params
            )
            yield list(jmespath.search(d.items, described) or [])


async def _enrich(rt: ResourceType, sc: SliceContext, page: list[Item]) -> list[Item]:
    """Merge extra properties by item id. A failing enrichment fails the slice (no item is
    upserted with its fields silently missing); an item found deleted meanwhile is dropped."""
    chosen = [rt.tags] if rt.tags else []
    chosen += [rt.enrichments[name] for name in sc.options.include_actions]
    by_id = {str(item.get(rt.id)): item for item in page}
    gone: set[str] = set()
    for enrichment in chosen:
        extra = await enrichment.fetch(sc, page)
        for item_id, fields in extra.items():
            if fields is None:
                gone.add(item_id)
            elif (target := by_id.get(item_id)) is not None:
                target.update(fields)
    return [item for item in page if str(item.get(rt.id)) not in gone] if gone else page


async def read_slice(
    rt: ResourceType,
    sc: SliceContext,
    slice_timeout: float,
    put: Callable[[list[Item]], Awaitable[None]],
) -> SliceOutcome | None:
    """Read one slice into ``put``, page by page, as raw items; None when it was read
    completely, else why not. Time spent in ``put`` (waiting for Ocean to take the items) does
    not count against ``slice_timeout``. The integration's process and reader processes read
    every slice with this function."""
    account, region = sc.account, sc.region
    loop = asyncio.get_running_loop()
    deadline = asyncio.timeout(slice_timeout)
    try:
        async with deadline, sc.stack:
            async for page in slice_pages(rt, sc):
                extra = {"AccountName": account.name} if account.name else {}
                items = [
                    raw_item(rt.kind, props, account.id, _region_of(rt, props, region), **extra)
                    for props in page
                ]
                left = (deadline.when() or loop.time()) - loop.time()
                deadline.reschedule(None)
                await put(items)
                deadline.reschedule(loop.time() + left)
        return None
    except UnknownEndpointError:
        return SliceOutcome("unavailable", SliceProblem(account.id, region, "UnknownEndpoint", ""))
    except TimeoutError as error:
        if deadline.expired():
            message = f"not read within sliceTimeoutSeconds={slice_timeout:g}"
            return SliceOutcome("failed", SliceProblem(account.id, region, "SliceTimeout", message))
        return SliceOutcome("failed", slice_problem(error, account, region))
    except (ClientError, BotoCoreError, OSError, UnboundedListing) as error:
        return SliceOutcome("answered", slice_problem(error, account, region))
    except Exception as error:  # an answer this kind cannot read fails its slice only
        problem = SliceProblem(account.id, region, type(error).__name__, str(error))
        return SliceOutcome("failed", problem)


def accounts_for(rt: ResourceType, discovery: Discovery) -> list[Account]:
    """The accounts a kind is read in: every reachable one, or only the organization's
    management account for kinds read through AWS Organizations."""
    if rt.scope is not Scope.MANAGEMENT_ACCOUNT:
        return discovery.accounts
    if discovery.shard not in (None, 1):
        return []  # the organization's own view is read by shard 1 only
    has_organization = discovery.organization is not None and discovery.management is not None
    return [discovery.management] if has_organization and discovery.management else []


def _region_of(rt: ResourceType, props: Item, slice_region: str) -> str:
    if rt.region_property and props.get(rt.region_property):
        return str(props[rt.region_property])
    return slice_region


def slice_problem(error: BaseException, account: Account, region: str) -> SliceProblem:
    if isinstance(error, UnboundedListing):
        return SliceProblem(account.id, region, error.code, str(error), error.operation)
    if isinstance(error, CallTimeout):
        return SliceProblem(account.id, region, "CallTimeout", str(error), error.action)
    return SliceProblem(
        account.id, region, error_code(error), error_message(error) or "", action_of(error)
    )


def policy_regions(rt: ResourceType, options: KindOptions, partition: str) -> list[str]:
    """The regions of the partition a kind may be read in; none is a mapping error, never an
    empty kind (which would let Ocean delete every entity of the kind)."""
    if rt.regionless:
        return []
    known = service_regions(rt.service, partition)
    selected = [
        r
        for r in options.region_policy.apply(partition_regions(partition))
        if not known or r in known or rt.scope is not Scope.REGIONAL
    ]
    if not selected:
        raise IncompleteResyncError(
            f"{rt.kind}: the selector's regionPolicy {options.region_policy.model_dump()} selects "
            f"no region of partition {partition} where {rt.service} exists; fix the mapping "
            "(nothing was read, existing entities are kept)"
        )
    return selected


class KindRead:
    """One kind's read: a producer task reading every slice into a bounded queue, and the
    stream Ocean consumes at the kind's turn.

    A kind may be started before its turn (read ahead, ``current=False``) while Ocean maps and
    upserts an earlier kind: its slices then also take one of the run's read-ahead permits, so
    kinds read ahead never hold more than part of the global slice bound, and its queue (the
    same bounded queue as at its turn) makes its slices wait once a few batches are ready. At
    its turn (``promote``) it reads with the whole bound. Whatever failed while it was read
    ahead is raised when Ocean asks for it, exactly as if it had been read then.
    """

    def __init__(self, rt: ResourceType, options: KindOptions, run: ResyncRun, current: bool):
        self.rt = rt
        self.options = options
        self.run = run
        self.current = current
        self.stats = KindStats(rt.kind)
        self.queue: asyncio.Queue[list[Item] | None] = asyncio.Queue(maxsize=4)
        self.discovery: Discovery | None = None
        self.error: IncompleteResyncError | None = None
        self.producer: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.producer = asyncio.create_task(self._produce(), name=f"read {self.rt.kind}")

    def promote(self) -> None:
        """The kind's turn: its slices stop waiting for read-ahead permits."""
        self.current = True
        self.run.ahead.promote(self)

    async def cancel(self) -> None:
        """Stop reading (the resync ended or was cancelled); the slices' clients are released."""
        if self.producer is not None and not self.producer.done():
            self.producer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.producer

    async def _produce(self) -> None:
        stats, run, rt = self.stats, self.run, self.rt
        SHARED_CONNECTIONS.set(run.connections)  # this task's own context: its clients' pool
        try:
            allowed = policy_regions(rt, self.options, run.settings.partition)
            run.start_discovery()  # before this kind's counters: discovery's calls are not its
            current_stats.set(stats)  # this task's own context: every call below counts here
            await self._read_accounts(allowed)
        except IncompleteResyncError as error:
            self.error = error
        except Exception as error:  # a bug must not leave the kind waiting forever
            stats.failed.append(SliceProblem("*", "*", type(error).__name__, str(error)))
        await self.queue.put(None)

    async def _accounts(self) -> AsyncIterator[Account]:
        """The accounts this kind reads: each as soon as discovery hands it over, or, for kinds
        read through AWS Organizations, the management account once discovery is done."""
        if self.rt.scope is Scope.MANAGEMENT_ACCOUNT:
            self.discovery = await self.run.discovery()
            for account in accounts_for(self.rt, self.discovery):
                yield account
            return
        async for account in self.run.accounts():
            yield account
        self.discovery = await self.run.discovery()

    async def _read_accounts(self, allowed: list[str]) -> None:
        stats, run, rt, limits = self.stats, self.run, self.rt, self.run.settings.limits
        bound = self.options.max_concurrent_accounts
        account_bound = asyncio.Semaphore(bound) if bound else None

        async def read_account(account: Account) -> None:
            async with account_bound or contextlib.nullcontext():
                try:
                    if rt.scope is not Scope.REGIONAL:
                        regions = Regions([run.home_region], confirmed=True)
                    else:
                        enabled = await run.regions(account)
                        regions = Regions(
                            [r for r in enabled.names if r in allowed], enabled.confirmed
                        )
                except Exception as error:  # regions fall back on their own; anything else fails
                    problem = slice_problem(error, account, "*")
                    logger.error(f"{rt.kind}: account failed: {problem.describe()}")
                    stats.failed.append(problem)
                    return
                stats.slices_total += len(regions.names)
                async with asyncio.TaskGroup() as group:
                    for region in regions.names:
                        group.create_task(self._bounded_slice(account, region, regions))

        failed: Exception | None = None
        try:
            async with asyncio.timeout(run.remaining()), asyncio.TaskGroup() as group:
                reads: list[asyncio.Task[None]] = []
                try:
                    async for account in self._accounts():
                        reads.append(group.create_task(read_account(account)))
                except Exception as error:  # discovery failed: the kind fails with its words
                    failed = error
                    for read in reads:
                        read.cancel()
        except TimeoutError:
            if self.discovery is None:
                raise IncompleteResyncError(
                    f"{rt.kind}: incomplete, existing entities are kept: the resync passed "
                    f"resyncTimeoutSeconds={limits.resync_timeout:g} before accounts were "
                    "discovered"
                ) from None
            stats.failed.append(
                SliceProblem(
                    "*",
                    "*",
                    "ResyncTimeout",
                    f"the resync passed resyncTimeoutSeconds={limits.resync_timeout:g} with "
                    f"{stats.slices_total - stats.slices_done} slices of this kind unfinished",
                )
            )
        if failed is not None:
            raise failed

    async def _bounded_slice(self, account: Account, region: str, regions: Regions) -> None:
        ahead = await self.run.ahead.acquire(self)
        try:
            async with self.run.slice_bound:
                await self._read_and_record(account, region, regions.confirmed)
        finally:
            if ahead:
                self.run.ahead.release()

    async def _read_and_record(self, account: Account, region: str, confirmed: bool) -> None:
        stats, run, rt = self.stats, self.run, self.rt

        async def put(items: list[Item]) -> None:
            stats.items += len(items)
            stats.items_by_account[account.id] += len(items)
            await self.queue.put(items)

        def slice_context() -> CachedSliceContext:
            return run.slice_context(rt, account, region, self.options, self.discovery)

        slice_timeout = run.settings.limits.slice_timeout
        try:
            readers = run.readers_for(rt)
            if readers is None:
                outcome = await read_slice(rt, slice_context(), slice_timeout, put)
            else:
                spec = SliceSpec(rt.kind, self.options, AccountSpec.of(account), region)
                outcome = await readers.read(spec, put)
                if outcome is not None and outcome.problem.code == READER_EXITED:
                    logger.warning(
                        f"{rt.kind}: {outcome.problem.describe()}; the slice is read again in "
                        "the integration's process"
                    )
                    outcome = await read_slice(rt, slice_context(), slice_timeout, put)
            if outcome is None:
                stats.accounts.add(account.id)
                stats.regions.add(region)
            elif outcome.verdict == "unavailable":
                stats.unavailable.append(outcome.problem)
            elif outcome.verdict == "answered":
                _record_aws_error(rt, run, stats, outcome.problem, confirmed)
            else:
                logger.error(f"{rt.kind}: slice failed: {outcome.problem.describe()}")
                stats.failed.append(outcome.problem)
        finally:
            stats.slices_done += 1

    async def stream(self) -> AsyncGenerator[list[Item]]:
        """The kind's items in batches, at its turn; raises IncompleteResyncError at the end
        when any slice could not be read completely, so Ocean keeps the entities it could not
        confirm."""
        if self.producer is None:
            self.start()
        self.promote()
        stats = self.stats
        self.run.kinds.append(stats)
        progress = asyncio.create_task(_progress(stats, self.run.settings.limits.progress_interval))
        try:
            batch: list[Item] = []
            while (items := await self.queue.get()) is not None:
                batch += items
                if len(batch) >= BATCH_SIZE:
                    yield batch
                    batch = []
            if batch:
                yield batch
            assert self.producer is not None
            await self.producer
        finally:
            progress.cancel()
            await self.cancel()
        if self.error is not None:
            raise self.error
        stats.finished = time.monotonic()
        for line in stats.summary_lines():
            logger.info(line)
        failures = self.discovery.failures if self.discovery else []
        problems = [p.describe() for p in stats.failed] + [f.describe() for f in failures]
        if problems:
            # A generic kind that no slice read because no region's registry lists such a type
            # is one mapping error naming it, not one failure per slice.
            read_some = bool(stats.regions or stats.denied or failures)
            unknown = (
                None if read_some else cloudcontrol.unknown_everywhere(self.rt.kind, stats.failed)
            )
            raise IncompleteResyncError(
                unknown
                or f"{self.rt.kind}: incomplete, existing entities are kept ({len(problems)} "
                "problems): "
                + "; ".join(problems)
            )


def _record_aws_error(
    rt: ResourceType, run: ResyncRun, stats: KindStats, problem: SliceProblem, confirmed: bool
) -> None:
    """Record a slice that AWS answered with an error: not there, denied, or failed."""
    verdict = classify(problem.code, confirmed)
    if verdict == "unavailable":
        stats.unavailable.append(problem)
        return
    if verdict == "denied":
        action = problem.action or f"{rt.service} calls"
        if run.settings.access_denied == "empty":
            logger.warning(
                f"{rt.kind}: access denied in {problem.account_id}/{problem.region}: {action} is "
                f"not allowed ({problem.message}); accessDeniedPolicy=empty: read as empty, so "
                "its entities are deleted"
            )
            stats.denied.append(problem)
            return
        problem.message = (
            f"{action} is not allowed ({problem.message}); grant it to the integration's role "
            "(update the CloudFormation stack to the current template, or regenerate the policy "
            "with `make policy`), or remove the kind from the mapping"
        )
    elif problem.code in CREDENTIALS_REFUSED:
        problem.message += (
            " (the region is enabled, so its entities are kept; check the role's credentials)"
        )
    logger.error(f"{rt.kind}: slice failed: {problem.describe()}")
    stats.failed.append(problem)


async def _progress(stats: KindStats, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        logger.info(stats.progress_line())


async def read_first_page(rt: ResourceType, sc: SliceContext) -> int:
    """Read one slice exactly as the resync does, up to its first page of items (listing,
    describes, tags and the selector's enrichments); the number of items in that page. Raises
    what the resync would record as the slice's failure (``doctor`` uses it)."""
    async with sc.stack:
        async for page in slice_pages(rt, sc):
            return len(page)
    return 0


async def read_one(rt: ResourceType, sc: SliceContext, entry: Item) -> Item | None:
    """One resource as a resync would give it: shaped, enriched, as a raw item (live events)."""
    props = _shaped(rt, sc, entry)
    if props is None:
        return None
    page = await _enrich(rt, sc, [props])
    if not page:
        return None  # found deleted while it was enriched
    props = redact_paths(page[0], rt.secrets) if rt.secrets else page[0]
    extra = {"AccountName": sc.account.name} if sc.account.name else {}
    return raw_item(rt.kind, props, sc.account.id, _region_of(rt, props, sc.region), **extra)
