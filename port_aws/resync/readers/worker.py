"""A reader process: slices of a resync in, pages and outcomes out (see
``port_aws.resync.readers.pool`` for why and when readers run).

The reader reads each slice with the very function the integration's own process uses
(``engine.read_slice``), in a run of its own (``ResyncRun``); a reader assumes the role of
each of its accounts itself, once, with the same credential source: credentials never cross the
pipe. A reader whose parent is gone (its stdin closes) stops.
"""

import asyncio
import contextlib
import os
import sys
from dataclasses import dataclass, field
from typing import Any

from loguru import logger

from port_aws.aws.accounts import STS_TIMEOUT, Account, AccountFailure, first_credentials
from port_aws.aws.arn import parse_role_arn
from port_aws.aws.tls import SHARED_CONNECTIONS
from port_aws.catalog import resource_type
from port_aws.catalog.model import Item
from port_aws.config.settings import Settings
from port_aws.resync.engine import read_slice
from port_aws.resync.readers.protocol import AccountSpec, Counters, SliceSpec, frame, receive
from port_aws.resync.state import ResyncRun
from port_aws.resync.stats import KindStats, SliceOutcome, SliceProblem, current_stats


@dataclass
class _Job:
    more: asyncio.Event = field(default_factory=asyncio.Event)
    task: "asyncio.Task[None] | None" = None


class _Serving:
    """A reader process: slices in, pages and outcomes out."""

    def __init__(self, settings: Settings, writer: asyncio.StreamWriter) -> None:

        self.run = ResyncRun(settings)
        self.writer = writer
        self.jobs: dict[int, _Job] = {}
        self.accounts: dict[str, asyncio.Task[Account | AccountFailure]] = {}

    def send(self, message: Any) -> None:
        if not self.writer.is_closing():
            self.writer.write(frame(message))

    async def _account(self, spec: AccountSpec) -> Account | AccountFailure:
        """The account with its role assumed, once per reader (concurrent slices of it wait
        for the same assumption), or why its role was refused."""
        if spec.id not in self.accounts:
            self.accounts[spec.id] = asyncio.ensure_future(self._assume(spec))
        return await asyncio.shield(self.accounts[spec.id])

    async def _assume(self, spec: AccountSpec) -> Account | AccountFailure:

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
            outcome = await read_slice(rt, sc, limits.slice_timeout, put)
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
    first = await receive(stdin)
    if first is None or first[0] != "settings":
        return
    serving = _Serving(first[1], writer)
    try:
        while (message := await receive(stdin)) is not None:
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
