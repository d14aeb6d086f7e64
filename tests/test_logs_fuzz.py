"""Whatever a line holds, reading it gives a case or a problem naming the line: never an
exception (a damaged export must not stop a region's run with a traceback)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from logtools import make_log
from sipcore.logs import LogCase, LogProblem
from sipcore.logs.reader import decode

CASES = [json.loads(line) for line in make_log.lines(8, seed=13)]
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from(
        ["", "vc", "x", "2026-13-01", "2026-03-02T09:00:00+01:00", "active", "region"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                max_size=3),
    max_leaves=6,
)


@st.composite
def damaged(draw: st.DrawFn) -> str:
    """A real case with one field of one event (or of its arguments or declaration) replaced,
    removed, or the event list cut or shuffled."""
    events: list[dict[str, Any]] = [dict(e) for e in draw(st.sampled_from(CASES))]
    how = draw(st.sampled_from(["replace", "remove", "arg", "declaration", "cut", "swap"]))
    i = draw(st.integers(0, len(events) - 1))
    event = events[i]
    if how == "replace":
        event[draw(st.sampled_from(sorted(event)))] = draw(JSON_VALUES)
    elif how == "remove":
        del event[draw(st.sampled_from(sorted(event)))]
    elif how == "arg":
        args = dict(event["args"])
        key = draw(st.sampled_from([*sorted(args), "extra"]))
        args[key] = draw(JSON_VALUES)
        event["args"] = args
    elif how == "declaration":
        first = dict(events[0])
        declaration = dict(first["declaration"])
        declaration[draw(st.sampled_from(["birth_date", "guardians", "units"]))] = draw(
            JSON_VALUES)
        first["declaration"] = declaration
        events[0] = first
    elif how == "cut":
        events = events[i:]
    else:
        j = draw(st.integers(0, len(events) - 1))
        events[i], events[j] = events[j], events[i]
    return json.dumps(events)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_a_damaged_line_is_a_case_or_a_problem_of_that_line(line: str) -> None:
    found = decode("log.jsonl", 7, line)
    assert isinstance(found, LogCase | LogProblem)
    if isinstance(found, LogProblem):
        assert (found.path, found.line) == ("log.jsonl", 7) and found.message


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=60) | JSON_VALUES.map(json.dumps))
def test_any_bytes_are_a_problem_of_that_line(line: bytes | str) -> None:
    found = decode("log.jsonl", 3, line)
    assert isinstance(found, LogProblem) and found.line == 3
