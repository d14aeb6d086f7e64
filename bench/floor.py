"""The floor of ``bench/lifecycle.py``: the case lifecycle by hand, in plain dicts and functions,
making the same checks as :class:`sipcore.SipCase` under the national profile.

Each command checks, in the engine's order:

* its input: ``at`` a timezone-aware datetime; each argument of the right type and value (known
  choices, non-blank texts, lists of non-blank ids without repeats, dates that are not
  datetimes, true/false); every unit it names declared (unknown or missing arguments are refused
  by the functions' signatures);
* ``case.closed``, then ``case.time_order`` by the instant (a wall clock in the hour repeated at
  the end of summer time must not look earlier than it is), then the phase;
* every rule the command has, all of them, refusing with the ids of every ``must`` rule that
  failed and returning the ids of failed ``should`` rules as advice: consent in force and its
  scope, time-limited, oral consent documented, guardians for a child (age from the birth date),
  the child's view at the meeting, the coordinator's principal, the invitee and the substitute,
  documented, contents, approver, goal horizons, close reason; and those of the people around
  the person (DOMAIN.md §§11–12): the relatives and representative a command names are the
  case's, none the person objects to, a representative's consent within a mandate, every
  relative offered, the latest approved version handed to the person.

It records one event per command, as a tuple (seq, at, command, arguments, phase, profile,
acting unit, KVÅ code, the case's identity: derived from the opening as sipcore derives it when
the caller names none, a UUID 5 of the opening's JSON), and keeps approved plan versions
unchanged (a follow-up copies the notes into a new version). It does not write messages or
sources: a refusal names rule ids.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Stockholm")
CASES = uuid.UUID("5b0c7d3e-6f0a-5c8e-9a51-2d1f4e6b7c80")  # the namespace of derived identities
OPENING_TEXT = json.JSONEncoder(ensure_ascii=False)  # as json.dumps(..., ensure_ascii=False)
PROFILE = "national@2018.1"
CHILD_AGE = 18
OPEN = ("opened", "consented", "invited", "drafting", "active")

PHASES = {
    "record_consent": OPEN,
    "appoint_coordinator": OPEN,
    "send_invitation": ("consented",),
    "answer_invitation": ("invited",),
    "hold_meeting": ("invited",),
    "add_need": ("drafting",),
    "add_intervention": ("drafting",),
    "set_follow_up": ("drafting",),
    "document_plan": ("drafting",),
    "approve_plan": ("drafting",),
    "start_follow_up": ("active",),
    "close_case": OPEN,
}
LOCKED = ("add_need", "add_intervention", "set_follow_up")  # refused as plan.locked in active


class Refused(Exception):
    """A refusal: the ids of the rules (or the argument) that refused."""


# --- input -------------------------------------------------------------------------------------


def _at(at: Any, name: str = "at") -> dt.datetime:
    """``at`` as an instant that compares correctly: a fixed offset as given, others in UTC."""
    if type(at) is not dt.datetime or at.utcoffset() is None:
        raise Refused(name)
    return at if type(at.tzinfo) is dt.timezone else at.astimezone(dt.UTC)


def _text(name: str, value: Any) -> str:
    if type(value) is not str or not value.strip():
        raise Refused(name)
    return value


def _opt_text(name: str, value: Any) -> str | None:
    if value is not None and type(value) is not str:
        raise Refused(name)
    return value


def _choice(name: str, value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices or type(value) is not str:
        raise Refused(name)
    return value


def _bool(name: str, value: Any) -> bool:
    if type(value) is not bool:
        raise Refused(name)
    return value


def _date(name: str, value: Any) -> dt.date:
    if type(value) is not dt.date:
        raise Refused(name)
    return value


def _ids(name: str, value: Any, empty_ok: bool = False) -> tuple[str, ...]:
    """A list of non-blank ids without repeats (a set is taken in sorted order)."""
    if type(value) in (list, tuple):
        ids = tuple(value)
    elif type(value) in (set, frozenset):
        ids = tuple(sorted(value))
    else:
        raise Refused(name)
    for item in ids:
        if type(item) is not str or not item.strip():
            raise Refused(name)
    if len(set(ids)) != len(ids) or not (ids or empty_ok):
        raise Refused(name)
    return ids


def _declared(c: dict[str, Any], name: str, units: tuple[str, ...] | str) -> None:
    """Every unit named is declared (checked once every argument has its kind)."""
    for unit in (units,) if type(units) is str else units:
        if unit not in c["units"]:
            raise Refused(name)


# --- every command -----------------------------------------------------------------------------


def _begin(c: dict[str, Any], command: str, at: dt.datetime) -> None:
    if c["phase"] == "closed":
        raise Refused("case.closed")
    if at < c["latest"]:
        raise Refused("case.time_order")
    if c["phase"] not in PHASES[command]:
        if command in LOCKED and c["phase"] == "active":
            raise Refused("plan.locked")
        if command == "start_follow_up" and c["phase"] == "drafting":
            raise Refused("plan.follow_up_needs_approved")
        raise Refused("transition.not_allowed")


def _end(c: dict[str, Any], command: str, at: dt.datetime, args: Any, kva: str | None = None,
         unit: str | None = None) -> None:
    c["latest"] = at
    coordinator = c["coordinator"]
    acting = unit or (coordinator[1] if coordinator else c["opened_by"])
    c["events"].append(
        (len(c["events"]) + 1, at, command, args, c["phase"], PROFILE, acting, kva, c["case"])
    )


def _refuse(failed: list[str]) -> None:
    if failed:
        raise Refused(", ".join(failed))


def _day(at: dt.datetime) -> dt.date:
    return at.astimezone(TZ).date()


def _is_child(c: dict[str, Any], day: dt.date) -> bool:
    born = c["birth_date"]
    age = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    return age < CHILD_AGE


def _consent(c: dict[str, Any], at: dt.datetime, day: dt.date, units: tuple[str, ...],
             failed: list[str]) -> None:
    covered: set[str] = set()
    child = _is_child(c, day)
    for given_at, parties, until, by_guardians in c["consents"]:
        if given_at <= at and day <= until and (child or not by_guardians):
            covered.update(parties)
    if not covered:
        failed.append("consent.required")
    if any(u not in covered for u in units):
        failed.append("consent.scope")


# --- the commands ------------------------------------------------------------------------------


def open_case(*, at: Any, birth_date: Any, guardians: Any, units: Any, initiated_by: Any,
              unit: Any, discharge_notice_at: Any = None,
              need_identified_at: Any = None, case_id: str | None = None) -> dict[str, Any]:
    given_at, at = at, _at(at)
    if type(birth_date) is not dt.date or type(guardians) not in (list, tuple):
        raise Refused("person")
    if not isinstance(units, dict) or not units:
        raise Refused("units")
    for unit_id, principal in units.items():
        if type(unit_id) is not str or not unit_id.strip() or principal not in (
            "region", "municipality", "school", "other"
        ):
            raise Refused("units")
    c: dict[str, Any] = {
        "phase": "opened", "units": dict(units), "birth_date": birth_date,
        "guardians": tuple(guardians), "latest": at, "events": [], "consents": [],
        "coordinator": None, "invitees": (), "answers": [], "participants": (), "versions": [],
        "opened_by": unit, "discharge": None, "relatives": {}, "representatives": {},
        "handed": set(),
    }
    _choice("initiated_by", initiated_by, ("person", "relative", "guardian", "staff"))
    _text("unit", unit)
    if discharge_notice_at is not None:
        c["discharge"] = _at(discharge_notice_at, "discharge_notice_at")
    if need_identified_at is not None:
        _at(need_identified_at, "need_identified_at")
    _declared(c, "unit", unit)
    if case_id is not None:
        c["case"] = _text("case_id", case_id)
    else:
        c["case"] = str(uuid.uuid5(CASES, OPENING_TEXT.encode(
            [given_at.isoformat(), unit, PROFILE, birth_date.isoformat(), list(guardians),
             dict(units)])))
    _end(c, "open_case", at, (initiated_by, unit, c["discharge"]))
    return c


def record_consent(c: dict[str, Any], *, at: Any, given_by: Any, form: Any, parties: Any,
                   valid_until: Any = None, journal_ref: Any = None, guardians: Any = None,
                   information: Any = (), representative: Any = None, with_child: Any = False,
                   mature: Any = False) -> None:
    at = _at(at)
    _choice("given_by", given_by, ("person", "guardians", "representative"))
    _choice("form", form, ("oral", "written"))
    parties = _ids("parties", parties)
    if guardians is not None:
        guardians = _ids("guardians", guardians, empty_ok=True)
    if journal_ref is not None:
        _opt_text("journal_ref", journal_ref)
    if information != ():
        _ids("information", information, empty_ok=True)
    if valid_until is not None:
        _date("valid_until", valid_until)
    _declared(c, "parties", parties)
    if representative is not None:
        _opt_text("representative", representative)
    _bool("with_child", with_child)
    _bool("mature", mature)
    if guardians is not None and given_by != "guardians":
        raise Refused("guardians")
    if representative is not None and given_by != "representative":
        raise Refused("representative")
    if (with_child and given_by != "guardians") or (mature and given_by != "person"):
        raise Refused("with_child" if with_child else "mature")
    _begin(c, "record_consent", at)
    day = _day(at)
    failed = []
    if valid_until is None or valid_until < day:
        failed.append("consent.time_limited")
    if form == "oral" and not (journal_ref or "").strip():
        failed.append("consent.oral_documented")
    if _is_child(c, day):
        if (given_by != "guardians" or not c["guardians"]
                or set(guardians or ()) != set(c["guardians"])):
            failed.append("consent.guardians")
    elif given_by == "guardians":
        failed.append("consent.guardians")
    if given_by == "representative":
        mandate = c["representatives"].get(representative)
        if mandate is None or mandate[0] < day or not mandate[1]:
            failed.append("consent.representative")
    _refuse(failed)
    c["consents"].append((at, parties, valid_until, given_by == "guardians"))
    if c["phase"] == "opened":
        c["phase"] = "consented"
    _end(c, "record_consent", at, (given_by, form, parties, valid_until, journal_ref))


def appoint_coordinator(c: dict[str, Any], *, at: Any, person: Any, unit: Any) -> None:
    at = _at(at)
    _text("person", person)
    _text("unit", unit)
    _declared(c, "unit", unit)
    _begin(c, "appoint_coordinator", at)
    if c["units"][unit] not in ("region", "municipality"):
        raise Refused("coordinator.principal")
    c["coordinator"] = (person, unit, at)
    _end(c, "appoint_coordinator", at, (person, unit), unit=unit)


def send_invitation(c: dict[str, Any], *, at: Any, meeting_at: Any, place: Any, form: Any,
                    invitees: Any, relatives: Any = ()) -> None:
    at = _at(at)
    meeting_at = _at(meeting_at, "meeting_at")
    _text("place", place)
    _choice("form", form, ("in_person", "video", "phone"))
    invitees = _ids("invitees", invitees)
    relatives = _ids("relatives", relatives, empty_ok=True)
    _declared(c, "invitees", invitees)
    _known(c, "relatives", relatives)
    _begin(c, "send_invitation", at)
    failed: list[str] = []
    _consent(c, at, _day(at), invitees, failed)
    if meeting_at <= at:
        failed.append("invitation.meeting_time")
    _objected(c, relatives, failed)
    _refuse(failed)
    c["offered"] = c.get("offered", ()) + relatives
    c["invitees"] = invitees
    c["answers"] = []
    c["phase"] = "invited"
    _end(c, "send_invitation", at, (meeting_at, place, form, invitees))


def answer_invitation(c: dict[str, Any], *, at: Any, unit: Any, attending: Any,
                      attendee: Any = None, substitute: Any = None) -> list[str]:
    at = _at(at)
    _text("unit", unit)
    _bool("attending", attending)
    if attendee is not None:
        _opt_text("attendee", attendee)
    if substitute is not None:
        _opt_text("substitute", substitute)
    _declared(c, "unit", unit)
    _begin(c, "answer_invitation", at)
    if unit not in c["invitees"]:
        raise Refused("invitation.not_invited")
    advice = [] if attending or (substitute or "").strip() else ["invitation.substitute"]
    c["answers"].append((unit, at, attending, substitute))
    _end(c, "answer_invitation", at, (unit, attending, substitute), unit=unit)
    return advice


def hold_meeting(c: dict[str, Any], *, at: Any, participants: Any, person_present: Any = True,
                 child_view: Any = None, relatives: Any = (), representative: Any = None,
                 leader: Any = None) -> None:
    at = _at(at)
    participants = _ids("participants", participants)
    if person_present is not True:
        _bool("person_present", person_present)
    if child_view is not None:
        _opt_text("child_view", child_view)
    relatives = _ids("relatives", relatives, empty_ok=True)
    for name, value in (("representative", representative), ("leader", leader)):
        if value is not None:
            _opt_text(name, value)
    _declared(c, "participants", participants)
    _known(c, "relatives", relatives)
    if representative is not None and representative not in c["representatives"]:
        raise Refused("representative")
    _begin(c, "hold_meeting", at)
    day = _day(at)
    failed: list[str] = []
    _consent(c, at, day, participants, failed)
    if _is_child(c, day) and not (child_view or "").strip():
        failed.append("meeting.child_view")
    _objected(c, relatives, failed)
    _refuse(failed)
    c["participants"] = participants
    c["versions"].append({"notes": [], "follow_up": None, "documented": None, "approved": None})
    c["phase"] = "drafting"
    kva = "AU125" if c["discharge"] else "AU124"
    _end(c, "hold_meeting", at, (participants, person_present, child_view), kva=kva)


def _edit(c: dict[str, Any], command: str, at: dt.datetime, note: Any) -> None:
    _begin(c, command, at)
    draft = c["versions"][-1]
    if command == "set_follow_up":
        draft["follow_up"] = note
    else:
        draft["notes"].append(note)
    draft["documented"] = None
    _end(c, command, at, note)


def add_need(c: dict[str, Any], *, at: Any, text: Any) -> None:
    _edit(c, "add_need", _at(at), ("need", _text("text", text), None))


def add_intervention(c: dict[str, Any], *, at: Any, text: Any, unit: Any,
                     responsible: Any = None) -> None:
    at = _at(at)
    _text("text", text)
    _text("unit", unit)
    if responsible is not None:
        _opt_text("responsible", responsible)
    _declared(c, "unit", unit)
    _begin(c, "add_intervention", at)
    failed: list[str] = []
    _consent(c, at, _day(at), (unit,), failed)
    _refuse([f for f in failed if f == "consent.scope"])
    _edit(c, "add_intervention", at, ("intervention", text, unit, responsible))


def set_follow_up(c: dict[str, Any], *, at: Any, date: Any, place: Any = None) -> None:
    at = _at(at)
    if place is not None:
        _opt_text("place", place)
    _edit(c, "set_follow_up", at, (_date("date", date), place))


def document_plan(c: dict[str, Any], *, at: Any) -> None:
    at = _at(at)
    _begin(c, "document_plan", at)
    c["versions"][-1]["documented"] = at
    _end(c, "document_plan", at, ())


def approve_plan(c: dict[str, Any], *, at: Any, by: Any, with_person: Any = True) -> list[str]:
    at = _at(at)
    _text("by", by)
    if with_person is not True:
        _bool("with_person", with_person)
    _begin(c, "approve_plan", at)
    day = _day(at)
    failed: list[str] = []
    _consent(c, at, day, (), failed)
    draft = c["versions"][-1]
    kinds = {note[0] for note in draft["notes"]}
    if draft["documented"] is None:
        failed.append("plan.documented")
    follow_up = draft["follow_up"]
    coordinator = c["coordinator"]
    if ("need" not in kinds or "intervention" not in kinds or coordinator is None
            or follow_up is None or follow_up[0] <= day):
        failed.append("plan.contents")
    if coordinator is None or coordinator[0] != by:
        failed.append("plan.approver")
    _refuse(failed)
    horizons = {note[2] for note in draft["notes"] if note[0] == "goal"}
    advice = [] if {"short", "long"} <= horizons else ["plan.goal_horizons"]
    offered = c.get("offered", ())
    if any(not objects and r not in offered for r, objects in c["relatives"].items()):
        advice.append("relatives.offered")
    draft["approved"] = (at, by, with_person)
    c["phase"] = "active"
    _end(c, "approve_plan", at, (by, with_person))
    return advice


def _known(c: dict[str, Any], name: str, relatives: tuple[str, ...]) -> None:
    if any(r not in c["relatives"] for r in relatives):
        raise Refused(name)


def _objected(c: dict[str, Any], relatives: tuple[str, ...], failed: list[str]) -> None:
    if any(c["relatives"][r] for r in relatives):
        failed.append("relatives.objection")


def _handed(c: dict[str, Any]) -> list[str]:
    """The advice plan.handed_to_person: the latest approved version not handed out."""
    approved = [n for n, v in enumerate(c["versions"], start=1) if v["approved"]]
    return ["plan.handed_to_person"] if approved and approved[-1] not in c["handed"] else []


def start_follow_up(c: dict[str, Any], *, at: Any, participants: Any = ()) -> list[str]:
    at = _at(at)
    participants = _ids("participants", participants, empty_ok=True)
    _declared(c, "participants", participants)
    _begin(c, "start_follow_up", at)
    failed: list[str] = []
    _consent(c, at, _day(at), participants, failed)
    _refuse(failed)
    advice = _handed(c)
    last = c["versions"][-1]
    c["versions"].append(
        {"notes": list(last["notes"]), "follow_up": None, "documented": None, "approved": None}
    )
    c["phase"] = "drafting"
    _end(c, "start_follow_up", at, participants, kva="AW010")
    return advice


def close_case(c: dict[str, Any], *, at: Any, reason: Any = None) -> list[str]:
    at = _at(at)
    if reason is not None:
        _opt_text("reason", reason)
    _begin(c, "close_case", at)
    if reason not in ("goals_met", "no_longer_needed"):
        raise Refused("case.close_reason")
    advice = _handed(c)
    c["phase"] = "closed"
    _end(c, "close_case", at, reason)
    return advice
