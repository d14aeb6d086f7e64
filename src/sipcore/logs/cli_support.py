"""What ``sipcore reassess`` and ``sipcore stats`` share: their common options, the Dask
client, problems as one line each on stderr, and the exit code of a run."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

from sipcore.errors import InputError
from sipcore.logs.reader import LogProblem

__all__ = ["ProblemPrinter", "add_run_options", "aware_time", "day", "executor_for"]

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _in_calendar(year: int, what: str, text: str) -> None:
    """Refuse ``text``, ``what`` of ``year``, unless ``year`` is one of the calendar's years."""
    from sipcore.deadlines import FIRST_YEAR, LAST_YEAR

    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise argparse.ArgumentTypeError(
            f"expected {what} in the years {FIRST_YEAR}–{LAST_YEAR}, got {text!r}")


def day(text: str) -> dt.date:
    """A date YYYY-MM-DD given on the command line, in the calendar's years."""
    try:
        value = dt.date.fromisoformat(text) if _ISO_DATE.fullmatch(text) else None
    except ValueError:
        value = None
    if value is None:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}")
    _in_calendar(value.year, "a date", text)
    return value


def aware_time(text: str) -> dt.datetime:
    """An ISO datetime with an offset, or a date (the end of that day in Europe/Stockholm), in
    the calendar's years."""
    from sipcore.deadlines import stockholm

    try:
        if len(text) == 10:
            value = dt.datetime.combine(dt.date.fromisoformat(text), dt.time(23, 59, 59),
                                        stockholm())
        else:
            value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date or a datetime with an offset, got {text!r}") from None
    if value.utcoffset() is None:
        raise argparse.ArgumentTypeError(f"expected a datetime with an offset, got {text!r}")
    _in_calendar(value.year, "a date" if len(text) == 10 else "a time", text)
    return value


def _at_least_one(what: str) -> Callable[[str], int]:
    """The type of an option that takes ``what``, a whole number 1 or more."""

    def read(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = 0
        if value < 1:
            raise argparse.ArgumentTypeError(f"expected {what} (1 or more), got {text!r}")
        return value

    return read


_jobs = _at_least_one("a number of workers")
_chunk_size = _at_least_one("a number of cases per task")


def add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                        help="worker processes on this machine (default: one per core; "
                        "1 runs in this process)")
    parser.add_argument("--dask", metavar="ADDRESS", default=None,
                        help="run the chunks on a Dask cluster, e.g. tcp://10.0.0.5:8786 "
                        "(needs pip install 'sipcore[dask]')")
    parser.add_argument("--chunk-size", type=_chunk_size, default=200, metavar="LINES",
                        help="cases per task (default 200)")
    parser.add_argument("--strict", action="store_true",
                        help="stop at the first malformed line (exit code 2)")
    parser.add_argument("--as-of", type=aware_time, default=None, metavar="TIME",
                        help="look at obligations as of this time (default: for reassess, each "
                        "case's latest event; for stats, the log's latest event)")


@contextlib.contextmanager
def executor_for(address: str | None) -> Iterator[tuple[Any, int | None]]:
    """A Dask client for ``address`` and its number of worker threads, or ``(None, None)``."""
    if address is None:
        yield None, None
        return
    try:
        from distributed import Client
    except ImportError:
        raise InputError("--dask", "the dask extra installed (pip install 'sipcore[dask]')",
                         address) from None
    connect: Any = Client  # distributed is not typed
    try:
        client = connect(address, timeout=10)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError("--dask", "the address of a running Dask scheduler",
                         f"{address} ({exc})") from None
    try:
        yield client, max(1, sum(client.nthreads().values()))
    finally:
        client.close()


class ProblemPrinter:
    """Prints each problem as one line on stderr (the line is skipped) and counts them."""

    def __init__(self, command: str) -> None:
        self.command = command
        self.count = 0

    def __call__(self, problem: LogProblem) -> None:
        self.count += 1
        print(f"sipcore {self.command}: {problem} (skipped)", file=sys.stderr)
