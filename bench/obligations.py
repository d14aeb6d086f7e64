"""Benchmark of ``sipcore.obligations_due`` over 100,000 open cases.

Run: ``python bench/obligations.py`` (optionally ``--cases N``). Builds the cases by running
six templates' commands at 60 different start days (360 event histories) and replaying those
events into 100,000 independent cases:

* Västmanland, invited: two invitees, one answer pending (answer_invitation);
* Västmanland, drafting: the meeting held, the plan not yet documented (document_plan);
* national discharge case, consented, the invitation not yet sent (discharge_invitation);
* national, active, with a follow-up date (follow_up);
* Västmanland, active after a documented meeting (document_plan met, follow_up open);
* national, opened only (no obligations).

Then times ``obligations_due(cases, as_of)``: the first call after loading (replay derives and
caches each case's obligation terms), later calls (best of several), a call after every case's
cache was cleared (as after a command: each case derives its terms again), and, as a baseline
in the same run, a plain loop that only iterates the cases and reads one attribute. Prints the
times and the ratios. Not a test: nothing is asserted about wall-clock time.
"""

from __future__ import annotations

# ``python bench/obligations.py`` puts bench/ first on sys.path, where bench/calendar.py would
# shadow the standard library's ``calendar`` (which dateutil imports).
import os
import sys

if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]

import argparse
import datetime as dt
import time
import timeit
from collections import Counter
from collections.abc import Callable
from zoneinfo import ZoneInfo

from sipcore import SipCase, deadlines, load_profile, obligations_due
from sipcore.consent import Person
from sipcore.events import Event

STOCKHOLM = ZoneInfo("Europe/Stockholm")
UNITS = {"vc": "region", "hemtjanst": "municipality", "psyk": "region"}
PERSON = Person(dt.date(1961, 3, 14))
START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=STOCKHOLM)
DAYS = 60  # start days per template
AS_OF = START + dt.timedelta(days=DAYS + 10)
REPEATS = 5


def _open(profile: str, when: dt.datetime, **args: object) -> SipCase:
    return SipCase.open_case(
        at=when, profile=load_profile(profile), person=PERSON, units=UNITS,
        initiated_by="staff", unit="vc", **args,
    )


def _consented(profile: str, when: dt.datetime, **args: object) -> SipCase:
    case = _open(profile, when, **args)
    case.record_consent(at=when + dt.timedelta(minutes=10), given_by="person", form="written",
                        parties=list(UNITS), valid_until=dt.date(2030, 12, 31))
    case.appoint_coordinator(at=when + dt.timedelta(minutes=20), person="Anna Berg", unit="vc")
    return case


def _invited(profile: str, when: dt.datetime) -> SipCase:
    case = _consented(profile, when)
    case.send_invitation(at=when + dt.timedelta(days=1), meeting_at=when + dt.timedelta(days=8),
                         place="Vårdcentralen", form="in_person", invitees=["hemtjanst", "psyk"])
    return case


def _drafting(profile: str, when: dt.datetime) -> SipCase:
    case = _invited(profile, when)
    case.answer_invitation(at=when + dt.timedelta(days=2), unit="hemtjanst", attending=True)
    case.answer_invitation(at=when + dt.timedelta(days=2), unit="psyk", attending=True)
    case.hold_meeting(at=when + dt.timedelta(days=8), participants=["vc", "hemtjanst", "psyk"])
    return case


def _active(profile: str, when: dt.datetime) -> SipCase:
    case = _drafting(profile, when)
    later = when + dt.timedelta(days=8, hours=1)
    case.add_need(at=later, text="Stöd i hemmet")
    case.add_goal(at=later, text="Bo kvar hemma", horizon="long")
    case.add_goal(at=later, text="Ta sina läkemedel", horizon="short")
    case.add_intervention(at=later, text="Hemtjänst", unit="hemtjanst")
    case.set_follow_up(at=later, date=(later + dt.timedelta(days=40)).date())
    case.document_plan(at=later)
    case.approve_plan(at=later, by="Anna Berg")
    return case


def _pending_answer(when: dt.datetime) -> SipCase:
    case = _invited("vastmanland", when)
    case.answer_invitation(at=when + dt.timedelta(days=1, hours=2), unit="hemtjanst",
                           attending=True)
    return case


def _discharge(when: dt.datetime) -> SipCase:
    return _consented("national", when, discharge_notice_at=when - dt.timedelta(hours=3))


TEMPLATES: dict[str, Callable[[dt.datetime], SipCase]] = {
    "västmanland invited, an answer pending": _pending_answer,
    "västmanland drafting, documentation pending": lambda w: _drafting("vastmanland", w),
    "national discharge, invitation pending": _discharge,
    "national active, follow-up date": lambda w: _active("national", w),
    "västmanland active, follow-up date": lambda w: _active("vastmanland", w),
    "national opened, no obligation": lambda w: _open("national", w),
}


def histories() -> list[tuple[Event, ...]]:
    """The event histories of every template started on each of :data:`DAYS` days."""
    return [
        build(START + dt.timedelta(days=day)).events
        for day in range(DAYS)
        for build in TEMPLATES.values()
    ]


def build_cases(count: int) -> list[SipCase]:
    """``count`` independent cases, replayed from the histories in turn."""
    found = histories()
    profiles = {key: load_profile(key) for key in {h[0].profile for h in found}}
    return [
        SipCase.replay(found[i % len(found)], profile=profiles[found[i % len(found)][0].profile])
        for i in range(count)
    ]


def best(call: Callable[[], object]) -> float:
    return min(timeit.repeat(call, number=1, repeat=REPEATS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="how many cases (100,000)")
    count = parser.parse_args().cases

    began = time.perf_counter()
    cases = build_cases(count)
    built = time.perf_counter() - began
    print(f"built {len(cases):,} cases from {DAYS * len(TEMPLATES)} histories "
          f"({len(TEMPLATES)} templates × {DAYS} start days) by replay in {built:.1f} s")

    began = time.perf_counter()
    deadlines.add_working_days(AS_OF.date(), 1)  # reads the shipped calendar table, once
    calendar = time.perf_counter() - began
    began = time.perf_counter()
    due = obligations_due(cases, AS_OF)
    first = time.perf_counter() - began
    warm = best(lambda: obligations_due(cases, AS_OF))
    baseline = best(lambda: [c.phase for c in cases])
    # Cases changed by a command since they were loaded derive their terms again on the next
    # call: clear every case's cache to time that worst case.
    for case in cases:
        case._terms = None
    began = time.perf_counter()
    obligations_due(cases, AS_OF)
    cold = time.perf_counter() - began

    statuses = Counter((o.kind, o.status) for _, o in due)
    print(f"obligations_due as of {AS_OF.isoformat()}: {len(due):,} open or overdue")
    for (kind, status), n in sorted(statuses.items()):
        print(f"  {kind:22} {status:8} {n:7,}")
    print(f"reading the working-day calendar (once a process):   {calendar * 1e3:.1f} ms")
    print(f"first call after loading (replay derived the terms): {first:.3f} s")
    print(f"a call deriving every case's terms again:          {cold:.3f} s")
    print(f"later calls (best of {REPEATS}):                      {warm:.3f} s")
    print(f"baseline, a loop reading case.phase (best of {REPEATS}):  {baseline:.4f} s")
    print(f"ratio first call / baseline: {first / baseline:.0f}×; "
          f"later calls / baseline: {warm / baseline:.0f}×")
    verdict = {True: "met", False: "NOT met"}
    print(f"target under 1 s for {count:,} cases: first call {verdict[first < 1]}, later "
          f"calls {verdict[warm < 1]}, deriving every case's terms {verdict[cold < 1]}")


if __name__ == "__main__":
    main()
