"""Every kind has an example raw item and the entity the default mapping makes of it."""

import json

import pytest

from port_aws.catalog import RESOURCE_TYPES
from tests.examples import EXAMPLES, mapped_entity, slug
from tests.rig import default_mapping

MAPPINGS = {r["kind"]: r for r in default_mapping()["resources"]}


def test_every_kind_has_an_example() -> None:
    missing = [
        kind for kind in RESOURCE_TYPES if not (EXAMPLES / slug(kind) / "raw.json").is_file()
    ]
    assert missing == [], "run `make examples` to write them"


@pytest.mark.parametrize("kind", sorted(RESOURCE_TYPES))
def test_the_default_mapping_makes_the_example_entity(kind: str) -> None:
    folder = EXAMPLES / slug(kind)
    raw = json.loads((folder / "raw.json").read_text())
    assert raw["Type"] == kind
    assert set(raw) == {"Type", "Properties", "__ExtraContext"}
    assert {"AccountId", "Region"} <= set(raw["__ExtraContext"])
    assert (
        raw["Properties"]["Arn"]
        if kind != "AWS::Organizations::Account"
        else raw["Properties"]["Id"]
    )
    entity = json.loads((folder / "entity.json").read_text())
    assert mapped_entity(MAPPINGS[kind], raw) == entity
    assert entity["identifier"]
