"""Resync handlers: every kind of the catalog runs through one engine."""

import asyncio

from loguru import logger
from port_ocean.context.event import event
from port_ocean.context.ocean import ocean
from port_ocean.context.resource import resource as current_resource
from port_ocean.core.ocean_types import ASYNC_GENERATOR_RESYNC_TYPE

from port_aws.catalog import resource_type
from port_aws.errors import ConfigError
from port_aws.live import WEBHOOK_PATH, LiveEventProcessor
from port_aws.resync import close_run, finish_kind, kind_read, run_for
from port_aws.settings import load_settings


@ocean.on_start()
async def on_start() -> None:
    try:
        load_settings(ocean.integration_config)
    except ConfigError as error:
        logger.error(f"Invalid integration configuration: {error}")
        raise SystemExit(2) from None


@ocean.on_resync()
async def resync_kind(kind: str) -> ASYNC_GENERATOR_RESYNC_TYPE:
    assert resource_type(kind) is not None, f"{kind} passed mapping validation"
    resources = event.port_app_config.resources
    run = run_for(event.id, ocean.integration_config)
    if not run.reads:
        event.on_abort(run.abort)
    index = current_resource.index
    try:
        async for batch in kind_read(run, resources, index).stream():
            yield batch
    except asyncio.CancelledError:
        await close_run(run)
        raise
    finally:
        await finish_kind(run, index, len(resources))


ocean.add_webhook_processor(WEBHOOK_PATH, LiveEventProcessor)
