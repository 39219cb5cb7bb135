"""What `preview` and `demo` print and write: one entity per blueprint and identifier, work
linear in the mapping's entries, account names, every null field on request, stable demo ids."""

import cProfile
import json
import pstats
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from loguru import logger
from port_ocean.core.handlers.port_app_config.models import ResourceConfig
from port_ocean.core.models import Entity
from port_ocean.core.ocean_types import CalculationResult, EntitySelectorDiff

from emulation.organization import create_organization, emulator_clients
from port_aws.ocean.offline import (
    EntitySink,
    MappingReport,
    PipelineResult,
    _quiet_ocean,
    render_summary,
    run_pipeline,
)
from tests.rig import Emulator
from tests.test_demo_preview import preview_env, run_cli


def bucket_entry(**properties: str) -> dict[str, Any]:
    return {
        "kind": "AWS::S3::Bucket",
        "selector": {"query": "true"},
        "port": {
            "entity": {
                "mappings": {
                    "identifier": ".Properties.BucketName",
                    "title": ".Properties.BucketName",
                    "blueprint": '"bucket"',
                    "properties": properties or {"where": ".__ExtraContext.Region"},
                }
            }
        },
    }


def read_entities(path: Path) -> list[dict[str, Any]]:
    text = path.read_text()
    if text.startswith("["):
        return list(json.loads(text))
    return [json.loads(line) for line in text.splitlines()]


def test_preview_writes_one_entity_per_identifier_however_many_entries_yield_it(
    aws: Emulator, tmp_path: Path
) -> None:
    aws.list_regions(["us-east-1"])
    for name in ("reports", "archive"):
        aws.client("s3").create_bucket(Bucket=name)
    copies = 12
    mapping = {
        "resources": [bucket_entry()] * copies + [bucket_entry(named=".Properties.BucketName")]
    }
    mapping_file = tmp_path / "mapping.yml"
    mapping_file.write_text(yaml.safe_dump(mapping))
    empty = tmp_path / "empty.env"
    empty.write_text("")
    output = tmp_path / "entities.json"

    done = run_cli(
        "preview",
        "--mapping",
        str(mapping_file),
        "--output",
        str(output),
        "--env-file",
        str(empty),
        env=preview_env(aws),
    )

    assert done.returncode == 0, done.stdout + done.stderr
    entities = read_entities(output)
    assert sorted(e["identifier"] for e in entities) == ["archive", "reports"]
    # the last entry's property is merged into what the copies wrote, as Port merges upserts
    assert [e["properties"] for e in entities if e["identifier"] == "reports"] == [
        {"where": "us-east-1", "named": "reports"}
    ]
    assert f"{2 * copies} upserts repeated an entity already written" in done.stdout
    assert "2 entities written to" in done.stdout
    assert "raw results into entities" not in done.stderr


def test_repeated_upserts_are_written_once_merged_in_either_format(tmp_path: Path) -> None:
    def entity(identifier: str, **properties: Any) -> dict[str, Any]:
        return {
            "identifier": identifier,
            "blueprint": "sqsQueue",
            "title": identifier,
            "properties": properties,
            "relations": {"account": "111111111111"},
        }

    upserts = [
        entity("a", size=1),
        entity("b", size=2),
        entity("a", size=1),  # the same again: dropped as it comes
        entity("a", owner="x"),  # more of it: merged
        entity("c", size=3),
        entity("a", size=4),
    ]
    for lines in (False, True):
        path = tmp_path / f"out-{lines}.json"
        sink = EntitySink(path, lines)
        for upsert in upserts:
            sink.append(upsert)
        sink.close()

        written = read_entities(path)
        assert [e["identifier"] for e in written] == ["a", "b", "c"]
        assert written[0]["properties"] == {"size": 4, "owner": "x"}
        assert (sink.written, sink.repeated) == (3, 3)
        assert sink.by_blueprint == Counter(sqsQueue=3)
        assert not path.with_name(path.name + ".partial").exists()

    replaced = EntitySink(tmp_path / "replace.json", lines=False, merge=False)
    for upsert in upserts:
        replaced.append(upsert)
    replaced.close()
    assert read_entities(tmp_path / "replace.json")[0]["properties"] == {"size": 4}


async def test_preview_work_grows_linearly_with_the_mapping_entries(
    aws: Emulator, tmp_path: Path
) -> None:
    """Python function calls of whole previews of 5, 10 and 20 copies of one entry: the
    second five entries cost no more per entry than the first five, give or take. (Ocean's
    metrics reports to Port, rendering every metric of the resync at each kind, made the
    added cost per entry grow with the entries.)"""
    aws.list_regions(["us-east-1"])
    aws.client("s3").create_bucket(Bucket="reports")
    config = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}

    async def calls(entries: int) -> int:
        profile = cProfile.Profile()
        profile.enable()
        result = await run_pipeline(
            config, {"resources": [bucket_entry()] * entries}, tmp_path / "out.json"
        )
        profile.disable()
        assert (result.entities, result.repeated) == (1, entries - 1)
        return int(pstats.Stats(profile).total_calls)  # type: ignore[attr-defined]

    await calls(5)  # imports and caches, once
    five, ten, twenty = await calls(5), await calls(10), await calls(20)

    first, second = ten - five, twenty - ten  # 5 entries, then 10 more
    assert second < 2.5 * first, (five, ten, twenty)


LONG = ".p0" + " // .fallback" * 10
"""An expression longer than the summary shows whole."""


def test_the_summary_names_accounts_and_lists_every_null_field_on_request() -> None:
    def entry(*fields: str) -> ResourceConfig:
        properties = {name: f".{name}" for name in fields}
        return ResourceConfig.parse_obj(
            {
                "kind": "AWS::SQS::Queue",
                "selector": {"query": "true"},
                "port": {
                    "entity": {
                        "mappings": {
                            "identifier": ".id",
                            "blueprint": '"sqsQueue"',
                            "properties": properties,
                        }
                    }
                },
            }
        )

    def batch(misconfigured: list[str], **values: Any) -> CalculationResult:
        queue = Entity.parse_obj({"identifier": "q", "blueprint": "sqsQueue", "properties": values})
        return CalculationResult(
            EntitySelectorDiff(passed=[queue], failed=[]),
            [],
            1,
            {f"properties.{n}": LONG if n == "p0" else f".{n}" for n in misconfigured},
        )

    nulls = [f"p{index}" for index in range(7)]
    report = MappingReport()
    first, second = entry(*nulls, "sometimes"), entry("sometimes")
    report.add(first, [{}], batch([*nulls, "sometimes"]))
    report.add(first, [{}], batch(nulls, sometimes=1))
    # another entry of the kind fills a field the first leaves empty: not null for every entity
    report.add(second, [{}], batch([], sometimes=2))
    report.add(second, [{}], batch(["sometimes"]))
    result = PipelineResult(
        entities=3,
        by_blueprint=Counter(sqsQueue=3),
        by_blueprint_account={
            "sqsQueue": Counter({"111111111111": 2, "222222222222": 1}),
        },
        kinds=[],
        mapping=report,
        account_names={"111111111111": "prod", "222222222222": "a-very-long-account-name-indeed"},
    )
    mapping = {
        "resources": [
            {"kind": "AWS::SQS::Queue", "port": {"entity": {"mappings": {"blueprint": "sqsQueue"}}}}
        ]
    }

    short = render_summary(result, mapping).splitlines()
    full = render_summary(result, mapping, all_fields=True).splitlines()

    # names above their ids, columns in the order of the names
    assert [line.split() for line in short[1:5]] == [
        ["a-very-long-account-", "prod"],
        ["kind", "222222222222", "111111111111", "total"],
        ["AWS::SQS::Queue", "1", "2", "3"],
        ["total", "1", "2", "3"],
    ]
    assert "Fields null for every entity: 7:" in short
    assert "  … and 2 more (--all-fields lists every one)" in short
    assert "Fields null for some entities only: 1 (--all-fields lists them)" in short
    assert sum(" properties.p" in line for line in short) == 5
    assert sum(" properties." in line for line in full) == 8
    assert (
        "  AWS::SQS::Queue properties.sometimes: '.sometimes': null or missing for some items"
        in full
    )
    assert not any("… and" in line for line in full)
    cut = f"  AWS::SQS::Queue properties.p0: '{LONG[:59]}…': no value for any item"
    assert cut in short
    assert f"  AWS::SQS::Queue properties.p0: '{LONG}': no value for any item" in full


def test_the_demo_organization_has_the_same_ids_on_every_run(aws: Emulator) -> None:
    first = create_organization(emulator_clients(aws.url), aws.url)
    aws.reset()
    aws.client("s3").create_bucket(Bucket="draws-ids-first")
    second = create_organization(emulator_clients(aws.url), aws.url)

    assert (first.root, first.ous, first.accounts) == (second.root, second.ous, second.accounts)


def test_a_failure_said_for_one_slice_is_not_said_again_for_the_others(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A type no region knows fails in every region: one line says it, not one a region."""
    _quiet_ocean(verbose=False)
    try:
        for region in ("us-east-1", "eu-west-1", "ap-southeast-2"):
            logger.error(
                f"AWS::Foo::Bar: slice failed: 123456789012/{region}: TypeNotListable: "
                "AWS::Foo::Bar is not available there"
            )
        logger.error("AWS::Foo::Bar: slice failed: 123456789012/us-east-1: AccessDenied: no")
        logger.error("AWS::Baz::Qux: slice failed: 123456789012/us-east-1: AccessDenied: no")
    finally:
        logger.remove()
        logger.add(sys.stderr)

    lines = capsys.readouterr().err.splitlines()
    assert [line.split(" ", 1)[1].split(": slice failed: ")[0] for line in lines] == [
        "AWS::Foo::Bar",
        "AWS::Foo::Bar",
        "AWS::Baz::Qux",
    ]
    assert sum("TypeNotListable" in line for line in lines) == 1
