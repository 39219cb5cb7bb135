"""README.md's table of kinds is generated from the catalog and the default mapping, and stays
current: ``PORT_AWS_WRITE_README=1 pytest tests/test_readme.py`` rewrites it."""

import json
import os
import re

import yaml

from port_aws.catalog import RESOURCE_TYPES
from port_aws.catalog.model import ResourceType, Scope
from tests.rig import ROOT, default_mapping

START = "<!-- kinds table: generated from port_aws/catalog by tests/test_readme.py -->"
END = "<!-- end of kinds table -->"


def _where(rt: ResourceType) -> str:
    if rt.scope is Scope.MANAGEMENT_ACCOUNT:
        return "once per resync, management account"
    if rt.scope is Scope.GLOBAL:
        return "once per account"
    return "each region"


def _row(rt: ResourceType, blueprint: str) -> str:
    reads = ", ".join(f"`{action}`" for action in rt.permissions)
    if rt.tags is not None:
        reads += " + tags"
    options = ", ".join(f"`{name}`" for name in rt.enrichments) or "–"
    return f"| `{rt.kind}` | `{blueprint}` | {reads} ({_where(rt)}) | {options} |"


def kinds_table() -> str:
    blueprints = {
        resource["kind"]: json.loads(resource["port"]["entity"]["mappings"]["blueprint"].strip("'"))
        for resource in default_mapping()["resources"]
    }
    lines = [
        "| kind | blueprint | what it reads (IAM actions) | `includeActions` |",
        "| --- | --- | --- | --- |",
        *(_row(rt, blueprints[kind]) for kind, rt in RESOURCE_TYPES.items()),
    ]
    return "\n".join(lines)


def test_readme_kinds_table_is_current() -> None:
    path = ROOT / "README.md"
    text = path.read_text()
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.DOTALL)
    assert pattern.search(text), f"README.md lacks the markers {START!r} … {END!r}"
    current = f"{START}\n{kinds_table()}\n{END}"
    if os.environ.get("PORT_AWS_WRITE_README"):
        path.write_text(pattern.sub(lambda _: current, text))
        text = path.read_text()
    assert current in text, "README.md's kinds table is stale: PORT_AWS_WRITE_README=1 rewrites it"
    assert f"{len(RESOURCE_TYPES)} kinds" in text


def test_license_matches_pyproject() -> None:
    license_text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in license_text and "Version 2.0, January 2004" in license_text
    assert "Apache-2.0" in (ROOT / "pyproject.toml").read_text()


def test_readme_configuration_table_names_every_setting_and_its_variable() -> None:
    text = (ROOT / "README.md").read_text()
    spec = yaml.safe_load((ROOT / ".port" / "spec.yaml").read_text())
    for setting in spec["configurations"]:
        name = setting["name"]
        variable = re.sub(r"(?<!^)(?=[A-Z])", "_", name).upper()
        assert f"| `{name}` | `{variable}` |" in text, f"README.md: no table row for {name}"
