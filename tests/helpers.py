"""Shared builders for the engine tests: profiles, persons, units, a clock in Europe/Stockholm
and a builder that walks a case to a given phase through the public API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from sipcore.case import SipCase
from sipcore.consent import Person
from sipcore.errors import Refusal
from sipcore.profiles import Profile, load_profile

STOCKHOLM = ZoneInfo("Europe/Stockholm")

UNITS: Mapping[str, str] = {
    "vc": "region",  # vårdcentral
    "psyk": "region",  # psykiatri
    "hemtjanst": "municipality",
    "soc": "municipality",  # socialtjänst
    "skola": "school",
    "fk": "other",  # Försäkringskassan
}

ADULT = Person(dt.date(1961, 3, 14))
CHILD = Person(dt.date(2015, 5, 1), ("g1", "g2"))
CHILD_ONE_GUARDIAN = Person(dt.date(2015, 5, 1), ("g1",))


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    """A Europe/Stockholm wall-clock time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


START = at(2026, 3, 2)  # a Monday


class Clock:
    """Hands out increasing Europe/Stockholm wall-clock times, ``step`` apart, from ``start``
    (tests that cross a change of summer time give their times explicitly)."""

    def __init__(self, start: dt.datetime = START, step: dt.timedelta = dt.timedelta(minutes=10)):
        self.now = start
        self.step = step

    def __call__(self, **delta: float) -> dt.datetime:
        self.now = self.now + (dt.timedelta(**delta) if delta else self.step)
        return self.now


# --- profiles ----------------------------------------------------------------------------------

def profile(name: str = "national") -> Profile:
    """The bundled profile ``name`` (national, vastmanland, jonkoping, …)."""
    return load_profile(name)


# --- walking a case ----------------------------------------------------------------------------

PHASES = (
    "opened",
    "consented",
    "coordinated",  # consented, with a coordinator
    "invited",  # invited, with a coordinator
    "answered",  # invited, every invitee answered
    "drafting",  # the meeting held: version 1, empty
    "ready",  # drafting, contents complete and documented: approve_plan applies
    "active",  # version 1 approved
    "follow_up",  # drafting version 2 (a copy of version 1)
    "closed",  # closed with goals_met
)

COORDINATOR = "Anna Berg"


def consent_args(
    person: Person,
    parties: tuple[str, ...] = ("vc", "hemtjanst"),
    valid_until: dt.date = dt.date(2030, 12, 31),
) -> dict[str, Any]:
    """Written consent for ``parties`` until ``valid_until``, by the person or, for a child,
    by every guardian."""
    args: dict[str, Any] = {"form": "written", "parties": list(parties), "valid_until": valid_until}
    if person.guardians and person.is_child(START.date()):
        return {**args, "given_by": "guardians", "guardians": list(person.guardians)}
    return {**args, "given_by": "person"}


def invitation(when: dt.datetime, invitees: tuple[str, ...] = ("hemtjanst",)) -> dict[str, Any]:
    """The arguments of ``send_invitation`` at ``when``, for a meeting a week later."""
    return {
        "at": when,
        "meeting_at": when + dt.timedelta(days=7),
        "place": "Vårdcentralen",
        "form": "in_person",
        "invitees": list(invitees),
    }


def child_view(person: Person) -> dict[str, Any]:
    return {"child_view": "Vill gå i skolan"} if person.guardians else {}


def fill_plan(
    case: SipCase,
    clock: Clock,
    *,
    skip: tuple[str, ...] = (),
    goals: tuple[str, ...] = ("short", "long"),
    follow_up: dt.date | None = None,
    place: str | None = "Vårdcentralen",
    document: bool = True,
) -> None:
    """Add a need, goals on ``goals``, an intervention, a follow-up date (90 days on) and place,
    and document the plan; ``skip`` leaves out "need", "intervention" or "follow_up"."""
    if "need" not in skip:
        case.add_need(at=clock(), text="Stöd i hemmet")
    for horizon in goals:
        case.add_goal(at=clock(), text=f"Mål på {horizon} sikt", horizon=horizon)
    if "intervention" not in skip:
        case.add_intervention(at=clock(), text="Hemtjänst tre dagar i veckan", unit="hemtjanst")
    # The parts the profile requires besides these (DOMAIN.md §12.1: Jönköping's action plan).
    parts = {"action_plan": case.add_action_plan, "own_action": case.add_own_action,
             "coordination": case.add_coordination}
    for part in case.profile.plan_parts:
        if part in parts and part not in skip:
            parts[part](at=clock(), text=f"Planens del {part}")
    if "follow_up" not in skip:
        day = follow_up or (clock.now + dt.timedelta(days=90)).date()
        case.set_follow_up(at=clock(), date=day, place=place)
    if document:
        case.document_plan(at=clock())


def walk(
    to: str,
    *,
    profile_name: str = "national",
    person: Person = ADULT,
    clock: Clock | None = None,
    units: Mapping[str, str] = UNITS,
    discharge_notice_at: dt.datetime | None = None,
    valid_until: dt.date = dt.date(2030, 12, 31),
    admitted_at: dt.datetime | None = None,
    compulsory_care: str | None = None,
) -> tuple[SipCase, Clock]:
    """A case walked through the public API to ``to`` (one of :data:`PHASES`)."""
    if to not in PHASES:
        raise ValueError(f"unknown phase {to!r}; one of {PHASES}")
    clock = clock or Clock()
    stop = PHASES.index(to)
    case = SipCase.open_case(
        at=clock.now,
        profile=profile(profile_name),
        person=person,
        units=units,
        initiated_by="staff",
        unit="vc",
        discharge_notice_at=discharge_notice_at,
        admitted_at=admitted_at,
        compulsory_care=compulsory_care,  # type: ignore[arg-type]
    )
    view = {"patient_view": "Vill bo kvar hemma"} if compulsory_care else {}
    steps: list[Callable[[], object]] = [
        lambda: case.record_consent(
            at=clock(), **consent_args(person, valid_until=valid_until)
        ),
        lambda: case.appoint_coordinator(at=clock(), person=COORDINATOR, unit="vc"),
        lambda: case.send_invitation(**invitation(clock())),
        lambda: case.answer_invitation(at=clock(), unit="hemtjanst", attending=True),
        lambda: case.hold_meeting(
            at=clock(days=7), participants=["vc", "hemtjanst"], **child_view(person), **view
        ),
        lambda: fill_plan(case, clock),
        lambda: case.approve_plan(at=clock(), by=COORDINATOR),
        lambda: case.start_follow_up(at=clock(days=60), participants=["vc", "hemtjanst"]),
        lambda: case.close_case(at=clock(), reason="goals_met"),
    ]
    for step in steps[:stop]:
        step()
    return case, clock


EDITS: dict[str, dict[str, Any]] = {
    "add_need": {"text": "Ny bostad"},
    "add_goal": {"text": "Arbete", "horizon": "long"},
    "add_intervention": {"text": "Boendestöd", "unit": "hemtjanst", "responsible": "Eva Lund"},
    "add_note": {"text": "Ringer på fredag", "heading": "Övrigt"},
    "set_follow_up": {"date": dt.date(2026, 12, 1), "place": "Hemma"},
    # the plan's other parts (DOMAIN.md §12.1)
    "add_action_plan": {"text": "Vid oro: ring mottagningen"},
    "add_own_action": {"text": "Går på promenad varje dag"},
    "add_contact": {"unit": "hemtjanst", "person": "Eva Lund", "reach": "010-123 45 67"},
    "add_coordination": {"text": "Samordnas av vårdcentralen"},
}


def valid_args(command: str, when: dt.datetime) -> dict[str, Any]:
    """Arguments of ``command`` that pass every check but the phase's."""
    args: dict[str, dict[str, Any]] = {
        "decline_case": {"reason": "Skäl"},
        "record_consent": consent_args(ADULT),
        "refuse_consent": {"journal_ref": "J-1"},
        "update_guardians": {"guardians": ["g1", "g2"], "journal_ref": "J-2"},
        "appoint_coordinator": {"person": "Bo Ek", "unit": "vc"},
        "record_preferences": {"place": "Hemma", "interpreter": False},
        "send_invitation": invitation(when),
        "answer_invitation": {"unit": "hemtjanst", "attending": True},
        "revoke_invitation": {},
        "hold_meeting": {"participants": ["vc"]},
        **EDITS,
        "document_plan": {},
        "approve_plan": {"by": COORDINATOR},
        "start_follow_up": {},
        "withdraw_consent": {},
        "record_death": {},
        "close_case": {"reason": "goals_met"},
        # --- discharge from inpatient care (DOMAIN.md §10)
        "send_admission_notice": {"to": ["hemtjanst", "vc"]},
        "appoint_fast_vardkontakt": {"person": "Eva Lund", "unit": "vc"},
        "notify_discharge_ready": {"to": ["hemtjanst", "vc"]},
        "record_discharge": {},
        "transfer_information": {"to": ["hemtjanst", "vc"]},
        "adjust_plan": {"unit": "vc"},
        # the people around the person and the whole plan (DOMAIN.md §§11–12)
        "record_relative": {"id": "syster", "relation": "syster"},
        "register_representative": {
            "id": "gm1", "kind": "god_man", "valid_until": dt.date(2030, 1, 1),
            "covers_consent": True, "journal_ref": "J-3"},
        "appoint_meeting_leader": {"person": "Lisa Holm", "unit": "hemtjanst"},
        "hand_out_plan": {"version": 1, "to": ["person"]},
    }
    return {"at": when} | args[command]


def refuse(case: SipCase, command: str, *ids: str, **args: Any) -> Refusal:
    """Run ``command`` (a method of the case), expect a refusal naming every id of ``ids``,
    and check that the refusal left the case exactly as it was."""
    before = case.snapshot()
    try:
        getattr(case, command)(**args)
    except Refusal as refusal:
        missing = [i for i in ids if i not in refusal.ids]
        assert not missing, f"{command}: {missing} not among {refusal.ids}"
        assert case.snapshot() == before, f"{command}: the refusal changed the case"
        return refusal
    raise AssertionError(f"{command} applied; expected a refusal with {ids}")
