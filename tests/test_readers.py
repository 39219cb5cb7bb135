"""Reader processes (``readerProcesses``): slices read by child processes give Port exactly what
the integration's own process gives and fail exactly as they would there; a reader that dies or
cannot start leaves its slices to the integration's process, and one that goes silent fails
its slices, so Ocean deletes nothing. Readers stop with the resync."""

import os
import signal
import time
from typing import Any

import pytest

from port_aws.aws.errors import ConfigError
from port_aws.config.settings import load_settings
from port_aws.resync.readers import pool as readers
from port_aws.resync.readers.pool import Readers
from port_aws.resync.state import current_run
from tests.rig import STATIC, Emulator, by_identifier, mapping_for, resync
from tests.test_safety import ECS, REGIONS, ROWS, SQS, Row, seed_ecs_and_sqs, two_phases

READERS = {**STATIC, "reader_processes": "2"}
ONE_READER = {**STATIC, "reader_processes": "1"}
IN_PROCESS = {**STATIC, "reader_processes": "0"}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _reader_pids() -> list[int]:
    run = current_run()
    assert run is not None and run.readers is not None, "the resync used no reader"
    return run.readers.pids


async def test_readers_give_port_what_the_integrations_process_gives(aws: Emulator) -> None:
    aws.list_regions(REGIONS, page_size=10)
    seed_ecs_and_sqs(aws)
    here = await resync(IN_PROCESS, mapping_for(ECS, SQS))
    assert current_run() is not None and current_run().readers is None  # type: ignore[union-attr]

    read = await resync(READERS, mapping_for(ECS, SQS))

    assert here.errors == [] and read.errors == []
    assert by_identifier(read) == by_identifier(here)
    assert len(read.upserted_entities) == 6
    pids = _reader_pids()
    assert len(pids) == 2
    run = current_run()
    assert run is not None and all(stats.calls > 0 for stats in run.kinds)  # counted by readers
    assert not any(_alive(pid) for pid in pids), "readers outlived the resync"


PICKED = (
    "a kind's permission denied (default accessDeniedPolicy)",
    "an answer the kind cannot read",
    "a slice past its deadline",
    "the resync past its deadline",
)


THROUGH_A_READER = [row for row in ROWS if row.name in PICKED]


@pytest.mark.parametrize("row", THROUGH_A_READER, ids=[row.name for row in THROUGH_A_READER])
async def test_a_fault_met_by_a_reader_deletes_nothing(aws: Emulator, row: Row) -> None:
    await two_phases(aws, row, {"reader_processes": "1"})


async def test_a_reader_that_dies_leaves_its_slices_to_the_integrations_process(
    aws: Emulator, monkeypatch: pytest.MonkeyPatch, logs: list[str]
) -> None:
    """A reader killed as it is given its first slice (as the host's memory limit would): that
    slice and the rest of its account's are read in the integration's process; the resync
    completes with every entity, and a queue deleted meanwhile in AWS is deleted from Port."""
    aws.list_regions(REGIONS, page_size=10)
    seed_ecs_and_sqs(aws)
    clean = await resync(IN_PROCESS, mapping_for(ECS, SQS))
    assert clean.errors == []
    sqs = aws.client("sqs", "eu-west-1")
    sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName="orders")["QueueUrl"])
    killed: list[int] = []
    read = Readers.read

    async def read_then_die(self: Readers, spec: Any, put: Any) -> Any:
        if not killed:
            reader = await self._reader(spec.account.id)
            killed.append(reader.process.pid)
            os.kill(reader.process.pid, signal.SIGKILL)
        return await read(self, spec, put)

    monkeypatch.setattr(Readers, "read", read_then_die)
    again = await resync(READERS, mapping_for(ECS, SQS), existing=clean.upserted_entities)

    assert again.errors == []
    gone = [e["identifier"] for e in again.deleted_entities]
    assert len(gone) == 1 and ":eu-west-1:" in gone[0] and gone[0].endswith(":orders")
    assert len(again.upserted_entities) == len(clean.upserted_entities) - 1
    warned = [line for line in logs if "ReaderExited" in line]
    assert warned and f"the reader process {killed[0]} exited" in warned[0]
    assert "read again in the integration's process" in warned[0]


async def test_auto_starts_readers_only_for_a_large_resync(
    aws: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    aws.list_regions(REGIONS, page_size=10)
    seed_ecs_and_sqs(aws)
    await resync(STATIC, mapping_for(ECS, SQS))  # "auto": 4 slices
    run = current_run()
    assert run is not None and run.readers is None

    monkeypatch.setattr(readers, "AUTO_AFTER_SLICES", 1)
    monkeypatch.setattr("port_aws.resync.state.AUTO_AFTER_SLICES", 1)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1})
    result = await resync(STATIC, mapping_for(ECS, SQS))
    assert result.errors == [] and len(result.upserted_entities) == 6
    assert len(_reader_pids()) == 2


@pytest.mark.parametrize("value", ["-1", "two", "65", "1.5"])
def test_reader_processes_must_be_auto_or_a_whole_number(value: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings({**STATIC, "reader_processes": value}, environ={})
    assert "readerProcesses" in str(raised.value)
    assert "auto" in str(raised.value) and value in str(raised.value)


@pytest.mark.parametrize(("value", "count"), [("auto", None), ("", None), ("0", 0), (3, 3)])
def test_reader_processes_accepted(value: Any, count: int | None) -> None:
    assert (
        load_settings({**STATIC, "reader_processes": value}, environ={}).limits.reader_processes
        == count
    )


async def test_a_reader_that_goes_silent_fails_its_slices_and_deletes_nothing(
    aws: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    aws.list_regions(REGIONS, page_size=10)
    seed_ecs_and_sqs(aws)
    clean = await resync(IN_PROCESS, mapping_for(ECS, SQS))
    assert clean.errors == []
    monkeypatch.setattr(readers, "SILENCE_GRACE", 1.0)
    monkeypatch.setattr(readers, "CLOSE_WAIT", 1.0)
    read = Readers.read
    stopped: list[int] = []

    async def read_stopped(self: Readers, spec: Any, put: Any) -> Any:
        reader = await self._reader(spec.account.id)
        if not stopped:  # the reader is frozen: alive, saying nothing
            stopped.append(reader.process.pid)
            os.kill(reader.process.pid, signal.SIGSTOP)
        return await read(self, spec, put)

    monkeypatch.setattr(Readers, "read", read_stopped)
    started = time.monotonic()
    faulty = await resync(
        {**ONE_READER, "slice_timeout_seconds": 1},
        mapping_for(ECS, SQS),
        existing=clean.upserted_entities,
    )

    assert time.monotonic() - started < 30
    assert faulty.deleted_entities == []
    text = " | ".join(str(error) for error in faulty.errors)
    assert "ReaderSilent" in text and "said nothing about the slice for 2 s" in text
    assert not _alive(stopped[0]), "a silent reader outlived the resync"


async def test_readers_that_cannot_start_leave_every_slice_to_the_integrations_process(
    aws: Emulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Any, logs: list[str]
) -> None:
    aws.list_regions(REGIONS, page_size=10)
    seed_ecs_and_sqs(aws)
    clean = await resync(IN_PROCESS, mapping_for(ECS, SQS))
    assert clean.errors == []
    monkeypatch.setattr("sys.executable", str(tmp_path / "no-python-here"))

    again = await resync(READERS, mapping_for(ECS, SQS), existing=clean.upserted_entities)

    assert again.errors == [] and again.deleted_entities == []
    assert by_identifier(again) == by_identifier(clean)
    assert any("a reader process could not start" in line for line in logs)
