"""A loopback TCP server for tests that speak to the client byte by byte (a slow answer, a TLS
relay, a CONNECT proxy): each connection is handled by its own task, and every task still
running is cancelled when the server stops."""

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@contextlib.asynccontextmanager
async def loopback_server(
    handle: Handler, context: ssl.SSLContext | None = None
) -> AsyncIterator[int]:
    """Serves ``handle`` on 127.0.0.1 (TLS with ``context``); yields the port."""
    tasks: set[asyncio.Task[None]] = set()

    def track(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.ensure_future(handle(reader, writer))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    server = await asyncio.start_server(track, "127.0.0.1", 0, ssl=context)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        for task in list(tasks):
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()
