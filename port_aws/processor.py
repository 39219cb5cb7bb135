"""The integration's entity processor: a whole batch mapped by one JQ program, in-process.

Ocean's ``JQEntityProcessor`` forks a process pool for every batch and runs every field of
every item as its own JQ program, converting the item to JSON each time (~1–3 ms per item).
This processor compiles a resource's whole mapping — selector query and every field — into one
program over the batch, run once in this process. Only ``parse_items_sync`` (the compileable
patterns) is replaced; everything around it (uncompileable patterns, merging, misconfiguration
reports, entity parsing) stays Ocean's own.

Semantics are Ocean's, item by item (``JQEntityProcessorSync._get_mapped_entity``): a field
takes the first value its pattern yields, or None when it yields nothing or fails (a failure is
logged exactly as Ocean logs it, by running Ocean's own search for that one field); a None
field is a misconfiguration. An item whose selector does not yield a boolean first, and any
batch the combined program cannot run (a mapping with lists, such as search-query relations, a
pattern that does not combine, input that is not JSON), go through Ocean's own per-item code,
in-process.
"""

from collections.abc import Iterator
from typing import Any

from port_ocean.context.ocean import ocean
from port_ocean.core.handlers.entity_processor.jq_entity_processor import JQEntityProcessor
from port_ocean.core.handlers.entity_processor.jq_entity_processor_sync import (
    JQEntityProcessorSync,
)
from port_ocean.core.handlers.entity_processor.models import MappedEntity
from port_ocean.core.ocean_types import RAW_ITEM

Results = tuple[list[tuple[list[MappedEntity], list[Exception]]], list[Exception]]
Leaf = tuple[tuple[str, ...], str]

_FAILED = "__port_aws_failed__"
"""What the program answers for a field whose pattern raised (Ocean logs it and uses None)."""
_NOT_BOOLEAN = "__port_aws_not_boolean__"
"""What the program answers for a selector whose first value is not a boolean."""

_PROGRAMS: dict[tuple[str, tuple[Leaf, ...]], Any] = {}


def _leaves(mapping: dict[str, Any], path: tuple[str, ...] = ()) -> Iterator[Leaf]:
    for key, value in mapping.items():
        if isinstance(value, dict):
            yield from _leaves(value, (*path, key))
        elif isinstance(value, str):
            yield (*path, key), value
        else:
            raise TypeError(f"cannot combine {type(value).__name__} at {'.'.join((*path, key))}")


def _first(pattern: str) -> str:
    """One pattern's first value as a one-element list, [] for none, or the failure marker."""
    formatted = JQEntityProcessorSync._format_filter(pattern)
    return f'(try ([limit(1; ({formatted}\n))]) catch "{_FAILED}")'


def _program(selector: str, leaves: tuple[Leaf, ...]) -> Any:
    key = (selector, leaves)
    if key not in _PROGRAMS:
        first = _first(selector)
        check = (
            f'({first} | if type == "array" and length == 1 and (.[0] | type) == "boolean" '
            f'then .[0] else "{_NOT_BOOLEAN}" end)'
        )
        body = ", ".join([check, *(_first(pattern) for _, pattern in leaves)])
        text = f"[.[] | [{body}]]"
        if not ocean.config.allow_environment_variables_jq_access:
            text = "def env: {}; {} as $ENV | " + text
        import jq  # type: ignore[import-untyped]

        _PROGRAMS[key] = jq.compile(text)
    return _PROGRAMS[key]


def _one(
    data: RAW_ITEM, mappings: dict[str, Any], selector: str, parse_all: bool
) -> tuple[list[MappedEntity], list[Exception]]:
    """Ocean's own per-item path (what its forked workers run), in this process."""
    try:
        return [JQEntityProcessorSync._get_mapped_entity(data, mappings, selector, parse_all)], []
    except Exception as error:
        return [], [error]


def _assemble(
    data: RAW_ITEM, row: list[Any], leaves: tuple[Leaf, ...], mappings: dict[str, Any]
) -> MappedEntity:
    entity: dict[str, Any] = {}
    misconfigurations: dict[str, str] = {}
    _shape(entity, mappings)
    for (path, pattern), answer in zip(leaves, row[1:], strict=True):
        if answer == _FAILED:
            value = JQEntityProcessorSync._search(data, pattern, field=".".join(path))
        else:
            value = answer[0] if answer else None
        target = entity
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
        if value is None:
            misconfigurations[".".join(path)] = pattern
    return MappedEntity(
        entity=entity, did_entity_pass_selector=row[0], misconfigurations=misconfigurations
    )


def _shape(entity: dict[str, Any], mappings: dict[str, Any]) -> None:
    """The nested dicts of the mapping, in its key order, as Ocean builds them."""
    for key, value in mappings.items():
        if isinstance(value, dict):
            entity[key] = {}
            _shape(entity[key], value)
        else:
            entity[key] = None


def map_batch(
    raw_results: list[RAW_ITEM], mappings: dict[str, Any], selector: str, parse_all: bool
) -> list[tuple[list[MappedEntity], list[Exception]]]:
    """Each item's result, as Ocean's per-item workers would give it."""
    try:
        leaves = tuple(_leaves(mappings))
        rows: list[list[Any]] = _program(selector, leaves).input_value(raw_results).first()
    except Exception:  # a mapping or batch the combined program cannot take: Ocean's own path
        return [_one(data, mappings, selector, parse_all) for data in raw_results]
    results: list[tuple[list[MappedEntity], list[Exception]]] = []
    for data, row in zip(raw_results, rows, strict=True):
        if row[0] == _NOT_BOOLEAN:
            results.append(_one(data, mappings, selector, parse_all))
        elif parse_all or row[0]:
            results.append(([_assemble(data, row, leaves, mappings)], []))
        else:
            results.append(([MappedEntity()], []))
    return results


class BatchJQEntityProcessor(JQEntityProcessor):
    """Ocean's JQ entity processor with the per-item, forked evaluation replaced by
    :func:`map_batch`."""

    async def parse_items_sync(
        self,
        compileable_patterns: dict[str, Any],
        raw_results: list[RAW_ITEM],
        selector_query: str,
        parse_all: bool = False,
    ) -> Results:
        return map_batch(raw_results, compileable_patterns, selector_query, parse_all), []
