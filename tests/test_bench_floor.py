"""Keep the benchmark's floor honest: ``bench/floor.py`` claims to make the same checks as
:class:`sipcore.SipCase` under the national profile, so that ``bench/lifecycle.py`` compares
like with like. These tests drive both through the same steps and compare what they do.

A step is ``(command, arguments)``; the floor's functions carry the engine's command names.
``open_case`` takes ``birth_date`` and ``guardians`` (the engine gets them as a ``Person``),
and a step without ``at`` gets the next time of the clock in use.
"""

from __future__ import annotations

import copy
import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest

from helpers import STOCKHOLM, at
from sipcore import Person, SipCase, load_profile
from sipcore.errors import InputError, Refusal

BENCH = str(Path(__file__).resolve().parents[1] / "bench")
sys.path.insert(0, BENCH)
try:
    import floor
    import lifecycle
finally:  # bench/calendar.py would shadow the standard library's calendar for later imports
    sys.path.remove(BENCH)

NATIONAL = load_profile("national")

Step = tuple[str, dict[str, Any]]
Result = tuple[str, Any]  # ("accepted", None), ("refused", rule ids) or ("input", argument)

# Fixed times: Europe/Stockholm, an hour apart, 09:00 to 16:00 on the working days of the week
# from Monday 2 March 2026 (the benchmark's lifecycle starts that morning too).
TIMES = [at(2026, 3, 2 + i // 8, 9 + i % 8) for i in range(40)]
FIRST_DAY = TIMES[0].date()  # every step of the lifecycle is on or after this day

ADULT_BORN = lifecycle.PERSON.birth_date  # 1961: an adult
CHILD_BORN = dt.date(2015, 5, 1)  # ten years old in 2026
GUARDIANS = ["g1", "g2"]
COORDINATOR = lifecycle.COORDINATOR
EXTRA_UNITS = {**lifecycle.UNITS, "fk": "other", "skola": "school"}  # declared, not in consent


# --- the lifecycle as steps ----------------------------------------------------------------------


def lifecycle_steps(
    t: list[dt.datetime] = TIMES,
    *,
    birth_date: dt.date = ADULT_BORN,
    guardians: tuple[str, ...] = (),
    units: dict[str, str] = lifecycle.UNITS,
    consent: dict[str, Any] | None = None,
    meeting: dict[str, Any] | None = None,
    follow_up: dt.date = lifecycle.FOLLOW_UP,
) -> list[Step]:
    """The 16 commands of ``bench/lifecycle.py`` (``engine_lifecycle``), with its data; the
    keywords change the person, the units, the consent, the meeting or the first follow-up."""
    if consent is None:
        consent = {"given_by": "person", "form": "written", "parties": ["vc", "hemtjanst"],
                   "valid_until": lifecycle.UNTIL}
    return [
        ("open_case", {"birth_date": birth_date, "guardians": guardians, "units": units,
                       "initiated_by": "staff", "unit": "vc"}),
        ("record_consent", consent),
        ("appoint_coordinator", {"person": COORDINATOR, "unit": "vc"}),
        ("send_invitation", {"meeting_at": t[5], "place": "Vårdcentralen", "form": "in_person",
                             "invitees": ["hemtjanst"]}),
        ("answer_invitation", {"unit": "hemtjanst", "attending": True}),
        ("hold_meeting", {"participants": ["vc", "hemtjanst"], **(meeting or {})}),
        ("add_need", {"text": "Stöd i hemmet"}),
        ("add_intervention", {"text": "Hemtjänst", "unit": "hemtjanst"}),
        ("set_follow_up", {"date": follow_up, "place": "Vårdcentralen"}),
        ("document_plan", {}),
        ("approve_plan", {"by": COORDINATOR}),
        ("start_follow_up", {"participants": ["hemtjanst"]}),
        ("set_follow_up", {"date": lifecycle.FOLLOW_UP_2}),
        ("document_plan", {}),
        ("approve_plan", {"by": COORDINATOR}),
        ("close_case", {"reason": "goals_met"}),
    ]


def upto(command: str, nth: int = 1, **options: Any) -> list[Step]:
    """The lifecycle's steps before its ``nth`` ``command`` (``"end"``: every step)."""
    steps = lifecycle_steps(**options)
    if command == "end":
        return steps
    where = [i for i, (name, _) in enumerate(steps) if name == command]
    return steps[: where[nth - 1]]


def child(**options: Any) -> dict[str, Any]:
    """Options of :func:`lifecycle_steps` for a child, whose guardians both consent and whose
    view is brought to the meeting."""
    consent = {"given_by": "guardians", "guardians": GUARDIANS, "form": "written",
               "parties": ["vc", "hemtjanst"], "valid_until": lifecycle.UNTIL}
    return {"birth_date": CHILD_BORN, "guardians": tuple(GUARDIANS), "consent": consent,
            "meeting": {"child_view": "Vill gå i skolan"}, **options}


# --- the driver ----------------------------------------------------------------------------------


def engine_step(case: SipCase | None, command: str, args: dict[str, Any]) -> SipCase:
    if command == "open_case":
        args = dict(args)
        person = Person(args.pop("birth_date"), tuple(args.pop("guardians")))
        return SipCase.open_case(profile=NATIONAL, person=person, **args)
    assert case is not None, "a step before open_case"
    getattr(case, command)(**args)
    return case


def floor_step(c: dict[str, Any] | None, command: str, args: dict[str, Any]) -> dict[str, Any]:
    if command == "open_case":
        return floor.open_case(**args)
    assert c is not None, "a step before open_case"
    getattr(floor, command)(c, **args)
    return c


def timed(steps: list[Step], t: list[dt.datetime]) -> list[Step]:
    """Each step with ``at``: its own, or the ``i``-th time of ``t`` for the ``i``-th step."""
    return [(command, {"at": t[i], **args}) for i, (command, args) in enumerate(steps)]


def drive(
    steps: list[Step], t: list[dt.datetime] = TIMES
) -> tuple[SipCase | None, dict[str, Any] | None, list[tuple[str, str]]]:
    """Apply ``steps`` to both sides (each must be accepted); returns the engine's case, the
    floor's dict and the phases of both after each step."""
    case: SipCase | None = None
    c: dict[str, Any] | None = None
    phases = []
    for command, args in timed(steps, t):
        case = engine_step(case, command, args)
        c = floor_step(c, command, args)
        phases.append((str(case.phase), c["phase"]))
    return case, c, phases


def engine_result(case: SipCase | None, command: str, args: dict[str, Any]) -> Result:
    try:
        engine_step(case, command, args)
    except Refusal as refusal:
        return "refused", frozenset(refusal.ids)
    except InputError as error:
        # open_case names a part of an argument ("units.fk", "person.birth_date"); the floor
        # names the argument.
        return "input", error.argument.partition(".")[0]
    return "accepted", None


def floor_result(c: dict[str, Any] | None, command: str, args: dict[str, Any]) -> Result:
    try:
        floor_step(c, command, args)
    except floor.Refused as refused:
        text = str(refused)
        if "." in text:  # rule ids have a dot, argument names do not
            return "refused", frozenset(text.split(", "))
        return "input", text
    return "accepted", None


def refused(*ids: str) -> Result:
    return "refused", frozenset(ids)


def bad(argument: str) -> Result:
    return "input", argument


ACCEPTED: Result = ("accepted", None)


# --- 1. the lifecycle ----------------------------------------------------------------------------


@pytest.mark.parametrize("t", [lifecycle.ZONED, lifecycle.FIXED], ids=["zoned", "fixed"])
def test_lifecycle_same_phases_and_events(t: list[dt.datetime]) -> None:
    steps = lifecycle_steps(t)
    case, c, phases = drive(steps, t)
    assert case is not None and c is not None
    engine_phases = [e for e, _ in phases]
    floor_phases = [f for _, f in phases]
    assert floor_phases == engine_phases
    assert engine_phases == [
        "opened", "consented", "consented", "invited", "invited",
        *["drafting"] * 5, "active", *["drafting"] * 3, "active", "closed",
    ]
    assert len(case.events) == len(c["events"]) == 16
    assert [e.command for e in case.events] == [e[2] for e in c["events"]] == [s[0] for s in steps]
    # Every event carries the case's identity, derived the same way from the opening.
    assert {e[8] for e in c["events"]} == {case.case_id}
    # The steps above are the benchmark's own lifecycle, on both sides.
    assert case.events == lifecycle.engine_lifecycle(NATIONAL, t).events
    assert c["events"] == lifecycle.checked_lifecycle(t)["events"]


# --- 2. single-step deviations -------------------------------------------------------------------

WRITTEN = {"form": "written", "parties": ["vc", "hemtjanst"], "valid_until": lifecycle.UNTIL}
BY_PERSON = {"given_by": "person", **WRITTEN}
BY_GUARDIANS = {"given_by": "guardians", "guardians": GUARDIANS, **WRITTEN}
INVITATION = {"meeting_at": TIMES[5], "place": "Vårdcentralen", "form": "in_person",
              "invitees": ["hemtjanst"]}
# 2026-10-25: summer time ends, 03:00 CEST becomes 02:00 CET and the hour 02:00-03:00 repeats.
CEST_0230 = dt.datetime(2026, 10, 25, 2, 30, tzinfo=STOCKHOLM)  # fold=0: 00:30 UTC
CET_0210 = dt.datetime(2026, 10, 25, 2, 10, fold=1, tzinfo=STOCKHOLM)  # 01:10 UTC
CEST_0240 = dt.datetime(2026, 10, 25, 2, 40, tzinfo=STOCKHOLM)  # 00:40 UTC


def opened_at(when: dt.datetime) -> list[Step]:
    return [("open_case", {**upto("record_consent")[0][1], "at": when})]


def row(name: str, prefix: list[Step], step: Step, expected: Result,
        *marks: pytest.MarkDecorator) -> Any:
    return pytest.param(prefix, step, expected, id=name, marks=marks)


DEVIATIONS = [
    # every command: time order, phase, closed
    row("time_order", upto("appoint_coordinator"),
        ("appoint_coordinator", {"at": TIMES[0], "person": COORDINATOR, "unit": "vc"}),
        refused("case.time_order")),
    row("time_order_same_instant_ok", upto("appoint_coordinator"),
        ("appoint_coordinator", {"at": TIMES[1], "person": COORDINATOR, "unit": "vc"}),
        ACCEPTED),
    row("time_order_repeated_hour_later_instant", opened_at(CEST_0230),
        ("record_consent", {"at": CET_0210, **BY_PERSON}), ACCEPTED),
    row("time_order_repeated_hour_earlier_instant", opened_at(CET_0210),
        ("record_consent", {"at": CEST_0240, **BY_PERSON}), refused("case.time_order")),
    row("at_naive", upto("add_need"), ("add_need", {"at": dt.datetime(2026, 3, 9, 9),
                                                    "text": "Stöd"}), bad("at")),
    row("at_a_date", upto("add_need"), ("add_need", {"at": dt.date(2026, 3, 9), "text": "Stöd"}),
        bad("at")),
    row("not_allowed_meeting_before_invitation", upto("send_invitation"),
        ("hold_meeting", {"participants": ["vc"]}), refused("transition.not_allowed")),
    row("not_allowed_answer_when_consented", upto("send_invitation"),
        ("answer_invitation", {"unit": "hemtjanst", "attending": True}),
        refused("transition.not_allowed")),
    row("not_allowed_second_invitation", upto("answer_invitation"),
        ("send_invitation", INVITATION), refused("transition.not_allowed")),
    row("not_allowed_document_when_active", upto("start_follow_up"),
        ("document_plan", {}), refused("transition.not_allowed")),
    row("not_allowed_follow_up_when_invited", upto("answer_invitation"),
        ("start_follow_up", {}), refused("transition.not_allowed")),
    row("locked_add_need", upto("start_follow_up"), ("add_need", {"text": "Ny bostad"}),
        refused("plan.locked")),
    row("locked_add_intervention", upto("start_follow_up"),
        ("add_intervention", {"text": "Boendestöd", "unit": "vc"}), refused("plan.locked")),
    row("locked_set_follow_up", upto("start_follow_up"),
        ("set_follow_up", {"date": lifecycle.FOLLOW_UP_2}), refused("plan.locked")),
    row("follow_up_while_drafting", upto("approve_plan"), ("start_follow_up", {}),
        refused("plan.follow_up_needs_approved")),
    row("closed_add_need", upto("end"), ("add_need", {"text": "Ny bostad"}),
        refused("case.closed")),
    row("closed_record_consent", upto("end"), ("record_consent", BY_PERSON),
        refused("case.closed")),
    row("closed_close_again", upto("end"), ("close_case", {"reason": "goals_met"}),
        refused("case.closed")),
    # open_case
    row("open_unit_not_declared", [], ("open_case", {**upto("record_consent")[0][1],
                                                     "unit": "skola"}), bad("unit")),
    row("open_unknown_principal", [], ("open_case", {**upto("record_consent")[0][1],
                                                     "units": {"vc": "church"}}), bad("units")),
    row("open_initiated_by_unknown", [], ("open_case", {**upto("record_consent")[0][1],
                                                        "initiated_by": "neighbour"}),
        bad("initiated_by")),
    row("open_discharge_notice_naive", [],
        ("open_case", {**upto("record_consent")[0][1],
                       "discharge_notice_at": dt.datetime(2026, 3, 1, 12)}),
        bad("discharge_notice_at")),
    # record_consent
    row("consent_ok", upto("record_consent"), ("record_consent", BY_PERSON), ACCEPTED),
    row("consent_form_email", upto("record_consent"),
        ("record_consent", {**BY_PERSON, "form": "email"}), bad("form")),
    row("consent_given_by_unknown", upto("record_consent"),
        ("record_consent", {**BY_PERSON, "given_by": "neighbour"}), bad("given_by")),
    row("consent_party_not_declared", upto("record_consent"),
        ("record_consent", {**BY_PERSON, "parties": ["vc", "skola"]}), bad("parties")),
    row("consent_parties_repeated", upto("record_consent"),
        ("record_consent", {**BY_PERSON, "parties": ["vc", "vc"]}), bad("parties")),
    row("consent_parties_empty", upto("record_consent"),
        ("record_consent", {**BY_PERSON, "parties": []}), bad("parties")),
    row("consent_parties_a_text", upto("record_consent"),
        ("record_consent", {**BY_PERSON, "parties": "vc"}), bad("parties")),
    row("consent_without_valid_until", upto("record_consent"),
        ("record_consent", {**BY_PERSON, "valid_until": None}), refused("consent.time_limited")),
    row("consent_valid_until_yesterday", upto("record_consent"),
        ("record_consent", {**BY_PERSON, "valid_until": FIRST_DAY - dt.timedelta(days=1)}),
        refused("consent.time_limited")),
    row("consent_valid_until_today_ok", upto("record_consent"),
        ("record_consent", {**BY_PERSON, "valid_until": FIRST_DAY}), ACCEPTED),
    row("consent_valid_until_a_datetime", upto("record_consent"),
        ("record_consent", {**BY_PERSON, "valid_until": dt.datetime(2027, 3, 1)}),
        bad("valid_until")),
    row("consent_oral_without_journal_ref", upto("record_consent"),
        ("record_consent", {**BY_PERSON, "form": "oral"}), refused("consent.oral_documented")),
    row("consent_oral_blank_journal_ref", upto("record_consent"),
        ("record_consent", {**BY_PERSON, "form": "oral", "journal_ref": "  "}),
        refused("consent.oral_documented")),
    row("consent_oral_documented_ok", upto("record_consent"),
        ("record_consent", {**BY_PERSON, "form": "oral", "journal_ref": "J-1"}), ACCEPTED),
    row("consent_adult_by_guardians", upto("record_consent"),
        ("record_consent", {**BY_GUARDIANS, "guardians": ["g1"]}), refused("consent.guardians")),
    row("consent_guardians_given_by_person", upto("record_consent"),
        ("record_consent", {**BY_PERSON, "guardians": ["g1"]}), bad("guardians")),
    row("consent_child_by_person", upto("record_consent", **child()),
        ("record_consent", BY_PERSON), refused("consent.guardians")),
    # v2 (DOMAIN.md §11.2): a representative's consent names a registered representative.
    row("consent_child_by_representative", upto("record_consent", **child()),
        ("record_consent", {**BY_PERSON, "given_by": "representative"}),
        refused("consent.guardians", "consent.representative")),
    row("consent_child_one_guardian_missing", upto("record_consent", **child()),
        ("record_consent", {**BY_GUARDIANS, "guardians": ["g1"]}), refused("consent.guardians")),
    row("consent_child_unknown_guardian", upto("record_consent", **child()),
        ("record_consent", {**BY_GUARDIANS, "guardians": ["g1", "g2", "g3"]}),
        refused("consent.guardians")),
    row("consent_child_both_guardians_ok", upto("record_consent", **child()),
        ("record_consent", BY_GUARDIANS), ACCEPTED),
    row("consent_child_no_guardians_declared", upto("record_consent", **child(guardians=())),
        ("record_consent", BY_GUARDIANS), refused("consent.guardians")),
    # 18 on the day of consent (2 March 2026): an adult; 18 the day after: still a child.
    row("consent_eighteen_today_by_person_ok",
        upto("record_consent", birth_date=dt.date(2008, 3, 2)), ("record_consent", BY_PERSON),
        ACCEPTED),
    row("consent_eighteen_tomorrow_by_person",
        upto("record_consent", birth_date=dt.date(2008, 3, 3)), ("record_consent", BY_PERSON),
        refused("consent.guardians")),
    row("consent_several_rules", upto("record_consent", **child()),
        ("record_consent", {**BY_PERSON, "form": "oral", "valid_until": None}),
        refused("consent.time_limited", "consent.oral_documented", "consent.guardians")),
    row("consent_information_kinds", upto("record_consent"),
        ("record_consent", {**BY_PERSON, "information": ["journal", "skolgång"]}), ACCEPTED),
    row("consent_guardians_repeated", upto("record_consent", **child()),
        ("record_consent", {**BY_GUARDIANS, "guardians": ["g1", "g2", "g2"]}), bad("guardians")),
    row("consent_guardians_blank_id", upto("record_consent", **child()),
        ("record_consent", {**BY_GUARDIANS, "guardians": ["g1", "g2", " "]}), bad("guardians")),
    # appoint_coordinator
    row("coordinator_principal_other", upto("appoint_coordinator", units=EXTRA_UNITS),
        ("appoint_coordinator", {"person": "Eva Lund", "unit": "fk"}),
        refused("coordinator.principal")),
    row("coordinator_principal_school_for_child",
        upto("appoint_coordinator", **child(units=EXTRA_UNITS)),
        ("appoint_coordinator", {"person": "Eva Lund", "unit": "skola"}),
        refused("coordinator.principal")),
    row("coordinator_municipality_ok", upto("appoint_coordinator"),
        ("appoint_coordinator", {"person": "Eva Lund", "unit": "hemtjanst"}), ACCEPTED),
    row("coordinator_unit_not_declared", upto("appoint_coordinator"),
        ("appoint_coordinator", {"person": "Eva Lund", "unit": "fk"}), bad("unit")),
    row("coordinator_blank_person", upto("appoint_coordinator"),
        ("appoint_coordinator", {"person": " ", "unit": "vc"}), bad("person")),
    # send_invitation
    row("invite_outside_consent", upto("send_invitation"),
        ("send_invitation", {**INVITATION, "invitees": ["hemtjanst", "psyk"]}),
        refused("consent.scope")),
    row("invite_nobody", upto("send_invitation"),
        ("send_invitation", {**INVITATION, "invitees": []}), bad("invitees")),
    row("invite_meeting_at_naive", upto("send_invitation"),
        ("send_invitation", {**INVITATION, "meeting_at": dt.datetime(2026, 3, 9, 9)}),
        bad("meeting_at")),
    row("invite_form_unknown", upto("send_invitation"),
        ("send_invitation", {**INVITATION, "form": "letter"}), bad("form")),
    row("invite_blank_place", upto("send_invitation"),
        ("send_invitation", {**INVITATION, "place": ""}), bad("place")),
    # consent valid to Tuesday 3 March, the invitation on Wednesday 4 March: none in force
    row("invite_consent_expired",
        upto("send_invitation", consent={**BY_PERSON, "valid_until": dt.date(2026, 3, 3)}),
        ("send_invitation", {**INVITATION, "at": at(2026, 3, 4, 9),
                             "meeting_at": at(2026, 3, 10, 9)}),
        refused("consent.required", "consent.scope")),
    row("invite_meeting_in_the_past", upto("send_invitation"),
        ("send_invitation", {**INVITATION, "meeting_at": at(2026, 2, 27, 9)}),
        refused("invitation.meeting_time")),
    row("invite_consent_last_day_ok",
        upto("send_invitation", consent={**BY_PERSON, "valid_until": dt.date(2026, 3, 3)}),
        ("send_invitation", {**INVITATION, "at": at(2026, 3, 3, 16),
                             "meeting_at": at(2026, 3, 10, 9)}), ACCEPTED),
    # answer_invitation
    row("answer_not_invited", upto("answer_invitation"),
        ("answer_invitation", {"unit": "vc", "attending": True}),
        refused("invitation.not_invited")),
    row("answer_unit_not_declared", upto("answer_invitation"),
        ("answer_invitation", {"unit": "skola", "attending": True}), bad("unit")),
    row("answer_absent_without_substitute", upto("answer_invitation"),
        ("answer_invitation", {"unit": "hemtjanst", "attending": False}),
        ACCEPTED),  # advice outside Jönköping (DOMAIN.md v2 §5.1)
    row("answer_absent_blank_substitute", upto("answer_invitation"),
        ("answer_invitation", {"unit": "hemtjanst", "attending": False, "substitute": " "}),
        ACCEPTED),
    row("answer_absent_with_substitute_ok", upto("answer_invitation"),
        ("answer_invitation", {"unit": "hemtjanst", "attending": False, "substitute": "Eva"}),
        ACCEPTED),
    row("answer_attending_yes", upto("answer_invitation"),
        ("answer_invitation", {"unit": "hemtjanst", "attending": "yes"}), bad("attending")),
    # hold_meeting
    row("meeting_outside_consent", upto("hold_meeting"),
        ("hold_meeting", {"participants": ["vc", "psyk"]}), refused("consent.scope")),
    row("meeting_no_participants", upto("hold_meeting"),
        ("hold_meeting", {"participants": []}), bad("participants")),
    row("meeting_person_present_text", upto("hold_meeting"),
        ("hold_meeting", {"participants": ["vc"], "person_present": "yes"}),
        bad("person_present")),
    row("meeting_child_without_view", upto("hold_meeting", **child()),
        ("hold_meeting", {"participants": ["vc", "hemtjanst"]}), refused("meeting.child_view")),
    row("meeting_child_blank_view", upto("hold_meeting", **child()),
        ("hold_meeting", {"participants": ["vc", "hemtjanst"], "child_view": " "}),
        refused("meeting.child_view")),
    row("meeting_child_with_view_ok", upto("hold_meeting", **child()),
        ("hold_meeting", {"participants": ["vc", "hemtjanst"], "child_view": "Vill hem"}),
        ACCEPTED),
    row("meeting_child_several_rules", upto("hold_meeting", **child()),
        ("hold_meeting", {"participants": ["vc", "psyk"]}),
        refused("consent.scope", "meeting.child_view")),
    # edits
    row("need_blank_text", upto("add_need"), ("add_need", {"text": "  "}), bad("text")),
    row("need_text_not_a_text", upto("add_need"), ("add_need", {"text": 42}), bad("text")),
    row("intervention_unit_not_declared", upto("add_intervention"),
        ("add_intervention", {"text": "Hemtjänst", "unit": "skola"}), bad("unit")),
    row("follow_up_a_datetime", upto("set_follow_up"),
        ("set_follow_up", {"date": dt.datetime(2026, 6, 1, 9)}), bad("date")),
    row("follow_up_place_not_a_text", upto("set_follow_up"),
        ("set_follow_up", {"date": lifecycle.FOLLOW_UP, "place": 7}), bad("place")),
    # approve_plan
    row("approve_undocumented", upto("document_plan"), ("approve_plan", {"by": COORDINATOR}),
        refused("plan.documented")),
    row("approve_edited_after_documented", [*upto("approve_plan"), ("add_need", {"text": "X"})],
        ("approve_plan", {"by": COORDINATOR}), refused("plan.documented")),
    row("approve_wrong_approver", upto("approve_plan"), ("approve_plan", {"by": "Bo Ek"}),
        refused("plan.approver")),
    row("approve_follow_up_not_after_today", upto("approve_plan", follow_up=FIRST_DAY),
        ("approve_plan", {"by": COORDINATOR}), refused("plan.contents")),
    row("approve_follow_up_on_the_day", upto("approve_plan", follow_up=dt.date(2026, 3, 5)),
        ("approve_plan", {"at": at(2026, 3, 5, 9), "by": COORDINATOR}), refused("plan.contents")),
    row("approve_follow_up_the_day_after_ok",
        upto("approve_plan", follow_up=dt.date(2026, 3, 6)),
        ("approve_plan", {"at": at(2026, 3, 5, 9), "by": COORDINATOR}), ACCEPTED),
    row("approve_without_need", [s for s in upto("approve_plan") if s[0] != "add_need"],
        ("approve_plan", {"by": COORDINATOR}), refused("plan.contents")),
    row("approve_several_rules", upto("document_plan", follow_up=FIRST_DAY),
        ("approve_plan", {"by": "Bo Ek"}),
        refused("plan.documented", "plan.contents", "plan.approver")),
    # consent valid to Monday 2 March, the approval on Friday 6 March
    row("approve_consent_expired",
        upto("approve_plan", consent={**BY_PERSON, "valid_until": FIRST_DAY}),
        ("approve_plan", {"at": at(2026, 3, 6, 9), "by": COORDINATOR}),
        refused("consent.required")),
    row("approve_with_person_text", upto("approve_plan"),
        ("approve_plan", {"by": COORDINATOR, "with_person": "yes"}), bad("with_person")),
    # start_follow_up
    row("follow_up_outside_consent", upto("start_follow_up"),
        ("start_follow_up", {"participants": ["psyk"]}), refused("consent.scope")),
    row("follow_up_nobody_ok", upto("start_follow_up"), ("start_follow_up", {}), ACCEPTED),
    # close_case
    row("close_tired", upto("close_case"), ("close_case", {"reason": "tired"}),
        refused("case.close_reason")),
    row("close_without_reason", upto("close_case"), ("close_case", {}),
        refused("case.close_reason")),
    row("close_no_longer_needed_ok", upto("send_invitation"),
        ("close_case", {"reason": "no_longer_needed"}), ACCEPTED),
]


@pytest.mark.parametrize(("prefix", "step", "expected"), DEVIATIONS)
def test_deviation(prefix: list[Step], step: Step, expected: Result) -> None:
    case, c, phases = drive(prefix)
    assert all(e == f for e, f in phases), phases
    command, args = timed([*prefix, step], TIMES)[-1]
    engine_before = case.snapshot() if case is not None else None
    floor_before = copy.deepcopy(c)

    engine = engine_result(case, command, args)
    assert engine == expected, "the engine does not do what this row expects"
    assert floor_result(c, command, args) == engine, "the floor disagrees with the engine"

    if command == "open_case":
        return
    assert case is not None and c is not None
    if engine == ACCEPTED:
        assert c["phase"] == str(case.phase)
        assert len(c["events"]) == len(case.events) == len(prefix) + 1
    else:  # a refusal leaves either side as it was
        assert case.snapshot() == engine_before
        assert c == floor_before
