"""Errors the integration reports to users: each renders as one clear line."""

import aiohttp
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ProxyConnectionError,
)


class ConfigError(ValueError):
    """A setting is missing or malformed. The message names the setting and what is expected."""

    def __init__(self, setting: str, expected: str) -> None:
        self.setting = setting
        super().__init__(f"{setting}: {expected}")


class EndpointUnreachable(ConfigError):
    """An AWS endpoint could not be reached before anything was read: the network, a proxy or
    an endpoint setting (AWS_ENDPOINT_URL, HTTPS_PROXY) is at fault, not the credentials. The
    message is the line :func:`unreachable` gives."""

    def __init__(self, message: str) -> None:
        self.setting = "AWS_ENDPOINT_URL"
        ValueError.__init__(self, message)


class IncompleteResyncError(RuntimeError):
    """Some slices of a kind could not be read; raised after every readable item was yielded.

    Ocean sees the error and skips its delete phase, so entities of unreadable slices stay.
    """


def error_code(error: BaseException) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code") or "ClientError")
    return type(error).__name__


def error_message(error: BaseException) -> str:
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Message") or error)
    return unreachable(error) or str(error)


UNREACHABLE = (
    EndpointConnectionError,  # connection refused, DNS failure (aiohttp's connector errors)
    ConnectTimeoutError,
    ProxyConnectionError,
    aiohttp.ClientConnectorError,  # the same, where aiohttp's own error is not translated
)
"""Errors of an endpoint that could not be reached: no request got to AWS, so AWS refused
nothing (the credentials were not even presented)."""


def unreachable(error: BaseException, service: str = "AWS") -> str | None:
    """ "cannot reach <service> at <endpoint>: …" when ``error`` says no connection could be
    made (the network, a proxy or an endpoint setting is at fault, not the credentials);
    None for any other error. Every report of an error's message says so
    (:func:`error_message`); callers that know the service name it."""
    if not isinstance(error, UNREACHABLE):
        return None
    if isinstance(error, aiohttp.ClientConnectorError):
        where = f"at {error.host}:{error.port}"
        cause: object = error.os_error
    else:
        kwargs = getattr(error, "kwargs", {})
        proxy = kwargs.get("proxy_url")
        endpoint = str(kwargs.get("endpoint_url") or "").split("?", 1)[0]
        where = f"through the proxy {proxy}" if proxy else f"at {endpoint}"
        cause = kwargs.get("error") or ""
    reason = f" ({' '.join(str(cause).split())})" if str(cause) else ""
    return f"cannot reach {service} {where}: check the network, proxy or AWS_ENDPOINT_URL{reason}"
