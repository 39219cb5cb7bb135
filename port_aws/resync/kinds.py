"""Ocean's resync of the mapping's kinds, one after another, each with its reads ahead (the
run they share is ``port_aws.resync.state``).

Ocean asks for the mapping's kinds one after another. When it asks for one, the next
``READ_AHEAD_KINDS`` kinds of the mapping start reading too, while Ocean maps and upserts the
current one: a latency-bound resync then costs about its slowest kind rather than the sum of
all. Kinds read ahead share the run's bounds and buffers (see ``port_aws.resync.engine.KindRead``).
"""

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any

from loguru import logger

from port_aws.catalog import resource_type
from port_aws.resync.engine import KindRead
from port_aws.resync.state import KindReading, ResyncRun
from port_aws.resync.stats import RESYNC_REPORT, render_report

READ_AHEAD_KINDS = 2
"""Kinds of the mapping read ahead of the one Ocean is consuming."""


def kind_read(run: ResyncRun, resources: Sequence[Any], index: int) -> KindReading:
    """The read of the mapping's resource ``index`` (at its turn), after starting the reads
    of the next ``READ_AHEAD_KINDS`` resources of the mapping."""
    for position in range(index, min(len(resources), index + 1 + READ_AHEAD_KINDS)):
        if position in run.reads:
            continue
        resource = resources[position]
        declared = resource_type(resource.kind)
        if declared is None:
            continue
        read = KindRead(declared, resource.selector.options(), run, current=position == index)
        read.start()
        run.reads[position] = read
    return run.reads[index]


async def finish_kind(run: ResyncRun, index: int, kinds_in_mapping: int) -> None:
    """A kind's turn ended. After the last one, the report is logged and the run closed."""
    run.reads.pop(index, None)
    if len(run.kinds) >= kinds_in_mapping:
        logger.info(RESYNC_REPORT + "\n" + render_report(run.kinds))
        await run.aclose()


async def close_run(run: ResyncRun) -> None:
    """The resync was cancelled: stop every read and close every client."""
    with contextlib.suppress(Exception):
        await asyncio.shield(run.aclose())
