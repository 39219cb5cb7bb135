"""The raw item shape users' mappings rely on: Type, Properties (PascalCase), __ExtraContext."""

import json
import re
from datetime import date, datetime
from typing import Any

import yaml


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

GENERIC = "**"
"""The path of the name rule (:func:`scrub_by_names`) over a whole item: the rule of generic kinds
(nothing tells which fields of a Cloud Control model hold secrets), applied to each model as it
is parsed (``scrub_by_names``)."""


def redact_paths(props: dict[str, Any], paths: tuple[str, ...]) -> dict[str, Any]:
    """Replace the values at ``paths`` (a kind's ``secrets``) by :data:`REDACTED`, in place.

    A path is dot-separated keys; ``Name[]`` walks every element of the list ``Name``,
    ``Name[field=A|B]`` only the elements whose ``field`` is A or B (an empty alternative matches
    a missing field), and ``*`` every value of a map. ``Name@json`` and ``Name@yaml`` read the
    string at ``Name`` as a JSON or YAML document, apply the rest of the path (and the brackets)
    inside it and write it back re-encoded when a value was replaced (a string that does not
    parse is replaced whole). ``**`` applies :func:`scrub_by_names` to everything below. Missing
    parts are skipped.
    """
    for path in paths:
        if path == GENERIC:
            clean = scrub_by_names(props)
            props.clear()
            props.update(clean)
        else:
            _at(props, path.split("."), [])
    return props


def _at(node: Any, segments: list[str], hits: list[str]) -> Any:
    """``node`` with the path ``segments`` scrubbed (maps changed in place); each replaced
    value adds to ``hits``."""
    if not segments:
        if node is None:
            return None
        hits.append(REDACTED)
        return REDACTED
    head, rest = segments[0], segments[1:]
    if head == GENERIC:
        hits.append(GENERIC)
        return scrub_by_names(node)
    if not isinstance(node, dict):
        return node
    if head == "*":
        for key, value in node.items():
            node[key] = _at(value, rest, hits)
        return node
    name, bracket, condition = head.partition("[")
    name, _, encoding = name.partition("@")
    if name not in node:
        return node
    if encoding:
        node[name] = _decoded(node[name], encoding, bracket + condition, rest, hits)
    elif not bracket:
        node[name] = _at(node[name], rest, hits)
    else:
        field, _, alternatives = condition.rstrip("]").partition("=")
        wanted = set(alternatives.split("|"))
        for i, element in enumerate(node[name] if isinstance(node[name], list) else []):
            if not field or (isinstance(element, dict) and str(element.get(field) or "") in wanted):
                node[name][i] = _at(element, rest, hits)
    return node


def _decoded(text: Any, encoding: str, bracket: str, rest: list[str], hits: list[str]) -> Any:
    """A JSON or YAML document kept in a string, scrubbed inside (see :func:`redact_paths`)."""
    if not isinstance(text, str):
        return _at({"": text}, ["" + bracket, *rest], hits)[""]
    try:
        document = json.loads(text) if encoding == "json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError):
        hits.append(REDACTED)
        return REDACTED
    found: list[str] = []
    document = _at({"": document}, ["" + bracket, *rest], found)[""]
    if not found:
        return text
    hits += found
    if encoding == "json":
        return json.dumps(document)
    return yaml.safe_dump(document, sort_keys=False)


SENSITIVE_NAME = re.compile(r"pass|pwd|secret|token|key|credential|auth|fernet|private", re.I)
"""A key chosen by a user (``--db_pass``, ``core.fernet_key``, ``x-api-key``) naming a secret."""

SECRET_PROPERTY = re.compile(
    r"password|passwd|secret|token|credential|privatekey|apikey|fernet", re.IGNORECASE
)
"""A CloudFormation property naming a secret (``MasterUserPassword``, ``AuthToken``,
``ClientSecret``): narrower than :data:`SENSITIVE_NAME`, since ``KeyName``, ``KmsKeyId``,
``PrimaryKey``, ``AuthenticationMode`` or ``PrivateIpAddress`` name no secret."""

REFERENCE = re.compile(r"(Arn|Id|Name|Type)s?$")
"""Property names ending so name where a secret is kept or what it is (``SecretArn``,
``TokenType``), not its value."""

PROPERTY_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*$")
"""How CloudFormation names a property; any other key of a model was chosen by a user."""

VALUE_MAP = re.compile(r"(environment|variables|arguments|parameters|headers)$", re.IGNORECASE)
"""Names of maps and lists whose values are the user's (``Environment``, ``EnvironmentVariables``,
``DefaultArguments``, ``HeaderParameters``, ``RuntimeEnvironmentVariables`` …)."""

LABELS = frozenset({"name", "key", "type", "parameterkey", "optionname", "namespace"})
"""Fields of a value list's entries (``{"Name", "Value"}``, ``{"Key", "Value"}`` …) that name the
value rather than hold it."""

USER_INFO = re.compile(r"(?<=://)[^/?#\s]*@")
"""The user-info of a URL (``jdbc:mysql://admin:hunter2@db:3306``)."""


def names_a_secret(key: str) -> bool:
    """Whether the value of ``key`` is a secret by its name (see :func:`scrub_by_names`)."""
    if PROPERTY_NAME.match(key):
        return bool(SECRET_PROPERTY.search(key)) and not REFERENCE.search(key)
    return bool(SENSITIVE_NAME.search(key))


def holds_secrets(key: str) -> bool:
    """Whether the value of ``key`` is scrubbed, whole or in part, by :func:`scrub_by_names`."""
    return names_a_secret(key) or bool(VALUE_MAP.search(key)) or key == "OptionSettings"


def scrub_by_names(value: Any) -> Any:
    """``value`` (a Cloud Control model) without secrets, judged by names (a copy):

    - the values of value maps (keys matching :data:`VALUE_MAP`) are replaced at any depth, the
      labels of their lists' entries (:data:`LABELS`) kept;
    - the value of a key naming a secret (:func:`names_a_secret`) is replaced whole;
    - Elastic Beanstalk option settings of an ``…:environment`` namespace lose their ``Value``;
    - every other string loses a URL's user-info.

    Numbers and booleans are kept everywhere.
    """
    if isinstance(value, str):
        return USER_INFO.sub("", value)
    if isinstance(value, list):
        return [scrub_by_names(v) for v in value]
    if not isinstance(value, dict):
        return value
    clean: dict[str, Any] = {}
    for key, inner in value.items():
        if names_a_secret(key) or (VALUE_MAP.search(key) and isinstance(inner, dict | list)):
            clean[key] = _values(inner)
        elif key == "OptionSettings" and isinstance(inner, list):
            clean[key] = [_option(v) for v in inner]
        else:
            clean[key] = scrub_by_names(inner)
    return clean


def _values(value: Any) -> Any:
    """Every string replaced by the marker: ``{NAME: value}`` maps keep their names, lists of
    ``{"Name", "Value"}``-like entries their :data:`LABELS`."""
    if isinstance(value, str):
        return REDACTED
    if isinstance(value, list):
        return [_entry(v) if isinstance(v, dict) else _values(v) for v in value]
    if isinstance(value, dict):
        return {k: _values(v) for k, v in value.items()}
    return value


def _entry(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v if k.lower() in LABELS else _values(v) for k, v in entry.items()}


def _option(setting: Any) -> Any:
    """An Elastic Beanstalk option setting; those of the application's environment namespace
    are environment variables."""
    if isinstance(setting, dict) and str(setting.get("Namespace", "")).endswith(":environment"):
        return {**setting, "Value": REDACTED} if "Value" in setting else setting
    return scrub_by_names(setting)


def raw_item(
    kind: str, properties: dict[str, Any], account_id: str, region: str, **extra: Any
) -> dict[str, Any]:
    return {
        "Type": kind,
        "Properties": jsonable(properties),
        "__ExtraContext": {"AccountId": account_id, "Region": region, **extra},
    }
