"""The ``sipcore check`` subcommand: run scenario files (DOMAIN.md §9).

``sipcore check tests/scenarios`` runs every ``*.toml`` under the directory (recursively,
sorted) and prints one line per scenario, then ``N passed, M failed``::

    PASS tests/scenarios/vastmanland/answer_over_christmas.toml: Reply to an invitation …
    FAIL x.toml: Invitation: step 4 (send_invitation): expected phase invited, got refused […]
    ERROR y.toml: step 2 (record_consent): form: expected one of oral, written, got 'email'
    1 passed, 2 failed

Exit code 0 when every scenario passes, 1 when any fails, 2 when any file is malformed (its
line names the file, the step, the key and what was expected) or a path does not exist.
A malformed file counts as failed in the summary.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sipcore.errors import SipError
from sipcore.scenarios import load_scenario, run_scenario, scenario_files

__all__ = ["register"]

EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_MALFORMED = 2


def _collect(paths: list[str]) -> tuple[list[Path], list[str]]:
    """Every scenario file under ``paths`` (in the order given), and a line per bad path."""
    files: list[Path] = []
    problems: list[str] = []
    for given in paths:
        path = Path(given)
        if not path.exists():
            problems.append(f"sipcore check: {given}: no such file or directory")
            continue
        found = scenario_files(path)
        if not found:
            problems.append(f"sipcore check: {given}: no *.toml scenario files in this directory")
        files.extend(found)
    return files, problems


def _check(args: argparse.Namespace) -> int:
    files, problems = _collect(args.paths)
    if problems:
        for line in problems:
            print(line)
        return EXIT_MALFORMED
    passed = failed = 0
    malformed = False
    for file in files:
        try:
            result = run_scenario(load_scenario(file))
        except SipError as exc:  # a malformed file (or a profile it names)
            text = str(exc)
            print(f"ERROR {text if text.startswith(str(file)) else f'{file}: {text}'}")
            failed += 1
            malformed = True
            continue
        except Exception as exc:  # an engine fault: one line, not a traceback, and exit code 2
            print(f"ERROR {file}: internal error ({type(exc).__name__}: {exc}); please report it")
            failed += 1
            malformed = True
            continue
        if result.passed:
            passed += 1
            print(f"PASS {file}: {result.scenario.name}")
        else:
            failed += 1
            print(f"FAIL {file}: {result.describe()}")
    print(f"{passed} passed, {failed} failed")
    if malformed:
        return EXIT_MALFORMED
    return EXIT_FAILED if failed else EXIT_PASSED


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    """Add the ``check`` subcommand."""
    check = subparsers.add_parser(
        "check",
        help="run scenario files and report PASS/FAIL per scenario",
        description=(
            "Run SIP scenario files (TOML, see docs/scenarios.md). A directory is searched "
            "recursively for *.toml files, in sorted order. Prints one line per scenario and "
            "'N passed, M failed'. Exit code 0: all passed; 1: a scenario failed; 2: a file is "
            "malformed, a path does not exist, or the engine failed on a file."
        ),
    )
    check.add_argument("paths", metavar="PATH", nargs="+", help="a scenario file or directory")
    check.set_defaults(func=_check)
