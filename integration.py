"""The Ocean integration class (the mapping's models are ``port_aws.mapping``)."""

from port_ocean.context.ocean import PortOceanContext
from port_ocean.core.handlers.port_app_config.api import APIPortAppConfig
from port_ocean.core.handlers.port_app_config.models import PortAppConfig
from port_ocean.core.integrations.base import BaseIntegration
from pydantic.v1 import ValidationError as PydanticV1Error

from port_aws.config.port_credentials import check_before_sail
from port_aws.live.events import WebhookGate
from port_aws.mapping import AWSPortAppConfig, mapping_error
from port_aws.ocean.processor import BatchJQEntityProcessor


class AWSAppConfigHandler(APIPortAppConfig):
    CONFIG_CLASS = AWSPortAppConfig

    async def get_port_app_config(self, use_cache: bool = True) -> PortAppConfig:
        try:
            return await super().get_port_app_config(use_cache)
        except PydanticV1Error as error:
            raise mapping_error(error) from None


class AWSIntegration(BaseIntegration):
    AppConfigHandlerClass = AWSAppConfigHandler
    EntityProcessorClass = BatchJQEntityProcessor

    def __init__(self, context: PortOceanContext) -> None:
        super().__init__(context)
        # Live events' key and body size are checked before Ocean reads and queues a request.
        context.app.fast_api_app.add_middleware(WebhookGate)


# `ocean sail` loads this file before it validates its configuration or calls Port: a bad
# setting, missing or refused Port credentials, or Port out of reach stop it here in one line.
check_before_sail()
