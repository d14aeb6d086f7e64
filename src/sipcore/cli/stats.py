"""``sipcore stats LOG...``: the figures a region reports from its event log."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

from sipcore.errors import InputError


def register(subparsers: Any) -> None:
    from sipcore.logs.cli_support import add_run_options, day

    parser = subparsers.add_parser(
        "stats",
        help="KVÅ codes, lead times, late obligations and liability days of an event log",
        description="Count, over every case of the logs (JSON Lines, one case per line, plain "
        "or gzip): the KVÅ codes per unit and month, the lead times (need → consent → "
        "invitation → meeting → approval: median and 90th percentile in days), the "
        "obligations met late or overdue per kind and unit (as of the log's latest event or "
        "--as-of), and the payment-liability days per month where the cases tell them. Exit "
        "code 0, 2 on a malformed log (with --strict, or when no line could be read).",
    )
    parser.add_argument("logs", nargs="+", metavar="LOG")
    parser.add_argument("--from", dest="date_from", type=day, default=None, metavar="DATE",
                        help="keep what falls on or after DATE")
    parser.add_argument("--to", dest="date_to", type=day, default=None, metavar="DATE",
                        help="keep what falls on or before DATE")
    parser.add_argument("--out", type=Path, default=None, metavar="FILE",
                        help="write the figures: FILE.csv (one row per figure) or FILE.json")
    parser.add_argument("--html", type=Path, default=None, metavar="FILE",
                        help="write a report with charts that opens without a server "
                        "(plotly, from the logs extra)")
    add_run_options(parser)
    parser.set_defaults(func=_stats)


def _write(figures: Any, path: Path) -> None:
    from sipcore.logs.stats import CSV_FIELDS

    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise InputError("--out", "a file ending in .csv or .json", str(path))
    try:
        with open(path, "w", encoding="utf-8", newline="") as out:
            if suffix == ".json":
                json.dump(figures.to_dict(), out, ensure_ascii=False, indent=1)
            else:
                rows = csv.DictWriter(out, CSV_FIELDS)
                rows.writeheader()
                rows.writerows(figures.rows())
    except OSError as exc:
        raise InputError("--out", "a file that can be written", f"{path} ({exc.strerror})")\
            from None


def _print_summary(figures: Any, problems: int) -> None:
    skipped = f", {problems} lines skipped" if problems else ""
    as_of = figures.as_of.isoformat() if figures.as_of else "-"
    print(f"stats: {figures.totals.cases} cases as of {as_of}{skipped}")
    codes: dict[str, int] = {}
    for r in figures.kva():
        codes[r["code"]] = codes.get(r["code"], 0) + r["count"]
    print("KVÅ: " + (", ".join(f"{c} {n}" for c, n in sorted(codes.items())) or "none"))
    print("lead times (days): median / 90th percentile")
    for r in figures.lead_times():
        print(f"  {r['interval']}: {r['median_days']} / {r['p90_days']} ({r['cases']} cases)")
    late = sum(r["met_late"] for r in figures.obligations())
    overdue = sum(r["overdue"] for r in figures.obligations())
    print(f"obligations: {late} met late, {overdue} overdue")
    liability = figures.liability()
    if liability is not None:
        print(f"liability days: {sum(r['days'] for r in liability)}")


def _stats(args: argparse.Namespace) -> int:
    from sipcore import logs
    from sipcore.logs.cli_support import ProblemPrinter, executor_for

    if args.date_from is not None and args.date_to is not None and args.date_to < args.date_from:
        raise InputError("--to", f"a date on or after --from ({args.date_from.isoformat()})",
                         args.date_to.isoformat())
    if args.html is not None and args.html.suffix.lower() not in (".html", ".htm"):
        raise InputError("--html", "a file ending in .html", str(args.html))
    printer = ProblemPrinter("stats")
    with executor_for(args.dask) as (executor, workers):
        figures = logs.stats(
            args.logs, date_from=args.date_from, date_to=args.date_to, as_of=args.as_of,
            on_problem=None if args.strict else printer, executor=executor,
            jobs=workers or args.jobs, chunk_size=args.chunk_size, progress=None,
        )
    if figures.totals.cases == 0 and printer.count:
        print("sipcore stats: no case could be read", file=sys.stderr)
        return 2
    if args.out is not None:
        _write(figures, args.out)
    if args.html is not None:
        from sipcore.logs.report import write_html

        write_html(figures, args.html)
    _print_summary(figures, printer.count)
    return 0
