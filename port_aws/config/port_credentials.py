"""Before ``ocean sail`` (``make run``) contacts Port: every setting, Port's credentials, Port.

``ocean sail`` loads ``integration.py`` before it validates its own configuration or calls
Port; ``integration.py`` then calls :func:`check_before_sail`, which stops the process with one
line on stderr when

- a setting of the integration is invalid, the env file is not UTF-8 text, or no AWS
  credential source applies (exit status 2);
- Port's client id or secret is missing, or Ocean refuses one of its own settings (exit 2);
- Port refuses the client id and secret (exit 2), or cannot be reached after ``ATTEMPTS``
  tries (exit 1): without this check Ocean retries for minutes, warning at every try, and
  never says what to check.

``python -m port_aws.config.port_credentials`` checks only that Port's credentials are set: exit status
0 when both are, else one line on stderr and exit status 2.
"""

import asyncio
import json
import os
import sys
import time
from collections.abc import Callable, Mapping, MutableMapping
from pathlib import Path
from typing import Any

import click
import httpx
from pydantic import ValidationError

from port_aws.aws.arn import split_list
from port_aws.aws.credentials import resolve_source
from port_aws.aws.errors import ConfigError
from port_aws.config.settings import (
    CONFIG_PREFIX,
    config_from_environment,
    load_settings,
    read_env_file,
    setting_names,
    snake,
)

REQUIRED = ("OCEAN__PORT__CLIENT_ID", "OCEAN__PORT__CLIENT_SECRET")
ATTEMPTS = 3
"""Tries to reach Port (connection refused, DNS, timeout, proxy, HTTP 429 or 5xx) before giving
up; one to two seconds apart."""
TIMEOUT = httpx.Timeout(10.0)
"""Seconds each try may take to connect, send or wait for an answer."""
REGIONS = "EU: https://api.getport.io, US: https://api.us.port.io"
REFUSED = (400, 401, 403, 422)
"""Port's answers to a client id or secret it does not accept."""


class StartError(Exception):
    """Why the integration cannot start: one line, and the process's exit status."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


def missing(environ: Mapping[str, str], env_file: Path | None) -> list[str]:
    """The required variables set neither in ``environ`` nor in ``env_file`` (blank counts as
    unset)."""
    found: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        found.update({k.upper(): v for k, v in read_env_file(env_file).items() if v})
    found.update({k.upper(): v for k, v in environ.items() if v})
    return [name for name in REQUIRED if not found.get(name, "").strip()]


def _credentials_line(absent: list[str]) -> str:
    return (
        f"Port credentials missing: set {' and '.join(absent)} in the environment or .env "
        "(Port: your profile → Credentials)"
    )


def _with_variable(error: ConfigError) -> str:
    """``maxConcurrency: …`` -> ``maxConcurrency (OCEAN__INTEGRATION__CONFIG__MAX_CONCURRENCY): …``
    for the integration's own settings."""
    if error.setting not in setting_names().values():
        return str(error)
    variable = f"{CONFIG_PREFIX}{snake(error.setting).upper()}"
    return str(error).replace(f"{error.setting}: ", f"{error.setting} ({variable}): ", 1)


def _ocean_line(error: ValidationError) -> str:
    """Ocean's own validation errors, each as the variable that sets it and what is wrong."""
    problems = []
    for problem in error.errors():
        location = tuple(str(part) for part in problem["loc"])
        if location == ("type",):  # Ocean reads ./pyproject.toml whatever the environment says
            problems.append(
                "no pyproject.toml in the current directory: run ocean sail from the "
                "integration's directory"
            )
            continue
        message = " ".join(str(problem["msg"]).split())
        problems.append(f"OCEAN__{'__'.join(location).upper()}: {message}")
    return "invalid Ocean configuration: " + "; ".join(problems)


def _role_list_as_json(environ: MutableMapping[str, str], config: Mapping[str, Any]) -> None:
    """``accountRoleArns`` given as a comma list is handed to Ocean as the JSON list its
    ``array`` setting parses (a comma list would stop it with a validation error)."""
    value = config.get("account_role_arns")
    if isinstance(value, str) and value.strip() and not value.strip().startswith("["):
        environ[f"{CONFIG_PREFIX}ACCOUNT_ROLE_ARNS"] = json.dumps(split_list(value))


def check_settings(
    environ: MutableMapping[str, str], env_file: Path | None, override: Mapping[str, Any]
) -> Any:
    """Every setting, as ``ocean sail`` will read it; Ocean's configuration on success."""
    from port_ocean.config.dynamic import default_config_factory
    from port_ocean.config.settings import IntegrationConfiguration
    from port_ocean.utils.misc import get_spec_file

    try:
        config, merged = config_from_environment(environ, env_file)
        if absent := missing(environ, env_file):
            raise StartError(_credentials_line(absent))
        settings = load_settings(config, merged)
        loop = asyncio.new_event_loop()  # not asyncio.run: Ocean uses the current loop next
        try:
            loop.run_until_complete(resolve_source(settings, {}))
        finally:
            loop.close()
    except ConfigError as error:
        raise StartError(_with_variable(error)) from None
    _role_list_as_json(environ, config)
    spec = get_spec_file(Path(__file__).resolve().parents[2]) or {}
    try:
        return IntegrationConfiguration(
            integration_config_model=default_config_factory(spec.get("configurations", [])),
            **override,
        )
    except ValidationError as error:
        raise StartError(_ocean_line(error)) from None


def check_port(
    base_url: str,
    client_id: str,
    client_secret: str,
    verify: Any = True,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Port accepts the client id and secret; else :class:`StartError` naming ``base_url``."""
    url = f"{base_url.rstrip('/')}/v1/auth/access_token"
    body = {"clientId": client_id, "clientSecret": client_secret}
    check = f"check OCEAN__PORT__BASE_URL ({REGIONS})"
    problem = ""
    with httpx.Client(timeout=TIMEOUT, verify=verify) as client:
        for attempt in range(1, ATTEMPTS + 1):
            if attempt > 1:
                sleep(float(attempt - 1))
            try:
                answer = client.post(url, json=body)
            except httpx.TransportError as error:
                problem = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
                continue
            if answer.is_success:
                return
            if answer.status_code in REFUSED:
                raise StartError(
                    f"Port at {base_url} refused OCEAN__PORT__CLIENT_ID / "
                    f"OCEAN__PORT__CLIENT_SECRET (HTTP {answer.status_code}): copy them again from "
                    f"Port (your profile → Credentials), and {check}: credentials work only in "
                    "their organization's region"
                )
            if answer.status_code != 429 and answer.status_code < 500:
                raise StartError(
                    f"Port at {base_url} answered HTTP {answer.status_code} to {url}: "
                    f"{check}; it is Port's API address, not the web app's",
                )
            problem = f"HTTP {answer.status_code}"
    raise StartError(
        f"cannot reach Port at {base_url} ({problem}, {ATTEMPTS} tries): {check}, the network "
        "and any proxy (HTTPS_PROXY)",
        status=1,
    )


def check_before_sail() -> None:
    """Under ``ocean sail`` (Ocean's command line, as Port's runtime and ``make run`` start the
    integration): stop with one line on stderr when the integration cannot start."""
    context = click.get_current_context(silent=True)
    if context is None or context.info_name != "sail":
        return
    from port_ocean.helpers.ssl import resolve_verify_param

    override = {"event_listener": {"type": "ONCE"}} if context.params.get("once") else {}
    env_file = Path(".env") if Path(".env").is_file() else None
    try:
        ocean_config = check_settings(os.environ, env_file, override)
        port = ocean_config.port
        check_port(
            str(port.base_url),
            port.client_id,
            port.client_secret,
            resolve_verify_param(ocean_config.ssl.port),
        )
    except StartError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(error.status) from None


def main() -> int:
    try:
        absent = missing(os.environ, Path(".env"))
    except ConfigError as error:
        print(str(error), file=sys.stderr)
        return 2
    if absent:
        print(_credentials_line(absent), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
