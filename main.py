"""Resync handlers: every kind of the catalog runs through one engine."""

from typing import cast

from loguru import logger
from port_ocean.context.event import event
from port_ocean.context.ocean import ocean
from port_ocean.core.ocean_types import ASYNC_GENERATOR_RESYNC_TYPE

from integration import AWSResourceConfig
from port_aws.catalog import resource_type
from port_aws.engine import stream_kind
from port_aws.errors import ConfigError
from port_aws.live import WEBHOOK_PATH, LiveEventProcessor
from port_aws.resync import report_if_last, run_for
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
    declared = resource_type(kind)
    assert declared is not None, f"{kind} passed mapping validation"
    resource = cast(AWSResourceConfig, event.resource_config)
    run = run_for(event.id, ocean.integration_config)
    try:
        async for batch in stream_kind(declared, resource.selector.options(), run):
            yield batch
    finally:
        report_if_last(run, len(event.port_app_config.resources))


ocean.add_webhook_processor(WEBHOOK_PATH, LiveEventProcessor)
