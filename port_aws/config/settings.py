"""The integration's configuration (``.port/spec.yaml`` configurations), validated once.

Every problem is reported as a :class:`ConfigError` naming the setting as users see it
(camelCase, as in the spec) and what is expected.
"""

import difflib
import hashlib
import io
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from dotenv import dotenv_values

from port_aws.aws.arn import (
    PARTITIONS,
    RoleArn,
    parse_account_ids,
    parse_ou_ids,
    parse_role_arn,
    split_list,
)
from port_aws.aws.errors import ConfigError

PROVIDERS = (
    "AssumeRoleWithWebIdentity",
    "StaticCredential",
    "AssumeRole",
    "DefaultCredentialChain",
)
DEFAULT_PRIORITY = "AssumeRoleWithWebIdentity,StaticCredential,AssumeRole"
SCOPES = ("ALL", "INTERSECTION", "DIFFERENCE")
DISCOVERY_MODES = ("auto", "organizations", "single")
_ROLE_NAME = re.compile(r"^(/?[\w+=,.@-]+/)*[\w+=,.@-]{1,64}$", re.ASCII)

Scope = Literal["ALL", "INTERSECTION", "DIFFERENCE"]


@dataclass(frozen=True)
class Limits:
    max_concurrency: int = 32
    """Slices (account × region) read at once, across all accounts."""
    max_concurrency_per_service: int = 8
    """Calls at once to one service in one account and region (AWS throttles per account/region)."""
    max_concurrent_accounts: int = 16
    """Accounts whose role is assumed (or regions discovered) at once."""
    max_attempts: int = 10
    """Attempts per AWS call, first one included (botocore standard retry mode)."""
    progress_interval: float = 15.0
    """Seconds between progress lines while a kind is read."""
    call_timeout: float = 120.0
    """Seconds one AWS call may take in all (retries and back-off included)."""
    slice_timeout: float = 1800.0
    """Seconds one slice may take, not counting time waiting for Ocean to take its items."""
    resync_timeout: float = 21600.0
    """Seconds a whole resync may take, across kinds."""
    reader_processes: int | None = None
    """Child processes reading slices (0: none); None: "auto" (see ``port_aws.resync.readers.pool``)."""


@dataclass(frozen=True)
class Settings:
    account_role_arn: RoleArn | None = None
    account_role_arns: tuple[RoleArn, ...] = ()
    ou_ids: tuple[str, ...] = ()
    account_scope: Scope = "ALL"
    account_ids: tuple[str, ...] = ()
    member_role_name: str | None = None
    external_id: str | None = None
    provider_priority: tuple[str, ...] = tuple(DEFAULT_PRIORITY.split(","))
    aws_access_key_id: str | None = field(default=None, repr=False)
    aws_secret_access_key: str | None = field(default=None, repr=False)
    aws_session_token: str | None = field(default=None, repr=False)
    partition: str = "aws"
    access_denied: Literal["empty", "fail"] = "fail"
    account_discovery: Literal["auto", "organizations", "single"] = "auto"
    shard: tuple[int, int] | None = None
    """(k, n): this installation reads the accounts whose stable hash falls in shard k of n."""
    limits: Limits = Limits()
    web_identity_token_file: str | None = None
    live_events_api_key: str | None = field(default=None, repr=False)
    """Key EventBridge sends in ``x-port-aws-ocean-api-key``; no key refuses every live event."""

    @property
    def uses_organizations_filters(self) -> bool:
        return bool(self.ou_ids) or self.account_scope != "ALL"

    @property
    def has_static_keys(self) -> bool:
        return bool(self.aws_access_key_id)


def _text(config: Mapping[str, Any], key: str) -> str | None:
    value = config.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    return value.strip() or None


MAXIMA = {
    "maxConcurrency": 1024,
    "maxConcurrencyPerService": 256,
    "maxConcurrentAccounts": 1024,
    "maxAttempts": 50,
    "progressIntervalSeconds": 3600,
    "callTimeoutSeconds": 3600,
    "sliceTimeoutSeconds": 86400,
    "resyncTimeoutSeconds": 604800,
}
"""The largest value each numeric setting accepts (README's configuration table lists them)."""
LIVE_KEY = re.compile(r"[\x21-\x7e]{16,512}")
"""The live-events key as the templates' ``LiveEventsApiKey`` accepts it."""
_EXTERNAL_ID = re.compile(r"[\w+=,.@:/-]{2,1224}", re.ASCII)
"""AWS's ``ExternalId`` of AssumeRole: 2 to 1224 characters of this set."""


def _positive_int(config: Mapping[str, Any], key: str, setting: str, default: int) -> int:
    value = config.get(key)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        number = 0
    maximum = MAXIMA[setting]
    if not 1 <= number <= maximum or str(number) != str(value).strip():
        raise ConfigError(
            setting, f"expected a whole number from 1 to {maximum}, got {_shown(value)}"
        )
    return number


def _shown(value: Any) -> str:
    """A value as an error line shows it: at most 40 characters of its repr."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}... ({len(str(value))} characters)"


def _role_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        if value.strip().startswith("["):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                raise ConfigError(
                    "accountRoleArns", f"expected a JSON list of role ARNs, got {value!r}"
                ) from None
        else:
            return split_list(value)
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    raise ConfigError("accountRoleArns", f"expected a list of role ARNs, got {value!r}")


CONFIG_PREFIX = "OCEAN__INTEGRATION__CONFIG__"
SPEC = Path(__file__).resolve().parents[2] / ".port" / "spec.yaml"


def snake(name: str) -> str:
    """``accountRoleArn`` -> ``account_role_arn``, as Ocean names the settings it hands over."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


@cache
def setting_names() -> dict[str, str]:
    """Every setting of ``.port/spec.yaml``: snake_case -> the name users see."""
    spec = yaml.safe_load(SPEC.read_text())
    return {snake(c["name"]): c["name"] for c in spec.get("configurations", [])}


def _unknown_settings(config: Mapping[str, Any]) -> None:
    known = setting_names()
    for key in config:
        if key in known:
            continue
        variable = f"{CONFIG_PREFIX}{key.upper()}"
        close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.75)
        hint = (
            f"; did you mean {known[close[0]]} ({CONFIG_PREFIX}{close[0].upper()})?"
            if close
            else f"; known settings: {', '.join(sorted(known.values()))}"
        )
        raise ConfigError(key, f"unknown setting (from {variable}){hint}")


MAX_READER_PROCESSES = 64


def _reader_processes(config: Mapping[str, Any]) -> int | None:
    value = config.get("reader_processes")
    if value is None or str(value).strip() in ("", "auto"):
        return None
    text = str(value).strip()
    if not text.isdigit() or int(text) > MAX_READER_PROCESSES:
        raise ConfigError(
            "readerProcesses",
            f'expected "auto" or a whole number from 0 to {MAX_READER_PROCESSES}, got {value!r}',
        )
    return int(text)


def _shard(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    match = re.fullmatch(r"([0-9]+)/([0-9]+)", value)
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise ConfigError(
            "shard", f"expected K/N with 1 <= K <= N (e.g. 2/8: the second of eight), got {value!r}"
        )
    return int(match[1]), int(match[2])


def in_shard(account_id: str, shard: tuple[int, int] | None) -> bool:
    """Whether an account belongs to shard k of n: a stable hash of its id, the same on every
    installation and every run, so n installations split an organization without overlap or gap."""
    if shard is None:
        return True
    k, n = shard
    return int(hashlib.sha256(account_id.encode()).hexdigest(), 16) % n == k - 1


def load_settings(config: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> Settings:
    """Validate the integration config (snake_case keys, as Ocean hands them over)."""
    env = os.environ if environ is None else environ
    _unknown_settings(config)

    main_role = _text(config, "account_role_arn")
    account_role_arn = parse_role_arn(main_role, "accountRoleArn") if main_role else None
    listed = [
        parse_role_arn(v, "accountRoleArns") for v in _role_list(config.get("account_role_arns"))
    ]
    by_account: dict[str, RoleArn] = {}
    for role in ([account_role_arn] if account_role_arn else []) + listed:
        known = by_account.get(role.account_id)
        if known and known != role:
            raise ConfigError(
                "accountRoleArns",
                f"two different roles for account {role.account_id}: {known} and {role}",
            )
        by_account[role.account_id] = role

    partitions = {role.partition for role in by_account.values()}
    configured_partition = _text(config, "aws_partition")
    if configured_partition and configured_partition not in PARTITIONS:
        raise ConfigError(
            "aws_partition",
            f"expected one of {', '.join(PARTITIONS)}, got {configured_partition!r}",
        )
    if len(partitions) > 1:
        raise ConfigError(
            "accountRoleArns",
            f"all roles must be in one partition, got {', '.join(sorted(partitions))}",
        )
    partition = configured_partition or (partitions.pop() if partitions else "aws")
    if partitions and configured_partition and partitions != {configured_partition}:
        raise ConfigError(
            "accountRoleArn",
            f"role ARNs are in partition {partitions.pop()!r} but aws_partition is "
            f"{configured_partition!r}",
        )

    ou_text = _text(config, "ou_id")
    ou_ids = parse_ou_ids(ou_text) if ou_text else []
    scope = (_text(config, "account_scope") or "ALL").upper()
    if scope not in SCOPES:
        raise ConfigError("accountScope", f"expected one of {', '.join(SCOPES)}, got {scope!r}")
    ids_value = config.get("account_ids")
    account_ids = parse_account_ids(ids_value) if ids_value else []
    if scope != "ALL" and not account_ids:
        raise ConfigError(
            "accountIds", f"accountScope {scope} needs a comma-separated list of account ids"
        )
    if scope == "ALL" and account_ids:
        raise ConfigError(
            "accountScope",
            "accountIds are only used with accountScope INTERSECTION (only these) or "
            "DIFFERENCE (all but these); got ALL",
        )
    if (ou_ids or scope != "ALL") and not account_role_arn:
        raise ConfigError(
            "accountRoleArn",
            "ouId and accountScope discover accounts through AWS Organizations and need the "
            "management (or delegated administrator) account's role in accountRoleArn",
        )
    if (ou_ids or scope != "ALL") and listed:
        raise ConfigError(
            "accountRoleArns",
            "an explicit list of roles cannot be combined with ouId/accountScope "
            "(Organizations discovery); use one or the other",
        )

    member_role_name = _text(config, "member_role_name")
    if member_role_name and not _ROLE_NAME.match(member_role_name):
        raise ConfigError(
            "memberRoleName",
            f"expected a role name, optionally with a path, got {member_role_name!r}",
        )

    priority = split_list(_text(config, "credential_provider_priority") or DEFAULT_PRIORITY)
    for name in priority:
        if name not in PROVIDERS:
            raise ConfigError(
                "credentialProviderPriority",
                f"unknown provider {name!r}; expected a comma list of {', '.join(PROVIDERS)}",
            )

    key_id = _text(config, "aws_access_key_id")
    secret = _text(config, "aws_secret_access_key")
    token = _text(config, "aws_session_token")
    if bool(key_id) != bool(secret):
        missing = "aws_secret_access_key" if key_id else "aws_access_key_id"
        raise ConfigError(
            missing, "static credentials need both aws_access_key_id and aws_secret_access_key"
        )
    if token and not key_id:
        raise ConfigError(
            "aws_session_token", "a session token needs aws_access_key_id and aws_secret_access_key"
        )

    access_denied = (_text(config, "access_denied_policy") or "fail").lower()
    if access_denied not in ("empty", "fail"):
        raise ConfigError(
            "accessDeniedPolicy", f"expected 'empty' or 'fail', got {access_denied!r}"
        )

    discovery = (_text(config, "account_discovery") or "auto").lower()
    if discovery not in DISCOVERY_MODES:
        raise ConfigError(
            "accountDiscovery", f"expected one of {', '.join(DISCOVERY_MODES)}, got {discovery!r}"
        )
    if discovery == "single" and (ou_ids or scope != "ALL"):
        raise ConfigError(
            "accountDiscovery",
            "'single' reads only accountRoleArn's account; ouId and accountScope need "
            "'auto' or 'organizations'",
        )

    shard = _shard(_text(config, "shard"))

    limits = Limits(
        max_concurrency=_positive_int(config, "max_concurrency", "maxConcurrency", 32),
        max_concurrency_per_service=_positive_int(
            config, "max_concurrency_per_service", "maxConcurrencyPerService", 8
        ),
        max_concurrent_accounts=_positive_int(
            config, "max_concurrent_accounts", "maxConcurrentAccounts", 16
        ),
        max_attempts=_positive_int(config, "max_attempts", "maxAttempts", 10),
        progress_interval=float(
            _positive_int(config, "progress_interval_seconds", "progressIntervalSeconds", 15)
        ),
        call_timeout=float(
            _positive_int(config, "call_timeout_seconds", "callTimeoutSeconds", 120)
        ),
        slice_timeout=float(
            _positive_int(config, "slice_timeout_seconds", "sliceTimeoutSeconds", 1800)
        ),
        resync_timeout=float(
            _positive_int(config, "resync_timeout_seconds", "resyncTimeoutSeconds", 21600)
        ),
        reader_processes=_reader_processes(config),
    )

    token_file = env.get("AWS_WEB_IDENTITY_TOKEN_FILE") or None
    if token_file and "DefaultCredentialChain" in priority:
        raise ConfigError(
            "credentialProviderPriority",
            "DefaultCredentialChain is refused when the runtime supplies a web identity token "
            "(Port's hosted mode): the host's own credentials never read a customer's AWS; "
            "remove it and let accountRoleArn be assumed with the token",
        )
    if token_file and key_id:
        raise ConfigError(
            "aws_access_key_id",
            "static keys are refused when the runtime supplies a web identity token (Port's "
            "hosted mode); remove them and let accountRoleArn be assumed with the token",
        )
    if token_file and "AssumeRoleWithWebIdentity" in priority and by_account:
        try:
            with open(token_file, "rb"):
                pass
        except OSError as error:
            raise ConfigError(
                "AWS_WEB_IDENTITY_TOKEN_FILE",
                f"cannot read the web identity token file {token_file!r} ({error.strerror})",
            ) from None
    external_id = _text(config, "external_id")
    if external_id and not _EXTERNAL_ID.fullmatch(external_id):
        raise ConfigError(
            "externalId",
            "expected 2 to 1224 characters of letters, digits and +=,.@:/-_ (AWS's ExternalId), "
            f"got {_shown(external_id)}",
        )
    live_key = _text(config, "live_events_api_key")
    if live_key and not LIVE_KEY.fullmatch(live_key):
        raise ConfigError(
            "liveEventsApiKey",
            f"expected 16 to 512 printable characters without spaces (as the templates' "
            f"LiveEventsApiKey), got {len(live_key)} characters",
        )
    return Settings(
        account_role_arn=account_role_arn,
        account_role_arns=tuple(listed),
        ou_ids=tuple(ou_ids),
        account_scope=scope,  # type: ignore[arg-type]
        account_ids=tuple(account_ids),
        member_role_name=member_role_name,
        external_id=external_id,
        provider_priority=tuple(priority),
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        aws_session_token=token,
        partition=partition,
        access_denied=access_denied,  # type: ignore[arg-type]
        account_discovery=discovery,  # type: ignore[arg-type]
        shard=shard,
        limits=limits,
        web_identity_token_file=token_file,
        live_events_api_key=live_key,
    )


def env_file(path: Path | None) -> Path | None:
    """The settings file a command reads: the one named (it must exist), else ``.env`` if present."""
    if path is None:
        return Path(".env") if Path(".env").is_file() else None
    if not path.is_file():
        raise ConfigError("--env-file", f"{path} does not exist or is not a file")
    return path


def utf8_text(path: Path) -> str:
    """A file's text; one that is not UTF-8 is a :class:`ConfigError` naming it."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(
            str(path),
            f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}); "
            "save it as UTF-8",
        ) from None


def read_env_file(path: Path) -> dict[str, str]:
    """The variables of an env file (``.env``), read as UTF-8 as Ocean reads it."""
    values = dotenv_values(stream=io.StringIO(utf8_text(path)))
    return {k: v for k, v in values.items() if v is not None}


def config_from_environment(
    environ: Mapping[str, str], env_file: Path | None = None
) -> tuple[dict[str, str], dict[str, str]]:
    """The integration config as ``ocean sail`` reads it (``OCEAN__INTEGRATION__CONFIG__<NAME>``
    from ``.env`` and the environment, the environment winning), snake_case, and the merged
    environment (for ``AWS_WEB_IDENTITY_TOKEN_FILE`` set in ``.env``)."""
    merged: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        merged.update(read_env_file(env_file))
    merged.update(environ)
    config = {
        key[len(CONFIG_PREFIX) :].lower(): value
        for key, value in merged.items()
        if key.upper().startswith(CONFIG_PREFIX)
    }
    return config, merged
