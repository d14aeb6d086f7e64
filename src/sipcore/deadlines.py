"""The Swedish working-day calendar, 1990–2100.

A *working day* is a Monday to Friday that is neither an allmän helgdag nor one of the three eves
that Lag (1930:173) 2 § treats like one: midsommarafton, julafton and nyårsafton. The helgdagar
are those of Lag (1989:253): annandag pingst until 2004, nationaldagen (6 June) from 2005.

Counting (DOMAIN.md §6):

* "N working days after D" is the N-th working day strictly after D (:func:`add_working_days`).
* "N calendar days after D" is D + N days; when a statute sets the period, Lag (1930:173) 2 §
  moves a last day that is not a working day to the next working day
  (:func:`add_calendar_days` with ``statutory=True``, :func:`roll_forward`).

The holidays come from the ``holidays`` package, configured explicitly: Sweden, categories
``PUBLIC`` (Lag 1989:253) and ``DE_FACTO`` (the three eves), ``include_sundays=False`` (Sundays
are weekend days anyway), language ``sv``. No code here looks at a holiday's name. They are
shipped precomputed, as the weekdays they close, in ``sipcore/data/nonworking_weekdays.txt``
(:data:`DATA_FILE`), which a test holds equal to what ``holidays`` gives; regenerate it with
``python -m sipcore.deadlines > src/sipcore/data/nonworking_weekdays.txt``. On first use the
file is read into lookup tables over every day of the supported years (a few milliseconds), so
every function below costs a few list lookups. Importing this module reads nothing, and
nothing here imports ``holidays`` but the regeneration.

Every date outside 1990-01-01 … 2100-12-31, given or computed, raises
:class:`~sipcore.errors.OutOfRangeError`; a ``datetime`` where a ``date`` is meant, or a
``bool``, ``float`` or ``str`` where a count is meant, raises
:class:`~sipcore.errors.InputTypeError`.

References:
    * Lag (1989:253) om allmänna helgdagar, 1–2 §§ (the helgdagar and their dates).
    * SFS 2004:1320, amending Lag (1989:253): nationaldagen replaces annandag pingst from 2005.
    * Lag (1930:173) om beräkning av lagstadgad tid, 2 § (a last day on a Saturday, Sunday,
      allmän helgdag, midsommarafton, julafton or nyårsafton moves to the next vardag).
"""

from __future__ import annotations

import itertools
import operator
import os
import sys
import threading
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import cache
from zoneinfo import ZoneInfo

from sipcore.errors import InputError, InputTypeError, OutOfRangeError, SipError

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "TIMEZONE",
    "add_calendar_days",
    "add_working_days",
    "is_working_day",
    "local_date",
    "non_working_weekdays",
    "roll_forward",
    "steady_offset",
    "working_days_between",
    "working_days_in_year",
]

FIRST_YEAR = 1990
"""The first year the calendar covers."""

LAST_YEAR = 2100
"""The last year the calendar covers (the last year the ``holidays`` package computes)."""

TIMEZONE = "Europe/Stockholm"
"""The time zone whose dates the calendar counts (DOMAIN.md §6)."""

_FIRST_DATE = date(FIRST_YEAR, 1, 1)
_LAST_DATE = date(LAST_YEAR, 12, 31)
_FIRST_ORDINAL = _FIRST_DATE.toordinal()
_DAYS = _LAST_DATE.toordinal() - _FIRST_ORDINAL + 1
_RANGE = f"{_FIRST_DATE} to {_LAST_DATE}"
_RANGE_TEXT = f"a date from {_RANGE} (the years {FIRST_YEAR}–{LAST_YEAR} the calendar covers)"
_SATURDAY = 5


class _Calendar:
    """The lookup tables, indexed by day offset ``i`` from 1990-01-01.

    ``upto[i]``: working days on or before day ``i``; ``before[i]``: working days strictly
    before day ``i``; ``working[i]``: 1 if day ``i`` is a working day; ``days[k]``: the k-th
    working day (0-based), so ``days[upto[i] - 1]`` is the last working day on or before ``i``.
    """

    __slots__ = ("before", "days", "size", "upto", "working")

    def __init__(self, working: bytes) -> None:
        self.working = working
        self.upto: list[int] = list(itertools.accumulate(working))
        self.before: list[int] = list(map(operator.sub, self.upto, working))
        self.days: list[date] = list(
            map(date.fromordinal, itertools.compress(itertools.count(_FIRST_ORDINAL), working))
        )
        self.size = len(self.days)


_CALENDAR: _Calendar | None = None
_BUILD_LOCK = threading.Lock()

DATA_FILE = os.path.join(os.path.dirname(__file__), "data", "nonworking_weekdays.txt")
"""The shipped table: every Monday–Friday 1990–2100 that is not a working day, one line per year
(``1990 0101 0412 …``: the year, then each day as MMDD). Made from ``holidays`` by
``python -m sipcore.deadlines > src/sipcore/data/nonworking_weekdays.txt``; a test
(``tests/test_deadlines.py``) requires it to be exactly what ``holidays`` gives today."""


def _weekday_flags() -> bytearray:
    """1 for each Monday–Friday of the calendar's days, 0 for each Saturday and Sunday."""
    week = b"\x01\x01\x01\x01\x01\x00\x00"
    start = _FIRST_DATE.weekday()
    return bytearray((week[start:] + week * (_DAYS // 7 + 1))[:_DAYS])


def _flags_without(closed: Iterable[date]) -> bytes:
    """The working-day flags: every weekday, less the ``closed`` ones."""
    flags = _weekday_flags()
    for day in closed:
        flags[day.toordinal() - _FIRST_ORDINAL] = 0
    return bytes(flags)


def read_data_file(text: str) -> list[date]:
    """The dates a table in :data:`DATA_FILE`'s form lists (``#`` starts a comment line)."""
    found: list[date] = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            year, *days = line.split()
            found.extend(date(int(year), int(day[:2]), int(day[2:])) for day in days)
    return found


def data_file_text(closed: Iterable[date]) -> str:
    """The :data:`DATA_FILE` text listing the non-working weekdays ``closed``."""
    by_year: dict[int, list[str]] = {year: [] for year in range(FIRST_YEAR, LAST_YEAR + 1)}
    for day in sorted(closed):
        by_year[day.year].append(f"{day:%m%d}")
    lines = [
        f"# Every Monday-Friday {FIRST_YEAR}-{LAST_YEAR} that is not a working day in Sweden:",
        "# allmänna helgdagar (Lag 1989:253) and midsommarafton, julafton, nyårsafton",
        "# (Lag 1930:173 2 §). One line per year: the year, then each day as MMDD.",
        "# Made from the holidays package by: python -m sipcore.deadlines",
        *(f"{year} {' '.join(days)}" for year, days in by_year.items()),
    ]
    return "\n".join(lines) + "\n"


def _non_working_dates() -> frozenset[date]:
    """Every allmän helgdag and the three eves, 1990–2100, from ``holidays`` (which makes and
    checks :data:`DATA_FILE`; the calendar itself reads only the file)."""
    # PUBLIC: the allmänna helgdagar of Lag (1989:253) 1–2 §§, with annandag pingst until 2004
    # and nationaldagen from 2005 (SFS 2004:1320). DE_FACTO: midsommarafton, julafton and
    # nyårsafton, named in Lag (1930:173) 2 § (holidays>=0.88; before, they were in BANK).
    # include_sundays=False: Sundays are not working days anyway, being weekend days; and its
    # default changed from True to False between holidays releases, so it is stated.
    try:
        from holidays.constants import DE_FACTO, PUBLIC
        from holidays.countries.sweden import Sweden

        calendar = Sweden(
            years=range(FIRST_YEAR, LAST_YEAR + 1),
            expand=False,
            categories=(PUBLIC, DE_FACTO),
            language="sv",
            include_sundays=False,
        )
    except (ImportError, NotImplementedError, TypeError) as exc:  # pragma: no cover
        raise RuntimeError(
            "making the calendar's table needs holidays>=0.88 (Sweden with the DE_FACTO "
            f"category: midsommarafton, julafton, nyårsafton): {exc}"
        ) from exc
    return frozenset(calendar.keys())


def holidays_weekdays() -> list[date]:
    """The non-working weekdays 1990–2100 as ``holidays`` gives them today, in date order."""
    return sorted(d for d in _non_working_dates() if d.weekday() < _SATURDAY)


def _build() -> _Calendar:
    """Read the shipped table once (thread-safe) and return the lookup tables."""
    global _CALENDAR
    with _BUILD_LOCK:
        if _CALENDAR is None:
            with open(DATA_FILE, encoding="utf-8") as file:
                _CALENDAR = _Calendar(_flags_without(read_data_file(file.read())))
        return _CALENDAR


# --- argument checks (slow paths; the public functions inline the fast ones) -------------------


def _check_date(value: object, argument: str) -> None:
    """Refuse anything that is not a plain date; a datetime is a date subclass, so say so."""
    if isinstance(value, datetime):
        raise InputTypeError(
            argument,
            "a datetime.date, not a datetime (use local_date() for a point in time)",
            value,
        )
    if not isinstance(value, date):
        raise InputTypeError(argument, "a datetime.date", value)


def _date_out_of_range(argument: str, value: date) -> OutOfRangeError:
    return OutOfRangeError(argument, _RANGE_TEXT, value)


def _result_out_of_range(argument: str, value: int, start: date, unit: str) -> OutOfRangeError:
    return OutOfRangeError(
        argument,
        f"a count whose result stays within the calendar's range {_RANGE} "
        f"({start} + {value} {unit} leaves it)",
        value,
    )


def _check_count(value: object, argument: str) -> int:
    """Return ``value`` as an int; refuse bool, float, str and anything else not integral."""
    if isinstance(value, bool):
        raise InputTypeError(argument, "an int, not a bool", value)
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise InputTypeError(argument, "an int", value) from None


def _check_year(value: object, argument: str) -> int:
    year = _check_count(value, argument)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise OutOfRangeError(argument, f"a year from {FIRST_YEAR} to {LAST_YEAR}", value)
    return year


# --- the calendar ------------------------------------------------------------------------------


def _index(d: date, argument: str) -> int:
    """The offset of the date ``d`` into the tables; a wrong type or a date outside the
    calendar's years is refused, naming ``argument``."""
    if type(d) is not date:
        _check_date(d, argument)
    i = d.toordinal() - _FIRST_ORDINAL
    if not 0 <= i < _DAYS:
        raise _date_out_of_range(argument, d)
    return i


def is_working_day(d: date) -> bool:
    """Whether ``d`` is a working day: Monday–Friday, not an allmän helgdag (Lag 1989:253),
    not midsommarafton, julafton or nyårsafton."""
    i = _index(d, "d")
    cal = _CALENDAR or _build()
    return cal.working[i] == 1


def add_working_days(d: date, n: int) -> date:
    """The ``n``-th working day strictly after ``d`` (``n`` ≥ 1), the ``|n|``-th working day
    strictly before ``d`` (``n`` ≤ -1); for ``n`` = 0, ``d`` if it is a working day, else the
    next working day."""
    i = _index(d, "d")
    if type(n) is not int:
        n = _check_count(n, "n")
    cal = _CALENDAR or _build()
    k = (cal.upto[i] - 1 if n > 0 else cal.before[i]) + n
    if not 0 <= k < cal.size:  # a negative k would silently index from the end
        raise _result_out_of_range("n", n, d, "working day(s)")
    return cal.days[k]


def working_days_between(start: date, end: date) -> int:
    """The number of working days passed going from ``start`` to ``end``.

    Going forward (``end`` ≥ ``start``): the working days ``w`` with ``start < w <= end``.
    Going back (``end`` < ``start``): minus the working days ``w`` with ``end <= w < start``.
    In both directions the starting day is not counted and the day arrived at is, so that
    ``working_days_between(d, add_working_days(d, n)) == n`` for every ``n`` ≠ 0. (So the
    function is not antisymmetric when ``start`` or ``end`` is not a working day.)
    """
    s = _index(start, "start")
    e = _index(end, "end")
    cal = _CALENDAR or _build()
    if e >= s:
        return cal.upto[e] - cal.upto[s]
    return cal.before[e] - cal.before[s]


def roll_forward(d: date) -> date:
    """Lag (1930:173) 2 §: ``d`` itself if it is a working day, else the next working day."""
    i = _index(d, "d")
    cal = _CALENDAR or _build()
    k = cal.before[i]
    if k >= cal.size:
        raise OutOfRangeError(
            "d", f"a date whose next working day is within the calendar's range {_RANGE}", d
        )
    return cal.days[k]


def add_calendar_days(d: date, n: int, *, statutory: bool) -> date:
    """``d`` + ``n`` days; with ``statutory=True`` (a period set by lag or förordning) the last
    day moves to the next working day by Lag (1930:173) 2 §."""
    start = _index(d, "d")
    if type(n) is not int:
        n = _check_count(n, "n")
    if type(statutory) is not bool:
        raise InputTypeError("statutory", "a bool", statutory)
    i = start + n
    if not 0 <= i < _DAYS:
        raise _result_out_of_range("n", n, d, "calendar day(s)")
    if not statutory:
        return date.fromordinal(_FIRST_ORDINAL + i)
    cal = _CALENDAR or _build()
    k = cal.before[i]
    if k >= cal.size:
        raise _result_out_of_range("n", n, d, "calendar day(s), rolled forward,")
    return cal.days[k]


@cache
def stockholm() -> ZoneInfo:
    """The zone Europe/Stockholm, whose dates the calendar counts."""
    return ZoneInfo(TIMEZONE)


# A day's ordinal → the UTC offset Europe/Stockholm keeps all through that day, or None on the
# two days a year it changes (the days seen, a few thousand at most; then learnt again).
_STEADY: dict[int, timezone | None] = {}
_STEADY_SIZE = 4096


def steady_offset(zone: tzinfo, day: date) -> timezone | None:
    """The UTC offset ``zone`` has all through ``day``: the same at the noons before, of and
    after it (None when it changes in between). A time at that offset on that day is a wall
    time of ``zone``."""
    offsets = {datetime.combine(day + k * _ONE_DAY, _NOON, zone).utcoffset() for k in (-1, 0, 1)}
    offset = offsets.pop() if len(offsets) == 1 else None
    return None if offset is None else timezone(offset)


_NOON = time(12)
_ONE_DAY = timedelta(days=1)


def _steady(ordinal: int) -> timezone | None:
    """The offset Europe/Stockholm has all through the day of ``ordinal`` (None if it changes
    about then): a time at that offset on that day is a wall time of Stockholm, whose date is
    the local date."""
    try:
        found = steady_offset(stockholm(), date.fromordinal(ordinal))
    except OverflowError:  # the first or last day datetime has: read the long way
        return None
    if len(_STEADY) >= _STEADY_SIZE:
        _STEADY.clear()
    _STEADY[ordinal] = found
    return found


def stockholm_steady(ordinal: int) -> timezone | None:
    """The offset Europe/Stockholm keeps all through the day of ``ordinal`` (None on a day it
    changes): :func:`steady_offset`, remembered."""
    try:
        return _STEADY[ordinal]
    except KeyError:
        return _steady(ordinal)


def local_date(at: datetime) -> date:
    """The Europe/Stockholm date of the aware datetime ``at`` (any year but the first and last
    day of ``datetime``'s own range, whose local date may lie outside it).

    Any ``tzinfo`` is read through its ``utcoffset`` (``zoneinfo``, ``datetime.timezone``,
    ``dateutil.tz``, …). A naive datetime is refused: it names no point in time; so is a time
    whose ``tzinfo`` gives no valid offset, naming ``at``.
    """
    zone = at.tzinfo if type(at) is datetime else None
    if type(zone) is timezone:  # a fixed offset: on a day of one offset, its own date is it
        steady = _STEADY.get(at.toordinal(), False)
        if steady is False:
            steady = _steady(at.toordinal())
        if steady == zone:
            return at.date()
    elif zone is stockholm():  # a wall time of Europe/Stockholm: its own date
        return at.date()
    if type(zone) is timezone or type(zone) is ZoneInfo:  # aware, without asking the offset
        try:
            return at.astimezone(stockholm()).date()
        except OverflowError:
            raise _instant_out_of_range(at) from None
    if not isinstance(at, datetime):
        raise InputTypeError("at", "a timezone-aware datetime.datetime", at)
    try:
        offset = at.utcoffset()
        if offset is None:
            raise InputError("at", "a timezone-aware datetime (tzinfo set), not a naive one", at)
        return at.astimezone(stockholm()).date()
    except OverflowError:
        raise _instant_out_of_range(at) from None
    except SipError:
        raise
    except (ValueError, TypeError, ArithmeticError) as exc:  # a tzinfo that gives no offset
        raise InputError(
            "at", f"a datetime whose tzinfo gives a valid UTC offset ({exc})", at
        ) from None


def _instant_out_of_range(at: datetime) -> OutOfRangeError:
    return OutOfRangeError(
        "at", "a time whose instant is within datetime's range (years 1–9999) in Stockholm", at
    )


def working_days_in_year(year: int) -> int:
    """The number of working days in ``year``."""
    year = _check_year(year, "year")
    cal = _CALENDAR or _build()
    last = date(year, 12, 31).toordinal() - _FIRST_ORDINAL
    return cal.upto[last] - cal.before[date(year, 1, 1).toordinal() - _FIRST_ORDINAL]


def non_working_weekdays(start_year: int = FIRST_YEAR, end_year: int = LAST_YEAR) -> list[date]:
    """Every Monday–Friday of ``start_year`` … ``end_year`` (inclusive) that is not a working
    day: the weekday helgdagar and eves, in date order."""
    first = _check_year(start_year, "start_year")
    last = _check_year(end_year, "end_year")
    cal = _CALENDAR or _build()
    lo = date(first, 1, 1).toordinal() - _FIRST_ORDINAL
    hi = date(last, 12, 31).toordinal() - _FIRST_ORDINAL
    return [
        day
        for day in (date.fromordinal(_FIRST_ORDINAL + i) for i in range(lo, hi + 1))
        if day.weekday() < _SATURDAY and not cal.working[day.toordinal() - _FIRST_ORDINAL]
    ]


if __name__ == "__main__":  # python -m sipcore.deadlines > src/sipcore/data/nonworking_weekdays.txt
    sys.stdout.write(data_file_text(holidays_weekdays()))
