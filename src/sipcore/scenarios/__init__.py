"""Scenario files: a SIP case told as TOML steps, with the checks a region expects (DOMAIN.md §9).

Regions and vendors write scenarios without Python (the format is in ``docs/scenarios.md``).
:func:`load_scenario` reads one file into a validated :class:`Scenario` and refuses a malformed
one with a :class:`~sipcore.errors.ScenarioError` whose one-line message names the file, the
step (1-based, with its ``do``), the key and what was expected. :func:`run_scenario` runs it and
returns a :class:`ScenarioResult`: one :class:`StepOutcome` per step, the obligation checks,
and every failure, the first of which is the one reported.

- :mod:`~sipcore.scenarios.model`: the file as read, and the result of a run;
- :mod:`~sipcore.scenarios.reader`: :func:`load_scenario`, :func:`scenario_files`;
- :mod:`~sipcore.scenarios.runner`: :func:`resolve_profile`, :func:`run_scenario`,
  :func:`step_outcomes`.
"""

from sipcore.scenarios.model import (
    CLOSURE_REASONS,
    REFUSAL_IDS,
    STATUSES,
    Expect,
    ExpectObligation,
    Failure,
    ObligationCheck,
    ObligationView,
    Scenario,
    ScenarioResult,
    Step,
    StepOutcome,
)
from sipcore.scenarios.reader import load_scenario, scenario_files
from sipcore.scenarios.runner import (
    resolve_profile,
    run_scenario,
    scenario_case,
    step_outcomes,
)

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
    "scenario_case",
    "scenario_files",
    "step_outcomes",
]
