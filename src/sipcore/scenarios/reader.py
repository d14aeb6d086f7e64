"""Reading a scenario file (DOMAIN.md §9) into a checked :class:`~sipcore.scenarios.Scenario`.

A malformed file is refused with a :class:`~sipcore.errors.ScenarioError` whose one-line
message names the file, the step (1-based, with its ``do``), the key and what was expected.
The tables are read by the same reader as profiles (:mod:`sipcore._toml`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from sipcore._toml import COUNT, Table, parse
from sipcore.commands import COMMAND_ARGS, ArgKind, parameters
from sipcore.consent import Person
from sipcore.errors import InputError, ProfileError, ScenarioError
from sipcore.obligations import KINDS
from sipcore.process import PRINCIPALS
from sipcore.rules import registry
from sipcore.scenarios.model import (
    CLOSURE_REASONS,
    INPUT,
    OPEN_CASE,
    PHASES,
    REFUSAL_IDS,
    STATUSES,
    Expect,
    ExpectExplanation,
    ExpectObligation,
    Scenario,
    Step,
)
from sipcore.scenarios.runner import resolve_profile
from sipcore.states import PLAN_TYPES

__all__ = ["load_scenario", "scenario_files"]

_TOP_KEYS = ("name", "profile", "source", "person", "units", "step", "expect_explanation",
             "expect_obligation",
             "expect")
_PERSON_KEYS = ("birth_date", "guardians")
_UNIT_KEYS = ("principal",)
_STEP_KEYS = ("at", "do", "expect_phase", "expect_error", "expect_advice", "expect_check")
_OBLIGATION_KEYS = ("as_of", "kind", "unit", "due", "status", "due_at")
_EXPECT_KEYS = ("phase", "closure_reason", "kva", "plan_version", "voided_notes", "notified",
                "plan_type", "liable_from", "liable_days", "liability_as_of")
_COMMANDS = tuple(COMMAND_ARGS)  # open_case first
_FREE_KEYS = "record_preferences"  # its keys are free fields (place, interpreter, …)

_AWARE = "a date and time with an offset, e.g. 2026-12-21T09:00:00+01:00"
_DATE = "a date, e.g. 2026-12-28 (without quotes or time)"
_TEXT = "a text in quotes"
_IDS = 'an array of ids in quotes, e.g. ["vc", "hemtjanst"]'


def scenario_files(path: str | os.PathLike[str]) -> list[Path]:
    """``path`` itself if it is a file, else every ``*.toml`` under it, recursively, sorted."""
    root = Path(path)
    if root.is_dir():
        return sorted(p for p in root.rglob("*.toml") if p.is_file())
    return [root]


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read and validate one scenario file; a malformed one raises :class:`ScenarioError`,
    and so does a profile name with no version in force on the first step's date."""
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"{file}: expected a readable scenario file ({exc.strerror})") from None
    top = parse(str(file), raw, ScenarioError)
    top.only(_TOP_KEYS)
    if "name" not in top:
        top.missing("name", "the scenario's name, in quotes")
    name = top.text("name")
    profile = _read_profile_spec(top, file)
    source = top.text("source") if "source" in top else None
    person = _read_person(top)
    declared = _read_units(top)
    steps = tuple(_read_step(t, i, declared) for i, t in enumerate(_steps(top), start=1))
    scenario = Scenario(
        file, name, profile, source, person, tuple(declared.items()), steps,
        _read_obligations(top, declared), _read_expect(top, declared),
        _read_explanations(top, len(steps)),
    )
    try:
        resolve_profile(scenario)
    except ProfileError as exc:
        top.fail("profile", f"a known profile ({exc})", top.data["profile"])
    except InputError as exc:
        top.fail("profile", exc.expected, top.data["profile"])
    return scenario


def _read_profile_spec(top: Table, file: Path) -> str:
    if "profile" not in top:
        top.missing("profile", 'a profile, e.g. "national" or "vastmanland@<version>"')
    spec = top.text("profile", 'a profile name in quotes, e.g. "national"')
    if spec.endswith(".toml") and not Path(spec).is_absolute():
        return str(file.parent / spec)  # a region's own profile file, beside the scenario
    return spec


def _read_person(top: Table) -> Person:
    if "person" not in top:
        top.missing("person", "a [person] table with birth_date")
    person = top.table("person")
    person.only(_PERSON_KEYS)
    birth = person.date("birth_date", _DATE)
    guardians: tuple[str, ...] = ()
    if "guardians" in person:
        guardians = person.texts("guardians",
                                 'an array of guardian ids in quotes, e.g. ["g1", "g2"]')
    return Person(birth, guardians)


def _read_units(top: Table) -> dict[str, str]:
    if "units" not in top:
        top.missing("units", "a [units.<id>] table with principal for every unit")
    units = top.table("units")
    if not units.data:
        top.fail("units", "at least one [units.<id>] table with principal")
    declared: dict[str, str] = {}
    for unit, table in units.subtables():
        table.only(_UNIT_KEYS)
        declared[unit] = table.choice("principal", PRINCIPALS)
    return declared


def _array_of_tables(top: Table, key: str) -> list[Mapping[str, Any]]:
    value = top.data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        top.fail(key, f"an array of tables ([[{key}]])", value)
    return value


def _steps(top: Table) -> list[Table]:
    expected = 'at least one [[step]] table, the first with do = "open_case"'
    if "step" not in top:
        top.missing("step", expected)
    tables = _array_of_tables(top, "step")
    if not tables:
        top.fail("step", expected)
    return [Table(top.file, t, ScenarioError) for t in tables]


def _unit(t: Table, key: str, value: object, declared: Mapping[str, str]) -> str:
    if not isinstance(value, str) or value not in declared:
        t.fail(key, f"a unit declared under [units] ({', '.join(declared)})", value)
    return value


def _units(t: Table, key: str, declared: Mapping[str, str]) -> tuple[str, ...]:
    ids = t.texts(key, _IDS)
    for unit in ids:
        _unit(t, key, unit, declared)
    return ids


def _read_step(table: Table, index: int, declared: Mapping[str, str]) -> Step:
    raw_do = table.data.get("do")
    t = table.labelled(f"step {index} ({raw_do})" if isinstance(raw_do, str) else f"step {index}")
    if "do" not in t:
        t.missing("do", "a command name in quotes, e.g. \"record_consent\"")
    do = t.choice("do", _COMMANDS)
    if index == 1 and do != OPEN_CASE:
        t.fail("do", '"open_case" (the first step opens the case)', do)
    if index > 1 and do == OPEN_CASE:
        t.fail("do", "a command of an open case (open_case is only the first step)", do)
    at = t.aware("at", _AWARE)
    args = {k: v for k, v in t.data.items() if k not in _STEP_KEYS}
    expect_error = _expect_error(t)
    if expect_error == (INPUT,):
        # The step expects bad input: its arguments go to the command as written, and the
        # command refuses them (an undeclared unit, a wrong type, a missing argument).
        if do != _FREE_KEYS:
            t.only((*_STEP_KEYS, *(f.name for f in parameters(do))))
        checked = dict(args)
    elif do == _FREE_KEYS:
        checked = _free_fields(t, args)
    else:
        checked = _arguments(t, do, declared)
    expect_phase = t.choice("expect_phase", PHASES) if "expect_phase" in t else None
    expect_advice = None
    if "expect_advice" in t:
        if expect_error:
            t.fail("expect_advice", "no expect_advice beside expect_error (a refused command "
                   "reports no advice)")
        expect_advice = t.texts("expect_advice",
                                'an array of should-rule ids, e.g. ["plan.goal_horizons"]')
        known = registry()
        for rule_id in expect_advice:
            if rule_id not in known:
                t.fail("expect_advice", f"rule ids ({', '.join(known)})", rule_id)
    if do == OPEN_CASE and expect_error:
        t.fail("expect_error", "no expect_error on open_case (the first step must open the "
               "case)")
    expect_check = t.boolean("expect_check", False)
    return Step(index, at, do, tuple(checked.items()), expect_phase, expect_error, expect_advice,
                expect_check)


def _expect_error(t: Table) -> tuple[str, ...]:
    if "expect_error" not in t:
        return ()
    raw = t.data["expect_error"]
    what = 'a rule or refusal id in quotes, or an array of them, e.g. "consent.scope"'
    ids = (raw,) if isinstance(raw, str) else t.texts("expect_error", what)
    if not ids:
        t.fail("expect_error", what, raw)
    known = (*registry(), *REFUSAL_IDS)
    for rule_id in ids:
        if rule_id == INPUT and len(ids) == 1:
            continue
        if rule_id not in known:
            t.fail("expect_error", f'"input" alone, or rule and refusal ids ({", ".join(known)})',
                   rule_id)
    return ids


def _free_fields(t: Table, args: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in args.items():
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str | int | float | bool) for v in values):
            t.fail(key, "a text, a number, true/false or an array of those", value)
    return dict(args)


def _arguments(t: Table, do: str, declared: Mapping[str, str]) -> dict[str, Any]:
    fields = {f.name: f for f in parameters(do)}
    t.only((*_STEP_KEYS, *fields))
    for name, field in fields.items():
        if field.default is attrs.NOTHING and name not in t:
            t.missing(name, _expected_of(field.metadata["kind"]))
    checked: dict[str, Any] = {}
    for name, value in t.data.items():
        if name in _STEP_KEYS:
            continue
        field = fields[name]
        checked[name] = _typed(t, name, field.metadata["kind"])
        if field.metadata["unit"]:
            if isinstance(value, str):
                _unit(t, name, value, declared)
            else:
                _units(t, name, declared)
    return checked


def _expected_of(spec: ArgKind) -> str:
    if spec.name in ("aware", "opt_aware"):
        return _AWARE
    if spec.name in ("date", "opt_date"):
        return _DATE
    if spec.name in ("ids", "opt_ids", "maybe_ids"):
        return _IDS
    if spec.name == "choice":
        return spec.expected
    if spec.name == "bool":
        return "true or false"
    return _TEXT


def _typed(t: Table, name: str, spec: ArgKind) -> Any:
    """The value if its TOML type fits the argument; its value is checked when the command
    runs (so that a step may expect it to be refused as bad input)."""
    kind = spec.name
    if kind in ("aware", "opt_aware"):
        return t.aware(name, _AWARE)
    if kind in ("date", "opt_date"):
        return t.date(name, _DATE)
    if kind in ("ids", "opt_ids", "maybe_ids"):
        return t.texts(name, _IDS)
    if kind == "bool":
        return t.boolean(name)
    if kind == "version":  # hand_out_plan's plan version number (DOMAIN.md §12.3)
        raw = t.data[name]
        if isinstance(raw, bool) or not isinstance(raw, int):
            t.fail(name, spec.expected, raw)
        return raw
    value = t.data[name]
    if not isinstance(value, str):
        t.fail(name, _expected_of(spec), value)
    return value


_EXPLANATION_KEYS = ("step", "rule", "result")
RESULTS = ("passed", "failed", "advice")


def _read_explanations(top: Table, steps: int) -> tuple[ExpectExplanation, ...]:
    found = []
    known = registry()
    for i, raw in enumerate(_array_of_tables(top, "expect_explanation"), start=1):
        t = Table(top.file, raw, ScenarioError).labelled(f"expect_explanation {i}")
        t.only(_EXPLANATION_KEYS)
        for key, what in (("step", f"a step number from 1 to {steps}"),
                          ("rule", "a rule id in quotes"),
                          ("result", f"one of {', '.join(RESULTS)}")):
            if key not in t:
                t.missing(key, what)
        step = t.count("step", f"a step number from 1 to {steps}")
        if not 1 <= step <= steps:
            t.fail("step", f"a step number from 1 to {steps}", step)
        rule = t.choice("rule", tuple(known), "a rule id (see docs/rules.md)")
        found.append(ExpectExplanation(i, step, rule, t.choice("result", RESULTS)))
    return tuple(found)


def _read_obligations(top: Table, declared: Mapping[str, str]) -> tuple[ExpectObligation, ...]:
    found = []
    for i, raw in enumerate(_array_of_tables(top, "expect_obligation"), start=1):
        t = Table(top.file, raw, ScenarioError).labelled(f"expect_obligation {i}")
        t.only(_OBLIGATION_KEYS)
        for key, what in (("as_of", _AWARE), ("kind", f"one of {', '.join(KINDS)}"),
                          ("status", f"one of {', '.join(STATUSES)}")):
            if key not in t:
                t.missing(key, what)
        found.append(ExpectObligation(
            i,
            t.aware("as_of", _AWARE),
            t.choice("kind", KINDS),
            t.choice("status", STATUSES),
            _unit(t, "unit", t.data["unit"], declared) if "unit" in t else None,
            t.date("due", _DATE) if "due" in t else None,
            _due_at(t),
        ))
    return tuple(found)


def _read_expect(top: Table, declared: Mapping[str, str]) -> Expect:
    if "expect" not in top:
        return Expect()
    t = top.table("expect").labelled("expect")
    t.only(_EXPECT_KEYS)
    kva = 'an array of KVÅ codes, e.g. ["AU124", "AW010"]'
    return Expect(
        phase=t.choice("phase", PHASES) if "phase" in t else None,
        closure_reason=t.choice("closure_reason", CLOSURE_REASONS)
        if "closure_reason" in t else None,
        kva=t.texts("kva", kva) if "kva" in t else None,
        plan_version=t.count("plan_version", COUNT) if "plan_version" in t else None,
        voided_notes=t.count("voided_notes", COUNT) if "voided_notes" in t else None,
        notified=_units(t, "notified", declared) if "notified" in t else None,
        plan_type=t.choice("plan_type", PLAN_TYPES) if "plan_type" in t else None,
        liable_from=_liable_from(t) if "liable_from" in t else None,
        liable_days=t.count("liable_days", COUNT) if "liable_days" in t else None,
        liability_as_of=t.aware("liability_as_of", _AWARE) if "liability_as_of" in t else None,
    )


def _due_at(t: Table) -> dt.datetime | None:
    """A time the obligation is due at (version 2), instead of ``due``."""
    if "due_at" not in t:
        return None
    if "due" in t:
        t.fail("due_at", "due or due_at, not both", t.data["due_at"])
    return t.aware("due_at", _AWARE)


def _liable_from(t: Table) -> dt.date | bool:
    """A date, or ``false`` for no liability."""
    value = t.raw("liable_from", "a date, e.g. 2026-03-05, or false (no liability)")
    if value is False:
        return False
    return t.date("liable_from", "a date, e.g. 2026-03-05, or false (no liability)")
