"""Regression diffs: run the same scenarios under two profiles and show what changes.

A region that changes its routine (a new reply deadline, school as a party) writes the new
profile and runs ``sipcore diff OLD NEW PATH...``: every step whose outcome differs (applied or
refused, the refusal's ids, the phase after it, the advice, an obligation's due date or
status) is listed, per scenario, with the old and the new outcome.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

from sipcore.profiles import Profile
from sipcore.scenarios import (
    ObligationView,
    Scenario,
    StepOutcome,
    load_scenario,
    run_scenario,
    scenario_files,
)

__all__ = ["Change", "ScenarioDiff", "diff_scenarios"]


@attrs.frozen
class Change:
    """One step (or one ``[[expect_obligation]]``) whose outcome differs."""

    where: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.where}: {self.old} → {self.new}"


@attrs.frozen
class ScenarioDiff:
    path: Path
    name: str
    changes: tuple[Change, ...]

    @property
    def differs(self) -> bool:
        return bool(self.changes)


def _outcome_text(out: StepOutcome) -> str:
    text = f"phase {out.phase}" if out.applied else f"refused [{', '.join(out.refusal_ids)}]"
    return text + (f", advice [{', '.join(out.advice_ids)}]" if out.advice_ids else "")


def _obligation_text(view: ObligationView) -> str:
    unit = f" {view.unit}" if view.unit else ""
    return f"{view.kind}{unit} due {view.due} {view.status}"


_Key = tuple[str, str | None, int]


def _keyed(views: Sequence[ObligationView]) -> dict[_Key, str]:
    """Obligations keyed by kind, unit and their count among those (the n-th invitation)."""
    seen: dict[tuple[str, str | None], int] = {}
    out: dict[_Key, str] = {}
    for v in views:
        n = seen.get((v.kind, v.unit), 0)
        seen[(v.kind, v.unit)] = n + 1
        out[(v.kind, v.unit, n)] = _obligation_text(v)
    return out


def _obligations_changes(
    where: str,
    old: Sequence[ObligationView],
    new: Sequence[ObligationView],
    shown: dict[_Key, tuple[str, str]] | None = None,
) -> list[Change]:
    """The obligations that differ; with ``shown``, only those whose difference is new since
    the step before (so that one changed deadline is reported once, where it arises)."""
    before, after = _keyed(old), _keyed(new)
    changes = []
    for key in sorted(set(before) | set(after), key=lambda k: (k[0], k[1] or "", k[2])):
        pair = (before.get(key, "none"), after.get(key, "none"))
        if shown is not None:
            if shown.get(key) == pair:
                continue
            shown[key] = pair
        if pair[0] != pair[1]:
            changes.append(Change(f"{where}: obligation", *pair))
    return changes


def compare(
    scenario: Scenario, old: Profile | str, new: Profile | str
) -> tuple[Change, ...]:
    """Every change in ``scenario``'s outcome between ``old`` and ``new`` (a profile's name:
    the version in force on each step's date)."""
    a, b = run_scenario(scenario, old), run_scenario(scenario, new)
    changes: list[Change] = []
    shown: dict[_Key, tuple[str, str]] = {}
    for x, y in zip(a.steps, b.steps, strict=True):
        where = f"step {x.index} ({x.command})"
        if _outcome_text(x) != _outcome_text(y):
            changes.append(Change(where, _outcome_text(x), _outcome_text(y)))
        changes.extend(_obligations_changes(where, x.obligations, y.obligations, shown))
    for n, (x_check, y_check) in enumerate(zip(a.obligations, b.obligations, strict=True), 1):
        changes.extend(
            _obligations_changes(f"expect_obligation {n}", x_check.matched, y_check.matched)
        )
    return tuple(changes)


def diff_scenarios(
    old: Profile | str, new: Profile | str, paths: Iterable[str | Path]
) -> list[ScenarioDiff]:
    """Run every scenario file under ``paths`` (directories: every ``*.toml`` below) under
    both profiles: each a :class:`Profile`, as given for every step, or a bundled profile's
    name, under which each step is decided by the version in force on its date (DOMAIN.md
    §7.1). A malformed file raises :class:`~sipcore.errors.ScenarioError`."""
    diffs = []
    for root in paths:
        for path in scenario_files(root):
            scenario = load_scenario(path)
            diffs.append(ScenarioDiff(path, scenario.name, compare(scenario, old, new)))
    return diffs
