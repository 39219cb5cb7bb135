"""Command line: ``python -m port_aws <command>``."""

import argparse
import sys
from collections.abc import Callable, Sequence

Command = Callable[[argparse.Namespace], int]

# Each command module exposes ``register(subparsers) -> None``, setting ``func`` on its parser.
COMMAND_MODULES: tuple[str, ...] = ("demo", "preview", "doctor", "quick_create", "blueprint")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m port_aws",
        description="AWS Hosted by Port: tools around the Ocean integration.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="<command>")
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(f"port_aws.commands.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Command | None = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 0
    return func(args)


if __name__ == "__main__":
    sys.exit(main())
