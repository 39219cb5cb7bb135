"""Before ``ocean sail`` (``make run``): Port's credentials are set, or one line names them.

Ocean reads ``OCEAN__PORT__CLIENT_ID`` and ``OCEAN__PORT__CLIENT_SECRET`` from the environment
or ``.env`` (names in any case); without them it stops with a long validation traceback that
never names the variables. ``python -m port_aws.port_credentials`` checks the same places first:
exit status 0 when both are set, else one line on stderr and exit status 2.
"""

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from dotenv import dotenv_values

REQUIRED = ("OCEAN__PORT__CLIENT_ID", "OCEAN__PORT__CLIENT_SECRET")


def missing(environ: Mapping[str, str], env_file: Path) -> list[str]:
    """The required variables set neither in ``environ`` nor in ``env_file`` (blank counts as
    unset)."""
    found: dict[str, str] = {}
    if env_file.is_file():
        found.update({k.upper(): v for k, v in dotenv_values(env_file).items() if v})
    found.update({k.upper(): v for k, v in environ.items() if v})
    return [name for name in REQUIRED if not found.get(name, "").strip()]


def main() -> int:
    absent = missing(os.environ, Path(".env"))
    if absent:
        print(
            f"Port credentials missing: set {' and '.join(absent)} in the environment or .env "
            "(Port: your profile → Credentials)",
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
