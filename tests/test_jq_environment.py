"""Mappings come from Port: their JQ cannot read this process's environment (Ocean allows it
unless told otherwise; the integration turns it off at start-up). Through the real resync
harness and the offline preview pipeline, a mapping reading ``env`` or ``$ENV`` gets nothing."""

from pathlib import Path

import pytest

from port_aws.ocean.offline import run_pipeline
from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator, by_blueprint, mapping_for, resync

KEY = "live-key-that-must-not-leak-0123"


def _mapping_reading_the_environment() -> dict[str, object]:
    mapping = mapping_for("AWS::S3::Bucket")
    mapping["resources"][0]["port"]["entity"]["mappings"]["properties"] = {
        "fromEnv": ".Properties.BucketName + (env.OCEAN__INTEGRATION__CONFIG__LIVE_EVENTS_API_KEY"
        ' // "-none")',
        "fromEnvVariable": '$ENV.OCEAN__INTEGRATION__CONFIG__LIVE_EVENTS_API_KEY // "none"',
        "wholeEnv": "env | tostring",
    }
    return mapping


@pytest.fixture
def secret_in_environment(aws: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCEAN__INTEGRATION__CONFIG__LIVE_EVENTS_API_KEY", KEY)
    aws.list_regions(["us-east-1"])
    aws.client("s3", "us-east-1").create_bucket(Bucket="audit")


@pytest.mark.usefixtures("secret_in_environment")
async def test_a_resync_mapping_reads_nothing_from_the_environment() -> None:
    result = await resync(STATIC, _mapping_reading_the_environment())

    [entity] = by_blueprint(result, "s3Bucket").values()
    assert entity["properties"]["fromEnv"] == "audit-none"
    assert entity["properties"]["fromEnvVariable"] == "none"
    assert entity["properties"]["wholeEnv"] == "{}"
    assert KEY not in str(result.upserted_entities)
    assert entity["relations"]["account"] == DEFAULT_ACCOUNT


@pytest.mark.usefixtures("secret_in_environment")
async def test_the_preview_pipeline_reads_nothing_from_the_environment(tmp_path: Path) -> None:
    output = tmp_path / "entities.json"
    result = await run_pipeline(STATIC, _mapping_reading_the_environment(), output)

    assert result.entities == 1
    text = output.read_text()
    assert KEY not in text
    assert '"fromEnv": "audit-none"' in text
