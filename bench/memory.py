"""Where a resync's memory goes: Ocean's retained entities against the integration's own.

Ocean keeps every entity it upserted during a resync until its delete phase compares them with
Port's (``creation_results`` of ``sync_raw_all``, reduced by ``_reduce_entity`` to identifier,
blueprint and relations). ``Probe`` wraps Ocean's reconciliation to size that list when the
delete phase starts (a walk over every object reachable from it), and reads the process's RSS
then. With ``traced=True`` (``python -m bench.run --memory``: slow, for small organizations) it
also runs ``tracemalloc`` and, at most every ``interval`` seconds when Ocean takes a batch and
once at the delete phase, charges every live allocation to the innermost frame of a known owner:

- *Ocean*: ``port_ocean`` (its mapping, upsert and retained entities), the batch entity
  processor (``port_aws/ocean/processor.py``, which Ocean calls per batch), pydantic, httpx;
- *integration*: the rest of ``port_aws``, ``main.py``, botocore, aiobotocore, aiohttp (clients,
  pages, buffers, models);
- *harness*: Ocean's test harness and ``bench/``;
- *other*: allocations with no such frame (interpreter, asyncio, imports).

The integration's own memory at its largest snapshot is what must not grow with the number of
resources; ``idle_baseline_mb`` is the RSS of a fresh process with everything imported.
"""

import ctypes
import gc
import os
import re
import subprocess
import sys
import tempfile
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import BuiltinFunctionType, FunctionType, ModuleType
from typing import Any

from bench.profile import AWS_LIBRARIES

OWNERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("harness", ("/port_ocean/integration_testing/", "/bench/")),
    (
        "Ocean",
        (
            "/port_aws/ocean/processor.py",
            "/site-packages/port_ocean/",
            "/site-packages/pydantic",
            "/site-packages/httpx/",
            "/site-packages/httpcore/",
        ),
    ),
    (
        "integration",
        (
            "/port_aws/",
            "/main.py",
            "/integration.py",
            *AWS_LIBRARIES,
        ),
    ),
)
OTHER = "other"
TRACE_FRAMES = 12
"""Frames tracemalloc keeps per allocation: enough to reach a known owner from inside the
standard library (json, asyncio, ssl) in most cases; more slows the resync down further."""
SNAPSHOTS = 6
"""Snapshots taken during a traced resync (each walks every live allocation: seconds)."""
MB = 1024 * 1024


class Dropped(list[Any]):
    """Stands in for the test harness's log of the requests it answered (the request, with
    the body of every bulk upsert, and the response): counts them, keeps none. The log would
    otherwise hold every upserted entity as JSON until the harness is discarded, which is the
    harness's cost, not Ocean's or the integration's."""

    def __init__(self) -> None:
        super().__init__()
        self.dropped = 0

    def append(self, item: Any) -> None:
        self.dropped += 1


def _first_match(groups: tuple[tuple[str, tuple[str, ...]], ...], filename: str) -> str | None:
    return next((name for name, markers in groups if any(m in filename for m in markers)), None)


def _innermost(
    groups: tuple[tuple[str, tuple[str, ...]], ...],
    known: dict[str, str | None],
    filenames: list[str],
    default: str,
) -> str:
    """The group of the innermost frame (last in ``filenames``) that has one; each file's group
    is looked up once and kept in ``known``."""
    for filename in reversed(filenames):
        if filename not in known:
            known[filename] = _first_match(groups, filename)
        if (name := known[filename]) is not None:
            return name
    return default


_FILE_OWNERS: dict[str, str | None] = {}


def owner_of(filenames: list[str]) -> str:
    """The owner of the innermost frame (last in ``filenames``) that has one."""
    return _innermost(OWNERS, _FILE_OWNERS, filenames, OTHER)


_SHARED = (type, ModuleType, FunctionType, BuiltinFunctionType)


def deep_size(root: object) -> tuple[int, int]:
    """(bytes, objects) reachable from ``root`` (each object once; classes, modules and
    functions, shared by everything, excluded)."""
    seen: set[int] = set()
    stack: list[object] = [root]
    total = 0
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, _SHARED):
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        stack.extend(gc.get_referents(obj))
    return total, len(seen)


SAMPLE = 2_000
"""Entities sized when not traced (evenly spread), so that sizing costs little memory."""


def retained_size(
    creation_results: list[tuple[list[Any], list[Exception]]], sample: int | None
) -> tuple[int, int]:
    """(bytes, objects) of Ocean's retained entities: every one, or ``sample`` of them evenly
    spread, extrapolated to all (plus the lists that hold them)."""
    if sample is None:
        return deep_size(creation_results)
    entities = [entity for kind, _ in creation_results for entity in kind]
    chosen = entities[:: max(1, len(entities) // sample)]
    if not chosen:
        return deep_size(creation_results)
    size, objects = deep_size(chosen)
    size -= sys.getsizeof(chosen)
    lists = sum(sys.getsizeof(kind) for kind, _ in creation_results) + sys.getsizeof(
        creation_results
    )
    scale = len(entities) / len(chosen)
    return round(size * scale) + lists, round((objects - 1) * scale) + len(creation_results) + 1


def status_mb(field: str, pid: int | str = "self") -> float | None:
    """A memory figure of a process (``VmRSS``, ``VmHWM``…) from ``/proc/<pid>/status``, in MB;
    None when the process or the field is not there."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return None


def rss_mb() -> float:
    return status_mb("VmRSS") or 0.0


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def heap() -> dict[str, int]:
    """Bytes the allocators hold and use: pymalloc's arenas (small objects) and the blocks in
    use in them, glibc malloc's heap (larger blocks, C libraries) in use and free. What is
    held but not in use is freed memory the process keeps (fragmentation)."""
    figures: dict[str, int] = {}
    with tempfile.TemporaryFile() as out:
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(out.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        text = out.read().decode(errors="replace")
    arenas = re.search(r"(\d+) arenas \* (\d+) bytes/arena", text)
    used = re.search(r"# bytes in allocated blocks\s*=\s*([\d,]+)", text)
    if arenas and used:
        figures["pymalloc_arenas"] = int(arenas[1]) * int(arenas[2])
        figures["pymalloc_in_use"] = int(used[1].replace(",", ""))
    try:
        mallinfo2 = ctypes.CDLL(None).mallinfo2
    except (AttributeError, OSError):
        return figures
    mallinfo2.restype = _MallInfo2
    info = mallinfo2()
    figures["malloc_in_use"] = info.uordblks + info.hblkhd
    figures["malloc_free"] = info.fordblks
    return figures


@dataclass
class Figures:
    """What one resync held: Ocean's retained entities (sized) and, traced, every owner's."""

    traced: bool = False
    entities: int = 0
    retained_bytes: int = 0
    retained_objects: int = 0
    rss_at_delete_phase_mb: float = 0.0
    at_delete_phase: dict[str, int] = field(default_factory=dict)
    """Traced bytes by owner when the delete phase starts."""
    largest: dict[str, int] = field(default_factory=dict)
    """Each owner's largest traced bytes over the snapshots."""
    snapshots: int = 0
    traced_peak: int = 0
    heap: dict[str, int] = field(default_factory=dict)
    """The allocators at the delete phase (see ``heap``)."""

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _by_owner(snapshot: tracemalloc.Snapshot) -> dict[str, int]:
    """Live bytes by owner, and by the integration's innermost known file (``integration:``).
    Grouped on the raw traces by the identity of their traceback tuple (tracemalloc shares
    one per distinct traceback): ``Snapshot.statistics`` builds objects per trace and takes
    tens of seconds on a heap of millions of blocks."""
    by_traceback: Counter[int] = Counter()
    frames: dict[int, Any] = {}
    for _domain, size, traceback, *_ in snapshot.traces._traces:  # type: ignore[attr-defined]
        key = id(traceback)
        by_traceback[key] += size
        frames[key] = traceback
    sizes: Counter[str] = Counter()
    for key, size in by_traceback.items():
        # raw tracebacks are innermost frame first
        filenames = [filename for filename, _ in reversed(frames[key])]
        owner = owner_of(filenames)
        sizes[owner] += size
        if owner == "integration":
            sizes[f"integration: {_part(filenames)}"] += size
    return dict(sizes)


INTEGRATION_PARTS = (
    ("botocore models and clients", ("/botocore/", "/aiobotocore/", "/boto3/", "/aioboto3/")),
    ("aiohttp and connections", ("/aiohttp/", "/aiohappyeyeballs/", "/yarl/", "/multidict/")),
    ("port_aws (items, pages, queues)", ("/port_aws/", "/main.py", "/integration.py")),
)


_FILE_PARTS: dict[str, str | None] = {}


def _part(filenames: list[str]) -> str:
    """Which part of the integration the innermost known frame belongs to."""
    return _innermost(INTEGRATION_PARTS, _FILE_PARTS, filenames, "other")


class Probe:
    """Wraps Ocean's reconciliation (and, traced, its per-batch registration) for one resync."""

    def __init__(self, traced: bool = False, expected_items: int = 0) -> None:
        self.figures = Figures(traced=traced)
        self.every = max(1, expected_items // (500 * SNAPSHOTS))
        """Batches between snapshots (Ocean's batches hold up to 500 items)."""
        self._batches = 0

    def _snapshot(self) -> dict[str, int]:
        gc.collect()
        sizes = _by_owner(tracemalloc.take_snapshot())
        self.figures.snapshots += 1
        for owner, size in sizes.items():
            self.figures.largest[owner] = max(self.figures.largest.get(owner, 0), size)
        return sizes

    def at_batch(self) -> None:
        self._batches += 1
        if self.figures.traced and self._batches % self.every == 0:
            self._snapshot()

    def at_delete_phase(self, creation_results: list[tuple[list[Any], list[Exception]]]) -> None:
        f = self.figures
        f.entities = sum(len(entities) for entities, _ in creation_results)
        f.retained_bytes, f.retained_objects = retained_size(
            creation_results, None if f.traced else SAMPLE
        )
        f.rss_at_delete_phase_mb = rss_mb()
        f.heap = heap()
        if f.traced:
            f.at_delete_phase = self._snapshot()
            f.traced_peak = tracemalloc.get_traced_memory()[1]

    @contextmanager
    def installed(self) -> Iterator["Probe"]:
        from port_ocean.core.integrations.mixins.sync_raw import SyncRawMixin

        reconcile = SyncRawMixin.resync_reconciliation
        register = SyncRawMixin._register_resource_raw
        sync_all = SyncRawMixin.sync_raw_all
        probe = self

        async def sync_raw_all(mixin: SyncRawMixin, *args: Any, **kwargs: Any) -> bool:
            """The resync, traced from its start (imports and the harness's start are not)."""
            if probe.figures.traced:
                tracemalloc.start(TRACE_FRAMES)
            try:
                return bool(await sync_all(mixin, *args, **kwargs))
            finally:
                tracemalloc.stop()

        async def resync_reconciliation(
            mixin: SyncRawMixin, creation_results: Any, *args: Any, **kwargs: Any
        ) -> bool:
            probe.at_delete_phase(creation_results)
            return await reconcile(mixin, creation_results, *args, **kwargs)

        async def register_resource_raw(mixin: SyncRawMixin, *args: Any, **kwargs: Any) -> Any:
            probe.at_batch()
            return await register(mixin, *args, **kwargs)

        patches: dict[str, Callable[..., Any]] = {
            "resync_reconciliation": resync_reconciliation,
            "_register_resource_raw": register_resource_raw,
            "sync_raw_all": sync_raw_all,
        }
        originals = {name: SyncRawMixin.__dict__[name] for name in patches}
        try:
            for name, replacement in patches.items():
                setattr(SyncRawMixin, name, replacement)
            yield self
        finally:
            for name, original in originals.items():
                setattr(SyncRawMixin, name, original)


IDLE = """
import asyncio, gc
from bench.run import ROOT, mapping_for, served_kinds
from bench.memory import rss_mb
from port_ocean.integration_testing import IntegrationTestHarness, InterceptTransport

async def idle():
    harness = IntegrationTestHarness(
        integration_path=str(ROOT),
        port_mapping_config=mapping_for(served_kinds()[0]),
        third_party_transport=InterceptTransport(strict=False),
        config_overrides={"integration": {"identifier": "idle", "type": "aws-hosted-by-port",
            "config": {"account_role_arn": "arn:aws:iam::111111111111:role/idle"}}},
    )
    await harness.start()
    gc.collect()
    print(rss_mb())
    await harness.shutdown()

asyncio.run(idle())
"""


def idle_baseline_mb(root: Path) -> float:
    """RSS of a fresh process with Ocean's harness started on the integration (everything
    imported, the mapping loaded) and no resync run."""
    done = subprocess.run(
        [sys.executable, "-c", IDLE], cwd=root, capture_output=True, text=True, check=False
    )
    lines = done.stdout.split()
    return float(lines[-1]) if done.returncode == 0 and lines else 0.0


def in_use_less_retained(figures: dict[str, Any]) -> int:
    """Bytes both allocators have in use at the delete phase, less Ocean's retained entities:
    everything else the process holds live (imports, the integration, Ocean's own state)."""
    h = figures.get("heap") or {}
    in_use = h.get("pymalloc_in_use", 0) + h.get("malloc_in_use", 0)
    return int(in_use - figures["retained_bytes"])


def report(figures: dict[str, Any], peak_rss_mb: float, baseline_mb: float) -> list[str]:
    """Lines for the benchmark's output."""
    entities = max(1, figures["entities"])
    retained = figures["retained_bytes"]
    lines = [
        f"memory: idle process with everything imported {baseline_mb:.0f} MB RSS; at Ocean's "
        f"delete phase {figures['rss_at_delete_phase_mb']:.0f} MB RSS, of which Ocean's retained "
        f"entities {retained / MB:.1f} MB ({figures['entities']} entities, "
        f"{retained / entities:.0f} B each, {figures['retained_objects'] / entities:.1f} objects "
        f"each); peak {peak_rss_mb:.0f} MB",
    ]
    h = figures.get("heap") or {}
    if "pymalloc_arenas" in h and "malloc_in_use" in h:
        lines.append(
            f"memory at the delete phase, by allocator: pymalloc (small objects) "
            f"{h['pymalloc_in_use'] / MB:.0f} MB in use of {h['pymalloc_arenas'] / MB:.0f} MB "
            f"held; malloc (larger blocks, C libraries) {h['malloc_in_use'] / MB:.0f} MB in use, "
            f"{h['malloc_free'] / MB:.0f} MB free but held; in use less Ocean's retained "
            f"entities {in_use_less_retained(figures) / MB:.0f} MB"
        )
    if figures["traced"]:
        owners = sorted(set(figures["largest"]) | set(figures["at_delete_phase"]))
        lines.append(
            f"memory (tracemalloc, {figures['snapshots']} snapshots; traced peak "
            f"{figures['traced_peak'] / MB:.1f} MB), by owner, largest snapshot / at delete phase:"
        )
        for owner in owners:
            lines.append(
                f"  {owner:<12} {figures['largest'].get(owner, 0) / MB:7.1f} MB  "
                f"{figures['at_delete_phase'].get(owner, 0) / MB:7.1f} MB"
            )
    return lines
