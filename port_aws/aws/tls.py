"""One TLS context for every AWS client, and one connection pool for every client of a resync.

aiobotocore builds a TLS context, loading the whole CA bundle, for each client's first
connection. A resync opens a client per service in every (account, region) of every kind, so
that load was repeated thousands of times; the context is immutable once built and is shared.

Each client also had its own connection pool, so nearly every call of a slice opened a new
connection (and, against AWS, a new TLS handshake). Within a resync, clients share one pool
(``SharedConnections``, owned and closed by the resync's run): a connection to a service's
endpoint in a region is reused by every account's client, since each request is signed on its
own.

Every context checks the server's name against its certificate. botocore's
``create_urllib3_context`` leaves ``check_hostname`` off because urllib3 matches names itself;
aiohttp, which carries aiobotocore's requests, leaves that check to the context, so a context
taken from botocore as is accepts any trusted certificate for any name. aiobotocore's own
connector (used here behind a proxy or with a client certificate) builds its contexts the same
way, and behind a proxy without proxy TLS settings it verifies nothing at all; here it gets a
verifying context too. Only ``verify=False`` (asked for explicitly) turns verification off.
"""

import functools
import ssl
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiobotocore.httpsession import AIOHTTPSession
from botocore.httpsession import create_urllib3_context, get_cert_path


def verifying_context(ca_certs: str | None = None) -> ssl.SSLContext:
    """botocore's TLS context (its protocol and cipher choices) with the server's certificate
    and name both checked; trusting ``ca_certs`` (a CA bundle file) when given."""
    context: ssl.SSLContext = create_urllib3_context()
    context.check_hostname = True  # urllib3 checks names itself; aiohttp relies on the context
    if ca_certs:
        context.load_verify_locations(ca_certs, None, None)
    return context


_context = functools.cache(verifying_context)
"""The shared context per CA bundle (never changed once built)."""


class SharedTLSSession(AIOHTTPSession):  # type: ignore[misc]
    def _get_ssl_context(self) -> ssl.SSLContext:
        """The context aiobotocore's own connector starts from (it then adds the client
        certificate and the CA bundle): a new one, since those are added to it."""
        return verifying_context()

    def _setup_proxy_ssl_context(self, proxy_url: str) -> ssl.SSLContext:
        """Behind a proxy aiobotocore has a context only for proxy TLS settings and otherwise
        connects with none, verifying nothing: here every proxied connection verifies too."""
        context: ssl.SSLContext | None = super()._setup_proxy_ssl_context(proxy_url)
        return context or self._get_ssl_context()

    def _create_connector(self, proxy_url: str | None) -> Any:
        if proxy_url or not self._verify or self._cert_file:
            return super()._create_connector(proxy_url)  # the rare cases keep their own context
        return aiohttp.TCPConnector(
            limit=self._max_pool_connections,
            ssl=_context(get_cert_path(self._verify)),
            **self._connector_args,
        )

    async def _get_session(self, proxy_url: str | None) -> Any:
        shared = SHARED_CONNECTIONS.get()
        if shared is None or proxy_url or not self._verify or self._cert_file:
            return await super()._get_session(proxy_url)
        session = self._sessions.get(proxy_url)
        if session is None:
            session = await self._exit_stack.enter_async_context(
                aiohttp.ClientSession(
                    connector=shared.connector(get_cert_path(self._verify), self._connector_args),
                    connector_owner=False,
                    timeout=self._timeout,
                    skip_auto_headers={"CONTENT-TYPE"},
                    auto_decompress=False,
                )
            )
            self._sessions[proxy_url] = session
        return session


@dataclass
class SharedConnections:
    """One connection pool for the clients of a resync, at most ``limit`` connections."""

    limit: int
    _connector: aiohttp.TCPConnector | None = None

    def connector(self, ca_certs: str | None, args: dict[str, Any]) -> aiohttp.TCPConnector:
        if self._connector is None or self._connector.closed:
            self._connector = aiohttp.TCPConnector(limit=self.limit, ssl=_context(ca_certs), **args)
        return self._connector

    async def aclose(self) -> None:
        if self._connector is not None:
            await self._connector.close()


SHARED_CONNECTIONS: ContextVar[SharedConnections | None] = ContextVar(
    "shared_connections", default=None
)
"""The pool of the resync the current task reads for (set by each kind's reader)."""
