"""A progress bar on a terminal (``tqdm``, from the ``logs`` extra), counting the bytes of the
log read; none when standard error is not a terminal or tqdm is not installed."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

__all__ = ["bar"]


@contextlib.contextmanager
def bar(total: int, description: str, *, enabled: bool | None = None
        ) -> Iterator[Callable[[int], object] | None]:
    """A context giving a function that advances the bar by a number of bytes, or ``None``
    when no bar is shown (``enabled`` defaults to whether stderr is a terminal)."""
    shown = sys.stderr.isatty() if enabled is None else enabled
    if not shown:
        yield None
        return
    try:
        from tqdm import tqdm
    except ImportError:
        yield None
        return
    with tqdm(total=total, desc=description, unit="B", unit_scale=True, file=sys.stderr,
              leave=False, dynamic_ncols=True) as progress:
        yield progress.update
