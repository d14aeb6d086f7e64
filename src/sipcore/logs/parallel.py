"""Running one piece of work over every case of a log: in this process, on the local cores, or
on any executor with ``submit`` or ``map`` (``concurrent.futures``, a Dask ``Client``, a Ray
pool), without sipcore depending on any of them.

The log is read here, line by line, and cut into chunks of lines; each chunk is an independent
task (decode, replay, work, aggregate) whose result is a partial aggregate, the items to report
and the problems found, in line order. Results are taken in the order of the chunks, so the
items and problems come out in log order and the totals, sums of counts, are the same however
the log was split and wherever the chunks ran. At most a few chunks per worker are in flight:
memory does not grow with the size of the log.
"""

from __future__ import annotations

import functools
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Generic, Protocol, TypeVar

import attrs

from sipcore.errors import InputError, SipError
from sipcore.logs.reader import LogCase, LogError, LogProblem, Problems, decode, log_lines

__all__ = ["Aggregate", "Chunk", "ChunkResult", "Run", "Work", "drive"]


class Aggregate(Protocol):
    """Counts that add up: a chunk's aggregate merges into the run's."""

    def merge(self, other: Any) -> None: ...


A = TypeVar("A", bound=Aggregate)


class Work(Protocol[A]):
    """What a run does with each case: ``fresh()`` makes an empty aggregate, ``take`` adds a
    case to it and returns what to report of the case, if anything. ``take`` may raise a
    :class:`~sipcore.errors.SipError`: that case becomes a problem of its line."""

    def fresh(self) -> A: ...

    def take(self, aggregate: A, found: LogCase) -> Any | None: ...


def _verified(work: Any) -> bool:
    """Whether the cases ``work`` reads are replayed verified (``work.verify_replay``; by
    default they are)."""
    return bool(getattr(work, "verify_replay", True))


@attrs.frozen
class Chunk:
    """Lines of one file, each with its number."""

    path: str
    lines: tuple[tuple[int, bytes], ...]


@attrs.frozen
class ChunkResult(Generic[A]):
    aggregate: A
    cases: int
    reported: tuple[Any, ...]  # items and LogProblems, in line order


@attrs.frozen
class Run(Generic[A]):
    """A whole run: the aggregate, how many cases were taken and how many lines were not."""

    aggregate: A
    cases: int
    problems: int


def _take(work: Work[A], aggregate: A, found: LogCase | LogProblem) -> Any | None:
    if isinstance(found, LogProblem):
        return found
    try:
        return work.take(aggregate, found)
    except SipError as exc:
        return LogProblem(found.path, found.line, f"cannot be decided again: {exc}")


def process_chunk(work: Work[A], chunk: Chunk) -> ChunkResult[A]:
    """Decode, replay and work every line of ``chunk`` (the task each worker runs)."""
    aggregate = work.fresh()
    reported = []
    cases = 0
    for number, line in chunk.lines:
        item = _take(work, aggregate, decode(chunk.path, number, line, verify=_verified(work)))
        if not isinstance(item, LogProblem):
            cases += 1
        if item is not None:
            reported.append(item)
    return ChunkResult(aggregate, cases, tuple(reported))


def chunks(
    paths: Sequence[str], size: int, advance: Callable[[int], object] | None = None
) -> Iterator[Chunk | LogProblem]:
    """The lines of ``paths`` in chunks of at most ``size`` lines (of one file each), with the
    problems of reading the files in their place."""
    for path in paths:
        lines: list[tuple[int, bytes]] = []
        for entry in log_lines(path, advance):
            if isinstance(entry, LogProblem):
                if lines:
                    yield Chunk(path, tuple(lines))
                    lines = []
                yield entry
                continue
            lines.append(entry)
            if len(lines) >= size:
                yield Chunk(path, tuple(lines))
                lines = []
        if lines:
            yield Chunk(path, tuple(lines))


class _Collector(Generic[A]):
    """Takes results in order: merges, reports items, counts or raises problems."""

    def __init__(self, aggregate: A, on_item: Callable[[Any], object] | None,
                 on_problem: Problems | None) -> None:
        self.aggregate = aggregate
        self.on_item = on_item
        self.on_problem = on_problem
        self.cases = 0
        self.problems = 0

    def report(self, item: Any) -> None:
        if isinstance(item, LogProblem):
            self.problems += 1
            if self.on_problem is None:
                raise LogError(item)
            self.on_problem(item)
        elif self.on_item is not None:
            self.on_item(item)

    def result(self, result: ChunkResult[A]) -> None:
        self.aggregate.merge(result.aggregate)
        self.cases += result.cases
        for item in result.reported:
            self.report(item)


def drive(
    work: Work[A],
    paths: Sequence[str | os.PathLike[str]],
    *,
    executor: Any = None,
    jobs: int | None = None,
    chunk_size: int = 200,
    on_item: Callable[[Any], object] | None = None,
    on_problem: Problems | None = None,
    advance: Callable[[int], object] | None = None,
) -> Run[A]:
    """Run ``work`` over every case of ``paths``.

    - ``executor``: anything with ``submit(fn, *args)`` returning futures (``concurrent.futures``,
      a Dask ``Client``) or ``map(fn, iterable)`` (a Ray or multiprocessing pool); each chunk of
      lines is one independent task. The executor is not shut down here.
    - else ``jobs`` (default: the local cores): more than one runs a
      :class:`~concurrent.futures.ProcessPoolExecutor` for the run; one reads, decides and
      aggregates in this process, one case at a time.

    A problem (a malformed line, an unreadable or truncated file) raises :class:`LogError`
    unless ``on_problem`` is given; items of ``work`` go to ``on_item``; both in log order.
    """
    names = [os.fspath(p) for p in paths]
    if jobs is not None and (type(jobs) is not int or jobs < 1):
        raise InputError("jobs", "a whole number of workers, 1 or more", jobs)
    if type(chunk_size) is not int or chunk_size < 1:
        raise InputError("chunk_size", "a whole number of lines, 1 or more", chunk_size)
    collector: _Collector[A] = _Collector(work.fresh(), on_item, on_problem)
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if executor is None and workers == 1:
        _in_process(work, names, collector, advance)
        return Run(collector.aggregate, collector.cases, collector.problems)
    if executor is not None:
        _on_executor(executor, work, chunks(names, chunk_size, advance), collector,
                     window=2 * workers)
        return Run(collector.aggregate, collector.cases, collector.problems)
    import multiprocessing
    import threading
    from concurrent.futures import ProcessPoolExecutor

    # The platform's way of starting workers (fork on Linux: quick, and it works when the
    # main program is not a file); but a process with other threads running (a Dask client,
    # a server) is not forked: its workers are spawned.
    context = multiprocessing.get_context("spawn" if threading.active_count() > 1 else None)
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        try:
            _on_executor(pool, work, chunks(names, chunk_size, advance), collector,
                         window=2 * workers)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return Run(collector.aggregate, collector.cases, collector.problems)


def _in_process(work: Work[A], names: Sequence[str], collector: _Collector[A],
                advance: Callable[[int], object] | None) -> None:
    for name in names:
        for entry in log_lines(name, advance):
            if isinstance(entry, LogProblem):
                collector.report(entry)
                continue
            item = _take(work, collector.aggregate, decode(name, *entry, verify=_verified(work)))
            if not isinstance(item, LogProblem):
                collector.cases += 1
            if item is not None:
                collector.report(item)


def _resolved(value: Any) -> Any:
    """A future's result (``concurrent.futures``, Dask), or the value itself."""
    result = getattr(value, "result", None)
    return result() if callable(result) else value


def _on_executor(executor: Any, work: Work[A], pieces: Iterable[Chunk | LogProblem],
                 collector: _Collector[A], window: int) -> None:
    task = functools.partial(process_chunk, work)
    submit = getattr(executor, "submit", None)
    if callable(submit):
        pending: deque[Any] = deque()
        try:
            for piece in pieces:
                pending.append(piece if isinstance(piece, LogProblem) else submit(task, piece))
                while len(pending) > window:
                    _settle(pending.popleft(), collector)
            while pending:
                _settle(pending.popleft(), collector)
        except BaseException:
            for future in pending:
                cancel = getattr(future, "cancel", None)
                if callable(cancel):
                    cancel()
            raise
        return
    if not callable(getattr(executor, "map", None)):
        raise InputError("executor", "an executor with a submit or a map method", executor)
    batch: list[Chunk | LogProblem] = []
    for piece in pieces:
        batch.append(piece)
        if len(batch) >= window:
            _settle_batch(executor, task, batch, collector)
            batch = []
    _settle_batch(executor, task, batch, collector)


def _settle(value: Any, collector: _Collector[A]) -> None:
    if isinstance(value, LogProblem):
        collector.report(value)
    else:
        collector.result(_resolved(value))


def _settle_batch(executor: Any, task: Callable[[Chunk], Any],
                  batch: list[Chunk | LogProblem], collector: _Collector[A]) -> None:
    work = [piece for piece in batch if isinstance(piece, Chunk)]
    results = iter(executor.map(task, work)) if work else iter(())
    for piece in batch:
        _settle(piece if isinstance(piece, LogProblem) else next(results), collector)
