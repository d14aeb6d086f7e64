"""``sipcore schema OUTDIR``: write the JSON Schemas of events, commands, decisions,
explanations, scenario files and problem answers (see :mod:`sipcore.schema`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

__all__ = ["register"]


def register(subparsers: Any) -> None:
    schema = subparsers.add_parser(
        "schema",
        help="write the JSON Schemas (draft 2020-12) of what sipcore reads and writes",
        description="Write events, event, command, decision, explanation, scenario and problem "
        "schemas (*.schema.json, JSON Schema draft 2020-12) into OUTDIR.",
    )
    schema.add_argument("outdir", type=Path, metavar="OUTDIR")
    schema.set_defaults(func=_schema)


def _schema(args: argparse.Namespace) -> int:
    from sipcore.schema import write_schemas

    for path in write_schemas(args.outdir):
        print(path)
    return 0
