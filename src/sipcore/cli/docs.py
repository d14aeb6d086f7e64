"""``sipcore docs OUTDIR`` and ``sipcore explain RULE_ID``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sipcore.errors import InputError

DEFAULT_SCENARIOS = Path("tests/scenarios")


def register(subparsers: Any) -> None:
    docs = subparsers.add_parser(
        "docs",
        help="generate the rules catalogue, phase diagram, profile tables, sources and glossary",
        description="Generate rules.md, phases.md, profiles.md, sources.md and glossary.md "
        "into OUTDIR from the code and the bundled profiles; rules.md names the scenario files "
        "that exercise each rule. Exit code 2, writing nothing, when the --scenarios path does "
        "not exist or a scenario file under it is malformed.",
    )
    docs.add_argument("outdir", type=Path, metavar="OUTDIR")
    docs.add_argument(
        "--scenarios",
        type=Path,
        default=None,
        metavar="PATH",
        help="a scenario file or a directory of them to index per rule (default: "
        "tests/scenarios, when it exists)",
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

    scenarios: Path | None = args.scenarios
    if scenarios is None:
        scenarios = DEFAULT_SCENARIOS if DEFAULT_SCENARIOS.is_dir() else None
    elif not scenarios.exists() or (
            scenarios.is_dir() and not any(p.is_file() for p in scenarios.rglob("*.toml"))):
        raise InputError("--scenarios", "a scenario file or a directory of them", str(scenarios))
    for path in generate(args.outdir, scenarios):
        print(path)
    return 0


def _explain(args: argparse.Namespace) -> int:
    from sipcore.catalogue import explain

    print(explain(args.rule_id, args.lang))
    return 0
