"""A region's event logs (DOMAIN.md §14): read them, reassess a routine change on every case,
and count what a region reports.

A log is JSON Lines: one case per line, its events as :func:`sipcore.events_to_json` writes
them; plain or gzip. ::

    from sipcore import logs

    for found in logs.read("cases.jsonl.gz"):          # one case at a time
        print(found.where, found.case.phase)

    report = logs.reassess("vastmanland", "proposal.toml", ["cases.jsonl.gz"],
                           on_case=print)               # every case that changes
    print(report.totals.by_kind)

    figures = logs.stats(["cases.jsonl.gz"])
    print(figures.lead_times())

Both run on the local cores by default (``jobs``), or on any ``executor`` with ``submit`` or
``map`` (a Dask ``distributed.Client``, a ``concurrent.futures`` pool, a Ray pool): each chunk
of lines is an independent task, and the results are the same wherever they ran. sipcore does
not depend on Dask: ``pip install 'sipcore[dask]'`` for ``--dask``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from sipcore.errors import InputError
from sipcore.logs.parallel import Run, drive
from sipcore.logs.reader import LogCase, LogError, LogProblem, Problems, read, total_bytes
from sipcore.logs.reassess import CaseChanges, Change, Reassess, Totals
from sipcore.logs.rerun import profile_spec
from sipcore.logs.stats import Statistics, Stats, StatsTotals

__all__ = [
    "CaseChanges",
    "Change",
    "LogCase",
    "LogError",
    "LogProblem",
    "ReassessReport",
    "Statistics",
    "Totals",
    "read",
    "reassess",
    "stats",
]

Paths = Sequence[str | os.PathLike[str]]


@attrs.frozen
class ReassessReport:
    """What a reassessment found: the totals, and how many lines could not be read."""

    old: str  # id@version, or a name whose versions each decide on their dates
    new: str
    totals: Totals
    problems: int


def _paths(logs: Any) -> list[str]:
    paths = [logs] if isinstance(logs, str | os.PathLike) else list(logs)
    if not paths:
        raise InputError("logs", "at least one log file")
    return [os.fspath(p) for p in paths]


def _aware(name: str, value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and (not isinstance(value, dt.datetime) or value.utcoffset() is None):
        raise InputError(name, "a timezone-aware datetime", value)
    return value


def _run(work: Any, paths: list[str], *, executor: Any, jobs: int | None, chunk_size: int,
         on_item: Callable[[Any], object] | None, on_problem: Problems | None,
         progress: bool | None, description: str) -> Run[Any]:
    from sipcore.logs.progress import bar

    with bar(total_bytes(paths), description, enabled=progress) as advance:
        return drive(work, paths, executor=executor, jobs=jobs, chunk_size=chunk_size,
                     on_item=on_item, on_problem=on_problem, advance=advance)


def reassess(
    old: Any,
    new: Any,
    logs: str | os.PathLike[str] | Paths,
    *,
    as_of: dt.datetime | None = None,
    on_case: Callable[[CaseChanges], object] | None = None,
    on_problem: Problems | None = None,
    executor: Any = None,
    jobs: int | None = None,
    chunk_size: int = 200,
    progress: bool | None = False,
) -> ReassessReport:
    """Decide every case of ``logs`` again under ``old`` and under ``new`` (each a profile name,
    ``id@version``, a ``.toml`` path or a :class:`~sipcore.profiles.Profile`).

    Each case that changes goes to ``on_case``, in log order; obligations and liability are
    compared as of each case's latest event, or ``as_of``. A malformed line raises
    :class:`LogError` unless ``on_problem`` is given (then it is skipped). ``executor``,
    ``jobs``: see :func:`sipcore.logs.parallel.drive`; ``progress``: a bar on stderr (``None``:
    when it is a terminal).
    """
    from sipcore.profiles import deciding
    from sipcore.profiles.resolution import shown

    work = Reassess(profile_spec(old), profile_spec(new), _aware("as_of", as_of))
    run = _run(work, _paths(logs), executor=executor, jobs=jobs, chunk_size=chunk_size,
               on_item=on_case, on_problem=on_problem, progress=progress,
               description="reassess")
    old_key, new_key = (shown(deciding(spec)) for spec, _ in (work.old, work.new))
    return ReassessReport(old_key, new_key, run.aggregate, run.problems)


def stats(
    logs: str | os.PathLike[str] | Paths,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    as_of: dt.datetime | None = None,
    on_problem: Problems | None = None,
    executor: Any = None,
    jobs: int | None = None,
    chunk_size: int = 200,
    progress: bool | None = False,
) -> Statistics:
    """The figures of ``logs`` (see :mod:`sipcore.logs.stats`), as of the log's latest event
    or ``as_of``; ``date_from``/``date_to`` (inclusive) keep what falls in that period."""
    for name, day in (("date_from", date_from), ("date_to", date_to)):
        if day is not None and (isinstance(day, dt.datetime) or not isinstance(day, dt.date)):
            raise InputError(name, "a date", day)
    if date_from is not None and date_to is not None and date_to < date_from:
        raise InputError("date_to", f"a date on or after date_from ({date_from})", date_to)
    work = Stats(date_from, date_to, _aware("as_of", as_of))
    run = _run(work, _paths(logs), executor=executor, jobs=jobs, chunk_size=chunk_size,
               on_item=None, on_problem=on_problem, progress=progress, description="stats")
    totals: StatsTotals = run.aggregate
    return Statistics(totals, as_of or totals.latest, date_from, date_to)
