"""The same log in this process, on a local process pool, on a Dask cluster and on an executor
that only has ``map``: identical results, in log order."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from logtools import make_log, write_lines
from sipcore.cli import main
from sipcore.logs import LogProblem, reassess, stats

ROOT = Path(__file__).resolve().parent.parent
PROPOSAL = ROOT / "examples" / "vastmanland-reply-2-days.toml"


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated log with two malformed lines among its cases."""
    lines = list(make_log.lines(160, seed=9))
    lines.insert(37, "not a case")
    lines.insert(120, '[{"schema": 7}]')
    return write_lines(tmp_path_factory.mktemp("parallel") / "log.jsonl.gz", lines)


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Any]:
    import distributed  # the dask extra, which CI installs

    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                       protocol="tcp://", host="127.0.0.1",
                                       dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


class MapOnly:
    """An executor with nothing but ``map`` (as a Ray or multiprocessing pool offers)."""

    def __init__(self) -> None:
        self.calls = 0

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        self.calls += 1
        return [fn(item) for item in items]


def _reassessed(log: Path, **how: Any) -> tuple[Any, ...]:
    found: list[Any] = []
    problems: list[LogProblem] = []
    report = reassess("vastmanland", PROPOSAL, [log], on_case=found.append,
                      on_problem=problems.append, chunk_size=25, **how)
    return (report.totals.to_dict(), [c.to_dict() for c in found], problems, report.problems)


def _figures(log: Path, **how: Any) -> tuple[Any, ...]:
    problems: list[LogProblem] = []
    figures = stats(log, on_problem=problems.append, chunk_size=25, **how)
    return figures.to_dict(), problems


def test_local_pool_and_dask_give_identical_results(log: Path, dask_client: Any) -> None:
    alone = _reassessed(log, jobs=1)
    assert alone[0]["cases"] == 160 and alone[0]["changed"] > 0
    assert [p.line for p in alone[2]] == [38, 121]
    assert "schema version 7" in alone[2][1].message
    mapped = MapOnly()
    for how in ({"jobs": 2}, {"executor": dask_client}, {"executor": mapped, "jobs": 2}):
        assert _reassessed(log, **how) == alone, how
    assert mapped.calls > 1  # a map per window of chunks, not one over the whole log
    figures = _figures(log, jobs=1)
    assert figures[0]["cases"] == 160
    for how in ({"jobs": 2}, {"executor": dask_client}):
        assert _figures(log, **how) == figures, how


def test_cli_runs_on_a_dask_scheduler(
    log: Path, dask_client: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    address = dask_client.scheduler.address
    assert address.startswith("tcp://127.0.0.1:")
    here, there = tmp_path / "here.csv", tmp_path / "there.csv"
    assert main(["reassess", "vastmanland", str(PROPOSAL), str(log), "--jobs", "1",
                 "--out", str(here)]) == 0
    local = capsys.readouterr().out
    assert main(["reassess", "vastmanland", str(PROPOSAL), str(log), "--dask", address,
                 "--out", str(there)]) == 0
    assert capsys.readouterr().out == local
    assert here.read_bytes() == there.read_bytes()


def test_strict_stops_on_any_executor(log: Path, dask_client: Any) -> None:
    from sipcore.logs import LogError

    for how in ({"jobs": 2}, {"executor": dask_client}, {"jobs": 1}):
        with pytest.raises(LogError, match=r"log\.jsonl\.gz:38: "):
            reassess("vastmanland", PROPOSAL, [log], chunk_size=25, **how)


def test_profiles_given_as_objects_reach_the_workers(log: Path) -> None:
    from sipcore import load_profile

    by_name = _reassessed(log, jobs=1)
    old, new = load_profile("vastmanland"), load_profile(PROPOSAL)
    found: list[Any] = []
    report = reassess(old, new, [log], on_case=found.append, on_problem=lambda p: None,
                      chunk_size=25, jobs=2)
    assert report.totals.to_dict() == by_name[0]
    assert [c.to_dict() for c in found] == by_name[1]
