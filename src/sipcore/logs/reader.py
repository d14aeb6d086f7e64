"""Reading a region's event log: JSON Lines, one case per line, plain or gzip, streamed.

Each line is one case: its events as :func:`sipcore.events_to_json` writes them (a JSON array).
:func:`read` yields the cases one by one and never holds more than one line in memory. A line
that does not hold a case that replays is a :class:`LogProblem` naming the file, the line and
what is wrong (not JSON, another schema version, a profile that is not installed, events that
do not replay); so is an empty log and a gzip file that ends early. Blank lines are skipped.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, cast

import attrs

from sipcore.errors import EventFormatError, ProfileError, SipError

__all__ = [
    "LogCase",
    "LogError",
    "LogProblem",
    "Problems",
    "decode",
    "log_lines",
    "read",
]

_GZIP_MAGIC = b"\x1f\x8b"


class LogError(SipError, ValueError):
    """A log line (or the log) is malformed; the message names the file and the line."""

    def __init__(self, problem: LogProblem) -> None:
        self.problem = problem
        super().__init__(str(problem))


@attrs.frozen
class LogProblem:
    """What is wrong at ``line`` of ``path`` (line 0: the file as a whole)."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@attrs.frozen(eq=False)
class LogCase:
    """One case of a log: where it was read, its events, and the case they replay to."""

    path: str
    line: int
    events: tuple[Any, ...]  # sipcore.Event
    case: Any  # sipcore.SipCase

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


Problems = Callable[[LogProblem], None]


def log_lines(
    path: str | os.PathLike[str], advance: Callable[[int], object] | None = None
) -> Iterator[tuple[int, bytes] | LogProblem]:
    """The non-blank lines of ``path`` with their numbers (from 1), as bytes; a file that
    cannot be read, an empty log and a gzip file cut short come out as a :class:`LogProblem`
    (after the lines that could be read). ``advance`` is told how many bytes of the file have
    been read since it was last told (for a progress bar)."""
    name = os.fspath(path)
    try:
        raw = open(name, "rb")  # noqa: SIM115 (closed below, after the last line)
    except OSError as exc:
        yield LogProblem(name, 0, f"cannot be read ({exc.strerror or exc})")
        return
    number = 0
    found = False
    with raw:
        stream = cast(IO[bytes], gzip.GzipFile(fileobj=raw) if raw.peek(2)[:2] == _GZIP_MAGIC
                      else raw)
        try:
            told = 0
            for number, line in enumerate(stream, start=1):
                if advance is not None and number % 64 == 0:
                    told = _tell(raw, told, advance)
                if line.strip():
                    found = True
                    yield number, line
            if advance is not None:
                _tell(raw, told, advance)
        except EOFError:
            yield LogProblem(name, number + 1, "the gzip file ends early (truncated): the "
                             "cases after this line are missing")
            return
        except (gzip.BadGzipFile, zlib.error, OSError) as exc:
            yield LogProblem(name, number + 1, f"the gzip file is damaged here ({exc})")
            return
    if not found:
        yield LogProblem(name, 0, "empty log: no cases")


def _tell(raw: IO[bytes], told: int, advance: Callable[[int], object]) -> int:
    position = raw.tell()
    if position > told:
        advance(position - told)
    return position


def decode(
    path: str, number: int, line: bytes | str, *, verify: bool = True
) -> LogCase | LogProblem:
    """The case on one line: its events read and replayed (every recorded command decided
    again, unless ``verify`` is false), or what is wrong with it."""
    from sipcore.case import SipCase
    from sipcore.events import events_from_json

    try:
        text = line.decode("utf-8") if isinstance(line, bytes) else line
    except UnicodeDecodeError as exc:
        return LogProblem(path, number, f"not UTF-8 text (byte {exc.start})")
    try:
        events = events_from_json(text)
    except EventFormatError as exc:
        return LogProblem(path, number, _format_problem(text, str(exc)))
    if not events:
        return LogProblem(path, number, "an empty case (no events)")
    try:
        case = SipCase.replay(events, verify=verify)
    except ProfileError as exc:
        return LogProblem(path, number, f"decided under profile {events[0].profile}, which is "
                          f"not installed here ({exc})")
    except EventFormatError as exc:
        text_ = str(exc)
        if "neither bundled nor given" in text_:
            return LogProblem(path, number, f"decided under profile {events[0].profile}, "
                              f"which is not installed here ({text_})")
        if "events[0].profile" in text_:
            return LogProblem(path, number, f"decided under a version of {events[0].profile} "
                              f"that is not the one installed here ({text_})")
        return LogProblem(path, number, f"the events do not replay: {text_}")
    except SipError as exc:
        return LogProblem(path, number, f"the events do not replay: {exc}")
    return LogCase(path, number, tuple(events), case)


def _format_problem(text: str, message: str) -> str:
    """``message`` of a line that events_from_json refused; another schema version is named."""
    if ".schema" not in message:
        return message
    import json

    from sipcore.events import READABLE_SCHEMAS

    try:
        found = {e.get("schema") for e in json.loads(text) if isinstance(e, dict)}
    except (ValueError, TypeError):
        return message
    others = sorted(str(v) for v in found if v not in READABLE_SCHEMAS)
    readable = ", ".join(str(v) for v in READABLE_SCHEMAS)
    return (f"events of schema version {', '.join(others)}; this sipcore reads schema "
            f"{readable} ({message})")


def read(
    path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    on_problem: Problems | None = None,
) -> Iterator[LogCase]:
    """Stream the cases of one log (or of several, in order), one at a time.

    A malformed line (or an empty or truncated log) raises :class:`LogError` naming the file
    and the line; with ``on_problem``, it is passed the :class:`LogProblem` instead, the line is
    skipped and reading goes on.
    """
    paths = [path] if isinstance(path, str | os.PathLike) else list(path)
    for p in paths:
        name = os.fspath(p)
        for item in log_lines(name):
            found = item if isinstance(item, LogProblem) else decode(name, *item)
            if isinstance(found, LogCase):
                yield found
            elif on_problem is None:
                raise LogError(found)
            else:
                on_problem(found)


def total_bytes(paths: Sequence[str | os.PathLike[str]]) -> int:
    """The size on disk of ``paths`` (what a progress bar counts)."""
    total = 0
    for p in paths:
        with contextlib.suppress(OSError):
            total += Path(p).stat().st_size
    return total
