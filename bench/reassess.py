"""Benchmark of ``sipcore reassess`` on generated logs (bench/make_log.py).

Run: ``python bench/reassess.py`` (a quick size, 20,000 cases), or
``python bench/reassess.py --sizes 100000 1000000`` (needs ``pip install -e ".[logs,dask]"`` for
the Dask runs; ``--no-dask`` leaves them out). Logs are generated once into ``--log-dir``
(gzip, seeded) and reused. Prints, for each size, all measured in this run:

* the bare loop: every case read and replayed (``sipcore.logs.read``), nothing decided again;
* reassess (Västmanland against the proposal of examples/) on one core (in this process), with
  2 workers on a local process pool, and with 2 workers of a Dask ``LocalCluster`` (processes,
  on 127.0.0.1): seconds, cases per second, the speed-up over one core;
* the ratio of one core's reassessment to the bare loop (a reassessment replays every case and
  decides it twice more);
* how many cores the workers get on the machine as it is (a pure-Python loop in one process,
  then in each worker at once): on a machine shared with others, the speed-up is bounded by it;
* the peak memory of each run: the resident memory of this process and its workers together,
  sampled every 0.1 s (Linux ``/proc``), and its growth over the size before it.

Goals on a 2-core machine: 100,000 cases in under 60 s with 2 workers; a 2-worker speed-up of
at least 1.7x; peak memory flat in the size of the log. Not a test: nothing asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# bench/calendar.py must not shadow the standard library's calendar (holidays imports it).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

from sipcore import logs  # noqa: E402

PROPOSAL = HERE.parent / "examples" / "vastmanland-reply-2-days.toml"


def make_log(path: Path, n: int, jobs: int) -> None:
    """Generate the log with bench/make_log.py (seed 1)."""
    subprocess.run([sys.executable, str(HERE / "make_log.py"), str(path), "--cases", str(n),
                    "--seed", "1", "--jobs", str(jobs)], check=True)


def _rss_tree(root: int) -> int:
    """Resident bytes of process ``root`` and all its descendants."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
                parents[int(entry)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    tree = {root}
    grew = True
    while grew:
        grew = False
        for pid, ppid in parents.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grew = True
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/status", encoding="ascii") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


@contextmanager
def peak_memory() -> Iterator[Callable[[], int]]:
    """Samples the resident memory of this process tree; gives the peak seen."""
    peak = [_rss_tree(os.getpid())]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            peak[0] = max(peak[0], _rss_tree(os.getpid()))

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield lambda: peak[0]
    finally:
        done.set()
        thread.join()


def timed(run: Callable[[], int]) -> tuple[float, int, int]:
    """Seconds, cases and peak resident bytes of ``run``."""
    with peak_memory() as peak:
        start = time.perf_counter()
        cases = run()
        seconds = time.perf_counter() - start
    return seconds, cases, peak()


def bare(log: Path) -> int:
    return sum(1 for _ in logs.read(log))


def reassess(log: Path, **how: Any) -> int:
    return logs.reassess("vastmanland", PROPOSAL, [log], **how).totals.cases


def _burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def cores_available(workers: int) -> float:
    """How many cores ``workers`` processes get now: a pure-Python loop run once, then in
    ``workers`` processes at once (a machine shared with others may give fewer than it has)."""
    from concurrent.futures import ProcessPoolExecutor

    n = 5_000_000
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_burn, [1] * workers))  # started
        start = time.perf_counter()
        pool.submit(_burn, n).result()
        one = time.perf_counter() - start
        start = time.perf_counter()
        list(pool.map(_burn, [n] * workers))
        many = time.perf_counter() - start
    return workers * one / many


RUNS = ("bare", "one", "pool", "dask")
NAMES = {"bare": "bare loop (read + replay)", "one": "reassess, 1 core",
         "pool": "reassess, {w} workers (process pool)",
         "dask": "reassess, {w} workers (Dask LocalCluster)"}


def measure(run: str, log: Path, workers: int) -> dict[str, float]:
    """One run, in this (fresh) process: its seconds, cases and peak memory."""
    warm = log.with_name("warm.jsonl")
    if not warm.exists():
        with open(warm, "wb") as out:  # a few cases: profiles and calendar loaded before timing
            out.writelines(line for _, line in zip(range(20), logs_lines(log), strict=False))
    bare(warm)
    reassess(warm, jobs=1)
    if run == "bare":
        seconds, cases, peak = timed(lambda: bare(log))
    elif run == "one":
        seconds, cases, peak = timed(lambda: reassess(log, jobs=1))
    elif run == "pool":
        seconds, cases, peak = timed(lambda: reassess(log, jobs=workers))
    else:
        from distributed import Client, LocalCluster

        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          host="127.0.0.1", dashboard_address=None) as cluster, \
                Client(cluster) as client:
            client.submit(reassess, warm, jobs=1).result()  # workers started and warm
            seconds, cases, peak = timed(lambda: reassess(log, executor=client, jobs=workers))
    return {"seconds": seconds, "cases": cases, "peak": peak}


def logs_lines(log: Path) -> Iterator[bytes]:
    import gzip

    with gzip.open(log, "rb") as f:
        yield from f


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000])
    parser.add_argument("--log-dir", type=Path, default=Path("/tmp/sipcore-bench-logs"))
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--run", choices=RUNS, help=argparse.SUPPRESS)  # one measurement
    parser.add_argument("--log", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    w = args.workers
    if args.run:
        print(json.dumps(measure(args.run, args.log, w)))
        return 0
    args.log_dir.mkdir(parents=True, exist_ok=True)
    results: dict[int, dict[str, dict[str, float]]] = {}
    for n in args.sizes:
        log = args.log_dir / f"log-{n}-seed1.jsonl.gz"
        if not log.exists():
            start = time.perf_counter()
            make_log(log, n, w)
            print(f"generated {log} ({log.stat().st_size / 1e6:.0f} MB gzip) in "
                  f"{time.perf_counter() - start:.0f} s", flush=True)
        results[n] = {}
        print(f"\n{n:,} cases (each run in a fresh process; memory: it and its workers); "
              f"{w} processes get {cores_available(w):.2f} cores now")
        for run in RUNS:
            if run == "dask" and args.no_dask:
                continue
            out = subprocess.run(
                [sys.executable, __file__, "--run", run, "--log", str(log), "--workers", str(w)],
                check=True, capture_output=True, text=True,
            ).stdout.strip().splitlines()[-1]
            r = results[n][run] = json.loads(out)
            assert r["cases"] == n, (run, r)
            one = results[n].get("one")
            speedup = f"  {one['seconds'] / r['seconds']:4.2f}x" if one and run in (
                "pool", "dask") else ""
            print(f"  {NAMES[run].format(w=w):42s} {r['seconds']:8.1f} s "
                  f"{n / r['seconds']:9,.0f} cases/s peak {r['peak'] / 1e6:6.0f} MB{speedup}",
                  flush=True)
        ratio = results[n]["one"]["seconds"] / results[n]["bare"]["seconds"]
        print(f"  one core / bare loop: {ratio:.2f}x")
    sizes = sorted(results)
    if len(sizes) > 1:
        print("\npeak memory, smallest size → largest:")
        for run in results[sizes[0]]:
            a, z = results[sizes[0]][run]["peak"], results[sizes[-1]][run]["peak"]
            print(f"  {NAMES[run].format(w=w):42s} {a / 1e6:6.0f} MB → {z / 1e6:6.0f} MB "
                  f"({z / a:.2f}x for {sizes[-1] / sizes[0]:.0f}x the cases)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
