"""``sipcore diff OLD NEW PATH...``: what changes when a profile changes."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    diff = subparsers.add_parser(
        "diff",
        help="run scenarios under two profiles and show every step whose outcome differs",
        description="Run the scenarios under PATH under the OLD and the NEW profile (a name, "
        "whose version in force on each step's date decides it; name@version; or a .toml "
        "file) and print, per scenario, each step whose outcome "
        "differs: phase, refusal, advice, obligation due date or status. Exit code 0 when "
        "nothing differs, 1 when something does, 2 on a malformed file or profile.",
    )
    diff.add_argument("old", metavar="OLD")
    diff.add_argument("new", metavar="NEW")
    diff.add_argument("paths", nargs="+", metavar="PATH")
    diff.set_defaults(func=_diff)


def _diff(args: argparse.Namespace) -> int:
    from sipcore.profiles import deciding
    from sipcore.profiles.resolution import shown
    from sipcore.regression import diff_scenarios

    old, new = deciding(args.old), deciding(args.new)
    diffs = diff_scenarios(old, new, args.paths)
    differing = [d for d in diffs if d.differs]
    for d in differing:
        print(f"DIFF {d.path}: {d.name}")
        for change in d.changes:
            print(f"  {change}")
    print(f"{len(differing)} differ, {len(diffs) - len(differing)} unchanged "
          f"({shown(old)} → {shown(new)})")
    return 1 if differing else 0
