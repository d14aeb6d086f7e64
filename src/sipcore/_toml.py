"""How a value read from a TOML file is shown in an error message (profiles and scenarios)."""

from __future__ import annotations

import datetime as dt


def show_value(value: object) -> str:
    """``value`` as its writer would recognise it in the file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return f"the local date and time {value.isoformat()} (no offset)"
        return f"the date and time {value.isoformat()}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return f"the time {value.isoformat()}"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return repr(value)
