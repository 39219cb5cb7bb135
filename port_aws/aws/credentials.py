"""Where AWS credentials come from, and sessions for account roles that refresh themselves.

Sources, tried in the order of ``credentialProviderPriority``:

- ``AssumeRoleWithWebIdentity``: the OIDC token file in ``AWS_WEB_IDENTITY_TOKEN_FILE``; every
  account role is assumed with it, and the file is read again at every refresh.
- ``StaticCredential``: ``aws_access_key_id``/``aws_secret_access_key``; roles, when configured,
  are assumed from them, otherwise the keys' own account is synced.
- ``AssumeRole``: roles assumed (with ``externalId``) from base credentials: the static keys,
  or the host's own chain when ``DefaultCredentialChain`` is also listed.
- ``DefaultCredentialChain``: the host's own credentials (environment, profile, instance role);
  used only when named, never as a silent fallback.
"""

import asyncio
import copy
import os
import platform
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import CodeType
from typing import Any, ClassVar

import aioboto3
import aiobotocore
import aiobotocore.session
import botocore
from aiobotocore.client import AioBaseClient, AioClientCreator
from aiobotocore.config import AioConfig
from aiobotocore.credentials import (
    AioAssumeRoleCredentialFetcher,
    AioAssumeRoleWithWebIdentityCredentialFetcher,
    AioCredentialResolver,
    AioCredentials,
    AioDeferredRefreshableCredentials,
)
from aiobotocore.endpoint import DEFAULT_HTTP_SESSION_CLS
from aiobotocore.hooks import AioHierarchicalEmitter
from aiobotocore.session import AioSession
from botocore.credentials import CredentialProvider
from botocore.hooks import _MIDDLE, EVENT_ALIASES, EventAliaser, NodeList, _PrefixTrie
from botocore.loaders import create_loader
from botocore.utils import FileWebIdentityTokenLoader, parse_timestamp, tzutc

from port_aws.aws.arn import PARTITIONS, RoleArn
from port_aws.aws.bounds import CallTimeout
from port_aws.aws.errors import EXPIRED, ConfigError
from port_aws.aws.iam import iam_action
from port_aws.aws.tls import SharedTLSSession
from port_aws.config.settings import Limits, Settings

SESSION_NAME = "port-aws-integration"
EventHook = Callable[..., Any]
USER_AGENT = (
    f"{SESSION_NAME}/0.1.0 aiobotocore/{aiobotocore.__version__} "
    f"botocore/{botocore.__version__} Python/{platform.python_version()}"
)
"""The User-Agent of every call (what CloudTrail records as ``userAgent``). Giving it whole
spares botocore rebuilding its default string, component by component, twice per request."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


_UTC = tzutc()
_ISO_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]00:?00)")


def parse_aws_timestamp(value: Any) -> datetime:
    """botocore's timestamp parser, quick for the form AWS answers with almost always.

    ``2024-05-01T12:30:00.000Z`` (UTC, ISO 8601) is read by ``datetime.fromisoformat`` into the
    value botocore's own parser (``dateutil``, ~0.3 ms a timestamp) gives: the same instant with
    ``tzutc()``. Anything else (epoch numbers, other offsets, RFC 822 dates) goes to botocore's."""
    if isinstance(value, str) and _ISO_UTC.fullmatch(value):
        return datetime.fromisoformat(value).replace(tzinfo=_UTC)
    return parse_timestamp(value)  # type: ignore[no-any-return]


class _Renewable(AioDeferredRefreshableCredentials):  # type: ignore[misc]
    """A role's refreshable credentials that can be renewed early: when AWS calls them expired
    before their stated expiry (revoked session, clock skew), the next call assumes the role anew.

    Every call asks whether the credentials need refreshing; botocore's default clock builds a
    local time zone each time it is read, a UTC clock gives the same comparison for less."""

    def __init__(self, fetcher: Any, method: str, cache: dict[str, Any]) -> None:
        super().__init__(
            refresh_using=fetcher.fetch_credentials, method=method, time_fetcher=_utc_now
        )
        self._fetcher_cache = cache

    def renew(self) -> None:
        now = self._time_fetcher()
        expiry: Any = getattr(self, "_expiry_time", None)
        if expiry is not None and expiry > now:
            self._fetcher_cache.clear()
            self._expiry_time = now - timedelta(seconds=1)

    def retry_when_expired(self, max_attempts: int) -> EventHook:
        """A ``needs-retry`` hook: on an expired-token answer, renew and retry the call once more."""

        def hook(response: Any = None, attempts: int = 1, **_: Any) -> float | None:
            parsed = response[1] if isinstance(response, tuple) and len(response) > 1 else None
            code = (parsed or {}).get("Error", {}).get("Code") if isinstance(parsed, dict) else None
            if code not in EXPIRED or attempts >= max_attempts:
                return None
            self.renew()
            return 0.0

        return hook


class _Given(CredentialProvider):  # type: ignore[misc]
    """Hands a session exactly the credentials we chose (or none): no host chain behind it."""

    METHOD = "port-aws"
    CANONICAL_NAME = "custom-port-aws"

    def __init__(self, credentials: Any) -> None:
        super().__init__()
        self._credentials = credentials

    async def load(self) -> Any:
        return self._credentials


class _Config(AioConfig):  # type: ignore[misc]
    """aiobotocore's ``merge`` (a client's own configuration over the session's default) keeps
    the connector arguments but not the HTTP session class. botocore's credential fetchers
    create their STS clients with a configuration of their own (``UNSIGNED`` for
    ``AssumeRoleWithWebIdentity``), so every role assumed went back to aiobotocore's default
    HTTP session, which loads the whole CA bundle for each client. Here the class given
    explicitly on either side is kept, the other side's first; so is ``call_deadline``, the
    seconds each call of the client may take in all (see ``_Bounded``)."""

    def __init__(self, *args: Any, call_deadline: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.call_deadline = call_deadline

    def merge(self, other_config: Any) -> "_Config":
        options = {**self._user_provided_options, **other_config._user_provided_options}
        session_cls = getattr(other_config, "http_session_cls", DEFAULT_HTTP_SESSION_CLS)
        if session_cls is DEFAULT_HTTP_SESSION_CLS:
            session_cls = self.http_session_cls
        deadline = getattr(other_config, "call_deadline", None) or self.call_deadline
        return _Config(
            self.connector_args, http_session_cls=session_cls, call_deadline=deadline, **options
        )


def client_config(settings: Settings) -> AioConfig:
    limits = settings.limits
    return _Config(
        retries={"mode": "standard", "total_max_attempts": limits.max_attempts},
        max_pool_connections=max(10, limits.max_concurrency_per_service),
        connect_timeout=10,
        read_timeout=60,
        user_agent=USER_AGENT,
        http_session_cls=SharedTLSSession,
        call_deadline=limits.call_timeout,
    )


def sts_config(settings: Settings) -> AioConfig:
    """STS calls made to assume roles (first and at every refresh): short socket timeouts and
    few attempts, so a slow or unreachable STS fails the account within seconds rather than
    minutes, and each call within ``callTimeoutSeconds`` in all."""
    return _Config(
        retries={"mode": "standard", "total_max_attempts": 3},
        connect_timeout=5,
        read_timeout=10,
        user_agent=USER_AGENT,
        http_session_cls=SharedTLSSession,
        call_deadline=settings.limits.call_timeout,
    )


DEFAULT_CALL_DEADLINE = Limits.call_timeout
"""Seconds any call may take in all when no ``callTimeoutSeconds`` applies."""


class _Bounded(AioBaseClient):  # type: ignore[misc]
    """Every call of every client ends within its ``call_deadline`` (aiobotocore's sessions,
    a command's own included, make their clients through ``_ClientCreator``): botocore bounds
    attempts and each socket read, but not a call's total time (retries and back-off, the
    credential refresh it waits for, a server trickling bytes, each of which restarts the read
    timeout). Callers that hold their own deadline (the engine's, discovery's) keep it; every
    other call path (preflight, doctor, registry reads, STS refreshes) gets this one."""

    call_deadline: float = DEFAULT_CALL_DEADLINE

    async def _make_api_call(self, operation_name: str, api_params: dict[str, Any]) -> Any:
        deadline = self.call_deadline
        timer = asyncio.timeout(deadline)
        try:
            async with timer:
                return await super()._make_api_call(operation_name, api_params)
        except TimeoutError:
            if not timer.expired():
                raise
            service = self.meta.service_model.service_name
            raise CallTimeout(iam_action(service, operation_name), deadline) from None


class _ClientCreator(AioClientCreator):  # type: ignore[misc]
    """botocore builds a new client class for every client: a method and a docstring object per
    operation of the service (for EC2, ~700 of them: ~20 ms of CPU and ~1 MB per client). The
    class depends only on the service model and botocore's own ``creating-client-class``
    handlers, so one class per service and API version serves every client of the process;
    each client keeps its own endpoint, credentials, configuration and event hooks."""

    _classes: ClassVar[dict[tuple[str, str], type]] = {}
    _models: ClassVar[dict[tuple[int, str, str | None], Any]] = {}

    def _load_service_model(self, service_name: str, api_version: str | None = None) -> Any:
        """One parsed service model per service and loader: botocore wraps the loader's cached
        JSON in a new model for every client and derives its operation models again."""
        key = (id(self._loader), service_name, api_version)
        model = self._models.get(key)
        if model is None:
            model = super()._load_service_model(service_name, api_version)
            self._models[key] = model
        return model

    async def _create_client_class(self, service_name: str, service_model: Any) -> type:
        key = (service_name, str(service_model.api_version))
        cls = self._classes.get(key)
        if cls is None:
            built = await super()._create_client_class(service_name, service_model)
            cls = type(built.__name__, (_Bounded, built), {})
            self._classes[key] = cls
        return cls

    async def create_client(self, *args: Any, **kwargs: Any) -> Any:
        """The client, bounded by its configuration's ``call_deadline``; a client made without
        the integration's configuration (a command's own session) by ``DEFAULT_CALL_DEADLINE``."""
        client = await super().create_client(*args, **kwargs)
        configured = getattr(kwargs.get("client_config"), "call_deadline", None)
        client.call_deadline = configured or DEFAULT_CALL_DEADLINE
        return client


aiobotocore.session.AioClientCreator = _ClientCreator  # type: ignore[misc]
"""aiobotocore's session names its client creator at call time: every session makes its
clients through the caching creator above."""


class _SharedAliases(EventAliaser):  # type: ignore[misc]
    """botocore renames a few legacy event names (``EVENT_ALIASES``) on every emit and memoizes
    the answer per emitter. Every client gets a copy of its session's emitter, with an empty
    memo, and a resync opens thousands of clients that each make a few calls: the renaming
    (a loop over the alias table per event name, ~12 event names per call) was ~11% of the CPU
    of a small organization's resync. The answer depends only on the alias table, so every
    emitter using botocore's table shares one memo; copies keep sharing it."""

    _MEMO: ClassVar[dict[str, str]] = {}

    def __init__(self, event_emitter: Any, event_aliases: dict[str, str] | None = None) -> None:
        super().__init__(event_emitter, event_aliases)
        if self._event_aliases == EVENT_ALIASES:
            self._alias_name_cache = self._MEMO


Node = dict[str, Any]


class _SharedTrie(_PrefixTrie):  # type: ignore[misc]
    """botocore copies its session's whole trie of event handlers (a node per dotted part of
    ~150 event names) for every client it creates, then registers the client's few handlers on
    the copy: a third of the CPU of creating a client. Here a copy shares every node with the
    trie it came from, and either of them copies a node only to change it: a registration
    copies the nodes along its event name's path (and their lists of handlers), nothing else.
    Each trie marks the nodes it may change in place with a token of its own; a copy gives both
    tries new tokens, so every node is then shared. Searches read nodes as botocore does."""

    _root: Node

    def __init__(self) -> None:
        super().__init__()
        self._token = object()
        self._root["owner"] = self._token

    def __copy__(self) -> "_SharedTrie":
        copied = _SharedTrie.__new__(_SharedTrie)
        copied._root = self._root
        copied._token = object()
        self._token = object()
        return copied

    def _own(self, node: Node) -> Node:
        if node.get("owner") is self._token:
            return node
        values = node["values"]
        return {
            "chunk": node["chunk"],
            "values": None if values is None else NodeList(*(list(v) for v in values)),
            "children": dict(node["children"]),
            "owner": self._token,
        }

    def _own_path(self, key: str, create: bool) -> Node | None:
        """This trie's own copy of the nodes along ``key`` (created when ``create``); the last
        one, or None when the key is not in the trie."""
        current = self._root = self._own(self._root)
        for part in key.split("."):
            child = current["children"].get(part)
            if child is None:
                if not create:
                    return None
                child = {"chunk": part, "values": None, "children": {}, "owner": self._token}
            else:
                child = self._own(child)
            current["children"][part] = child
            current = child
        return current

    def append_item(self, key: str, value: Any, section: int = _MIDDLE) -> None:
        node = self._own_path(key, create=True)
        assert node is not None
        if node["values"] is None:
            node["values"] = NodeList([], [], [])
        node["values"][section].append(value)

    def remove_item(self, key: str, value: Any) -> None:
        self._own_path(key, create=False)
        super().remove_item(key, value)  # changes only nodes of this trie's own now


class _Emitter(AioHierarchicalEmitter):  # type: ignore[misc]
    """At every registration botocore checks that the handler accepts ``**kwargs`` by reading
    its signature (``inspect``), and every client registers handlers of its own when it is
    created (retries, endpoint rules, …): ~8% of the CPU of a small organization's resync. The
    answer depends only on a function's code (``inspect`` does not follow wrappers here), so a
    function whose code passed once is not read again; any other callable is checked as before.
    Its handlers are kept in a ``_SharedTrie``. Copies (one per client) are of this class too."""

    _ACCEPTS: ClassVar[set[CodeType]] = set()

    def __init__(self) -> None:
        super().__init__()
        self._handlers = _SharedTrie()

    def _verify_accept_kwargs(self, func: Any) -> Any:
        code = getattr(getattr(func, "__func__", func), "__code__", None)
        if isinstance(code, CodeType) and code in self._ACCEPTS:
            return None
        answer = super()._verify_accept_kwargs(func)  # raises when **kwargs are not accepted
        if isinstance(code, CodeType) and answer is None:
            self._ACCEPTS.add(code)
        return answer


def _with_shared_aliases(session: AioSession) -> AioSession:
    """The session's emitter, and every client's copy of it, share the alias memo."""
    events = _SharedAliases(session._original_handler)
    session._events = events
    session.register_component("event_emitter", events)
    return session


_LOADER = create_loader()
"""One loader of botocore's service models for every session: each account has its own session,
and a loader per session would hold its own parsed copy of every service model it reads."""


_BUILTIN = AioSession(event_hooks=_Emitter())._original_handler
"""botocore's own handlers (~150), registered once: every session starts from a copy of these,
which shares their nodes (``_SharedTrie``), instead of registering them all again (a session per
account and one more per role assumed: ~0.25 MB each with a tree of its own)."""


def new_session() -> AioSession:
    """A session with botocore's own handlers, as ``AioSession()`` has them."""
    return _with_shared_aliases(
        AioSession(event_hooks=copy.copy(_BUILTIN), include_builtin_handlers=False)
    )


def _session(
    settings: Settings,
    credentials: Any,
    hooks: dict[str, EventHook],
    config: AioConfig | None = None,
) -> AioSession:
    session = new_session()
    session.register_component("data_loader", _LOADER)
    session.register_component("credential_provider", AioCredentialResolver([_Given(credentials)]))
    session.set_config_variable("region", PARTITIONS[settings.partition])
    session.set_default_client_config(config or client_config(settings))
    session.get_component("response_parser_factory").set_parser_defaults(
        timestamp_parser=parse_aws_timestamp
    )
    for event_name, hook in hooks.items():
        session.register(event_name, hook)
    return session


@dataclass
class CredentialSource:
    """Makes one aioboto3 session per account; the chosen provider is fixed at start."""

    method: str
    settings: Settings
    hooks: dict[str, EventHook]
    base_credentials: Any = None
    token_file: str | None = None

    def _wrap(self, credentials: Any) -> aioboto3.Session:
        session = _session(self.settings, credentials, self.hooks)
        if isinstance(credentials, _Renewable):
            session.register(
                "needs-retry", credentials.retry_when_expired(self.settings.limits.max_attempts)
            )
        return aioboto3.Session(botocore_session=session)

    def own_session(self) -> aioboto3.Session:
        """The source's own account, with no role (static keys or the host chain)."""
        return self._wrap(self.base_credentials)

    def session_for_role(self, role: RoleArn) -> aioboto3.Session:
        base = _session(self.settings, self.base_credentials, self.hooks, sts_config(self.settings))
        extra: dict[str, Any] = {"RoleSessionName": SESSION_NAME}
        cache: dict[str, Any] = {}
        fetcher: Any
        if self.token_file:
            fetcher = AioAssumeRoleWithWebIdentityCredentialFetcher(
                client_creator=base.create_client,
                web_identity_token_loader=FileWebIdentityTokenLoader(self.token_file),
                role_arn=str(role),
                extra_args=extra,
                cache=cache,
            )
            method = "assume-role-with-web-identity"
        else:
            if self.settings.external_id:
                extra["ExternalId"] = self.settings.external_id
            fetcher = AioAssumeRoleCredentialFetcher(
                client_creator=base.create_client,
                source_credentials=self.base_credentials,
                role_arn=str(role),
                extra_args=extra,
                cache=cache,
            )
            method = "assume-role"
        return self._wrap(_Renewable(fetcher, method, cache))


async def resolve_source(settings: Settings, hooks: dict[str, EventHook]) -> CredentialSource:
    """Pick the first applicable provider of the configured priority, or fail clearly."""
    has_roles = bool(settings.account_role_arn or settings.account_role_arns)
    ambient_allowed = "DefaultCredentialChain" in settings.provider_priority
    static = (
        AioCredentials(
            settings.aws_access_key_id, settings.aws_secret_access_key, settings.aws_session_token
        )
        if settings.has_static_keys
        else None
    )
    for name in settings.provider_priority:
        if name == "AssumeRoleWithWebIdentity" and settings.web_identity_token_file and has_roles:
            if not os.path.isfile(settings.web_identity_token_file):
                raise ConfigError(
                    "AWS_WEB_IDENTITY_TOKEN_FILE",
                    f"token file {settings.web_identity_token_file!r} does not exist or is not a file",
                )
            return CredentialSource(
                name, settings, hooks, token_file=settings.web_identity_token_file
            )
        if name == "StaticCredential" and static is not None:
            return CredentialSource(name, settings, hooks, base_credentials=static)
        if name == "AssumeRole" and has_roles and (static is not None or ambient_allowed):
            base = static if static is not None else await _ambient_credentials(settings)
            return CredentialSource(name, settings, hooks, base_credentials=base)
        if name == "DefaultCredentialChain":
            return CredentialSource(
                name, settings, hooks, base_credentials=await _ambient_credentials(settings)
            )
    raise ConfigError(
        "credentialProviderPriority",
        "no credential source applies: set accountRoleArn with an OIDC token file "
        "(AWS_WEB_IDENTITY_TOKEN_FILE), or aws_access_key_id and aws_secret_access_key, or add "
        "DefaultCredentialChain to use this host's own AWS credentials",
    )


async def _ambient_credentials(settings: Settings) -> Any:
    """The host's own credentials, found within ``callTimeoutSeconds`` (a metadata or container
    endpoint that trickles bytes never lets botocore's socket timeouts fire)."""
    seconds = settings.limits.call_timeout
    try:
        async with asyncio.timeout(seconds):
            credentials = await AioSession().get_credentials()
    except TimeoutError:
        raise ConfigError(
            "credentialProviderPriority",
            f"DefaultCredentialChain: this host's credentials did not come within {seconds:g}s "
            "(callTimeoutSeconds); check its instance or container credential endpoint",
        ) from None
    if credentials is None:
        raise ConfigError(
            "credentialProviderPriority",
            "DefaultCredentialChain is listed but this host has no AWS credentials "
            "(environment, profile or instance role)",
        )
    return credentials
