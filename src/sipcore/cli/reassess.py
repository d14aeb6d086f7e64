"""``sipcore reassess OLD NEW LOG...``: every case of a region's log decided under two
profiles, and what changes."""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from sipcore.errors import InputError

CSV_FIELDS = ("path", "line", "profile", "what", "step", "command", "rule", "kind", "unit",
              "working_days", "old", "new")


def register(subparsers: Any) -> None:
    from sipcore.logs.cli_support import add_run_options

    parser = subparsers.add_parser(
        "reassess",
        help="decide every case of an event log under two profiles and show what changes",
        description="Replay every case of the logs (JSON Lines, one case per line, plain or "
        "gzip) under the OLD and the NEW profile (a name, name@version, or a .toml file) and "
        "report per case what changes: a refusal that appears or disappears, an obligation "
        "that appears, disappears or moves (by working days), a changed payment liability; "
        "and in total per rule, obligation kind and unit. Exit code 0, 1 when something "
        "changes and --fail-on-change is given, 2 on a malformed log (with --strict, or when "
        "no line could be read) or a bad profile.",
    )
    parser.add_argument("old", metavar="OLD")
    parser.add_argument("new", metavar="NEW")
    parser.add_argument("logs", nargs="+", metavar="LOG")
    parser.add_argument("--out", type=Path, default=None, metavar="FILE",
                        help="write every change: FILE.csv (a row per change) or FILE.jsonl "
                        "(a line per changed case)")
    parser.add_argument("--fail-on-change", action="store_true",
                        help="exit with code 1 when some case changes")
    add_run_options(parser)
    parser.set_defaults(func=_reassess)


@contextlib.contextmanager
def _writer(path: Path | None) -> Iterator[Any]:
    """A function writing one changed case to ``path`` (CSV or JSON Lines by its suffix)."""
    if path is None:
        yield None
        return
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl", ".ndjson"):
        raise InputError("--out", "a file ending in .csv or .jsonl", str(path))
    try:
        out: IO[str] = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
    except OSError as exc:
        raise InputError("--out", "a file that can be written", f"{path} ({exc.strerror})")\
            from None
    with out:
        if suffix == ".csv":
            rows = csv.DictWriter(out, CSV_FIELDS)
            rows.writeheader()

            def write(found: Any) -> None:
                for change in found.changes:
                    row = {"path": found.path, "line": found.line, "profile": found.profile,
                           **change.to_dict()}
                    rows.writerow({k: "" if row[k] is None else row[k] for k in CSV_FIELDS})

            yield write
        else:
            yield lambda found: out.write(json.dumps(found.to_dict(), ensure_ascii=False)
                                          + "\n")


def _print_summary(report: Any, problems: int) -> None:
    t = report.totals
    skipped = f", {problems} lines skipped" if problems else ""
    print(f"reassess {report.old} → {report.new}: {t.cases} cases, {t.changed} change"
          f"{skipped}")
    for title, rows in (
        ("per rule", [(f"{w} {r}", n) for (w, r), n in sorted(t.by_rule.items())]),
        ("per obligation kind", [(f"{w} {k}", n) for (w, k), n in sorted(t.by_kind.items())]),
        ("moves (working days)", [(f"{k} {d:+d}", n) for (k, d), n in sorted(t.moves.items())]),
        ("per unit", [(f"{u} {w}", n) for (u, w), n in sorted(t.by_unit.items())]),
    ):
        if rows:
            print(f"{title}:")
            for label, n in rows:
                print(f"  {label}: {n}")


def _reassess(args: argparse.Namespace) -> int:
    from sipcore import logs
    from sipcore.logs.cli_support import ProblemPrinter, executor_for

    printer = ProblemPrinter("reassess")
    with executor_for(args.dask) as (executor, workers), _writer(args.out) as write:
        report = logs.reassess(
            args.old, args.new, args.logs, as_of=args.as_of, on_case=write,
            on_problem=None if args.strict else printer, executor=executor,
            jobs=workers or args.jobs, chunk_size=args.chunk_size, progress=None,
        )
    _print_summary(report, printer.count)
    if report.totals.cases == 0:
        print("sipcore reassess: no case could be read", file=sys.stderr)
        return 2
    return 1 if args.fail_on_change and report.totals.changed else 0
