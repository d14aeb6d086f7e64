"""Obligations (DOMAIN.md §6): every kind in every status, at the boundaries, and two properties
of status over time; then ``obligations_due`` across cases.

Status as of T: ``met`` when the meeting command came at or before T (late or not, ``met_at``
tells); ``cancelled`` when the case closed, or the invitation was recalled, at or before T and
before it was met; ``overdue`` when the due date is before T's local date; else ``open``. An
obligation whose starting command came after T does not exist at T. Times are
Europe/Stockholm wall-clock times (helpers.at).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import ADULT, COORDINATOR, UNITS, Clock, at, profile, walk
from sipcore import obligations_due, states
from sipcore.case import SipCase
from sipcore.errors import Refusal
from sipcore.obligations import Obligation

D = dt.date


def only(case: SipCase, as_of: dt.datetime, kind: str, unit: str | None = None) -> Obligation:
    """The one obligation of ``kind`` (and ``unit``) that exists at ``as_of``."""
    found = [
        o for o in case.obligations(as_of)
        if o.kind == kind and (unit is None or o.unit == unit)
    ]
    assert len(found) == 1, found
    return found[0]


def kinds(case: SipCase, as_of: dt.datetime) -> list[str]:
    return [o.kind for o in case.obligations(as_of)]


def opened(
    when: dt.datetime, profile_name: str = "national", **args: Any
) -> SipCase:
    return SipCase.open_case(
        at=when, profile=profile(profile_name), person=ADULT, units=UNITS,
        initiated_by="staff", unit="vc", **args,
    )


def consented(when: dt.datetime, profile_name: str = "national", **args: Any) -> SipCase:
    """Opened at ``when``, consent for vc, hemtjanst and psyk a minute later, and (for the
    Västmanland rule invitation.coordinator) the coordinator two minutes later."""
    case = opened(when, profile_name, **args)
    case.record_consent(
        at=when + dt.timedelta(minutes=1), given_by="person", form="written",
        parties=["vc", "hemtjanst", "psyk"], valid_until=D(2030, 12, 31),
    )
    case.appoint_coordinator(at=when + dt.timedelta(minutes=2), person=COORDINATOR, unit="vc")
    return case


def invite(case: SipCase, when: dt.datetime, *invitees: str) -> None:
    case.send_invitation(
        at=when, meeting_at=when + dt.timedelta(days=14), place="Vårdcentralen",
        form="in_person", invitees=list(invitees or ("hemtjanst",)),
    )


def meeting(case: SipCase, when: dt.datetime) -> None:
    case.hold_meeting(at=when, participants=["vc", "hemtjanst"])


def ready(case: SipCase, when: dt.datetime, follow_up: dt.date) -> None:
    """Fill and document the draft at ``when``."""
    case.add_need(at=when, text="Stöd i hemmet")
    case.add_intervention(at=when, text="Hemtjänst", unit="hemtjanst")
    case.set_follow_up(at=when, date=follow_up)
    case.document_plan(at=when)


# --- discharge_invitation: 3 calendar days after the notice, rolled (Lag 2017:612 4:3) ----------


class TestDischargeInvitation:
    NOTICE = at(2025, 12, 22, 10)  # Monday; day 3 is juldagen → Monday 29 December

    def case(self) -> SipCase:
        return consented(at(2025, 12, 22, 11), discharge_notice_at=self.NOTICE)

    def test_due_date_rolls_past_christmas(self) -> None:
        found = only(self.case(), at(2025, 12, 22, 12), "discharge_invitation")
        assert found.due == D(2025, 12, 29)

    def test_unit_is_the_fast_vardkontakts_none_before_one_is_appointed(self) -> None:
        """Lag (2017:612) 4 kap. 3 §: the kallelse is sent by the patient's fast vårdkontakt,
        not by whoever opened the case (a coordinator is not one)."""
        case = self.case()
        case.appoint_coordinator(at=at(2025, 12, 22, 11, 30), person="Bo Ek", unit="psyk")
        assert only(case, at(2025, 12, 22, 12), "discharge_invitation").unit is None
        case.appoint_fast_vardkontakt(at=at(2025, 12, 22, 13), person="Eva Lund", unit="psyk")
        assert only(case, at(2025, 12, 22, 12), "discharge_invitation").unit is None
        assert only(case, at(2025, 12, 22, 14), "discharge_invitation").unit == "psyk"

    def test_does_not_exist_before_the_case_is_opened(self) -> None:
        assert kinds(self.case(), at(2025, 12, 22, 10, 59)) == []

    def test_only_a_discharge_case_has_it(self) -> None:
        assert kinds(consented(at(2025, 12, 22, 11)), at(2025, 12, 24)) == []

    def test_due_today_is_open(self) -> None:
        case = self.case()
        assert only(case, at(2025, 12, 29, 23, 59), "discharge_invitation").status == "open"

    def test_due_yesterday_and_unmet_is_overdue(self) -> None:
        case = self.case()
        assert only(case, at(2025, 12, 30, 0, 0), "discharge_invitation").status == "overdue"

    def test_met_on_the_due_date(self) -> None:
        case = self.case()
        invite(case, at(2025, 12, 29, 16))
        met = only(case, at(2025, 12, 29, 16), "discharge_invitation")
        assert (met.status, met.met_at) == ("met", at(2025, 12, 29, 16))
        assert only(case, at(2025, 12, 29, 15, 59), "discharge_invitation").met_at is None

    def test_met_late_is_met_with_met_at(self) -> None:
        case = self.case()
        invite(case, at(2026, 1, 2, 9))
        assert only(case, at(2026, 1, 1, 12), "discharge_invitation").status == "overdue"
        late = only(case, at(2026, 1, 2, 10), "discharge_invitation")
        assert (late.status, late.met_at, late.due) == ("met", at(2026, 1, 2, 9), D(2025, 12, 29))

    def test_cancelled_by_close(self) -> None:
        case = self.case()
        case.record_death(at=at(2025, 12, 23, 8))
        assert only(case, at(2025, 12, 23, 7), "discharge_invitation").status == "open"
        assert only(case, at(2025, 12, 23, 8), "discharge_invitation").status == "cancelled"
        assert only(case, at(2026, 2, 1), "discharge_invitation").status == "cancelled"

    def test_cancelled_when_closed_after_it_was_overdue(self) -> None:
        case = self.case()
        case.withdraw_consent(at=at(2026, 1, 5, 9))
        assert only(case, at(2026, 1, 5, 8), "discharge_invitation").status == "overdue"
        assert only(case, at(2026, 1, 5, 9), "discharge_invitation").status == "cancelled"

    def test_a_recalled_invitation_still_met_it(self) -> None:
        case = self.case()
        invite(case, at(2025, 12, 23, 9))
        case.revoke_invitation(at=at(2025, 12, 23, 10))
        assert only(case, at(2026, 1, 10), "discharge_invitation").status == "met"


# --- answer_invitation: Västmanland, 1 working day after sending -----------------------------


class TestAnswerInvitation:
    SENT = at(2026, 12, 23, 10)  # Wednesday before julafton → due Monday 28 December

    def case(self, *invitees: str) -> SipCase:
        case = consented(at(2026, 12, 21, 9), "vastmanland")
        invite(case, self.SENT, *invitees)
        return case

    def test_one_per_invitee_due_one_working_day_later(self) -> None:
        case = self.case("hemtjanst", "psyk")
        found = case.obligations(self.SENT)
        assert [(o.kind, o.unit, o.due) for o in found] == [
            ("answer_invitation", "hemtjanst", D(2026, 12, 28)),
            ("answer_invitation", "psyk", D(2026, 12, 28)),
        ]

    def test_does_not_exist_before_the_invitation(self) -> None:
        assert kinds(self.case(), self.SENT - dt.timedelta(seconds=1)) == []

    def test_national_has_no_answer_deadline(self) -> None:
        case = consented(at(2026, 12, 21, 9))
        invite(case, self.SENT)
        assert kinds(case, at(2027, 1, 10)) == []

    def test_due_today_is_open_and_overdue_the_day_after(self) -> None:
        case = self.case()
        assert only(case, at(2026, 12, 28, 23, 59), "answer_invitation").status == "open"
        assert only(case, at(2026, 12, 29, 0, 0), "answer_invitation").status == "overdue"

    def test_met_on_the_due_date(self) -> None:
        case = self.case()
        case.answer_invitation(at=at(2026, 12, 28, 17), unit="hemtjanst", attending=True)
        met = only(case, at(2026, 12, 28, 17), "answer_invitation")
        assert (met.status, met.met_at) == ("met", at(2026, 12, 28, 17))

    def test_met_late_keeps_the_first_answer(self) -> None:
        case = self.case()
        case.answer_invitation(at=at(2026, 12, 30, 9), unit="hemtjanst", attending=True)
        case.answer_invitation(
            at=at(2026, 12, 30, 10), unit="hemtjanst", attending=False, substitute="Bo Ek"
        )
        late = only(case, at(2027, 1, 4), "answer_invitation")
        assert (late.status, late.met_at) == ("met", at(2026, 12, 30, 9))

    def test_an_answer_meets_only_its_own_unit(self) -> None:
        case = self.case("hemtjanst", "psyk")
        case.answer_invitation(at=at(2026, 12, 24, 9), unit="psyk", attending=True)
        when = at(2026, 12, 29)
        assert only(case, when, "answer_invitation", "psyk").status == "met"
        assert only(case, when, "answer_invitation", "hemtjanst").status == "overdue"

    def test_cancelled_by_revoke(self) -> None:
        case = self.case()
        case.revoke_invitation(at=at(2026, 12, 23, 11))
        assert only(case, at(2026, 12, 23, 10, 59), "answer_invitation").status == "open"
        assert only(case, at(2026, 12, 23, 11), "answer_invitation").status == "cancelled"
        assert only(case, at(2027, 1, 10), "answer_invitation").status == "cancelled"

    def test_a_new_invitation_starts_a_new_deadline(self) -> None:
        case = self.case()
        case.revoke_invitation(at=at(2026, 12, 23, 11))
        invite(case, at(2026, 12, 28, 9))
        found = case.obligations(at(2026, 12, 28, 12))
        assert [(o.due, o.status) for o in found] == [
            (D(2026, 12, 28), "cancelled"),
            (D(2026, 12, 29), "open"),
        ]

    def test_cancelled_by_close(self) -> None:
        case = self.case()
        case.close_case(at=at(2026, 12, 30, 9), reason="no_longer_needed")
        assert only(case, at(2026, 12, 30, 8), "answer_invitation").status == "overdue"
        assert only(case, at(2026, 12, 30, 9), "answer_invitation").status == "cancelled"

    def test_met_stays_met_after_close(self) -> None:
        case = self.case()
        case.answer_invitation(at=at(2026, 12, 24, 9), unit="hemtjanst", attending=True)
        case.withdraw_consent(at=at(2026, 12, 30, 9))
        assert only(case, at(2027, 1, 30), "answer_invitation").status == "met"


# --- document_plan: Västmanland, 2 working days after the meeting ----------------------------


class TestDocumentPlan:
    MEETING = at(2026, 6, 18, 13)  # Thursday; midsommarafton Friday → due Tuesday 23 June

    def case(self) -> SipCase:
        case = consented(at(2026, 6, 8, 9), "vastmanland")
        invite(case, at(2026, 6, 9, 9))
        meeting(case, self.MEETING)
        return case

    def test_due_two_working_days_after_the_meeting_over_midsummer(self) -> None:
        found = only(self.case(), self.MEETING, "document_plan")
        assert (found.due, found.unit, found.status) == (D(2026, 6, 23), "vc", "open")

    def test_does_not_exist_before_the_meeting(self) -> None:
        assert "document_plan" not in kinds(self.case(), self.MEETING - dt.timedelta(minutes=1))

    def test_national_has_no_documentation_deadline(self) -> None:
        case = consented(at(2026, 6, 8, 9))
        invite(case, at(2026, 6, 9, 9))
        meeting(case, self.MEETING)
        assert "document_plan" not in kinds(case, at(2026, 7, 1))

    def test_due_today_is_open_due_yesterday_is_overdue(self) -> None:
        case = self.case()
        assert only(case, at(2026, 6, 23, 23, 59), "document_plan").status == "open"
        assert only(case, at(2026, 6, 24, 0, 0), "document_plan").status == "overdue"

    def test_met_on_the_due_date_and_an_edit_does_not_reopen_it(self) -> None:
        case = self.case()
        case.add_need(at=at(2026, 6, 23, 15), text="Stöd")
        case.document_plan(at=at(2026, 6, 23, 16))
        case.add_note(at=at(2026, 6, 24, 9), text="Tillägg")  # the draft is unsigned again
        for when in (at(2026, 6, 23, 16), at(2026, 6, 30)):
            found = only(case, when, "document_plan")
            assert (found.status, found.met_at) == ("met", at(2026, 6, 23, 16))

    def test_met_late_is_met_with_met_at(self) -> None:
        case = self.case()
        case.document_plan(at=at(2026, 6, 25, 9))
        assert only(case, at(2026, 6, 24, 9), "document_plan").status == "overdue"
        late = only(case, at(2026, 6, 25, 9), "document_plan")
        assert (late.status, late.met_at) == ("met", at(2026, 6, 25, 9))

    def test_owed_by_the_coordinator_in_office(self) -> None:
        case = self.case()
        case.appoint_coordinator(at=at(2026, 6, 19, 9), person="Lars Ek", unit="hemtjanst")
        assert only(case, at(2026, 6, 18, 14), "document_plan").unit == "vc"
        assert only(case, at(2026, 6, 19, 9), "document_plan").unit == "hemtjanst"

    def test_a_follow_up_starts_a_new_one(self) -> None:
        case = self.case()
        ready(case, at(2026, 6, 18, 14), D(2026, 9, 15))
        case.approve_plan(at=at(2026, 6, 18, 15), by=COORDINATOR)
        case.start_follow_up(at=at(2026, 9, 15, 10))  # Tuesday → due Thursday 17 September
        found = [o for o in case.obligations(at(2026, 9, 18)) if o.kind == "document_plan"]
        assert [(o.due, o.status) for o in found] == [
            (D(2026, 6, 23), "met"),
            (D(2026, 9, 17), "overdue"),
        ]

    def test_cancelled_by_close(self) -> None:
        case = self.case()
        case.close_case(at=at(2026, 6, 22, 9), reason="no_longer_needed")
        assert only(case, at(2026, 6, 22, 8), "document_plan").status == "open"
        assert only(case, at(2026, 6, 30), "document_plan").status == "cancelled"


# --- follow_up: the approved version's follow-up date ----------------------------------------


class TestFollowUp:
    APPROVED = at(2026, 3, 16, 15)

    def case(self) -> SipCase:
        case = consented(at(2026, 3, 2, 9))
        invite(case, at(2026, 3, 3, 9))
        meeting(case, at(2026, 3, 16, 13))
        ready(case, at(2026, 3, 16, 14), D(2026, 6, 1))
        case.approve_plan(at=self.APPROVED, by=COORDINATOR)
        return case

    def test_starts_at_approval_owed_by_the_coordinators_unit(self) -> None:
        case = self.case()
        assert "follow_up" not in kinds(case, self.APPROVED - dt.timedelta(seconds=1))
        found = only(case, self.APPROVED, "follow_up")
        assert (found.unit, found.due, found.status) == ("vc", D(2026, 6, 1), "open")

    def test_due_today_is_open_due_yesterday_is_overdue(self) -> None:
        case = self.case()
        assert only(case, at(2026, 6, 1, 23, 59), "follow_up").status == "open"
        assert only(case, at(2026, 6, 2, 0, 0), "follow_up").status == "overdue"

    def test_met_on_the_due_date(self) -> None:
        case = self.case()
        case.start_follow_up(at=at(2026, 6, 1, 10))
        found = only(case, at(2026, 6, 1, 10), "follow_up")
        assert (found.status, found.met_at) == ("met", at(2026, 6, 1, 10))

    def test_met_late_is_met_with_met_at(self) -> None:
        case = self.case()
        case.start_follow_up(at=at(2026, 6, 12, 10))
        assert only(case, at(2026, 6, 12, 9), "follow_up").status == "overdue"
        found = only(case, at(2026, 6, 13), "follow_up")
        assert (found.status, found.met_at) == ("met", at(2026, 6, 12, 10))

    def test_cancelled_by_close(self) -> None:
        case = self.case()
        case.close_case(at=at(2026, 5, 4, 9), reason="goals_met")
        assert only(case, at(2026, 5, 4, 8), "follow_up").status == "open"
        assert only(case, at(2026, 6, 2), "follow_up").status == "cancelled"

    def test_the_next_version_owes_its_own(self) -> None:
        case = self.case()
        case.start_follow_up(at=at(2026, 6, 1, 10))
        ready(case, at(2026, 6, 1, 11), D(2026, 12, 1))
        case.approve_plan(at=at(2026, 6, 1, 12), by=COORDINATOR)
        found = [o for o in case.obligations(at(2026, 6, 2)) if o.kind == "follow_up"]
        assert [(o.due, o.status) for o in found] == [
            (D(2026, 6, 1), "met"),
            (D(2026, 12, 1), "open"),
        ]


# --- properties over random cases ----------------------------------------------------------------

INVITEES = st.lists(st.sampled_from(["hemtjanst", "psyk"]), min_size=1, max_size=2, unique=True)
CLOSING = ("close_case", "withdraw_consent")


def _arguments(draw: st.DrawFn, command: str, when: dt.datetime) -> dict[str, Any]:
    """Drawn arguments of ``command`` at ``when`` (some are refused by a rule)."""
    if command == "record_consent":
        return {"given_by": "person", "form": "written", "parties": ["vc", "hemtjanst", "psyk"],
                "valid_until": D(2027, 12, 31)}
    if command == "appoint_coordinator":
        return {"person": COORDINATOR, "unit": draw(st.sampled_from(["vc", "hemtjanst"]))}
    if command == "send_invitation":
        return {"meeting_at": when + dt.timedelta(days=7), "place": "VC", "form": "video",
                "invitees": draw(INVITEES)}
    if command == "answer_invitation":
        return {"unit": draw(st.sampled_from(["hemtjanst", "psyk"])), "attending": True}
    if command == "hold_meeting":
        return {"participants": ["vc"]}
    if command == "add_intervention":
        return {"text": "Insats", "unit": "hemtjanst"}
    if command == "set_follow_up":
        return {"date": when.date() + dt.timedelta(days=draw(st.integers(1, 30)))}
    if command == "approve_plan":
        return {"by": COORDINATOR}
    if command == "close_case":
        return {"reason": "goals_met"}
    return {"text": "Behov"} if command == "add_need" else {}


# The commands drawn, those that move a case forward first (Hypothesis draws early entries
# more often); closing is a separate, rare draw.
FORWARD = (
    "plan", "hold_meeting", "send_invitation", "record_consent", "appoint_coordinator",
    "start_follow_up", "answer_invitation", "document_plan", "approve_plan", "add_need",
    "add_intervention", "set_follow_up", "revoke_invitation",
)
PLAN = ("add_need", "add_intervention", "set_follow_up", "document_plan", "approve_plan")


@st.composite
def random_cases(draw: st.DrawFn) -> SipCase:
    """A case opened 2026-03-02 under national or Västmanland (maybe a discharge case), driven
    by 0–40 drawn commands that its phase allows, hours or days apart. "plan" (a need, an
    intervention, a follow-up date, documenting and approving, in a row) gets a draft
    approved; about one command in sixteen closes the case. A command a rule refuses leaves
    no trace."""
    clock = Clock()
    notice = draw(st.sampled_from([None, at(2026, 3, 2, 8)]))
    case = opened(clock.now, draw(st.sampled_from(["national", "vastmanland"])),
                  discharge_notice_at=notice)
    for _ in range(draw(st.integers(0, 40))):
        allowed = states.allowed_commands(case.phase)
        if not allowed:
            break
        if draw(st.integers(0, 15)) == 7:
            choice = draw(st.sampled_from(CLOSING))
        else:
            pool = [c for c in FORWARD if c in allowed or (c == "plan" and "add_need" in allowed)]
            choice = draw(st.sampled_from(pool))
        when = clock(hours=draw(st.integers(0, 60)))
        for command in PLAN if choice == "plan" else (choice,):
            with contextlib.suppress(Refusal):
                case.execute(command, at=when, **_arguments(draw, command, when))
    return case


def _times(case: SipCase) -> st.SearchStrategy[dt.datetime]:
    first, last = case.events[0].at, case.events[-1].at + dt.timedelta(days=30)
    seconds = int((last - first).total_seconds())
    return st.integers(-3600, seconds).map(lambda s: first + dt.timedelta(seconds=s))


def _key(o: Obligation) -> tuple[str, dt.datetime, str | None]:
    # Which obligation this is, whatever the time: the coordinator's kinds change unit with
    # the coordinator in office, an invitee's answer keeps its unit.
    return (o.kind, o.starts_at, o.unit if o.kind == "answer_invitation" else None)


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_a_met_obligation_stays_met_and_an_existing_one_keeps_existing(data: st.DataObject) -> None:
    case = data.draw(random_cases())
    earlier, later = sorted(data.draw(st.lists(_times(case), min_size=2, max_size=2)))
    before = {_key(o): o for o in case.obligations(earlier)}
    after = {_key(o): o for o in case.obligations(later)}
    assert set(before) <= set(after)
    for key, o in before.items():
        if o.status == "met":
            assert after[key].status == "met"
            assert after[key].met_at == o.met_at
        if o.status == "cancelled":
            assert after[key].status == "cancelled"


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_status_as_of_t_never_depends_on_events_after_t(data: st.DataObject) -> None:
    case = data.draw(random_cases())
    when = data.draw(_times(case))
    upto = [e for e in case.events if e.at <= when]
    if not upto:
        assert case.obligations(when) == ()
        return
    replayed = SipCase.replay(upto, profile=case.profile)
    assert replayed.obligations(when) == case.obligations(when)


# --- obligations_due across cases ----------------------------------------------------------------


def test_obligations_due_sorts_by_due_date_and_leaves_out_met_and_cancelled() -> None:
    late_discharge = consented(at(2026, 3, 2, 11), discharge_notice_at=at(2026, 3, 2, 10))
    late_discharge.appoint_fast_vardkontakt(at=at(2026, 3, 2, 12), person="Eva", unit="vc")
    answered = consented(at(2026, 3, 2, 9), "vastmanland")
    invite(answered, at(2026, 3, 3, 9), "hemtjanst", "psyk")  # due Wednesday 4 March
    answered.answer_invitation(at=at(2026, 3, 3, 10), unit="psyk", attending=True)
    revoked = consented(at(2026, 3, 2, 9), "vastmanland")
    invite(revoked, at(2026, 3, 2, 10))
    revoked.revoke_invitation(at=at(2026, 3, 2, 11))
    active, _ = walk("active")
    follow_up = only(active, at(2026, 3, 20), "follow_up").due
    closed = consented(at(2026, 3, 2, 11), discharge_notice_at=at(2026, 3, 2, 10))
    closed.close_case(at=at(2026, 3, 3, 9), reason="no_longer_needed")

    as_of = at(2026, 3, 10, 12)
    cases = [active, closed, revoked, answered, late_discharge]
    due = obligations_due(cases, as_of)
    assert [(c, o.kind, o.unit, o.due, o.status) for c, o in due] == [
        (answered, "answer_invitation", "hemtjanst", D(2026, 3, 4), "overdue"),
        (late_discharge, "discharge_invitation", "vc", D(2026, 3, 5), "overdue"),
        (active, "follow_up", "vc", follow_up, "open"),
    ]
    assert follow_up > D(2026, 3, 10)
    assert obligations_due([], as_of) == []


def test_obligations_due_keeps_the_order_of_the_cases_on_the_same_day() -> None:
    first = consented(at(2026, 3, 2, 11), discharge_notice_at=at(2026, 3, 2, 10))
    second = consented(at(2026, 3, 2, 12), discharge_notice_at=at(2026, 3, 2, 9))
    due = obligations_due([second, first], at(2026, 3, 3))
    assert [c for c, _ in due] == [second, first]
    assert [o.due for _, o in due] == [D(2026, 3, 5)] * 2


def test_obligations_due_leaves_out_what_does_not_exist_yet() -> None:
    case = consented(at(2026, 3, 2, 11), discharge_notice_at=at(2026, 3, 2, 10))
    assert obligations_due([case], at(2026, 3, 2, 10, 59)) == []
    assert len(obligations_due([case], at(2026, 3, 2, 11))) == 1


@pytest.mark.parametrize(
    ("sent", "due"),
    [
        (at(2026, 3, 4, 9), D(2026, 3, 5)),  # Wednesday → Thursday
        (at(2026, 3, 6, 9), D(2026, 3, 9)),  # Friday → Monday
        (at(2026, 4, 2, 9), D(2026, 4, 7)),  # Thursday before långfredagen → Tuesday after Easter
        (at(2026, 12, 30, 9), D(2027, 1, 4)),  # Wednesday before nyårsafton → Monday
    ],
)
def test_vastmanland_one_working_day(sent: dt.datetime, due: dt.date) -> None:
    case = consented(sent - dt.timedelta(days=1), "vastmanland")
    invite(case, sent)
    assert only(case, sent, "answer_invitation").due == due


@pytest.mark.parametrize(
    ("profile_name", "titles"),
    [("national", set()), ("jonkoping", {"jonkoping"}), ("vastmanland", {"vastmanland"})],
)
def test_an_obligations_sources_are_its_regions_routines_only(
    profile_name: str, titles: set[str]
) -> None:
    """DOMAIN.md §5.1 for obligations: a region's routine is cited under its own profile only
    (the follow-up obligation cites the Jönköping and the Västmanland routines)."""
    from sipcore.legal import CATALOGUE

    case, clock = walk("active", profile_name=profile_name)
    follow_up = next(o for o in case.obligations(clock()) if o.kind == "follow_up")
    regions = {CATALOGUE[s.key].region for s in follow_up.sources}
    assert regions == titles
