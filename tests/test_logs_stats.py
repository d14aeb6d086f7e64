"""`sipcore stats`: the figures a region reports, counted while streaming, checked against the
same figures worked out from every case held in memory at once."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from helpers import at
from logtools import make_log
from sipcore.cli import main
from sipcore.deadlines import local_date
from sipcore.logs import LogCase, read, stats
from sipcore.logs.stats import quantile

STEPS = {"record_consent": "consent", "send_invitation": "invitation",
         "hold_meeting": "meeting", "approve_plan": "approval"}


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_log.write(tmp_path_factory.mktemp("stats") / "log.jsonl.gz", 250, seed=4)


@pytest.fixture(scope="module")
def cases(log: Path) -> list[LogCase]:
    return list(read(log))


def _nearest_rank(values: list[int], q: float) -> int | None:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1] if ordered else None


def _expected_lead(cases: list[LogCase], lo: dt.date | None = None,
                   hi: dt.date | None = None) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for found in cases:
        first: dict[str, dt.date] = {"need": local_date(found.case.events[0].at)}
        for e in found.case.events:
            step = STEPS.get(e.command)
            if step and step not in first:
                first[step] = local_date(e.at)
        for a, b in (("need", "consent"), ("consent", "invitation"), ("invitation", "meeting"),
                     ("meeting", "approval"), ("need", "meeting"), ("need", "approval")):
            if a in first and b in first and (lo is None or first[b] >= lo) and (
                    hi is None or first[b] <= hi):
                out.setdefault(f"{a}→{b}", []).append((first[b] - first[a]).days)
    return out


def test_quantile_is_the_nearest_rank() -> None:
    assert quantile(Counter(), 0.5) is None
    values = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]
    for q in (0.1, 0.5, 0.9, 1.0):
        assert quantile(Counter(values), q) == _nearest_rank(values, q)


def test_kva_per_unit_and_month(log: Path, cases: list[LogCase]) -> None:
    expected: Counter[tuple[str, str, str]] = Counter()
    for found in cases:
        assert tuple(e.kva for e in found.case.events if e.kva) == found.case.kva
        for e in found.case.events:
            if e.kva:
                expected[(e.unit, local_date(e.at).strftime("%Y-%m"), e.kva)] += 1
    figures = stats(log, jobs=1)
    assert {(r["unit"], r["month"], r["code"]): r["count"] for r in figures.kva()} == expected
    assert {code for _, _, code in expected} == {"AU124", "AU125", "AW010"}


def test_lead_times(log: Path, cases: list[LogCase]) -> None:
    expected = _expected_lead(cases)
    rows = {r["interval"]: r for r in stats(log, jobs=1).lead_times()}
    for name, values in expected.items():
        assert rows[name]["cases"] == len(values)
        assert rows[name]["median_days"] == _nearest_rank(values, 0.5)
        assert rows[name]["p90_days"] == _nearest_rank(values, 0.9)


def test_obligations_late_and_overdue_as_of_the_latest_event(
    log: Path, cases: list[LogCase]
) -> None:
    latest = max(found.case.events[-1].at for found in cases)
    expected: Counter[tuple[str, str, str]] = Counter()
    for found in cases:
        for o in found.case.obligations(latest):
            if o.status == "met":
                late = local_date(o.met_at) > o.due
                expected[(o.kind, o.unit or "", "met_late" if late else "met_on_time")] += 1
            elif o.status != "cancelled":
                expected[(o.kind, o.unit or "", o.status)] += 1
    figures = stats(log, jobs=1)
    assert figures.as_of == latest
    got = Counter({(r["kind"], r["unit"], s): r[s] for r in figures.obligations()
                   for s in ("met_on_time", "met_late", "open", "overdue") if r[s]})
    assert got == expected
    assert expected[("answer_invitation", "hemtjanst", "met_late")] > 0
    assert sum(n for (_, _, s), n in expected.items() if s == "overdue") > 0


def test_a_period_and_an_earlier_as_of(log: Path, cases: list[LogCase]) -> None:
    lo, hi = dt.date(2025, 3, 1), dt.date(2025, 8, 31)
    figures = stats(log, date_from=lo, date_to=hi, jobs=1)
    months = {r["month"] for r in figures.kva()}
    assert months and all("2025-03" <= m <= "2025-08" for m in months)
    rows = {r["interval"]: r["cases"] for r in figures.lead_times()}
    assert rows == {k: len(v) for k, v in _expected_lead(cases, lo, hi).items()}
    as_of = at(2025, 6, 30, 18)
    early = stats(log, as_of=as_of, jobs=1)
    opened = [c for c in cases if c.case.events[0].at <= as_of]
    assert early.totals.cases == len(opened) and early.as_of == as_of
    assert max(r["month"] for r in early.kva()) <= "2025-06"


def test_liability_days_per_month_where_cases_tell_them(
    log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every case tells its liability (Lag 2017:612 5 kap.): the log's cases have none, so the
    table is empty (not a table of zeros)."""
    assert stats(log, jobs=1).liability() == []

    class Liability:
        liable_from = dt.date(2026, 1, 30)
        liable_days = 3

    from sipcore import SipCase

    monkeypatch.setattr(SipCase, "payment_liability",
                        lambda case, as_of: Liability(), raising=False)
    figures = stats(log, jobs=1)
    n = figures.totals.cases
    assert figures.liability() == [{"month": "2026-01", "days": 2 * n},
                                   {"month": "2026-02", "days": n}]


class _Figures(HTMLParser):
    """The figure JSON of each chart, the scripts' sources, and whether plotly.js is inlined."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, Any] = {}
        self.divs: set[str] = set()
        self.sources: list[str] = []
        self.inline = 0
        self._current: str | None = None
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "div" and a.get("class") == "chart":
            self.divs.add(str(a["id"]))
        if tag == "script":
            self._in_script = True
            if a.get("src"):
                self.sources.append(str(a["src"]))
            if a.get("class") == "sipcore-figure":
                self._current = str(a["data-target"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self.figures[self._current] = json.loads(data)
        elif self._in_script and "Plotly" in data and len(data) > 1_000_000:
            self.inline += 1


def test_html_report_holds_the_charts_data(
    log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    html, out = tmp_path / "report.html", tmp_path / "figures.json"
    assert main(["stats", str(log), "--html", str(html), "--out", str(out), "--jobs", "1"]) == 0
    assert "250 cases" in capsys.readouterr().out
    figures = json.loads(out.read_text(encoding="utf-8"))
    page = _Figures()
    page.feed(html.read_text(encoding="utf-8"))
    assert page.sources == [] and page.inline == 1  # plotly.js is in the file: no server
    assert set(page.figures) == page.divs == {"chart-kva", "chart-lead_times",
                                               "chart-obligations", "chart-liability"}
    kva = page.figures["chart-kva"]["data"]
    assert sum(sum(trace["y"]) for trace in kva) == sum(r["count"] for r in figures["kva"])
    per_unit = Counter()
    for r in figures["kva"]:
        per_unit[r["unit"]] += r["count"]
    assert {t["name"]: sum(t["y"]) for t in kva} == per_unit
    lead = {t["name"]: t["y"] for t in page.figures["chart-lead_times"]["data"]}
    assert lead["median"] == [r["median_days"] for r in figures["lead_times"]]
    late = next(t for t in page.figures["chart-obligations"]["data"] if t["name"] == "overdue")
    assert late["y"] == [r["overdue"] for r in figures["obligations"]]


def test_csv_has_one_row_per_figure(log: Path, tmp_path: Path) -> None:
    out = tmp_path / "figures.csv"
    assert main(["stats", str(log), "--out", str(out), "--jobs", "1"]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    figures = stats(log, jobs=1)
    kva = [r for r in rows if r["table"] == "kva"]
    assert sum(int(r["value"]) for r in kva) == sum(r["count"] for r in figures.kva())
    medians = {r["interval"]: r["value"] for r in rows
               if r["table"] == "lead_time" and r["measure"] == "median_days"}
    assert medians == {r["interval"]: str(r["median_days"]) for r in figures.lead_times()}
