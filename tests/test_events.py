"""Events: the JSON form of every command's event, malformed input named by field, and replay
(equal to the live case; a tampered sequence is refused)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import (
    ADULT,
    CHILD,
    COORDINATOR,
    STOCKHOLM,
    UNITS,
    Clock,
    at,
    consent_args,
    invitation,
    profile,
    walk,
)
from sipcore import states
from sipcore.case import SipCase
from sipcore.commands import COMMAND_ARGS, aware
from sipcore.errors import EventFormatError, InputError, InputTypeError
from sipcore.events import (
    _QUIET,
    _QUIET_SIZE,
    MAX_JSON_CHARS,
    SCHEMA_VERSION,
    Event,
    _event_from_dict,
    _event_to_dict,
    _Filling,
    _quick_event,
    _read_time,
    _Stamps,
    _time_text,
    events_from_json,
    events_to_json,
)
from sipcore.process import Units
from sipcore.profiles import Stamp


def lifecycle(end: str = "withdraw_consent") -> SipCase:
    """A child's discharge case through every command that keeps it open, with every optional
    argument, ended by ``end``."""
    clock = Clock()
    case = SipCase.open_case(
        at=clock.now, profile=profile(), person=CHILD, units=UNITS, initiated_by="guardian",
        unit="psyk", discharge_notice_at=at(2026, 3, 1, 14, 5),
    )
    case.record_preferences(at=clock(), place="Hemma", interpreter=True, max_minutes=45,
                            pause_share=0.5, language="arabiska")
    case.record_consent(
        at=clock(), given_by="guardians", guardians=["g2", "g1"], form="oral",
        journal_ref="J-2026-3", parties=["vc", "psyk", "hemtjanst", "skola"],
        information=["journal", "skolgång"], valid_until=dt.date(2027, 3, 1),
    )
    case.appoint_coordinator(at=clock(), person=COORDINATOR, unit="psyk")
    case.send_invitation(**invitation(clock(), ("hemtjanst", "skola")) | {"form": "video"})
    case.answer_invitation(at=clock(), unit="hemtjanst", attending=False, substitute="Eva Lund")
    case.revoke_invitation(at=clock())
    case.send_invitation(**invitation(clock(), ("hemtjanst", "skola", "vc")))
    case.answer_invitation(at=clock(), unit="skola", attending=True, attendee="Mentor")
    case.hold_meeting(at=clock(days=7), participants=["psyk", "skola", "vc"],
                      person_present=False, child_view="Vill gå kvar i samma klass")
    case.add_need(at=clock(), text="Stöd i skolan")
    case.add_goal(at=clock(), text="Närvaro", horizon="short")
    case.add_goal(at=clock(), text="Gymnasiebehörighet", horizon="long")
    case.add_intervention(at=clock(), text="Specialpedagog", unit="skola", responsible="Lisa")
    case.add_note(at=clock(), text="Mamma tolkar", heading="Övrigt")
    case.set_follow_up(at=clock(), date=dt.date(2026, 6, 1))
    case.document_plan(at=clock())
    case.approve_plan(at=clock(), by=COORDINATOR, with_person=False)
    case.start_follow_up(at=clock(days=80), participants=["skola"])
    case.add_note(at=clock(), text="Bättre närvaro")
    case.set_follow_up(at=clock(), date=dt.date(2026, 12, 1), place="Skolan")
    case.document_plan(at=clock())
    case.approve_plan(at=clock(), by=COORDINATOR)
    case.update_guardians(at=clock(), guardians=["g1", "g2"], journal_ref="J-2026-4")
    case.execute(end, at=clock(), **({"reason": "goals_met"} if end == "close_case" else {}))
    return case


def declined() -> SipCase:
    case, clock = walk("opened")
    case.decline_case(at=clock(), reason="Behovet tillgodoses av en huvudman")
    return case


def refused() -> SipCase:
    case, clock = walk("opened")
    case.refuse_consent(at=clock(), journal_ref="J-9")
    return case


def people() -> SipCase:
    """The people around the person and the whole plan (DOMAIN.md §§11–12): relatives, a
    representative, a meeting leader, every plan part, the hand-out, a follow-up invitation
    answered and revoked in active."""
    clock = Clock()
    case = SipCase.open_case(
        at=clock.now, profile=profile(), person=ADULT, units=UNITS, initiated_by="relative",
        unit="vc", need_identified_at=at(2026, 2, 20, 9, 0),
    )
    case.record_relative(at=clock(), id="syster", relation="syster")
    case.record_relative(at=clock(), id="exman", relation="tidigare make", person_objects=True)
    case.register_representative(at=clock(), id="gm1", kind="god_man",
                                 valid_until=dt.date(2027, 12, 31), covers_consent=True,
                                 journal_ref="J-2026-5")
    case.record_consent(at=clock(), given_by="representative", representative="gm1",
                        form="written", parties=["vc", "hemtjanst"],
                        valid_until=dt.date(2027, 3, 1))
    case.appoint_coordinator(at=clock(), person=COORDINATOR, unit="vc")
    case.appoint_meeting_leader(at=clock(), person="Lisa Holm", unit="hemtjanst")
    case.send_invitation(**invitation(clock(), ("hemtjanst",)), relatives=["syster"])
    case.hold_meeting(at=clock(days=7), participants=["vc", "hemtjanst"], person_present=False,
                      relatives=["syster"], representative="gm1", leader="Lisa Holm")
    case.add_need(at=clock(), text="Stöd i vardagen")
    case.add_intervention(at=clock(), text="Boendestöd", unit="hemtjanst")
    case.add_action_plan(at=clock(), text="Vid oro: ring boendestödet")
    case.add_own_action(at=clock(), text="Handlar själv på fredagar")
    case.add_contact(at=clock(), unit="hemtjanst", person="Eva Lund", reach="010-123 45 67")
    case.add_coordination(at=clock(), text="Samordningsansvarig stämmer av varje månad")
    case.set_follow_up(at=clock(), date=dt.date(2026, 9, 1))
    case.document_plan(at=clock())
    case.approve_plan(at=clock(), by=COORDINATOR)
    case.hand_out_plan(at=clock(), version=1, to=["person", "syster", "hemtjanst"])
    case.send_invitation(**invitation(clock(), ("hemtjanst",)))
    case.answer_invitation(at=clock(), unit="hemtjanst", attending=True)
    case.revoke_invitation(at=clock())
    return case


def discharge_chain() -> SipCase:
    """A discharge case through the chain of Lag (2017:612), every optional argument given."""
    clock = Clock()
    case = SipCase.open_case(
        at=clock.now, profile=profile(), person=ADULT, units=UNITS, initiated_by="staff",
        unit="psyk", admitted_at=at(2026, 3, 2, 8), care="psychiatric",
    )
    case.send_admission_notice(at=clock(), to=["soc", "vc"], assessed_at=at(2026, 3, 2, 8, 30))
    case.appoint_fast_vardkontakt(at=clock(), person="Eva Lund", unit="vc")
    case.notify_discharge_ready(at=clock(days=2), to=["soc", "vc"])
    case.record_discharge(at=clock(days=3))
    case.transfer_information(at=clock(), to=["soc", "vc"])
    return case


def samordnad_vardplan() -> SipCase:
    """A samordnad vårdplan (LPT): invited from opened, adjusted by its units."""
    clock = Clock()
    case = SipCase.open_case(
        at=clock.now, profile=profile(), person=ADULT, units=UNITS, initiated_by="staff",
        unit="psyk", compulsory_care="LPT",
    )
    case.appoint_coordinator(at=clock(), person=COORDINATOR, unit="psyk")
    case.send_invitation(**invitation(clock(), ("soc",)))
    case.hold_meeting(at=clock(days=7), participants=["psyk", "soc"],
                      patient_view="Vill ha stöd hemma, inte på avdelning")
    case.adjust_plan(at=clock(), unit="soc")
    return case


CASES: dict[str, Callable[[], SipCase]] = {
    "discharge_chain": discharge_chain,
    "samordnad_vardplan": samordnad_vardplan,
    "withdrawn": lifecycle,
    "closed": lambda: lifecycle("close_case"),
    "deceased": lambda: lifecycle("record_death"),
    "declined": declined,
    "refused": refused,
    "active": lambda: walk("active")[0],
    "people": people,
}


def test_the_cases_cover_every_command() -> None:
    used = {e.command for make in CASES.values() for e in make().events}
    assert used == set(states.COMMANDS)


@pytest.mark.parametrize("name", list(CASES))
def test_json_round_trip(name: str) -> None:
    case = CASES[name]()
    text = events_to_json(case.events)
    back = events_from_json(text)
    assert back == list(case.events)
    assert events_to_json(back) == text
    for item in json.loads(text):
        assert item["schema"] == SCHEMA_VERSION


@pytest.mark.parametrize("name", list(CASES))
def test_replay_equals_live(name: str) -> None:
    case = CASES[name]()
    for events in (case.events, events_from_json(events_to_json(case.events))):
        again = SipCase.replay(events)  # the profile the events name
        assert again.snapshot() == case.snapshot()
        assert again is not case
        assert SipCase.replay(events, profile=case.profile).snapshot() == case.snapshot()
    for when in (case.events[0].at, case.events[len(case.events) // 2].at, case.events[-1].at):
        assert again.obligations(when) == case.obligations(when)


def test_replay_of_each_prefix_is_the_case_then() -> None:
    full = lifecycle()
    events = full.events
    live = SipCase.open_case(
        at=events[0].at, profile=full.profile, person=full.person, units=full.units,
        initiated_by="guardian", unit="psyk", discharge_notice_at=full.discharge_notice_at,
    )
    for n, event in enumerate(events[1:], start=2):
        raw = {f.name: getattr(event.args, f.name) for f in attrs.fields(type(event.args))}
        if event.command == "withdraw_consent":
            raw = {}
        if event.command == "record_preferences":
            raw = dict(raw["fields"])
        live.execute(event.command, at=event.at, **raw)
        assert SipCase.replay(events[:n]).snapshot() == live.snapshot()
    assert live.snapshot() == full.snapshot()


# --- malformed JSON is refused, naming the field -----------------------------------------------


def events_json() -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads(events_to_json(lifecycle().events))
    return loaded


def set_path(data: list[dict[str, Any]], path: str, value: Any) -> None:
    """Set ``data[i].a.b`` (``path`` = "i.a.b"); ``value`` DELETE removes the key."""
    first, *keys = path.split(".")
    target: Any = data[int(first)]
    for key in keys[:-1]:
        target = target[key]
    if value is DELETE:
        del target[keys[-1]]
    else:
        target[keys[-1]] = value


DELETE = object()

MALFORMED: list[tuple[str, Any, str]] = [
    # (path, value, the field the error names)
    ("0.schema", 3, "events[0].schema"),
    ("3.schema", 99, "events[3].schema"),
    ("1.schema", "1", "events[1].schema"),
    ("1.schema", DELETE, "events[1].schema"),
    ("3.colour", "red", "events[3].colour"),
    ("2.seq", "3", "events[2].seq"),
    ("2.seq", True, "events[2].seq"),
    ("2.at", 5, "events[2].at"),
    ("2.at", "yesterday", "events[2].at"),
    ("2.at", "2026-03-02T09:20:00", "events[2].at"),  # naive
    ("2.command", "fly", "events[2].command"),
    ("2.command", None, "events[2].command"),
    ("2.phase", "paused", "events[2].phase"),
    ("2.unit", 5, "events[2].unit"),
    ("2.kva", ["AU124"], "events[2].kva"),
    ("2.profile", DELETE, "events[2].profile"),
    ("2.profile_hash", 0, "events[2].profile_hash"),
    ("2.args", [], "events[2].args"),
    ("2.args.parties", "vc", "events[2].args.parties"),
    ("2.args.parties", ["vc", 7], "parties"),
    ("2.args.valid_until", "31/12/2027", "events[2].args.valid_until"),
    ("2.args.valid_until", 20271231, "events[2].args.valid_until"),
    ("2.args.form", "email", "form"),
    ("2.args.scope", "all", "events[2].args.scope"),
    ("2.args.given_by", DELETE, "given_by"),
    ("5.args.attending", "yes", "attending"),
    ("1.args.fields", "place", "events[1].args.fields"),
    ("9.args.participants", "psyk", "events[9].args.participants"),
    ("0.declaration", [], "events[0].declaration"),
    ("0.declaration.birth_date", "2015-13-01", "events[0].declaration.birth_date"),
    ("0.declaration.guardians", [1], "events[0].declaration.guardians"),
    ("0.declaration.units", ["vc"], "events[0].declaration.units"),
    ("0.args.discharge_notice_at", "2026-03-01T14:05:00", "discharge_notice_at"),
]


@pytest.mark.parametrize(("path", "value", "field"), MALFORMED)
def test_malformed_event_is_refused_naming_the_field(path: str, value: Any, field: str) -> None:
    data = events_json()
    assert data[2]["command"] == "record_consent" and data[9]["command"] == "hold_meeting"
    set_path(data, path, value)
    with pytest.raises(EventFormatError) as info:
        events_from_json(json.dumps(data))
    assert field in str(info.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[{", "not JSON"),
        ("", "not JSON"),
        ('{"schema": 1}', "expected a JSON array"),
        ("[1]", "events[0]: expected an object"),
        ('[{"schema": 3, "whatever": true}]', "unknown schema"),
    ],
)
def test_malformed_json(text: str, message: str) -> None:
    with pytest.raises(EventFormatError) as info:
        events_from_json(text)
    assert message in str(info.value)


def test_unknown_schema_is_refused_before_anything_else() -> None:
    data = events_json()
    data[0]["schema"] = SCHEMA_VERSION + 1
    data[0]["new_field"] = {}
    with pytest.raises(EventFormatError, match=r"events\[0\]\.schema: .*unknown schema"):
        events_from_json(json.dumps(data))


# --- replay refuses a tampered sequence --------------------------------------------------------


def tampered(change: Callable[[list[Event]], list[Event]]) -> list[Event]:
    return change(list(lifecycle().events))


def renumbered(events: list[Event]) -> list[Event]:
    return [attrs.evolve(e, seq=n) for n, e in enumerate(events, start=1)]


def without_declaration(event: Event) -> Event:
    """The opening event as a plain event, without the case's declaration."""
    return Event(**{f.name: getattr(event, f.name) for f in attrs.fields(Event)})


def replace(events: list[Event], i: int, **changes: Any) -> list[Event]:
    events[i] = attrs.evolve(events[i], **changes)
    return events


TAMPERED: dict[str, tuple[Callable[[list[Event]], list[Event]], str]] = {
    "phase": (lambda es: replace(es, 2, phase=states.INVITED), r"events\[2\]\.phase"),
    "closed_phase": (lambda es: replace(es, -1, phase=states.ACTIVE), r"\.phase"),
    "time": (lambda es: replace(es, 5, at=es[4].at - dt.timedelta(seconds=1)),
             r"events\[5\]\.at"),
    "profile_hash": (lambda es: replace(es, 7, decided_under=Stamp(es[7].profile, "0" * 64)),
                     r"events\[7\]\.profile"),
    "profile_key": (lambda es: replace(es, 7, decided_under=Stamp("national@1999",
                                                                  es[7].profile_hash)),
                    r"events\[7\]\.profile"),
    "seq_gap": (lambda es: es[:3] + es[4:], r"events\[3\]\.seq"),
    "seq_start": (lambda es: [attrs.evolve(e, seq=e.seq + 1) for e in es], r"events\[0\]\.seq"),
    "no_open_case": (lambda es: renumbered(es[1:]), r"events\[0\]"),
    "no_declaration": (lambda es: [without_declaration(es[0]), *es[1:]], r"events\[0\]"),
    "not_allowed": (lambda es: renumbered(es[:9] + es[10:]), r"events\[9\]\.command"),
    "after_closing": (lambda es: renumbered([*es, attrs.evolve(es[-2], at=es[-1].at)]),
                      r"\.command"),
    "empty": (lambda es: [], r"events\[0\]"),
}


@pytest.mark.parametrize("name", list(TAMPERED))
def test_replay_refuses_a_tampered_sequence(name: str) -> None:
    change, where = TAMPERED[name]
    events = tampered(change)
    with pytest.raises(EventFormatError, match=where):
        SipCase.replay(events)


def test_replay_refuses_another_profile() -> None:
    case = lifecycle()
    other = attrs.evolve(case.profile, content_hash="f" * 64)
    with pytest.raises(EventFormatError, match=r"events\[0\]\.profile"):
        SipCase.replay(case.events, profile=other)
    regional = profile("vastmanland")
    with pytest.raises(EventFormatError, match=r"events\[0\]\.profile"):
        SipCase.replay(case.events, profile=regional)


def test_round_trip_across_summer_time() -> None:
    """Times on both sides of both changes of summer time, given in the zone: JSON keeps each
    at its offset, and the replayed case equals the live one."""
    tz = at(2026, 1, 1).tzinfo
    case, _ = walk("opened", clock=Clock(at(2026, 3, 29, 1, 0)))
    case.record_consent(at=at(2026, 3, 29, 1, 59), **consent_args(ADULT))
    case.appoint_coordinator(at=at(2026, 3, 29, 3, 1), person=COORDINATOR, unit="vc")
    case.record_preferences(at=dt.datetime(2026, 10, 25, 2, 30, tzinfo=tz), place="Hemma")
    case.record_preferences(at=dt.datetime(2026, 10, 25, 2, 10, fold=1, tzinfo=tz), place="Ute")
    text = events_to_json(case.events)
    assert '"2026-10-25T02:30:00+02:00"' in text and '"2026-10-25T02:10:00+01:00"' in text
    again = SipCase.replay(events_from_json(text))
    assert again.snapshot() == case.snapshot()


def test_replay_keeps_regional_profile() -> None:
    case, _ = walk("follow_up", profile_name="jonkoping")
    again = SipCase.replay(events_from_json(events_to_json(case.events)), profile=case.profile)
    assert again.snapshot() == case.snapshot()
    assert again.profile.key == case.profile.key


def test_events_stored_by_an_earlier_release_still_replay() -> None:
    """Events as a vendor stored them (schema 1, written by the release before the case's
    records kept their commands' arguments) load, replay to the same case, and are written
    back exactly as they were."""
    text = (Path(__file__).parent / "data" / "events_schema1_2026-11.json").read_text("utf-8")
    case = SipCase.replay(events_from_json(text))
    # Written back in schema 2: the same events, each with the case's derived identity.
    written = json.loads(events_to_json(case.events))
    assert {e["schema"] for e in written} == {2} and len({e["case"] for e in written}) == 1
    assert [{k: v for k, v in e.items() if k not in ("schema", "case")} for e in written] == [
        {k: v for k, v in e.items() if k != "schema"} for e in json.loads(text)
    ]
    assert SipCase.replay(events_from_json(events_to_json(case.events))).snapshot() == (
        case.snapshot())
    assert case.phase is states.CLOSED and case.closure_reason == "consent_withdrawn"
    assert case.notified == ("hemtjanst", "bup") and case.kva == ("AU124", "AW010")
    assert case.voided_notes == 11 and [n.kind for n in case.notes(2)] == [
        "need", "goal", "goal", "intervention", "note", "need"
    ]
    invitation = case.invitations[-1]
    assert invitation.latest_answers["bup"].attending  # the later answer replaces
    assert invitation.first_answered["bup"] == dt.datetime.fromisoformat("2026-03-04T09:00+01:00")


def test_the_declared_units_read_as_a_mapping() -> None:
    units = Units.of({"vc": "region", "hemtjanst": "municipality"})
    assert units == {"vc": "region", "hemtjanst": "municipality"} and len(units) == 2
    assert units["hemtjanst"] == "municipality" and "vc" in units and "psyk" not in units
    assert list(units) == ["vc", "hemtjanst"]  # in the order declared
    with pytest.raises(KeyError):
        units["psyk"]
    assert hash(units) == hash(Units.of({"vc": "region", "hemtjanst": "municipality"}))
    assert units != Units.of({"vc": "region", "hemtjanst": "region"})


# --- the JSON form: zones, strict JSON, bounds, one shape of preference fields -----------------


def test_round_trip_keeps_each_time_in_its_zone() -> None:
    """A time in a named zone comes back in that zone (not at a fixed offset), the zone's key
    written after the offset as RFC 9557 does; a time at a fixed offset stays at it."""
    case = lifecycle()
    text = events_to_json(case.events)
    assert '"2026-03-02T09:10:00+01:00[Europe/Stockholm]"' in text
    back = events_from_json(text)
    zoned = [(e.at, b.at) for e, b in zip(case.events, back, strict=True)]
    zoned += [(e.args.meeting_at, b.args.meeting_at)  # type: ignore[attr-defined]
              for e, b in zip(case.events, back, strict=True) if e.command == "send_invitation"]
    assert len(zoned) == len(case.events) + 2
    for written, read in zoned:
        assert isinstance(written.tzinfo, ZoneInfo)
        assert read.tzinfo is written.tzinfo and read.fold == written.fold and read == written
    assert back[0].args.discharge_notice_at.tzinfo is STOCKHOLM  # type: ignore[attr-defined]
    fixed = json.loads(text)
    for item in fixed:
        item["at"] = item["at"].split("[")[0]
    for event in events_from_json(json.dumps(fixed)):
        assert type(event.at.tzinfo) is dt.timezone


@pytest.mark.parametrize(
    "value",
    [
        "2026-03-02T09:00:00+02:00[Europe/Stockholm]",  # not the zone's offset then
        "2026-03-02T09:00:00+01:00[Mars/Olympus_Mons]",  # no such zone
        "2026-03-02T09:00:00+01:00[../../../etc/passwd]",
        "2026-03-02T09:00:00+01:00[Europe]",  # a folder of the database, not a zone
        "2026-03-02T09:00:00[Europe/Stockholm]",  # the offset is required
        "2026-03-02T09:00:00+01:00[]",
        "[Europe/Stockholm]",
        "0001-01-01T00:00:00+01:00",  # before datetime's range in UTC: once an OverflowError
        "9999-12-31T23:59:59-01:00",
        "9999-12-31T23:59:59+00:00[UTC]",
        "1989-12-31T23:59:59+01:00",  # before the calendar's first day in Stockholm
        "1990-01-01T00:30:00+02:00",  # 1989-12-31 23:30 in Stockholm
        "2101-01-01T00:00:00+01:00",
    ],
)
def test_times_outside_the_calendar_or_of_a_wrong_zone_are_refused(value: str) -> None:
    _refused_as_either_time(value)


@pytest.mark.parametrize("value", [["]"], ["2026-03-02T09:00:00+01:00", "]"], {"]": "]"}, 5])
def test_a_time_that_is_not_a_text_is_refused(value: Any) -> None:
    _refused_as_either_time(value)


def _refused_as_either_time(value: Any) -> None:
    """``value`` as an event's time and as a meeting's time is refused, naming that field."""
    for path, field in (("2.at", "events[2].at"), ("4.args.meeting_at", "meeting_at")):
        data = events_json()
        set_path(data, path, value)
        with pytest.raises(EventFormatError) as info:
            events_from_json(json.dumps(data))
        assert field in str(info.value)


def test_the_calendar_edges_and_an_ambiguous_zoned_time_are_read() -> None:
    data = events_json()
    set_path(data, "0.at", "1990-01-01T00:00:00+01:00")
    set_path(data, "4.args.meeting_at", "2100-12-31T23:59:59+01:00")
    set_path(data, "5.at", "2026-10-25T02:30:00+01:00[Europe/Stockholm]")  # the second 02:30
    events = events_from_json(json.dumps(data))
    assert events[0].at == dt.datetime(1989, 12, 31, 23, tzinfo=dt.UTC)
    assert events[5].at == dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)
    assert events[5].at.utcoffset() == dt.timedelta(hours=1)  # kept at its offset, as the case does


@pytest.mark.parametrize(
    ("inside", "outside"),
    [("2100-12-31T10:00:00-05:00[America/New_York]",  # 16:00 in Stockholm
      "2100-12-31T20:00:00-05:00[America/New_York]"),  # 2101-01-01 02:00 in Stockholm
     ("1990-01-01T10:00:00+09:00[Asia/Tokyo]", "1990-01-01T07:00:00+09:00[Asia/Tokyo]")],
)
def test_a_day_at_the_calendar_edges_is_checked_for_every_time(inside: str, outside: str) -> None:
    """A time of a zoned day read before (in range) does not let a time of the same day
    outside the calendar's years through, nor at the event's time nor in its arguments."""
    data = events_json()
    set_path(data, "2.at", inside)
    set_path(data, "4.args.meeting_at", inside)
    assert events_from_json(json.dumps(data))[2].at == dt.datetime.fromisoformat(inside[:25])
    for path, field in (("3.at", "events[3].at"), ("4.args.meeting_at", "meeting_at")):
        set_path(data, path, outside)
        with pytest.raises(EventFormatError, match=r"\bdate is within 1990-01-01 to 2100-12-31"
                           ) as info:
            events_from_json(json.dumps(data))
        assert field in str(info.value)
        set_path(data, path, inside)


@pytest.mark.parametrize(
    ("path", "value"),
    [("2.args.valid_until", "9999-12-31"), ("2.args.valid_until", "0001-01-01"),
     ("15.args.date", "2101-01-01"), ("15.args.date", "1989-12-31")],
)
def test_dates_outside_the_calendar_are_refused(path: str, value: str) -> None:
    data = events_json()
    assert data[15]["command"] == "set_follow_up"
    set_path(data, path, value)
    with pytest.raises(EventFormatError, match=r"events\[\d+\]\.args\.\w+: .*1990-01-01"):
        events_from_json(json.dumps(data))


@pytest.mark.parametrize(
    "fields",
    [
        {"ab": 1},  # once read as the field a = "b"
        ["ab"],
        [["place"]],
        [["place", "Hemma", "extra"]],
        [[1, "Hemma"]],
        [[" ", "Hemma"]],
        [["place", None]],
        [["place", {"x": 1}]],
        [["languages", ["arabiska", ["svenska"]]]],
        "place",
    ],
)
def test_preference_fields_of_another_shape_are_refused(fields: Any) -> None:
    data = events_json()
    assert data[1]["command"] == "record_preferences"
    set_path(data, "1.args.fields", fields)
    with pytest.raises(EventFormatError, match=r"events\[1\]\.args\.fields"):
        events_from_json(json.dumps(data))


@pytest.mark.parametrize(("token", "message"), [
    ("NaN", "not JSON"), ("Infinity", "not JSON"), ("-Infinity", "not JSON"),
    ("1e999", "a number beyond a float's range"), ("-1e400", "a number beyond a float's range"),
])
def test_no_nan_or_infinity_is_read(token: str, message: str) -> None:
    text = json.dumps(events_json()).replace("0.5", token, 1)
    assert token in text
    with pytest.raises(EventFormatError, match=message):
        events_from_json(text)


def test_a_number_beyond_a_float_s_range_is_named_by_its_field_line_and_column() -> None:
    # Valid JSON, but the parser refuses it before the fields are read: not "not JSON".
    data = events_json()
    data[1]["seq"] = 10**400
    text = json.dumps(data, indent=1)
    with pytest.raises(EventFormatError) as info:
        events_from_json(text)
    message = str(info.value)
    found = re.fullmatch(r"events\[1\]\.seq: a number beyond a float's range, at line (\d+), "
                         r"column (\d+)", message)
    assert found, message
    line, column = (int(n) for n in found.groups())
    assert text.splitlines()[line - 1][column - 1:].startswith("1" + "0" * 400)
    # In a text the standard library cannot read either, the line and column still say where.
    with pytest.raises(EventFormatError, match=r"^events: a number beyond a float's range, at "
                                               r"line 1, column 2$"):
        events_from_json("[1e400, ")


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_no_nan_or_infinity_is_recorded(value: float) -> None:
    # The command refuses it as bad input naming the field, so no event can hold one.
    case, clock = walk("opened")
    for fields in ({"place": "Hemma", "pause_share": value}, {"shares": [0.5, value]}):
        with pytest.raises(InputError) as info:
            case.record_preferences(at=clock(), **fields)
        assert info.value.argument.startswith("fields.")
    assert len(case.events) == 1


def test_preference_arguments_of_another_shape_are_refused() -> None:
    from sipcore.commands import build

    for bad in (["ab"], [("a", 1, 2)], "ab", 3, {"x": {"nested": 1}}):
        with pytest.raises(InputError) as info:
            build("record_preferences", {"fields": bad})
        assert info.value.argument.startswith("fields")
    assert build("record_preferences", {"fields": [("place", "Hemma")]}).fields == (
        ("place", "Hemma"),)


@pytest.mark.parametrize(
    "text",
    ["[" * 100_000 + "]" * 100_000, '[{"a": ' * 50_000 + "1" + "}]" * 50_000,
     "[" * 2_000],
)
def test_deep_nesting_is_refused_as_a_format_error(text: str) -> None:
    with pytest.raises(EventFormatError, match="events: "):
        events_from_json(text)


def test_nesting_beyond_the_parsers_limit_is_named() -> None:
    with pytest.raises(EventFormatError, match="nested too deeply"):
        events_from_json("[" * 2_000 + "]" * 2_000)


def test_a_lone_surrogate_is_not_json() -> None:
    # Such a text cannot be written as UTF-8: json would read it, orjson refuses it.
    text = json.dumps(events_json(), ensure_ascii=False)
    assert "Vårdcentralen" in text
    text = text.replace("Vårdcentralen", "V\\ud800rdcentralen", 1)
    assert "\\ud800" in text
    with pytest.raises(EventFormatError, match="not JSON"):
        events_from_json(text)


def test_nesting_within_an_event_is_refused_by_its_field() -> None:
    data = events_json()
    set_path(data, "9.args.participants", [[[["psyk"]]]])
    with pytest.raises(EventFormatError, match=r"events\[9\]\.args: participants: "):
        events_from_json(json.dumps(data))


def test_a_text_over_the_size_limit_is_refused_before_parsing() -> None:
    text = events_to_json(lifecycle().events)
    padded = text + " " * (MAX_JSON_CHARS - len(text))
    assert len(events_from_json(padded)) == len(json.loads(text))
    with pytest.raises(EventFormatError, match="MAX_JSON_CHARS"):
        events_from_json(padded + " ")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[{"schema": 1' + "1" * 5_000 + "}]",  # more digits than int() reads
         r"events\[0\]\.schema: a number beyond a float's range"),
        (b"\xff[]", "not UTF-8"),
        (None, "expected a JSON text"),
    ],
)
def test_other_malformed_input_is_a_format_error(text: Any, message: str) -> None:
    with pytest.raises(EventFormatError, match=message):
        events_from_json(text)


def test_bytes_are_read_as_utf8() -> None:
    text = events_to_json(lifecycle().events)
    assert events_from_json(text.encode("utf-8")) == events_from_json(text)


def test_writing_other_objects_than_events_is_refused() -> None:
    with pytest.raises(InputTypeError, match="events: "):
        events_to_json([{"schema": 1}])  # type: ignore[list-item]


def test_the_declaration_has_no_other_fields() -> None:
    data = events_json()
    set_path(data, "0.declaration.diagnosis", "secret")
    with pytest.raises(EventFormatError, match=r"events\[0\]\.declaration\.diagnosis"):
        events_from_json(json.dumps(data))


# --- the quick path and the full path read alike ---------------------------------------------


def canonical_items() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for make in CASES.values():
        items += json.loads(events_to_json(make().events))
    return items


ITEMS = canonical_items()


def test_every_event_events_to_json_writes_takes_the_quick_path() -> None:
    stamps = _Stamps()
    for item in ITEMS:
        quick = _quick_event(copy.deepcopy(item), stamps)
        assert quick is not None, item["command"]
        assert quick == _event_from_dict(item, "event", _Stamps())
    assert {item["command"] for item in ITEMS} == set(COMMAND_ARGS)


def at_fixed_offsets(text: str) -> str:
    """``text`` with every zoned time at its fixed offset (the zone's key left out)."""
    return re.sub(r"\[[A-Za-z][A-Za-z0-9_/+-]*\]", "", text)


@pytest.mark.parametrize("zoned", [True, False], ids=["zoned", "fixed"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_events_from_json_reads_what_events_to_json_writes_by_the_quick_path(
    name: str, zoned: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The text events_to_json writes (in a named zone, or at fixed offsets) is read without
    the full path: not one event of it is handed to ``_event_from_dict``."""
    events = CASES[name]().events
    text = events_to_json(events)
    assert "[Europe/Stockholm]" in text
    if not zoned:
        text = at_fixed_offsets(text)
        assert "[" not in "".join(item["at"] for item in json.loads(text))
    expected = events_from_json(text)
    handed: list[Any] = []

    def counted(data: Any, where: str, stamps: _Stamps) -> Event:
        handed.append(where)
        return _event_from_dict(data, where, stamps)

    monkeypatch.setattr("sipcore.events._event_from_dict", counted)
    assert events_from_json(text) == expected
    assert events_from_json(text.encode("utf-8")) == expected
    assert handed == []
    assert expected == list(events) if zoned else len(expected) == len(events)
    assert events_from_json(text.replace('"schema": 2', '"schema": 1', 1)) == expected
    assert handed == ["events[0]"]  # (the full path still reads what the quick path gives up)


@pytest.mark.parametrize("version", [True, 1.0, 0, -1, "1", None])
def test_the_quick_path_checks_a_version_number_every_time(version: Any) -> None:
    """A plan version number read once (1) does not make the quick path accept what equals it
    (true, 1.0) or any other value that is not a version number."""
    item = next(i for i in ITEMS if i["command"] == "hand_out_plan")
    assert _quick_event(copy.deepcopy(item), _Stamps()) is not None
    assert _quick_event(copy.deepcopy(item) | {"args": item["args"] | {"version": 1}},
                        _Stamps()) is not None
    bad = copy.deepcopy(item)
    bad["args"]["version"] = version
    assert _quick_event(bad, _Stamps()) is None
    with pytest.raises(EventFormatError, match=r"event\.args: version: "):
        _event_from_dict(bad, "event", _Stamps())


def count_calls(run: Callable[[], object]) -> int:
    """How many Python functions ``run`` calls (C functions not counted)."""
    calls = 0

    def profile(frame: Any, event: str, arg: Any) -> None:
        nonlocal calls
        calls += event == "call"

    sys.setprofile(profile)
    try:
        run()
    finally:
        sys.setprofile(None)
    return calls


def test_an_event_is_made_by_storing_its_fields() -> None:
    """The quick path fills an Event in field by field (``events._Filling``): that is the same
    event only while ``Event.__init__`` does nothing else, with every field given."""
    fields = attrs.fields(Event)
    assert [f.name for f in fields] == list(_Filling.__slots__) == list(Event.__slots__)
    for f in fields:
        assert f.init and f.validator is None and f.converter is None and f.on_setattr in (
            None, attrs.setters.NO_OP), f.name
    for hook in ("__attrs_pre_init__", "__attrs_post_init__", "__attrs_init__"):
        assert not hasattr(Event, hook), hook
    assert attrs.has(Event) and Event.__setattr__ is not object.__setattr__  # (still frozen)
    item = json.loads(events_to_json(CASES["closed"]().events))[1]
    quick = _quick_event(item, _Stamps())
    assert type(quick) is Event and quick == _event_from_dict(item, "e", _Stamps())
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        quick.seq = 2  # type: ignore[misc]


def test_reading_costs_a_few_python_calls_per_event() -> None:
    """The quick path's cost, counted rather than timed: a few Python calls per event (the event,
    its time, its arguments, the two constructors, a conversion or two), where the full path
    makes about twenty. bench/events_json.py times it against json.loads."""
    zoned = events_to_json(CASES["closed"]().events)
    parsed = json.loads(zoned)
    fixed = json.dumps([item | {"at": item["at"].split("[")[0]} for item in parsed])
    count = len(parsed)
    events_from_json(zoned)  # every choice's values remembered
    quick = count_calls(lambda: events_from_json(zoned))
    assert quick <= 8 * count
    assert count_calls(lambda: events_from_json(fixed)) <= 7 * count
    full = count_calls(lambda: [_event_from_dict(item, "e", _Stamps()) for item in parsed])
    assert full > 2.5 * quick


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 10**6) | st.floats(allow_nan=False,
                                                                  allow_infinity=False)
    | st.sampled_from(["", " ", "vc", "psyk", "x", "2026-03-02", "2026-03-02T10:00:00+01:00",
                       "2026-03-02T10:00:00+01:00[Europe/Stockholm]", "opened", "oral",
                       "guardians", "national@2018.1", "]"])
    | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                               max_size=2),
    max_leaves=6,
)


def paths(item: dict[str, Any]) -> list[tuple[str, ...]]:
    found = [(key,) for key in item] + [("extra",)]
    found += [("args", key) for key in item["args"]] + [("args", "extra")]
    if "declaration" in item:
        found += [("declaration", key) for key in item["declaration"]]
    return found


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_the_quick_path_accepts_nothing_the_full_path_refuses(data: st.DataObject) -> None:
    """Every mutation of one field (or its removal) is read alike by both paths: the quick
    path gives up, or builds the event the full path builds; the full path either reads it or
    refuses it as an EventFormatError; neither changes the parsed object it reads."""
    item = copy.deepcopy(data.draw(st.sampled_from(ITEMS)))
    path = data.draw(st.sampled_from(paths(item)))
    target = item
    for key in path[:-1]:
        target = target[key]
    if data.draw(st.booleans()) and path[-1] in target:
        del target[path[-1]]
    else:
        target[path[-1]] = data.draw(JSON_VALUES)
    before = copy.deepcopy(item)
    quick = _quick_event(item, _Stamps())
    assert item == before
    try:
        full = _event_from_dict(item, "event", _Stamps())
    except EventFormatError:
        assert quick is None
        return
    assert item == before
    if quick is not None:
        assert quick == full and type(quick) is type(full)
        assert _event_to_dict(quick, "e") == _event_to_dict(full, "e")


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_a_text_reads_as_each_of_its_events_by_the_full_path(data: st.DataObject) -> None:
    """One field of one event of a whole text mutated (or removed): events_from_json, which
    remembers from one event to the next what it checked (the case's identity, the profile),
    reads the text as the full path reads each event, or refuses it with the same error."""
    name = data.draw(st.sampled_from(sorted(CASES)))
    items = json.loads(events_to_json(CASES[name]().events))
    index = data.draw(st.integers(0, len(items) - 1))
    path = data.draw(st.sampled_from(paths(items[index])))
    target = items[index]
    for key in path[:-1]:
        target = target[key]
    if data.draw(st.booleans()) and path[-1] in target:
        del target[path[-1]]
    else:
        target[path[-1]] = data.draw(JSON_VALUES)
    text = json.dumps(items)
    stamps = _Stamps()
    try:
        full = [_event_from_dict(item, f"events[{i}]", stamps) for i, item in enumerate(items)]
    except EventFormatError as exc:
        with pytest.raises(EventFormatError) as info:
            events_from_json(text)
        assert str(info.value) == str(exc)
        return
    if full and not full[0].case_id:  # schema 1: read with the identity its opening gives
        return
    assert events_from_json(text) == full


ZONES = [ZoneInfo(key) for key in ("Europe/Stockholm", "America/New_York", "Australia/Lord_Howe",
                                   "Asia/Tehran", "Pacific/Apia", "UTC")]


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=dt.datetime(1990, 1, 3), max_value=dt.datetime(2100, 12, 29),
                    timezones=st.sampled_from(ZONES)))
def test_a_zoned_time_reads_back_as_the_case_keeps_it(when: dt.datetime) -> None:
    """Any wall time of a zone (one a change of summer time repeats or skips included), kept
    as the case keeps it, reads back the same: same instant, same tzinfo, same offset."""
    kept = aware("at", when)
    back = _read_time(_time_text(kept))
    assert back == kept and back.tzinfo == kept.tzinfo and back.utcoffset() == kept.utcoffset()
    assert type(back.tzinfo) is type(kept.tzinfo)
    assert back.replace(tzinfo=None) == kept.replace(tzinfo=None)


def test_the_days_remembered_for_zoned_times_stay_bounded() -> None:
    first = dt.datetime(2000, 1, 1, 12, tzinfo=STOCKHOLM)
    for day in range(_QUIET_SIZE + 10):
        when = first + dt.timedelta(days=day)
        assert _read_time(_time_text(when)) == when
    assert 0 < len(_QUIET) <= _QUIET_SIZE
