"""Resync handlers: every kind of the catalog runs through one engine."""

import asyncio
from typing import NoReturn

from loguru import logger
from port_ocean.context.event import event
from port_ocean.context.ocean import ocean
from port_ocean.context.resource import resource as current_resource
from port_ocean.core.ocean_types import ASYNC_GENERATOR_RESYNC_TYPE

from port_aws.aws.errors import ConfigError
from port_aws.catalog import resource_type
from port_aws.config.settings import load_settings
from port_aws.live.events import WEBHOOK_PATH, LiveEventProcessor
from port_aws.ocean.jq_check import InvalidJQError, invalid_expression
from port_aws.resync.kinds import close_run, finish_kind, kind_read
from port_aws.resync.state import ResyncRun, run_for
from port_aws.resync.stats import KindStats, SliceProblem

# Mappings are data from Port: a JQ expression must not read this process's environment (its
# secrets: the live-events key, AWS keys). Ocean allows it unless told otherwise.
ocean.config.allow_environment_variables_jq_access = False


@ocean.on_start()
async def on_start() -> None:
    try:
        load_settings(ocean.integration_config)
    except ConfigError as error:
        logger.error(f"Invalid integration configuration: {error}")
        raise SystemExit(2) from None


async def _fail_kind(run: ResyncRun, index: int, kind: str, reason: str) -> NoReturn:
    """The kind's mapping cannot be applied: nothing of it is read or upserted, it counts as
    failed in the report, and raising keeps Ocean from deleting its entities."""
    read = run.reads.get(index)
    if read is not None:  # started ahead of its turn
        await read.cancel()
    stats = KindStats(kind)
    stats.failed.append(SliceProblem("*", "*", "InvalidMapping", reason))
    run.kinds.append(stats)
    raise InvalidJQError(reason)


@ocean.on_resync()
async def resync_kind(kind: str) -> ASYNC_GENERATOR_RESYNC_TYPE:
    assert resource_type(kind) is not None, f"{kind} passed mapping validation"
    resources = event.port_app_config.resources
    run = run_for(event.id, ocean.integration_config)
    if not run.reads:
        event.on_abort(run.abort)
    index = current_resource.index
    try:
        invalid = invalid_expression(current_resource.resource_config.dict(by_alias=True))
        if invalid is not None:
            await _fail_kind(run, index, kind, invalid)
        async for batch in kind_read(run, resources, index).stream():
            yield batch
    except asyncio.CancelledError:
        await close_run(run)
        raise
    finally:
        await finish_kind(run, index, len(resources))


ocean.add_webhook_processor(WEBHOOK_PATH, LiveEventProcessor)
