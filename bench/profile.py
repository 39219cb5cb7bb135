"""A sampling profile of one thread, aggregated by what the time is spent on.

Every ``interval`` seconds a background thread takes the profiled thread's stack and charges
the sample to the innermost frame that belongs to a known part (mapping, AWS calls, engine,
Ocean), or to the test harness when the stack runs inside its fake Port API; a stack waiting in
the event loop's selector counts as idle. Only the samples taken while the thread holds the CPU
say where CPU goes, so the breakdown is given as shares of the non-idle samples, and as CPU
seconds when scaled by the process's CPU time. The garbage collector's own CPU and collections
are counted apart (``gc.callbacks``).
"""

import gc
import sys
import threading
import time
from collections import Counter
from types import FrameType

AWS_LIBRARIES = (
    "/site-packages/botocore/",
    "/site-packages/aiobotocore/",
    "/site-packages/boto3/",
    "/site-packages/aioboto3/",
    "/site-packages/aiohttp/",
    "/site-packages/aiohappyeyeballs/",
    "/site-packages/yarl/",
    "/site-packages/multidict/",
    "/site-packages/dateutil/",
    "/site-packages/jmespath/",
)
"""Where the code of AWS calls lives: the SDK and its HTTP stack."""

PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "mapping",
        (
            "/port_aws/ocean/processor.py",
            "/site-packages/jq",
            "/port_ocean/core/handlers/entity_processor/",
        ),
    ),
    (
        "AWS calls (botocore, aiohttp)",
        (*AWS_LIBRARIES, "/port_aws/aws/tls.py"),
    ),
    ("engine", ("/port_aws/", "/main.py")),
    (
        "Ocean upsert and bookkeeping",
        ("/site-packages/port_ocean/", "/site-packages/httpx/", "/site-packages/pydantic"),
    ),
)
HARNESS = "Port's API faked by Ocean's test harness"
"""Anything under the harness's transport: it stands in for the network and Port's servers, so
its CPU is the benchmark's own, not the integration's."""
IDLE = "idle (waiting in the event loop)"
OTHER = "other (asyncio, logging, stdlib)"


def _part(frame: FrameType | None) -> str:
    innermost = frame
    outer = frame
    while outer is not None:
        if "/port_ocean/integration_testing/" in outer.f_code.co_filename:
            return HARNESS
        outer = outer.f_back
    while frame is not None:
        path = frame.f_code.co_filename
        for name, markers in PARTS:
            if any(marker in path for marker in markers):
                return name
        frame = frame.f_back
    if innermost is not None and innermost.f_code.co_filename.endswith("selectors.py"):
        return IDLE
    return OTHER


class Sampler:
    """Samples one thread's stack from a daemon thread until stopped."""

    def __init__(self, interval: float = 0.01, thread_id: int | None = None) -> None:
        self.interval = interval
        self.thread_id = thread_id if thread_id is not None else threading.get_ident()
        self.samples: Counter[str] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-sampler", daemon=True)
        self.cpu_seconds = 0.0
        self.collections = [0, 0, 0]
        """Garbage collections by generation while sampling."""
        self.collector_seconds = 0.0
        """CPU seconds the garbage collector took while sampling."""
        self._collecting_since = 0.0

    def _collector(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._collecting_since = time.process_time()
            return
        self.collections[info["generation"]] += 1
        self.collector_seconds += time.process_time() - self._collecting_since

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            frame = sys._current_frames().get(self.thread_id)
            self.samples[_part(frame)] += 1

    def __enter__(self) -> "Sampler":
        self._cpu_started = time.process_time()
        gc.callbacks.append(self._collector)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        gc.callbacks.remove(self._collector)
        self._stop.set()
        self._thread.join()
        self.cpu_seconds = time.process_time() - self._cpu_started

    def breakdown(self) -> list[tuple[str, float, float]]:
        """(part, share of the busy samples, CPU seconds) for every part, largest first."""
        busy = {k: v for k, v in self.samples.items() if k != IDLE}
        total = sum(busy.values()) or 1
        return [
            (part, count / total, self.cpu_seconds * count / total)
            for part, count in sorted(busy.items(), key=lambda kv: -kv[1])
        ]
