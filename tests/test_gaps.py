"""What a changed rule could slip past: the follow-up of a middle version, who owes when the
coordinator changes, what an obligation holds, the age limit reaching every rule that reads it,
and the levels of the rules that name a phase refusal."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from helpers import CHILD, COORDINATOR, UNITS, Clock, at, fill_plan, profile, walk
from sipcore.case import SipCase
from sipcore.consent import Person
from sipcore.errors import RuleViolation


def three_versions() -> tuple[SipCase, Clock]:
    """A case whose plan was approved in versions 1 and 2 and is drafting version 3."""
    case, clock = walk("active", profile_name="vastmanland")
    for _ in range(2):
        case.start_follow_up(at=clock(days=60), participants=["vc", "hemtjanst"])
        fill_plan(case, clock)
        case.approve_plan(at=clock(), by=COORDINATOR)
    case.start_follow_up(at=clock(days=60), participants=["vc"])
    return case, clock


def test_the_follow_up_of_a_middle_version_is_met_by_the_follow_up_that_ends_it() -> None:
    case, clock = three_versions()
    follow_ups = [o for o in case.obligations(clock.now) if o.kind == "follow_up"]
    assert len(follow_ups) == 3 and all(o.status == "met" for o in follow_ups)
    approvals = [e for e in case.events if e.command == "approve_plan"]
    meetings = [e for e in case.events if e.command == "start_follow_up"]
    assert [o.starts_at for o in follow_ups] == [e.at for e in approvals]
    assert [o.met_at for o in follow_ups] == [e.at for e in meetings]
    dates = [v.follow_up.date for v in case.versions[:3] if v.follow_up]
    assert [o.due for o in follow_ups] == dates
    middle = follow_ups[1]
    assert middle.met_at == meetings[1].at != meetings[0].at


def test_who_owes_the_coordinators_obligations_follows_the_coordinator() -> None:
    case, clock = walk("drafting", profile_name="vastmanland")
    before = clock.now
    case.appoint_coordinator(at=clock(), person="Bo Ek", unit="hemtjanst")
    owed = {o.kind: o.unit for o in case.obligations(before)}
    assert owed["document_plan"] == "vc"  # the coordinator in office then
    owed = {o.kind: o.unit for o in case.obligations(clock.now)}
    assert owed["document_plan"] == "hemtjanst"


def test_the_documentation_deadline_starts_at_the_meeting_and_cites_its_routine() -> None:
    clock = Clock()
    case = SipCase.open_case(at=clock.now, profile=profile("vastmanland"), person=Person(
        dt.date(1970, 1, 1)), units=UNITS, initiated_by="staff", unit="vc")
    case.record_consent(at=clock(), given_by="person", form="written",
                        parties=["vc", "hemtjanst"], valid_until=dt.date(2030, 1, 1))
    case.appoint_coordinator(at=clock(), person=COORDINATOR, unit="vc")
    case.send_invitation(at=clock(), meeting_at=clock.now + dt.timedelta(days=3),
                         place="VC", form="video", invitees=["hemtjanst"])
    case.hold_meeting(at=clock(days=3), participants=["vc", "hemtjanst"])
    document = next(o for o in case.obligations(clock.now) if o.kind == "document_plan")
    assert document.unit == "vc" and document.starts_at == case.events[-1].at
    keys = {s.key for s in document.sources}
    assert keys == {"src_004"} and all(s.quote for s in document.sources)


def test_an_obligation_holds_when_it_started_and_its_sources() -> None:
    case, clock = walk("invited", profile_name="vastmanland")
    answer = next(o for o in case.obligations(clock.now) if o.kind == "answer_invitation")
    sent = next(e for e in case.events if e.command == "send_invitation")
    assert answer.starts_at == sent.at
    assert any("1 arbetsdag" in s.quote for s in answer.sources)
    assert not [o for o in case.obligations(sent.at - dt.timedelta(seconds=1))
                if o.kind == "answer_invitation"]


@pytest.mark.parametrize("limit", [18, 20])
def test_the_age_limit_reaches_every_rule_that_reads_it(limit: int) -> None:
    nineteen = Person(dt.date(2007, 1, 1), ("g1", "g2"))  # 19 in March 2026
    under = attrs.evolve(profile("vgr"), child_age_limit=limit, content_hash=f"{limit:064x}")
    case = SipCase.open_case(at=at(2026, 3, 2), profile=under, person=nineteen, units={
        **UNITS, "skola": "school"}, initiated_by="staff", unit="vc")
    child = limit == 20
    assert case.is_child(at(2026, 3, 2, 10)) is child
    # consent.guardians
    by = {"given_by": "guardians", "guardians": ["g1", "g2"]} if child else {"given_by": "person"}
    case.record_consent(at=at(2026, 3, 2, 10), form="written", parties=["vc", "hemtjanst",
                        "skola"], valid_until=dt.date(2027, 1, 1), **by)  # type: ignore[arg-type]
    # coordinator.principal: a school may hold it for a child under VGR's setting
    if child:
        case.appoint_coordinator(at=at(2026, 3, 2, 11), person="Rektor", unit="skola")
    else:
        with pytest.raises(RuleViolation):
            case.appoint_coordinator(at=at(2026, 3, 2, 11), person="Rektor", unit="skola")
        case.appoint_coordinator(at=at(2026, 3, 2, 11), person="Rektor", unit="vc")
    case.send_invitation(at=at(2026, 3, 2, 12), meeting_at=at(2026, 3, 9, 9), place="Skolan",
                         form="in_person", invitees=["hemtjanst"])
    # meeting.child_view
    if child:
        with pytest.raises(RuleViolation) as info:
            case.hold_meeting(at=at(2026, 3, 9, 9), participants=["vc", "hemtjanst"])
        assert info.value.ids == ("meeting.child_view",)
    case.hold_meeting(at=at(2026, 3, 9, 9, 5), participants=["vc", "hemtjanst"],
                      child_view="Vill gå kvar" if child else None)


@pytest.mark.parametrize(
    ("to", "command", "args", "rule_id"),
    [
        ("active", "add_need", {"text": "x"}, "plan.locked"),
        ("drafting", "start_follow_up", {}, "plan.follow_up_needs_approved"),
        ("closed", "add_need", {"text": "x"}, "case.closed"),
    ],
)
def test_the_phase_refusals_are_must(to: str, command: str, args: dict[str, str],
                                     rule_id: str) -> None:
    case, clock = walk(to)
    with pytest.raises(RuleViolation) as info:
        case.execute(command, at=clock(), **args)
    assert info.value.ids == (rule_id,)
    assert info.value.findings[0].level == "must"


def test_a_child_under_the_age_limit_cannot_consent_alone() -> None:
    case, clock = walk("opened", person=CHILD)
    with pytest.raises(RuleViolation) as info:
        case.record_consent(at=clock(), given_by="person", form="written", parties=["vc"],
                            valid_until=dt.date(2027, 1, 1))
    assert info.value.ids == ("consent.guardians",)


def test_the_regions_list_names_its_argument() -> None:
    import pytest as _pytest

    from sipcore import obligations_due
    from sipcore.errors import InputError

    case, _ = walk("invited", profile_name="vastmanland")
    with _pytest.raises(InputError) as info:
        obligations_due([case], dt.datetime(2026, 3, 2, 9))  # naive
    assert info.value.argument == "as_of"
