"""Benchmark of reading and writing events as JSON, against ``json.loads`` on the same text.

Run: ``python bench/events_json.py`` (``--quick`` for a smoke run). The text is the JSON of the
full lifecycle of ``bench/lifecycle.py`` (16 events), its times given two ways: in the zone
Europe/Stockholm (written with the zone's key, ``...+01:00[Europe/Stockholm]``) and at fixed
offsets. For each it prints the time per text of ``json.loads``, of
``sipcore.events_from_json`` (parsing, checking every field, building the events) and their
ratio; then a floor: ``json.loads`` and only building the same objects again (each event, its
arguments, its time from text) with nothing read or checked; then ``orjson.loads``, the parser
``events_from_json`` uses (so that what the reading adds to the parsing shows); then
``events_to_json`` against ``json.dumps`` of the parsed text.

The two are timed in alternating rounds and each keeps its best round, so that a busy machine
slows both alike. Every text read is checked to give back the events it was written from. Not a
test: nothing here asserts a wall-clock time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from collections.abc import Callable

import attrs
import orjson

import lifecycle  # bench/lifecycle.py, beside this file: the case the benchmark reads
from sipcore import load_profile
from sipcore.events import Event, OpeningEvent, events_from_json, events_to_json

TARGET = 2.0  # events_from_json at most this many times json.loads (issue 10)


def best_pair(
    first: Callable[[], object], second: Callable[[], object], calls: int, rounds: int
) -> tuple[float, float]:
    """Seconds per call of ``first`` and of ``second``: the best of ``rounds`` alternating
    rounds of ``calls`` calls each."""
    best = [float("inf"), float("inf")]
    for _ in range(rounds):
        for k, run in enumerate((first, second)):
            start = time.perf_counter()
            for _ in range(calls):
                run()
            best[k] = min(best[k], time.perf_counter() - start)
    return best[0] / calls, best[1] / calls


def lifecycle_events(zoned: bool) -> list[Event]:
    times = lifecycle.ZONED if zoned else lifecycle.FIXED
    return list(lifecycle.engine_lifecycle(load_profile("national"), times).events)


def rebuild(events: list[Event]) -> Callable[[], list[Event]]:
    """The floor: build the same objects again (each event, its arguments, its time from its
    text) from values already read, with no reading and no checks."""
    plans = []
    for e in events:
        names = [f.name for f in attrs.fields(type(e.args))]
        plans.append((type(e), e.seq, e.at.isoformat(), type(e.args),
                      {name: getattr(e.args, name) for name in names}, e.phase,
                      e.decided_under, e.unit, e.kva, e.case_id, e.declaration))
    fromisoformat = dt.datetime.fromisoformat

    def build() -> list[Event]:
        out = []
        for cls, seq, at, args_cls, args, phase, stamp, unit, kva, case, declaration in plans:
            fields = (seq, fromisoformat(at), args_cls(**args), phase, stamp, unit, kva, case)
            if declaration is not None:
                out.append(OpeningEvent(*fields, declaration=declaration))
            else:
                out.append(cls(*fields))
        return out

    return build


def read_ratio(events: list[Event], calls: int = 500, rounds: int = 15) -> dict[str, float]:
    """The figures for one list of events: µs per text read and written, and the ratios."""
    text = events_to_json(events)
    back = events_from_json(text)
    assert back == events and events_to_json(back) == text
    assert all(a.at.tzinfo == b.at.tzinfo or a.at.utcoffset() == b.at.utcoffset()
               for a, b in zip(back, events, strict=True))
    parsed = json.loads(text)
    loads_s, ours_s = best_pair(lambda: json.loads(text), lambda: events_from_json(text),
                                calls, rounds)
    build = rebuild(events)
    assert build() == events
    _, floor_s = best_pair(lambda: None, build, calls, rounds)
    _, orjson_s = best_pair(lambda: None, lambda: orjson.loads(text), calls, rounds)
    dumps_s, write_s = best_pair(lambda: json.dumps(parsed, ensure_ascii=False),
                                 lambda: events_to_json(events), calls, rounds)
    return {
        "chars": len(text),
        "events": len(events),
        "loads_us": loads_s * 1e6,
        "read_us": ours_s * 1e6,
        "ratio": ours_s / loads_s,
        "floor_us": (loads_s + floor_s) * 1e6,
        "floor_ratio": (loads_s + floor_s) / loads_s,
        "orjson_us": orjson_s * 1e6,
        "orjson_ratio": orjson_s / loads_s,
        "dumps_us": dumps_s * 1e6,
        "write_us": write_s * 1e6,
        "write_ratio": write_s / dumps_s,
    }


def report(calls: int = 500, rounds: int = 15) -> list[str]:
    """The lines ``main`` prints (``bench/lifecycle.py`` may print them too)."""
    lines = []
    for label, zoned in (("fixed-offset times", False), ("zoned times (Europe/Stockholm)", True)):
        f = read_ratio(lifecycle_events(zoned), calls, rounds)
        lines += [
            f"events JSON, {label}: {f['events']:.0f} events, {f['chars']:,.0f} characters",
            f"  json.loads        {f['loads_us']:7.1f} µs",
            f"  events_from_json  {f['read_us']:7.1f} µs   ratio {f['ratio']:4.2f} x"
            f"   (target: at most {TARGET:.0f}x)",
            f"  floor             {f['floor_us']:7.1f} µs   ratio {f['floor_ratio']:4.2f} x"
            "   (json.loads, then only building the same objects)",
            f"  orjson.loads      {f['orjson_us']:7.1f} µs   ratio {f['orjson_ratio']:4.2f} x"
            "   (the parser events_from_json uses)",
            f"  json.dumps        {f['dumps_us']:7.1f} µs",
            f"  events_to_json    {f['write_us']:7.1f} µs   ratio {f['write_ratio']:4.2f} x",
        ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run)")
    options = parser.parse_args()
    for line in report(*((50, 3) if options.quick else (500, 15))):
        print(line)


if __name__ == "__main__":
    main()
