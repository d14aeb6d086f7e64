"""The HTML report of ``sipcore stats --html``: one self-contained file with charts.

The charts are drawn by plotly (the ``logs`` extra): plotly.py builds each figure, and the
plotly.js library is written into the file itself, so the report opens from disk in any
browser, without a server or a network. Each figure is kept as JSON in a
``<script type="application/json">`` element next to its ``<div>`` and drawn by one short
script: what the chart shows can be read back from the file (a test does).
"""

from __future__ import annotations

import html
import os
from typing import Any

from sipcore.errors import InputError
from sipcore.logs.stats import Statistics

__all__ = ["write_html"]

_DRAW = """
document.querySelectorAll("script.sipcore-figure").forEach(function (data) {
  var figure = JSON.parse(data.textContent);
  Plotly.newPlot(data.dataset.target, figure.data, figure.layout, {responsive: true});
});
"""


def _plotly() -> Any:
    try:
        import plotly.graph_objects as go
    except ImportError:
        raise InputError("--html", "plotly installed (pip install 'sipcore[logs]')") from None
    return go


def _figures(stats: Statistics) -> list[tuple[str, str, Any]]:
    go = _plotly()
    figures = []
    kva = stats.kva()
    months = sorted({r["month"] for r in kva})
    units = sorted({r["unit"] for r in kva})
    by = {(r["unit"], r["month"]): 0 for r in kva}
    for r in kva:
        by[(r["unit"], r["month"])] += r["count"]
    fig = go.Figure([go.Bar(name=u, x=months, y=[by.get((u, m), 0) for m in months])
                     for u in units])
    fig.update_layout(barmode="stack", title="KVÅ-koder per enhet och månad",
                      xaxis_title="månad", yaxis_title="antal")
    figures.append(("kva", "KVÅ-koder per enhet och månad", fig))

    lead = stats.lead_times()
    names = [r["interval"] for r in lead]
    fig = go.Figure([
        go.Bar(name="median", x=names, y=[r["median_days"] for r in lead]),
        go.Bar(name="90:e percentilen", x=names, y=[r["p90_days"] for r in lead]),
    ])
    fig.update_layout(barmode="group", title="Ledtider (dagar)", yaxis_title="dagar")
    figures.append(("lead_times", "Ledtider", fig))

    rows = stats.obligations()
    labels = [f"{r['kind']} {r['unit']}".strip() for r in rows]
    fig = go.Figure([go.Bar(name=status, x=labels, y=[r[status] for r in rows])
                     for status in ("met_late", "overdue")])
    fig.update_layout(barmode="group", title="Skyldigheter: uppfyllda sent och försenade",
                      yaxis_title="antal")
    figures.append(("obligations", "Skyldigheter per slag och enhet", fig))

    liability = stats.liability()
    if liability is not None:
        fig = go.Figure([go.Bar(name="dagar", x=[r["month"] for r in liability],
                                y=[r["days"] for r in liability])])
        fig.update_layout(title="Betalningsansvar: dagar per månad", yaxis_title="dagar")
        figures.append(("liability", "Betalningsansvar per månad", fig))
    return figures


def _table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "<p>Inga uppgifter.</p>"
    head = "".join(f"<th>{html.escape(str(k))}</th>" for k in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape('' if v is None else str(v))}</td>"
                         for v in r.values()) + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def write_html(stats: Statistics, path: str | os.PathLike[str]) -> None:
    """Write the report of ``stats`` to ``path``: charts and tables, plotly.js inlined."""
    figures = _figures(stats)
    from plotly.offline import get_plotlyjs

    as_of = "" if stats.as_of is None else stats.as_of.isoformat()
    parts = [
        "<!DOCTYPE html>",
        '<html lang="sv"><head><meta charset="utf-8">',
        "<title>SIP-statistik</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:2px 6px}</style>",
        f"<script>{get_plotlyjs()}</script>",
        "</head><body>",
        "<h1>SIP-statistik</h1>",
        f"<p>{stats.totals.cases} ärenden, per {html.escape(as_of)}.</p>",
    ]
    for name, title, fig in figures:
        data = fig.to_json().replace("</", "<\\/")  # no "</script>" inside the element
        parts += [
            f"<h2>{html.escape(title)}</h2>",
            f'<div id="chart-{name}" class="chart" style="height:420px"></div>',
            f'<script type="application/json" class="sipcore-figure" id="figure-{name}" '
            f'data-target="chart-{name}">{data}</script>',
        ]
    parts += [
        "<h2>Ledtider</h2>", _table(stats.lead_times()),
        "<h2>Skyldigheter</h2>", _table(stats.obligations()),
        f"<script>{_DRAW}</script>",
        "</body></html>",
    ]
    with open(path, "w", encoding="utf-8") as out:
        out.write("\n".join(parts))

