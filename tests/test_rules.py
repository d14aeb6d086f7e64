"""Every rule of DOMAIN.md §5: a case it refuses (the id is named, the case is unchanged) and the
same command allowed; the check order of §4; bad input; KVÅ codes (§8); what every event carries.

Times are Europe/Stockholm. Where a test crosses midnight it uses 00:30 local time, which is
still the day before in UTC: the local date decides.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from typing import Any

import pytest

from helpers import (
    ADULT,
    CHILD,
    CHILD_ONE_GUARDIAN,
    COORDINATOR,
    EDITS,
    START,
    UNITS,
    Clock,
    at,
    consent_args,
    fill_plan,
    invitation,
    profile,
    refuse,
    valid_args,
    walk,
)
from sipcore import states
from sipcore.case import SipCase
from sipcore.commands import RecordConsent
from sipcore.consent import Consent, Person, consent_required
from sipcore.errors import InputError, InputTypeError, Refusal, RuleViolation, TransitionNotAllowed
from sipcore.rules import Context, registry


def utc_day(when: dt.datetime) -> dt.date:
    return when.astimezone(dt.UTC).date()


def drafted(
    profile_name: str = "national",
    *,
    person: Person = ADULT,
    coordinator: bool = True,
    valid_until: dt.date = dt.date(2030, 12, 31),
    **plan: Any,
) -> tuple[SipCase, Clock]:
    """A case in ``drafting`` whose plan :func:`fill_plan` filled with ``plan``'s options."""
    clock = Clock()
    case = SipCase.open_case(
        at=clock.now, profile=profile(profile_name), person=person, units=UNITS,
        initiated_by="staff", unit="vc",
    )
    case.record_consent(at=clock(), **consent_args(person, valid_until=valid_until))
    if coordinator:
        case.appoint_coordinator(at=clock(), person=COORDINATOR, unit="vc")
    case.send_invitation(**invitation(clock()))
    view = {"child_view": "Vill bo hemma"} if person.guardians else {}
    case.hold_meeting(at=clock(), participants=["vc", "hemtjanst"], **view)
    fill_plan(case, clock, **plan)
    return case, clock


# --- consent.required --------------------------------------------------------------------------


class TestConsentRequired:
    def test_valid_until_equal_to_local_date_is_in_force_the_day_after_is_not(self) -> None:
        case, _ = walk("coordinated", valid_until=dt.date(2026, 3, 10))
        just_after = at(2026, 3, 11, 0, 30)
        assert utc_day(just_after) == dt.date(2026, 3, 10)
        refuse(case, "send_invitation", "consent.required", **invitation(just_after))
        case.send_invitation(**invitation(at(2026, 3, 10, 23, 59)))
        assert case.phase == "invited"

    def test_hold_meeting(self) -> None:
        case, _ = walk("answered", valid_until=dt.date(2026, 3, 5))
        refuse(case, "hold_meeting", "consent.required", at=at(2026, 3, 6, 0, 30),
               participants=["vc"])
        case.hold_meeting(at=at(2026, 3, 5, 15), participants=["vc"])
        assert case.phase == "drafting"

    def test_approve_plan(self) -> None:
        case, _ = drafted(valid_until=dt.date(2026, 3, 12))
        refuse(case, "approve_plan", "consent.required", at=at(2026, 3, 13, 0, 30),
               by=COORDINATOR)
        case.approve_plan(at=at(2026, 3, 12, 23, 0), by=COORDINATOR)
        assert case.phase == "active"

    def test_start_follow_up(self) -> None:
        case, _ = walk("active", valid_until=dt.date(2026, 3, 20))
        refuse(case, "start_follow_up", "consent.required", at=at(2026, 3, 21, 0, 30))
        case.start_follow_up(at=at(2026, 3, 20, 9))
        assert case.phase == "drafting"

    def test_without_any_consent_no_meeting_is_held(self) -> None:
        # Consent given in phase opened is the only way on; an expired one is no consent.
        case, _ = walk("invited", valid_until=dt.date(2026, 3, 2))
        refuse(case, "hold_meeting", "consent.required", at=at(2026, 3, 9),
               participants=["vc"])

    def test_consent_given_after_at_is_not_in_force(self) -> None:
        given = at(2026, 3, 2, 10)
        consent = Consent(given, RecordConsent(given_by="person", form="written", parties=("vc",),
                                               valid_until=dt.date(2030, 1, 1)))
        assert not consent.in_force(given - dt.timedelta(minutes=1), dt.date(2026, 3, 2), False)
        assert consent.in_force(given, dt.date(2026, 3, 2), False)
        # The rule reads the same: a consent recorded at 10:00 is not in force at 09:59.
        case, _ = walk("opened")
        case.record_consent(at=given, **consent_args(ADULT))
        before = Context(case, case.profile, given - dt.timedelta(minutes=1),
                         dt.date(2026, 3, 2), "send_invitation", None)
        assert consent_required(before) is not None
        at_ten = Context(case, case.profile, given, dt.date(2026, 3, 2), "send_invitation", None)
        assert consent_required(at_ten) is None


# --- consent.scope -----------------------------------------------------------------------------


class TestConsentScope:
    def test_unit_outside_every_consent_is_refused_and_named(self) -> None:
        case, clock = walk("coordinated")
        refusal = refuse(case, "send_invitation", "consent.scope",
                         **invitation(clock(), ("hemtjanst", "psyk")))
        assert refusal.ids == ("consent.scope",)
        assert "psyk" in refusal.message("en")
        case.send_invitation(**invitation(clock(), ("hemtjanst",)))

    def test_consents_add_up_across_parties(self) -> None:
        case, clock = walk("coordinated")
        refuse(case, "send_invitation", "consent.scope", **invitation(clock(), ("psyk",)))
        case.record_consent(at=clock(), **consent_args(ADULT, parties=("psyk",)))
        case.send_invitation(**invitation(clock(), ("hemtjanst", "psyk")))
        assert case.phase == "invited"

    def test_an_expired_consent_covers_nobody(self) -> None:
        case, clock = walk("coordinated", valid_until=dt.date(2026, 3, 5))
        case.record_consent(at=clock(), **consent_args(ADULT, parties=("psyk",)))
        refusal = refuse(case, "send_invitation", "consent.scope",
                         **invitation(at(2026, 3, 6), ("hemtjanst",)))
        assert "consent.required" not in refusal.ids
        case.send_invitation(**invitation(at(2026, 3, 6), ("psyk",)))

    def test_meeting_participants(self) -> None:
        case, clock = walk("answered")
        refuse(case, "hold_meeting", "consent.scope", at=clock(), participants=["vc", "soc"])
        case.hold_meeting(at=clock(), participants=["vc", "hemtjanst"])

    def test_follow_up_participants(self) -> None:
        case, clock = walk("active")
        refuse(case, "start_follow_up", "consent.scope", at=clock(), participants=["soc"])
        case.start_follow_up(at=clock(), participants=["hemtjanst"])


# --- consent.time_limited, consent.oral_documented ------------------------------------------


class TestConsentTimeLimited:
    @pytest.mark.parametrize("until", [None, dt.date(2026, 3, 1)])
    def test_missing_or_past_valid_until_refused(self, until: dt.date | None) -> None:
        case, clock = walk("opened")
        args = consent_args(ADULT) | {"valid_until": until}
        refuse(case, "record_consent", "consent.time_limited", at=clock(), **args)

    def test_valid_until_missing_entirely_is_the_rule_not_bad_input(self) -> None:
        case, clock = walk("opened")
        args = consent_args(ADULT)
        del args["valid_until"]
        refuse(case, "record_consent", "consent.time_limited", at=clock(), **args)

    @pytest.mark.parametrize(("until", "said"), [
        ("2027-01-01", "from Python, a datetime.date"),
        (dt.datetime(2027, 1, 1, tzinfo=dt.UTC), "not a datetime"),
    ])
    def test_valid_until_of_another_type_is_bad_input_saying_what_it_is(
        self, until: object, said: str
    ) -> None:
        case, clock = walk("opened")
        with pytest.raises(InputTypeError, match=f"valid_until: expected a date .*{said}"):
            case.record_consent(at=clock(), **consent_args(ADULT) | {"valid_until": until})

    def test_valid_until_on_the_local_date_is_allowed(self) -> None:
        case, clock = walk("opened")
        case.record_consent(at=clock(), **consent_args(ADULT) | {"valid_until": START_DAY})
        assert case.phase == "consented"

    def test_local_date_decides(self) -> None:
        case, _ = walk("opened")
        when = at(2026, 3, 3, 0, 30)
        assert utc_day(when) == START_DAY
        args = consent_args(ADULT) | {"valid_until": START_DAY}
        refuse(case, "record_consent", "consent.time_limited", at=when, **args)


START_DAY = dt.date(2026, 3, 2)


class TestConsentOralDocumented:
    @pytest.mark.parametrize("ref", [None, "", "   "])
    def test_oral_without_journal_ref_refused(self, ref: str | None) -> None:
        case, clock = walk("opened")
        args = consent_args(ADULT) | {"form": "oral", "journal_ref": ref}
        refuse(case, "record_consent", "consent.oral_documented", at=clock(), **args)

    def test_oral_with_journal_ref_and_written_without(self) -> None:
        case, clock = walk("opened")
        case.record_consent(at=clock(), **consent_args(ADULT) | {"form": "oral",
                                                                 "journal_ref": "J-2026-17"})
        case.record_consent(at=clock(), **consent_args(ADULT))
        assert [c.form for c in case.consents] == ["oral", "written"]
        assert case.consents[0].journal_ref == "J-2026-17"


# --- consent.guardians -------------------------------------------------------------------------


def guardians_consent(*guardians: str) -> dict[str, Any]:
    return consent_args(ADULT) | {"given_by": "guardians", "guardians": list(guardians)}


class TestConsentGuardians:
    @pytest.mark.parametrize(
        "args",
        [
            guardians_consent("g1"),  # a custodial guardian missing
            guardians_consent(),
            consent_args(ADULT) | {"given_by": "guardians"},  # guardians not named at all
            consent_args(ADULT),  # given_by="person"
            consent_args(ADULT) | {"given_by": "representative"},
            guardians_consent("g1", "g2", "g3"),  # g3 is no guardian of this child
        ],
        ids=["one_of_two", "none", "absent", "person", "representative", "stranger"],
    )
    def test_child_with_two_guardians_refused(self, args: dict[str, Any]) -> None:
        case, clock = walk("opened", person=CHILD)
        refuse(case, "record_consent", "consent.guardians", at=clock(), **args)

    @pytest.mark.parametrize("order", [("g1", "g2"), ("g2", "g1")])
    def test_child_with_every_guardian_allowed(self, order: tuple[str, str]) -> None:
        case, clock = walk("opened", person=CHILD)
        case.record_consent(at=clock(), **guardians_consent(*order))
        assert case.phase == "consented"

    def test_child_with_one_guardian(self) -> None:
        case, clock = walk("opened", person=CHILD_ONE_GUARDIAN)
        refuse(case, "record_consent", "consent.guardians", at=clock(), **consent_args(ADULT))
        case.record_consent(at=clock(), **guardians_consent("g1"))

    def test_child_without_declared_guardians_refused(self) -> None:
        case, clock = walk("opened", person=Person(dt.date(2015, 5, 1)))
        refuse(case, "record_consent", "consent.guardians", at=clock(), **guardians_consent())

    def test_eighteenth_birthday_on_the_local_date(self) -> None:
        turning = Person(dt.date(2008, 3, 3), ("g1", "g2"))
        case, _ = walk("opened", person=turning)
        refuse(case, "record_consent", "consent.guardians", at=at(2026, 3, 2, 23, 30),
               **consent_args(ADULT))
        midnight = at(2026, 3, 3, 0, 30)
        assert utc_day(midnight) == dt.date(2026, 3, 2)
        case.record_consent(at=midnight, **consent_args(ADULT))
        assert case.consents[-1].given_by == "person"

    def test_the_day_before_the_birthday_the_guardians_give_it(self) -> None:
        turning = Person(dt.date(2008, 3, 3), ("g1", "g2"))
        case, _ = walk("opened", person=turning)
        case.record_consent(at=at(2026, 3, 2, 23, 30), **guardians_consent("g1", "g2"))

    def test_an_adult_has_no_guardians_to_give_it(self) -> None:
        case, clock = walk("opened")
        refuse(case, "record_consent", "consent.guardians", at=clock(), **guardians_consent())


# --- coordinator.principal ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile_name", "person", "unit", "allowed"),
    [
        ("national", ADULT, "vc", True),
        ("national", ADULT, "hemtjanst", True),
        ("national", ADULT, "fk", False),
        ("national", ADULT, "skola", False),
        ("national", CHILD, "skola", False),
        ("jonkoping", CHILD, "skola", True),
        ("jonkoping", ADULT, "skola", False),
        ("jonkoping", CHILD, "fk", False),
        ("vastmanland", CHILD, "skola", False),
    ],
)
def test_coordinator_principal(
    profile_name: str, person: Person, unit: str, allowed: bool
) -> None:
    case, clock = walk("opened", profile_name=profile_name, person=person)
    if allowed:
        case.appoint_coordinator(at=clock(), person="Bo Ek", unit=unit)
        assert case.coordinator is not None and case.coordinator.unit == unit
    else:
        refusal = refuse(case, "appoint_coordinator", "coordinator.principal", at=clock(),
                         person="Bo Ek", unit=unit)
        assert unit in refusal.message("en")


def test_a_later_coordinator_replaces_the_earlier() -> None:
    case, clock = walk("active")
    case.appoint_coordinator(at=clock(), person="Bo Ek", unit="hemtjanst")
    assert case.coordinator is not None and case.coordinator.person == "Bo Ek"
    assert case.phase == "active"


# --- invitation.coordinator, invitation.substitute, invitation.not_invited -------------------


class TestInvitation:
    @pytest.mark.parametrize("profile_name", ["national", "jonkoping"])
    def test_coordinator_not_needed_where_the_profile_says_off(self, profile_name: str) -> None:
        case, clock = walk("consented", profile_name=profile_name)
        outcome = case.send_invitation(**invitation(clock()))
        assert case.phase == "invited" and outcome.advice == ()

    def test_coordinator_needed_in_vastmanland(self) -> None:
        case, clock = walk("consented", profile_name="vastmanland")
        refuse(case, "send_invitation", "invitation.coordinator", **invitation(clock()))
        case.appoint_coordinator(at=clock(), person=COORDINATOR, unit="vc")
        case.send_invitation(**invitation(clock()))
        assert case.phase == "invited"

    @pytest.mark.parametrize("substitute", [None, "", "  "])
    def test_absent_unit_without_substitute_is_advice_outside_jonkoping(
        self, substitute: str | None
    ) -> None:
        # DOMAIN.md v2 §5.1 (issue 11): the rule is Jönköping's routine; elsewhere a should.
        case, clock = walk("invited")
        outcome = case.answer_invitation(at=clock(), unit="hemtjanst", attending=False,
                                         substitute=substitute)
        assert outcome.advice_ids == ("invitation.substitute",)
        assert all(s.key != "src_000" for s in outcome.advice[0].sources)

    def test_substitute_or_attending(self) -> None:
        case, clock = walk("invited")
        case.answer_invitation(at=clock(), unit="hemtjanst", attending=True)
        case.answer_invitation(at=clock(), unit="hemtjanst", attending=False,
                               substitute="Eva Lund")
        invitation = case.invitations[-1]
        assert invitation.latest_answers["hemtjanst"].substitute == "Eva Lund"  # replaces
        assert invitation.first_answered["hemtjanst"] == invitation.answers[0].at  # kept

    def test_not_invited_unit_refused(self) -> None:
        case, clock = walk("invited")
        refusal = refuse(case, "answer_invitation", "invitation.not_invited", at=clock(),
                         unit="psyk", attending=True)
        assert refusal.ids == ("invitation.not_invited",)


# --- meeting.child_view ------------------------------------------------------------------------


class TestChildView:
    @pytest.mark.parametrize("view", [None, "", "  "])
    def test_child_without_view_refused(self, view: str | None) -> None:
        case, clock = walk("answered", person=CHILD)
        refuse(case, "hold_meeting", "meeting.child_view", at=clock(),
               participants=["vc", "hemtjanst"], child_view=view)

    @pytest.mark.parametrize("present", [True, False])
    def test_child_view_recorded_attending_or_not(self, present: bool) -> None:
        case, clock = walk("answered", person=CHILD)
        case.hold_meeting(at=clock(), participants=["vc"], person_present=present,
                          child_view="Vill bo kvar hos mamma")
        assert case.meetings[-1].child_view == "Vill bo kvar hos mamma"

    def test_adult_needs_no_child_view(self) -> None:
        case, clock = walk("answered")
        case.hold_meeting(at=clock(), participants=["vc"])
        assert case.phase == "drafting"


# --- plan.locked, plan.documented --------------------------------------------------------------

@pytest.mark.parametrize("command", list(EDITS))
def test_plan_locked(command: str) -> None:
    case, clock = walk("active")
    approved = case.versions[0]
    refusal = refuse(case, command, "plan.locked", at=clock(), **EDITS[command])
    assert refusal.ids == ("plan.locked",) and isinstance(refusal, RuleViolation)
    assert case.versions[0] is approved
    case.start_follow_up(at=clock())
    getattr(case, command)(at=clock(), **EDITS[command])
    assert case.versions[0] == approved and case.versions[1] != approved


class TestPlanDocumented:
    def test_undocumented_refused(self) -> None:
        case, clock = drafted(document=False)
        refusal = refuse(case, "approve_plan", "plan.documented", at=clock(), by=COORDINATOR)
        assert refusal.ids == ("plan.documented",)
        case.document_plan(at=clock())
        case.approve_plan(at=clock(), by=COORDINATOR)
        assert case.phase == "active"

    @pytest.mark.parametrize("command", list(EDITS))
    def test_an_edit_after_documenting_undocuments(self, command: str) -> None:
        case, clock = drafted()
        getattr(case, command)(at=clock(), **EDITS[command])
        assert case.versions[-1].documented_at is None
        assert case.versions[-1].first_documented_at is not None
        refuse(case, "approve_plan", "plan.documented", at=clock(), by=COORDINATOR)
        case.document_plan(at=clock())
        case.approve_plan(at=clock(), by=COORDINATOR)


# --- plan.contents -----------------------------------------------------------------------------


class TestPlanContents:
    @pytest.mark.parametrize("part", ["need", "intervention", "follow_up"])
    def test_each_missing_part_refused(self, part: str) -> None:
        case, clock = drafted(skip=(part,))
        refusal = refuse(case, "approve_plan", "plan.contents", at=clock(), by=COORDINATOR)
        assert refusal.ids == ("plan.contents",)
        assert part in refusal.findings[0].detail.parts  # type: ignore[union-attr]

    def test_missing_coordinator_refused(self) -> None:
        case, clock = drafted(coordinator=False)
        refusal = refuse(case, "approve_plan", "plan.contents", at=clock(), by=COORDINATOR)
        assert "coordinator" in refusal.findings[refusal.ids.index("plan.contents")].message_en
        case.appoint_coordinator(at=clock(), person=COORDINATOR, unit="hemtjanst")
        case.approve_plan(at=clock(), by=COORDINATOR)

    def test_follow_up_on_the_approval_local_date_refused_the_day_after_allowed(self) -> None:
        case, _ = drafted(follow_up=dt.date(2026, 3, 3))
        midnight = at(2026, 3, 3, 0, 30)
        assert utc_day(midnight) == dt.date(2026, 3, 2)
        refuse(case, "approve_plan", "plan.contents", at=midnight, by=COORDINATOR)
        case.approve_plan(at=at(2026, 3, 2, 23, 59), by=COORDINATOR)
        assert case.phase == "active"

    def test_follow_up_before_approval_refused(self) -> None:
        case, clock = drafted(follow_up=dt.date(2026, 3, 1))
        refuse(case, "approve_plan", "plan.contents", at=clock(), by=COORDINATOR)

    @pytest.mark.parametrize("place", [None, " "])
    def test_place_required_in_jonkoping(self, place: str | None) -> None:
        case, clock = drafted("jonkoping", place=place)  # set_follow_up accepts it
        refusal = refuse(case, "approve_plan", "plan.contents", at=clock(), by=COORDINATOR)
        assert "follow_up.place" in refusal.findings[0].detail.parts  # type: ignore[union-attr]
        case.set_follow_up(at=clock(), date=dt.date(2026, 9, 1), place="Skolan")
        case.document_plan(at=clock())
        case.approve_plan(at=clock(), by=COORDINATOR)

    @pytest.mark.parametrize("profile_name", ["national", "vastmanland"])
    def test_place_not_required_elsewhere(self, profile_name: str) -> None:
        case, clock = drafted(profile_name, place=None)
        case.approve_plan(at=clock(), by=COORDINATOR)
        assert case.phase == "active"


# --- plan.goal_horizons ------------------------------------------------------------------------


class TestGoalHorizons:
    @pytest.mark.parametrize("profile_name", ["national", "vastmanland"])
    @pytest.mark.parametrize("goals", [(), ("short",), ("long",)])
    def test_should_elsewhere_is_advice(self, profile_name: str, goals: tuple[str, ...]) -> None:
        case, clock = drafted(profile_name, goals=goals)
        outcome = case.approve_plan(at=clock(), by=COORDINATOR)
        assert case.phase == "active"
        assert outcome.advice_ids == ("plan.goal_horizons",)
        assert outcome.advice[0].level == "should"

    @pytest.mark.parametrize("goals", [(), ("short",), ("long",)])
    def test_must_in_jonkoping(self, goals: tuple[str, ...]) -> None:
        case, clock = drafted("jonkoping", goals=goals)
        refusal = refuse(case, "approve_plan", "plan.goal_horizons", at=clock(), by=COORDINATOR)
        assert refusal.findings[0].level == "must"
        case.add_goal(at=clock(), text="Kort", horizon="short")
        case.add_goal(at=clock(), text="Lång", horizon="long")
        case.document_plan(at=clock())
        assert case.approve_plan(at=clock(), by=COORDINATOR).advice == ()

    @pytest.mark.parametrize("profile_name", ["national", "vastmanland", "jonkoping"])
    def test_both_horizons_no_advice(self, profile_name: str) -> None:
        case, clock = drafted(profile_name)
        assert case.approve_plan(at=clock(), by=COORDINATOR).advice == ()


# --- plan.approver, plan.follow_up_needs_approved ----------------------------------------------


class TestApprover:
    def test_someone_else_refused(self) -> None:
        case, clock = drafted()
        refusal = refuse(case, "approve_plan", "plan.approver", at=clock(), by="Bo Ek")
        assert refusal.ids == ("plan.approver",)
        case.approve_plan(at=clock(), by=COORDINATOR, with_person=False)
        version = case.versions[-1]
        assert (version.approved_by, version.with_person) == (COORDINATOR, False)

    def test_the_current_coordinator_approves(self) -> None:
        case, clock = drafted()
        case.appoint_coordinator(at=clock(), person="Bo Ek", unit="hemtjanst")
        refuse(case, "approve_plan", "plan.approver", at=clock(), by=COORDINATOR)
        case.approve_plan(at=clock(), by="Bo Ek")
        assert case.versions[-1].with_person is True


class TestFollowUpNeedsApproved:
    def test_drafting_refused_under_the_rule(self) -> None:
        case, clock = drafted()
        refusal = refuse(case, "start_follow_up", "plan.follow_up_needs_approved", at=clock())
        assert refusal.ids == ("plan.follow_up_needs_approved",)
        assert isinstance(refusal, RuleViolation)

    def test_active_opens_a_copy(self) -> None:
        case, clock = walk("active")
        first = case.versions[0]
        outcome = case.start_follow_up(at=clock(), participants=["hemtjanst"])
        new = case.versions[-1]
        assert (case.phase, new.number, case.plan_version) == ("drafting", 2, 2)
        assert new.notes == first.notes and new.notes
        assert new.follow_up is None and new.documented_at is None
        assert new.first_documented_at is None and not new.approved
        assert outcome.events[0].kva == "AW010"


# --- consent.withdrawal ------------------------------------------------------------------------


class TestWithdrawal:
    def test_effects(self) -> None:
        case, clock = walk("active")
        case.record_consent(at=clock(), **consent_args(ADULT, parties=("psyk", "fk")))
        case.start_follow_up(at=clock(), participants=["hemtjanst", "psyk"])
        case.add_note(at=clock(), text="Ny anteckning")
        approved = case.versions[0]
        total = sum(len(v.notes) for v in case.versions)
        when = clock()
        case.withdraw_consent(at=when)
        assert (case.phase, case.closure_reason) == ("closed", "consent_withdrawn")
        assert case.voided_at == when and case.voided_notes == total > 0
        assert case.versions[0] == approved.voided(when)  # void, otherwise unchanged
        # parties (vc, hemtjanst, psyk, fk) + invitees + participants, minus the coordinator's
        assert sorted(case.notified) == ["fk", "hemtjanst", "psyk"]
        assert case.events[-1].args.notify == case.notified

    def test_the_coordinators_unit_is_left_out_not_the_opener(self) -> None:
        case, clock = walk("invited")
        case.appoint_coordinator(at=clock(), person="Bo Ek", unit="hemtjanst")
        case.withdraw_consent(at=clock())
        assert sorted(case.notified) == ["vc"]

    def test_without_coordinator_everyone_is_notified(self) -> None:
        case, clock = walk("consented")
        case.send_invitation(**invitation(clock(), ("hemtjanst",)))
        case.withdraw_consent(at=clock())
        assert sorted(case.notified) == ["hemtjanst", "vc"]

    def test_before_any_consent_there_is_nothing_to_withdraw(self) -> None:
        # DOMAIN.md v2 §4 (issue 11): withdraw_consent in opened is transition.not_allowed.
        case, clock = walk("opened")
        refusal = refuse(case, "withdraw_consent", "transition.not_allowed", at=clock())
        assert isinstance(refusal, TransitionNotAllowed) and "refuse_consent" in refusal.allowed

    @pytest.mark.parametrize("to", ["invited", "drafting", "active", "follow_up"])
    def test_open_obligations_are_cancelled(self, to: str) -> None:
        case, clock = walk(to, profile_name="vastmanland")
        before = {(o.kind, o.unit): o.status for o in case.obligations(clock.now)}
        assert "open" in before.values()
        when = clock()
        case.withdraw_consent(at=when)
        after = {(o.kind, o.unit): o.status for o in case.obligations(when)}
        for key, status in before.items():
            assert after[key] == ("met" if status == "met" else "cancelled"), key

    @pytest.mark.parametrize("to", ["consented", "invited", "drafting", "active"])
    def test_in_every_phase_after_consent(self, to: str) -> None:
        case, clock = walk(to)
        case.withdraw_consent(at=clock())
        assert case.closure_reason == "consent_withdrawn"


# --- case.decline_reason, case.close_reason, record_death --------------------------------------


class TestClosing:
    @pytest.mark.parametrize("reason", [None, "", "  "])
    def test_decline_without_reason_refused(self, reason: str | None) -> None:
        case, clock = walk("opened")
        args = {} if reason is None else {"reason": reason}
        refuse(case, "decline_case", "case.decline_reason", at=clock(), **args)

    def test_decline_with_reason(self) -> None:
        case, clock = walk("opened")
        case.decline_case(at=clock(), reason="Behovet tillgodoses av en enda huvudman")
        assert (case.phase, case.closure_reason) == ("closed", "declined")
        assert case.decline_reason == "Behovet tillgodoses av en enda huvudman"

    @pytest.mark.parametrize(
        "reason", [None, "", "deceased", "consent_withdrawn", "declined", "Goals_met"]
    )
    def test_close_without_an_allowed_reason_refused(self, reason: str | None) -> None:
        case, clock = walk("active")
        args = {} if reason is None else {"reason": reason}
        refuse(case, "close_case", "case.close_reason", at=clock(), **args)

    @pytest.mark.parametrize("reason", ["goals_met", "no_longer_needed"])
    @pytest.mark.parametrize("to", ["opened", "consented", "invited", "drafting", "active"])
    def test_close_with_reason(self, reason: str, to: str) -> None:
        case, clock = walk(to)
        case.close_case(at=clock(), reason=reason)
        assert (case.phase, case.closure_reason) == ("closed", reason)

    def test_refuse_consent_and_death(self) -> None:
        case, clock = walk("opened")
        case.refuse_consent(at=clock(), journal_ref="J-1")
        assert case.closure_reason == "consent_refused"
        case, clock = walk("drafting")
        case.record_death(at=clock())
        assert case.closure_reason == "deceased"


# --- case.closed -------------------------------------------------------------------------------


OPEN_COMMANDS = [c for c in states.COMMANDS if c != "open_case"]

CLOSINGS: dict[str, Callable[[SipCase, Clock], object]] = {
    "declined": lambda c, k: c.decline_case(at=k(), reason="Skäl"),
    "consent_refused": lambda c, k: c.refuse_consent(at=k(), journal_ref="J-1"),
    "consent_withdrawn": lambda c, k: c.withdraw_consent(at=k()),
    "deceased": lambda c, k: c.record_death(at=k()),
    "goals_met": lambda c, k: c.close_case(at=k(), reason="goals_met"),
}


@pytest.mark.parametrize("closing", list(CLOSINGS))
@pytest.mark.parametrize("command", OPEN_COMMANDS)
def test_case_closed_refuses_every_command(closing: str, command: str) -> None:
    case, clock = walk("opened" if closing in ("declined", "consent_refused") else "invited")
    CLOSINGS[closing](case, clock)
    assert case.closure_reason == closing
    refusal = refuse(case, command, "case.closed", **valid_args(command, clock()))
    assert refusal.ids == ("case.closed",) and isinstance(refusal, RuleViolation)


@pytest.mark.parametrize("command", OPEN_COMMANDS)
def test_every_command_applies_in_some_phase(command: str) -> None:
    """The arguments of the case.closed test are valid: each command applies from a phase."""
    start = {
        "record_consent": "opened", "decline_case": "opened", "refuse_consent": "opened",
        "record_preferences": "opened", "appoint_coordinator": "opened",
        "send_invitation": "coordinated", "answer_invitation": "invited",
        "revoke_invitation": "invited", "hold_meeting": "answered", "document_plan": "ready",
        "approve_plan": "ready", "start_follow_up": "active",
        "appoint_meeting_leader": "coordinated", "hand_out_plan": "active",
    }.get(command, "drafting")
    opening: dict[str, Any] = {}
    if states.row(states.OPENED, command, ("SPU", True)) and not states.row(
            states.OPENED, command):  # a command of a discharge case only
        start, opening = "opened", {"discharge_notice_at": START}
    if command == "adjust_plan":  # a samordnad vårdplan's
        opening = {"compulsory_care": "LPT"}
    case, clock = walk(start, **opening)
    getattr(case, command)(**valid_args(command, clock()))


# --- the check order of DOMAIN.md §4 -----------------------------------------------------------


class TestCheckOrder:
    def test_bad_input_before_case_closed(self) -> None:
        case, clock = walk("closed")
        before = case.snapshot()
        with pytest.raises(InputError):
            case.add_need(at=dt.datetime(2026, 9, 1, 9), text="x")  # naive
        with pytest.raises(InputError, match="nope"):
            case.record_consent(at=clock(), **consent_args(ADULT, parties=("nope",)))
        with pytest.raises(InputError):
            case.record_consent(at=clock(), **consent_args(ADULT) | {"form": "email"})
        assert case.snapshot() == before

    def test_case_closed_before_time_order(self) -> None:
        case, _ = walk("closed")
        refusal = refuse(case, "add_need", "case.closed", at=at(2020, 1, 1), text="x")
        assert refusal.ids == ("case.closed",)

    def test_time_order_before_phase(self) -> None:
        case, _ = walk("opened")
        refusal = refuse(case, "approve_plan", "case.time_order", at=at(2026, 3, 1),
                         by=COORDINATOR)
        assert refusal.ids == ("case.time_order",)
        assert not isinstance(refusal, TransitionNotAllowed)

    def test_time_order_equal_at_is_allowed(self) -> None:
        case, clock = walk("opened")
        case.record_consent(at=clock.now, **consent_args(ADULT))
        refuse(case, "appoint_coordinator", "case.time_order", at=clock.now - dt.timedelta(
            microseconds=1), person="Bo Ek", unit="vc")
        # An instant written in another offset compares as the instant it is.
        case.appoint_coordinator(at=clock.now.astimezone(dt.UTC), person="Bo Ek", unit="vc")

    def test_time_order_compares_instants_across_the_end_of_summer_time(self) -> None:
        # 2026-10-25: 02:30 CEST (fold=0) is 00:30 UTC; 02:10 CET (fold=1) is 01:10 UTC. On one
        # ZoneInfo, Python compares wall clocks: the engine must compare the instants.
        case, _ = walk("opened", clock=Clock(at(2026, 10, 25, 1, 0)))
        cest = at(2026, 10, 25, 2, 30)
        cet = dt.datetime(2026, 10, 25, 2, 10, fold=1, tzinfo=cest.tzinfo)
        case.record_consent(at=cest, **consent_args(ADULT))
        case.appoint_coordinator(at=cet, person="Bo Ek", unit="vc")  # 40 minutes later
        refuse(case, "add_need", "case.time_order", at=cest, text="x")
        refuse(case, "record_consent", "case.time_order",
               at=dt.datetime(2026, 10, 25, 2, 50, tzinfo=cest.tzinfo), **consent_args(ADULT))
        assert [e.at.utcoffset() for e in case.events[1:]] == [
            dt.timedelta(hours=2), dt.timedelta(hours=1)
        ]

    def test_time_order_compares_instants_across_the_start_of_summer_time(self) -> None:
        # 2026-03-29 02:30 does not exist in Stockholm; Python reads it at +01:00 (01:30 UTC),
        # after 03:10 CEST (01:10 UTC) and 03:20 CEST (01:20 UTC) although its wall clock is
        # earlier than theirs.
        case, _ = walk("opened", clock=Clock(at(2026, 3, 29, 1, 0)))
        zone = at(2026, 3, 29).tzinfo
        case.record_consent(at=dt.datetime(2026, 3, 29, 3, 10, tzinfo=zone),
                            **consent_args(ADULT))
        case.appoint_coordinator(at=dt.datetime(2026, 3, 29, 2, 30, tzinfo=zone),
                                 person="Bo Ek", unit="vc")
        refuse(case, "add_need", "case.time_order",
               at=dt.datetime(2026, 3, 29, 3, 20, tzinfo=zone), text="x")

    def test_times_kept_as_given_unless_the_zone_makes_them_ambiguous(self) -> None:
        case, _ = walk("opened", clock=Clock(at(2026, 10, 25, 1, 0)))
        zone = at(2026, 10, 25).tzinfo
        case.record_consent(at=dt.datetime(2026, 10, 25, 1, 30, tzinfo=zone),
                            **consent_args(ADULT))
        case.record_preferences(at=dt.datetime(2026, 10, 25, 2, 30, tzinfo=zone), place="x")
        case.record_preferences(at=dt.datetime(2026, 10, 25, 3, 30, tzinfo=zone), place="y")
        kept = [e.at.tzinfo for e in case.events[1:]]
        assert kept[0] is zone and kept[2] is zone  # one instant each: kept as given
        assert kept[1] == dt.timezone(dt.timedelta(hours=2))  # the repeated hour: its offset

    def test_phase_before_rules(self) -> None:
        case, clock = walk("opened")
        refusal = refuse(case, "approve_plan", "transition.not_allowed", at=clock(), by="x")
        assert refusal.ids == ("transition.not_allowed",)

    def test_phase_refusal_before_rules(self) -> None:
        # The consent has expired too, but start_follow_up in drafting stops at the phase.
        case, _ = drafted(valid_until=dt.date(2026, 3, 3))
        refusal = refuse(case, "start_follow_up", "plan.follow_up_needs_approved",
                         at=at(2026, 3, 4), participants=["soc"])
        assert refusal.ids == ("plan.follow_up_needs_approved",)

    def test_refusals_list_every_failing_must_rule(self) -> None:
        case, clock = walk("opened", person=CHILD)
        refusal = refuse(case, "record_consent", at=clock(), given_by="person", form="oral",
                         parties=["vc"])
        assert set(refusal.ids) == {
            "consent.time_limited", "consent.oral_documented", "consent.guardians"
        }

    def test_approval_lists_every_failing_rule(self) -> None:
        case, _ = drafted("jonkoping", valid_until=dt.date(2026, 3, 3), skip=("need",),
                          goals=("short",), place=None, document=False)
        refusal = refuse(case, "approve_plan", at=at(2026, 3, 4), by="Bo Ek")
        assert set(refusal.ids) == {
            "consent.required", "plan.documented", "plan.contents", "plan.goal_horizons",
            "plan.approver",
        }
        contents = refusal.findings[refusal.ids.index("plan.contents")].detail
        assert contents is not None
        assert "need" in contents.parts and "follow_up.place" in contents.parts

    def test_invitation_lists_every_failing_rule(self) -> None:
        case, _ = walk("consented", profile_name="vastmanland", valid_until=dt.date(2026, 3, 3))
        refusal = refuse(case, "send_invitation", **invitation(at(2026, 3, 4), ("psyk",)))
        assert set(refusal.ids) == {"consent.required", "consent.scope",
                                    "invitation.coordinator"}

    def test_meeting_lists_every_failing_rule(self) -> None:
        case, clock = walk("answered", person=CHILD)
        refusal = refuse(case, "hold_meeting", at=clock(), participants=["vc", "soc"])
        assert set(refusal.ids) == {"consent.scope", "meeting.child_view"}


def test_transition_not_allowed_names_phase_and_allowed_commands() -> None:
    case, clock = walk("consented")
    refusal = refuse(case, "add_need", "transition.not_allowed", at=clock(), text="x")
    assert isinstance(refusal, TransitionNotAllowed)
    assert refusal.phase == "consented"
    assert refusal.allowed == states.allowed_commands(states.CONSENTED)
    assert "send_invitation" in refusal.message("en") and "consented" in refusal.message("en")


# --- bad input ---------------------------------------------------------------------------------

NAIVE = dt.datetime(2026, 3, 2, 12, 0)

BAD_INPUT: list[tuple[str, str, dict[str, Any], str]] = [
    # (phase, command, arguments replacing valid ones, the argument named)
    ("opened", "record_consent", {"at": NAIVE}, "at"),
    ("opened", "record_consent", {"at": "2026-03-02T12:00:00+01:00"}, "at"),
    ("opened", "record_consent", {"at": dt.date(2026, 3, 3)}, "at"),
    ("opened", "record_consent", {"parties": "vc"}, "parties"),
    ("opened", "record_consent", {"parties": []}, "parties"),
    ("opened", "record_consent", {"parties": ["vc", "vc"]}, "parties"),
    ("opened", "record_consent", {"parties": ["vc", 7]}, "parties"),
    ("opened", "record_consent", {"parties": ["vc", "nope"]}, "parties"),
    ("opened", "record_consent", {"valid_until": dt.datetime(2030, 1, 1, tzinfo=dt.UTC)},
     "valid_until"),
    ("opened", "record_consent", {"valid_until": "2030-01-01"}, "valid_until"),
    ("opened", "record_consent", {"form": "email"}, "form"),
    ("opened", "record_consent", {"given_by": "neighbour"}, "given_by"),
    ("opened", "record_consent", {"guardians": ["g1"]}, "guardians"),  # given_by person
    ("opened", "record_consent", {"journal_ref": 12}, "journal_ref"),
    ("opened", "record_consent", {"information": "all"}, "information"),
    ("opened", "record_consent", {"scope": "all"}, "scope"),
    ("opened", "record_consent", {"parties": None}, "parties"),
    ("opened", "refuse_consent", {"journal_ref": None}, "journal_ref"),
    ("opened", "appoint_coordinator", {"unit": "nope"}, "unit"),
    ("opened", "appoint_coordinator", {"person": ""}, "person"),
    ("opened", "record_preferences", {"interpreter": {"sv": "ar"}}, "fields.interpreter"),
    ("coordinated", "send_invitation", {"meeting_at": NAIVE}, "meeting_at"),
    ("coordinated", "send_invitation", {"form": "email"}, "form"),
    ("coordinated", "send_invitation", {"invitees": []}, "invitees"),
    ("coordinated", "send_invitation", {"invitees": ["skolan"]}, "invitees"),
    ("invited", "answer_invitation", {"attending": "yes"}, "attending"),
    ("invited", "answer_invitation", {"unit": "nope"}, "unit"),
    ("invited", "revoke_invitation", {"reason": "x"}, "reason"),
    ("answered", "hold_meeting", {"participants": None}, "participants"),
    ("answered", "hold_meeting", {"person_present": 1}, "person_present"),
    ("drafting", "add_need", {"text": 5}, "text"),
    ("drafting", "add_need", {"text": " "}, "text"),
    ("drafting", "add_need", {"heading": "x"}, "heading"),
    ("drafting", "add_goal", {"horizon": "medium"}, "horizon"),
    ("drafting", "add_intervention", {"unit": "nope"}, "unit"),
    ("drafting", "set_follow_up", {"date": dt.datetime(2026, 9, 1, tzinfo=dt.UTC)}, "date"),
    ("drafting", "set_follow_up", {"date": None}, "date"),
    ("ready", "document_plan", {"by": "x"}, "by"),
    ("ready", "approve_plan", {"with_person": "yes"}, "with_person"),
    ("active", "start_follow_up", {"participants": ["nope"]}, "participants"),
    ("active", "withdraw_consent", {"notify": ["vc"]}, "notify"),  # the case decides it
    ("active", "record_death", {"at": NAIVE}, "at"),
    ("active", "close_case", {"reason": 3}, "reason"),
]


@pytest.mark.parametrize(("to", "command", "bad", "argument"), BAD_INPUT)
def test_bad_input_names_the_argument(
    to: str, command: str, bad: dict[str, Any], argument: str
) -> None:
    case, clock = walk(to)
    args = valid_args(command, clock()) | bad
    before = case.snapshot()
    method = getattr(case, command)
    typed = set(inspect.signature(method).parameters) - {"fields"}
    if command == "record_preferences" or set(args) <= typed:
        with pytest.raises(InputError) as info:
            method(**args)
        assert info.value.argument == argument
        assert argument in str(info.value)
        assert case.snapshot() == before
    # The same through execute(), as scenario files run commands (an argument the typed
    # method does not take is a TypeError there, and mypy's to catch).
    if command != "record_preferences":
        with pytest.raises(InputError) as again:
            case.execute(command, **args)
        assert again.value.argument == argument


@pytest.mark.parametrize("command", ["add_goal", "record_consent", "send_invitation"])
def test_missing_required_argument_is_named(command: str) -> None:
    case, clock = walk("drafting")
    args = valid_args(command, clock())
    required = {"add_goal": "horizon", "record_consent": "form", "send_invitation": "place"}
    del args[required[command]]
    with pytest.raises(InputError) as info:
        case.execute(command, **args)
    assert info.value.argument == required[command]


def test_unknown_unit_is_named() -> None:
    case, clock = walk("opened")
    with pytest.raises(InputError) as info:
        case.record_consent(at=clock(), **consent_args(ADULT, parties=("vc", "bup")))
    assert info.value.argument == "parties" and "'bup'" in str(info.value)


def test_unknown_command() -> None:
    case, clock = walk("opened")
    for name in ("fly", "open_case"):
        with pytest.raises(InputError) as info:
            case.execute(name, at=clock())
        assert info.value.argument == "command"


OPEN_ARGS: dict[str, Any] = {
    "at": at(2026, 3, 2), "profile": None, "person": ADULT, "units": UNITS,
    "initiated_by": "staff", "unit": "vc",
}


@pytest.mark.parametrize(
    ("bad", "argument"),
    [
        ({"at": NAIVE}, "at"),
        ({"discharge_notice_at": NAIVE}, "discharge_notice_at"),
        ({"unit": "nope"}, "unit"),
        ({"initiated_by": "robot"}, "initiated_by"),
        ({"initiated_by": None}, "initiated_by"),
        ({"units": {"vc": "county"}}, "units.vc"),
        ({"units": {}}, "units"),
        ({"units": ["vc"]}, "units"),
        ({"person": "1961-03-14"}, "person"),
        ({"person": Person("1961-03-14")}, "person.birth_date"),  # type: ignore[arg-type]
        ({"person": Person(dt.date(2015, 1, 1), "g1")}, "person.guardians"),  # type: ignore[arg-type]
        ({"profile": "nowhere"}, "profile"),
        ({"profile": 3}, "profile"),
        ({"channel": "phone"}, "channel"),
    ],
)
def test_open_case_bad_input(bad: dict[str, Any], argument: str) -> None:
    args = OPEN_ARGS | {"profile": profile()} | bad
    with pytest.raises(InputError) as info:
        SipCase.open_with(**args)
    assert info.value.argument == argument
    if "channel" not in bad:
        with pytest.raises(InputError) as info:
            SipCase.open_case(**args)
        assert info.value.argument == argument


def test_open_case_without_initiated_by_names_it() -> None:
    args = OPEN_ARGS | {"profile": profile()}
    del args["initiated_by"]
    with pytest.raises(InputError) as info:
        SipCase.open_with(**args)
    assert info.value.argument == "initiated_by"


# --- KVÅ codes and what every event carries ----------------------------------------------------


class TestEvents:
    def test_kva_codes(self) -> None:
        case, clock = walk("follow_up")
        case.document_plan(at=clock())
        assert case.kva == ("AU124", "AW010")
        codes = {e.command: e.kva for e in case.events if e.kva}
        assert codes == {"hold_meeting": "AU124", "start_follow_up": "AW010"}
        assert all(e.kva is None for e in case.events if e.command not in codes)

    def test_discharge_meeting_is_au125(self) -> None:
        case, _ = walk("follow_up", discharge_notice_at=at(2026, 3, 1, 14))
        assert case.kva == ("AU125", "AW010")
        assert case.meetings[0].kva == "AU125"

    def test_one_code_however_many_units(self) -> None:
        case, clock = walk("coordinated")
        case.record_consent(at=clock(), **consent_args(ADULT, parties=tuple(UNITS)))
        case.send_invitation(**invitation(clock(), ("hemtjanst", "psyk", "soc", "fk")))
        case.hold_meeting(at=clock(), participants=list(UNITS))
        assert case.kva == ("AU124",)

    @pytest.mark.parametrize("profile_name", ["national", "vastmanland", "jonkoping"])
    def test_profile_key_hash_and_acting_unit(self, profile_name: str) -> None:
        case, clock = walk("opened", profile_name=profile_name)
        case.record_consent(at=clock(), **consent_args(ADULT))
        case.appoint_coordinator(at=clock(), person="Bo Ek", unit="hemtjanst")
        case.send_invitation(**invitation(clock(), ("hemtjanst", "vc")))
        case.answer_invitation(at=clock(), unit="vc", attending=True)
        units = [(e.command, e.unit) for e in case.events]
        assert units == [
            ("open_case", "vc"),  # the opening unit
            ("record_consent", "vc"),  # no coordinator yet: the opening unit
            ("appoint_coordinator", "hemtjanst"),
            ("send_invitation", "hemtjanst"),  # the coordinator's unit
            ("answer_invitation", "vc"),  # the answering unit
        ]
        the = profile(profile_name)
        assert {(e.profile, e.profile_hash) for e in case.events} == {
            (the.key, the.content_hash)
        }
        assert [e.seq for e in case.events] == [1, 2, 3, 4, 5]

    def test_outcome_carries_the_event(self) -> None:
        case, clock = walk("opened")
        outcome = case.record_consent(at=clock(), **consent_args(ADULT))
        assert outcome.events == (case.events[-1],) and outcome.advice == ()
        assert outcome.events[0].phase == "consented"


def test_every_rule_of_the_contract_is_registered() -> None:
    contract = {
        "consent.required", "consent.scope", "consent.time_limited", "consent.oral_documented",
        "consent.guardians", "consent.withdrawal", "case.decline_reason", "case.closed",
        "case.close_reason", "coordinator.principal", "invitation.coordinator",
        "invitation.substitute", "meeting.child_view", "plan.locked", "plan.documented",
        "plan.contents", "plan.goal_horizons", "plan.approver", "plan.follow_up_needs_approved",
        # DOMAIN.md v2 §5 (issue 11): a meeting after the invitation; approval with the person.
        "invitation.meeting_time", "plan.with_person",
        # DOMAIN.md v2 §10 (issue 12): the fast vårdkontakt; the samordnad vårdplan.
        "discharge.fast_vardkontakt_unit", "meeting.patient_view", "plan.adjusted_by_units",
        # DOMAIN.md v2 §§11–12 (issue 13): the people around the person and the whole plan.
        "relatives.objection", "relatives.offered", "consent.representative",
        "meeting.representative", "consent.child_together", "meeting.leader",
        "plan.handed_to_person",
    }
    assert set(registry()) == contract
    assert all(r.refs for r in registry().values())


def test_refusal_is_a_refusal() -> None:
    # Refusal, RuleViolation and TransitionNotAllowed are what a caller catches.
    assert issubclass(RuleViolation, Refusal) and issubclass(TransitionNotAllowed, Refusal)
