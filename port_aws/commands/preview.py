"""``python -m port_aws preview``: the entities a mapping yields from your AWS, without Port.

Configuration is read as ``ocean sail`` reads it: ``OCEAN__INTEGRATION__CONFIG__<NAME>``
variables, from the environment or a ``.env`` file. Credentials are the integration's own
(web identity, static keys, roles; the host's chain only with DefaultCredentialChain).
Exit status: 0 when every slice was read, 1 when the resync was incomplete, 2 on bad input,
3 with ``--strict`` when the mapping has errors (a JQ expression that fails, an item error, an
identifier or blueprint that is null). Mapping errors are printed either way.
"""

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

from port_aws.aws.errors import ConfigError
from port_aws.aws.preflight import preflight
from port_aws.config.settings import config_from_environment, env_file, load_settings
from port_aws.ocean.offline import (
    DEFAULT_MAPPING,
    MappingFileError,
    load_mapping,
    render_summary,
    run_pipeline,
    selects_no_region,
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "preview", help="resync against AWS and write the mapped entities to a file, without Port"
    )
    parser.add_argument(
        "--mapping", type=Path, default=DEFAULT_MAPPING, help="port-app-config YAML file"
    )
    parser.add_argument(
        "--output", type=Path, default=Path("preview-output/entities.json"), help="entities file"
    )
    parser.add_argument(
        "--jsonl", action="store_true", help="stream JSON Lines (flat memory for large runs)"
    )
    parser.add_argument(
        "--env-file",
        type=Path,
        default=None,
        help="file of OCEAN__ variables, read as `ocean sail` reads .env (default: .env, if present)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 3 when the mapping has errors (failing JQ, null identifier or blueprint)",
    )
    parser.add_argument("--verbose", action="store_true", help="show Ocean's own logs too")
    parser.add_argument(
        "--all-fields",
        action="store_true",
        help="list every mapping field found null or failing (the summary shows five of each)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        config, environ = config_from_environment(os.environ, env_file(args.env_file))
        settings = load_settings(config, environ)
        mapping = load_mapping(args.mapping)
        no_region = selects_no_region(mapping, settings.partition)
        if no_region is not None:
            raise MappingFileError(f"{args.mapping}: {no_region}")
        asyncio.run(preflight(settings))
    except (ConfigError, MappingFileError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except json.JSONDecodeError as error:
        print(
            f"error: accountRoleArns: expected a JSON list of role ARNs ({error.msg})",
            file=sys.stderr,
        )
        return 2
    result = asyncio.run(run_pipeline(config, mapping, args.output, args.jsonl, args.verbose))
    if result.refused is not None:
        print(f"error: {result.refused}", file=sys.stderr)
        return 2
    print(render_summary(result, mapping, args.all_fields))
    print(f"{result.entities} entities written to {args.output.resolve()}")
    if result.failed:
        return 1
    return 3 if args.strict and result.mapping.failed else 0
