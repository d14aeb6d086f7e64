"""What a scenario file says (DOMAIN.md §9), and what running it gave.

:class:`Scenario` and its :class:`Step`, :class:`ExpectObligation` and :class:`Expect` are a
file as read (:mod:`sipcore.scenarios.reader`); :class:`ScenarioResult`, :class:`StepOutcome`,
:class:`ObligationCheck` and :class:`Failure` are a run (:mod:`sipcore.scenarios.runner`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs

from sipcore import states
from sipcore.consent import Person

__all__ = [
    "CLOSURE_REASONS",
    "INPUT",
    "OPEN_CASE",
    "PHASES",
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
    expect_check: bool = False  # ask case.check first: the same decision

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
    due_at: dt.datetime | None = None  # where it is due at a time (version 2)

    @property
    def where(self) -> str:
        selected = [self.kind]
        if self.unit is not None:
            selected.append(f"unit {self.unit}")
        if self.due is not None:
            selected.append(f"due {self.due}")
        if self.due_at is not None:
            selected.append(f"due_at {self.due_at.isoformat()}")
        return f"expect_obligation {self.index} ({', '.join(selected)})"


@attrs.frozen
class ExpectExplanation:
    """One ``[[expect_explanation]]``: what ``case.explain`` says of step ``step``'s event
    about ``rule``: ``passed`` (a should rule that holds reads passed), ``failed`` or
    ``advice``."""

    index: int
    step: int
    rule: str
    result: str

    @property
    def where(self) -> str:
        return f"expect_explanation {self.index} (step {self.step}, {self.rule})"


@attrs.frozen
class Expect:
    """The final ``[expect]`` table; ``None`` is not checked."""

    phase: str | None = None
    closure_reason: str | None = None
    kva: tuple[str, ...] | None = None
    plan_version: int | None = None
    voided_notes: int | None = None
    notified: tuple[str, ...] | None = None
    # --- discharge from inpatient care (DOMAIN.md §9 v2, §10)
    plan_type: str | None = None
    liable_from: dt.date | bool | None = None  # False: no liability
    liable_days: int | None = None  # not checked where liable_from is false (§15)
    liability_as_of: dt.datetime | None = None  # default: the last step's at


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
    expect_explanations: tuple[ExpectExplanation, ...] = ()

    @property
    def principals(self) -> dict[str, str]:
        return dict(self.units)


# --- the result of a run -----------------------------------------------------------------------


@attrs.frozen
class ObligationView:
    """An obligation as of a time, in values that compare across profiles."""

    kind: str
    unit: str | None
    due: dt.date | None
    status: str
    met_at: dt.datetime | None = None
    due_at: dt.datetime | None = None


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
