"""``examples/``: for every kind, a raw item as the integration emits it and the entity the
shipped default mapping makes of it.

The files are written from real resyncs of the kind tests (``make examples`` runs them with
``PORT_AWS_WRITE_EXAMPLES=1``); ``tests/test_examples.py`` maps every raw item again and
compares it with its entity, so a change to a mapping or to a raw shape shows up there.
"""

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest.mock import patch

import jq
import yaml

from port_aws.resync import engine
from port_aws.resync.items import raw_item

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
WRITE = os.environ.get("PORT_AWS_WRITE_EXAMPLES") == "1"


def slug(kind: str) -> str:
    """``AWS::EC2::Instance`` -> ``ec2-instance``."""
    parts = kind.split("::")[1:]
    return "-".join(re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", p).lower() for p in parts)


def _value(expression: str, raw: dict[str, Any]) -> Any:
    return jq.compile(expression).input_value(raw).first()


def mapped_entity(resource: dict[str, Any], raw: dict[str, Any]) -> dict[str, Any]:
    """The entity a resource mapping makes of one raw item, with Ocean's JQ semantics."""
    mappings = resource["port"]["entity"]["mappings"]
    entity: dict[str, Any] = {
        key: _value(mappings[key], raw)
        for key in ("identifier", "title", "blueprint")
        if key in mappings
    }
    entity["properties"] = {k: _value(v, raw) for k, v in mappings.get("properties", {}).items()}
    entity["relations"] = {k: _value(v, raw) for k, v in mappings.get("relations", {}).items()}
    return entity


@contextmanager
def recording() -> Iterator[None]:
    """While a resync runs, keep the first raw item of each kind as its example, with the
    entity the shipped default mapping makes of it."""
    if not WRITE:
        yield
        return
    seen: dict[str, dict[str, Any]] = {}

    def record(kind: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        item = raw_item(kind, *args, **kwargs)
        seen.setdefault(kind, item)
        return item

    with patch.object(engine, "raw_item", record):
        yield
    default = yaml.safe_load((ROOT / ".port" / "resources" / "port-app-config.yml").read_text())
    resources = {r["kind"]: r for r in default["resources"]}
    for kind, raw in seen.items():
        if kind not in resources:
            continue
        folder = EXAMPLES / slug(kind)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "raw.json").write_text(json.dumps(raw, indent=2, sort_keys=True) + "\n")
        entity = mapped_entity(resources[kind], raw)
        (folder / "entity.json").write_text(json.dumps(entity, indent=2, sort_keys=True) + "\n")
