"""Reassessing a log: every case decided again under an OLD and a NEW profile, and what changes.

For each case of the log, the recorded commands are run again on a fresh case under OLD and on
one under NEW (:func:`sipcore.logs.rerun.rerun`). What differs is a :class:`Change`:

- ``refusal_appears`` / ``refusal_disappears``: a command that one profile applies and the other
  refuses, or a refusal id that one adds (per rule id; the unit is the one that acted);
- ``obligation_appears`` / ``obligation_disappears`` / ``obligation_moves`` (its due date, by
  how many working days) / ``obligation_status``: the obligations as of the case's latest
  event (or ``as_of``), matched by kind, unit and their number among those;
- ``liability_changes``: the payment liability, where the case can tell it
  (``case.payment_liability(as_of)``).

:class:`Totals` counts the changes per rule, per obligation kind and per unit, and the cases
that change.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import Any, ClassVar

import attrs

from sipcore.deadlines import local_date, working_days_between
from sipcore.logs.reader import LogCase
from sipcore.logs.rerun import Rerun, rerun, resolve_profile

__all__ = ["CHANGE_KINDS", "CaseChanges", "Change", "Reassess", "Totals", "compare"]

CHANGE_KINDS = (
    "refusal_appears",
    "refusal_disappears",
    "obligation_appears",
    "obligation_disappears",
    "obligation_moves",
    "obligation_status",
    "liability_changes",
)


@attrs.frozen
class Change:
    """One difference between the OLD and the NEW decision of a case."""

    what: str  # one of CHANGE_KINDS
    old: str
    new: str
    step: int | None = None  # the recorded event's seq
    command: str | None = None
    rule: str | None = None  # the refusal id
    kind: str | None = None  # the obligation kind
    unit: str | None = None
    working_days: int | None = None  # how far an obligation moves

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@attrs.frozen
class CaseChanges:
    """The changes of one case of the log."""

    path: str
    line: int
    profile: str  # the profile the case was recorded under
    changes: tuple[Change, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "profile": self.profile,
                "changes": [c.to_dict() for c in self.changes]}


@attrs.define
class Totals:
    """Counts of the changes of a run; two totals add up with :meth:`merge`."""

    cases: int = 0
    changed: int = 0
    by_change: Counter[str] = attrs.field(factory=Counter)
    by_rule: Counter[tuple[str, str]] = attrs.field(factory=Counter)  # (what, rule id)
    by_kind: Counter[tuple[str, str]] = attrs.field(factory=Counter)  # (what, obligation kind)
    by_unit: Counter[tuple[str, str]] = attrs.field(factory=Counter)  # (unit, what)
    moves: Counter[tuple[str, int]] = attrs.field(factory=Counter)  # (kind, working days)

    def add(self, changes: Sequence[Change]) -> None:
        self.cases += 1
        if changes:
            self.changed += 1
        for c in changes:
            self.by_change[c.what] += 1
            if c.rule is not None:
                self.by_rule[(c.what, c.rule)] += 1
            if c.kind is not None:
                self.by_kind[(c.what, c.kind)] += 1
            if c.unit is not None:
                self.by_unit[(c.unit, c.what)] += 1
            if c.what == "obligation_moves" and c.kind is not None and c.working_days is not None:
                self.moves[(c.kind, c.working_days)] += 1

    def merge(self, other: Totals) -> None:
        self.cases += other.cases
        self.changed += other.changed
        self.by_change.update(other.by_change)
        self.by_rule.update(other.by_rule)
        self.by_kind.update(other.by_kind)
        self.by_unit.update(other.by_unit)
        self.moves.update(other.moves)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form, every table sorted."""
        return {
            "cases": self.cases,
            "changed": self.changed,
            "by_change": dict(sorted(self.by_change.items())),
            "by_rule": [{"change": w, "rule": r, "count": n}
                        for (w, r), n in sorted(self.by_rule.items())],
            "by_kind": [{"change": w, "kind": k, "count": n}
                        for (w, k), n in sorted(self.by_kind.items())],
            "by_unit": [{"unit": u, "change": w, "count": n}
                        for (u, w), n in sorted(self.by_unit.items())],
            "moves": [{"kind": k, "working_days": d, "count": n}
                      for (k, d), n in sorted(self.moves.items())],
        }


def _decision(ids: tuple[str, ...] | None) -> str:
    return "applied" if ids is None else f"refused [{', '.join(ids)}]"


def _refusal_changes(events: Sequence[Any], old: Rerun, new: Rerun) -> list[Change]:
    changes = []
    for event, a, b in zip(events[1:], old.refusals, new.refusals, strict=True):
        before, after = set(a or ()), set(b or ())
        if before == after:  # both applied, or refused for the same rules
            continue
        common = {"old": _decision(a), "new": _decision(b), "step": event.seq,
                  "command": event.command, "unit": event.unit}
        for rule in sorted(after - before):
            changes.append(Change("refusal_appears", rule=rule, **common))
        for rule in sorted(before - after):
            changes.append(Change("refusal_disappears", rule=rule, **common))
    return changes


_Key = tuple[str, str, int]


def _keyed(case: Any, as_of: dt.datetime) -> dict[_Key, Any]:
    """The obligations as of ``as_of`` keyed by kind, unit and their number among those."""
    seen: Counter[tuple[str, str]] = Counter()
    out: dict[_Key, Any] = {}
    for o in case.obligations(as_of):
        unit = o.unit or ""
        n = seen[(o.kind, unit)]
        seen[(o.kind, unit)] += 1
        out[(o.kind, unit, n)] = o
    return out


def _obligation_text(o: Any) -> str:
    """``due 2026-12-28 met 2026-12-29 (late)``, ``due 2027-03-01 open``."""
    text = f"due {o.due.isoformat()} {o.status}"
    if o.status == "met" and o.met_at is not None:
        met = local_date(o.met_at)
        text += f" {met.isoformat()}" + (" (late)" if met > o.due else "")
    return text


def _obligation_changes(old: Any, new: Any, as_of: dt.datetime) -> list[Change]:
    before, after = _keyed(old, as_of), _keyed(new, as_of)
    changes = []
    for key in sorted(set(before) | set(after)):
        kind, unit, _ = key
        a, b = before.get(key), after.get(key)
        common: dict[str, Any] = {"kind": kind, "unit": unit or None}
        if a is None:
            changes.append(Change("obligation_appears", "none", _obligation_text(b), **common))
        elif b is None:
            changes.append(Change("obligation_disappears", _obligation_text(a), "none",
                                  **common))
        elif a.due != b.due:
            changes.append(Change("obligation_moves", _obligation_text(a), _obligation_text(b),
                                  working_days=working_days_between(a.due, b.due), **common))
        elif a.status != b.status:
            changes.append(Change("obligation_status", _obligation_text(a),
                                  _obligation_text(b), **common))
    return changes


def liability_text(case: Any, as_of: dt.datetime) -> str | None:
    """The case's payment liability as of ``as_of`` as a text, where the case can tell it."""
    tell = getattr(case, "payment_liability", None)
    if not callable(tell):
        return None
    found = tell(as_of)
    if found is None:
        return "none"
    start = getattr(found, "liable_from", None)
    days = getattr(found, "liable_days", None)
    if start is None and days is None:
        return str(found)
    if not start:
        return "not liable"
    shown = start.isoformat() if isinstance(start, dt.date) else str(start)
    return f"liable from {shown}, {days} days"


def compare(events: Sequence[Any], old: Any, new: Any,
            as_of: dt.datetime | None = None) -> tuple[Change, ...]:
    """Every change in the decision of the recorded ``events`` from profile ``old`` to
    ``new``; obligations and liability as of ``as_of`` (default: the latest event)."""
    when = events[-1].at if as_of is None else as_of
    a, b = rerun(events, old), rerun(events, new)
    changes = _refusal_changes(events, a, b)
    changes.extend(_obligation_changes(a.case, b.case, when))
    before, after = liability_text(a.case, when), liability_text(b.case, when)
    if before != after:
        changes.append(Change("liability_changes", before or "none", after or "none"))
    return tuple(changes)


@attrs.frozen
class Reassess:
    """The work of ``sipcore reassess`` on each case (picklable: it names the profiles)."""

    old: tuple[str, str]  # (spec, content hash), see sipcore.logs.rerun.profile_spec
    new: tuple[str, str]
    as_of: dt.datetime | None = None

    # Every recorded command is decided again under both profiles, so what the log recorded
    # of the decisions is not read: its cases are replayed without verifying them again.
    verify_replay: ClassVar[bool] = False

    def fresh(self) -> Totals:
        return Totals()

    def take(self, totals: Totals, found: LogCase) -> CaseChanges | None:
        old, new = resolve_profile(*self.old), resolve_profile(*self.new)
        changes = compare(found.events, old, new, self.as_of)
        totals.add(changes)
        if not changes:
            return None
        return CaseChanges(found.path, found.line, found.events[0].profile, changes)
