"""JQ expressions of a mapping compiled before anything is read: a syntax error is a mapping
error naming the kind, the field and the expression.

Ocean only logs a JQ expression that does not compile, once per item, and maps the item
without that field: an ``identifier`` that does not compile yields no entity at all, which
would read as "every entity of this kind is gone".
"""

from collections.abc import Iterator, Mapping
from typing import Any

import jq  # type: ignore[import-untyped]
from port_ocean.core.handlers.entity_processor.jq_entity_processor import JQEntityProcessor


class InvalidJQError(ValueError):
    """A mapping's JQ expression does not compile; the message names the kind, the field and
    the expression."""


ENTITY_FIELDS = ("identifier", "title", "blueprint", "team", "icon")
"""Fields of ``port.entity.mappings`` that are JQ expressions when they are strings."""


def _expressions(resource: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, expression) of every JQ expression of one mapping resource."""
    selector = resource.get("selector") or {}
    if isinstance(selector.get("query"), str):
        yield "selector.query", selector["query"]
    port = resource.get("port") or {}
    if isinstance(port.get("itemsToParse"), str):
        yield "port.itemsToParse", port["itemsToParse"]
    mappings = (port.get("entity") or {}).get("mappings") or {}
    for name in ENTITY_FIELDS:
        if isinstance(mappings.get(name), str):
            yield f"port.entity.mappings.{name}", mappings[name]
    for group in ("properties", "relations"):
        for key, value in (mappings.get(group) or {}).items():
            if isinstance(value, str):
                yield f"port.entity.mappings.{group}.{key}", value


def invalid_expression(resource: Mapping[str, Any]) -> str | None:
    """The first expression of ``resource`` (a mapping resource, as in port-app-config) that
    does not compile, as one line naming the kind, the field, the expression and jq's error;
    None when every expression compiles."""
    for where, expression in _expressions(resource):
        try:
            jq.compile(JQEntityProcessor._format_filter(expression))
        except ValueError as error:
            reason = str(error).splitlines()[0].rstrip(":") if str(error) else "does not compile"
            return f"{resource.get('kind')}: {where}: invalid JQ {expression!r}: {reason}"
    return None
