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
import datetime
import json
import math
from collections.abc import AsyncIterator
from typing import Any

import pytest
import yaml
from port_ocean.context.ocean import ocean
from port_ocean.core.handlers.entity_processor.jq_entity_processor import JQEntityProcessor
from port_ocean.core.models import Entity
from port_ocean.core.ocean_types import CalculationResult
from port_ocean.integration_testing import IntegrationTestHarness, InterceptTransport

from port_aws.mapping import AWSResourceConfig
from port_aws.ocean import processor
from port_aws.ocean.processor import BatchJQEntityProcessor, Results
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


def _entity(entity: Entity) -> tuple[dict[str, Any], str, list[str]]:
    """The entity, its JSON (which tells 1 from 1.0) and the fields set on it."""
    return entity.dict(), entity.json(), sorted(entity.__fields_set__)


def _summary(result: CalculationResult) -> dict[str, Any]:
    return {
        "passed": [_entity(e) for e in result.entity_selector_diff.passed],
        "failed": [_entity(e) for e in result.entity_selector_diff.failed],
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

    planned: list[str] = []
    finish = BatchJQEntityProcessor._finish

    async def one_pass(self: BatchJQEntityProcessor, *args: Any) -> Any:
        planned.append(name)
        return await finish(self, *args)

    monkeypatch.setattr(BatchJQEntityProcessor, "_finish", one_pass)
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
    # Every shipped mapping takes the one pass; the syntax error goes Ocean's way.
    shipped = [name for name, r in _cases() if name.startswith("shipped") and r["kind"] in examples]
    assert set(shipped) <= set(planned), set(shipped) - set(planned)
    assert "failing 0" not in planned
    # Only the selectors that are not booleans went item by item; everything else in one program.
    assert set(fallbacks) <= {".Type", 'error("no")', "empty"}, set(fallbacks)
    if not AWS_V3.is_dir():
        pytest.skip(f"{AWS_V3} is absent: aws-v3's mappings were not compared")


ODD_ITEMS: list[dict[str, Any]] = [
    {
        "Type": "AWS::S3::Bucket",
        "Properties": {
            "Name": "plain",
            "Enabled": True,
            "Count": 3,
            "Ratio": 0.5,
            "Whole": 1.0,
            "Big": 2**60,
            "Lone": "a\udc80b",
            "Accented": "café",
            "Nested": {"List": [1, 1.0, "x", None], "Flag": True, "Deep": {"end": "e"}},
            "Tags": [{"Key": "Name", "Value": "named"}],
        },
        "__ExtraContext": {"AccountId": "123456789012", "Region": "eu-west-1"},
    },
    {
        "Type": "AWS::S3::Bucket",
        "Properties": {"Name": "off", "Enabled": False, "Nested": "not an object", "Count": None},
        "__ExtraContext": {"AccountId": "123456789012"},
    },
    {"Type": "AWS::S3::Bucket", "Properties": {"Name": "yes", "Enabled": "yes", "Nested": [1]}},
    {"Type": "AWS::S3::Bucket", "Properties": None},
    {"Type": "AWS::S3::Bucket"},
]
"""Values a path read in Python must hand over as JQ would (integral floats, big integers, a
lone surrogate, non-ASCII), paths through null, strings and lists, and selectors that are
true, false, not a boolean, or fail."""

ODD_MAPPINGS: list[dict[str, Any]] = [
    {
        "identifier": ".Properties.Name",
        "title": ".Properties.Lone",
        "blueprint": "'bucket'",
        "team": ".Properties.Count",
        "icon": ".Properties.Accented",
        "properties": {
            "whole": ".Properties.Whole",
            "big": ".Properties.Big",
            "ratio": ".Properties.Ratio",
            "nested": ".Properties.Nested",
            "list": ".Properties.Nested.List",
            "flag": ".Properties.Nested.Flag",
            "missing": ".Properties.Nothing.Deeper",
            "constant": "true",
            "nothing": "null",
            "literal": '"a literal"',
            "spaced": "  .Properties.Name  ",
            "keys": ".Properties | keys",
            "tagged": '(.Properties.Tags // []) | map(select(.Key == "Name")) | .[0].Value',
            "failing": ".Properties.Name + 1",
        },
        "relations": {"account": ".__ExtraContext.AccountId", "region": ".__ExtraContext.Region"},
    },
    {"identifier": ".Properties.Name", "title": ".Type", "blueprint": '"bucket"', "team": '"t"'},
    {"identifier": '"fixed"', "blueprint": '"bucket"', "properties": {"name": ".Properties.Name"}},
]
"""A mapping of every kind of field; one without nested fields (Ocean then skips its second
pass, so a selector that is not a boolean is reported once); one of constants."""

ODD_SELECTORS = (
    "true",
    "false",
    "null",
    '"yes"',
    ".Properties.Enabled",
    ".Properties.Nested.Flag",
    ".Properties.Enabled == true",
    ".Properties.Enabled | not",
    "empty",
)


def _logged(lines: list[str]) -> Any:
    """What the entity processors log (Port's client logs its token fetch once, for whichever
    processor asks first)."""
    from loguru import logger

    return logger.add(
        lambda m: lines.append(str(m).strip()),
        level="DEBUG",
        format="{level} {message}",
        filter=lambda r: (r["name"] or "").startswith(
            ("port_ocean.core.handlers.entity", "port_aws.")
        ),
    )


async def _compare(
    processors: tuple[JQEntityProcessor, JQEntityProcessor],
    config: AWSResourceConfig,
    items: list[dict[str, Any]],
    parse_all: bool,
) -> None:
    from loguru import logger

    results = []
    for side in processors:
        lines: list[str] = []
        sink = _logged(lines)
        try:
            result = await side._parse_items(config, copy.deepcopy(items), parse_all)
        finally:
            logger.remove(sink)
        results.append((_summary(result), sorted(lines)))
    assert results[0] == results[1], config.selector.query


@pytest.mark.parametrize("parse_all", [False, True])
async def test_every_shortcut_gives_oceans_results_and_logs(
    processors: tuple[JQEntityProcessor, JQEntityProcessor],
    parse_all: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each item once through the planned pass (constants, paths read in Python, the batch
    program, Entity.construct), compared with Ocean's flow: same results and same log lines."""
    s3 = next(r for r in default_mapping()["resources"] if r["kind"] == "AWS::S3::Bucket")
    planned: list[str] = []
    finish = BatchJQEntityProcessor._finish

    async def counted(self: BatchJQEntityProcessor, *args: Any) -> Any:
        planned.append(args[0].selector.query)
        return await finish(self, *args)

    monkeypatch.setattr(BatchJQEntityProcessor, "_finish", counted)
    for mappings in ODD_MAPPINGS:
        for query in ODD_SELECTORS:
            resource = {
                **s3,
                "selector": {"query": query},
                "port": {"entity": {"mappings": mappings}},
            }
            await _compare(processors, AWSResourceConfig.parse_obj(resource), ODD_ITEMS, parse_all)
    assert len(planned) == len(ODD_MAPPINGS) * len(ODD_SELECTORS)


async def test_a_batch_that_is_not_plain_json_goes_oceans_way(
    processors: tuple[JQEntityProcessor, JQEntityProcessor], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A datetime (Ocean converts it for JQ), NaN (JQ cannot read it): Ocean's own flow."""
    planned: list[str] = []
    monkeypatch.setattr(BatchJQEntityProcessor, "_finish", lambda *a: planned.append("x"))
    s3 = next(r for r in default_mapping()["resources"] if r["kind"] == "AWS::S3::Bucket")
    resource = {**s3, "port": {"entity": {"mappings": ODD_MAPPINGS[0]}}}
    for odd in (datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC), math.nan):
        items = copy.deepcopy(ODD_ITEMS)
        items[0]["Properties"]["Whole"] = odd
        for query in (".Properties.Enabled", "true"):
            config = AWSResourceConfig.parse_obj({**resource, "selector": {"query": query}})
            await _compare(processors, config, items, False)
    assert planned == []


async def test_no_entity_shares_a_list_or_dict_with_its_item_or_another_field(
    processors: tuple[JQEntityProcessor, JQEntityProcessor],
) -> None:
    """As with values that come out of JQ: changing an entity changes neither its raw item nor
    another field."""
    ours, _ = processors
    s3 = next(r for r in default_mapping()["resources"] if r["kind"] == "AWS::S3::Bucket")
    resource = {
        **s3,
        "selector": {"query": "true"},
        "port": {"entity": {"mappings": ODD_MAPPINGS[0]}},
    }
    items = copy.deepcopy(ODD_ITEMS)
    result = await ours._parse_items(AWSResourceConfig.parse_obj(resource), items)
    properties = result.entity_selector_diff.passed[0].properties
    assert properties["nested"] == items[0]["Properties"]["Nested"]
    assert properties["nested"] is not items[0]["Properties"]["Nested"]
    assert properties["list"] is not properties["nested"]["List"]
