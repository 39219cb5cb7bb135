"""The shipped graph and posture: relations, scorecards and dashboard pages agree with the
blueprints, the default mapping, docs/kinds.md and Ocean's model of its defaults."""

import json
import re
from typing import Any

import pytest
import yaml
from port_ocean.core.defaults.common import get_port_integration_defaults
from port_ocean.core.handlers.port_app_config.models import PortAppConfig

from port_aws.ocean.offline import DEFAULT_MAPPING
from port_aws.ocean.posture import (
    LEVELS,
    OPERATORS,
    CatalogPreview,
    condition_holds,
    load_relation_targets,
    load_scorecards,
)
from tests.rig import ROOT

RESOURCES = ROOT / ".port" / "resources"
BLUEPRINTS = {b["identifier"]: b for b in json.loads((RESOURCES / "blueprints.json").read_text())}
MAPPING = yaml.safe_load(DEFAULT_MAPPING.read_text())
MAPPED = {
    json.loads(r["port"]["entity"]["mappings"]["blueprint"]): r["port"]["entity"]["mappings"]
    for r in MAPPING["resources"]
}
KIND_OF = {
    json.loads(r["port"]["entity"]["mappings"]["blueprint"]): r["kind"]
    for r in MAPPING["resources"]
}
META = {"$identifier", "$title", "$blueprint", "$team"}


def test_ocean_loads_the_defaults_with_scorecards_and_pages() -> None:
    defaults = get_port_integration_defaults(PortAppConfig, base_path=ROOT)

    assert defaults is not None
    assert {b["identifier"] for b in defaults.blueprints} == set(BLUEPRINTS)
    assert [s["blueprint"] for s in defaults.scorecards]
    assert [p["identifier"] for p in defaults.pages] == ["awsEstate", "awsSecurityPosture"]


@pytest.mark.parametrize("card", load_scorecards(), ids=lambda c: c.blueprint)
def test_every_scorecard_rule_reads_a_mapped_property_and_cites_its_control(card: Any) -> None:
    schema = BLUEPRINTS[card.blueprint]["schema"]["properties"]
    mapped = MAPPED[card.blueprint]["properties"]
    levels = [rule["level"] for rule in card.rules]
    assert set(levels) <= set(LEVELS[1:]), levels
    assert "Bronze" in levels and "Silver" in levels
    assert any(rule["identifier"] == "hasOwner" for rule in card.rules)
    for rule in card.rules:
        assert re.fullmatch(r"[a-z][A-Za-z0-9]+", rule["identifier"]), rule["identifier"]
        assert rule["query"]["combinator"] in ("and", "or")
        if rule["identifier"] != "hasOwner":
            assert re.match(r"AWS Security Hub control [A-Za-z0-9]+\.\d+: ", rule["description"])
        for condition in rule["query"]["conditions"]:
            assert condition["operator"] in OPERATORS, condition
            prop = condition["property"]
            if prop not in META:
                assert prop in schema, f"{card.blueprint}.{prop} is not in the blueprint"
                assert prop in mapped, f"{card.blueprint}.{prop} is not filled by the mapping"


def _widgets(page: dict[str, Any]) -> list[dict[str, Any]]:
    return [w for holder in page["widgets"] for w in holder["widgets"]]


def test_every_page_widget_is_laid_out_and_reads_what_exists() -> None:
    pages = json.loads((RESOURCES / "pages.json").read_text())
    rules = {
        (c.blueprint, f"scorecard-rule#{c.identifier}#{r['identifier']}")
        for c in load_scorecards()
        for r in c.rules
    } | {(c.blueprint, f"scorecard#{c.identifier}") for c in load_scorecards()}
    for page in pages:
        assert page["type"] == "dashboard" and page["identifier"] and page["title"]
        for holder in page["widgets"]:
            assert holder["type"] == "dashboard-widget"
            laid_out = [c["id"] for row in holder["layout"] for c in row["columns"]]
            assert sorted(laid_out) == sorted(w["id"] for w in holder["widgets"])
            assert all(sum(c["size"] for c in row["columns"]) <= 12 for row in holder["layout"])
        for widget in _widgets(page):
            blueprint = widget.get("blueprint")
            prop = widget.get("property", "")
            if widget["type"] == "entities-pie-chart":
                kind, _, name = prop.partition("#")
                if kind == "property":
                    assert name in BLUEPRINTS[blueprint]["schema"]["properties"], prop
                elif kind == "relation":
                    assert name in BLUEPRINTS[blueprint]["relations"], prop
                else:
                    assert (blueprint, prop) in rules, prop
            elif blueprint is not None:
                assert blueprint in BLUEPRINTS


def _documented_relations() -> set[tuple[str, str, str, str]]:
    text = (ROOT / "docs" / "kinds.md").read_text()
    section = text.split("## Relations\n", 1)[1].split("\n## ", 1)[0]
    rows = set()
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 5 and cells[0].startswith("AWS::"):
            rows.add((cells[0], cells[3].strip("`"), cells[2], cells[4]))
    return rows


def test_the_relations_table_of_docs_kinds_is_the_blueprints_relations() -> None:
    shipped = {
        (KIND_OF[b], name, KIND_OF[r["target"]], "many" if r["many"] else "one")
        for b, blueprint in BLUEPRINTS.items()
        for name, r in blueprint["relations"].items()
        if name != "account"
    }

    assert _documented_relations() == shipped
    for blueprint, relations in load_relation_targets().items():
        assert set(relations) == set(MAPPED[blueprint].get("relations", {})), blueprint


def _entity(blueprint: str, identifier: str, **relations: Any) -> dict[str, Any]:
    return {
        "blueprint": blueprint,
        "identifier": identifier,
        "properties": {},
        "relations": relations,
    }


def test_the_preview_counts_relations_and_names_the_dangling_ones() -> None:
    preview = CatalogPreview()
    for entity in (
        _entity("awsAccount", "1"),
        _entity("ec2Vpc", "vpc-arn", account="1"),
        _entity("ec2Subnet", "subnet-arn", account="1", vpc="vpc-arn"),
        _entity("ec2Instance", "i-arn", account="1", subnet="subnet-arn", vpc="gone-vpc"),
        _entity("ec2Instance", "i2-arn", account="1", securityGroups=[], volumes=None),
    ):
        preview.observe(entity)

    assert preview.relation_types() == [
        ("ec2Instance", "subnet"),
        ("ec2Instance", "vpc"),
        ("ec2Subnet", "vpc"),
    ]
    assert preview.dangling() == {("ec2Instance", "vpc"): ["gone-vpc"]}
    assert (
        "3 resource-to-resource types in use, 3 relations (+4 to accounts), 1 dangling"
        in (preview.render()[0])
    )


@pytest.mark.parametrize(
    ("value", "operator", "expected", "holds"),
    [
        (True, "=", True, True),
        ("optional", "=", "required", False),
        ("allow-all", "!=", "allow-all", False),
        (7, ">=", 7, True),
        (1, ">=", 7, False),
        (None, ">=", 7, False),
        (None, "isEmpty", None, True),
        ([], "isEmpty", None, True),
        ("x", "isNotEmpty", None, True),
        (["HTTP"], "contains", "HTTP", True),
        (["HTTPS"], "doesNotContains", "HTTP", True),
    ],
)
def test_conditions_hold_as_port_evaluates_them(
    value: Any, operator: str, expected: Any, holds: bool
) -> None:
    entity = {"properties": {"p": value}}
    condition = {"property": "p", "operator": operator, "value": expected}

    assert condition_holds(entity, condition) is holds


def test_an_entity_reaches_the_highest_level_whose_rules_and_the_lower_ones_all_pass() -> None:
    card = next(c for c in load_scorecards() if c.blueprint == "ec2Instance")
    owner = {"owner": "team"}
    card.observe({"properties": {**owner, "httpTokens": "required", "publicIpAddress": None}})
    card.observe({"properties": {**owner, "httpTokens": "optional", "publicIpAddress": None}})
    card.observe({"properties": {"httpTokens": "required", "publicIpAddress": None}})

    assert card.levels == {"Gold": 1, "Bronze": 1, "Basic": 1}
