"""The test rig: the emulator process, seeding through AWS APIs, and resyncs through Ocean."""

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import yaml
from botocore.config import Config
from port_ocean.integration_testing import (
    IntegrationTestHarness,
    InterceptTransport,
    ResyncResult,
)

from emulation.emulator import Emulator
from emulation.organization import MANAGEMENT_ACCOUNT
from port_aws.catalog import ENGINE_ACTIONS, iam_action, resource_type
from port_aws.catalog.model import Item, KindOptions, ResourceType
from port_aws.resync import state as resync_state
from port_aws.resync.engine import KindRead
from port_aws.resync.state import ResyncRun, current_run
from tests.examples import recording

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ACCOUNT = MANAGEMENT_ACCOUNT
__all__ = ["DEFAULT_ACCOUNT", "Emulator"]


def default_mapping() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / ".port" / "resources" / "port-app-config.yml").read_text()))


def mapping_for(*kinds: str) -> dict[str, Any]:
    """The shipped default mapping, restricted to ``kinds``."""
    mapping = default_mapping()
    mapping["resources"] = [r for r in mapping["resources"] if r["kind"] in kinds]
    missing = set(kinds) - {r["kind"] for r in mapping["resources"]}
    assert not missing, f"no default mapping for {missing}"
    return mapping


STATIC = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


async def resync(
    config: dict[str, Any],
    mapping: dict[str, Any] | None = None,
    existing: list[dict[str, Any]] | None = None,
) -> ResyncResult:
    """One full resync of the integration through Ocean's own test harness."""
    harness = IntegrationTestHarness(
        integration_path=str(ROOT),
        port_mapping_config=mapping or default_mapping(),
        third_party_transport=InterceptTransport(strict=False),
        config_overrides={
            "integration": {
                "identifier": "aws-test",
                "type": "aws-hosted-by-port",
                "config": {"progress_interval_seconds": 60, **config},
            },
        },
        port_search_entities_response=existing,
    )
    resync_state.forget()
    await harness.start()
    try:
        with recording():
            result = await harness.trigger_resync()
    finally:
        await harness.shutdown()
    assert_declared_actions()
    return result


def assert_declared_actions() -> None:
    """Every AWS call the last resync made is among the IAM actions its kind declares, so the
    installation's generated policy (built from the declarations) allows it."""
    run = current_run()
    if run is None:  # refused before reading anything (e.g. a bad configuration)
        return
    undeclared = {}
    for figures in run.kinds:
        declared = resource_type(figures.kind)
        assert declared is not None
        allowed = set(declared.all_permissions) | set(ENGINE_ACTIONS)
        called = {iam_action(*op.split(":", 1)) for op in figures.calls_by_operation}
        extra = {action for action in called - allowed if not action.startswith("sts:")}
        if extra:
            undeclared[figures.kind] = sorted(extra)
    assert not undeclared, f"calls not declared in the catalog's permissions: {undeclared}"


def by_identifier(result: ResyncResult) -> dict[str, dict[str, Any]]:
    """The entities a resync upserted, by identifier."""
    return {e["identifier"]: e for e in result.upserted_entities}


def by_blueprint(result: ResyncResult, blueprint: str) -> dict[str, dict[str, Any]]:
    return {e["identifier"]: e for e in result.upserted_entities if e["blueprint"] == blueprint}


os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")


NO_RETRY = Config(retries={"total_max_attempts": 1, "mode": "standard"})


def webhook_destination(
    events: Any, endpoint: str = "https://port.example.com/integration/webhook"
) -> str:
    """The connection and API destination the templates create with EnableLiveEvents=true,
    through the EventBridge API of ``events`` (a client); the destination's ARN."""
    connection = events.create_connection(
        Name="port-live-events",
        AuthorizationType="API_KEY",
        AuthParameters={
            "ApiKeyAuthParameters": {"ApiKeyName": "x-port-aws-ocean-api-key", "ApiKeyValue": "x"}
        },
    )
    return str(
        events.create_api_destination(
            Name="port-webhook",
            ConnectionArn=connection["ConnectionArn"],
            InvocationEndpoint=endpoint,
            HttpMethod="POST",
            InvocationRateLimitPerSecond=20,
        )["ApiDestinationArn"]
    )


async def stream_kind(
    rt: ResourceType, options: KindOptions, run: ResyncRun
) -> AsyncIterator[list[Item]]:
    """Every item of one kind, in batches, read at once (no read-ahead); the run's clients
    and connections are closed at the end."""
    try:
        async for batch in KindRead(rt, options, run, current=True).stream():
            yield batch
    finally:
        await run.aclose()
