"""The ``sipcore`` command line.

Each subcommand lives in a module of its own in this package that exposes
``register(subparsers)``; the
function it registers (``func``) returns the exit code. Errors of sipcore become one line on
stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import sys
from collections.abc import Sequence

from sipcore import __version__
from sipcore.errors import InputError, SipError

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
    "sipcore.cli.reassess",
    "sipcore.cli.stats",
    "sipcore.cli.schema",
    "sipcore.cli.serve",
)


def in_calendar_years(option: str, value: dt.datetime, text: str) -> dt.datetime:
    """``value``, read from ``text`` given as ``option``, when its year is one of the
    calendar's; else bad input naming the option and echoing the text."""
    from sipcore.deadlines import FIRST_YEAR, LAST_YEAR

    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise InputError(option, f"a time in the years {FIRST_YEAR}–{LAST_YEAR}", text)
    return value


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


EXIT_BAD_INPUT = 2  # a malformed file or argument, a path that cannot be read or written
EXIT_CLOSED_PIPE = 141  # 128 + SIGPIPE: what a program killed by a closed pipe returns


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line: the subcommand's exit code; a library error, a file that cannot
    be read or written, or an engine fault is one line on stderr and exit code 2; output into
    a closed pipe (``sipcore check … | head``) ends quietly."""
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 0
        return _run(args)
    except BrokenPipeError:
        return _closed_pipe()


def _run(args: argparse.Namespace) -> int:
    try:
        code: int = args.func(args)
    except BrokenPipeError:
        raise
    except SipError as exc:
        _error(args.command, str(exc))
        return EXIT_BAD_INPUT
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        _error(args.command, f"{where}{exc.strerror or exc}")
        return EXIT_BAD_INPUT
    except Exception as exc:  # an engine fault: one line, never a traceback
        _error(args.command, f"internal error ({type(exc).__name__}: {exc}); please report it")
        return EXIT_BAD_INPUT
    sys.stdout.flush()
    return code


def _error(command: str, message: str) -> None:
    print(f"sipcore {command}: {message}", file=sys.stderr)


def _closed_pipe() -> int:
    """Stop writing: the reader has gone. Later writes (and the interpreter's final flush) go
    to the null device, so that nothing is reported."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return EXIT_CLOSED_PIPE


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
