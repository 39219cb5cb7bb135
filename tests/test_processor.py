"""The batch entity processor against Ocean's own, on the same batches: identical results.

Both processors map every kind's example raw items (examples/), with the shipped mapping, with
aws-v3's published mappings, and with mappings built to fail (syntax errors, type errors, null
identifiers, a selector that is false or not a boolean); passed and failed entities, errors and
misconfigured fields must be the same.

Ocean's processor runs each item through ``JQEntityProcessorSync._get_mapped_entity`` in a
forked worker; the reference here runs that same function in this process (a fork per batch
would make the hundred comparisons take minutes), and one case is also compared with the forked
original.
"""

import copy
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import yaml
from port_ocean.context.ocean import ocean
from port_ocean.core.handlers.entity_processor.jq_entity_processor import JQEntityProcessor
from port_ocean.core.ocean_types import CalculationResult
from port_ocean.integration_testing import IntegrationTestHarness, InterceptTransport

from integration import AWSResourceConfig
from port_aws import processor
from port_aws.processor import BatchJQEntityProcessor, Results
from tests.rig import ROOT, default_mapping

AWS_V3 = ROOT.parent / "shared" / "aws-v3-examples"


def _examples() -> dict[str, list[dict[str, Any]]]:
    """Per kind: its example item, a copy with its properties emptied, and one of another type."""
    found: dict[str, list[dict[str, Any]]] = {}
    for path in sorted((ROOT / "examples").glob("*/raw.json")):
        item = json.loads(path.read_text())
        bare = copy.deepcopy(item)
        bare["Properties"] = {"Arn": item["Properties"].get("Arn")}
        found[item["Type"]] = [item, bare, {**item, "Properties": "not an object"}]
    return found


def _failing(resource: dict[str, Any]) -> list[dict[str, Any]]:
    variants = []
    for change in (
        {"title": ".Properties.BucketName |"},  # syntax error: Ocean's uncompileable path
        {"title": ".Properties + 1"},  # type error at run time
        {"identifier": ".Properties.NoSuchField"},  # null identifier: the entity is skipped
        {"properties": {"broken": 'error("boom")', "many": ".Properties | keys[]"}},
    ):
        broken = copy.deepcopy(resource)
        mappings = broken["port"]["entity"]["mappings"]
        for key, value in change.items():
            if isinstance(value, dict):
                mappings.setdefault(key, {}).update(value)
            else:
                mappings[key] = value
        variants.append(broken)
    for query in ("false", ".Type", 'error("no")', "empty"):
        variants.append({**copy.deepcopy(resource), "selector": {"query": query}})
    return variants


def _summary(result: CalculationResult) -> dict[str, Any]:
    return {
        "passed": [e.dict() for e in result.entity_selector_diff.passed],
        "failed": [e.dict() for e in result.entity_selector_diff.failed],
        "errors": [f"{type(e).__name__}: {e}" for e in result.errors],
        "misconfigured": result.misconfigured_entity_keys,
    }


class OceansPerItem(JQEntityProcessor):
    """Ocean's processor, its per-item worker function called in this process."""

    async def parse_items_sync(
        self,
        compileable_patterns: dict[str, Any],
        raw_results: list[dict[str, Any]],
        selector_query: str,
        parse_all: bool = False,
    ) -> Results:
        return [
            processor._one(data, compileable_patterns, selector_query, parse_all)
            for data in raw_results
        ], []


@pytest.fixture
async def processors() -> AsyncIterator[tuple[JQEntityProcessor, JQEntityProcessor]]:
    harness = IntegrationTestHarness(
        integration_path=str(ROOT),
        port_mapping_config=default_mapping(),
        third_party_transport=InterceptTransport(strict=False),
        config_overrides={
            "integration": {"identifier": "aws-test", "type": "aws-hosted-by-port", "config": {}}
        },
    )
    await harness.start()
    try:
        yield BatchJQEntityProcessor(ocean), OceansPerItem(ocean)
    finally:
        await harness.shutdown()


def _cases() -> list[tuple[str, dict[str, Any]]]:
    cases = [(f"shipped {r['kind']}", r) for r in default_mapping()["resources"]]
    if AWS_V3.is_dir():
        for path in sorted((AWS_V3 / "mappings").glob("*.y*ml")):
            for resource in yaml.safe_load(path.read_text()).get("resources", []):
                cases.append((f"aws-v3 {path.stem} {resource['kind']}", resource))
    s3 = next(r for r in default_mapping()["resources"] if r["kind"] == "AWS::S3::Bucket")
    cases += [(f"failing {i}", r) for i, r in enumerate(_failing(s3))]
    return cases


async def test_the_batch_processor_maps_exactly_as_oceans(
    processors: tuple[JQEntityProcessor, JQEntityProcessor],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ours, theirs = processors
    examples = _examples()
    s3 = next(r for r in default_mapping()["resources"] if r["kind"] == "AWS::S3::Bucket")
    config = AWSResourceConfig.parse_obj(s3)
    forked = await JQEntityProcessor(ocean)._parse_items(config, examples["AWS::S3::Bucket"])
    assert _summary(await ours._parse_items(config, examples["AWS::S3::Bucket"])) == _summary(
        forked
    )

    per_item = processor._one
    fallbacks: list[str] = []

    def counted(*args: Any) -> Any:
        fallbacks.append(args[2])
        return per_item(*args)

    compared = 0
    for name, resource in _cases():
        items = examples.get(resource["kind"])
        if not items:
            continue
        config = AWSResourceConfig.parse_obj(resource)
        monkeypatch.setattr(processor, "_one", counted)
        mine = _summary(await ours._parse_items(config, items))
        monkeypatch.setattr(processor, "_one", per_item)
        oceans = _summary(await theirs._parse_items(config, items))
        assert mine == oceans, name
        compared += 1
    assert compared >= 58 + 8
    # Only the selectors that are not booleans went item by item; everything else in one program.
    assert set(fallbacks) <= {".Type", 'error("no")', "empty"}, set(fallbacks)
    if not AWS_V3.is_dir():
        pytest.skip(f"{AWS_V3} is absent: aws-v3's mappings were not compared")
