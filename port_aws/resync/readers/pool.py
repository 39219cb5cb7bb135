"""Reader processes: the slices of a large resync read by child processes of the integration.

A large resync is CPU-bound in one process: botocore's work per call (building, signing and
parsing requests) is Python and holds one CPU. Readers are child processes
(``port_aws.resync.readers.pool.main``) that read slices with the very function the integration's own
process uses (``engine.read_slice_items``) and send the raw items back; the integration's
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

Frames on a reader's stdin and stdout: a 4-byte big-endian length, then a pickle; both ends are
this module of the same installation.
"""

import asyncio
import contextlib
import os
import pickle
import struct
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from loguru import logger

from port_aws.aws.accounts import Account, AccountFailure
from port_aws.catalog.model import Item, KindOptions
from port_aws.config.settings import Settings
from port_aws.resync.stats import KindStats, SliceOutcome, SliceProblem, current_stats

MAX_AUTO_READERS = 8
AUTO_AFTER_SLICES = 400
"""With "auto", slices a resync reads in the integration's process before readers start: a
reader costs one to two seconds of CPU to start, repaid only by a large resync."""
SILENCE_GRACE = 60.0
"""Seconds beyond ``sliceTimeoutSeconds`` a reader may stay silent about a slice."""
CLOSE_WAIT = 10.0
"""Seconds a reader has to stop once told to, before it is killed."""
READER_EXITED = "ReaderExited"
"""The code of a slice whose reader is gone (or never started): the slice is read again in the
integration's process."""
_LENGTH = struct.Struct(">I")


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


@dataclass(frozen=True)
class AccountSpec:
    """An account as a reader rebuilds it: its id and name, and the role it is read through
    (None: the credential source's own account)."""

    id: str
    name: str | None
    role_arn: str | None
    email: str | None

    @classmethod
    def of(cls, account: Account) -> "AccountSpec":
        return cls(account.id, account.name, account.role_arn, account.email)


@dataclass(frozen=True)
class SliceSpec:
    kind: str
    options: KindOptions
    account: AccountSpec
    region: str


@dataclass(frozen=True)
class Counters:
    """A slice's call figures, counted by the reader's botocore hooks."""

    calls: int
    requests: int
    throttled: int
    calls_by_operation: dict[str, int]

    @classmethod
    def of(cls, stats: KindStats) -> "Counters":
        return cls(stats.calls, stats.requests, stats.throttled, dict(stats.calls_by_operation))

    def add_to(self, stats: KindStats | None) -> None:
        if stats is None:
            return
        stats.calls += self.calls
        stats.requests += self.requests
        stats.throttled += self.throttled
        stats.calls_by_operation.update(self.calls_by_operation)


def _frame(message: Any) -> bytes:
    body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(body)) + body


async def _receive(stream: asyncio.StreamReader) -> Any:
    """The next message, or None at the end of the stream."""
    try:
        head = await stream.readexactly(_LENGTH.size)
        return pickle.loads(await stream.readexactly(_LENGTH.unpack(head)[0]))
    except asyncio.IncompleteReadError:
        return None


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
            "from port_aws.resync.readers.pool import main; main()",
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
            stdin.write(_frame(message))

    async def _listen(self) -> None:
        assert self.process.stdout is not None
        try:
            while (message := await _receive(self.process.stdout)) is not None:
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
        completely, else why not (as ``engine.read_slice_items`` answers)."""
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


# The reader's side.


@dataclass
class _Job:
    more: asyncio.Event = field(default_factory=asyncio.Event)
    task: "asyncio.Task[None] | None" = None


class _Serving:
    """A reader process: slices in, pages and outcomes out."""

    def __init__(self, settings: Settings, writer: asyncio.StreamWriter) -> None:
        from port_aws.resync.state import ResyncRun

        self.run = ResyncRun(settings)
        self.writer = writer
        self.jobs: dict[int, _Job] = {}
        self.accounts: dict[str, asyncio.Task[Account | AccountFailure]] = {}

    def send(self, message: Any) -> None:
        if not self.writer.is_closing():
            self.writer.write(_frame(message))

    async def _account(self, spec: AccountSpec) -> Account | AccountFailure:
        """The account with its role assumed, once per reader (concurrent slices of it wait
        for the same assumption), or why its role was refused."""
        if spec.id not in self.accounts:
            self.accounts[spec.id] = asyncio.ensure_future(self._assume(spec))
        return await asyncio.shield(self.accounts[spec.id])

    async def _assume(self, spec: AccountSpec) -> Account | AccountFailure:
        from port_aws.aws.accounts import STS_TIMEOUT, first_credentials
        from port_aws.aws.arn import parse_role_arn

        current_stats.set(None)  # as in discovery, assuming the role is no kind's call
        source = await self.run.source()
        session = (
            source.session_for_role(parse_role_arn(spec.role_arn, "accountRoleArn"))
            if spec.role_arn
            else source.own_session()
        )
        account = Account(spec.id, spec.name, session, spec.role_arn, spec.email)
        timeout = min(STS_TIMEOUT, self.run.settings.limits.call_timeout)
        return await first_credentials(account, timeout) or account

    async def read(self, job_id: int, spec: SliceSpec, job: _Job) -> None:
        from port_aws.aws.tls import SHARED_CONNECTIONS
        from port_aws.catalog import resource_type
        from port_aws.resync.engine import read_slice_items

        run, limits = self.run, self.run.settings.limits
        stats = KindStats(spec.kind)
        current_stats.set(stats)  # this task's own context: the slice's calls count here
        SHARED_CONNECTIONS.set(run.connections)

        async def put(items: list[Item]) -> None:
            job.more.clear()
            self.send(("page", job_id, items))
            await self.writer.drain()
            await job.more.wait()

        outcome: SliceOutcome | None
        try:
            rt = resource_type(spec.kind)
            if rt is None:
                raise LookupError(f"{spec.kind} is not a kind this reader knows")
            account = await self._account(spec.account)
            if isinstance(account, AccountFailure):  # assumed by discovery, refused here
                problem = SliceProblem(
                    spec.account.id, spec.region, account.code, account.describe()
                )
                self.send(("end", job_id, SliceOutcome("failed", problem), Counters.of(stats)))
                return
            sc = run.slice_context(rt, account, spec.region, spec.options)
            outcome = await read_slice_items(rt, sc, limits.slice_timeout, put)
        except Exception as error:  # the slice fails; the reader goes on with the others
            problem = SliceProblem(spec.account.id, spec.region, type(error).__name__, str(error))
            outcome = SliceOutcome("failed", problem)
        self.send(("end", job_id, outcome, Counters.of(stats)))

    def take(self, message: tuple[Any, ...]) -> None:
        what, job_id = message[0], message[1]
        if what == "read":
            new = self.jobs[job_id] = _Job()
            new.task = asyncio.ensure_future(self.read(job_id, message[2], new))
            new.task.add_done_callback(lambda _: self.jobs.pop(job_id, None))
        elif (job := self.jobs.get(job_id)) is not None:
            if what == "more":
                job.more.set()
            elif what == "cancel" and job.task is not None:
                job.task.cancel()

    async def aclose(self) -> None:
        tasks = [job.task for job in self.jobs.values() if job.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.run.aclose()


async def _serve(answers: Any) -> None:
    loop = asyncio.get_running_loop()
    stdin = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin.buffer)
    transport, protocol = await loop.connect_write_pipe(asyncio.streams.FlowControlMixin, answers)
    writer = asyncio.StreamWriter(transport, protocol, None, loop)
    first = await _receive(stdin)
    if first is None or first[0] != "settings":
        return
    serving = _Serving(first[1], writer)
    try:
        while (message := await _receive(stdin)) is not None:
            serving.take(message)
    finally:
        await serving.aclose()
        with contextlib.suppress(Exception):
            await writer.drain()
        writer.close()


def main() -> None:
    answers = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)  # anything else printed goes to stderr, never into the answers
    logger.remove()
    logger.add(sys.stderr, level="WARNING", format="reader {process}: {level}: {message}")
    asyncio.run(_serve(answers))
