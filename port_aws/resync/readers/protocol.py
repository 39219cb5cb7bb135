"""What the integration's process and a reader process say to each other.

Frames on a reader's stdin and stdout: a 4-byte big-endian length, then a pickle; both ends are
this package of the same installation. The parent sends ``("settings", Settings)`` first, then
``("read", job, SliceSpec)``, ``("more", job)`` and ``("cancel", job)``; the reader answers
``("page", job, items)`` and ``("end", job, SliceOutcome | None, Counters)``.
"""

import asyncio
import pickle
import struct
from dataclasses import dataclass
from typing import Any

from port_aws.aws.accounts import Account
from port_aws.catalog.model import KindOptions
from port_aws.resync.stats import KindStats

READER_EXITED = "ReaderExited"
"""The code of a slice whose reader is gone (or never started): the slice is read again in the
integration's process."""
_LENGTH = struct.Struct(">I")


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


def frame(message: Any) -> bytes:
    body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(body)) + body


async def receive(stream: asyncio.StreamReader) -> Any:
    """The next message, or None at the end of the stream."""
    try:
        head = await stream.readexactly(_LENGTH.size)
        return pickle.loads(await stream.readexactly(_LENGTH.unpack(head)[0]))
    except asyncio.IncompleteReadError:
        return None
