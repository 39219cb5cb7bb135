"""The benchmark: one full resync of a synthetic organization through Ocean's own test harness.

``python -m bench.run [--accounts 50 --regions 4 --kinds 10 --resources 100000]`` starts the
control plane (a child process), writes a web-identity token file, and resyncs the organization
the way production does: web identity into the management role, Organizations discovery, a
member role per account. It prints wall time, calls by API family, retries, throttled calls,
clients opened and reused, peak RSS, memory at Ocean's delete phase (``bench/memory.py``),
items/s, a sampled CPU breakdown (``bench/profile.py``),
the lower bound of the rate model and ``mapping_speedup`` (the batch entity processor against
Ocean's), then runs a latency-bound organization (12 accounts x 3 regions, 100 ms per call) in
a fresh process and compares its wall time with its critical path; last it prints
``items_per_s=<x> peak_rss_mb=<y> latency_ratio=<z> mapping_speedup=<w>``. ``--sweep`` runs a
series of growing organizations, each in a fresh process, and prints how wall time and peak RSS
grow. ``--memory`` runs one point with ``tracemalloc`` and prints memory by owner.
"""

import argparse
import asyncio
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from loguru import logger

from bench.control_plane import Options
from bench.load import measure
from bench.memory import Dropped, Probe, idle_baseline_mb, in_use_less_retained, status_mb
from bench.memory import report as memory_report
from bench.plane import ROOT, PlaneProcess
from bench.profile import Sampler
from bench.synthetic import REGIONAL_KINDS, Org

REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "eu-central-1", "sa-east-1")
ROLE_NAME = "port-integration"


class Tally(list[dict[str, Any]]):
    """Stands in for the harness's list of upserted entities: counts them, keeps none.

    The harness would otherwise hold every entity in memory, which is the test harness's
    cost, not the integration's."""

    def __init__(self) -> None:
        super().__init__()
        self.by_blueprint: Counter[str] = Counter()

    def append(self, entity: dict[str, Any]) -> None:
        self.by_blueprint[str(entity.get("blueprint"))] += 1

    def __len__(self) -> int:
        return sum(self.by_blueprint.values())


def _operation_names(service: str) -> dict[str, str]:
    from botocore import xform_name
    from botocore.session import get_session

    model = get_session().get_service_model(service)
    return {xform_name(name): name for name in model.operation_names}


def served_kinds() -> tuple[list[str], list[str]]:
    """Regional kinds the plane serves and the catalog declares, and those it skips (why)."""
    from port_aws.catalog import RESOURCE_TYPES

    chosen, skipped = [], []
    for kind, (service, operation) in REGIONAL_KINDS.items():
        declared = RESOURCE_TYPES.get(kind)
        if declared is None:
            skipped.append(f"{kind} (not in the catalog yet)")
            continue
        if declared.operation and _operation_names(service).get(declared.operation) != operation:
            skipped.append(f"{kind} (declared {declared.operation}, plane serves {operation})")
            continue
        chosen.append(kind)
    return chosen, skipped


def mapping_for(kinds: list[str]) -> dict[str, Any]:
    """The shipped default mapping of each kind, or a minimal one when it has none."""
    shipped = yaml.safe_load((ROOT / ".port" / "resources" / "port-app-config.yml").read_text())
    by_kind = {r["kind"]: r for r in shipped["resources"]}
    resources = []
    for kind in kinds:
        resources.append(
            by_kind.get(kind)
            or {
                "kind": kind,
                "selector": {"query": "true"},
                "port": {
                    "entity": {
                        "mappings": {
                            "identifier": ".Properties.Arn",
                            "title": ".Properties.Arn",
                            "blueprint": f'"bench{kind.replace(":", "")}"',
                            "properties": {"region": ".__ExtraContext.Region"},
                        }
                    }
                },
            }
        )
    return {**shipped, "resources": resources}


@dataclass
class Scale:
    accounts: int = 50
    regions: int = 4
    kinds: int = 10
    resources: int = 100_000
    latency: float = 0.02
    seed: int = 1

    def per_slice(self, kinds: int) -> int:
        return max(1, self.resources // (self.accounts * self.regions * max(1, kinds)))


class ReaderPeaks:
    """Peak RSS (``VmHWM``) of each reader process of the running resync, read every half
    second from a thread while the resync runs (a reader's figure is gone once it exits)."""

    def __init__(self, interval: float = 0.5) -> None:
        self.interval = interval
        self.peaks: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-readers", daemon=True)

    def _run(self) -> None:
        from port_aws.resync.state import current_run

        while not self._stop.wait(self.interval):
            run = current_run()
            for pid in run.readers.pids if run and run.readers else []:
                if (peak := status_mb("VmHWM", pid)) is not None:
                    self.peaks[pid] = max(self.peaks.get(pid, 0.0), peak)

    def __enter__(self) -> "ReaderPeaks":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def _vm_hwm_mb() -> float:
    peak = status_mb("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _resync(
    url: str, role: str, mapping: dict[str, Any], readers: str = "auto"
) -> tuple[float, Tally, list[str]]:
    from port_ocean.integration_testing import IntegrationTestHarness, InterceptTransport

    harness = IntegrationTestHarness(
        integration_path=str(ROOT),
        port_mapping_config=mapping,
        third_party_transport=InterceptTransport(strict=False),
        config_overrides={
            "integration": {
                "identifier": "aws-bench",
                "type": "aws-hosted-by-port",
                "config": {
                    "account_role_arn": role,
                    "progress_interval_seconds": 3600,
                    "reader_processes": readers,
                },
            },
        },
    )
    await harness.start()
    tally = Tally()
    harness.port_mock.upserted_entities = tally
    harness.port_mock.transport._call_log = Dropped()
    harness.third_party_transport._call_log = Dropped()
    try:
        started = time.monotonic()
        result = await harness.trigger_resync()
        wall = time.monotonic() - started
    finally:
        await harness.shutdown()
    return wall, tally, [str(e).splitlines()[0][:300] for e in result.errors]


def _kind_of(service: str, operation: str) -> str:
    if service == "ec2":
        return {
            "DescribeInstances": "AWS::EC2::Instance",
            "DescribeVolumes": "AWS::EC2::Volume",
        }.get(operation, "discovery")
    if service in ("sts", "organizations", "account", "iam"):
        return "discovery"
    return next((k for k, (s, _) in REGIONAL_KINDS.items() if s == service), service)


def rate_bound(stats: dict[str, Any], latency: float) -> tuple[float, str, dict[str, float]]:
    """The least time the rate model allows: per kind (Ocean reads kinds one after another),
    the slowest bucket's (calls - bucket size) / refill rate, plus latency x the deepest chain of
    sequential calls in one slice (list pages, then one round of per-page calls)."""
    quotas = {k: tuple(v) for k, v in stats["quotas"].items()}
    per_kind: dict[str, float] = {}
    slowest: dict[str, tuple[float, str]] = {}
    depth: dict[str, int] = Counter()
    buckets: dict[tuple[str, str, str, str], int] = Counter()
    for key, calls in stats["by_slice_op"].items():
        account, region, family, op = key.split("/", 3)
        service, operation = op.split(":", 1)
        kind = _kind_of(service, operation)
        depth[f"{kind}|{account}|{region}"] += calls if operation in _LIST_OPERATIONS else 0
        buckets[(account, region, family, kind)] += calls
    for (account, region, family, kind), calls in buckets.items():
        capacity, rate = quotas.get(family, (100.0, 100.0))
        seconds = max(0.0, calls - capacity) / rate
        if seconds > slowest.get(kind, (0.0, ""))[0]:
            slowest[kind] = (seconds, f"{family} in {account}/{region}: {calls} calls")
    deepest: dict[str, int] = Counter()
    for key, pages in depth.items():
        kind = key.split("|", 1)[0]
        deepest[kind] = max(deepest[kind], pages + 1)
    for kind in set(slowest) | set(deepest):
        per_kind[kind] = slowest.get(kind, (0.0, ""))[0] + latency * deepest.get(kind, 1)
    worst = max(slowest.items(), key=lambda kv: kv[1][0], default=("", (0.0, "none")))
    return sum(per_kind.values()), f"{worst[0]}: {worst[1][1]}", dict(per_kind)


_LIST_OPERATIONS = {op for _, op in REGIONAL_KINDS.values()} | {
    "ListAccountsForParent",
    "ListOrganizationalUnitsForParent",
    "ListRegions",
    "ListRoots",
}


def plane_throughput(options: Options, account: str) -> tuple[float, float]:
    """(requests per CPU-second of the plane, requests/s reached) under 32 concurrent clients,
    on a plane without throttling (every answer a full page)."""
    plane = PlaneProcess.start(replace(options, throttling=False, latency=0.0))
    try:
        before = plane.stats()
        achieved = asyncio.run(measure(plane.url, account, 3.0, 32))
        after = plane.stats()
    finally:
        plane.stop()
    cpu = max(1e-9, after["cpu_seconds"] - before["cpu_seconds"])
    return (after["requests"] - before["requests"]) / cpu, achieved


def run_point(
    scale: Scale, throughput: bool = True, traced: bool = False, readers: str = "auto"
) -> dict[str, Any]:
    """One benchmark point in this process: plane up, one resync, figures. ``traced``: with
    ``tracemalloc`` (slow), memory by owner (``bench/memory.py``)."""
    kinds, skipped = served_kinds()
    kinds = kinds[: scale.kinds]
    per_slice = scale.per_slice(len(kinds))
    options = Options(
        seed=scale.seed,
        accounts=scale.accounts,
        regions=list(REGIONS[: scale.regions]),
        per_slice=per_slice,
        latency=scale.latency,
        web_identity_token="bench-web-identity-token",
    )
    org = Org(options.seed, options.accounts, tuple(options.regions), per_slice)
    capacity = achieved = 0.0
    if throughput:
        capacity, achieved = plane_throughput(options, org.account_ids[-1])
    plane = PlaneProcess.start(options)
    token_dir = tempfile.mkdtemp(prefix="bench-token-")
    token_file = Path(token_dir) / "token"
    token_file.write_text(options.web_identity_token)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        os.environ.pop(name, None)
    os.environ.update(
        AWS_ENDPOINT_URL=plane.url,
        AWS_WEB_IDENTITY_TOKEN_FILE=str(token_file),
        AWS_EC2_METADATA_DISABLED="true",
    )
    try:
        base = plane.stats()
        role = f"arn:aws:iam::{org.management}:role/{ROLE_NAME}"
        children_before = _children_cpu_seconds()
        with (
            Sampler() as sampler,
            ReaderPeaks() as reader_peaks,
            Probe(traced, scale.resources).installed() as probe,
        ):
            wall, tally, errors = asyncio.run(_resync(plane.url, role, mapping_for(kinds), readers))
        readers_cpu = _children_cpu_seconds() - children_before  # readers are reaped by now
        stats = plane.stats()
    finally:
        plane.stop()
        token_file.unlink()
        os.rmdir(token_dir)
    from port_aws.resync.state import current_run
    from port_aws.resync.stats import render_report

    run = current_run()
    kind_stats = run.kinds if run else []
    expected = scale.accounts * scale.regions * per_slice * len(kinds)
    bound, worst, per_kind = rate_bound(stats, scale.latency)
    longest = max((v for k, v in per_kind.items() if k != "discovery"), default=0.0)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "accounts": scale.accounts,
        "regions": scale.regions,
        "kinds": kinds,
        "skipped": skipped,
        "per_slice": per_slice,
        "latency": scale.latency,
        "expected": expected,
        "upserted": len(tally),
        "errors": errors,
        "wall": wall,
        "requests": stats["requests"] - base["requests"],
        "by_family": stats["by_family"],
        "throttled": stats["throttled"],
        "client_calls": sum(k.calls for k in kind_stats),
        "kind_report": render_report(kind_stats),
        "clients_opened": run.clients.opened if run else 0,
        "readers": len(run.readers.pids) if run and run.readers else 0,
        "clients_reused": run.clients.reused if run else 0,
        "client_retries": sum(k.retries for k in kind_stats),
        "client_throttled": sum(k.throttled for k in kind_stats),
        "peak_rss_mb": _vm_hwm_mb(),
        "reader_peaks_mb": sorted(reader_peaks.peaks.values(), reverse=True),
        "children_peak_rss_mb": children,
        "bound": bound,
        "bound_worst": worst,
        "bound_per_kind": per_kind,
        "critical_path": per_kind.get("discovery", 0.0) + longest,
        "plane_capacity": capacity,
        "plane_achieved": achieved,
        "plane_cpu_seconds": stats["cpu_seconds"] - base["cpu_seconds"],
        "cpu_seconds": sampler.cpu_seconds,
        "reader_cpu_seconds": readers_cpu,
        "cpu_breakdown": sampler.breakdown(),
        "collections": sampler.collections,
        "collector_seconds": sampler.collector_seconds,
        "memory": probe.figures.as_dict(),
        "idle_rss_mb": idle_baseline_mb(ROOT),
    }


def report(r: dict[str, Any]) -> None:
    items_per_s = r["upserted"] / r["wall"] if r["wall"] else 0.0
    print(f"kinds (K={len(r['kinds'])}): {', '.join(r['kinds'])}")
    for line in r["skipped"]:
        print(f"  not benchmarked: {line}")
    print(
        f"organization: {r['accounts']} accounts x {r['regions']} regions x {len(r['kinds'])} "
        f"kinds x {r['per_slice']} per slice = {r['expected']} resources; latency "
        f"{r['latency'] * 1000:.0f} ms per call"
    )
    if r["plane_capacity"]:
        print(
            f"control plane: {r['plane_achieved']:.0f} req/s reached by 32 concurrent aiohttp "
            f"clients on this machine; {r['plane_capacity']:.0f} req/s per CPU-second of the plane"
        )
    print(f"upserted: {r['upserted']} of {r['expected']} expected; errors: {len(r['errors'])}")
    for error in r["errors"][:5]:
        print(f"  error: {error}")
    print(f"wall time: {r['wall']:.1f} s; items/s: {items_per_s:.0f}")
    families = ", ".join(f"{k} {v}" for k, v in sorted(r["by_family"].items()))
    print(f"API calls by family (plane): {families}; total {r['requests']}")
    throttled = ", ".join(f"{k} {v}" for k, v in sorted(r["throttled"].items())) or "none"
    print(f"throttled answers (plane): {throttled}")
    print(
        f"client (botocore hooks, kinds only): {r['client_calls']} calls, "
        f"{r['client_retries']} retries, {r['client_throttled']} throttled"
    )
    print(r["kind_report"])  # the integration's own per-kind table (calls per item among them)
    print(
        f"clients of the integration's process: {r['clients_opened']} opened, "
        f"{r['clients_reused']} slices served by a client already open (kept per account, "
        "region and service for the resync; reader processes keep their own)"
    )
    print(
        f"plane CPU during the resync: {r['plane_cpu_seconds']:.1f} s "
        f"({100 * r['plane_cpu_seconds'] / max(r['wall'], 1e-9):.0f}% of the wall time)"
    )
    print(
        f"peak RSS: parent (VmHWM) {r['peak_rss_mb']:.0f} MB; largest child (a reader process, "
        f"or Ocean's JQ workers forked from the parent) {r['children_peak_rss_mb']:.0f} MB; "
        f"reader processes: {r['readers']}"
        + (
            f" (peaks {', '.join(f'{p:.0f}' for p in r['reader_peaks_mb'])} MB; the "
            f"integration's processes together peaked at most at {_integration_peak(r):.0f} MB)"
            if r["reader_peaks_mb"]
            else ""
        )
    )
    for line in memory_report(r["memory"], r["peak_rss_mb"], r["idle_rss_mb"]):
        print(line)
    print(
        f"CPU of the integration's process: {r['cpu_seconds']:.1f} s ({100 * r['cpu_seconds'] / max(r['wall'], 1e-9):.0f}% "
        "of the wall time); sampled breakdown:"
    )
    for part, share, seconds in r["cpu_breakdown"]:
        print(f"  {part:<32} {100 * share:5.1f}%  {seconds:7.1f} s")
    if r["readers"]:
        print(
            f"  reader processes (reading slices: AWS calls and the engine's slice work, not "
            f"sampled): {r['reader_cpu_seconds']:.1f} s more, {r['readers']} processes"
        )
    young, middle, full = r["collections"]
    print(
        f"  of which the garbage collector {r['collector_seconds']:.1f} s: {young} young, "
        f"{middle} middle and {full} full collections"
    )
    per_kind = "; ".join(f"{k} {v:.2f}s" for k, v in sorted(r["bound_per_kind"].items()))
    print(f"rate-model lower bound: {r['bound']:.2f} s ({per_kind})")
    print(f"  slowest bucket: {r['bound_worst']}")
    ratio = r["wall"] / r["bound"] if r["bound"] else math.inf
    print(f"ratio_to_bound={ratio:.2f} peak_rss_mb={_integration_peak(r):.0f}")


def _integration_peak(r: dict[str, Any]) -> float:
    """The integration's peak memory: its process's and, when it used readers, theirs added
    (an upper bound: the peaks need not coincide)."""
    return float(r["peak_rss_mb"] + sum(r.get("reader_peaks_mb", [])))


def _children_cpu_seconds() -> float:
    """CPU time of the children this process reaped."""
    t = os.times()
    return t.children_user + t.children_system


def _cpu_seconds() -> float:
    """CPU time of this process and of its reaped children."""
    t = os.times()
    return t.user + t.system + _children_cpu_seconds()


def mapping_speedup(items: int = 2_000, rounds: int = 3) -> tuple[float, float, float]:
    """(Ocean's CPU seconds, the batch processor's, their ratio) mapping the same EC2 instances
    with the shipped mapping, in one Ocean context, as a resync hands them over: in the engine's
    batches (``BATCH_SIZE``), each processor one instance for the whole run (as Ocean keeps one),
    after one warm-up batch each (a resync's first batch compiles what the others reuse). CPU
    time of this process and of the children it reaped (Ocean's forked workers), since the resync
    is CPU-bound and wall time on a shared machine measures its load; each side's figure is its
    best of ``rounds`` runs, the rounds alternating between the two."""
    import copy

    from port_ocean.context.ocean import ocean
    from port_ocean.core.handlers.entity_processor.jq_entity_processor import JQEntityProcessor
    from port_ocean.integration_testing import IntegrationTestHarness, InterceptTransport

    from port_aws.mapping import AWSResourceConfig
    from port_aws.ocean.processor import BatchJQEntityProcessor
    from port_aws.resync.engine import BATCH_SIZE

    mapping = yaml.safe_load((ROOT / ".port/resources/port-app-config.yml").read_text())
    resource = next(r for r in mapping["resources"] if r["kind"] == "AWS::EC2::Instance")
    example = json.loads((ROOT / "examples/ec2-instance/raw.json").read_text())
    instances = []
    for i in range(items):
        item = copy.deepcopy(example)
        item["Properties"]["InstanceId"] = f"i-{i:017x}"
        item["Properties"]["Arn"] = f"arn:aws:ec2:us-east-1:123456789012:instance/i-{i:017x}"
        instances.append(item)
    batches = [instances[i : i + BATCH_SIZE] for i in range(0, items, BATCH_SIZE)]

    async def measure() -> tuple[float, float]:
        harness = IntegrationTestHarness(
            integration_path=str(ROOT),
            port_mapping_config={"resources": [resource]},
            third_party_transport=InterceptTransport(strict=False),
            config_overrides={
                "integration": {"identifier": "bench", "type": "aws-hosted-by-port", "config": {}}
            },
        )
        await harness.start()
        try:
            config = AWSResourceConfig.parse_obj(resource)
            processors = (JQEntityProcessor(ocean), BatchJQEntityProcessor(ocean))
            for processor in processors:
                await processor._parse_items(config, batches[0])
            best = [math.inf, math.inf]
            for _ in range(rounds):
                for side, processor in enumerate(processors):
                    started = _cpu_seconds()
                    passed = 0
                    for batch in batches:
                        result = await processor._parse_items(config, batch)
                        passed += len(result.entity_selector_diff.passed)
                    best[side] = min(best[side], _cpu_seconds() - started)
                    assert passed == items
            return best[0], best[1]
        finally:
            await harness.shutdown()

    oceans, ours = asyncio.run(measure())
    return oceans, ours, oceans / ours if ours else math.inf


SWEEP = ((10, 10_000), (50, 50_000), (100, 100_000), (200, 200_000))


def sweep(scale: Scale, points: tuple[tuple[int, int], ...] = SWEEP) -> None:
    rows = []
    for accounts, resources in points:
        args = [
            sys.executable,
            "-m",
            "bench.run",
            "--json",
            "--accounts",
            str(accounts),
            "--resources",
            str(resources),
            "--regions",
            str(scale.regions),
            "--kinds",
            str(scale.kinds),
            "--latency",
            str(scale.latency),
        ]
        done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if not lines:
            print(done.stderr[-2000:])
            raise SystemExit(f"sweep point {accounts} accounts failed")
        rows.append(json.loads(lines[-1]))
        r = rows[-1]
        print(
            f"{accounts:>4} accounts {r['upserted']:>7} items: wall {r['wall']:6.1f} s, "
            f"peak RSS {r['peak_rss_mb']:5.0f} MB, bound {r['bound']:5.1f} s",
            flush=True,
        )
    first = rows[0]
    print(
        "\naccounts  items    wall_s  x_wall  items/s  rss_mb  x_rss  ratio_to_bound  "
        "ocean_retained_mb  rest_above_idle_mb  in_use_less_retained_mb"
    )
    for r in rows:
        memory = r["memory"]
        retained = memory["retained_bytes"] / 2**20
        rest = memory["rss_at_delete_phase_mb"] - retained - r["idle_rss_mb"]
        print(
            f"{r['accounts']:>8} {r['upserted']:>6} {r['wall']:>8.1f} "
            f"{r['wall'] / first['wall']:>7.2f} {r['upserted'] / r['wall']:>8.0f} "
            f"{r['peak_rss_mb']:>7.0f} {r['peak_rss_mb'] / first['peak_rss_mb']:>6.2f} "
            f"{r['wall'] / max(r['bound'], 1e-9):>14.2f} {retained:>18.1f} {rest:>19.1f} "
            f"{in_use_less_retained(memory) / 2**20:>24.1f}"
        )
    print(
        "ocean_retained_mb: the entities Ocean keeps until its delete phase; rest_above_idle_mb: "
        "RSS then, less those and less an idle process with everything imported; "
        "in_use_less_retained_mb: bytes the allocators have in use then, less those entities"
    )
    last = rows[-1]
    print(
        f"ratio_to_bound={last['wall'] / max(last['bound'], 1e-9):.2f} "
        f"peak_rss_mb={max(_integration_peak(r) for r in rows):.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--accounts", type=int, default=50)
    parser.add_argument("--regions", type=int, default=4, choices=range(1, len(REGIONS) + 1))
    parser.add_argument("--kinds", type=int, default=10)
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--latency", type=float, default=0.02, help="seconds per call")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sweep", action="store_true", help="accounts 10 -> 200")
    parser.add_argument(
        "--points",
        default=",".join(f"{a}:{r}" for a, r in SWEEP),
        help="sweep points as accounts:resources, comma-separated",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--readers",
        default="auto",
        help='the resync\'s readerProcesses ("auto", the default, 0 or a number)',
    )
    parser.add_argument(
        "--memory",
        action="store_true",
        help="measure memory by owner with tracemalloc (slow: small organizations, one point)",
    )
    parser.add_argument(
        "--latency-run-off",
        dest="latency_run",
        action="store_false",
        help="skip the latency-bound run (12 accounts x 3 regions, 100 ms per call)",
    )
    parser.add_argument(
        "--log-level",
        default="ERROR",
        help="level of the resync's own log lines on stderr (Ocean's default in production: INFO)",
    )
    args = parser.parse_args()
    logger.remove()  # Ocean's test harness leaves loguru's default: every DEBUG line on stderr
    logger.add(sys.stderr, level=args.log_level.upper())
    scale = Scale(args.accounts, args.regions, args.kinds, args.resources, args.latency, args.seed)
    if args.sweep:
        points = tuple((int(a), int(r)) for a, r in (p.split(":") for p in args.points.split(",")))
        sweep(scale, points)
        return
    figures = run_point(
        scale, throughput=not (args.json or args.memory), traced=args.memory, readers=args.readers
    )
    if args.json:
        print(json.dumps(figures, default=str))
        return
    report(figures)
    if args.memory:
        return
    oceans, ours, speedup = mapping_speedup()
    print(
        f"mapping 2000 EC2 instances (shipped mapping, batches of 500, CPU seconds with Ocean's "
        f"workers, best of 3): Ocean's JQ processor {oceans:.2f} s, the batch processor "
        f"{ours:.2f} s"
    )
    latency = latency_run(args.kinds) if args.latency_run else None
    items_per_s = figures["upserted"] / figures["wall"] if figures["wall"] else 0.0
    ratio = f"{latency['wall'] / latency['critical_path']:.2f}" if latency else "n/a"
    print(
        f"items_per_s={items_per_s:.0f} peak_rss_mb={_integration_peak(figures):.0f} "
        f"latency_ratio={ratio} mapping_speedup={speedup:.1f}"
    )


LATENCY_RUN = Scale(accounts=12, regions=3, kinds=10, resources=12 * 3 * 10 * 10, latency=0.1)
"""A small organization against slow AWS: 100 ms per call, 10 resources per slice and kind."""


def latency_run(kinds: int) -> dict[str, Any] | None:
    """The latency-bound point, in a fresh process: its wall time against its critical path
    (discovery's bound plus the longest kind's: see ``rate_bound``), which reading kinds one
    after another would multiply by the number of kinds."""
    scale = replace(LATENCY_RUN, kinds=kinds)
    args = [sys.executable, "-m", "bench.run", "--json", "--latency-run-off"]
    for name in ("accounts", "regions", "kinds", "resources", "latency"):
        args += [f"--{name}", str(getattr(scale, name))]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        print(done.stderr[-2000:])
        print("latency-bound run failed")
        return None
    r: dict[str, Any] = json.loads(lines[-1])
    per_kind = r["bound_per_kind"]
    longest = max((k for k in per_kind if k != "discovery"), key=per_kind.get, default="none")
    print(
        f"latency-bound run: {r['accounts']} accounts x {r['regions']} regions x "
        f"{len(r['kinds'])} kinds x {r['per_slice']} per slice, {r['latency'] * 1000:.0f} ms "
        f"per call: {r['upserted']} of {r['expected']} upserted, {len(r['errors'])} errors, "
        f"wall {r['wall']:.1f} s; critical path {r['critical_path']:.2f} s (discovery "
        f"{per_kind.get('discovery', 0.0):.2f} s + longest kind {longest} "
        f"{per_kind.get(longest, 0.0):.2f} s); sum over kinds {r['bound']:.2f} s"
    )
    return r


if __name__ == "__main__":
    main()
