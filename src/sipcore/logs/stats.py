"""The figures a region reports from its log (DOMAIN.md §14).

- KVÅ codes per unit and month: each event's code (``event.kva``) under the unit that acted
  (``event.unit``), in the month of its Europe/Stockholm date;
- lead times, in calendar days between local dates: need identified (the opening, or its
  ``need_identified_at`` where the engine records one) → first consent → first invitation →
  first meeting → first approval, and need → meeting, need → approval; the median and the 90th
  percentile (nearest rank: the smallest value that at least that share of cases reach), each
  interval counted in the month it ends;
- obligations per kind and unit: met on time, met late (met after the due date), and as of
  the log's latest event (or ``as_of``) open or overdue;
- payment-liability days per month, where the case can tell its liability
  (``case.payment_liability(as_of)``).

``date_from`` / ``date_to`` (inclusive) keep what falls in that period: an event by its date,
an interval by the date it ends, an obligation by its due date, a liability day by its date.
Every figure is a count: a chunk's counts add up to the run's (:meth:`StatsTotals.merge`), and
memory holds counts per unit, month and day, never a list of cases.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from sipcore.deadlines import local_date
from sipcore.logs.reader import LogCase

__all__ = ["INTERVALS", "MILESTONES", "Stats", "StatsTotals", "quantile"]

MILESTONES = ("need", "consent", "invitation", "meeting", "approval")
_FIRST = {"record_consent": "consent", "send_invitation": "invitation",
          "hold_meeting": "meeting", "approve_plan": "approval"}
INTERVALS = (
    ("need", "consent"), ("consent", "invitation"), ("invitation", "meeting"),
    ("meeting", "approval"), ("need", "meeting"), ("need", "approval"),
)


def quantile(histogram: Counter[int], q: float) -> int | None:
    """The nearest-rank ``q`` quantile of the values counted in ``histogram``."""
    n = sum(histogram.values())
    if n == 0:
        return None
    rank = max(1, math.ceil(q * n))
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    raise AssertionError("unreachable: the ranks add up to n")  # pragma: no cover


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@attrs.define
class StatsTotals:
    """The counts of a run; two add up with :meth:`merge`."""

    cases: int = 0
    latest: dt.datetime | None = None
    kva: Counter[tuple[str, str, str]] = attrs.field(factory=Counter)  # (unit, month, code)
    lead: Counter[tuple[str, int]] = attrs.field(factory=Counter)  # ("a→b", days)
    met_on_time: Counter[tuple[str, str]] = attrs.field(factory=Counter)  # (kind, unit)
    met_late: Counter[tuple[str, str]] = attrs.field(factory=Counter)
    pending: Counter[tuple[str, str, dt.date]] = attrs.field(factory=Counter)  # (kind, unit, due)
    liability_days: Counter[str] = attrs.field(factory=Counter)  # month → days
    liability_cases: int = 0  # cases that could tell a liability

    def merge(self, other: StatsTotals) -> None:
        self.cases += other.cases
        if other.latest is not None and (self.latest is None or other.latest > self.latest):
            self.latest = other.latest
        self.kva.update(other.kva)
        self.lead.update(other.lead)
        self.met_on_time.update(other.met_on_time)
        self.met_late.update(other.met_late)
        self.pending.update(other.pending)
        self.liability_days.update(other.liability_days)
        self.liability_cases += other.liability_cases


@attrs.frozen
class Stats:
    """The work of ``sipcore stats`` on each case (picklable)."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    as_of: dt.datetime | None = None

    def fresh(self) -> StatsTotals:
        return StatsTotals()

    def _in_range(self, day: dt.date) -> bool:
        return (self.date_from is None or day >= self.date_from) and (
            self.date_to is None or day <= self.date_to)

    def take(self, totals: StatsTotals, found: LogCase) -> None:
        events = found.events
        if self.as_of is not None:
            events = tuple(e for e in events if e.at <= self.as_of)
            if not events:
                return None  # opened after the date looked at
        totals.cases += 1
        last = events[-1].at
        if totals.latest is None or last > totals.latest:
            totals.latest = last
        for event in events:
            day = local_date(event.at)
            if event.kva and self._in_range(day):
                totals.kva[(event.unit or "", _month(day), event.kva)] += 1
        self._lead_times(totals, events)
        case = found.case
        self._obligations(totals, case.obligations(last))
        self._liability(totals, case, last)
        return None

    def _lead_times(self, totals: StatsTotals, events: Iterable[Any]) -> None:
        first = iter(events)
        opening = next(first)
        need = getattr(opening.args, "need_identified_at", None) or opening.at
        reached: dict[str, dt.date] = {"need": local_date(need)}
        for event in first:
            milestone = _FIRST.get(event.command)
            if milestone is not None and milestone not in reached:
                reached[milestone] = local_date(event.at)
        for a, b in INTERVALS:
            if a in reached and b in reached and self._in_range(reached[b]):
                totals.lead[(f"{a}→{b}", (reached[b] - reached[a]).days)] += 1

    def _obligations(self, totals: StatsTotals, obligations: Iterable[Any]) -> None:
        for o in obligations:
            if not self._in_range(o.due):
                continue
            key = (o.kind, o.unit or "")
            if o.status == "met":
                late = o.met_at is not None and local_date(o.met_at) > o.due
                (totals.met_late if late else totals.met_on_time)[key] += 1
            elif o.status in ("open", "overdue"):
                totals.pending[(o.kind, o.unit or "", o.due)] += 1

    def _liability(self, totals: StatsTotals, case: Any, as_of: dt.datetime) -> None:
        tell = getattr(case, "payment_liability", None)
        if not callable(tell):
            return
        totals.liability_cases += 1
        found = tell(as_of)
        start = getattr(found, "liable_from", None)
        days = getattr(found, "liable_days", None) or 0
        if not isinstance(start, dt.date):
            return
        for n in range(days):
            day = start + dt.timedelta(days=n)
            if self._in_range(day):
                totals.liability_days[_month(day)] += 1


@attrs.frozen
class Statistics:
    """The figures of a run, as of ``as_of`` (the log's latest event unless given)."""

    totals: StatsTotals
    as_of: dt.datetime | None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def lead_times(self) -> list[dict[str, Any]]:
        out = []
        for a, b in INTERVALS:
            name = f"{a}→{b}"
            histogram = Counter({d: n for (i, d), n in self.totals.lead.items() if i == name})
            out.append({"interval": name, "cases": sum(histogram.values()),
                        "median_days": quantile(histogram, 0.5),
                        "p90_days": quantile(histogram, 0.9)})
        return out

    def obligations(self) -> list[dict[str, Any]]:
        """Per kind and unit: met on time, met late, open and overdue (as of ``as_of``)."""
        day = local_date(self.as_of) if self.as_of is not None else None
        rows: dict[tuple[str, str], dict[str, int]] = {}

        def row(kind: str, unit: str) -> dict[str, int]:
            return rows.setdefault((kind, unit), dict.fromkeys(
                ("met_on_time", "met_late", "open", "overdue"), 0))

        for (kind, unit), n in self.totals.met_on_time.items():
            row(kind, unit)["met_on_time"] += n
        for (kind, unit), n in self.totals.met_late.items():
            row(kind, unit)["met_late"] += n
        for (kind, unit, due), n in self.totals.pending.items():
            row(kind, unit)["overdue" if day is not None and due < day else "open"] += n
        return [{"kind": k, "unit": u, **counts} for (k, u), counts in sorted(rows.items())]

    def kva(self) -> list[dict[str, Any]]:
        return [{"unit": u, "month": m, "code": c, "count": n}
                for (u, m, c), n in sorted(self.totals.kva.items())]

    def liability(self) -> list[dict[str, Any]] | None:
        """Liability days per month, or ``None`` where no case could tell its liability."""
        if not self.totals.liability_cases:
            return None
        return [{"month": m, "days": n} for m, n in sorted(self.totals.liability_days.items())]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "sipcore.stats/1",
            "cases": self.totals.cases,
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
            "from": None if self.date_from is None else self.date_from.isoformat(),
            "to": None if self.date_to is None else self.date_to.isoformat(),
            "kva": self.kva(),
            "lead_times": self.lead_times(),
            "obligations": self.obligations(),
            "liability_days": self.liability(),
        }

    def rows(self) -> Iterator[dict[str, Any]]:
        """One flat row per figure (the CSV form): table, unit, month, code, kind, interval,
        measure, value."""
        blank = dict.fromkeys(("unit", "month", "code", "kind", "interval"), "")
        for r in self.kva():
            yield {**blank, "table": "kva", "unit": r["unit"], "month": r["month"],
                   "code": r["code"], "measure": "count", "value": r["count"]}
        for r in self.lead_times():
            for measure in ("cases", "median_days", "p90_days"):
                value = r[measure]
                yield {**blank, "table": "lead_time", "interval": r["interval"],
                       "measure": measure, "value": "" if value is None else value}
        for r in self.obligations():
            for measure in ("met_on_time", "met_late", "open", "overdue"):
                yield {**blank, "table": "obligation", "kind": r["kind"], "unit": r["unit"],
                       "measure": measure, "value": r[measure]}
        for r in self.liability() or ():
            yield {**blank, "table": "liability", "month": r["month"], "measure": "days",
                   "value": r["days"]}


CSV_FIELDS = ("table", "unit", "month", "code", "kind", "interval", "measure", "value")
