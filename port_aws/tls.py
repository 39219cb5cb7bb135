"""One TLS context for every AWS client.

aiobotocore builds a TLS context, loading the whole CA bundle, for each client's first
connection. A resync opens a client per service in every (account, region) of every kind, so
that load was repeated thousands of times; the context is immutable once built and is shared.
"""

import functools
import ssl
from typing import Any

import aiohttp
from aiobotocore.httpsession import AIOHTTPSession
from botocore.httpsession import create_urllib3_context, get_cert_path


@functools.cache
def _context(ca_certs: str | None) -> ssl.SSLContext:
    context = create_urllib3_context()
    if ca_certs:
        context.load_verify_locations(ca_certs, None, None)
    return context  # type: ignore[no-any-return]


class SharedTLSSession(AIOHTTPSession):  # type: ignore[misc]
    def _create_connector(self, proxy_url: str | None) -> Any:
        if proxy_url or not self._verify or self._cert_file:
            return super()._create_connector(proxy_url)  # the rare cases keep their own context
        return aiohttp.TCPConnector(
            limit=self._max_pool_connections,
            ssl=_context(get_cert_path(self._verify)),
            **self._connector_args,
        )
