"""Benchmark of ``sipcore.liabilities`` and the obligations of 100,000 discharge cases.

Run: ``python bench/liability.py`` (optionally ``--cases N``). Builds the cases by running six
templates of the discharge chain (Lag 2017:612) at 60 different start days (360 event
histories) and replaying those events into 100,000 independent cases:

* in hospital, liable: notice before noon, kallelse in time, not yet discharged;
* discharged, liable: notice after noon, kallelse in time, discharged, information transferred;
* a late kallelse: no liability (5 kap. 3 §);
* no fast vårdkontakt: no liability;
* an admission notice sent, no discharge-ready notice yet;
* a psychiatric patient discharged on the day the liability begins.

Then times ``liabilities(cases, as_of)`` (the first call, which derives each case's facts, and
later calls, best of several), ``obligations_due(cases, as_of)`` over the same cases, and
``obligations_due`` over the cases of ``bench/obligations.py`` (today's region-wide list, per
case), with, as a baseline in the same run, a plain loop that only iterates the cases and reads
one attribute. Prints the times and the ratios. Not a test: nothing is asserted about time.
"""

from __future__ import annotations

# ``python bench/liability.py`` puts bench/ first on sys.path, where bench/calendar.py would
# shadow the standard library's ``calendar`` (which dateutil imports).
import os
import sys

if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]

import argparse
import datetime as dt
import importlib.util
import time
import timeit
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sipcore import SipCase, deadlines, liabilities, load_profile, obligations_due
from sipcore.consent import Person
from sipcore.events import Event

STOCKHOLM = ZoneInfo("Europe/Stockholm")
UNITS = {"avd": "region", "vc": "region", "hemtjanst": "municipality"}
PERSON = Person(dt.date(1941, 3, 14))
START = dt.datetime(2026, 1, 5, 8, 0, tzinfo=STOCKHOLM)
DAYS = 60  # start days per template
AS_OF = START + dt.timedelta(days=DAYS + 10)
REPEATS = 5
H = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def _admitted(when: dt.datetime, care: str = "somatic", *, fast: bool = True) -> SipCase:
    case = SipCase.open_case(at=when + 0.5 * H, profile=load_profile("national"), person=PERSON,
                             units=UNITS, initiated_by="staff", unit="avd", admitted_at=when,
                             care=care)
    case.send_admission_notice(at=when + 2 * H, to=["hemtjanst", "vc"])
    if fast:
        case.appoint_fast_vardkontakt(at=when + 3 * H, person="Anna Berg", unit="vc")
    else:
        case.appoint_coordinator(at=when + 3 * H, person="Anna Berg", unit="vc")
    case.record_consent(at=when + 4 * H, given_by="person", form="written",
                        parties=list(UNITS), valid_until=dt.date(2030, 12, 31))
    return case


def _ready(when: dt.datetime, notice: dt.datetime, *, invite_after: dt.timedelta = DAY,
           care: str = "somatic", fast: bool = True) -> SipCase:
    case = _admitted(when, care, fast=fast)
    case.notify_discharge_ready(at=notice, to=["hemtjanst", "vc"])
    sent = notice + invite_after
    case.send_invitation(at=sent, meeting_at=sent + DAY, place="Avdelning 12", form="video",
                         invitees=["hemtjanst"])
    return case


def _discharged(case: SipCase, at: dt.datetime) -> SipCase:
    case.record_discharge(at=at)
    case.transfer_information(at=at + H, to=["hemtjanst", "vc"])
    return case


TEMPLATES: dict[str, Callable[[dt.datetime], SipCase]] = {
    "in hospital, liable": lambda w: _ready(w, w + 2 * DAY + 2 * H),
    "discharged, liable": lambda w: _discharged(_ready(w, w + 2 * DAY + 6 * H), w + 8 * DAY),
    "late kallelse": lambda w: _ready(w, w + 2 * DAY, invite_after=6 * DAY),
    "no fast vårdkontakt": lambda w: _ready(w, w + 2 * DAY, fast=False),
    "no discharge-ready notice": _admitted,
    "psychiatric, discharged day 3": lambda w: _discharged(
        _ready(w, w + DAY, care="psychiatric"), w + 4 * DAY),
}


def histories() -> list[tuple[Event, ...]]:
    """The event histories of every template started on each of :data:`DAYS` days."""
    return [
        build(START + dt.timedelta(days=day)).events
        for day in range(DAYS)
        for build in TEMPLATES.values()
    ]


def build_cases(found: list[tuple[Event, ...]], count: int) -> list[SipCase]:
    """``count`` independent cases, replayed from ``found`` in turn."""
    profiles = {key: load_profile(key) for key in {h[0].profile for h in found}}
    return [
        SipCase.replay(found[i % len(found)], profile=profiles[found[i % len(found)][0].profile])
        for i in range(count)
    ]


def best(call: Callable[[], object]) -> float:
    return min(timeit.repeat(call, number=1, repeat=REPEATS))


def _todays_bench() -> Any:
    """bench/obligations.py, for today's region-wide list over its mix of cases."""
    spec = importlib.util.spec_from_file_location(
        "bench_obligations", Path(__file__).with_name("obligations.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="how many cases (100,000)")
    count = parser.parse_args().cases

    began = time.perf_counter()
    cases = build_cases(histories(), count)
    built = time.perf_counter() - began
    print(f"built {len(cases):,} discharge cases from {DAYS * len(TEMPLATES)} histories "
          f"({len(TEMPLATES)} templates × {DAYS} start days) by replay in {built:.1f} s")
    deadlines.add_working_days(AS_OF.date(), 1)  # reads the shipped calendar table, once

    began = time.perf_counter()
    found = liabilities(cases, AS_OF)
    first = time.perf_counter() - began
    warm = best(lambda: liabilities(cases, AS_OF))
    baseline = best(lambda: [c.phase for c in cases])
    began = time.perf_counter()
    due = obligations_due(cases, AS_OF)
    due_first = time.perf_counter() - began
    due_warm = best(lambda: obligations_due(cases, AS_OF))

    today = _todays_bench()
    others = today.build_cases(count)
    began = time.perf_counter()
    obligations_due(others, today.AS_OF)
    today_first = time.perf_counter() - began
    today_warm = best(lambda: obligations_due(others, today.AS_OF))

    print(f"liabilities as of {AS_OF.isoformat()}: {len(found):,} cases, "
          f"{len(found.uncomputable)} uncomputable")
    kinds = Counter("liable" if x.liable else f"none: {x.missing}" for _, x in found)
    for kind, n in sorted(kinds.items()):
        print(f"  {kind:28} {n:7,}")
    print(f"  liable days in all: {sum(x.liable_days for _, x in found):,}")
    statuses = Counter((o.kind, o.status) for _, o in due)
    print(f"obligations_due over the same cases: {len(due):,} open or overdue")
    for (kind, status), n in sorted(statuses.items()):
        print(f"  {kind:26} {status:8} {n:7,}")
    per = 1e6 / count
    print(f"liabilities, first call (derives each case's facts): {first:.3f} s "
          f"({first * per:.2f} µs a case)")
    print(f"liabilities, later calls (best of {REPEATS}):          {warm:.3f} s")
    print(f"obligations_due, discharge cases, first / later:     {due_first:.3f} s / "
          f"{due_warm:.3f} s ({due_warm * per:.2f} µs a case)")
    print(f"obligations_due, bench/obligations.py's cases:       {today_first:.3f} s / "
          f"{today_warm:.3f} s ({today_warm * per:.2f} µs a case)")
    print(f"baseline, a loop reading case.phase (best of {REPEATS}):  {baseline:.4f} s")
    print(f"ratios to the baseline: liabilities first {first / baseline:.0f}×, later "
          f"{warm / baseline:.0f}×; obligations_due of the discharge cases later "
          f"{due_warm / baseline:.0f}×, of today's cases later {today_warm / baseline:.0f}×")
    verdict = {True: "met", False: "NOT met"}
    print(f"target under 1 s for {count:,} cases: liabilities first call "
          f"{verdict[first < 1]}, later calls {verdict[warm < 1]}; obligations of the "
          f"discharge cases per case as fast as today's: {verdict[due_warm <= today_warm * 1.1]}")


if __name__ == "__main__":
    main()
