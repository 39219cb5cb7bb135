"""The integration's entity processor: a whole batch mapped in one pass, in-process.

Ocean's ``JQEntityProcessor`` forks a process pool for every batch and runs every field of
every item as its own JQ program, converting the item to JSON each time (~1–3 ms per item),
then runs a second pass over every item for the patterns that did not compile (which evaluates
the selector of every item again, even when no pattern is left), and validates every entity
with pydantic. This processor plans a resource's mapping once (cached per mapping): a field
that is a JSON string literal or ``true``/``false``/``null`` is a constant, a field that is a
plain path (``.Properties.Arn``) is read from the item in Python, and every other field and
the selector go into one JQ program run once over the batch. Each batch is then one pass over
its items, producing exactly what Ocean's ``_parse_items`` produces: the same passed and failed
entities, errors (in the same order, a selector that is not a boolean reported twice when the
mapping has nested fields, as Ocean's second pass does), misconfigured fields and log lines.

Semantics are Ocean's, item by item (``JQEntityProcessorSync._get_mapped_entity``): a field
takes the first value its pattern yields, or None when it yields nothing or fails (a failure is
logged exactly as Ocean logs it, by running Ocean's own search for that one field); a None
field is a misconfiguration. A value read in Python is used only when JQ would give back the
same value (any string but one with a lone surrogate, booleans, null, integers within 2**53,
finite non-integral floats, lists and objects of those), as a fresh copy like JQ's; anything
else is Ocean's own search for that field. An item whose selector does not yield a boolean
goes through Ocean's own per-item code (and its second pass, when the mapping has nested
fields). A mapping the plan cannot take (lists such as search-query relations, a pattern that
does not compile alone or in the combined program) and a batch that is not plain JSON
(``json.dumps`` fails, NaN included) go through Ocean's own ``_parse_items``, with
:meth:`parse_items_sync` running the compileable patterns of the batch as one program.
"""

import json
import math
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import jq  # type: ignore[import-untyped]
from loguru import logger
from port_ocean.context.ocean import ocean
from port_ocean.core.handlers.entity_processor.jq_entity_processor import JQEntityProcessor
from port_ocean.core.handlers.entity_processor.jq_entity_processor_sync import (
    JQEntityProcessorSync,
)
from port_ocean.core.handlers.entity_processor.models import MappedEntity
from port_ocean.core.handlers.port_app_config.models import ResourceConfig
from port_ocean.core.models import Entity
from port_ocean.core.ocean_types import RAW_ITEM, CalculationResult, EntitySelectorDiff

Results = tuple[list[tuple[list[MappedEntity], list[Exception]]], list[Exception]]
Leaf = tuple[tuple[str, ...], str]

_FAILED = "__port_aws_failed__"
"""What the program answers for a field whose pattern raised (Ocean logs it and uses None)."""
_UNREADABLE = object()
"""What a path read in Python gives when JQ would raise (indexing what is not an object) or
might give back another value; Ocean's own search for that field decides."""
_NOT_BOOLEAN = "__port_aws_not_boolean__"
"""What the program answers for a selector whose first value is not a boolean."""

_PATH = re.compile(r"\s*((?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*")
_STRING = re.compile(r'\s*"([^"\\]*)"\s*')
_CONSTANTS = {"true": True, "false": False, "null": None}
_KEYWORDS = frozenset(
    [
        "and",
        "or",
        "not",
        "if",
        "then",
        "elif",
        "else",
        "end",
        "as",
        "def",
        "reduce",
        "foreach",
        "try",
        "catch",
        "label",
        "import",
        "include",
        "__loc__",
    ]
)
_EXACT = 2**53
"""Integers up to this magnitude come back from JQ as they went in (JQ numbers are doubles)."""
_CACHED = 256
"""Plans and programs kept (one per mapping and selector); beyond that the cache starts over."""

_PROGRAMS: dict[tuple[str | None, tuple[str, ...], bool], Any] = {}


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


def _compiled(selector: str | None, patterns: tuple[str, ...]) -> Any:
    """One program over the batch: for each item, the selector's check (when given) and each
    pattern's first value."""
    key = (selector, patterns, ocean.config.allow_environment_variables_jq_access)
    if key not in _PROGRAMS:
        parts = [_first(pattern) for pattern in patterns]
        if selector is not None:
            parts.insert(
                0,
                f'({_first(selector)} | if type == "array" and length == 1 and '
                f'(.[0] | type) == "boolean" then .[0] else "{_NOT_BOOLEAN}" end)',
            )
        text = f"[.[] | [{', '.join(parts)}]]"
        if not ocean.config.allow_environment_variables_jq_access:
            text = "def env: {}; {} as $ENV | " + text
        if len(_PROGRAMS) >= _CACHED:
            _PROGRAMS.clear()
        _PROGRAMS[key] = jq.compile(text)
    return _PROGRAMS[key]


def _program(selector: str, leaves: tuple[Leaf, ...]) -> Any:
    return _compiled(selector, tuple(pattern for _, pattern in leaves))


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


# --- The planned path: Ocean's whole ``_parse_items`` in one pass over the batch ---


def _as_jq_gives(value: Any) -> Any:
    """The value as JQ gives it back to Ocean, a fresh copy like JQ's (so no entity shares a
    list or dict with the raw item or another field), or ``_UNREADABLE`` when JQ might give back
    something else: a lone surrogate (U+FFFD), an integer beyond 2**53 or an integral float
    (doubles, given back as ints), NaN or infinity, a key that is not a string, any other type."""
    kind = type(value)
    if value is None or kind is bool:
        return value
    if kind is str:
        if not value.isascii():
            try:
                value.encode()
            except UnicodeEncodeError:
                return _UNREADABLE
        return value
    if kind is int:
        return value if -_EXACT <= value <= _EXACT else _UNREADABLE
    if kind is float:
        return value if math.isfinite(value) and not value.is_integer() else _UNREADABLE
    if kind is list:
        elements = [_as_jq_gives(element) for element in value]
        return _UNREADABLE if any(e is _UNREADABLE for e in elements) else elements
    if kind is dict:
        members = {k: _as_jq_gives(v) for k, v in value.items()}
        unreadable = any(type(k) is not str or v is _UNREADABLE for k, v in members.items())
        return _UNREADABLE if unreadable else members
    return _UNREADABLE


def _walk(keys: tuple[str, ...]) -> Callable[[Any], Any]:
    def read(data: Any) -> Any:
        for key in keys:
            if type(data) is dict:
                data = data.get(key)
            elif data is not None:  # JQ: "Cannot index <type> with <key>"
                return _UNREADABLE
        return data

    return read


@dataclass(frozen=True)
class _Field:
    """One pattern of the mapping: a constant, a path read in Python, or a column of the
    batch program."""

    pattern: str
    name: str
    """Its dotted path in the entity, as Ocean names it in logs and misconfigurations."""
    constant: bool = False
    value: Any = None
    read: Callable[[Any], Any] | None = None
    column: int = -1


def _field(pattern: str, name: str, columns: list[str]) -> _Field:
    formatted = JQEntityProcessorSync._format_filter(pattern)
    if formatted.strip() in _CONSTANTS:
        return _Field(pattern, name, constant=True, value=_CONSTANTS[formatted.strip()])
    if string := _STRING.fullmatch(formatted):
        return _Field(pattern, name, constant=True, value=string.group(1))
    path = _PATH.fullmatch(formatted)
    if path:
        keys = tuple(path.group(1)[1:].split("."))
        if not _KEYWORDS.intersection(keys):
            return _Field(pattern, name, read=_walk(keys))
    columns.append(pattern)
    return _Field(pattern, name, column=len(columns) - 1)


@dataclass(frozen=True)
class _Plan:
    selector: _Field
    fields: tuple[_Field, ...]
    mappings: dict[str, Any]
    nested: dict[str, Any]
    """What Ocean's second pass maps (the mapping's nested dicts, emptied); {} when it has none
    and Ocean skips that pass."""
    program: Any
    """The batch program over the columns, None when every field is a constant or a path."""
    constructible: bool


_PLANS: dict[tuple[str, str, bool], _Plan | None] = {}


def _nested(mappings: dict[str, Any]) -> dict[str, Any]:
    return {k: _nested(v) for k, v in mappings.items() if isinstance(v, dict)}


def _plan(processor: JQEntityProcessor, mappings: dict[str, Any], selector: str) -> _Plan | None:
    key = (json.dumps(mappings), selector, ocean.config.allow_environment_variables_jq_access)
    if key not in _PLANS:
        if len(_PLANS) >= _CACHED:
            _PLANS.clear()
        _PLANS[key] = _make_plan(processor, mappings, selector)
    return _PLANS[key]


def _make_plan(
    processor: JQEntityProcessor, mappings: dict[str, Any], selector: str
) -> _Plan | None:
    try:
        leaves = tuple(_leaves(mappings))
        for pattern in (selector, *(pattern for _, pattern in leaves)):
            processor._compile(pattern)  # what Ocean could not compile goes Ocean's way
    except Exception:
        return None
    columns: list[str] = []
    check = _field(selector, "", [])  # when a column, the program answers it first
    fields = tuple(_field(pattern, ".".join(path), columns) for path, pattern in leaves)
    program = None
    if check.column >= 0 or columns:
        try:
            program = _compiled(selector if check.column >= 0 else None, tuple(columns))
        except Exception:
            return None
    return _Plan(check, fields, mappings, _nested(mappings), program, _constructible(mappings))


def _build(mappings: dict[str, Any], values: Iterator[Any]) -> dict[str, Any]:
    """The entity in the mapping's key order and nesting, as Ocean builds it."""
    return {
        key: _build(value, values) if isinstance(value, dict) else next(values)
        for key, value in mappings.items()
    }


_FIELDS = frozenset(Entity.__fields__)
_PLAIN = (str, type(None))


def _constructible(mappings: dict[str, Any]) -> bool:
    """Whether entities of this mapping may skip pydantic's validation when their icon and team
    are strings or None: every key is a field of ``Entity``, properties and relations are dicts
    with string keys (validation would give back equal copies), the other fields are Any."""
    return _FIELDS.issuperset(mappings) and all(
        type(mappings.get(key, {})) is dict and all(type(k) is str for k in mappings.get(key, {}))
        for key in ("properties", "relations")
    )


def _entity(plan: "_Plan", entity: dict[str, Any]) -> Entity:
    """``Entity.parse_obj``, without the validation that can neither fail nor change it.

    The blueprint and the relations' targets repeat across a resync's entities (every entity of
    a kind, every entity of an account), and Ocean keeps each entity's blueprint and relations
    until its delete phase: one shared string each instead of a copy per entity."""
    if type(entity.get("blueprint")) is str:
        entity["blueprint"] = sys.intern(entity["blueprint"])
    relations = entity.get("relations")
    if type(relations) is dict:
        for name, target in relations.items():
            if type(target) is str:
                relations[name] = sys.intern(target)
    if (
        plan.constructible
        and type(entity.get("icon")) in _PLAIN
        and type(entity.get("team")) in _PLAIN
    ):
        return Entity.construct(**entity)
    return Entity.parse_obj(entity)


class BatchJQEntityProcessor(JQEntityProcessor):
    """Ocean's JQ entity processor, a batch mapped in one pass (:class:`_Plan`); Ocean's own
    flow, with the per-item forked evaluation replaced by :func:`map_batch`, for what the plan
    cannot take."""

    async def parse_items_sync(
        self,
        compileable_patterns: dict[str, Any],
        raw_results: list[RAW_ITEM],
        selector_query: str,
        parse_all: bool = False,
    ) -> Results:
        return map_batch(raw_results, compileable_patterns, selector_query, parse_all), []

    async def _parse_items(
        self, mapping: ResourceConfig, raw_results: list[RAW_ITEM], parse_all: bool = False
    ) -> CalculationResult:
        mappings: dict[str, Any] = mapping.port.entity.mappings.dict(exclude_unset=True)
        selector = mapping.selector.query
        plan = _plan(self, mappings, selector)
        rows: list[list[Any]] | None = None
        try:
            text = json.dumps(raw_results, separators=(",", ":"), allow_nan=False)
            if plan is not None and plan.program is not None:
                rows = plan.program.input_text(text).first()
                if type(rows) is not list or len(rows) != len(raw_results):
                    raise ValueError("the batch program did not give one row per item")
        except Exception:  # not plain JSON, or the batch program failed: Ocean's own flow
            plan = None
        if plan is None:
            return await super()._parse_items(mapping, raw_results, parse_all)
        logger.info(f"Parsing {len(raw_results)} raw results into entities")
        return await self._finish(mapping, plan, raw_results, rows, parse_all)

    async def _finish(
        self,
        mapping: ResourceConfig,
        plan: _Plan,
        raw_results: list[RAW_ITEM],
        rows: list[list[Any]] | None,
        parse_all: bool,
    ) -> CalculationResult:
        errors: list[Exception] = []
        passed: list[Entity] = []
        failed: list[Entity] = []
        misconfigured: dict[str, str] = {}
        skipped = 0
        offset = 0 if plan.selector.column < 0 else 1
        for index, data in enumerate(raw_results):
            row = rows[index] if rows is not None else []
            check = plan.selector
            if check.constant:
                selected = check.value
            elif check.read is not None:
                selected = check.read(data)
            else:
                selected = row[0]
            if type(selected) is not bool:  # Ocean's per-item path, and its second pass's error
                mapped, item_errors = _one(data, plan.mappings, mapping.selector.query, parse_all)
                errors += item_errors
                if plan.nested:
                    async_mapped, async_errors = await self._calculate_entity(
                        data, plan.nested, mapping.selector.query, parse_all
                    )
                    errors += async_errors
                    if mapped and async_mapped:
                        mapped[0].entity = self._deep_merge(
                            mapped[0].entity, async_mapped[0].entity
                        )
                        mapped[0].did_entity_pass_selector &= async_mapped[
                            0
                        ].did_entity_pass_selector
                    mapped = mapped or async_mapped
                if not mapped:
                    continue
                entity, passes = mapped[0].entity, mapped[0].did_entity_pass_selector
                misconfigured |= mapped[0].misconfigurations
            elif parse_all or selected:
                values = self._values(plan, data, row, offset, misconfigured)
                entity = _build(plan.mappings, iter(values))
                passes = selected
            else:
                entity, passes = {}, False
            if entity.get("identifier") and entity.get("blueprint"):
                (passed if passes else failed).append(_entity(plan, entity))
            else:
                skipped += 1
        logger.debug(
            f"Finished parsing raw results into entities with {len(errors)} errors. "
            f"errors: {errors}"
        )
        required = await self._resolve_required_fields(mapping, misconfigured)
        self._notify_mapping_issues(misconfigured, skipped > 0, skipped, required)
        return CalculationResult(
            EntitySelectorDiff(passed=passed, failed=failed),
            errors,
            misconfigured_entity_keys=misconfigured,
        )

    @staticmethod
    def _values(
        plan: _Plan, data: RAW_ITEM, row: list[Any], offset: int, misconfigured: dict[str, str]
    ) -> list[Any]:
        """Each field's value in mapping order; a None field is recorded as misconfigured."""
        values = []
        for field in plan.fields:
            if field.constant:
                value = field.value
            elif field.read is not None:
                value = field.read(data)
                if type(value) is not str or not value.isascii():
                    value = _as_jq_gives(value)  # _UNREADABLE stays _UNREADABLE
                if value is _UNREADABLE:
                    value = JQEntityProcessorSync._search(data, field.pattern, field=field.name)
            else:
                answer = row[offset + field.column]
                if answer == _FAILED:
                    value = JQEntityProcessorSync._search(data, field.pattern, field=field.name)
                else:
                    value = answer[0] if answer else None
            if value is None:
                misconfigured[field.name] = field.pattern
            values.append(value)
        return values
