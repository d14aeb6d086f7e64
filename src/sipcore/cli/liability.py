"""The ``sipcore liability`` subcommand: the municipality's payment liability of scenario files
(Lag (2017:612) 5 kap. 3–4 §§, DOMAIN.md §10.3).

``sipcore liability tests/scenarios/national/utskrivning_jul.toml`` runs each scenario's steps
and prints, per file, the liability as of its last step (or ``--as-of``)::

    …/utskrivning_jul.toml: betalningsansvar från 2025-12-26, 3 vårddygn (… 5 kap. 4 §)
    …/inte_utskrivningsarende.toml: inget betalningsansvar: inget utskrivningsärende (…)

``--lang en`` prints English, ``--json`` one JSON object per file. Exit code 0; 2 with one line
when a path does not exist, a file is malformed or ``--as-of`` is not a time with an offset in
the calendar's years.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import Any

from sipcore.cli import in_calendar_years
from sipcore.errors import InputError, SipError
from sipcore.scenarios import load_scenario, scenario_case
from sipcore.scenarios.reader import scenario_files

__all__ = ["register"]

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def _as_of(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or value.utcoffset() is None:
        raise InputError("--as-of", "a time with an offset, e.g. 2026-03-06T12:00:00+01:00", text)
    return in_calendar_years("--as-of", value, text)


def _liability(args: argparse.Namespace) -> int:
    try:
        as_of = _as_of(args.as_of)
    except InputError as exc:
        print(f"sipcore liability: {exc}")
        return EXIT_BAD_INPUT
    lines: list[str] = []
    for given in args.paths:
        files = scenario_files(given)
        if not files or not files[0].exists():
            print(f"sipcore liability: {given}: no such scenario file or directory")
            return EXIT_BAD_INPUT
        for file in files:
            try:
                scenario = load_scenario(file)
                case = scenario_case(scenario)
                found = case.payment_liability(as_of or scenario.steps[-1].at)
            except SipError as exc:
                text = str(exc)
                where = text if text.startswith(str(file)) else f"{file}: {text}"
                print(f"sipcore liability: {where}")
                return EXIT_BAD_INPUT
            if args.json:
                lines.append(json.dumps({"file": str(file), "plan_type": case.plan_type,
                                         **found.to_dict()}, ensure_ascii=False))
            else:
                lines.append(f"{file}: {found.describe(args.lang)}")
    print("\n".join(lines))
    return EXIT_OK


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the ``liability`` subcommand."""
    parser = subparsers.add_parser(
        "liability",
        help="the municipality's payment liability of scenario files (Lag 2017:612 5 kap.)",
        description=(
            "Run SIP scenario files and print, per file, the municipality's payment liability "
            "as of the last step (or --as-of): the day it begins and the vårddygn it covers, or "
            "the step whose absence means there is none, with the section of Lag (2017:612)."
        ),
    )
    parser.add_argument("paths", metavar="PATH", nargs="+", help="a scenario file or directory")
    parser.add_argument("--as-of", help="a time with an offset (default: each file's last step)")
    parser.add_argument("--lang", choices=("sv", "en"), default="sv")
    parser.add_argument("--json", action="store_true", help="one JSON object per file")
    parser.set_defaults(func=_liability)
