"""``sipcore fhir SCENARIO.toml [--ids IDS.json] [--as-of TIME]``: the FHIR Bundle of the case a
scenario file ends with (DOMAIN.md §13; docs/fhir.md).

Without ``--ids`` each unit is identified by its own id in the file (system ``urn:sipcore:unit``)
and the person by display only: enough to look at the export, not identifiers to send anywhere.
Bad input (a missing or malformed file, a unit without an identifier) is one line on stderr and
exit code 2; so is a missing ``fhir`` extra, with the command that installs it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from sipcore.cli import in_calendar_years
from sipcore.errors import InputError

__all__ = ["register"]

EXIT_BAD_INPUT = 2


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the ``fhir`` subcommand."""
    fhir = subparsers.add_parser(
        "fhir",
        help="print the FHIR R4 transaction Bundle of a scenario's final case",
        description=(
            "Run a scenario file and print its final case as a FHIR R4 transaction Bundle "
            "(JSON; CarePlan, Consent, CareTeam, Goal, Task, Appointment, Provenance). "
            'Needs the fhir extra: pip install "sipcore[fhir]". Exit code 2 on bad input.'
        ),
    )
    fhir.add_argument("scenario", metavar="SCENARIO.toml", help="a scenario file")
    fhir.add_argument(
        "--ids", metavar="IDS.json",
        help='identifiers: {"person": "<personnummer>", "units": {"<unit id>": "<HSA-id>"}} '
        "(default: the file's own unit ids, no personnummer)",
    )
    fhir.add_argument(
        "--as-of", metavar="TIME", dest="as_of",
        help="statuses as of this ISO time with offset (default: the case's latest event)",
    )
    fhir.set_defaults(func=_fhir)


def _fhir(args: argparse.Namespace) -> int:
    try:
        from sipcore import fhir
    except ModuleNotFoundError as exc:
        if exc.name is None or not exc.name.startswith("fhir"):
            raise
        print('sipcore fhir: the fhir extra is not installed: pip install "sipcore[fhir]"',
              file=sys.stderr)
        return EXIT_BAD_INPUT
    from sipcore.scenarios import load_scenario

    as_of = _as_of(args.as_of)
    ids_text = _read(args.ids, "--ids") if args.ids is not None else None
    path = Path(args.scenario)
    if not path.is_file():
        raise InputError("SCENARIO.toml", "a scenario file", str(path))
    case = fhir.scenario_case(load_scenario(path))
    ids = fhir.FhirIds.from_json(ids_text) if ids_text is not None else (
        fhir.FhirIds.local(case.units)
    )
    print(fhir.to_fhir(case, ids=ids, as_of=as_of).model_dump_json(indent=2))
    return 0


def _read(name: str, option: str) -> str:
    try:
        return Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(option, "a readable UTF-8 JSON file", f"{name} ({exc})") from None


def _as_of(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InputError("--as-of", "an ISO time with offset, e.g. 2026-06-01T12:00+02:00",
                         text) from None
    if value.utcoffset() is None:
        raise InputError("--as-of", "a time with an offset (a naive time names no instant)",
                         text)
    return in_calendar_years("--as-of", value, text)
