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
COMMAND_MODULES: tuple[str, ...] = ("demo", "preview", "doctor", "quick_create", "blueprint")

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


def build_parser() -> argparse.ArgumentParser:
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
    for name in COMMAND_MODULES:
        importlib.import_module(f"port_aws.commands.{name}").register(subparsers)
    summaries = {a.dest: a.help for a in subparsers._choices_actions}
    for name, command in subparsers.choices.items():
        command.formatter_class = _Formatter
        if not command.description and summaries.get(name):
            command.description = str(summaries[name])[:1].upper() + str(summaries[name])[1:] + "."
        if name in EXAMPLES:
            command.epilog = f"example:\n  {EXAMPLES[name]}"
        if not any("--verbose" in action.option_strings for action in command._actions):
            command.add_argument(
                "--verbose", action="store_true", help="show tracebacks and Ocean's own logs"
            )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
