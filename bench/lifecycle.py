"""Benchmark of the case engine: a full lifecycle, memory per live case, replay throughput.

Run: ``python bench/lifecycle.py`` (``--quick`` for fewer cases). Prints, all measured in this
run:

* the time of one full case lifecycle (16 commands: open, consent, coordinator, invitation,
  answer, meeting, need, intervention, follow-up date, document, approve, follow-up meeting,
  an edit, document, approve, close) through :class:`sipcore.SipCase`, against the floor
  (``bench/floor.py``): the same lifecycle by hand in plain dicts and functions, making the
  same transitions with the same checks (every argument, closed, time order by the instant,
  phase, and every rule of each command) and recording one event per command, with the
  case's identity (derived from the opening as sipcore derives it when the caller names none);
  and the ratio. Then the same pair with a ``case_id`` given, so that neither derives the
  identity (a caller's own case id, as a journal system passes it). Also, against a bare
  floor written below, which makes the transitions with a few of the checks (closed, time
  order by the wall clock, phase, consent in force and its scope, coordinator principal,
  substitute, documented, contents, approver, goal horizons as advice) and checks no input:
  what the rest of the checks cost;
* the bytes per live case (tracemalloc, over many cases kept alive), after the lifecycle and
  in the ``invited`` phase;
* replay throughput, in events per second (from event objects, and from JSON).

Targets (issue 10): the lifecycle within 6x the floor with the same checks, the plain machine
fired; under 4 KB per case; over 400,000 replayed events per second from trusted events (and,
issue 17, over 100,000 verified). Not a test: nothing here asserts a wall-clock time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import importlib.util
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import floor as checked
from sipcore import Person, SipCase, load_profile
from sipcore.events import events_from_json, events_to_json
from sipcore.profiles import Profile

TZ = ZoneInfo("Europe/Stockholm")
UNITS = {"vc": "region", "hemtjanst": "municipality", "psyk": "region"}
PERSON = Person(dt.date(1961, 3, 14))
COORDINATOR = "Anna Berg"
CASE_ID = "region-2026-0001"  # a caller's own identity of the case


def times(start: dt.datetime, n: int) -> list[dt.datetime]:
    """``n`` times an hour apart."""
    return [start + dt.timedelta(hours=i) for i in range(n)]


# The same instants two ways: in the zone Europe/Stockholm (as the README's example writes
# them), and at fixed offsets (as ``datetime.fromisoformat`` reads ISO 8601 text from a journal
# system). The engine keeps every time at its fixed offset, so zoned times cost it a copy each.
ZONED = times(dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ), 16)
FIXED = [dt.datetime.fromisoformat(t.isoformat()) for t in ZONED]
UNTIL = dt.date(2027, 3, 1)
FOLLOW_UP = dt.date(2026, 6, 1)
FOLLOW_UP_2 = dt.date(2026, 9, 1)


# --- the engine --------------------------------------------------------------------------------


def engine_invited(profile: Profile, t: list[dt.datetime], case_id: str | None = None) -> SipCase:
    case = SipCase.open_case(at=t[0], profile=profile, person=PERSON, units=UNITS,
                             initiated_by="staff", unit="vc", case_id=case_id)
    case.record_consent(at=t[1], given_by="person", form="written",
                        parties=["vc", "hemtjanst"], valid_until=UNTIL)
    case.appoint_coordinator(at=t[2], person=COORDINATOR, unit="vc")
    case.send_invitation(at=t[3], meeting_at=t[5], place="Vårdcentralen", form="in_person",
                         invitees=["hemtjanst"])
    return case


def engine_lifecycle(profile: Profile, t: list[dt.datetime], case_id: str | None = None) -> SipCase:
    case = engine_invited(profile, t, case_id)
    case.answer_invitation(at=t[4], unit="hemtjanst", attending=True)
    case.hold_meeting(at=t[5], participants=["vc", "hemtjanst"])
    case.add_need(at=t[6], text="Stöd i hemmet")
    case.add_intervention(at=t[7], text="Hemtjänst", unit="hemtjanst")
    case.set_follow_up(at=t[8], date=FOLLOW_UP, place="Vårdcentralen")
    case.document_plan(at=t[9])
    case.approve_plan(at=t[10], by=COORDINATOR)
    case.start_follow_up(at=t[11], participants=["hemtjanst"])
    case.set_follow_up(at=t[12], date=FOLLOW_UP_2)
    case.document_plan(at=t[13])
    case.approve_plan(at=t[14], by=COORDINATOR)
    case.close_case(at=t[15], reason="goals_met")
    return case


# --- the floor, by hand, with the same checks (bench/floor.py) ---------------------------------


def checked_invited(t: list[dt.datetime], case_id: str | None = None) -> dict[str, Any]:
    c = checked.open_case(at=t[0], birth_date=PERSON.birth_date, guardians=PERSON.guardians,
                          units=UNITS, initiated_by="staff", unit="vc", case_id=case_id)
    checked.record_consent(c, at=t[1], given_by="person", form="written",
                           parties=["vc", "hemtjanst"], valid_until=UNTIL)
    checked.appoint_coordinator(c, at=t[2], person=COORDINATOR, unit="vc")
    checked.send_invitation(c, at=t[3], meeting_at=t[5], place="Vårdcentralen",
                            form="in_person", invitees=["hemtjanst"])
    return c


def checked_lifecycle(t: list[dt.datetime], case_id: str | None = None) -> dict[str, Any]:
    c = checked_invited(t, case_id)
    checked.answer_invitation(c, at=t[4], unit="hemtjanst", attending=True)
    checked.hold_meeting(c, at=t[5], participants=["vc", "hemtjanst"])
    checked.add_need(c, at=t[6], text="Stöd i hemmet")
    checked.add_intervention(c, at=t[7], text="Hemtjänst", unit="hemtjanst")
    checked.set_follow_up(c, at=t[8], date=FOLLOW_UP, place="Vårdcentralen")
    checked.document_plan(c, at=t[9])
    checked.approve_plan(c, at=t[10], by=COORDINATOR)
    checked.start_follow_up(c, at=t[11], participants=["hemtjanst"])
    checked.set_follow_up(c, at=t[12], date=FOLLOW_UP_2)
    checked.document_plan(c, at=t[13])
    checked.approve_plan(c, at=t[14], by=COORDINATOR)
    checked.close_case(c, at=t[15], reason="goals_met")
    return c


# --- the bare floor: the transitions with a few of the checks, and no input checks -------------


Refused = checked.Refused
FLOOR_PHASES = checked.PHASES  # the same phases in both floors


def floor_begin(c: dict[str, Any], command: str, at: dt.datetime) -> dt.date:
    """The checks every command makes: closed, time order, phase; returns at's local date."""
    if c["phase"] == "closed":
        raise Refused("case.closed")
    if at.tzinfo is None or at < c["latest"]:
        raise Refused("case.time_order")
    if c["phase"] not in FLOOR_PHASES[command]:
        raise Refused("transition.not_allowed")
    return at.astimezone(TZ).date()


def floor_end(c: dict[str, Any], command: str, at: dt.datetime, args: Any) -> None:
    c["latest"] = at
    c["events"].append((len(c["events"]) + 1, at, command, args, c["phase"]))


def floor_consent_in_force(c: dict[str, Any], at: dt.datetime, day: dt.date,
                           units: tuple[str, ...]) -> None:
    covered: set[str] = set()
    for given_at, parties, until in c["consents"]:
        if given_at <= at and day <= until:
            covered.update(parties)
    if not covered:
        raise Refused("consent.required")
    if any(u not in covered for u in units):
        raise Refused("consent.scope")


def floor_open(at: dt.datetime, units: dict[str, str], unit: str) -> dict[str, Any]:
    if at.tzinfo is None or unit not in units:
        raise Refused("bad input")
    c: dict[str, Any] = {
        "phase": "opened", "units": dict(units), "latest": at, "events": [], "consents": [],
        "coordinator": None, "invitees": (), "answers": {}, "participants": (),
        "versions": [], "closure": None,
    }
    floor_end(c, "open_case", at, (unit,))
    return c


def floor_consent(c: dict[str, Any], at: dt.datetime, parties: tuple[str, ...],
                  until: dt.date) -> None:
    day = floor_begin(c, "record_consent", at)
    if any(p not in c["units"] for p in parties):
        raise Refused("bad input")
    if until < day:
        raise Refused("consent.time_limited")
    c["consents"].append((at, parties, until))
    if c["phase"] == "opened":
        c["phase"] = "consented"
    floor_end(c, "record_consent", at, (parties, until))


def floor_coordinator(c: dict[str, Any], at: dt.datetime, person: str, unit: str) -> None:
    floor_begin(c, "appoint_coordinator", at)
    if c["units"][unit] not in ("region", "municipality"):
        raise Refused("coordinator.principal")
    c["coordinator"] = (person, unit)
    floor_end(c, "appoint_coordinator", at, (person, unit))


def floor_invite(c: dict[str, Any], at: dt.datetime, invitees: tuple[str, ...]) -> None:
    day = floor_begin(c, "send_invitation", at)
    floor_consent_in_force(c, at, day, invitees)
    c["invitees"] = invitees
    c["answers"] = {}
    c["phase"] = "invited"
    floor_end(c, "send_invitation", at, invitees)


def floor_answer(c: dict[str, Any], at: dt.datetime, unit: str, attending: bool,
                 substitute: str | None = None) -> None:
    floor_begin(c, "answer_invitation", at)
    if unit not in c["invitees"]:
        raise Refused("invitation.not_invited")
    if not attending and not substitute:
        raise Refused("invitation.substitute")
    c["answers"][unit] = (at, attending, substitute)
    floor_end(c, "answer_invitation", at, (unit, attending, substitute))


def floor_meeting(c: dict[str, Any], at: dt.datetime, participants: tuple[str, ...]) -> None:
    day = floor_begin(c, "hold_meeting", at)
    floor_consent_in_force(c, at, day, participants)
    c["participants"] = participants
    c["versions"].append({"notes": [], "follow_up": None, "documented": None, "approved": None})
    c["phase"] = "drafting"
    floor_end(c, "hold_meeting", at, participants)


def floor_edit(c: dict[str, Any], command: str, at: dt.datetime, note: Any) -> None:
    floor_begin(c, command, at)
    draft = c["versions"][-1]
    if command == "set_follow_up":
        draft["follow_up"] = note
    else:
        draft["notes"].append(note)
    draft["documented"] = None
    floor_end(c, command, at, note)


def floor_document(c: dict[str, Any], at: dt.datetime) -> None:
    floor_begin(c, "document_plan", at)
    c["versions"][-1]["documented"] = at
    floor_end(c, "document_plan", at, ())


def floor_approve(c: dict[str, Any], at: dt.datetime, by: str) -> list[str]:
    day = floor_begin(c, "approve_plan", at)
    floor_consent_in_force(c, at, day, ())
    draft = c["versions"][-1]
    kinds = {note[0] for note in draft["notes"]}
    failed = []
    if draft["documented"] is None:
        failed.append("plan.documented")
    follow_up = draft["follow_up"]
    if ("need" not in kinds or "intervention" not in kinds or c["coordinator"] is None
            or follow_up is None or follow_up[0] <= day):
        failed.append("plan.contents")
    if c["coordinator"] is None or c["coordinator"][0] != by:
        failed.append("plan.approver")
    if failed:
        raise Refused(", ".join(failed))
    horizons = {note[2] for note in draft["notes"] if note[0] == "goal"}
    advice = [] if {"short", "long"} <= horizons else ["plan.goal_horizons"]
    draft["approved"] = (at, by)
    c["phase"] = "active"
    floor_end(c, "approve_plan", at, by)
    return advice


def floor_follow_up(c: dict[str, Any], at: dt.datetime, participants: tuple[str, ...]) -> None:
    day = floor_begin(c, "start_follow_up", at)
    floor_consent_in_force(c, at, day, participants)
    last = c["versions"][-1]
    c["versions"].append(
        {"notes": list(last["notes"]), "follow_up": None, "documented": None, "approved": None}
    )
    c["phase"] = "drafting"
    floor_end(c, "start_follow_up", at, participants)


def floor_close(c: dict[str, Any], at: dt.datetime, reason: str) -> None:
    floor_begin(c, "close_case", at)
    if reason not in ("goals_met", "no_longer_needed"):
        raise Refused("case.close_reason")
    c["phase"] = "closed"
    c["closure"] = (at, reason)
    floor_end(c, "close_case", at, reason)


def floor_invited(t: list[dt.datetime]) -> dict[str, Any]:
    c = floor_open(t[0], UNITS, "vc")
    floor_consent(c, t[1], ("vc", "hemtjanst"), UNTIL)
    floor_coordinator(c, t[2], COORDINATOR, "vc")
    floor_invite(c, t[3], ("hemtjanst",))
    return c


def floor_lifecycle(t: list[dt.datetime]) -> dict[str, Any]:
    c = floor_invited(t)
    floor_answer(c, t[4], "hemtjanst", True)
    floor_meeting(c, t[5], ("vc", "hemtjanst"))
    floor_edit(c, "add_need", t[6], ("need", "Stöd i hemmet", None))
    floor_edit(c, "add_intervention", t[7], ("intervention", "Hemtjänst", "hemtjanst"))
    floor_edit(c, "set_follow_up", t[8], (FOLLOW_UP, "Vårdcentralen"))
    floor_document(c, t[9])
    floor_approve(c, t[10], COORDINATOR)
    floor_follow_up(c, t[11], ("hemtjanst",))
    floor_edit(c, "set_follow_up", t[12], (FOLLOW_UP_2, None))
    floor_document(c, t[13])
    floor_approve(c, t[14], COORDINATOR)
    floor_close(c, t[15], "goals_met")
    return c


# --- measuring ---------------------------------------------------------------------------------


def best_per_call(run: Callable[[], object], calls: int, repeats: int = 5) -> float:
    """Seconds per call, the best of ``repeats`` loops of ``calls`` calls."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            run()
        best = min(best, time.perf_counter() - start)
    return best / calls


def bytes_per_case(make: Callable[[], object], n: int) -> float:
    """Bytes allocated and still alive per case, over ``n`` cases kept in a list."""
    make()  # warm caches (profile lookups, machines) before measuring
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    keep = [make() for _ in range(n)]
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert len(keep) == n
    return (after - before) / n


def _beside(name: str) -> Any:
    """The benchmark script ``name``.py beside this one, as a module of its own name."""
    path = Path(__file__).resolve().parent / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"sipcore_bench_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer cases (a smoke run)")
    parser.add_argument("--cases", type=int, default=100_000, help="cases kept for memory")
    options = parser.parse_args()
    calls = 300 if options.quick else 3_000
    kept = 5_000 if options.quick else options.cases
    for label, t in (("zoned times (Europe/Stockholm)", ZONED),
                     ("fixed-offset times (fromisoformat)", FIXED)):
        print(f"== {label}")
        measure(t, calls, kept)
    print("== reading events (bench/events_json.py) and the calendar's first call "
          "(bench/calendar.py)")
    events_json = _beside("events_json")
    calendar_bench = _beside("calendar")  # bench/calendar.py, not the standard library's
    for line in events_json.report(calls=100 if options.quick else 500):
        print(line)
    for line in calendar_bench.first_call_lines():
        print(line)


def measure(t: list[dt.datetime], calls: int, kept: int) -> None:
    profile = load_profile("national")
    case = engine_lifecycle(profile, t)
    same = checked_lifecycle(t)
    bare = floor_lifecycle(t)
    commands = len(case.events)
    assert commands == len(same["events"]) == len(bare["events"]) == 16
    assert case.phase == same["phase"] == bare["phase"] == "closed"

    engine_s = best_per_call(lambda: engine_lifecycle(profile, t), calls)
    same_s = best_per_call(lambda: checked_lifecycle(t), calls)
    bare_s = best_per_call(lambda: floor_lifecycle(t), calls)
    print(f"lifecycle ({commands} commands), per case:")
    print(f"  sipcore               {engine_s * 1e6:7.1f} µs  "
          f"({engine_s / commands * 1e6:.1f} µs/command)")
    print(f"  floor, same checks    {same_s * 1e6:7.1f} µs  "
          f"ratio {engine_s / same_s:5.2f} x   (target: within 6x, the plain machine fired)")
    print(f"  bare floor            {bare_s * 1e6:7.1f} µs  "
          f"ratio {engine_s / bare_s:5.2f} x   (no input checks, fewer rules)")
    named_s = best_per_call(lambda: engine_lifecycle(profile, t, CASE_ID), calls)
    named_floor_s = best_per_call(lambda: checked_lifecycle(t, CASE_ID), calls)
    print("  with a case_id given, so that neither derives the case's identity:")
    print(f"  sipcore               {named_s * 1e6:7.1f} µs")
    print(f"  floor, same checks    {named_floor_s * 1e6:7.1f} µs  "
          f"ratio {named_s / named_floor_s:5.2f} x")

    print(f"memory per live case ({kept:,} cases kept, tracemalloc):")
    for label, make, floor_make in (
        ("after the lifecycle", lambda: engine_lifecycle(profile, t),
         lambda: checked_lifecycle(t)),
        ("in phase invited  ", lambda: engine_invited(profile, t), lambda: checked_invited(t)),
    ):
        engine_b = bytes_per_case(make, kept)
        floor_b = bytes_per_case(floor_make, kept)
        print(f"  {label}  sipcore {engine_b:7.0f} B   floor {floor_b:7.0f} B"
              "   (target: under 4096 B)")

    events = case.events
    text = events_to_json(events)
    rounds = max(calls, 1_000)
    replay_s = best_per_call(lambda: SipCase.replay(events, profile=profile, verify=False),
                             rounds)
    verified_s = best_per_call(lambda: SipCase.replay(events, profile=profile), rounds // 4)
    json_s = best_per_call(lambda: SipCase.replay(events_from_json(text), profile=profile),
                           rounds // 4)
    print("replay:")
    print(f"  verified (every command decided again) {len(events) / verified_s:12,.0f} events/s"
          "   (target: over 100,000)")
    print(f"  unverified (a trusted store)           {len(events) / replay_s:12,.0f} events/s"
          "   (target: over 400,000)")
    print(f"  verified, from JSON                    {len(events) / json_s:12,.0f} events/s"
          "   (parsing included)")


if __name__ == "__main__":
    main()
