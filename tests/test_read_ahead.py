"""Kinds read ahead: Ocean asks for kinds one after another, and the next kinds of the mapping
are read meanwhile. A kind read ahead that fails still fails at its turn (nothing deleted), it
waits with a bounded buffer when its turn has not come, it never starves the kind Ocean is
consuming, and nothing is left running or open when the run ends."""

import asyncio
import gc
from collections.abc import AsyncIterator

from port_aws.catalog.model import Item, KindOptions, ResourceType, Scope, SliceContext
from port_aws.config.settings import load_settings
from port_aws.resync.engine import BATCH_SIZE, KindRead
from port_aws.resync.state import COLLECTOR_THRESHOLDS, ResyncRun
from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, mapping_for, resync
from tests.test_safety import ECS, REGIONS, SQS, fault, seed_ecs_and_sqs

PAGE = 100


async def test_a_kind_read_ahead_that_fails_raises_at_its_turn(aws: Emulator) -> None:
    aws.list_regions(REGIONS, page_size=10)
    seed_ecs_and_sqs(aws)
    mapping = mapping_for(ECS, SQS)
    assert [r["kind"] for r in mapping["resources"]] == [ECS, SQS]
    clean = await resync(STATIC, mapping)
    assert clean.errors == []
    before = {e["identifier"]: e for e in clean.upserted_entities}

    aws.faults(
        [
            fault(
                service="sqs",
                action="ListQueues",
                region="eu-west-1",
                code="AWS.SimpleQueueService.UnsupportedOperation",
            )
        ]
    )
    faulty = await resync(STATIC, mapping, existing=list(before.values()))

    assert faulty.deleted_entities == []
    assert [e for e in faulty.upserted_entities if e["identifier"] not in before] == []
    text = " | ".join(str(error) for error in faulty.errors)
    assert len(faulty.errors) == 1 and SQS in text and f"{DEFAULT_ACCOUNT}/eu-west-1" in text
    assert ECS not in text, "the kind before it is complete"
    from port_aws.resync.state import current_run

    run = current_run()
    assert run is not None
    ecs, sqs = run.kinds
    assert sqs.started < (ecs.finished or 0), "SQS was read while ECS was being consumed"
    assert run.reads == {} and run.clients.closed and len(run.clients) == 0


def _endless(kind: str, produced: list[int]) -> ResourceType:
    async def pages(sc: SliceContext) -> AsyncIterator[list[Item]]:
        while True:
            produced.append(PAGE)
            n = len(produced)
            yield [{"Id": f"{n}-{i}", "Arn": f"arn:aws:test:::{kind}/{n}-{i}"} for i in range(PAGE)]

    return ResourceType(kind, "sts", "Id", (), lister=pages, scope=Scope.GLOBAL)


def _finite(kind: str, count: int) -> ResourceType:
    async def pages(sc: SliceContext) -> AsyncIterator[list[Item]]:
        for n in range(count):
            yield [{"Id": f"{n}", "Arn": f"arn:aws:test:::{kind}/{n}"}]

    return ResourceType(kind, "sts", "Id", (), lister=pages, scope=Scope.GLOBAL)


async def _settled(counter: list[int]) -> None:
    """Wait until ``counter`` stops growing (the reads wait on their buffers)."""
    for _ in range(100):
        seen = len(counter)
        await asyncio.sleep(0.05)
        if len(counter) == seen:
            return
    raise AssertionError("the read never waited")


async def test_reading_ahead_is_bounded_and_never_starves_the_current_kind(aws: Emulator) -> None:
    run = ResyncRun(load_settings({**STATIC, "max_concurrency": 2}))  # one read-ahead permit
    first: list[int] = []
    second: list[int] = []
    ahead = [
        KindRead(_endless("Test::Ahead::One", first), KindOptions(), run, current=False),
        KindRead(_endless("Test::Ahead::Two", second), KindOptions(), run, current=False),
    ]
    for read in ahead:
        read.start()
    await _settled(first)
    await _settled(second)
    # One kind holds the only read-ahead permit and waits with a full buffer; the other waits
    # for a permit without reading anything.
    reading, waiting = (ahead[0], ahead[1]) if first else (ahead[1], ahead[0])
    assert reading.queue.full()
    assert sum(first + second) <= (reading.queue.maxsize + 2) * PAGE
    assert waiting.stats.items == 0

    # The current kind still gets a slice permit and reads to the end.
    current = KindRead(_finite("Test::Current::Kind", 3), KindOptions(), run, current=True)
    items = [item async for batch in current.stream() for item in batch]
    assert len(items) == 3

    # At its turn the waiting kind reads without a read-ahead permit.
    waiting.promote()
    stream = waiting.stream()
    assert len(await anext(stream)) == BATCH_SIZE
    await stream.aclose()  # Ocean stops consuming: the kind's producer is cancelled
    assert waiting.producer is not None and waiting.producer.done()

    run.reads = {1: reading}
    await run.aclose()  # the end of the resync: reads still running are cancelled
    assert reading.producer is not None and reading.producer.done()
    assert run.clients.closed and len(run.clients) == 0


def test_a_resync_tunes_the_garbage_collector_for_short_lived_objects() -> None:
    previous = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)  # Python's defaults
        ResyncRun(load_settings(STATIC))
        assert gc.get_threshold() == COLLECTOR_THRESHOLDS
        assert COLLECTOR_THRESHOLDS[0] > 700
    finally:
        gc.set_threshold(*previous)
