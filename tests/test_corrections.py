"""Corrections of DOMAIN.md version 2 that scenario files cannot show: correcting the person,
refusing a year typo at the command, and a region's list that one bad case cannot break."""

from __future__ import annotations

import datetime as dt

import pytest

from helpers import ADULT, CHILD, UNITS, at, consent_args, profile, walk
from sipcore import obligations_due
from sipcore.case import SipCase
from sipcore.consent import Person
from sipcore.errors import InputError, OutOfRangeError, SipError
from sipcore.obligations import Term


def test_a_child_opened_without_guardians_can_consent_once_they_are_recorded() -> None:
    case = SipCase.open_case(at=at(2026, 3, 2), profile=profile(), units=UNITS,
                             person=Person(CHILD.birth_date), initiated_by="staff", unit="vc")
    with pytest.raises(SipError):
        case.record_consent(at=at(2026, 3, 2, 10), **consent_args(CHILD))
    case.update_guardians(at=at(2026, 3, 2, 11), guardians=list(CHILD.guardians),
                          journal_ref="J-1")
    assert case.person.guardians == CHILD.guardians
    case.record_consent(at=at(2026, 3, 2, 12), **consent_args(CHILD))
    assert case.phase == "consented"
    again = SipCase.replay(case.events)
    assert again.person == case.person and again.snapshot() == case.snapshot()


def test_custody_changes_and_the_new_guardians_consent() -> None:
    case, clock = walk("consented", person=CHILD)
    case.update_guardians(at=clock(), guardians=["g1"], journal_ref="J-3")
    case.record_consent(at=clock(), given_by="guardians", guardians=["g1"], form="written",
                        parties=["vc"], valid_until=dt.date(2027, 1, 1))
    assert case.person.guardians == ("g1",)


@pytest.mark.parametrize("guardians", [["g1", "g1"], [], ["g1", " "]])
def test_update_guardians_refuses_repeated_blank_or_no_ids(guardians: list[str]) -> None:
    case, clock = walk("opened", person=CHILD)
    before = case.snapshot()
    with pytest.raises(InputError) as info:
        case.update_guardians(at=clock(), guardians=guardians, journal_ref="J-1")
    assert info.value.argument == "guardians" and case.snapshot() == before


def test_open_case_refuses_repeated_guardians() -> None:
    with pytest.raises(InputError) as info:
        SipCase.open_case(at=at(2026, 3, 2), profile=profile(), units=UNITS,
                          person=Person(CHILD.birth_date, ("g1", "g1")), initiated_by="staff",
                          unit="vc")
    assert info.value.argument == "person.guardians"


def test_open_case_refuses_a_birth_date_after_the_opening() -> None:
    with pytest.raises(InputError) as info:
        SipCase.open_case(at=at(2026, 3, 2), profile=profile(), units=UNITS,
                          person=Person(dt.date(2026, 3, 3)), initiated_by="staff", unit="vc")
    assert info.value.argument == "person.birth_date"
    SipCase.open_case(at=at(2026, 3, 2), profile=profile(), units=UNITS,
                      person=Person(dt.date(2026, 3, 2)), initiated_by="staff", unit="vc")


def test_open_case_refuses_a_discharge_notice_after_the_opening() -> None:
    with pytest.raises(InputError) as info:
        SipCase.open_case(at=at(2026, 3, 2, 9), profile=profile(), units=UNITS, person=ADULT,
                          initiated_by="staff", unit="vc",
                          discharge_notice_at=at(2026, 3, 2, 10))
    assert info.value.argument == "discharge_notice_at"


@pytest.mark.parametrize("year", [1989, 2101, 2206])
def test_a_date_outside_the_calendar_is_refused_at_the_command(year: int) -> None:
    case, clock = walk("opened")
    before = case.snapshot()
    with pytest.raises(OutOfRangeError) as info:
        case.record_consent(at=clock(), **consent_args(ADULT) | {
            "valid_until": dt.date(year, 12, 31)})
    assert info.value.argument == "valid_until" and case.snapshot() == before


class _Broken:
    """A case whose obligations cannot be computed (as a case stored by an older release
    with a date beyond the calendar)."""

    def obligation_terms(self) -> tuple[Term, ...]:
        raise OutOfRangeError("due", "a date from 1990-01-01 to 2100-12-31", dt.date(2206, 1, 1))


def test_one_case_that_cannot_be_computed_does_not_break_the_regions_list() -> None:
    good, clock = walk("invited", profile_name="vastmanland")
    broken = _Broken()
    due = obligations_due([broken, good], clock.now)
    assert [case for case, _ in due] == [good] * len(due) and len(due) >= 1
    assert [case for case, _ in due.uncomputable] == [broken]
    assert isinstance(due.uncomputable[0][1], OutOfRangeError)


def test_the_discharge_invitation_limit_is_owed_from_2018_only() -> None:
    """Lag (2017:612) is in force from 2018-01-01: a notice before then starts no limit."""
    for notice, owed in ((at(2017, 12, 29, 10), False), (at(2018, 1, 2, 10), True)):
        case = SipCase.open_case(at=notice + dt.timedelta(hours=1), profile=profile(),
                                 units=UNITS, person=ADULT, initiated_by="staff", unit="vc",
                                 discharge_notice_at=notice)
        kinds = {o.kind for o in case.obligations(notice + dt.timedelta(hours=2))}
        assert ("discharge_invitation" in kinds) is owed
