"""Benchmark of sipcore.deadlines against numpy, workalendar and a naive loop over holidays.

Run: ``python bench/calendar.py`` (needs the ``bench`` extra: numpy, workalendar). Prints the
time per call in ns, best of several repeats over many random dates 1990–2100, and the ratios,
all measured in this run; then the import time of ``sipcore`` and the first call in a fresh
process (``--first-call`` prints only that: whole interpreters timed with ``subprocess``, against
a bare ``python -c pass`` and ``import sipcore``). Not a test: nothing is asserted about
wall-clock time. Every competitor's answers are checked against sipcore's first.

Interval conventions differ: sipcore counts ``(start, end]`` going forward and ``[end, start)``
(negated) going back; numpy's ``busday_count`` counts ``[begin, end)`` going forward and
``(end, begin]`` (negated) going back, so numpy gets both dates shifted by one day, forward or
back; ``busday_offset`` with ``roll="backward"`` gives "the n-th working day strictly after d"
for n ≥ 1 (``roll="forward"`` would count from the next working day when d is a day off).
"""

# This file is called calendar.py, and ``python bench/calendar.py`` puts bench/ first on
# sys.path, where it would shadow the standard library's ``calendar`` for every later import.
import os
import sys

if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]

import random
import re
import subprocess
import time
import timeit
from collections.abc import Callable, Sequence
from datetime import date, timedelta

import holidays
import numpy as np
from holidays.constants import DE_FACTO, PUBLIC
from workalendar.europe import Sweden as WorkalendarSweden  # type: ignore[import-untyped]

from sipcore.deadlines import (
    FIRST_YEAR,
    LAST_YEAR,
    add_working_days,
    non_working_weekdays,
    working_days_between,
)

SEED = 20260618
SAMPLES = 20_000  # calls per repeat for the fast functions
SLOW_SAMPLES = 1_000  # calls per repeat for workalendar and the naive loop
REPEATS = 7
ONE_DAY = timedelta(days=1)


def best_ns_per_call(loop: Callable[[], object], calls: int, repeats: int = REPEATS) -> float:
    """Best of ``repeats`` runs of ``loop`` (which makes ``calls`` calls), in ns per call."""
    loop()  # warm up (and, for sipcore, build the tables outside the measurement)
    return min(timeit.repeat(loop, number=1, repeat=repeats)) / calls * 1e9


def random_cases(
    count: int, rng: random.Random
) -> tuple[list[tuple[date, int]], list[tuple[date, date]]]:
    """(date, n) with n in 1..30 and (start, end) within ±90 days, all inside 1991–2099."""
    first = date(FIRST_YEAR + 1, 1, 1).toordinal()
    last = date(LAST_YEAR - 1, 12, 31).toordinal()
    adds = [(date.fromordinal(rng.randint(first, last)), rng.randint(1, 30)) for _ in range(count)]
    pairs = []
    for _ in range(count):
        start = date.fromordinal(rng.randint(first, last))
        pairs.append((start, start + timedelta(days=rng.randint(-90, 90))))
    return adds, pairs


def naive_holidays() -> holidays.HolidayBase:
    return holidays.country_holidays(
        "SE",
        years=range(FIRST_YEAR, LAST_YEAR + 1),
        categories=(PUBLIC, DE_FACTO),
        language="sv",
        include_sundays=False,
    )


def naive_add(calendar: holidays.HolidayBase, d: date, n: int) -> date:
    """The n-th (n ≥ 1) working day after d, one day at a time."""
    while n:
        d += ONE_DAY
        if d.weekday() < 5 and d not in calendar:
            n -= 1
    return d


def naive_between(calendar: holidays.HolidayBase, start: date, end: date) -> int:
    """Working days in (start, end] (negated [end, start) going back), one day at a time."""
    sign, lo, hi = (1, start + ONE_DAY, end) if end >= start else (-1, end, start - ONE_DAY)
    count = 0
    while lo <= hi:
        if lo.weekday() < 5 and lo not in calendar:
            count += 1
        lo += ONE_DAY
    return sign * count


def import_time_us(module: str, runs: int = 5) -> float:
    """Best cumulative ``-X importtime`` of ``module`` (its top-level line), in µs."""
    best = float("inf")
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {module}"],
            capture_output=True,
            text=True,
            check=True,
        )
        pattern = re.compile(rf"import time:\s+\d+ \|\s+(\d+) \| {re.escape(module)}$")
        cumulative = [int(m.group(1)) for m in map(pattern.match, done.stderr.splitlines()) if m]
        best = min(best, float(cumulative[-1]))
    return best


def first_call_ms() -> float:
    """The first call in a fresh interpreter, timed inside it: reads the shipped table."""
    code = (
        "import time, datetime, sipcore.deadlines as d\n"
        "t = time.perf_counter(); d.add_working_days(datetime.date(2026, 6, 22), 1)\n"
        "print((time.perf_counter() - t) * 1e3)\n"
    )
    return min(
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True).stdout)
        for _ in range(5)
    )


FRESH = {
    "python -c pass": "pass",
    "import sipcore": "import sipcore",
    "import sipcore.deadlines": "import sipcore.deadlines",
    "... and the first add_working_days": (
        "import datetime, sipcore.deadlines as d; d.add_working_days(datetime.date(2026, 6, 22), 1)"
    ),
}


def fresh_process_ms(code: str, runs: int = 9) -> float:
    """The wall time of a whole fresh interpreter running ``code``, best of ``runs``, in ms."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        best = min(best, time.perf_counter() - start)
    return best * 1e3


def first_call_lines() -> list[str]:
    """The first call in a fresh process: timed inside it, and as whole processes against a bare
    interpreter and against ``import sipcore`` (the target: under 50 ms)."""
    walls = {label: fresh_process_ms(code) for label, code in FRESH.items()}
    bare, package = walls["python -c pass"], walls["import sipcore"]
    lines = ["first add_working_days in a fresh process (the target: under 50 ms)"]
    lines += [f"  {label:<36} {ms:7.1f} ms   {ms / bare:5.2f} × python -c pass"
              f"   {ms / package:5.2f} × import sipcore" for label, ms in walls.items()]
    first = walls["... and the first add_working_days"] - walls["import sipcore.deadlines"]
    lines.append(f"  the first call, process less its import   {first:7.1f} ms")
    lines.append(f"  the first call, timed inside the process  {first_call_ms():7.1f} ms")
    return lines


def row(name: str, ns: float, ours: float) -> str:
    return f"  {name:<44} {ns:>12,.0f} ns/call   {ns / ours:>9,.1f} × sipcore"


def main(argv: Sequence[str] = ()) -> None:
    if "--first-call" in argv:
        for line in first_call_lines():
            print(line)
        return
    rng = random.Random(SEED)
    adds, pairs = random_cases(SAMPLES, rng)
    slow_adds, slow_pairs = adds[:SLOW_SAMPLES], pairs[:SLOW_SAMPLES]

    closed = np.array(non_working_weekdays(FIRST_YEAR, LAST_YEAR), dtype="datetime64[D]")
    busdaycal = np.busdaycalendar(weekmask="1111100", holidays=closed)
    workalendar = WorkalendarSweden()
    naive = naive_holidays()

    # numpy's arguments in its own conventions, prepared outside the timing.
    np_counts = [
        (s + ONE_DAY, e + ONE_DAY) if e >= s else (s - ONE_DAY, e - ONE_DAY) for s, e in pairs
    ]

    # Everyone must give sipcore's answers first (workalendar only from 2005: before that its
    # Sweden lacks annandag pingst and has a 6 June holiday that did not exist yet).
    for d, n in adds:
        assert np.busday_offset(d, n, roll="backward", busdaycal=busdaycal).item() == (
            add_working_days(d, n)
        )
    for (s, e), (a, b) in zip(pairs, np_counts, strict=True):
        assert int(np.busday_count(a, b, busdaycal=busdaycal)) == working_days_between(s, e)
    for d, n in slow_adds:
        assert naive_add(naive, d, n) == add_working_days(d, n)
        if d.year >= 2005:
            assert workalendar.add_working_days(d, n) == add_working_days(d, n)
    for s, e in slow_pairs:
        assert naive_between(naive, s, e) == working_days_between(s, e)

    def ours_add() -> None:
        for d, n in adds:
            add_working_days(d, n)

    def ours_between() -> None:
        for s, e in pairs:
            working_days_between(s, e)

    def numpy_add() -> None:
        for d, n in adds:
            np.busday_offset(d, n, roll="backward", busdaycal=busdaycal).item()

    def numpy_add_list() -> None:
        for d, n in slow_adds:
            np.busday_offset(d, n, roll="backward", weekmask="1111100", holidays=closed).item()

    def numpy_count() -> None:
        for a, b in np_counts:
            int(np.busday_count(a, b, busdaycal=busdaycal))

    def workalendar_add() -> None:
        for d, n in slow_adds:
            workalendar.add_working_days(d, n)

    def naive_add_loop() -> None:
        for d, n in slow_adds:
            naive_add(naive, d, n)

    def naive_between_loop() -> None:
        for s, e in slow_pairs:
            naive_between(naive, s, e)

    print(f"sipcore.deadlines benchmark: {SAMPLES:,} random dates {FIRST_YEAR + 1}–{LAST_YEAR - 1}")
    print(f"(best of {REPEATS} repeats; n in 1..30; count spans within ±90 days)\n")

    add_ns = best_ns_per_call(ours_add, SAMPLES)
    print("add_working_days(d, n)")
    print(row("sipcore.deadlines.add_working_days", add_ns, add_ns))
    print(row("numpy.busday_offset (busdaycalendar)", best_ns_per_call(numpy_add, SAMPLES), add_ns))
    print(
        row(
            "numpy.busday_offset (holidays= each call)",
            best_ns_per_call(numpy_add_list, SLOW_SAMPLES),
            add_ns,
        )
    )
    print(
        row(
            "workalendar Sweden.add_working_days",
            best_ns_per_call(workalendar_add, SLOW_SAMPLES),
            add_ns,
        )
    )
    print(
        row(
            "naive day-by-day loop over holidays",
            best_ns_per_call(naive_add_loop, SLOW_SAMPLES),
            add_ns,
        )
    )

    between_ns = best_ns_per_call(ours_between, SAMPLES)
    print("\nworking_days_between(start, end)")
    print(row("sipcore.deadlines.working_days_between", between_ns, between_ns))
    print(
        row(
            "numpy.busday_count (busdaycalendar)",
            best_ns_per_call(numpy_count, SAMPLES),
            between_ns,
        )
    )
    print(
        row(
            "naive day-by-day loop over holidays",
            best_ns_per_call(naive_between_loop, SLOW_SAMPLES),
            between_ns,
        )
    )

    print("\nimport time (python -X importtime, cumulative, best of 5)")
    print(f"  import sipcore                 {import_time_us('sipcore'):>8,.0f} µs")
    print(f"  import sipcore.deadlines       {import_time_us('sipcore.deadlines'):>8,.0f} µs")
    print()
    for line in first_call_lines():
        print(line)
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("  (PYTHONDONTWRITEBYTECODE is set: these include compiling sipcore's sources)")


if __name__ == "__main__":
    main(sys.argv[1:])
