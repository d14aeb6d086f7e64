"""``sipcore docs OUTDIR`` and ``sipcore explain RULE_ID``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

DEFAULT_SCENARIOS = Path("tests/scenarios")


def register(subparsers: Any) -> None:
    docs = subparsers.add_parser(
        "docs",
        help="generate the rules catalogue, phase diagram, profile tables, sources and glossary",
        description="Generate rules.md, phases.md, profiles.md, sources.md and glossary.md "
        "into OUTDIR from the code and the bundled profiles.",
    )
    docs.add_argument("outdir", type=Path, metavar="OUTDIR")
    docs.add_argument(
        "--scenarios",
        type=Path,
        default=DEFAULT_SCENARIOS,
        metavar="DIR",
        help="scenario files to index per rule (default: tests/scenarios, when it exists)",
    )
    docs.set_defaults(func=_docs)

    explain = subparsers.add_parser(
        "explain", help="print one rule's entry", description="Print one rule's entry."
    )
    explain.add_argument("rule_id", metavar="RULE_ID")
    explain.add_argument("--lang", choices=("sv", "en"), default="sv")
    explain.set_defaults(func=_explain)


def _docs(args: argparse.Namespace) -> int:
    from sipcore.catalogue import generate

    scenarios = args.scenarios if args.scenarios.is_dir() else None
    for path in generate(args.outdir, scenarios):
        print(path)
    return 0


def _explain(args: argparse.Namespace) -> int:
    from sipcore.catalogue import explain

    print(explain(args.rule_id, args.lang))
    return 0
