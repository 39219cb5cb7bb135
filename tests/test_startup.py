"""A bad configuration stops the integration at start-up with one line naming the setting."""

import pytest
from port_ocean.integration_testing import IntegrationTestHarness, InterceptTransport

from tests.rig import ROOT, default_mapping


async def test_bad_configuration_stops_start_up_with_one_line(logs: list[str]) -> None:
    harness = IntegrationTestHarness(
        integration_path=str(ROOT),
        port_mapping_config=default_mapping(),
        third_party_transport=InterceptTransport(strict=False),
        config_overrides={
            "integration": {
                "identifier": "aws-test",
                "type": "aws-hosted-by-port",
                "config": {"aws_access_key_id": "AKIAEXAMPLE"},
            }
        },
    )
    await harness.start()
    try:
        assert harness._ocean is not None
        [on_start] = harness._ocean.integration.event_strategy.start
        with pytest.raises(SystemExit) as stopped:
            await on_start()
    finally:
        await harness.shutdown()

    assert stopped.value.code == 2
    errors = [line for line in logs if "Invalid integration configuration" in line]
    assert len(errors) == 1
    assert (
        errors[0]
        .rstrip("\n")
        .endswith(
            "Invalid integration configuration: aws_secret_access_key: static credentials need both "
            "aws_access_key_id and aws_secret_access_key"
        )
    )
