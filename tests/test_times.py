"""How a command keeps the times it is given (``sipcore.commands.aware``): as given when they
name one instant, at their UTC offset when the zone repeats or skips them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from sipcore import commands
from sipcore.commands import aware
from sipcore.errors import InputError, OutOfRangeError

# Zones and years with every kind of change: summer time in Europe and North America, a
# half-hour change (Lord Howe), summer time ending at midnight (São Paulo 2018), Irish
# "negative" summer time in tzdata (Dublin), and a whole day skipped (Apia, 30 December 2011).
ZONES = [
    ("Europe/Stockholm", 2026),
    ("America/New_York", 2026),
    ("Australia/Lord_Howe", 2026),
    ("America/Sao_Paulo", 2018),
    ("Europe/Dublin", 2026),
    ("Pacific/Apia", 2011),
]


def names_one_instant(value: dt.datetime) -> bool:
    """The wall time reads the same on both sides of any change (neither repeated nor skipped)."""
    return value.replace(fold=1 - value.fold).utcoffset() == value.utcoffset()


@pytest.mark.parametrize(("zone_name", "year"), ZONES)
def test_kept_as_given_exactly_when_the_wall_time_names_one_instant(
    zone_name: str, year: int
) -> None:
    zone = ZoneInfo(zone_name)
    start = dt.datetime(year - 1, 12, 31, tzinfo=zone)
    kept = normalized = 0
    for step in range(0, 367 * 24 * 3):  # every 20 minutes, both readings of a fold
        wall = start + dt.timedelta(minutes=20 * step)
        for value in (wall, wall.replace(fold=1)):
            got = aware("at", value)
            if names_one_instant(value):
                assert got is value, value
                kept += 1
            else:
                assert type(got.tzinfo) is dt.timezone and got.utcoffset() == value.utcoffset()
                assert got == value.astimezone(dt.UTC)  # the same instant
                normalized += 1
    assert kept and normalized  # the year has a change, and most times are kept


def test_a_stockholm_time_on_a_day_of_one_offset_is_kept_without_more(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A wall time of Europe/Stockholm on a day the zone keeps one offset (most of a case's
    times) is kept as given at once, without working out the year's days of change."""
    zone = ZoneInfo("Europe/Stockholm")
    changes = dt.datetime(2026, 3, 29, 2, 30, tzinfo=zone)  # skipped: kept at its offset
    assert type(aware("at", changes).tzinfo) is dt.timezone

    def worked_out(zone: ZoneInfo, year: int) -> frozenset[dt.date]:
        raise AssertionError("the days of change worked out")

    monkeypatch.setattr(commands, "_days_of_change", worked_out)
    for value in (dt.datetime(2026, 3, 2, 9, tzinfo=zone), dt.datetime(2026, 7, 1, fold=1,
                                                                         tzinfo=zone)):
        assert aware("at", value) is value
    with pytest.raises(AssertionError, match="worked out"):
        aware("at", changes)


def test_times_at_the_ends_of_the_calendar() -> None:
    zone = ZoneInfo("Europe/Stockholm")
    for value in (dt.datetime(1990, 1, 2, tzinfo=zone), dt.datetime(2100, 12, 30, tzinfo=zone)):
        assert aware("at", value) is value


@pytest.mark.parametrize("year", [1, 1989, 2101, 9999])
def test_times_outside_the_calendar_are_bad_input(year: int) -> None:
    # A year typo is refused at the command, so no deadline of the case is out of range.
    value = dt.datetime(year, 6, 2, tzinfo=ZoneInfo("Europe/Stockholm"))
    with pytest.raises(OutOfRangeError) as info:
        aware("meeting_at", value)
    assert info.value.argument == "meeting_at"


@pytest.mark.parametrize("value", [dt.datetime(2026, 3, 2, 9), dt.date(2026, 3, 2), "09:00"])
def test_not_an_aware_datetime(value: object) -> None:
    with pytest.raises(InputError, match="at"):
        aware("at", value)
