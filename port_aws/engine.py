"""One routine that reads any declared kind in every (account, region) slice.

Slices run concurrently under a global bound (and, per kind, an optional bound on accounts);
calls to one service in one account and region share a smaller bound. Items stream to Ocean in
batches as they arrive. A slice that cannot be read is a failed slice, never an empty one:
after every readable item was yielded, the kind raises one error naming the failed slices, so
Ocean keeps the entities it could not confirm.
"""

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

import jmespath
from botocore.exceptions import BotoCoreError, ClientError, UnknownEndpointError
from loguru import logger

from port_aws.accounts import Account, Discovery, error_code, error_message
from port_aws.catalog.model import Item, KindOptions, ResourceType, SliceContext
from port_aws.errors import IncompleteResyncError
from port_aws.items import pascal_keys, raw_item
from port_aws.regions import service_regions
from port_aws.run import ResyncRun
from port_aws.stats import KindStats, SliceProblem, current_stats

BATCH_SIZE = 500

DENIED = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedAccess",
        "AuthorizationError",
        "AuthorizationErrorException",
        "Forbidden",
    }
)
NOT_AVAILABLE = frozenset(
    {
        "OptInRequired",
        "AuthFailure",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "SubscriptionRequiredException",
        "RegionDisabledException",
    }
)


def _operation_of(error: BaseException) -> str:
    if isinstance(error, ClientError):
        return str(error.operation_name or "")
    return ""


async def _read_slice(rt: ResourceType, sc: SliceContext) -> AsyncIterator[list[Item]]:
    """Pages of property dicts (PascalCase, with Arn) for one slice."""
    async for found in _listed(rt, sc):
        page = [props for entry in found if (props := _shaped(rt, sc, entry)) is not None]
        if page:
            await _enrich(rt, sc, page)
            yield page


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


async def _enrich(rt: ResourceType, sc: SliceContext, page: list[Item]) -> None:
    """Merge extra properties by item id; a failing enrichment leaves items as they are."""
    chosen = [("tags", rt.tags)] if rt.tags else []
    chosen += [(name, rt.enrichments[name]) for name in sc.options.include_actions]
    by_id = {str(item.get(rt.id)): item for item in page}
    for name, enrichment in chosen:
        assert enrichment is not None
        try:
            extra = await enrichment.fetch(sc, page)
        except (ClientError, BotoCoreError) as error:
            logger.warning(
                f"{rt.kind} {sc.account.id}/{sc.region}: {name} skipped for {len(page)} items: "
                f"{error_code(error)}: {error_message(error)}"
            )
            continue
        for item_id, fields in extra.items():
            target = by_id.get(item_id)
            if target is not None:
                target.update(fields)


def _accounts_for(rt: ResourceType, discovery: Discovery) -> list[Account]:
    """The accounts a kind is read in: every reachable one, or only the organization's
    management account for kinds read through AWS Organizations."""
    if not rt.management_account:
        return discovery.accounts
    has_organization = discovery.organization is not None and discovery.management is not None
    return [discovery.management] if has_organization and discovery.management else []


def _region_of(rt: ResourceType, props: Item, slice_region: str) -> str:
    if rt.region_property and props.get(rt.region_property):
        return str(props[rt.region_property])
    return slice_region


def _problem(error: BaseException, account: Account, region: str, service: str) -> SliceProblem:
    operation = _operation_of(error)
    action = f"{service}:{operation}" if operation else ""
    return SliceProblem(account.id, region, error_code(error), error_message(error), action)


async def stream_kind(
    rt: ResourceType, options: KindOptions, run: ResyncRun
) -> AsyncIterator[list[Item]]:
    stats = KindStats(rt.kind)
    run.kinds.append(stats)
    discovery = await run.discovery()
    queue: asyncio.Queue[list[Item] | None] = asyncio.Queue(maxsize=4)
    account_bound = asyncio.Semaphore(
        options.max_concurrent_accounts or len(discovery.accounts) or 1
    )

    async def read_account(account: Account) -> None:
        async with account_bound:
            if rt.global_service:
                regions = [run.home_region]
            else:
                known = service_regions(rt.service, run.settings.partition)
                regions = [
                    r
                    for r in options.region_policy.apply(await run.regions(account))
                    if not known or r in known
                ]
            stats.slices_total += len(regions)
            await asyncio.gather(*(read_slice(account, region) for region in regions))

    async def read_slice(account: Account, region: str) -> None:
        async with run.slice_bound:
            sc = SliceContext(
                account,
                region,
                run.settings.partition,
                options,
                run.limiter(account.id, region, rt.service),
                discovery,
            )
            try:
                async with sc.stack:
                    async for page in _read_slice(rt, sc):
                        extra = {"AccountName": account.name} if account.name else {}
                        items = [
                            raw_item(
                                rt.kind, props, account.id, _region_of(rt, props, region), **extra
                            )
                            for props in page
                        ]
                        stats.items += len(items)
                        stats.items_by_account[account.id] += len(items)
                        await queue.put(items)
                stats.accounts.add(account.id)
                stats.regions.add(region)
            except UnknownEndpointError:
                stats.unavailable.append(SliceProblem(account.id, region, "UnknownEndpoint", ""))
            except (TimeoutError, ClientError, BotoCoreError, OSError) as error:
                problem = _problem(error, account, region, rt.service)
                if problem.code in NOT_AVAILABLE:
                    stats.unavailable.append(problem)
                elif problem.code in DENIED:
                    logger.warning(
                        f"{rt.kind}: access denied in {account.id}/{region}: "
                        f"{problem.action or rt.service} is not allowed ({problem.message})"
                    )
                    (stats.failed if run.settings.access_denied == "fail" else stats.denied).append(
                        problem
                    )
                else:
                    logger.error(f"{rt.kind}: slice failed: {problem.describe()}")
                    stats.failed.append(problem)
            except Exception as error:  # an answer this kind cannot read fails its slice only
                problem = SliceProblem(account.id, region, type(error).__name__, str(error))
                logger.error(f"{rt.kind}: slice failed: {problem.describe()}")
                stats.failed.append(problem)
            finally:
                stats.slices_done += 1

    async def produce() -> None:
        current_stats.set(stats)  # this task's own context: every call below counts here
        try:
            await asyncio.gather(*(read_account(a) for a in _accounts_for(rt, discovery)))
        finally:
            await queue.put(None)

    producer = asyncio.create_task(produce())
    progress = asyncio.create_task(_progress(stats, run.settings.limits.progress_interval))
    try:
        batch: list[Item] = []
        while (items := await queue.get()) is not None:
            batch += items
            if len(batch) >= BATCH_SIZE:
                yield batch
                batch = []
        if batch:
            yield batch
        await producer
    finally:
        progress.cancel()
        producer.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await producer
    stats.finished = time.monotonic()
    for line in stats.summary_lines():
        logger.info(line)
    problems = [p.describe() for p in stats.failed] + [f.describe() for f in discovery.failures]
    if problems:
        raise IncompleteResyncError(
            f"{rt.kind}: incomplete, existing entities are kept ({len(problems)} problems): "
            + "; ".join(problems)
        )


async def _progress(stats: KindStats, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        logger.info(stats.progress_line())


async def read_one(rt: ResourceType, sc: SliceContext, entry: Item) -> Item | None:
    """One resource as a resync would give it: shaped, enriched, as a raw item (live events)."""
    props = _shaped(rt, sc, entry)
    if props is None:
        return None
    await _enrich(rt, sc, [props])
    extra = {"AccountName": sc.account.name} if sc.account.name else {}
    return raw_item(rt.kind, props, sc.account.id, _region_of(rt, props, sc.region), **extra)
