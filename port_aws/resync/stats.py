"""Figures of a resync: API calls, retries, throttles, items and failed slices, per kind.

botocore fires ``before-call`` once per operation and ``before-send`` once per HTTP attempt;
the hooks below count both into the figures of whatever kind is being read in the current
task (a context variable), so every client of every account reports without being passed a
counter.
"""

import time
from collections import Counter
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Literal

from port_aws.aws.errors import THROTTLED


@dataclass
class SliceProblem:
    account_id: str
    region: str
    code: str
    message: str
    action: str = ""

    def describe(self) -> str:
        action = f" ({self.action})" if self.action else ""
        return f"{self.account_id}/{self.region}{action}: {self.code}: {self.message}"


@dataclass(frozen=True)
class SliceOutcome:
    """Why a slice was not read completely: ``unavailable`` (the service has no endpoint
    there), ``answered`` (AWS answered with an error, to classify as not there, denied or
    failed) or ``failed``."""

    verdict: Literal["unavailable", "answered", "failed"]
    problem: SliceProblem


@dataclass
class KindStats:
    kind: str
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    slices_total: int = 0
    slices_done: int = 0
    items: int = 0
    calls: int = 0
    requests: int = 0
    throttled: int = 0
    calls_by_operation: Counter[str] = field(default_factory=Counter)
    accounts: set[str] = field(default_factory=set)
    regions: set[str] = field(default_factory=set)
    items_by_account: Counter[str] = field(default_factory=Counter)
    failed: list[SliceProblem] = field(default_factory=list)
    denied: list[SliceProblem] = field(default_factory=list)
    unavailable: list[SliceProblem] = field(default_factory=list)

    @property
    def retries(self) -> int:
        return max(0, self.requests - self.calls)

    @property
    def calls_per_item(self) -> float:
        """API calls made per item yielded (listing, describes, tags, enrichments)."""
        return self.calls / self.items if self.items else float(self.calls)

    @property
    def duration(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def progress_line(self) -> str:
        return (
            f"{self.kind}: {self.slices_done}/{self.slices_total} slices, {self.items} items, "
            f"{self.calls} calls, {self.retries} retries, {self.throttled} throttled"
        )

    def summary_lines(self) -> list[str]:
        lines = [
            f"{self.kind}: {self.items} items from {len(self.accounts)} accounts × "
            f"{len(self.regions)} regions in {self.duration:.1f}s; {self.calls} API calls "
            f"({self.calls_per_item:.2f} per item), "
            f"{self.retries} retries, {self.throttled} throttled, {len(self.failed)} failed slices"
        ]
        lines += [f"  failed  {p.describe()}" for p in self.failed]
        lines += [f"  denied  {p.describe()}" for p in self.denied]
        return lines


current_stats: ContextVar[KindStats | None] = ContextVar("port_aws_kind_stats", default=None)


def _on_call(model: Any = None, **_: Any) -> None:
    stats = current_stats.get()
    if stats is not None:
        stats.calls += 1
        if model is not None:
            stats.calls_by_operation[f"{model.service_model.service_name}:{model.name}"] += 1


def _on_send(**_: Any) -> None:
    stats = current_stats.get()
    if stats is not None:
        stats.requests += 1


def _on_needs_retry(response: Any = None, **_: Any) -> None:
    stats = current_stats.get()
    if stats is None or not response:
        return
    parsed = response[1] if isinstance(response, tuple) and len(response) > 1 else None
    code = (parsed or {}).get("Error", {}).get("Code") if isinstance(parsed, dict) else None
    if code in THROTTLED:
        stats.throttled += 1


HOOKS: dict[str, Any] = {
    "before-call": _on_call,
    "before-send": _on_send,
    "needs-retry": _on_needs_retry,
}


RESYNC_REPORT = "Resync report"
"""First line of the per-kind table logged at the end of a resync."""


def render_report(kinds: list[KindStats]) -> str:
    """One screen across kinds: a row per kind, then every failed slice."""
    header = f"{'kind':<44} {'items':>7} {'accts':>5} {'regs':>4} {'calls':>6} {'c/item':>6} {'retry':>5} {'thrt':>5} {'fail':>4} {'secs':>6}"
    rows = [header, "-" * len(header)]
    for s in kinds:
        rows.append(
            f"{s.kind:<44} {s.items:>7} {len(s.accounts):>5} {len(s.regions):>4} {s.calls:>6} "
            f"{s.calls_per_item:>6.2f} {s.retries:>5} {s.throttled:>5} {len(s.failed):>4} "
            f"{s.duration:>6.1f}"
        )
    for s in kinds:
        rows += [f"{s.kind} failed {p.describe()}" for p in s.failed]
        rows += [f"{s.kind} denied {p.describe()}" for p in s.denied]
    return "\n".join(rows)
