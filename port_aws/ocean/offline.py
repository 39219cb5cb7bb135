"""The integration's whole pipeline run in-process, with Port replaced by a local capture.

Ocean's own test harness boots the integration exactly as ``ocean sail`` would (spec,
``main.py``, the mapping through JQ), but Port's API is answered in-process: nothing leaves
the machine and no Port credentials are needed. Entities Ocean would upsert are written to a
JSON array (or JSON Lines, streamed so memory stays flat) as they arrive.
"""

import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import yaml
from loguru import logger
from port_ocean.context.ocean import ocean
from port_ocean.core.handlers.entity_processor.jq_entity_processor import JQEntityProcessor
from port_ocean.core.handlers.port_app_config.models import ResourceConfig
from port_ocean.core.ocean_types import CalculationResult
from port_ocean.integration_testing import IntegrationTestHarness, InterceptTransport
from pydantic.v1 import ValidationError

from port_aws.aws.accounts import UnknownOuIds
from port_aws.aws.errors import ConfigError, IncompleteResyncError
from port_aws.catalog import resource_type
from port_aws.catalog.cloudcontrol import unknown_everywhere
from port_aws.config.settings import utf8_text
from port_aws.mapping import AWSPortAppConfig, mapping_error
from port_aws.ocean.jq_check import invalid_expression
from port_aws.ocean.posture import CatalogPreview
from port_aws.resync.engine import policy_regions  # what a resync applies
from port_aws.resync.state import ResyncRun, current_run
from port_aws.resync.stats import RESYNC_REPORT, KindStats

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MAPPING = ROOT / ".port" / "resources" / "port-app-config.yml"


class MappingFileError(ValueError):
    """The port-app-config file cannot be read or is not a valid mapping."""


def load_mapping(path: Path) -> dict[str, Any]:
    """Read and validate a port-app-config file; errors name the file and the problem."""
    try:
        data = yaml.safe_load(utf8_text(path))
    except ConfigError as error:
        raise MappingFileError(str(error)) from None
    except OSError as error:
        raise MappingFileError(f"{path}: cannot be read: {error.strerror}") from None
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise MappingFileError(
            f"{path}: not valid YAML{line}: {getattr(error, 'problem', error)}"
        ) from None
    if not isinstance(data, dict) or not data.get("resources"):
        raise MappingFileError(f"{path}: expected a mapping with a non-empty 'resources' list")
    try:
        AWSPortAppConfig.parse_obj(data)
    except ValidationError as error:
        raise MappingFileError(f"{path}: {mapping_error(error)}") from None
    for resource in data["resources"]:
        if (problem := invalid_expression(resource)) is not None:
            raise MappingFileError(f"{path}: {problem}")
    return dict(data)


def selects_no_region(mapping: dict[str, Any], partition: str) -> str | None:
    """One line for the first kind of a (valid) mapping whose ``regionPolicy`` leaves no region
    to read, as a resync would refuse it; None when every kind has a region."""
    for resource in AWSPortAppConfig.parse_obj(mapping).resources:
        declared = resource_type(resource.kind)
        assert declared is not None, f"{resource.kind} passed mapping validation"
        try:
            policy_regions(declared, resource.selector.options(), partition)
        except IncompleteResyncError as error:
            return str(error)
    return None


NO_ACCOUNT = "not synced"
"""How the summary counts an entity related to no synced account (a suspended or excluded
Organizations account)."""

EntityKey = tuple[str, str]
"""(blueprint, identifier): what Port keeps one entity of."""


def _key(entity: dict[str, Any]) -> EntityKey:
    return str(entity.get("blueprint")), str(entity.get("identifier"))


def merge_upsert(earlier: dict[str, Any], later: dict[str, Any], merge: bool) -> dict[str, Any]:
    """What Port keeps of two upserts of one entity: with merge (Ocean's default,
    ``enableMergeEntity``) the later one's fields win and its properties and relations are
    added to the earlier one's; without, the later one replaces it."""
    if not merge:
        return later
    merged = {**earlier, **later}
    for part in ("properties", "relations"):
        merged[part] = {**(earlier.get(part) or {}), **(later.get(part) or {})}
    return merged


class EntitySink(list[dict[str, Any]]):
    """Takes the entities Ocean upserts and writes them out as they come, keeping only counts.

    An entity upserted again (same blueprint and identifier: two mapping entries yield it) is
    written once, as Port keeps one: an identical copy is dropped as it comes; a different one
    is written too, and when the run ends the file is rewritten with each such entity once,
    merged as Port merges upserts (memory: those entities only)."""

    def __init__(self, path: Path, lines: bool, merge: bool = True) -> None:
        super().__init__()
        self.path = path
        self.lines = lines
        self.merge = merge
        self.stream: IO[str] = path.open("w")
        self.written = 0
        self.repeated = 0
        """Upserts of an entity already written."""
        self.seen: dict[EntityKey, int] = {}
        """Each entity written: the hash of the text first written."""
        self.differing: set[EntityKey] = set()
        """Entities upserted again with other content: merged when the run ends."""
        self._reset_counts()
        if not lines:
            self.stream.write("[")

    def _reset_counts(self) -> None:
        self.by_blueprint: Counter[str] = Counter()
        self.by_blueprint_account: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.catalog = CatalogPreview()

    def append(self, entity: dict[str, Any]) -> None:
        text = json.dumps(entity, default=str, sort_keys=True)
        key = _key(entity)
        first = self.seen.get(key)
        if first is not None:
            self.repeated += 1
            if first == hash(text) and key not in self.differing:
                return
            self.differing.add(key)
        else:
            self.seen[key] = hash(text)
            self._count(entity)
        self._write(text)

    def _write(self, text: str) -> None:
        if self.lines:
            self.stream.write(text + "\n")
        else:
            self.stream.write(("\n  " if self.written == 0 else ",\n  ") + text)
        self.written += 1

    def _count(self, entity: dict[str, Any]) -> None:
        blueprint = str(entity.get("blueprint"))
        self.by_blueprint[blueprint] += 1
        account = (entity.get("relations") or {}).get("account")
        if blueprint == "awsAccount":
            account = entity.get("identifier")
        self.by_blueprint_account[blueprint][str(account or NO_ACCOUNT)] += 1
        self.catalog.observe(entity)

    def close(self) -> None:
        if not self.lines:
            self.stream.write("\n]\n" if self.written else "]\n")
        self.stream.close()
        if self.differing:
            self._merge_repeated()

    def _read_back(self) -> Iterator[dict[str, Any]]:
        """The entities written, in order (one per line in either format)."""
        with self.path.open() as stream:
            for line in stream:
                text = line.strip().removesuffix(",")
                if text.startswith("{"):
                    yield json.loads(text)

    def _merge_repeated(self) -> None:
        """Rewrite the file with each entity once: those upserted with differing content merged
        in the order they came, at the place of their first upsert; counts taken again."""
        merged: dict[EntityKey, dict[str, Any]] = {}
        for entity in self._read_back():
            key = _key(entity)
            if key in self.differing:
                earlier = merged.get(key)
                merged[key] = (
                    entity if earlier is None else merge_upsert(earlier, entity, self.merge)
                )
        final = self.path.with_name(self.path.name + ".partial")
        rewritten = EntitySink(final, self.lines, self.merge)
        for entity in self._read_back():
            key = _key(entity)
            if key not in rewritten.seen:
                rewritten.append(merged.get(key, entity))
        rewritten.close()  # each entity once: nothing left to merge
        final.replace(self.path)
        self.written = rewritten.written
        self.by_blueprint = rewritten.by_blueprint
        self.by_blueprint_account = rewritten.by_blueprint_account
        self.catalog = rewritten.catalog


SAMPLE_ITEMS = 200
"""Raw items of a batch a misconfigured field is re-evaluated on to find the JQ error behind it."""
SHOWN_PROBLEMS = 5
"""Mapping problems printed verbatim; the rest are counted."""
EXPRESSION_WIDTH = 60
"""Longest JQ expression the summary shows whole (``--all-fields`` shows every one whole)."""
REQUIRED_FIELDS = ("identifier", "blueprint")
"""Without these Ocean drops the entity, whatever the rest of the mapping yields."""


@dataclass(frozen=True)
class FieldProblem:
    """A mapping field Ocean found null, missing or failing for at least one item of a kind."""

    kind: str
    field: str
    expression: str
    error: str | None
    """The JQ error the expression raises (verbatim), or None when it merely yields null."""

    @property
    def is_error(self) -> bool:
        return self.error is not None or self.field in REQUIRED_FIELDS

    def describe(self, null: str = "null or missing for some items", whole: bool = False) -> str:
        """One line; a long expression cut to ``EXPRESSION_WIDTH`` unless ``whole``."""
        reason = self.error or null
        expression = self.expression
        if not whole and len(expression) > EXPRESSION_WIDTH:
            expression = expression[: EXPRESSION_WIDTH - 1] + "…"
        return f"{self.kind} {self.field}: {expression!r}: {reason}"


def _jq_error(expression: str, items: list[Any]) -> str | None:
    """The first JQ error ``expression`` raises on ``items`` (or on compiling), else None."""
    import jq

    try:
        program = jq.compile(JQEntityProcessor._format_filter(expression))
    except ValueError as error:
        return str(error).splitlines()[0]
    for item in items[:SAMPLE_ITEMS]:
        try:
            program.input_value(json.loads(json.dumps(item, default=str))).first()
        except StopIteration:
            continue
        except ValueError as error:
            return str(error).splitlines()[0]
    return None


@dataclass
class MappingReport:
    """What Ocean's mapping made of the raw items: JQ errors and misconfigured fields, per kind.

    Ocean only logs these (as warnings, hidden unless ``--verbose``); the report keeps them
    from the CalculationResult each batch yields, so a mapping mistake cannot pass silently.
    """

    problems: dict[tuple[str, str], FieldProblem] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    entries: dict[int, tuple[str, frozenset[str]]] = field(default_factory=dict)
    """Each mapping entry that yielded entities (by its object's id): its kind and fields."""
    batches: Counter[int] = field(default_factory=Counter)
    """Per entry: batches that yielded entities."""
    null_batches: Counter[tuple[int, str]] = field(default_factory=Counter)
    """Per (entry, field): those of its batches in which no entity has a value for the field
    (a batch in which Ocean found a field misconfigured for no item filled it for all)."""

    def add(self, mapping: ResourceConfig, raw: list[Any], result: CalculationResult) -> None:
        kind = mapping.kind
        for name, expression in result.misconfigured_entity_keys.items():
            if (kind, name) not in self.problems:
                self.problems[(kind, name)] = FieldProblem(
                    kind, name, str(expression), _jq_error(str(expression), raw)
                )
        entities = result.entity_selector_diff.passed
        if entities:
            entry = id(mapping)
            if entry not in self.entries:
                self.entries[entry] = (kind, _declared(mapping))
            self.batches[entry] += 1
            for name in result.misconfigured_entity_keys:
                if all(_empty(_field_value(e, name)) for e in entities):
                    self.null_batches[(entry, name)] += 1
        self.errors += [
            f"{kind}: {str(e).splitlines()[0] if str(e) else repr(e)}" for e in result.errors
        ]

    def always_null(self, problem: FieldProblem) -> bool:
        """No entity of the kind has a value for the field (in any entry that maps it)."""
        return all(
            self.null_batches[(entry, problem.field)] >= self.batches[entry]
            for entry, (kind, fields) in self.entries.items()
            if kind == problem.kind and _top(problem.field) in fields
        )

    @property
    def failed(self) -> bool:
        return bool(self.errors) or any(p.is_error for p in self.problems.values())

    def render(self, all_fields: bool = False) -> list[str]:
        """Errors first, then fields no entity fills, then fields some entities leave empty
        (counted only); ``all_fields`` lists every one of each."""
        shown = None if all_fields else SHOWN_PROBLEMS
        broken = [p for p in self.problems.values() if p.is_error]
        nulls = [p for p in self.problems.values() if not p.is_error]
        always = [p for p in nulls if self.always_null(p)]
        some = [p for p in nulls if not self.always_null(p)]
        rows: list[str] = []
        if self.errors or broken:
            rows.append(
                f"Mapping errors: {len(self.errors)} item errors, {len(broken)} failing fields "
                "(fix the mapping; --verbose shows Ocean's own logs):"
            )
            listed = [
                *self.errors[:shown],
                *(p.describe(whole=all_fields) for p in broken[:shown]),
            ]
            rows += _listed(listed)
            hidden = len(self.errors) + len(broken) - len(listed)
            if hidden:
                rows.append(f"  … and {hidden} more (--all-fields lists every one)")
        if always:
            rows.append(f"Fields null for every entity: {len(always)}:")
            rows += _listed(p.describe("no value for any item", all_fields) for p in always[:shown])
            if len(always) > len(always[:shown]):
                rows.append(f"  … and {len(always[shown:])} more (--all-fields lists every one)")
        if some:
            rows.append(
                f"Fields null for some entities only: {len(some)}"
                + (":" if all_fields else " (--all-fields lists them)")
            )
            if all_fields:
                rows += _listed(p.describe(whole=True) for p in some)
        return rows


def _listed(lines: Iterable[str]) -> list[str]:
    return [f"  {line}" for line in lines]


def _top(name: str) -> str:
    """The entity field a misconfigured field's name is in: ``properties.size`` for
    ``properties.size`` and ``title`` for ``title``."""
    parts = name.split(".")
    return ".".join(parts[:2] if parts[0] in ("properties", "relations") else parts[:1])


def _declared(mapping: ResourceConfig) -> frozenset[str]:
    """The entity fields a mapping entry sets (named as ``_top`` names them)."""
    fields = mapping.port.entity.mappings.dict(exclude_unset=True)
    return frozenset(
        f"{name}.{key}" if isinstance(value, dict) else name
        for name, value in fields.items()
        for key in (value if isinstance(value, dict) else [""])
    )


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == {}


def _field_value(entity: Any, path: str) -> Any:
    """The value of a mapping field (``title``, ``properties.size``: Ocean's names for a
    misconfigured field) in an entity Ocean mapped."""
    top, _, rest = path.partition(".")
    value = getattr(entity, top, None)
    for part in rest.split(".") if rest else ():
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _observe_mapping(report: MappingReport) -> None:
    """Have the integration's entity processor hand each batch's result to ``report``."""
    processor = ocean.integration.entity_processor
    parse_items = processor.parse_items

    async def observed(
        mapping: ResourceConfig, raw_data: list[Any], parse_all: bool = False
    ) -> CalculationResult:
        result = await parse_items(mapping, raw_data, parse_all)
        report.add(mapping, raw_data, result)
        return result

    processor.parse_items = observed  # type: ignore[method-assign]


@dataclass
class PipelineResult:
    entities: int
    by_blueprint: Counter[str]
    by_blueprint_account: dict[str, Counter[str]]
    kinds: list[KindStats]
    errors: list[str] = field(default_factory=list)
    deleted: int = 0
    mapping: MappingReport = field(default_factory=MappingReport)
    catalog: CatalogPreview = field(default_factory=CatalogPreview)
    repeated: int = 0
    """Upserts of an entity already written (same blueprint and identifier), merged into it."""
    account_names: dict[str, str] = field(default_factory=dict)
    """Account id -> name, as discovery found them (AWS Organizations' names)."""

    @property
    def failed(self) -> bool:
        return bool(self.errors) or any(k.failed for k in self.kinds)

    @property
    def refused(self) -> str | None:
        """A failure that is the configuration's or the mapping's, not AWS's (an ``ouId`` the
        organization does not have, a type name no region knows), as one line; None if none."""
        for stats in self.kinds:
            if (line := unknown_everywhere(stats.kind, stats.failed)) is not None:
                return line
            for problem in stats.failed:
                if problem.code == UnknownOuIds.__name__:
                    return problem.message
        return None


RESYNC_FAILED = ("Failed to execute resync function", "Event failed with error")
"""How Ocean logs (with a traceback) the error a kind raised, and the resync's end."""


async def _not_posted(*args: Any, **kwargs: Any) -> None:
    """Ocean's per-kind sync metrics, which only Port receives: not computed here."""


def _skip_port_metrics() -> None:
    """Ocean reports its sync metrics to Port at the start and end of each kind of the mapping,
    each report rendering and re-parsing every metric of the resync so far (all kinds): work
    that grows with the square of the mapping's entries (a mapping of 3,000 entries would spend
    minutes there). Port is not here to receive them."""
    ocean.metrics.report_kind_sync_metrics = _not_posted  # type: ignore[method-assign]
    ocean.metrics.report_sync_metrics = _not_posted  # type: ignore[method-assign]


PARSING = re.compile(r"Parsing \d+ raw results into entities")
"""Ocean's line for each batch it maps (the integration's processor logs it in Ocean's words)."""
SLICE_FAILED = ": slice failed: "
"""The engine's line for a failed slice (``<kind>: slice failed: <account>/<region> …``)."""
SLICE = re.compile(r"\b\d{12}/[a-z0-9*-]+")
"""A slice's account and region in such a line."""
ACCOUNTS = "Accounts: "
"""Discovery's line: reachable and refused accounts."""


def _quiet_ocean(verbose: bool) -> None:
    """Show the integration's own progress and summaries; Ocean's internals only on error.

    Not shown unless ``verbose``: Ocean's per-batch "Parsing N raw results" lines,
    discovery's accounts line when it says again what it said last (the live event's own
    discovery finding the accounts the resync found), and a slice's failure said before for
    another account or region (a type no region knows fails in every one of them; the summary,
    or the one line of a refused mapping, names them all)."""
    logger.remove()
    if verbose:
        logger.add(sys.stderr, level="DEBUG")
        return
    accounts_said: list[str] = []
    failures_said: set[str] = set()

    def keep(record: Any) -> bool:
        message = str(record["message"])
        if message.startswith(RESYNC_REPORT):
            return False  # the per-kind lines above and the summary below say the same
        if message.startswith(RESYNC_FAILED):
            return False  # the summary, or the one line of a refused mapping, names each error
        if record["level"].no < 40 and PARSING.fullmatch(message):
            return False
        if message.startswith(ACCOUNTS) and record["name"] == "port_aws.aws.accounts":
            if accounts_said[-1:] == [message]:
                return False
            accounts_said.append(message)
        if SLICE_FAILED in message:
            failure = SLICE.sub("*", message)
            if failure in failures_said:
                return False
            failures_said.add(failure)
        return bool(record["name"].startswith("port_aws") or record["level"].no >= 40)

    def line(record: Any) -> str:
        """The first line of the message; a traceback (with locals) only with --verbose."""
        record["extra"]["first_line"] = record["message"].split("\n", 1)[0]
        return "<green>{time:HH:mm:ss}</green> {extra[first_line]}\n"

    logger.add(sys.stderr, level="INFO", filter=keep, format=line)


async def run_pipeline(
    config: dict[str, Any],
    mapping: dict[str, Any],
    output: Path,
    lines: bool = False,
    verbose: bool = False,
    after_resync: Callable[[IntegrationTestHarness], Awaitable[None]] | None = None,
) -> PipelineResult:
    """One resync through Ocean; ``after_resync`` then runs with the integration still up
    (the demo's live event)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    sink = EntitySink(output, lines, merge=bool(mapping.get("enableMergeEntity", True)))
    harness = IntegrationTestHarness(
        integration_path=str(ROOT),
        port_mapping_config=mapping,
        third_party_transport=InterceptTransport(strict=False),
        config_overrides={
            "integration": {
                "identifier": "aws-preview",
                "type": "aws-hosted-by-port",
                "config": config,
            },
            "allow_environment_variables_jq_access": False,  # as main.py sets it
            **({} if verbose else {"log_level": "WARNING"}),
        },
    )
    harness.port_mock.upserted_entities = sink
    report = MappingReport()
    _quiet_ocean(verbose)  # before Ocean configures its own logging, and again after
    try:
        await harness.start()
        _quiet_ocean(verbose)
        _skip_port_metrics()
        _observe_mapping(report)
        result = await harness.trigger_resync()
        current = current_run()
        names = await _account_names(current)
        if after_resync is not None:
            await after_resync(harness)
    finally:
        await harness.shutdown()
        sink.close()
    return PipelineResult(
        entities=sink.written,
        by_blueprint=sink.by_blueprint,
        by_blueprint_account=dict(sink.by_blueprint_account),
        kinds=current.kinds if current else [],
        errors=[str(e) for e in result.errors],
        deleted=len(result.deleted_entities),
        mapping=report,
        catalog=sink.catalog,
        repeated=sink.repeated,
        account_names=names,
    )


async def _account_names(run: ResyncRun | None) -> dict[str, str]:
    """Each account's name as the resync's discovery found it (none when it failed)."""
    if run is None or not run.kinds:  # no kind was read: discovery never started
        return {}
    try:
        found = await run.discovery()
    except Exception:  # the kinds already failed with discovery's words
        return {}
    names = {a.id: a.name for a in found.accounts if a.name}
    for member in found.organization or []:
        names.setdefault(member.id, str(member.raw.get("Name") or member.id))
    return names


NAME_WIDTH = 20
"""Longest account name shown above its column (longer ones are cut)."""


def render_summary(
    result: PipelineResult, mapping: dict[str, Any], all_fields: bool = False
) -> str:
    """One table: entities per kind (rows) and account (columns, named when discovery found
    names) with totals; then the relation graph and scorecards, the mapping's problems
    (``all_fields``: every one) and failures last."""
    blueprints = {
        r["kind"]: str(r["port"]["entity"]["mappings"]["blueprint"]).strip("'\"")
        for r in mapping["resources"]
    }
    names = {a: n[:NAME_WIDTH] for a, n in result.account_names.items()}
    accounts = sorted(
        {a for kind in blueprints.values() for a in result.by_blueprint_account.get(kind, {})},
        key=lambda a: (a == NO_ACCOUNT, names.get(a, a), a),
    )
    width = max([len(a) for a in accounts] + [len(names.get(a, "")) for a in accounts] + [5])
    kind_width = max([len(k) for k in blueprints] + [5])

    def row(label: str, cells: list[Any], total: Any) -> str:
        shown = "".join(f"  {'-' if n == 0 else n:>{width}}" for n in cells)
        return f"  {label:<{kind_width}}{shown}  {total:>{width}}".rstrip()

    rows = ["Entities by kind and account:"]
    if any(a in names for a in accounts):
        rows.append(row("", [names.get(a, "") for a in accounts], ""))
    rows.append(row("kind", list(accounts), "total"))
    column_totals = [0] * len(accounts)
    for kind, blueprint in blueprints.items():
        spread = result.by_blueprint_account.get(blueprint, Counter())
        counts = [spread.get(a, 0) for a in accounts]
        column_totals = [t + n for t, n in zip(column_totals, counts, strict=True)]
        rows.append(row(kind, counts, sum(counts)))
    rows.append(row("total", column_totals, sum(column_totals)))
    if result.repeated:
        rows.append(
            f"  ({result.repeated} upserts repeated an entity already written, same blueprint "
            "and identifier: written once, merged as Port merges them)"
        )
    rows.append("")
    rows += result.catalog.render()
    mapping_rows = result.mapping.render(all_fields)
    if mapping_rows:
        rows.append("")
        rows += mapping_rows
    if result.errors:
        rows.append("")
        rows.append("The resync is incomplete; Port would keep the entities it could not confirm:")
        rows += [f"  {error}" for error in result.errors]
    return "\n".join(rows)
