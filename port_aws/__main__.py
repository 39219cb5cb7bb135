"""Command line: ``python -m port_aws <command>``."""

import argparse
import importlib
import sys
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path

from loguru import logger

Command = Callable[[argparse.Namespace], int]

# Each command module exposes ``register(subparsers) -> None``, setting ``func`` on its parser.
# Only the chosen command's module is imported: the demo's needs the development install (the
# emulator), the others a runtime one; the summaries list every command without importing it.
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("port_aws.commands.demo", "run the integration on a seeded local AWS emulator"),
    "preview": (
        "port_aws.commands.preview",
        "resync against AWS and write the mapped entities to a file, without Port",
    ),
    "doctor": (
        "port_aws.commands.doctor",
        "check credentials, roles, Organizations and permissions; print a fix for each failure",
    ),
    "quick-create": (
        "port_aws.commands.quick_create",
        "print the AWS console link that creates the integration's stack",
    ),
    "blueprint": (
        "port_aws.commands.blueprint",
        "print a blueprint and a mapping for any AWS::Service::Type (read via Cloud Control)",
    ),
}

EXAMPLES = {
    "demo": "python -m port_aws demo\n  python -m port_aws demo --output demo.jsonl --jsonl",
    "preview": "OCEAN__INTEGRATION__CONFIG__ACCOUNT_ROLE_ARN=arn:aws:iam::123456789012:role/port "
    "\\\n    python -m port_aws preview --mapping my-mapping.yml --output entities.json",
    "doctor": "python -m port_aws doctor\n  python -m port_aws doctor --kind AWS::S3::Bucket "
    "--env-file .env",
    "quick-create": "python -m port_aws quick-create --region eu-west-1 --template-url "
    "https://my-bucket.s3.amazonaws.com/multi-account.yaml \\\n    --port-org-id "
    "org_1234567890 --param OrganizationalUnitIds=ou-ab12-cdef3456",
}


def version() -> str:
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    return str(tomllib.loads(pyproject.read_text())["project"]["version"])


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Each option's default shown (unless its help already names it); descriptions and
    examples kept as written."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        shown = "default" in text or action.default in (None, False, argparse.SUPPRESS)
        return text if shown or not action.option_strings else f"{text} (default: %(default)s)"


def chosen_command(argv: Sequence[str]) -> str | None:
    """The command named on the line: the first argument that is not an option (the top-level
    options take no value)."""
    return next((arg for arg in argv if not arg.startswith("-")), None)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser with ``command``'s own arguments; the other commands are listed only."""
    parser = argparse.ArgumentParser(
        prog="python -m port_aws",
        description=(
            "AWS Hosted by Port: tools around the Ocean integration that puts every AWS resource "
            "of an organization into Port's catalog."
        ),
        epilog="examples:\n  python -m port_aws demo\n  python -m port_aws doctor\n"
        "  python -m port_aws <command> --help",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="<command>")
    for name, (module, summary) in COMMANDS.items():
        if name != command:
            subparsers.add_parser(name, help=summary)
            continue
        importlib.import_module(module).register(subparsers)
        sub = subparsers.choices[name]
        sub.formatter_class = _Formatter
        if not sub.description:
            sub.description = summary[:1].upper() + summary[1:] + "."
        if name in EXAMPLES:
            sub.epilog = f"example:\n  {EXAMPLES[name]}"
        if not any("--verbose" in action.option_strings for action in sub._actions):
            sub.add_argument(
                "--verbose", action="store_true", help="show tracebacks and Ocean's own logs"
            )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    line = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(chosen_command(line))
    args = parser.parse_args(line)
    func: Command | None = getattr(args, "func", None)
    if func is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # one line unless --verbose: a traceback is for developers
        if getattr(args, "verbose", False):
            raise
        logger.remove()
        print(f"error: {type(error).__name__}: {error} (--verbose shows more)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
