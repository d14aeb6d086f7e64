"""Running a scenario: its case, step by step, and every check of the file (DOMAIN.md §9).

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
import re

import attrs

from sipcore._engine import Decision
from sipcore._toml import show_value
from sipcore.case import SipCase
from sipcore.deadlines import local_date
from sipcore.errors import NOT_GIVEN, InputError, Refusal, ScenarioError
from sipcore.profiles import Profile, profile_in_force
from sipcore.scenarios.model import (
    INPUT,
    OPEN_CASE,
    Expect,
    ExpectExplanation,
    ExpectObligation,
    Failure,
    ObligationCheck,
    ObligationView,
    Scenario,
    ScenarioResult,
    Step,
    StepOutcome,
)

__all__ = ["resolve_profile", "run_scenario", "scenario_case", "step_outcomes"]


_FOLLOWS = re.compile(r"[a-z][a-z0-9_]*")  # a bundled profile's name, no version pinned


def resolve_profile(scenario: Scenario) -> Profile:
    """The profile a scenario names (DOMAIN.md §7.1): a pinned version (``"vastmanland@1"``) or
    a file as given; a name, the version in force on the local date of the first step's
    ``at``. Where no version of the name is in force then, an
    :class:`~sipcore.errors.InputError` for ``profile`` names the profile and the date (there
    is no fallback to another version)."""
    return profile_in_force(scenario.profile, local_date(scenario.steps[0].at))


def _views(case: SipCase, as_of: dt.datetime) -> tuple[ObligationView, ...]:
    return tuple(
        ObligationView(o.kind, o.unit, o.due, o.status, o.met_at, o.due_at)
        for o in case.obligations(as_of)
    )


def _bad_input(scenario: Scenario, step: Step, exc: InputError) -> ScenarioError:
    argument = exc.argument.removeprefix("fields.")
    got = "" if exc.got is NOT_GIVEN else f", got {show_value(exc.got)}"
    return ScenarioError(
        f"{scenario.path}: {step.where}: {argument}: expected {exc.expected}{got}"
    )


def _open(scenario: Scenario, profile: Profile | str) -> SipCase:
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

    def __init__(self, scenario: Scenario, profile: Profile | str) -> None:
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
        decision = self.checked(step) if step.expect_check else None
        try:
            outcome = case.execute(step.do, at=step.at, **step.arguments())
            advice = outcome.advice_ids
            if decision is not None and (not decision.allowed or decision.events != outcome.events
                                         or decision.advice != outcome.advice):
                self.fail(step, "case.check to reach the command's decision",
                          f"check: {'allowed' if decision.allowed else decision.ids}")
        except Refusal as exc:
            applied, ids = False, exc.ids
            if decision is not None and (decision.allowed or decision.ids != exc.ids):
                self.fail(step, "case.check to reach the command's decision",
                          f"check: {'allowed' if decision.allowed else decision.ids}")
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

    def checked(self, step: Step) -> Decision | None:
        """``case.check`` of the step (``None`` for bad input); it must change nothing."""
        before = self.case.snapshot()
        try:
            decision = self.case.check(step.do, at=step.at, **step.arguments())
        except InputError:
            return None
        if self.case.snapshot() != before:
            self.fail(step, "case.check to leave the case as it was", "a changed case")
        return decision

    def check_explanation(self, expected: ExpectExplanation) -> None:
        outcome = self.outcomes[expected.step - 1]
        if not outcome.applied:
            self.fail_at(expected.where, "an applied step to explain",
                         f"step {expected.step} refused")
            return
        seq = sum(1 for o in self.outcomes[: expected.step] if o.applied)
        event = self.case.events[seq - 1]
        result = self.case.explain(event).result(expected.rule)
        if result != expected.result:
            self.fail_at(expected.where, f"{expected.rule} {expected.result}",
                         f"{expected.rule} {result or 'not evaluated'}")

    def fail_at(self, where: str, expected: str, got: str) -> None:
        self.failures.append(Failure(where, expected, got))

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
            and (expected.due_at is None or v.due_at == expected.due_at)
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
        self.check_discharge(expect)
        if expect.notified is not None and sorted(expect.notified) != sorted(case.notified):
            self.failures.append(Failure(
                "expect.notified", _value_text(list(expect.notified)) + " (any order)",
                _value_text(list(case.notified)),
            ))


    def check_discharge(self, expect: Expect) -> None:
        """``plan_type``, and the payment liability as of ``liability_as_of`` (default: the
        last step's ``at``): ``liable_from`` (``false``: none) and ``liable_days``."""
        case = self.case
        if expect.plan_type is not None and expect.plan_type != case.plan_type:
            self.failures.append(Failure("expect.plan_type", expect.plan_type, case.plan_type))
        if expect.liable_from is None and expect.liable_days is None:
            return
        as_of = expect.liability_as_of or self.scenario.steps[-1].at
        found = case.payment_liability(as_of)
        got = found.describe("en")
        if expect.liable_from is False:
            if found.liable:
                self.failures.append(Failure("expect.liable_from", "no liability", got))
            return
        if expect.liable_from is not None and found.liable_from != expect.liable_from:
            self.failures.append(Failure("expect.liable_from", str(expect.liable_from), got))
        elif expect.liable_days is not None and found.liable_days != expect.liable_days:
            self.failures.append(Failure("expect.liable_days", str(expect.liable_days), got))


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


def run_scenario(scenario: Scenario, profile: Profile | str | None = None) -> ScenarioResult:
    """Run ``scenario`` under its own profile, or under ``profile`` when given (to compare
    profiles; a bundled profile's name: the version in force on each step's date). Every step
    runs, whatever failed before it; the result lists every failure, the first of which is the
    one to report. A bad argument value that the step does not expect
    raises :class:`ScenarioError`."""
    run = _Run(scenario, _chosen(scenario, profile))
    for step in scenario.steps[1:]:
        run.step(step)
    for expected in scenario.expect_explanations:
        run.check_explanation(expected)
    checks = tuple(run.check_obligation(e) for e in scenario.expect_obligations)
    run.check_final(scenario.expect)
    return ScenarioResult(scenario, run.case.profile.key, tuple(run.outcomes), checks,
                          tuple(run.failures))


def step_outcomes(scenario: Scenario, profile: Profile) -> tuple[StepOutcome, ...]:
    """The per-step outcomes of ``scenario`` under ``profile``: for each step whether it
    applied, the refusal ids, the phase after it, its advice, and the obligations (kind, unit,
    due date, status) as of its ``at``. Outcomes under two profiles compare with ``==``, step
    by step (``passed`` says whether the step met the file's expectations)."""
    return run_scenario(scenario, profile).steps


def scenario_case(scenario: Scenario, profile: Profile | None = None) -> SipCase:
    """The case ``scenario``'s steps leave (every step run, a refused one changing nothing),
    under its own profile or ``profile``: what ``sipcore liability`` reads."""
    run = _Run(scenario, _chosen(scenario, profile))
    for step in scenario.steps[1:]:
        run.step(step)
    return run.case


def _chosen(scenario: Scenario, profile: Profile | str | None) -> Profile | str:
    """The profile a run uses: ``profile`` where given; the scenario's profile name, whose
    version in force on each step's date decides it; or its pinned version or file."""
    if profile is not None:
        return profile
    if _FOLLOWS.fullmatch(str(scenario.profile)):
        return str(scenario.profile)
    return resolve_profile(scenario)
