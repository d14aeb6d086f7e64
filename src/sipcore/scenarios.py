"""Scenario files: a SIP case told as TOML steps, with the checks a region expects (DOMAIN.md §9).

Regions and vendors write scenarios without Python. :func:`load_scenario` reads one file into
a validated :class:`Scenario` and refuses a malformed one with a
:class:`~sipcore.errors.ScenarioError` whose one-line message names the file, the step
(1-based, with its ``do``), the key and what was expected. :func:`run_scenario` runs it and
returns a :class:`ScenarioResult`: one :class:`StepOutcome` per step, the obligation checks,
and every failure, the first of which is the one reported.

Semantics (DOMAIN.md §9):

* the first step is ``do = "open_case"``, with the ``[person]`` and ``[units]`` declarations;
* a step passes when the command applies and its ``expect_phase`` (if any) holds; a refused
  step fails unless it has ``expect_error``;
* a step with ``expect_error`` passes when the command is refused, every expected id is among
  the refusal's ids, and the case is left as it was; ``expect_error = "input"`` expects the
  command to be refused as bad input;
* ``expect_advice`` passes when the command applies and reports exactly that advice;
* each ``[[expect_obligation]]`` is checked on the final case as of its ``as_of``: exactly one
  obligation of that ``kind`` (and ``unit``, ``due`` where given) must exist, with that
  ``status``; a ``cancelled`` obligation only matches an expected ``cancelled``;
* the final ``[expect]`` table checks ``phase``, ``closure_reason``, ``kva``, ``plan_version``,
  ``voided_notes`` and ``notified``.

An argument *value* the command refuses as bad input when it runs (``form = "email"``) is a
malformed file too, unless the step expects it (``expect_error = "input"``).
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

import attrs

from sipcore import states
from sipcore._toml import show_value
from sipcore.case import SipCase
from sipcore.commands import COMMAND_ARGS, ArgKind, parameters
from sipcore.consent import Person
from sipcore.deadlines import local_date
from sipcore.errors import InputError, ProfileError, Refusal, ScenarioError
from sipcore.obligations import KINDS
from sipcore.process import PRINCIPALS
from sipcore.profiles import Profile, load_profile
from sipcore.rules import registry

__all__ = [
    "CLOSURE_REASONS",
    "REFUSAL_IDS",
    "STATUSES",
    "Expect",
    "ExpectObligation",
    "Failure",
    "ObligationCheck",
    "ObligationView",
    "Scenario",
    "ScenarioResult",
    "Step",
    "StepOutcome",
    "load_scenario",
    "resolve_profile",
    "run_scenario",
    "scenario_files",
    "step_outcomes",
]

OPEN_CASE = "open_case"
INPUT = "input"  # expect_error for a command refused as bad input
REFUSAL_IDS = ("transition.not_allowed", "case.time_order", "invitation.not_invited")
STATUSES = ("open", "met", "overdue", "cancelled")
CLOSURE_REASONS = (
    "goals_met",
    "no_longer_needed",
    "consent_withdrawn",
    "consent_refused",
    "declined",
    "deceased",
)
PHASES = tuple(str(p) for p in states.Phase)

_TOP_KEYS = ("name", "profile", "source", "person", "units", "step", "expect_obligation",
             "expect")
_PERSON_KEYS = ("birth_date", "guardians")
_UNIT_KEYS = ("principal",)
_STEP_KEYS = ("at", "do", "expect_phase", "expect_error", "expect_advice")
_OBLIGATION_KEYS = ("as_of", "kind", "unit", "due", "status")
_EXPECT_KEYS = ("phase", "closure_reason", "kva", "plan_version", "voided_notes", "notified")
_COMMANDS = tuple(COMMAND_ARGS)  # open_case first
_FREE_KEYS = "record_preferences"  # its keys are free fields (place, interpreter, …)

_AWARE = "a date and time with an offset, e.g. 2026-12-21T09:00:00+01:00"
_DATE = "a date, e.g. 2026-12-28 (without quotes or time)"
_TEXT = "a text in quotes"
_IDS = 'an array of ids in quotes, e.g. ["vc", "hemtjanst"]'
_COUNT = "a whole number ≥ 0"


# --- the scenario, as read -----------------------------------------------------------------------


@attrs.frozen
class Step:
    """One ``[[step]]``: when, which command with which arguments, and what it expects."""

    index: int  # 1-based, as the file counts them
    at: dt.datetime
    do: str
    args: tuple[tuple[str, Any], ...] = ()
    expect_phase: str | None = None
    expect_error: tuple[str, ...] = ()  # empty: the command must apply
    expect_advice: tuple[str, ...] | None = None  # None: advice is not checked

    @property
    def where(self) -> str:
        return f"step {self.index} ({self.do})"

    def arguments(self) -> dict[str, Any]:
        """The command's arguments as keywords (arrays as lists)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.args}


@attrs.frozen
class ExpectObligation:
    """One ``[[expect_obligation]]``: as of ``as_of``, the one obligation of ``kind`` (and
    ``unit``, ``due`` where given) has ``status``."""

    index: int
    as_of: dt.datetime
    kind: str
    status: str
    unit: str | None = None
    due: dt.date | None = None

    @property
    def where(self) -> str:
        selected = [self.kind]
        if self.unit is not None:
            selected.append(f"unit {self.unit}")
        if self.due is not None:
            selected.append(f"due {self.due}")
        return f"expect_obligation {self.index} ({', '.join(selected)})"


@attrs.frozen
class Expect:
    """The final ``[expect]`` table; ``None`` is not checked."""

    phase: str | None = None
    closure_reason: str | None = None
    kva: tuple[str, ...] | None = None
    plan_version: int | None = None
    voided_notes: int | None = None
    notified: tuple[str, ...] | None = None


@attrs.frozen
class Scenario:
    """One validated scenario file."""

    path: Path
    name: str
    profile: str  # as written: "national", "vastmanland@1", or a path to a .toml profile
    source: str | None
    person: Person
    units: tuple[tuple[str, str], ...]  # (unit id, principal), as declared
    steps: tuple[Step, ...]
    expect_obligations: tuple[ExpectObligation, ...] = ()
    expect: Expect = Expect()

    @property
    def principals(self) -> dict[str, str]:
        return dict(self.units)


# --- the result of a run -----------------------------------------------------------------------


@attrs.frozen
class ObligationView:
    """An obligation as of a time, in values that compare across profiles."""

    kind: str
    unit: str | None
    due: dt.date
    status: str
    met_at: dt.datetime | None = None


@attrs.frozen
class StepOutcome:
    """What one step did: applied or refused (with the ids; ``("input",)`` for bad input), the
    phase after it, the advice it reported, and the case's obligations as of its ``at``."""

    index: int
    command: str
    applied: bool
    refusal_ids: tuple[str, ...]
    phase: str
    advice_ids: tuple[str, ...]
    obligations: tuple[ObligationView, ...]
    passed: bool = attrs.field(eq=False)  # met the file's expectations (not compared)

    def happened(self) -> str:
        if self.applied:
            return f"applied (phase {self.phase})"
        if self.refusal_ids == (INPUT,):
            return "refused as bad input"
        return f"refused [{', '.join(self.refusal_ids)}]"


@attrs.frozen
class ObligationCheck:
    """One ``[[expect_obligation]]`` and the obligations that matched it."""

    expected: ExpectObligation
    matched: tuple[ObligationView, ...]
    passed: bool


@attrs.frozen
class Failure:
    """One check that did not hold: where, what was expected, what happened."""

    where: str  # "step 4 (send_invitation)", "expect_obligation 1 (…)", "expect.phase"
    expected: str
    got: str
    step: int | None = None
    command: str | None = None
    ids: tuple[str, ...] = ()  # the refusal's ids, when a refusal is what happened

    def __str__(self) -> str:
        return f"{self.where}: expected {self.expected}, got {self.got}"


@attrs.frozen
class ScenarioResult:
    """The outcome of :func:`run_scenario`."""

    scenario: Scenario
    profile: str  # the key (id@version) of the profile it ran under
    steps: tuple[StepOutcome, ...]
    obligations: tuple[ObligationCheck, ...]
    failures: tuple[Failure, ...]

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def failure(self) -> Failure | None:
        """The first failure, the one reported."""
        return self.failures[0] if self.failures else None

    def describe(self) -> str:
        """``name`` when it passed; ``name: <the first failure>`` when it failed."""
        first = self.failure
        return self.scenario.name if first is None else f"{self.scenario.name}: {first}"


# --- reading a file ------------------------------------------------------------------------------


class _Reader:
    """Reads the tables of one file; every complaint is one line that names the file."""

    def __init__(self, file: str) -> None:
        self.file = file

    def _at(self, where: str, key: str) -> str:
        return f"{self.file}: {where}: {key}" if where else f"{self.file}: {key}"

    def fail(self, where: str, key: str, expected: str, got: object = attrs.NOTHING) -> NoReturn:
        shown = "" if got is attrs.NOTHING else f", got {show_value(got)}"
        raise ScenarioError(f"{self._at(where, key)}: expected {expected}{shown}")

    def missing(self, where: str, key: str, expected: str) -> NoReturn:
        raise ScenarioError(f"{self._at(where, key)}: missing; expected {expected}")

    def only(self, where: str, table: Mapping[str, Any], allowed: Sequence[str]) -> None:
        for key in table:
            if key not in allowed:
                raise ScenarioError(
                    f"{self._at(where, key)}: unknown key; expected one of {', '.join(allowed)}"
                )

    def table(self, where: str, key: str, value: object) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            self.fail(where, key, "a table", value)
        return value

    def text(self, where: str, key: str, value: object, what: str = _TEXT) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(where, key, what, value)
        return value

    def choice(self, where: str, key: str, value: object, options: Sequence[str]) -> str:
        if not isinstance(value, str) or value not in options:
            self.fail(where, key, f"one of {', '.join(options)}", value)
        return value

    def aware(self, where: str, key: str, value: object) -> dt.datetime:
        if not isinstance(value, dt.datetime):
            self.fail(where, key, _AWARE, value)
        if value.tzinfo is None or value.utcoffset() is None:
            self.fail(where, key, _AWARE, value)
        return value

    def date(self, where: str, key: str, value: object) -> dt.date:
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            self.fail(where, key, _DATE, value)
        return value

    def count(self, where: str, key: str, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(where, key, _COUNT, value)
        return value

    def texts(self, where: str, key: str, value: object, what: str = _IDS) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(where, key, what, value)
        return tuple(value)

    def units(
        self, where: str, key: str, value: object, declared: Mapping[str, str]
    ) -> tuple[str, ...]:
        ids = self.texts(where, key, value)
        for unit in ids:
            self.unit(where, key, unit, declared)
        return ids

    def unit(self, where: str, key: str, value: object, declared: Mapping[str, str]) -> str:
        if not isinstance(value, str) or value not in declared:
            self.fail(where, key, f"a unit declared under [units] ({', '.join(declared)})", value)
        return value


def scenario_files(path: str | os.PathLike[str]) -> list[Path]:
    """``path`` itself if it is a file, else every ``*.toml`` under it, recursively, sorted."""
    root = Path(path)
    if root.is_dir():
        return sorted(p for p in root.rglob("*.toml") if p.is_file())
    return [root]


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read and validate one scenario file; a malformed one raises :class:`ScenarioError`."""
    file = Path(path)
    r = _Reader(str(file))
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"{file}: expected a readable scenario file ({exc.strerror})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{file}: expected UTF-8 text ({exc.reason})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{file}: expected valid TOML: {exc}") from None
    r.only("", data, _TOP_KEYS)
    if "name" not in data:
        r.missing("", "name", "the scenario's name, in quotes")
    name = r.text("", "name", data["name"])
    profile = _read_profile_spec(r, file, data)
    source = r.text("", "source", data["source"]) if "source" in data else None
    person = _read_person(r, data)
    declared = _read_units(r, data)
    steps = _read_steps(r, data, declared)
    scenario = Scenario(
        file,
        name,
        profile,
        source,
        person,
        tuple(declared.items()),
        steps,
        _read_obligations(r, data, declared),
        _read_expect(r, data, declared),
    )
    try:
        resolve_profile(scenario)
    except ProfileError as exc:
        r.fail("", "profile", f"a known profile ({exc})", data["profile"])
    return scenario


def _read_profile_spec(r: _Reader, file: Path, data: Mapping[str, Any]) -> str:
    if "profile" not in data:
        r.missing("", "profile", 'a profile, e.g. "national" or "vastmanland@<version>"')
    spec = r.text("", "profile", data["profile"], 'a profile name in quotes, e.g. "national"')
    if spec.endswith(".toml") and not Path(spec).is_absolute():
        return str(file.parent / spec)  # a region's own profile file, beside the scenario
    return spec


def _read_person(r: _Reader, data: Mapping[str, Any]) -> Person:
    if "person" not in data:
        r.missing("", "person", "a [person] table with birth_date")
    person = r.table("", "person", data["person"])
    r.only("person", person, _PERSON_KEYS)
    if "birth_date" not in person:
        r.missing("", "person.birth_date", _DATE)
    birth = r.date("", "person.birth_date", person["birth_date"])
    guardians: tuple[str, ...] = ()
    if "guardians" in person:
        guardians = r.texts("", "person.guardians", person["guardians"],
                            'an array of guardian ids in quotes, e.g. ["g1", "g2"]')
    return Person(birth, guardians)


def _read_units(r: _Reader, data: Mapping[str, Any]) -> dict[str, str]:
    if "units" not in data:
        r.missing("", "units", "a [units.<id>] table with principal for every unit")
    units = r.table("", "units", data["units"])
    if not units:
        r.fail("", "units", "at least one [units.<id>] table with principal")
    declared: dict[str, str] = {}
    for unit, table in units.items():
        key = f"units.{unit}"
        table = r.table("", key, table)
        r.only(key, table, _UNIT_KEYS)
        if "principal" not in table:
            r.missing("", f"{key}.principal", f"one of {', '.join(PRINCIPALS)}")
        declared[unit] = r.choice("", f"{key}.principal", table["principal"], PRINCIPALS)
    return declared


def _array_of_tables(r: _Reader, data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        r.fail("", key, f"an array of tables ([[{key}]])", value)
    return value


def _read_steps(
    r: _Reader, data: Mapping[str, Any], declared: Mapping[str, str]
) -> tuple[Step, ...]:
    if "step" not in data:
        r.missing("", "step", 'at least one [[step]] table, the first with do = "open_case"')
    tables = _array_of_tables(r, data, "step")
    if not tables:
        r.fail("", "step", 'at least one [[step]] table, the first with do = "open_case"')
    return tuple(_read_step(r, i, t, declared) for i, t in enumerate(tables, start=1))


def _read_step(
    r: _Reader, index: int, table: Mapping[str, Any], declared: Mapping[str, str]
) -> Step:
    raw_do = table.get("do")
    where = f"step {index} ({raw_do})" if isinstance(raw_do, str) else f"step {index}"
    if "do" not in table:
        r.missing(where, "do", "a command name in quotes, e.g. \"record_consent\"")
    do = r.choice(where, "do", raw_do, _COMMANDS)
    if index == 1 and do != OPEN_CASE:
        r.fail(where, "do", '"open_case" (the first step opens the case)', do)
    if index > 1 and do == OPEN_CASE:
        r.fail(where, "do", "a command of an open case (open_case is only the first step)", do)
    if "at" not in table:
        r.missing(where, "at", _AWARE)
    at = r.aware(where, "at", table["at"])
    args = {k: v for k, v in table.items() if k not in _STEP_KEYS}
    expect_error = _expect_error(r, where, table)
    if expect_error == (INPUT,):
        # The step expects bad input: its arguments go to the command as written, and the
        # command refuses them (an undeclared unit, a wrong type, a missing argument).
        if do != _FREE_KEYS:
            r.only(where, args, (*_STEP_KEYS, *(f.name for f in parameters(do))))
        checked = dict(args)
    elif do == _FREE_KEYS:
        checked = _free_fields(r, where, args)
    else:
        checked = _arguments(r, where, do, args, declared)
    expect_phase = None
    if "expect_phase" in table:
        expect_phase = r.choice(where, "expect_phase", table["expect_phase"], PHASES)
    expect_advice = None
    if "expect_advice" in table:
        if expect_error:
            r.fail(where, "expect_advice", "no expect_advice beside expect_error (a refused "
                   "command reports no advice)")
        expect_advice = r.texts(where, "expect_advice", table["expect_advice"],
                                'an array of should-rule ids, e.g. ["plan.goal_horizons"]')
        known = registry()
        for rule_id in expect_advice:
            if rule_id not in known:
                r.fail(where, "expect_advice", f"rule ids ({', '.join(known)})", rule_id)
    if do == OPEN_CASE and expect_error:
        r.fail(where, "expect_error", "no expect_error on open_case (the first step must open "
               "the case)")
    return Step(index, at, do, tuple(checked.items()), expect_phase, expect_error, expect_advice)


def _expect_error(r: _Reader, where: str, table: Mapping[str, Any]) -> tuple[str, ...]:
    if "expect_error" not in table:
        return ()
    raw = table["expect_error"]
    what = 'a rule or refusal id in quotes, or an array of them, e.g. "consent.scope"'
    ids = (raw,) if isinstance(raw, str) else r.texts(where, "expect_error", raw, what)
    if not ids:
        r.fail(where, "expect_error", what, raw)
    known = (*registry(), *REFUSAL_IDS)
    for rule_id in ids:
        if rule_id == INPUT and len(ids) == 1:
            continue
        if rule_id not in known:
            r.fail(where, "expect_error",
                   f'"input" alone, or rule and refusal ids ({", ".join(known)})', rule_id)
    return ids


def _free_fields(r: _Reader, where: str, args: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in args.items():
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str | int | float | bool) for v in values):
            r.fail(where, key, "a text, a number, true/false or an array of those", value)
    return dict(args)


def _arguments(
    r: _Reader, where: str, do: str, args: Mapping[str, Any], declared: Mapping[str, str]
) -> dict[str, Any]:
    fields = {f.name: f for f in parameters(do)}
    allowed = (*_STEP_KEYS, *fields)
    r.only(where, args, allowed)
    for name, field in fields.items():
        if field.default is attrs.NOTHING and name not in args:
            spec: ArgKind = field.metadata["kind"]
            r.missing(where, name, _expected_of(spec))
    checked: dict[str, Any] = {}
    for name, value in args.items():
        field = fields[name]
        spec = field.metadata["kind"]
        checked[name] = _typed(r, where, name, spec, value)
        if field.metadata["unit"]:
            if isinstance(value, str):
                r.unit(where, name, value, declared)
            else:
                r.units(where, name, value, declared)
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


def _typed(r: _Reader, where: str, name: str, spec: ArgKind, value: object) -> Any:
    """The value if its TOML type fits the argument; its value is checked when the command
    runs (so that a step may expect it to be refused as bad input)."""
    kind = spec.name
    if kind in ("aware", "opt_aware"):
        return r.aware(where, name, value)
    if kind in ("date", "opt_date"):
        return r.date(where, name, value)
    if kind in ("ids", "opt_ids", "maybe_ids"):
        return r.texts(where, name, value)
    if kind == "bool":
        if not isinstance(value, bool):
            r.fail(where, name, "true or false", value)
        return value
    if not isinstance(value, str):
        r.fail(where, name, _expected_of(spec), value)
    return value


def _read_obligations(
    r: _Reader, data: Mapping[str, Any], declared: Mapping[str, str]
) -> tuple[ExpectObligation, ...]:
    found = []
    for i, table in enumerate(_array_of_tables(r, data, "expect_obligation"), start=1):
        where = f"expect_obligation {i}"
        r.only(where, table, _OBLIGATION_KEYS)
        for key, what in (("as_of", _AWARE), ("kind", f"one of {', '.join(KINDS)}"),
                          ("status", f"one of {', '.join(STATUSES)}")):
            if key not in table:
                r.missing(where, key, what)
        unit = r.unit(where, "unit", table["unit"], declared) if "unit" in table else None
        due = r.date(where, "due", table["due"]) if "due" in table else None
        found.append(
            ExpectObligation(
                i,
                r.aware(where, "as_of", table["as_of"]),
                r.choice(where, "kind", table["kind"], KINDS),
                r.choice(where, "status", table["status"], STATUSES),
                unit,
                due,
            )
        )
    return tuple(found)


def _read_expect(r: _Reader, data: Mapping[str, Any], declared: Mapping[str, str]) -> Expect:
    if "expect" not in data:
        return Expect()
    table = r.table("", "expect", data["expect"])
    r.only("expect", table, _EXPECT_KEYS)
    w = "expect"
    get = table.get
    return Expect(
        phase=r.choice(w, "phase", get("phase"), PHASES) if "phase" in table else None,
        closure_reason=(
            r.choice(w, "closure_reason", get("closure_reason"), CLOSURE_REASONS)
            if "closure_reason" in table else None
        ),
        kva=(
            r.texts(w, "kva", get("kva"), 'an array of KVÅ codes, e.g. ["AU124", "AW010"]')
            if "kva" in table else None
        ),
        plan_version=r.count(w, "plan_version", get("plan_version"))
        if "plan_version" in table else None,
        voided_notes=r.count(w, "voided_notes", get("voided_notes"))
        if "voided_notes" in table else None,
        notified=r.units(w, "notified", get("notified"), declared)
        if "notified" in table else None,
    )


# --- running -----------------------------------------------------------------------------------


def resolve_profile(scenario: Scenario) -> Profile:
    """The profile a scenario names. Without a version: the version valid on the local date of
    the first step's ``at``, else the newest."""
    spec = scenario.profile
    if spec.endswith(".toml") or "@" in spec:
        return load_profile(spec)
    newest = load_profile(spec)  # an unknown profile is refused here
    try:
        return load_profile(spec, on=local_date(scenario.steps[0].at))
    except ProfileError:
        return newest


def _views(case: SipCase, as_of: dt.datetime) -> tuple[ObligationView, ...]:
    return tuple(
        ObligationView(o.kind, o.unit, o.due, o.status, o.met_at)
        for o in case.obligations(as_of)
    )


def _bad_input(scenario: Scenario, step: Step, exc: InputError) -> ScenarioError:
    argument = exc.argument.removeprefix("fields.")
    got = "" if exc.got is attrs.NOTHING else f", got {show_value(exc.got)}"
    return ScenarioError(
        f"{scenario.path}: {step.where}: {argument}: expected {exc.expected}{got}"
    )


def _open(scenario: Scenario, profile: Profile) -> SipCase:
    step = scenario.steps[0]
    try:
        return SipCase.open_case(
            at=step.at,
            profile=profile,
            person=scenario.person,
            units=scenario.principals,
            **step.arguments(),
        )
    except InputError as exc:
        raise _bad_input(scenario, step, exc) from None


class _Run:
    """One run of a scenario: the case, the outcomes so far and the failures."""

    def __init__(self, scenario: Scenario, profile: Profile) -> None:
        self.scenario = scenario
        self.outcomes: list[StepOutcome] = []
        self.failures: list[Failure] = []
        first = scenario.steps[0]
        self.case = _open(scenario, profile)
        phase = str(self.case.phase)
        failed = first.expect_phase is not None and first.expect_phase != phase
        if failed:
            self.fail(first, f"phase {first.expect_phase}", f"phase {phase}")
        self.outcomes.append(
            StepOutcome(1, OPEN_CASE, True, (), phase, (), _views(self.case, first.at),
                        not failed)
        )

    def fail(self, step: Step, expected: str, got: str, ids: tuple[str, ...] = ()) -> None:
        self.failures.append(Failure(step.where, expected, got, step.index, step.do, ids))

    def step(self, step: Step) -> None:
        case = self.case
        before = case.snapshot()
        applied = True
        ids: tuple[str, ...] = ()
        advice: tuple[str, ...] = ()
        try:
            outcome = case.execute(step.do, at=step.at, **step.arguments())
            advice = outcome.advice_ids
        except Refusal as exc:
            applied, ids = False, exc.ids
        except InputError as exc:
            if step.expect_error != (INPUT,):
                raise _bad_input(self.scenario, step, exc) from None
            applied, ids = False, (INPUT,)
        outcome_ = StepOutcome(
            step.index, step.do, applied, ids, str(case.phase), advice,
            _views(case, step.at), True,
        )
        passed = self.judge(step, outcome_, unchanged=applied or case.snapshot() == before)
        self.outcomes.append(attrs.evolve(outcome_, passed=passed))

    def judge(self, step: Step, out: StepOutcome, *, unchanged: bool) -> bool:
        """Check one step's expectations; record the first that does not hold."""
        count = len(self.failures)
        if step.expect_error:
            expected = _expected_refusal(step.expect_error)
            if out.applied:
                self.fail(step, expected, out.happened())
            elif not set(step.expect_error) <= set(out.refusal_ids):
                self.fail(step, expected, out.happened(), out.refusal_ids)
            elif not unchanged:
                self.fail(step, "the case left as it was", f"a changed case after "
                          f"{out.happened()}", out.refusal_ids)
        elif not out.applied:
            expected = (
                f"phase {step.expect_phase}" if step.expect_phase else "the command to apply"
            )
            self.fail(step, expected, out.happened(), out.refusal_ids)
        if len(self.failures) == count and step.expect_phase and out.phase != step.expect_phase:
            self.fail(step, f"phase {step.expect_phase}", f"phase {out.phase}")
        if len(self.failures) == count and step.expect_advice is not None and (
            sorted(step.expect_advice) != sorted(out.advice_ids)
        ):
            self.fail(step, f"advice [{', '.join(step.expect_advice)}]",
                      f"advice [{', '.join(out.advice_ids)}]")
        return len(self.failures) == count

    def check_obligation(self, expected: ExpectObligation) -> ObligationCheck:
        views = _views(self.case, expected.as_of)
        matched = tuple(
            v for v in views
            if v.kind == expected.kind
            and (expected.unit is None or v.unit == expected.unit)
            and (expected.due is None or v.due == expected.due)
            and (v.status != "cancelled" or expected.status == "cancelled")
        )
        where = expected.where
        if len(matched) != 1:
            listed = "; ".join(_view_text(v) for v in views) or "none"
            self.failures.append(Failure(
                where,
                f"exactly one such obligation as of {expected.as_of.isoformat()}",
                f"{len(matched)} (obligations then: {listed})",
            ))
            return ObligationCheck(expected, matched, False)
        found = matched[0]
        if found.status != expected.status:
            self.failures.append(
                Failure(where, f"status {expected.status}", f"{found.status} ({_view_text(found)})")
            )
            return ObligationCheck(expected, matched, False)
        return ObligationCheck(expected, matched, True)

    def check_final(self, expect: Expect) -> None:
        case = self.case
        checks: list[tuple[str, object, object]] = [
            ("phase", expect.phase, str(case.phase)),
            ("closure_reason", expect.closure_reason, case.closure_reason),
            ("kva", expect.kva, list(case.kva)),
            ("plan_version", expect.plan_version, case.plan_version),
            ("voided_notes", expect.voided_notes, case.voided_notes),
        ]
        for key, wanted, actual in checks:
            if wanted is None:
                continue
            wanted = list(wanted) if isinstance(wanted, tuple) else wanted
            if wanted != actual:
                self.failures.append(Failure(f"expect.{key}", _value_text(wanted),
                                             _value_text(actual)))
        if expect.notified is not None and sorted(expect.notified) != sorted(case.notified):
            self.failures.append(Failure(
                "expect.notified", _value_text(list(expect.notified)) + " (any order)",
                _value_text(list(case.notified)),
            ))


def _expected_refusal(ids: tuple[str, ...]) -> str:
    if ids == (INPUT,):
        return "refused as bad input"
    return f"refused [{', '.join(ids)}]"


def _view_text(v: ObligationView) -> str:
    unit = f" {v.unit}" if v.unit else ""
    return f"{v.kind}{unit} due {v.due} {v.status}"


def _value_text(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def run_scenario(scenario: Scenario, profile: Profile | None = None) -> ScenarioResult:
    """Run ``scenario`` under its own profile, or under ``profile`` when given (to compare
    profiles). Every step runs, whatever failed before it; the result lists every failure, the
    first of which is the one to report. A bad argument value that the step does not expect
    raises :class:`ScenarioError`."""
    chosen = resolve_profile(scenario) if profile is None else profile
    run = _Run(scenario, chosen)
    for step in scenario.steps[1:]:
        run.step(step)
    checks = tuple(run.check_obligation(e) for e in scenario.expect_obligations)
    run.check_final(scenario.expect)
    return ScenarioResult(scenario, chosen.key, tuple(run.outcomes), checks, tuple(run.failures))


def step_outcomes(scenario: Scenario, profile: Profile) -> tuple[StepOutcome, ...]:
    """The per-step outcomes of ``scenario`` under ``profile``: for each step whether it
    applied, the refusal ids, the phase after it, its advice, and the obligations (kind, unit,
    due date, status) as of its ``at``. Outcomes under two profiles compare with ``==``, step
    by step (``passed`` says whether the step met the file's expectations)."""
    return run_scenario(scenario, profile).steps
