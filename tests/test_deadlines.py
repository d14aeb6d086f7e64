"""Tests of the Swedish working-day calendar (sipcore.deadlines).

Three oracles, each independent of the others:

* a golden file of every non-working weekday 1990–2100 (``tests/data/``), so that a
  ``holidays`` upgrade that changes Sweden fails here;
* the statute itself, written out below: Easter by the anonymous Gregorian computus (Meeus)
  plus the dates of Lag (1989:253) 2 § and the three eves of Lag (1930:173) 2 §;
* published working-day figures (Ahlsell's quarters 2016–2018, LEGAL.md §3.2).

workalendar is a fourth, known-wrong opinion: its disagreements are listed and explained.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from dateutil import tz as dateutil_tz
from hypothesis import assume, given
from hypothesis import strategies as st

from sipcore import errors
from sipcore.deadlines import (
    DATA_FILE,
    FIRST_YEAR,
    LAST_YEAR,
    add_calendar_days,
    add_working_days,
    data_file_text,
    holidays_weekdays,
    is_working_day,
    local_date,
    non_working_weekdays,
    read_data_file,
    roll_forward,
    working_days_between,
    working_days_in_year,
)
from sipcore.errors import NOT_GIVEN, InputError, InputTypeError, OutOfRangeError

GOLDEN = Path(__file__).parent / "data" / "nonworking_weekdays_1990_2100.txt"
FIRST = date(FIRST_YEAR, 1, 1)
LAST = date(LAST_YEAR, 12, 31)
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def every_day(first: date = FIRST, last: date = LAST) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# --- the statute, written out independently of holidays -----------------------------------------


def easter_sunday(year: int) -> date:
    """Påskdagen, by the anonymous Gregorian algorithm (Meeus, Astronomical Algorithms, ch. 8)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def saturday_from(first: date) -> date:
    """The Saturday in the seven days starting at ``first``."""
    return first + timedelta(days=(5 - first.weekday()) % 7)


def statute_days_off(year: int) -> set[date]:
    """Lag (1989:253) 1–2 §§ helgdagar other than Sundays, plus the eves of Lag (1930:173) 2 §."""
    easter = easter_sunday(year)
    midsommardagen = saturday_from(date(year, 6, 20))  # the Saturday 20–26 June
    days = {
        date(year, 1, 1),  # nyårsdagen
        date(year, 1, 6),  # trettondedag jul
        easter - timedelta(days=2),  # långfredagen
        easter + timedelta(days=1),  # annandag påsk
        date(year, 5, 1),  # första maj
        easter + timedelta(days=39),  # Kristi himmelsfärdsdag, the sixth Thursday after Easter
        midsommardagen,
        saturday_from(date(year, 10, 31)),  # alla helgons dag, the Saturday 31 Oct–6 Nov
        date(year, 12, 25),  # juldagen
        date(year, 12, 26),  # annandag jul
        midsommardagen - timedelta(days=1),  # midsommarafton (Lag 1930:173 2 §)
        date(year, 12, 24),  # julafton
        date(year, 12, 31),  # nyårsafton
    }
    if year <= 2004:
        days.add(easter + timedelta(days=50))  # annandag pingst (until SFS 2004:1320)
    else:
        days.add(date(year, 6, 6))  # nationaldagen (from 2005, SFS 2004:1320)
    return days


def test_computus_matches_known_easters() -> None:
    known = {1990: date(1990, 4, 15), 2000: date(2000, 4, 23), 2024: date(2024, 3, 31)}
    known |= {2025: date(2025, 4, 20), 2026: date(2026, 4, 5), 2027: date(2027, 3, 28)}
    known |= {2038: date(2038, 4, 25), 2100: date(2100, 3, 28)}
    assert {year: easter_sunday(year) for year in known} == known


def test_alla_helgons_dag_and_midsommardagen_are_always_saturdays() -> None:
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        assert saturday_from(date(year, 10, 31)).weekday() == 5
        midsommarafton = saturday_from(date(year, 6, 20)) - timedelta(days=1)
        assert midsommarafton.weekday() == 4
        assert date(year, 6, 19) <= midsommarafton <= date(year, 6, 25)


def test_every_day_agrees_with_the_statute() -> None:
    off = set().union(*(statute_days_off(y) for y in range(FIRST_YEAR, LAST_YEAR + 1)))
    wrong = [d for d in every_day() if is_working_day(d) != (d.weekday() < 5 and d not in off)]
    assert wrong == []


def test_golden_file_matches_calendar_exactly() -> None:
    golden = [date.fromisoformat(line) for line in GOLDEN.read_text().split()]
    assert golden == sorted(set(golden))
    assert non_working_weekdays(FIRST_YEAR, LAST_YEAR) == golden
    golden_set = set(golden)
    assert [
        d for d in every_day() if is_working_day(d) == (d in golden_set or d.weekday() >= 5)
    ] == []


def test_golden_file_agrees_with_the_statute() -> None:
    golden = {date.fromisoformat(line) for line in GOLDEN.read_text().split()}
    off = set().union(*(statute_days_off(y) for y in range(FIRST_YEAR, LAST_YEAR + 1)))
    assert golden == {d for d in off if d.weekday() < 5}
    assert len(golden) == 1083


def test_non_working_weekdays_of_one_year() -> None:
    assert [d.isoformat() for d in non_working_weekdays(2026, 2026)] == [
        "2026-01-01", "2026-01-06", "2026-04-03", "2026-04-06", "2026-05-01", "2026-05-14",
        "2026-06-19", "2026-12-24", "2026-12-25", "2026-12-31",
    ]  # fmt: skip


# --- workalendar: a cross-check with known, named disagreements ---------------------------------

# workalendar.europe.Sweden has no annandag pingst and has nationaldagen in every year. Lag
# (1989:253) had annandag pingst as a helgdag until 2004 and nationaldagen only from 2005
# (SFS 2004:1320). So before 2005 workalendar calls every annandag pingst a working day and every
# weekday 6 June a holiday. Those are the only disagreements, 25 days in all.
WORKALENDAR_ANNANDAG_PINGST = [  # a helgdag here, a working day for workalendar
    date(1990, 6, 4), date(1991, 5, 20), date(1992, 6, 8), date(1993, 5, 31), date(1994, 5, 23),
    date(1995, 6, 5), date(1996, 5, 27), date(1997, 5, 19), date(1998, 6, 1), date(1999, 5, 24),
    date(2000, 6, 12), date(2001, 6, 4), date(2002, 5, 20), date(2003, 6, 9), date(2004, 5, 31),
]  # fmt: skip
WORKALENDAR_6_JUNE = [  # a working day here (no nationaldagen yet), a holiday for workalendar
    date(1990, 6, 6), date(1991, 6, 6), date(1994, 6, 6), date(1995, 6, 6), date(1996, 6, 6),
    date(1997, 6, 6), date(2000, 6, 6), date(2001, 6, 6), date(2002, 6, 6), date(2003, 6, 6),
]  # fmt: skip


def test_workalendar_disagrees_exactly_on_the_named_days() -> None:
    europe = pytest.importorskip("workalendar.europe")
    sweden = europe.Sweden()
    disagree = {
        d: is_working_day(d) for d in every_day() if sweden.is_working_day(d) != is_working_day(d)
    }
    assert disagree == {d: False for d in WORKALENDAR_ANNANDAG_PINGST} | {
        d: True for d in WORKALENDAR_6_JUNE
    }
    assert len(disagree) == 25
    assert all(d == easter_sunday(d.year) + timedelta(days=50) for d in WORKALENDAR_ANNANDAG_PINGST)
    assert all(d.weekday() < 5 and d.year <= 2004 for d in WORKALENDAR_6_JUNE)


# --- published figures ---------------------------------------------------------------------------


def count_in(first: date, last: date) -> int:
    """Working days in first..last inclusive."""
    return working_days_between(first - timedelta(days=1), last)


def month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


@pytest.mark.parametrize(
    ("year", "total", "quarters"),
    [(2016, 253, (61, 62, 66, 64)), (2017, 251, (64, 59, 65, 63)), (2018, 250, (63, 60, 65, 62))],
)
def test_ahlsell_quarters(year: int, total: int, quarters: tuple[int, ...]) -> None:
    """Ahlsell AB, "Arbetsdagar per kvartal", Sverige (LEGAL.md §3.2)."""
    assert working_days_in_year(year) == total
    got = tuple(count_in(date(year, 3 * q + 1, 1), month_end(year, 3 * q + 3)) for q in range(4))
    assert got == quarters


@pytest.mark.parametrize(
    ("year", "total"),
    [(2021, 253), (2023, 251), (2024, 251), (2025, 249), (2026, 251), (2027, 253)],
)
def test_working_days_per_year(year: int, total: int) -> None:
    assert working_days_in_year(year) == total


MONTHS = {  # LEGAL.md §3.2, definition A
    2023: (21, 20, 23, 18, 21, 20, 21, 23, 21, 22, 22, 19),
    2024: (22, 21, 20, 21, 21, 18, 23, 22, 21, 23, 21, 18),
    2025: (21, 20, 21, 20, 20, 19, 23, 21, 22, 23, 20, 19),
    2026: (20, 20, 22, 20, 19, 21, 23, 21, 22, 22, 21, 20),
    2027: (19, 20, 21, 22, 20, 21, 22, 22, 22, 21, 22, 21),
}


@pytest.mark.parametrize("year", sorted(MONTHS))
def test_working_days_per_month(year: int) -> None:
    got = tuple(count_in(date(year, m, 1), month_end(year, m)) for m in range(1, 13))
    assert got == MONTHS[year]
    assert sum(got) == working_days_in_year(year)


def test_every_year_total_is_the_sum_of_its_days() -> None:
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        days = every_day(date(year, 1, 1), date(year, 12, 31))
        assert working_days_in_year(year) == sum(map(is_working_day, days))


# --- DOMAIN.md §6 examples and edges -------------------------------------------------------------


def test_domain_examples() -> None:
    assert add_working_days(date(2026, 6, 18), 2) == date(2026, 6, 23)  # midsommarafton 06-19
    assert add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 28)  # julafton, juldagen
    assert add_calendar_days(date(2025, 12, 22), 3, statutory=True) == date(2025, 12, 29)
    assert add_calendar_days(date(2025, 12, 22), 3, statutory=False) == date(2025, 12, 25)


def test_eves_holidays_and_weekends() -> None:
    assert not is_working_day(date(2026, 6, 19))  # midsommarafton
    assert not is_working_day(date(2025, 12, 24))  # julafton
    assert not is_working_day(date(2025, 12, 31))  # nyårsafton
    assert not is_working_day(date(2004, 5, 31))  # annandag pingst, last year
    assert is_working_day(date(2005, 5, 16))  # annandag pingst no more
    assert is_working_day(date(2004, 6, 7))  # 6 June 2004 was a Sunday; the Monday is ordinary
    assert not is_working_day(date(2005, 6, 6))  # nationaldagen, first year
    assert is_working_day(date(2003, 6, 6))  # a Friday before nationaldagen existed
    assert is_working_day(date(2024, 3, 28))  # skärtorsdagen is a working day
    assert not is_working_day(date(2026, 6, 20))  # Saturday
    assert is_working_day(date(2026, 6, 22))


def test_n_zero_and_negative() -> None:
    assert add_working_days(date(2026, 6, 18), 0) == date(2026, 6, 18)
    assert add_working_days(date(2026, 6, 19), 0) == date(2026, 6, 22)
    assert add_working_days(date(2026, 12, 28), -1) == date(2026, 12, 23)
    assert add_working_days(date(2026, 12, 26), -1) == date(2026, 12, 23)
    assert add_working_days(date(2026, 6, 22), -2) == date(2026, 6, 17)
    assert working_days_between(date(2026, 12, 26), date(2026, 12, 23)) == -1
    assert working_days_between(date(2026, 12, 23), date(2026, 12, 26)) == 0
    assert working_days_between(date(2026, 12, 23), date(2026, 12, 28)) == 1
    assert working_days_between(date(2026, 12, 28), date(2026, 12, 23)) == -1
    assert working_days_between(date(2026, 5, 5), date(2026, 5, 5)) == 0


def test_roll_forward() -> None:
    assert roll_forward(date(2025, 12, 24)) == date(2025, 12, 29)
    assert roll_forward(date(2025, 12, 23)) == date(2025, 12, 23)
    assert roll_forward(date(2026, 12, 31)) == date(2027, 1, 4)


def test_first_and_last_days() -> None:
    assert add_working_days(FIRST, 1) == date(1990, 1, 2)
    assert add_working_days(FIRST, 0) == date(1990, 1, 2)  # 1990-01-01 is nyårsdagen
    assert add_working_days(date(2100, 12, 31), -1) == date(2100, 12, 30)
    assert add_working_days(date(2100, 12, 29), 1) == date(2100, 12, 30)
    assert working_days_between(FIRST, LAST) == sum(map(working_days_in_year, range(1990, 2101)))
    assert add_calendar_days(LAST, 0, statutory=False) == LAST


# --- properties ----------------------------------------------------------------------------------

dates = st.dates(min_value=FIRST, max_value=LAST)
counts = st.integers(min_value=-600, max_value=600)


def add_or_reject(d: date, n: int) -> date:
    try:
        return add_working_days(d, n)
    except OutOfRangeError:
        assume(False)
        raise


@given(dates, counts)
def test_add_and_between_are_inverse(d: date, n: int) -> None:
    w = add_or_reject(d, n)
    if n != 0:
        assert working_days_between(d, w) == n
        assert is_working_day(w)
        assert (w > d) == (n > 0)
    else:
        assert w == roll_forward(d)


@given(dates, dates)
def test_between_then_add_lands_on_a_working_end(start: date, end: date) -> None:
    n = working_days_between(start, end)
    if is_working_day(end) and n != 0:
        assert add_working_days(start, n) == end
    assert (n > 0) <= (end > start) and (n < 0) <= (end < start)


@given(dates, counts, st.integers(min_value=1, max_value=40))
def test_add_is_monotone_in_n(d: date, n: int, step: int) -> None:
    lower, higher = add_or_reject(d, n), add_or_reject(d, n + step)
    # Strictly increasing, except that n = 0 and n = 1 agree when d is not a working day.
    ties = n == 0 and step == 1 and not is_working_day(d)
    assert lower == higher if ties else lower < higher


@given(dates, dates, dates)
def test_between_adds_up_going_forward(a: date, b: date, c: date) -> None:
    a, b, c = sorted((a, b, c))
    assert working_days_between(a, b) + working_days_between(b, c) == working_days_between(a, c)


@given(dates)
def test_n_zero_is_roll_forward(d: date) -> None:
    try:
        rolled = roll_forward(d)
    except OutOfRangeError:
        assume(False)
        raise
    assert add_working_days(d, 0) == rolled
    assert rolled >= d
    assert is_working_day(rolled)
    assert roll_forward(rolled) == rolled
    assert (rolled == d) == is_working_day(d)
    assert all(not is_working_day(x) for x in every_day(d, rolled - timedelta(days=1)))


@given(dates, st.integers(min_value=0, max_value=120))
def test_statutory_deadlines_never_land_on_a_day_off(d: date, n: int) -> None:
    try:
        due = add_calendar_days(d, n, statutory=True)
    except OutOfRangeError:
        assume(False)
        raise
    plain = add_calendar_days(d, n, statutory=False)
    assert plain == d + timedelta(days=n)
    assert is_working_day(due)
    assert due == roll_forward(plain)
    assert 0 <= (due - plain).days <= 5  # at most julafton (Tue) … the following Monday


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("d", [date(1989, 12, 31), date(2101, 1, 1), date(1, 1, 1), date.max])
def test_out_of_range_dates(d: date) -> None:
    for call in (
        lambda: is_working_day(d),
        lambda: add_working_days(d, 1),
        lambda: roll_forward(d),
        lambda: working_days_between(d, date(2000, 1, 1)),
        lambda: working_days_between(date(2000, 1, 1), d),
        lambda: add_calendar_days(d, 0, statutory=True),
    ):
        with pytest.raises(OutOfRangeError, match="1990-01-01 to 2100-12-31"):
            call()


def test_results_out_of_range_never_wrap() -> None:
    with pytest.raises(OutOfRangeError, match="2100-12-31"):
        add_working_days(date(2100, 12, 30), 1)  # 2100-12-31 is nyårsafton
    with pytest.raises(OutOfRangeError, match="1990-01-01"):
        add_working_days(date(1990, 1, 2), -1)  # would be index -1, the last working day
    with pytest.raises(OutOfRangeError):
        add_working_days(date(2000, 1, 1), 10**6)
    with pytest.raises(OutOfRangeError):
        add_working_days(date(2000, 1, 1), -(10**6))
    with pytest.raises(OutOfRangeError):
        roll_forward(date(2100, 12, 31))
    with pytest.raises(OutOfRangeError):
        add_calendar_days(date(2100, 12, 25), 6, statutory=True)
    with pytest.raises(OutOfRangeError):
        add_calendar_days(date(2100, 12, 25), 7, statutory=False)
    with pytest.raises(OutOfRangeError):
        add_calendar_days(date(1990, 1, 5), -5, statutory=False)
    for year in (1989, 2101):
        with pytest.raises(OutOfRangeError, match="1990 to 2100"):
            working_days_in_year(year)


def test_datetime_is_not_a_date() -> None:
    at = datetime(2026, 6, 18, 12, 0, tzinfo=STOCKHOLM)
    for call in (
        lambda: is_working_day(at),
        lambda: add_working_days(at, 1),
        lambda: roll_forward(at),
        lambda: working_days_between(at, date(2026, 7, 1)),
        lambda: working_days_between(date(2026, 7, 1), at),
        lambda: add_calendar_days(at, 1, statutory=False),
    ):
        with pytest.raises(InputTypeError, match="not a datetime"):
            call()
    with pytest.raises(InputTypeError, match=r"datetime\.date"):
        is_working_day("2026-06-18")  # type: ignore[arg-type]


@pytest.mark.parametrize("n", [True, False, 1.0, 2.5, "1", None])
def test_count_must_be_an_int(n: object) -> None:
    with pytest.raises(InputTypeError, match="n: expected an int"):
        add_working_days(date(2026, 6, 18), n)  # type: ignore[arg-type]
    with pytest.raises(InputTypeError, match="n: expected an int"):
        add_calendar_days(date(2026, 6, 18), n, statutory=True)  # type: ignore[arg-type]


def test_statutory_must_be_a_bool_and_keyword() -> None:
    with pytest.raises(InputTypeError, match="statutory"):
        add_calendar_days(date(2026, 6, 18), 1, statutory=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        add_calendar_days(date(2026, 6, 18), 1, True)  # type: ignore[call-arg]


def test_year_must_be_an_int() -> None:
    with pytest.raises(InputTypeError):
        working_days_in_year(2025.0)  # type: ignore[arg-type]
    with pytest.raises(InputTypeError):
        working_days_in_year(True)


def test_errors_are_also_builtin_errors() -> None:
    with pytest.raises(ValueError):
        is_working_day(date(1900, 1, 1))
    with pytest.raises(TypeError):
        add_working_days(date(2026, 1, 1), 1.5)  # type: ignore[arg-type]


# --- local_date ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), date(2027, 1, 1)),  # CET, +01
        (datetime(2026, 12, 31, 22, 59, 59, tzinfo=UTC), date(2026, 12, 31)),
        (datetime(2026, 12, 31, 23, 0, tzinfo=UTC), date(2027, 1, 1)),
        (datetime(2026, 6, 18, 22, 30, tzinfo=UTC), date(2026, 6, 19)),  # CEST, +02
        (datetime(2026, 6, 18, 21, 59, tzinfo=UTC), date(2026, 6, 18)),
        # DST starts 2026-03-29 01:00 UTC; ends 2026-10-25 01:00 UTC.
        (datetime(2026, 3, 28, 23, 0, tzinfo=UTC), date(2026, 3, 29)),  # 00:00 CET
        (datetime(2026, 3, 28, 22, 59, tzinfo=UTC), date(2026, 3, 28)),
        (datetime(2026, 10, 24, 22, 0, tzinfo=UTC), date(2026, 10, 25)),  # 00:00 CEST
        (datetime(2026, 10, 24, 21, 59, tzinfo=UTC), date(2026, 10, 24)),
        (datetime(2026, 10, 25, 22, 59, tzinfo=UTC), date(2026, 10, 25)),  # 23:59 CET
        (datetime(2026, 10, 25, 23, 0, tzinfo=UTC), date(2026, 10, 26)),
        (datetime(2026, 12, 31, 20, 0, tzinfo=timezone(timedelta(hours=-5))), date(2027, 1, 1)),
        (datetime(2026, 1, 1, 0, 30, tzinfo=STOCKHOLM), date(2026, 1, 1)),
    ],
)
def test_local_date(at: datetime, expected: date) -> None:
    assert local_date(at) == expected
    assert type(local_date(at)) is date


def test_local_date_refuses_naive_and_non_datetimes() -> None:
    with pytest.raises(InputError, match=r"at: .*timezone-aware"):
        local_date(datetime(2026, 12, 31, 23, 30))
    with pytest.raises(InputTypeError, match="at: "):
        local_date(date(2026, 12, 31))  # type: ignore[arg-type]


# --- laziness ------------------------------------------------------------------------------------


def test_import_builds_nothing() -> None:
    code = (
        "import sys, sipcore.deadlines as d\n"
        "assert d._CALENDAR is None\n"
        "assert not [m for m in sys.modules if m.startswith('holidays')], 'eager'\n"
        "from datetime import date\n"
        "assert d.is_working_day(date(2026, 6, 22)) and d._CALENDAR is not None\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_first_call_reads_the_shipped_table_without_holidays_or_attrs() -> None:
    """The first call reads the shipped table, not ``holidays``; and since sipcore.deadlines
    raises only input errors, it loads neither attrs nor the findings and sources of the rules
    (sipcore.errors reads Finding when it is first asked for)."""
    code = (
        "import sys, sipcore.deadlines as d\n"
        "from datetime import date\n"
        "assert d.add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 28)\n"
        "try:\n"
        "    d.add_working_days(date(2026, 12, 23), 1.5)\n"
        "except d.InputError as exc:\n"
        "    assert exc.argument == 'n', exc.argument\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('holidays', 'attr', 'attrs')\n"
        "          or m in ('sipcore.findings', 'sipcore.legal')]\n"
        "assert not loaded, loaded\n"
        "from sipcore.errors import Finding\n"
        "assert Finding.__module__ == 'sipcore.findings'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_an_input_error_without_its_value_shows_none() -> None:
    exc = InputError("n", "a whole number")
    assert exc.got is NOT_GIVEN and str(exc) == "n: expected a whole number"
    assert str(InputError("n", "a whole number", 1.5)) == "n: expected a whole number, got 1.5"
    with pytest.raises(AttributeError, match="no attribute 'Nothing'"):
        errors.Nothing  # noqa: B018


# --- the shipped table, checked against holidays --------------------------------------------------


def test_the_shipped_table_is_what_holidays_gives() -> None:
    """src/sipcore/data/nonworking_weekdays.txt is exactly what ``python -m sipcore.deadlines``
    makes from holidays today: a holidays upgrade that changes Sweden, or an edit by hand,
    fails here (regenerate the file and review the difference against the statute)."""
    shipped = Path(DATA_FILE).read_text(encoding="utf-8")
    made = holidays_weekdays()
    assert read_data_file(shipped) == made
    assert data_file_text(made) == shipped
    assert non_working_weekdays() == made


def test_the_regeneration_command_prints_the_shipped_table() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sipcore.deadlines"], check=True, capture_output=True
    )
    assert done.stdout.decode("utf-8") == Path(DATA_FILE).read_text(encoding="utf-8")


def test_the_table_reader_keeps_every_day_and_skips_comments() -> None:
    text = "# a comment\n\n1990 0101 1231\n2100 0106\n"
    assert read_data_file(text) == [date(1990, 1, 1), date(1990, 12, 31), date(2100, 1, 6)]
    assert read_data_file(data_file_text([date(2100, 1, 6), date(1990, 1, 1)])) == [
        date(1990, 1, 1), date(2100, 1, 6)
    ]


# --- local dates of other tzinfo implementations ------------------------------------------------


DATEUTIL_STOCKHOLM = dateutil_tz.gettz("Europe/Stockholm")


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        # dateutil's own Europe/Stockholm: the wall date, also across both changes of 2026.
        (datetime(2026, 1, 1, 0, 30, tzinfo=DATEUTIL_STOCKHOLM), date(2026, 1, 1)),  # 23:30 UTC
        (datetime(2026, 12, 31, 23, 59, tzinfo=DATEUTIL_STOCKHOLM), date(2026, 12, 31)),
        (datetime(2026, 3, 29, 0, 15, tzinfo=DATEUTIL_STOCKHOLM), date(2026, 3, 29)),
        (datetime(2026, 3, 29, 23, 45, tzinfo=DATEUTIL_STOCKHOLM), date(2026, 3, 29)),  # CEST
        (datetime(2026, 10, 25, 0, 30, tzinfo=DATEUTIL_STOCKHOLM), date(2026, 10, 25)),  # CEST
        (datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=DATEUTIL_STOCKHOLM), date(2026, 10, 25)),
        (datetime(2026, 6, 19, 0, 5, tzinfo=DATEUTIL_STOCKHOLM), date(2026, 6, 19)),  # 22:05 UTC
        # fixed offsets from dateutil: the Stockholm date, not the wall date.
        (datetime(2026, 12, 31, 20, 0, tzinfo=dateutil_tz.tzoffset("EST", -5 * 3600)),
         date(2027, 1, 1)),
        (datetime(2026, 12, 31, 17, 59, tzinfo=dateutil_tz.tzoffset("EST", -5 * 3600)),
         date(2026, 12, 31)),
        (datetime(2026, 6, 19, 1, 0, tzinfo=dateutil_tz.tzoffset("+05", 5 * 3600)),
         date(2026, 6, 18)),  # 20:00 UTC the day before, 22:00 in Stockholm
        (datetime(2026, 6, 18, 22, 0, tzinfo=dateutil_tz.tzutc()), date(2026, 6, 19)),
        (datetime(2026, 6, 18, 21, 59, tzinfo=dateutil_tz.UTC), date(2026, 6, 18)),
    ],
)
def test_local_date_of_a_dateutil_time(at: datetime, expected: date) -> None:
    assert local_date(at) == expected
    assert local_date(at) == local_date(at.astimezone(UTC))  # as the same instant in UTC
    assert type(local_date(at)) is date


def test_local_date_of_a_dateutil_time_agrees_with_zoneinfo_every_quarter_hour() -> None:
    for day in (date(2026, 3, 28), date(2026, 3, 29), date(2026, 10, 25), date(2026, 12, 31)):
        for minutes in range(0, 24 * 60, 15):
            for fold in (0, 1):
                wall = datetime.combine(day, datetime.min.time()) + timedelta(minutes=minutes)
                theirs = wall.replace(tzinfo=DATEUTIL_STOCKHOLM, fold=fold)
                ours = wall.replace(tzinfo=STOCKHOLM, fold=fold)
                if theirs.utcoffset() == ours.utcoffset():  # not in the skipped hour
                    assert local_date(theirs) == local_date(ours) == day


class BrokenZone(tzinfo):
    """A tzinfo whose offset is not one (a day or more)."""

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return timedelta(hours=25)

    def dst(self, dt: datetime | None) -> timedelta:
        return timedelta(0)


@pytest.mark.parametrize(
    "at",
    [
        datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))),  # UTC would be year 0
        datetime(9999, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-1))),
        datetime(9999, 12, 31, 23, 30, tzinfo=UTC),  # Stockholm would be year 10000
        datetime(1, 1, 1, 0, 30, tzinfo=dateutil_tz.tzoffset("X", 3600)),
        datetime(9999, 12, 31, 23, 30, tzinfo=dateutil_tz.tzoffset("Y", -3600)),
    ],
)
def test_local_date_at_the_ends_of_datetime_is_out_of_range(at: datetime) -> None:
    with pytest.raises(OutOfRangeError) as info:
        local_date(at)
    assert info.value.argument == "at"


def test_local_date_of_a_tzinfo_without_a_valid_offset() -> None:
    with pytest.raises(InputError) as info:
        local_date(datetime(2026, 6, 18, 12, 0, tzinfo=BrokenZone()))
    assert info.value.argument == "at" and "UTC offset" in str(info.value)
    assert not isinstance(info.value, OutOfRangeError)


# --- every error names its argument ---------------------------------------------------------------


OUT = date(2101, 1, 1)
IN = date(2026, 6, 18)


@pytest.mark.parametrize(
    ("call", "argument", "error"),
    [
        (lambda: is_working_day(OUT), "d", OutOfRangeError),
        (lambda: is_working_day("2026-06-18"), "d", InputTypeError),
        (lambda: add_working_days(OUT, 1), "d", OutOfRangeError),
        (lambda: add_working_days(datetime(2026, 6, 18, tzinfo=UTC), 1), "d", InputTypeError),
        (lambda: add_working_days(IN, 1.0), "n", InputTypeError),
        (lambda: add_working_days(IN, 10**6), "n", OutOfRangeError),
        (lambda: add_working_days(IN, -(10**6)), "n", OutOfRangeError),
        (lambda: working_days_between(OUT, IN), "start", OutOfRangeError),
        (lambda: working_days_between(IN, OUT), "end", OutOfRangeError),
        (lambda: working_days_between(date(1989, 12, 31), IN), "start", OutOfRangeError),
        (lambda: working_days_between(IN, None), "end", InputTypeError),
        (lambda: working_days_between(None, IN), "start", InputTypeError),
        (lambda: roll_forward(OUT), "d", OutOfRangeError),
        (lambda: roll_forward(LAST), "d", OutOfRangeError),  # nyårsafton: no next working day
        (lambda: roll_forward(20260618), "d", InputTypeError),
        (lambda: add_calendar_days(OUT, 1, statutory=False), "d", OutOfRangeError),
        (lambda: add_calendar_days(IN, 10**6, statutory=False), "n", OutOfRangeError),
        (lambda: add_calendar_days(LAST, 0, statutory=True), "n", OutOfRangeError),
        (lambda: add_calendar_days(IN, "3", statutory=False), "n", InputTypeError),
        (lambda: add_calendar_days(IN, 1, statutory="yes"), "statutory", InputTypeError),
        (lambda: working_days_in_year(2101), "year", OutOfRangeError),
        (lambda: working_days_in_year(1989), "year", OutOfRangeError),
        (lambda: working_days_in_year("2026"), "year", InputTypeError),
        (lambda: non_working_weekdays(1989, 2000), "start_year", OutOfRangeError),
        (lambda: non_working_weekdays(1990, 2101), "end_year", OutOfRangeError),
        (lambda: non_working_weekdays(1990.0, 2000), "start_year", InputTypeError),
        (lambda: non_working_weekdays(1990, True), "end_year", InputTypeError),
        (lambda: local_date(date(2026, 6, 18)), "at", InputTypeError),
        (lambda: local_date(datetime(2026, 6, 18, 12, 0)), "at", InputError),
    ],
)
def test_every_error_names_its_argument(
    call: Callable[[], object], argument: str, error: type[InputError]
) -> None:
    with pytest.raises(error) as info:
        call()
    assert info.value.argument == argument
    assert str(info.value).startswith(f"{argument}: expected ")


_INSTANTS = st.datetimes(min_value=datetime(1990, 1, 2), max_value=datetime(2100, 12, 30),
                         timezones=st.just(UTC))


@given(_INSTANTS, st.integers(min_value=-14 * 60, max_value=14 * 60),
       st.sampled_from([0, 1]))
def test_local_date_is_the_date_in_stockholm_at_any_offset_or_wall_time(
    instant: datetime, offset_minutes: int, fold: int
) -> None:
    """The quick readings of local_date (a fixed offset on a day Stockholm keeps one offset, a
    wall time of Stockholm) give the date astimezone gives, around the changes too."""
    from sipcore.deadlines import stockholm

    expected = instant.astimezone(stockholm()).date()
    fixed = instant.astimezone(timezone(timedelta(minutes=offset_minutes)))
    assert local_date(fixed) == expected
    for offset in (timedelta(hours=1), timedelta(hours=2)):  # Stockholm's own offsets
        assert local_date(instant.astimezone(timezone(offset))) == expected
    wall = instant.astimezone(stockholm()).replace(fold=fold)
    assert local_date(wall) == wall.date()


@pytest.mark.parametrize("day", [date(2026, 3, 29), date(2026, 10, 25), date(1995, 9, 24)])
def test_local_date_on_the_days_the_offset_changes(day: date) -> None:
    """On the days summer time starts or ends, every minute of the day and the days beside
    it, at UTC+1 and UTC+2, reads as astimezone reads it."""
    from sipcore.deadlines import stockholm

    start = datetime.combine(day - timedelta(days=1), datetime.min.time(), UTC)
    for minutes in range(0, 3 * 24 * 60, 7):
        instant = start + timedelta(minutes=minutes)
        for hours in (0, 1, 2):
            at = instant.astimezone(timezone(timedelta(hours=hours)))
            assert local_date(at) == instant.astimezone(stockholm()).date(), at
