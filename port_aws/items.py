"""The raw item shape users' mappings rely on: Type, Properties (PascalCase), __ExtraContext."""

from datetime import date, datetime
from typing import Any


def pascal(name: str) -> str:
    return name[:1].upper() + name[1:] if name else name


def pascal_keys(data: dict[str, Any]) -> dict[str, Any]:
    """Top-level keys only, as aws-v3 does (``clusterName`` -> ``ClusterName``)."""
    return {pascal(key): value for key, value in data.items()}


def jsonable(value: Any) -> Any:
    """AWS answers carry datetimes; Ocean's JQ mapping needs plain JSON values."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return None
    return value


def tag_list(tags: Any) -> list[dict[str, str]]:
    """Tags as ``[{"Key", "Value"}]`` whatever shape the API answered with."""
    if isinstance(tags, dict):
        return [{"Key": str(k), "Value": str(v)} for k, v in tags.items()]
    out = []
    for tag in tags or []:
        key = tag.get("Key", tag.get("key", tag.get("TagKey")))
        value = tag.get("Value", tag.get("value", tag.get("TagValue", "")))
        out.append({"Key": key, "Value": value})
    return out


REDACTED = "[redacted]"
"""What stands for a secret value in an item: the field stays, so mappings still see its name."""


def scrub(props: dict[str, Any], paths: tuple[str, ...]) -> dict[str, Any]:
    """Replace the values at ``paths`` (a kind's ``secrets``) by :data:`REDACTED`, in place.

    A path is dot-separated keys; ``Name[]`` walks every element of the list ``Name``,
    ``Name[field=A|B]`` only the elements whose ``field`` is A or B (an empty alternative matches
    a missing field), and ``*`` every value of a map. Missing parts are skipped.
    """
    for path in paths:
        _scrub(props, path.split("."))
    return props


def _scrub(node: Any, segments: list[str]) -> None:
    if not isinstance(node, dict) or not segments:
        return
    head, rest = segments[0], segments[1:]
    if head == "*":
        for key, value in node.items():
            if rest:
                _scrub(value, rest)
            elif value is not None:
                node[key] = REDACTED
        return
    name, bracket, condition = head.partition("[")
    value = node.get(name)
    if not bracket:
        if rest:
            _scrub(value, rest)
        elif value is not None:
            node[name] = REDACTED
        return
    field, _, alternatives = condition.rstrip("]").partition("=")
    wanted = set(alternatives.split("|"))
    for element in value if isinstance(value, list) else []:
        if not field or (isinstance(element, dict) and str(element.get(field) or "") in wanted):
            _scrub(element, rest)


def raw_item(
    kind: str, properties: dict[str, Any], account_id: str, region: str, **extra: Any
) -> dict[str, Any]:
    return {
        "Type": kind,
        "Properties": jsonable(properties),
        "__ExtraContext": {"AccountId": account_id, "Region": region, **extra},
    }
