"""Memory does not grow with the size of the log: reading, reassessing and counting a log ten
times larger than the budget stay within the budget (tracemalloc, in this process)."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

from logtools import make_log
from sipcore.logs import read, reassess, stats

BUDGET = 1_250_000  # bytes allocated at the peak, beyond what was allocated before
PROPOSAL = Path(__file__).resolve().parent.parent / "examples" / "vastmanland-reply-2-days.toml"


def test_streaming_stays_within_a_budget_a_tenth_of_the_log(tmp_path: Path) -> None:
    warm = make_log.write(tmp_path / "warm.jsonl", 30, seed=21)
    log = make_log.write(tmp_path / "big.jsonl", 1_800, seed=22)
    size = log.stat().st_size
    assert size >= 10 * BUDGET, size
    runs = {
        "read": lambda path: sum(1 for _ in read(path)),
        "stats": lambda path: stats(path, jobs=1).totals.cases,
        "reassess": lambda path: reassess("vastmanland", PROPOSAL, path, jobs=1).totals.cases,
    }
    for run in runs.values():  # profiles, rule tables and the calendar are loaded once
        run(warm)
    for name, run in runs.items():
        tracemalloc.start()
        try:
            assert run(log) == 1_800
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < BUDGET, f"{name}: peak {peak} bytes for a log of {size} bytes"
