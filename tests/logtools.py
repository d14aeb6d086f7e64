"""Logs for the tests of ``sipcore.logs``: the bench's generator, and cases written by hand."""

from __future__ import annotations

import gzip
import sys
from collections.abc import Iterable
from pathlib import Path

from sipcore import SipCase, events_to_json

BENCH = str(Path(__file__).resolve().parents[1] / "bench")
sys.path.insert(0, BENCH)
try:
    import make_log
finally:  # bench/calendar.py would shadow the standard library's calendar for later imports
    sys.path.remove(BENCH)

__all__ = ["line_of", "make_log", "write_lines", "write_log"]


def write_log(path: Path, n: int, seed: int = 1) -> Path:
    """A generated log of ``n`` cases (gzip when ``path`` ends in .gz)."""
    return make_log.write(path, n, seed)


def line_of(case: SipCase) -> str:
    return events_to_json(case.events)


def write_lines(path: Path, lines: Iterable[str]) -> Path:
    data = "".join(line + "\n" for line in lines).encode("utf-8")
    path.write_bytes(gzip.compress(data, mtime=0) if path.suffix == ".gz" else data)
    return path
