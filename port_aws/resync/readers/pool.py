"""Reader processes: the slices of a large resync read by child processes of the integration.

A large resync is CPU-bound in one process: botocore's work per call (building, signing and
parsing requests) is Python and holds one CPU. Readers are child processes
(``port_aws.resync.readers.worker``) that read slices with the very function the integration's own
process uses (``engine.read_slice``) and send the raw items back; the integration's
process keeps everything else: discovery and regions, the kinds' bounds, queues and figures,
mapping, upserts and the report.

- Each account goes to one reader (assigned in turn as accounts first come), which assumes the
  account's role itself, once, with the same credential source (credentials never cross the
  pipe) and keeps the account's session, clients and per-service bounds: a reader holds the
  sessions of its own accounts only.
- Back-pressure: a reader sends a page and waits until the integration's process has queued it
  (the slice's deadline paused meanwhile, as in-process): one page per slice in flight.
- Failures: a slice's outcome comes back and is recorded as if it had been read in-process. A
  reader that exits or cannot start (``ReaderExited``) is an optimization lost, not a failure:
  its slices, and those of its accounts still to come, are read again in the integration's
  process (a page it had sent is upserted twice, the same). A reader that says nothing about a
  slice for longer than a slice may take fails the slice (``ReaderSilent``) and is killed (its
  other slices go to the integration's process): the kind raises at the end and Ocean deletes
  nothing. A reader whose parent is gone (its stdin closes) stops.
- How many and when: ``readerProcesses``. A number starts that many with the resync (they
  get ready while accounts are discovered); "auto" (the default) starts one per CPU available,
  when there are at least two, once the resync has begun ``AUTO_AFTER_SLICES`` slices in the
  integration's process, so a small resync does not pay for them. They stop at its end.

What goes through the pipes: ``port_aws.resync.readers.protocol``.
"""

import asyncio
import contextlib
import os
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from loguru import logger

from port_aws.catalog.model import Item
from port_aws.config.settings import Settings
from port_aws.resync.readers.protocol import (
    READER_EXITED,
    SliceSpec,
    frame,
    receive,
)
from port_aws.resync.stats import SliceOutcome, SliceProblem, current_stats

MAX_AUTO_READERS = 8
AUTO_AFTER_SLICES = 400
"""With "auto", slices a resync reads in the integration's process before readers start: a
reader costs one to two seconds of CPU to start, repaid only by a large resync."""
SILENCE_GRACE = 60.0
"""Seconds beyond ``sliceTimeoutSeconds`` a reader may stay silent about a slice."""
CLOSE_WAIT = 10.0
"""Seconds a reader has to stop once told to, before it is killed."""


def without_readers(settings: Settings) -> Settings:
    """The settings of a run that never starts readers, whatever ``readerProcesses`` says: live
    events read one resource per event, and their run outlives any resync."""
    return replace(settings, limits=replace(settings.limits, reader_processes=0))


def reader_count(settings: Settings) -> int:
    """How many readers a resync uses: ``readerProcesses``, or for "auto" one per CPU this
    process may run on, when there are at least two."""
    wanted = settings.limits.reader_processes
    if wanted is not None:
        return wanted
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(cpus or 1, MAX_AUTO_READERS) if (cpus or 1) >= 2 else 0


Put = Callable[[list[Item]], Awaitable[None]]


@dataclass
class _Reader:
    """One reader process, seen from the integration's process."""

    process: asyncio.subprocess.Process
    jobs: dict[int, "asyncio.Queue[tuple[Any, ...]]"] = field(default_factory=dict)
    gone: str | None = None
    """Why the reader stopped answering (it exited), once it has."""
    listening: "asyncio.Task[None] | None" = None

    @classmethod
    async def start(cls, settings: Settings) -> "_Reader":
        # This package is importable in the reader wherever the integration was started from.
        paths = [str(Path(__file__).resolve().parents[3]), os.environ.get("PYTHONPATH", "")]
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            "from port_aws.resync.readers.worker import main; main()",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)},
        )
        reader = cls(process)
        reader.send(("settings", settings))
        reader.listening = asyncio.ensure_future(reader._listen())
        return reader

    def send(self, message: Any) -> None:
        stdin = self.process.stdin
        if self.gone is None and stdin is not None and not stdin.is_closing():
            stdin.write(frame(message))

    async def _listen(self) -> None:
        assert self.process.stdout is not None
        try:
            while (message := await receive(self.process.stdout)) is not None:
                inbox = self.jobs.get(message[1])
                if inbox is not None:
                    inbox.put_nowait(message)
        except Exception as error:  # an unreadable frame: the reader is not trusted further
            logger.error(f"reader {self.process.pid}: unreadable answer: {error!r}")
            self.process.kill()
        code = await self.process.wait()
        self.gone = f"the reader process {self.process.pid} exited with code {code}"
        for job_id, waiting in list(self.jobs.items()):
            waiting.put_nowait(("gone", job_id))

    async def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()  # the reader stops its slices, closes clients, exits
        try:
            async with asyncio.timeout(CLOSE_WAIT):
                await self.process.wait()
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        if self.listening is not None:
            with contextlib.suppress(BaseException):
                await self.listening


class Readers:
    """The resync's reader processes, started together."""

    def __init__(self, settings: Settings, count: int) -> None:
        self.settings = settings
        self._started = [asyncio.ensure_future(_Reader.start(settings)) for _ in range(count)]
        self._assigned: dict[str, int] = {}
        self._next_job = 0
        self.closed = False

    def _reader(self, account_id: str) -> "asyncio.Task[_Reader]":
        index = self._assigned.setdefault(account_id, len(self._assigned) % len(self._started))
        return self._started[index]

    async def read(self, spec: SliceSpec, put: Put) -> SliceOutcome | None:
        """Have the account's reader read the slice into ``put``; None when it was read
        completely, else why not (as ``engine.read_slice`` answers)."""
        if self.closed:
            raise RuntimeError("the resync's readers are closed")

        def failed(code: str, message: str) -> SliceOutcome:
            problem = SliceProblem(spec.account.id, spec.region, code, message)
            return SliceOutcome("failed", problem)

        try:
            reader = await asyncio.shield(self._reader(spec.account.id))
        except OSError as error:
            return failed(READER_EXITED, f"a reader process could not start: {error}")
        self._next_job += 1
        job_id = self._next_job
        inbox: asyncio.Queue[tuple[Any, ...]] = asyncio.Queue()
        reader.jobs[job_id] = inbox
        silence = self.settings.limits.slice_timeout + SILENCE_GRACE
        try:
            reader.send(("read", job_id, spec))
            while reader.gone is None or not inbox.empty():
                async with asyncio.timeout(silence):
                    message = await inbox.get()
                if message[0] == "page":
                    await put(message[2])
                    reader.send(("more", job_id))
                elif message[0] == "end":
                    message[3].add_to(current_stats.get())
                    outcome: SliceOutcome | None = message[2]
                    return outcome
                else:
                    break
            return failed(
                READER_EXITED,
                f"{reader.gone} (its own lines on stderr say why; a code of -9 is most often "
                "the host's memory limit: if it recurs, lower maxConcurrency or set "
                "readerProcesses to 0)",
            )
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                reader.process.kill()  # not trusted further: its other slices are read here
            return failed(
                "ReaderSilent",
                f"the reader process {reader.process.pid} said nothing about the slice for "
                f"{silence:g} s (sliceTimeoutSeconds plus {SILENCE_GRACE:g} s)",
            )
        except asyncio.CancelledError:
            reader.send(("cancel", job_id))
            raise
        finally:
            reader.jobs.pop(job_id, None)

    async def aclose(self) -> None:
        """Stop every reader (the end of the resync, however it ended)."""
        self.closed = True
        for started in self._started:
            if not started.done():
                started.cancel()
            with contextlib.suppress(BaseException):
                await (await started).close()

    @property
    def pids(self) -> list[int]:
        return [
            s.result().process.pid
            for s in self._started
            if s.done() and not s.cancelled() and s.exception() is None
        ]
