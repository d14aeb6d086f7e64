"""Values as JSON: what :meth:`sipcore.SipCase.snapshot` and the HTTP service answer with."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any

import attrs

__all__ = ["plain"]


def plain(value: Any) -> Any:
    """``value`` as JSON values: attrs records as objects of their fields, times and dates as
    ISO text, tuples and sets as arrays, an event as :func:`sipcore.events_to_json` writes it."""
    if value is None or isinstance(value, bool | int | float | str):
        return str(value) if isinstance(value, enum.Enum) else value
    if isinstance(value, dt.date | dt.time):  # (a datetime too; a time of day: a noon hour)
        return value.isoformat()
    from sipcore.events import Event

    if isinstance(value, Event):
        return value.to_dict()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted(plain(v) for v in value)
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if attrs.has(type(value)):
        return {f.name.lstrip("_"): plain(getattr(value, f.name))
                for f in attrs.fields(type(value))}
    if isinstance(value, enum.Enum):
        return plain(value.value)
    raise TypeError(f"no JSON form for {type(value).__name__}")
