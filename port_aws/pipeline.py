"""The integration's whole pipeline run in-process, with Port replaced by a local capture.

Ocean's own test harness boots the integration exactly as ``ocean sail`` would (spec,
``main.py``, the mapping through JQ), but Port's API is answered in-process: nothing leaves
the machine and no Port credentials are needed. Entities Ocean would upsert are written to a
JSON array (or JSON Lines, streamed so memory stays flat) as they arrive.
"""

import json
import sys
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
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

from port_aws import resync
from port_aws.accounts import UnknownOuIds
from port_aws.catalog.cloudcontrol import unknown_everywhere
from port_aws.errors import ConfigError
from port_aws.jq_check import invalid_expression
from port_aws.posture import CatalogPreview
from port_aws.settings import utf8_text
from port_aws.stats import RESYNC_REPORT, KindStats

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MAPPING = ROOT / ".port" / "resources" / "port-app-config.yml"


class MappingFileError(ValueError):
    """The port-app-config file cannot be read or is not a valid mapping."""


def load_mapping(path: Path) -> dict[str, Any]:
    """Read and validate a port-app-config file; errors name the file and the problem."""
    from integration import AWSPortAppConfig, mapping_error

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
    from integration import AWSPortAppConfig
    from port_aws.catalog import resource_type
    from port_aws.engine import _policy_regions as policy_regions  # what a resync applies
    from port_aws.errors import IncompleteResyncError

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


class EntitySink(list[dict[str, Any]]):
    """Takes the entities Ocean upserts and writes them out as they come, keeping only counts."""

    def __init__(self, stream: IO[str], lines: bool) -> None:
        super().__init__()
        self.stream = stream
        self.lines = lines
        self.written = 0
        self.by_blueprint: Counter[str] = Counter()
        self.by_blueprint_account: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.catalog = CatalogPreview()
        if not lines:
            stream.write("[")

    def append(self, entity: dict[str, Any]) -> None:
        text = json.dumps(entity, default=str, sort_keys=True)
        if self.lines:
            self.stream.write(text + "\n")
        else:
            self.stream.write(("\n  " if self.written == 0 else ",\n  ") + text)
        self.written += 1
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


SAMPLE_ITEMS = 200
"""Raw items of a batch a misconfigured field is re-evaluated on to find the JQ error behind it."""
SHOWN_PROBLEMS = 5
"""Mapping problems printed verbatim; the rest are counted."""
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

    def describe(self) -> str:
        reason = self.error or "null or missing for some items"
        return f"{self.kind} {self.field}: {self.expression!r}: {reason}"


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

    def add(self, kind: str, raw: list[Any], result: CalculationResult) -> None:
        for name, expression in result.misconfigured_entity_keys.items():
            if (kind, name) not in self.problems:
                self.problems[(kind, name)] = FieldProblem(
                    kind, name, str(expression), _jq_error(str(expression), raw)
                )
        self.errors += [
            f"{kind}: {str(e).splitlines()[0] if str(e) else repr(e)}" for e in result.errors
        ]

    @property
    def failed(self) -> bool:
        return bool(self.errors) or any(p.is_error for p in self.problems.values())

    def render(self) -> list[str]:
        broken = [p for p in self.problems.values() if p.is_error]
        nulls = [p for p in self.problems.values() if not p.is_error]
        rows: list[str] = []
        if self.errors or broken:
            rows.append(
                f"Mapping errors: {len(self.errors)} item errors, {len(broken)} failing fields "
                "(fix the mapping; --verbose shows Ocean's own logs):"
            )
            rows += [f"  {e}" for e in self.errors[:SHOWN_PROBLEMS]]
            rows += [f"  {p.describe()}" for p in broken[:SHOWN_PROBLEMS]]
            hidden = max(0, len(self.errors) - SHOWN_PROBLEMS) + max(
                0, len(broken) - SHOWN_PROBLEMS
            )
            if hidden:
                rows.append(f"  … and {hidden} more")
        if nulls:
            rows.append(f"Fields null for some items: {len(nulls)}:")
            rows += [f"  {p.describe()}" for p in nulls[:SHOWN_PROBLEMS]]
            if len(nulls) > SHOWN_PROBLEMS:
                rows.append(f"  … and {len(nulls) - SHOWN_PROBLEMS} more")
        return rows


def _observe_mapping(report: MappingReport) -> None:
    """Have the integration's entity processor hand each batch's result to ``report``."""
    processor = ocean.integration.entity_processor
    parse_items = processor.parse_items

    async def observed(
        mapping: ResourceConfig, raw_data: list[Any], parse_all: bool = False
    ) -> CalculationResult:
        result = await parse_items(mapping, raw_data, parse_all)
        report.add(mapping.kind, raw_data, result)
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


def _quiet_ocean(verbose: bool) -> None:
    """Show the integration's own progress and summaries; Ocean's internals only on error."""
    logger.remove()
    if verbose:
        logger.add(sys.stderr, level="DEBUG")
        return

    def keep(record: Any) -> bool:
        if record["message"].startswith(RESYNC_REPORT):
            return False  # the per-kind lines above and the summary below say the same
        if record["message"].startswith(RESYNC_FAILED):
            return False  # the summary, or the one line of a refused mapping, names each error
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
    sink = EntitySink(output.open("w"), lines)
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
        _observe_mapping(report)
        result = await harness.trigger_resync()
        if after_resync is not None:
            await after_resync(harness)
    finally:
        await harness.shutdown()
        sink.close()
    current = resync.current_run()
    return PipelineResult(
        entities=sink.written,
        by_blueprint=sink.by_blueprint,
        by_blueprint_account=dict(sink.by_blueprint_account),
        kinds=current.kinds if current else [],
        errors=[str(e) for e in result.errors],
        deleted=len(result.deleted_entities),
        mapping=report,
        catalog=sink.catalog,
    )


def render_summary(result: PipelineResult, mapping: dict[str, Any]) -> str:
    """One table: entities per kind (rows) and account (columns) with totals; failures last."""
    blueprints = {
        r["kind"]: str(r["port"]["entity"]["mappings"]["blueprint"]).strip("'\"")
        for r in mapping["resources"]
    }
    accounts = sorted(
        {a for kind in blueprints.values() for a in result.by_blueprint_account.get(kind, {})},
        key=lambda a: (a == NO_ACCOUNT, a),
    )
    width = max([len(a) for a in accounts] + [5])
    kind_width = max([len(k) for k in blueprints] + [5])

    def row(label: str, counts: list[int], total: int) -> str:
        cells = "".join(f"  {n if n else '-':>{width}}" for n in counts)
        return f"  {label:<{kind_width}}{cells}  {total:>{width}}"

    header = "".join(f"  {a:>{width}}" for a in accounts)
    rows = [
        "Entities by kind and account:",
        f"  {'kind':<{kind_width}}{header}  {'total':>{width}}",
    ]
    column_totals = [0] * len(accounts)
    for kind, blueprint in blueprints.items():
        spread = result.by_blueprint_account.get(blueprint, Counter())
        counts = [spread.get(a, 0) for a in accounts]
        column_totals = [t + n for t, n in zip(column_totals, counts, strict=True)]
        rows.append(row(kind, counts, sum(counts)))
    rows.append(row("total", column_totals, sum(column_totals)))
    rows.append("")
    rows += result.catalog.render()
    mapping_rows = result.mapping.render()
    if mapping_rows:
        rows.append("")
        rows += mapping_rows
    if result.errors:
        rows.append("")
        rows.append("The resync is incomplete; Port would keep the entities it could not confirm:")
        rows += [f"  {error}" for error in result.errors]
    return "\n".join(rows)
