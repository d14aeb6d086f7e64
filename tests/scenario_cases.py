"""The cases the bundled scenario files tell, built through the public API: their events, and
each command as a JSON request (for the schema, wire and HTTP tests)."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from sipcore import SipCase, events_to_json
from sipcore.errors import InputError, Refusal
from sipcore.scenarios import load_scenario, resolve_profile

SCENARIOS = Path(__file__).parent / "scenarios"
BAD_SCENARIOS = Path(__file__).parent / "bad_scenarios"


def scenario_paths() -> list[Path]:
    return sorted(SCENARIOS.rglob("*.toml"))


def as_json(value: Any) -> Any:
    """TOML (or Python) values as JSON values: dates and times as ISO text."""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(v) for v in value]
    return value


def edited(data: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A deep copy of ``data`` with ``changes``; a change to ``KeyError`` removes the key."""
    out = copy.deepcopy(data)
    for key, value in changes.items():
        if value is KeyError:
            del out[key]
        else:
            out[key] = value
    return out


def toml_as_json(path: Path) -> Any:
    return as_json(tomllib.loads(path.read_text(encoding="utf-8")))


@attrs.frozen
class Told:
    """One step of a scenario as a request: the events before it and the command."""

    path: Path
    index: int
    events: list[dict[str, Any]]
    request: dict[str, Any]
    applied: bool
    produced: list[dict[str, Any]]  # the events executing the command recorded


@functools.cache
def told(path: Path) -> tuple[tuple[Told, ...], SipCase]:
    """Each step after the first as a request on the events before it, and the final case."""
    scenario = load_scenario(path)
    first = scenario.steps[0]
    case = SipCase.open_case(at=first.at, profile=resolve_profile(scenario),
                             person=scenario.person, units=scenario.principals,
                             **first.arguments())
    steps = []
    for step in scenario.steps[1:]:
        events = json.loads(events_to_json(case.events))
        request = {"events": events, "command": step.do, "at": step.at.isoformat(),
                   "args": as_json(step.arguments())}
        try:
            outcome = case.execute(step.do, at=step.at, **step.arguments())
            applied, produced = True, json.loads(events_to_json(outcome.events))
        except (Refusal, InputError):
            applied, produced = False, []
        steps.append(Told(path, step.index, events, request, applied, produced))
    return tuple(steps), case


def every_step() -> Iterator[Told]:
    for path in scenario_paths():
        yield from told(path)[0]


def every_event() -> Iterator[dict[str, Any]]:
    """Every event the bundled scenarios record, as events_to_json writes it."""
    for path in scenario_paths():
        yield from json.loads(events_to_json(told(path)[1].events))
