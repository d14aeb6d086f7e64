"""The calendar subcommands: ``sipcore deadline`` and ``sipcore workdays``.

``sipcore deadline 2026-12-23 --working-days 1`` prints ``2026-12-28``;
``sipcore deadline 2025-12-22 --calendar-days 3 --statutory`` prints ``2025-12-29``;
``sipcore workdays 2025`` prints ``249``.
"""

from __future__ import annotations

import argparse
import re
from datetime import date
from typing import Any

from sipcore import deadlines
from sipcore.errors import InputError, OutOfRangeError

__all__ = ["register"]

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(text: str) -> date:
    """A YYYY-MM-DD date within the calendar's years (argparse reports the error)."""
    if not _ISO_DATE.fullmatch(text):
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}")
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: {exc}") from None
    if not deadlines.FIRST_YEAR <= day.year <= deadlines.LAST_YEAR:
        raise argparse.ArgumentTypeError(
            f"{text} is outside the calendar's years {deadlines.FIRST_YEAR}–{deadlines.LAST_YEAR}"
        )
    return day


def _deadline(args: argparse.Namespace) -> int:
    start: date = args.date
    if args.working_days is not None:
        if args.statutory:
            raise InputError("--statutory", "--calendar-days with it, not --working-days")
        option, count = "--working-days", args.working_days
    else:
        option, count = "--calendar-days", args.calendar_days
    try:
        if option == "--working-days":
            due = deadlines.add_working_days(start, count)
        else:
            due = deadlines.add_calendar_days(start, count, statutory=args.statutory)
    except OutOfRangeError as exc:
        raise OutOfRangeError(option, exc.expected, exc.got) from None
    print(due.isoformat())
    return 0


def _workdays(args: argparse.Namespace) -> int:
    print(deadlines.working_days_in_year(args.year))
    return 0


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the ``deadline`` and ``workdays`` subcommands."""
    deadline = subparsers.add_parser(
        "deadline",
        help="the due date N working days or N calendar days after a date",
        description=(
            "Print the due date N working days after DATE (the N-th working day strictly after "
            "it), or N calendar days after DATE; with --statutory a last day that is not a "
            "working day moves to the next one (Lag 1930:173 2 §). Working days: Monday–Friday "
            "except the allmänna helgdagar of Lag (1989:253), midsommarafton, julafton and "
            f"nyårsafton; years {deadlines.FIRST_YEAR}–{deadlines.LAST_YEAR}."
        ),
    )
    deadline.add_argument("date", metavar="DATE", type=_iso_date, help="the start, YYYY-MM-DD")
    count = deadline.add_mutually_exclusive_group(required=True)
    count.add_argument(
        "--working-days", type=int, metavar="N", help="count N working days (negative: back)"
    )
    count.add_argument("--calendar-days", type=int, metavar="N", help="count N calendar days")
    deadline.add_argument(
        "--statutory",
        action="store_true",
        help="a period set by statute: roll a last day off to the next working day",
    )
    deadline.set_defaults(func=_deadline)

    workdays = subparsers.add_parser(
        "workdays",
        help="the number of working days in a year",
        description="Print the number of working days in YEAR.",
    )
    workdays.add_argument("year", metavar="YEAR", type=int, help="the year")
    workdays.set_defaults(func=_workdays)
