"""The ``sipcore`` command line.

Each subcommand lives in a module of its own in this package that exposes
``register(subparsers)``; the
function it registers (``func``) returns the exit code. Errors of sipcore become one line on
stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from sipcore import __version__
from sipcore.errors import SipError

# Modules that register subcommands, in the order ``--help`` lists them. A module whose
# optional extra is not installed (``serve``, ``fhir``) still registers; it says what to install
# when run.
_SUBCOMMAND_MODULES = (
    "sipcore.cli.calendar",
    "sipcore.cli.check",
    "sipcore.cli.diff",
    "sipcore.cli.docs",
    "sipcore.cli.liability",
    "sipcore.cli.fhir",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="sipcore",
        description="Samordnad individuell plan (SIP) as executable, auditable rules.",
    )
    parser.add_argument("--version", action="version", version=f"sipcore {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in _SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        code: int = args.func(args)
    except SipError as exc:
        print(f"sipcore {args.command}: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
