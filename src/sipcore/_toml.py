"""The one reader of TOML tables that profiles and scenarios share.

A :class:`Table` is one table of a file and knows where it is, so that every complaint is one
line naming the file, the key and what was expected::

    vastmanland@1.toml: parameters.invitation_answer.amount: expected a whole number ≥ 0, got 1.5
    x.toml: step 2 (record_consent): form: expected one of oral, written, got 'email'

Keys of a nested table are joined with ``.`` (``units.vc.principal``), items of an array of
tables are numbered from 1 (``also[1]``), and a table may carry a label of its own (``step 2
(record_consent)``) that its keys follow after ``: ``. The error class is the reader's:
:class:`~sipcore.errors.ProfileError` for profiles, :class:`~sipcore.errors.ScenarioError` for
scenarios.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import tomllib
from collections.abc import Iterable, Mapping
from typing import Any, NoReturn

from sipcore.errors import SipError

__all__ = ["COUNT", "DATE", "MAX_NESTING", "TEXT", "Table", "parse", "show_value"]

TEXT = "a text in quotes"
DATE = "a date (YYYY-MM-DD, without quotes or time)"
COUNT = "a whole number ≥ 0"

# The deepest arrays and tables a file may nest (profiles and scenarios need fewer than ten). Python
# reads TOML by recursion, so a file nested thousands deep would exhaust its stack.
MAX_NESTING = 100

_NOTHING: Any = object()
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


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


def parse(file: str, raw: bytes, error: type[SipError]) -> Table:
    """The top-level table of the TOML text ``raw`` read from ``file``.

    Besides TOML's own syntax, a file is refused when an integer has more digits than Python
    converts (``sys.get_int_max_str_digits()``, 4300 by default) or when arrays and tables nest
    more than :data:`MAX_NESTING` levels deep.
    """
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise error(f"{file}: expected UTF-8 text ({exc.reason})") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{file}: expected valid TOML: {exc}") from None
    except ValueError as exc:  # int() refuses a decimal integer longer than the limit
        if "integer string conversion" not in str(exc):
            raise
        raise error(f"{file}: expected valid TOML: an integer of more than "
                    f"{sys.get_int_max_str_digits()} digits") from None
    except RecursionError:
        raise error(f"{file}: expected valid TOML: {_TOO_DEEP}") from None
    if _nesting(data) > MAX_NESTING:  # dotted keys nest tables without recursion
        raise error(f"{file}: expected valid TOML: {_TOO_DEEP}")
    return Table(file, data, error)


_TOO_DEEP = f"arrays or tables nested more than {MAX_NESTING} levels"


def _nesting(data: dict[str, Any]) -> int:
    """How many levels of arrays and tables ``data`` nests (the top-level table is 1), read
    without recursion; the count stops once past :data:`MAX_NESTING`."""
    deepest = 0
    pending: list[tuple[object, int]] = [(data, 1)]
    while pending:
        value, level = pending.pop()
        items: Iterable[object]
        if isinstance(value, dict):
            items = value.values()
        elif isinstance(value, list):
            items = value
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_NESTING:
            break
        pending.extend((item, level + 1) for item in items)
    return deepest


def _key_text(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False)


class Table:
    """One table of a TOML file: its data, where it is, and typed reads of its keys.

    A read of a key that is not there says ``missing; expected …``; a value of the wrong type
    says ``expected …, got …``. ``what`` is the expectation in the writer's words.
    """

    def __init__(
        self,
        file: str,
        data: Mapping[str, Any],
        error: type[SipError],
        where: str = "",
        joint: str = ".",
    ) -> None:
        self.file = file
        self.data = data
        self.error = error
        self.where = where
        self._joint = joint

    # --- where, and complaints ---------------------------------------------------------------

    def name(self, key: str | int) -> str:
        """The full name of ``key`` in this table, as messages show it."""
        if isinstance(key, int):
            return f"{self.where}[{key}]"
        return f"{self.where}{self._joint}{_key_text(key)}" if self.where else _key_text(key)

    def fail(self, key: str | int, expected: str, got: object = _NOTHING) -> NoReturn:
        shown = "" if got is _NOTHING else f", got {show_value(got)}"
        raise self.error(f"{self.file}: {self.name(key)}: expected {expected}{shown}")

    def missing(self, key: str, expected: str) -> NoReturn:
        raise self.error(f"{self.file}: {self.name(key)}: missing; expected {expected}")

    def only(self, allowed: Iterable[str]) -> None:
        """Refuse a key that is not ``allowed``."""
        allowed = tuple(allowed)
        for key in self.data:
            if key not in allowed:
                raise self.error(f"{self.file}: {self.name(key)}: unknown key; expected one of "
                                 + ", ".join(allowed))

    def labelled(self, label: str) -> Table:
        """This table under a label of its own: its keys read ``<label>: <key>``."""
        return Table(self.file, self.data, self.error, label, ": ")

    def __contains__(self, key: str) -> bool:
        return key in self.data

    def raw(self, key: str, expected: str) -> Any:
        """The value of ``key`` as TOML read it."""
        if key not in self.data:
            self.missing(key, expected)
        return self.data[key]

    # --- typed reads ---------------------------------------------------------------------------

    def text(self, key: str, what: str = TEXT) -> str:
        value = self.raw(key, what)
        if not isinstance(value, str) or not value.strip():
            self.fail(key, what, value)
        return value

    def optional_text(self, key: str, what: str = TEXT) -> str | None:
        return self.text(key, what) if key in self.data else None

    def date(self, key: str, what: str = DATE) -> dt.date:
        value = self.raw(key, what)
        if type(value) is not dt.date:
            self.fail(key, what, value)
        return value

    def optional_date(self, key: str, what: str = DATE) -> dt.date | None:
        return self.date(key, what) if key in self.data else None

    def aware(self, key: str, what: str) -> dt.datetime:
        """A date and time with an offset."""
        value = self.raw(key, what)
        if not isinstance(value, dt.datetime) or value.utcoffset() is None:
            self.fail(key, what, value)
        return value

    def boolean(self, key: str, default: bool | None = None) -> bool:
        if key not in self.data and default is not None:
            return default
        value = self.raw(key, "true or false")
        if not isinstance(value, bool):
            self.fail(key, "true or false", value)
        return value

    def count(self, key: str, what: str = COUNT) -> int:
        value = self.raw(key, what)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(key, what, value)
        return value

    def choice(self, key: str, options: Iterable[str], what: str | None = None) -> str:
        options = tuple(options)
        what = what or f"one of {', '.join(options)}"
        value = self.raw(key, what)
        if not isinstance(value, str) or value not in options:
            self.fail(key, what, value)
        return value

    def texts(self, key: str, what: str) -> tuple[str, ...]:
        """An array of texts."""
        value = self.raw(key, what)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, what, value)
        return tuple(value)

    def table(self, key: str, what: str = "a table") -> Table:
        """The table under ``key``."""
        value = self.raw(key, what)
        if not isinstance(value, dict):
            self.fail(key, what, value)
        return Table(self.file, value, self.error, self.name(key))

    def tables(self, key: str, what: str) -> list[Table]:
        """The array of tables under ``key`` (none where it is absent), numbered from 1."""
        value = self.data.get(key, [])
        if not isinstance(value, list):
            self.fail(key, f"an array of {what}", value)
        array = Table(self.file, {}, self.error, self.name(key))
        found = []
        for i, item in enumerate(value, start=1):
            if not isinstance(item, dict):
                array.fail(i, what, item)
            found.append(Table(self.file, item, self.error, array.name(i)))
        return found

    def subtables(self) -> Iterable[tuple[str, Table]]:
        """Each key of this table whose value must be a table, with that table."""
        for key in self.data:
            yield key, self.table(key)
