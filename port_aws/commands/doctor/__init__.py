"""``python -m port_aws doctor``: walk the credential chain and report each link, with a fix.

The walk is ``chain``; the kinds' checks ``kinds``; live events' ``live``; the table ``report``.
"""

import argparse
import asyncio
import dataclasses
import os
from pathlib import Path
from typing import Any

from loguru import logger

from port_aws.aws.errors import ConfigError
from port_aws.commands.doctor.chain import diagnose
from port_aws.commands.doctor.kinds import configured_kinds
from port_aws.commands.doctor.report import Check, render
from port_aws.config.settings import CONFIG_PREFIX, config_from_environment, env_file, load_settings
from port_aws.ocean.offline import DEFAULT_MAPPING


def run(args: argparse.Namespace) -> int:
    logger.disable("port_aws")  # the table says it all; the engine's own lines would repeat it
    try:
        return _run(args)
    finally:
        logger.enable("port_aws")


def _run(args: argparse.Namespace) -> int:
    try:
        config, environ = config_from_environment(os.environ, env_file(args.env_file))
        kinds = configured_kinds(args.mapping, args.kind or [])
        settings = load_settings(config, environ)
    except ConfigError as error:
        print(render([Check("configuration", False, str(error), "fix the setting named above")]))
        return 2
    limits = dataclasses.replace(settings.limits, max_attempts=min(settings.limits.max_attempts, 3))
    checks = asyncio.run(diagnose(dataclasses.replace(settings, limits=limits), kinds))
    print(render(checks))
    return 0 if all(c.ok is not False for c in checks) else 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "doctor",
        help="check credentials, roles, Organizations and permissions; print a fix for each failure",
        description=(
            "Check the integration's configuration against AWS, link by link. The configuration "
            f"comes from {CONFIG_PREFIX}* environment variables and .env, as for `ocean sail`."
        ),
    )
    parser.add_argument(
        "--env-file",
        type=Path,
        default=None,
        help="settings file read as `ocean sail` reads .env (default: .env, if present)",
    )
    parser.add_argument(
        "--mapping",
        type=Path,
        default=DEFAULT_MAPPING,
        help="mapping whose kinds are checked (default: the shipped .port/resources/port-app-config.yml)",
    )
    parser.add_argument("--kind", action="append", help="check only this kind (repeat for more)")
    parser.set_defaults(func=run)
