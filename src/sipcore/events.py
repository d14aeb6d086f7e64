"""Frozen domain events, and their JSON form.

Every applied command produces one :class:`Event`: when, which command with which (validated)
arguments, the phase it led to, the acting unit, the KVÅ code where DOMAIN.md §8 gives one, and
the profile (id, version and content hash) it was decided under. The first event of a case
(``open_case``) also carries the case's declaration: the person and the units with their
principals. Replaying the events rebuilds the case (:meth:`sipcore.case.SipCase.replay`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import operator
import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import attrs
import orjson

from sipcore.commands import (
    COMMAND_ARGS,
    PREF_VALUES,
    ArgKind,
    Command,
    PrefValue,
    aware,
    exchangeable,
    lean_of,
    load,
)
from sipcore.consent import Person
from sipcore.deadlines import FIRST_YEAR, LAST_YEAR, TIMEZONE, local_date, steady_offset
from sipcore.errors import EventFormatError, InputTypeError, OutOfRangeError, SipError
from sipcore.process import Units
from sipcore.profiles import Stamp
from sipcore.states import Phase

__all__ = [
    "MAX_DEPTH",
    "MAX_JSON_CHARS",
    "SCHEMA_VERSION",
    "Declaration",
    "Event",
    "OpeningEvent",
    "events_from_json",
    "events_to_json",
]

SCHEMA_VERSION = 2
"""The events' JSON schema: 2 adds ``case`` (the case's identity) to every event; events of
schema 1 are read too, each list's case identity derived from its opening event
(:func:`derived_case_id`)."""
READABLE_SCHEMAS = (1, 2)


@attrs.frozen(weakref_slot=False)
class Declaration:
    """What a case knows from its start: the person and each unit's principal."""

    person: Person
    units: Units


@attrs.frozen(weakref_slot=False)
class Event:
    """One applied command. The first event of a case is an :class:`OpeningEvent`."""

    seq: int
    at: dt.datetime
    args: Command  # the command's checked arguments, which name the command
    phase: Phase
    decided_under: Stamp  # the profile's id@version and content hash, one shared per profile
    unit: str | None = None
    kva: str | None = None
    case_id: str = ""  # the case's identity: the same on every event of a case

    @property
    def command(self) -> str:
        """The command this event applied."""
        return self.args.command

    @property
    def profile(self) -> str:
        """``id@version`` of the profile the event was decided under."""
        return self.decided_under.key

    @property
    def profile_hash(self) -> str:
        """The content hash of that profile."""
        return self.decided_under.content_hash

    @property
    def declaration(self) -> Declaration | None:
        """The case's declaration: on its opening event only."""
        return None

    def to_dict(self, where: str = "event") -> dict[str, Any]:
        """A JSON-ready dict (see :func:`events_to_json`); a value JSON cannot hold (a NaN
        preference) is refused naming ``where`` and the field."""
        return _event_to_dict(self, where)

    @classmethod
    def from_dict(
        cls, data: Any, where: str = "event", stamps: _Stamps | None = None
    ) -> Event:
        """Rebuild an event from :meth:`to_dict`'s form; a malformed field is named."""
        return _event_from_dict(data, where, _Stamps() if stamps is None else stamps)


@attrs.frozen(weakref_slot=False)
class OpeningEvent(Event):
    """The ``open_case`` event, which also carries the case's declaration."""

    declaration: Declaration = attrs.field(kw_only=True)


# --- the JSON form -----------------------------------------------------------------------------
#
# events_to_json writes, and events_from_json reads, one JSON array of events. Reading takes
# two paths. The quick path reads an event in exactly the form events_to_json writes (every
# field there, every value of its kind) without naming anything, and gives up at the first doubt;
# the full path then reads that event field by field and names the first field that is wrong.
# The quick path accepts nothing the full one refuses, and builds the same event
# (tests/test_events.py holds them to it).

MAX_JSON_CHARS = 16_000_000
"""The longest text :func:`events_from_json` reads, in characters (a case of 16 events is about
5,000): a longer one is refused before it is parsed."""

MAX_DEPTH = 6
"""The deepest nesting of a valid events text: the array, an event, its ``args``, the preference
fields, one field, its list of values. Every container has its one place in the schema, so
anything nested deeper is refused by the field that holds it; and a text nested deeper than
the JSON parser itself allows (Python's recursion limit) is refused as :class:`EventFormatError`
before anything else."""

_FIRST_DATE = dt.date(FIRST_YEAR, 1, 1)
_LAST_DATE = dt.date(LAST_YEAR, 12, 31)
_RANGE = f"{_FIRST_DATE} to {_LAST_DATE}"
_TIME = "an ISO 8601 time with its UTC offset (and, in a named zone, the zone's key in brackets)"
_SCALARS = frozenset((str, int, float, bool))
_PREFS = (
    "named fields: a list of [name, value] pairs, each value a text, a number (an integer "
    "within ±(2**53 − 1)), true/false or a list of those"
)
_ZONE_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_+-]{0,30}(?:/[A-Za-z0-9_+-]{1,30}){0,3}")
_ZONES: dict[str, ZoneInfo] = {}  # only keys the time zone database has, so it stays small
_ZONE_SUFFIXES: dict[str, ZoneInfo] = {}  # the same, each key followed by its "]"
_PHASES = {str(phase): phase for phase in Phase}
_fromisoformat = dt.datetime.fromisoformat
_combine = dt.datetime.combine  # (``replace(tzinfo=...)`` costs four times as much)


class _Bad(Exception):
    """A value read from JSON (or about to be written) is not of its kind."""

    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


# The JSON text is parsed by orjson (strict JSON: no NaN or Infinity, no number beyond a
# float's range, UTF-8 without lone surrogates, nesting within 1024 levels), a C parser more
# than twice as fast as the standard library's; reading the events then costs about as much
# again as the parsing. Every error it raises is a json.JSONDecodeError.
_parse = orjson.loads


def json_refusal(exc: json.JSONDecodeError) -> str:
    """Why orjson refused a text, from its message: ``"utf-8"`` (not UTF-8, or a string with a
    lone surrogate), ``"number"`` (a number beyond a float's range: valid JSON, but a number
    no float holds), ``"nested"`` (more than 1024 levels) or ``"json"`` (not JSON). The
    messages are orjson's own (``number is infinity when parsed as double``, ``depth limit
    exceeded``; ``number out of range`` and ``recursion limit`` where it parses with serde)."""
    message = exc.msg.lower()
    if "utf-8" in message:
        return "utf-8"
    if "infinity" in message or "out of range" in message:
        return "number"
    if "depth" in message or "recursion" in message:
        return "nested"
    return "json"


class _Huge:
    """A number of a text that no float holds (what orjson refuses), found by the standard
    library's parser to name its field."""


_HUGE = _Huge()


def _huge(text: str) -> Any:
    return _HUGE if math.isinf(float(text)) else 0


def _huge_number_field(text: str) -> str:
    """The field (``events[1].seq``) of the first number in ``text`` that no float holds, or
    ``events`` when the standard library cannot read the text either."""
    try:
        data = json.loads(text, parse_int=_huge, parse_float=_huge)
    except (ValueError, RecursionError):
        return "events"
    todo: list[tuple[str, Any]] = [("events", data)]
    while todo:
        where, value = todo.pop()
        if value is _HUGE:
            return where
        if isinstance(value, dict):
            todo.extend((f"{where}.{k}", v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            todo.extend((f"{where}[{i}]", v) for i, v in reversed(list(enumerate(value))))
    return "events"


def _shown(value: Any) -> str:
    """``value``'s repr, cut short (a malformed log can hold anything)."""
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:77]}..."


# --- times, dates and preference fields, both ways ---------------------------------------------


def _time_text(value: dt.datetime) -> str:
    """A time as the events' JSON writes it: ISO 8601 with its UTC offset; a time in a named
    zone (a ``zoneinfo.ZoneInfo`` with a key) is followed by the key in brackets, as RFC 9557
    writes it (``2026-03-02T09:00:00+01:00[Europe/Stockholm]``), so that it reads back in its
    zone."""
    zone = value.tzinfo
    if type(zone) is ZoneInfo and zone.key is not None:
        return f"{value.isoformat()}[{zone.key}]"
    return value.isoformat()


def _zone(key: str) -> ZoneInfo:
    zone = _ZONES.get(key)
    if zone is None:
        if not _ZONE_KEY.fullmatch(key):
            raise _Bad(f"{_TIME}: {key!r} is not a time zone key")
        try:
            zone = ZoneInfo(key)
        except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
            raise _Bad(f"{_TIME}: no time zone {key!r}") from None
        _ZONES[key] = zone
        _ZONE_SUFFIXES[f"{key}]"] = zone
    return zone


def _in_range(value: dt.datetime) -> None:
    """Refuse ``value`` unless its Europe/Stockholm date is within the calendar's years."""
    try:
        day = local_date(value)
    except OutOfRangeError:  # year 1 or 9999, whose instant is outside datetime's own range
        day = dt.date.min
    if not _FIRST_DATE <= day <= _LAST_DATE:
        raise _Bad(f"a time whose {TIMEZONE} date is within {_RANGE} (the calendar's years)")


# (zone, ordinal) → its offset (the quick path looks up None for a zone it does not know)
_QUIET: dict[tuple[ZoneInfo | None, int], dt.timezone | None] = {}
_QUIET_SIZE = 4096  # days remembered at most (then forgotten at once, and learnt again)


def _read_time(text: Any) -> dt.datetime:
    """A time :func:`_time_text` wrote; anything else raises ``_Bad`` saying what was expected.

    A zoned time reads back in its zone, kept as the engine keeps it (``commands.aware``); its
    offset must be the zone's at that instant. A time whose Europe/Stockholm date is outside
    the calendar's years 1990–2100 is refused.
    """
    if type(text) is not str:
        raise _Bad(_TIME)
    zone = None
    if text[-1:] == "]":
        text, _, key = text.partition("[")
        key = key[:-1]
        zone = _ZONES.get(key) or _zone(key)
    try:
        fixed = _fromisoformat(text)
    except ValueError:
        raise _Bad(_TIME) from None
    offset = fixed.tzinfo
    if type(offset) is not dt.timezone:
        raise _Bad(f"{_TIME}, not a naive time")
    if not FIRST_YEAR < fixed.year < LAST_YEAR:  # (a wall time of the years between is sure
        _in_range(fixed)  # to have its local date in range)
    if zone is None:
        return fixed
    day = (zone, fixed.toordinal())
    quiet = _QUIET.get(day, False)
    if quiet is False:
        quiet = steady_offset(zone, fixed.date())  # (None: read the long way)
        if FIRST_YEAR < fixed.year < LAST_YEAR:  # (only those: the quick path counts on it)
            if len(_QUIET) >= _QUIET_SIZE:
                _QUIET.clear()
            _QUIET[day] = quiet
    if quiet == offset:  # (a fixed offset equals another of the same offset)
        return _combine(fixed, fixed.time(), zone)  # the same wall time, the one instant it names
    value = fixed.astimezone(zone)
    if value.utcoffset() != fixed.utcoffset():
        raise _Bad(f"{_TIME}: the offset {zone.key} has at that time")
    return aware("at", value)


def _read_date(text: Any) -> dt.date:
    if type(text) is not str:
        raise _Bad("an ISO date (YYYY-MM-DD)")
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        raise _Bad("an ISO date (YYYY-MM-DD)") from None
    if not _FIRST_DATE <= value <= _LAST_DATE:
        raise _Bad(f"a date within {_RANGE} (the calendar's years)")
    return value


def _read_prefs(raw: Any) -> tuple[tuple[str, PrefValue], ...]:
    """Preference fields in the one documented shape, ``[[name, value], ...]``: a mapping, a
    text or a pair of any other length is refused (``{"ab": 1}`` is not the field a = b)."""
    if type(raw) is not list:
        raise _Bad(_PREFS)
    fields = []
    for i, pair in enumerate(raw):
        if type(pair) is not list or len(pair) != 2:
            raise _Bad(f"{_PREFS} (item {i} is not a pair)")
        name, value = pair
        if type(name) is not str or not name or name.isspace():
            raise _Bad(f"{_PREFS} (item {i} is not named by a non-blank text)")
        items = value if type(value) is list else (value,)
        for item in items:
            if type(item) not in _SCALARS or not exchangeable(item):
                raise _Bad(f"{_PREFS} (the value of {name!r} is not one of those)")
        fields.append((name, tuple(value) if type(value) is list else value))
    return tuple(fields)


def _dump_prefs(value: tuple[tuple[str, PrefValue], ...]) -> list[list[Any]]:
    out: list[list[Any]] = []
    for name, item in value:
        items = item if isinstance(item, tuple) else (item,)
        if not all(map(exchangeable, items)):
            raise _Bad(f"{PREF_VALUES} as the value of {name!r} (JSON has no NaN or infinity, "
                       "and carries an integer exactly within ±(2**53 − 1))")
        out.append([name, list(item) if isinstance(item, tuple) else item])
    return out


def _optional(read: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else read(value)


def _dump_time(value: dt.datetime | None) -> str | None:
    return None if value is None else _time_text(value)


# The kinds (commands.ArgKind.name) read and written here rather than by the kind itself: times
# keep their zone and stay in the calendar's years, dates too, preference fields keep one shape.
_READ: Mapping[str, Callable[[Any], Any]] = {
    "aware": _read_time,
    "opt_aware": _optional(_read_time),
    "date": _read_date,
    "opt_date": _optional(_read_date),
    "prefs": _read_prefs,
}
_DUMP: Mapping[str, Callable[[Any], Any]] = {
    "aware": _dump_time,
    "opt_aware": _dump_time,
    "prefs": _dump_prefs,
}


# --- writing -----------------------------------------------------------------------------------


_Dumper = tuple[str, Callable[[Any], Any], Any]


def _dumpers(cls: type[Command]) -> tuple[_Dumper, ...]:
    """Each argument's name, how it is written, and the default at which it is left out (for
    arguments written only when set; else a marker no value equals), for the class ``cls``."""
    found = _DUMPERS.get(cls)
    if found is None:
        found = _DUMPERS[cls] = tuple(
            (f.name, _DUMP.get(f.metadata["kind"].name, f.metadata["kind"].dump),
             f.default if f.metadata.get("written_when_set") else _ALWAYS)
            for f in attrs.fields(cls)
        )
    return found


_ALWAYS = object()
_DUMPERS: dict[type[Command], tuple[_Dumper, ...]] = {}


def _event_to_dict(event: Event, where: str) -> dict[str, Any]:
    args = {}
    for name, dump, unset in _dumpers(type(event.args)):
        value = getattr(event.args, name)
        if value is unset or (unset is not _ALWAYS and value == unset):
            continue
        try:
            args[name] = dump(value)
        except _Bad as exc:
            raise EventFormatError(f"{where}.args.{name}: expected {exc.expected}") from None
    out: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "seq": event.seq,
        "at": _time_text(event.at),
        "command": event.command,
        "args": args,
        "phase": str(event.phase),
        "profile": event.profile,
        "profile_hash": event.profile_hash,
        "unit": event.unit,
        "kva": event.kva,
        "case": event.case_id,
    }
    declaration = event.declaration
    if declaration is not None:
        out["declaration"] = {
            "birth_date": declaration.person.birth_date.isoformat(),
            "guardians": list(declaration.person.guardians),
            "units": dict(declaration.units),
        }
    return out


def events_to_json(events: Iterable[Event]) -> str:
    """The events as a JSON array (each with ``schema``). Strict JSON: a value JSON cannot
    hold (a NaN or infinite preference) raises :class:`EventFormatError` naming the field."""
    items = []
    for i, event in enumerate(events):
        if not isinstance(event, Event):
            raise InputTypeError("events", "sipcore Event objects", event)
        items.append(_event_to_dict(event, f"events[{i}]"))
    return json.dumps(items, ensure_ascii=False, allow_nan=False)


# --- reading: the full path, which names the field -----------------------------------------------


class _Stamps(dict[tuple[str, str], Stamp]):
    """Equal stamps read from one text, shared (a case's events name one profile)."""

    def of(self, key: Any, content_hash: Any) -> Stamp:
        if type(key) is not str or type(content_hash) is not str:
            raise _Bad("a text")
        stamp = self.get((key, content_hash))
        if stamp is None:
            stamp = self[key, content_hash] = Stamp(key, content_hash)
        return stamp


_EVENT_FIELDS = frozenset(
    ("schema", "seq", "at", "command", "args", "phase", "profile", "profile_hash", "unit",
     "kva", "case", "declaration")
)
_DECLARATION_FIELDS = frozenset(("birth_date", "guardians", "units"))


def _field(data: Mapping[str, Any], where: str, name: str, kind: type) -> Any:
    if name not in data:
        raise EventFormatError(f"{where}.{name}: missing")
    value = data[name]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise EventFormatError(f"{where}.{name}: expected {kind.__name__}, got {_shown(value)}")
    return value


def _read(read: Callable[[Any], Any], value: Any, where: str) -> Any:
    try:
        return read(value)
    except _Bad as exc:
        raise EventFormatError(f"{where}: expected {exc.expected}, got {_shown(value)}") from None


def _event_from_dict(data: Any, where: str, stamps: _Stamps) -> Event:
    if not isinstance(data, Mapping):
        raise EventFormatError(f"{where}: expected an object, got {type(data).__name__}")
    schema = _field(data, where, "schema", int)
    if schema not in READABLE_SCHEMAS:
        raise EventFormatError(
            f"{where}.schema: expected one of {', '.join(map(str, READABLE_SCHEMAS))}, got "
            f"{schema!r} (unknown schema)"
        )
    case_id = _field(data, where, "case", str) if schema >= 2 else ""
    if schema >= 2 and not case_id.strip():
        raise EventFormatError(f"{where}.case: expected a non-blank text")
    unknown = sorted(str(name) for name in set(data) - _EVENT_FIELDS)
    if unknown:
        raise EventFormatError(f"{where}.{_shown(unknown[0])[1:-1]}: unknown field")
    command = _field(data, where, "command", str)
    if command not in COMMAND_ARGS:
        raise EventFormatError(f"{where}.command: unknown command {_shown(command)}")
    phase = _field(data, where, "phase", str)
    if phase not in _PHASES:
        raise EventFormatError(f"{where}.phase: unknown phase {_shown(phase)}")
    unit = data.get("unit")
    kva = data.get("kva")
    for name, value in (("unit", unit), ("kva", kva)):
        if value is not None and not isinstance(value, str):
            raise EventFormatError(f"{where}.{name}: expected a text or null")
    fields = (
        _field(data, where, "seq", int),
        _read(_read_time, _field(data, where, "at", str), f"{where}.at"),
        _load_args(command, _field(data, where, "args", dict), f"{where}.args"),
        _PHASES[phase],
        stamps.of(_field(data, where, "profile", str), _field(data, where, "profile_hash", str)),
    )
    declaration = _load_declaration(data.get("declaration"), f"{where}.declaration")
    if declaration is not None:
        return OpeningEvent(*fields, unit, kva, case_id, declaration=declaration)
    return Event(*fields, unit, kva, case_id)


def _load_args(command: str, raw: dict[str, Any], where: str) -> Command:
    cls = COMMAND_ARGS[command]
    fields = {f.name: f for f in attrs.fields(cls)}
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in fields:
            raise EventFormatError(f"{where}.{_shown(name)[1:-1]}: unknown argument of {command}")
        spec: ArgKind = fields[name].metadata["kind"]
        read = _READ.get(spec.name)
        if read is not None:
            values[name] = _read(read, value, f"{where}.{name}")
            continue
        try:
            values[name] = spec.load(value)
        except (TypeError, ValueError):
            raise EventFormatError(f"{where}.{name}: expected {spec.expected}") from None
    try:
        return load(command, values)
    except SipError as exc:
        raise EventFormatError(f"{where}: {exc}") from None


def _load_declaration(raw: Any, where: str) -> Declaration | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise EventFormatError(f"{where}: expected an object")
    unknown = sorted(str(name) for name in set(raw) - _DECLARATION_FIELDS)
    if unknown:
        raise EventFormatError(f"{where}.{_shown(unknown[0])[1:-1]}: unknown field")
    try:
        birth = dt.date.fromisoformat(_field(raw, where, "birth_date", str))
    except ValueError:
        raise EventFormatError(f"{where}.birth_date: expected an ISO date") from None
    guardians = _field(raw, where, "guardians", list)
    units = _field(raw, where, "units", dict)
    if not all(isinstance(g, str) for g in guardians):
        raise EventFormatError(f"{where}.guardians: expected a list of ids")
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in units.items()):
        raise EventFormatError(f"{where}.units: expected unit ids mapped to principals")
    return Declaration(Person(birth, tuple(guardians)), Units.of(units))


# --- reading: the quick path ---------------------------------------------------------------------


class _Slow(Exception):
    """The quick path gives the event up to the full path."""


# What makes the quick path give an event up (the full path then reads it, naming the field):
# an AttributeError, for one, when a list stands where a text belongs (["]"] ends with "]").
_GIVE_UP = (_Slow, _Bad, LookupError, TypeError, ValueError, AttributeError, ArithmeticError)


def _quick_choice(spec: ArgKind, name: str) -> tuple[set[Any], Callable[[Any], None]]:
    """A choice (or any other kind read as it is) checked by the kind's own check: the values
    it accepted, and the check, which remembers each text (and null) it accepts. Only those:
    a number is checked every time (``1``, ``1.0`` and ``true`` are equal, and hash alike)."""
    accepted: set[Any] = set()

    def check(value: Any) -> None:
        if spec.check(name, value) is not value:
            raise _Slow
        if value is None or type(value) is str:
            accepted.add(value)

    return accepted, check


# How the quick path reads each kind of argument, as lines of the reader below ({v}: the
# value). A text or a bool is the argument's value once its type is right (and a required
# text is not blank); ids are a list of distinct non-blank texts, remembered once checked
# (_known_ids); times, dates and preference fields are read as the full path reads them. Any
# other kind (a choice) is checked by the kind's own check (_quick_choice).
_IDS = ("{v} = tuple({v})", "if {v} not in _IDS_KNOWN:", "    _known_ids({v})")
_DATE = ("{v} = _date_of({v})", "if not _FIRST_DATE <= {v} <= _LAST_DATE:", "    raise _Slow")
_QUICK_LINES: Mapping[str, tuple[str, ...]] = {
    "text": ("if type({v}) is not str or not {v} or {v}.isspace():", "    raise _Slow"),
    "opt_text": ("if {v} is not None and type({v}) is not str:", "    raise _Slow"),
    "bool": ("if type({v}) is not bool:", "    raise _Slow"),
    "ids": ("if type({v}) is not list or not {v}:", "    raise _Slow", *_IDS),
    "opt_ids": ("if type({v}) is not list:", "    raise _Slow", *_IDS),
    "maybe_ids": ("if {v} is not None:", "    if type({v}) is not list:", "        raise _Slow",
                  *(f"    {line}" for line in _IDS)),
    "aware": ("{v} = _read_time({v})",),
    "opt_aware": ("if {v} is not None:", "    {v} = _read_time({v})"),
    "date": _DATE,
    "opt_date": ("if {v} is not None:", *(f"    {line}" for line in _DATE)),
    "prefs": ("{v} = _read_prefs({v})",),
}
_IDS_KNOWN: set[tuple[str, ...]] = set()  # lists of ids read before, each of distinct texts
_IDS_KNOWN_SIZE = 4096  # at most (then forgotten at once, and learnt again)


def _known_ids(ids: tuple[Any, ...]) -> None:
    """Remember ``ids`` (a list of ids read from JSON, as a tuple) when every one is a
    non-blank text and none is repeated; else give the event up."""
    # str.strip refuses anything but a text (TypeError), and gives "" for a blank one.
    if len(set(ids)) != len(ids) or not all(map(str.strip, ids)):
        raise _Slow
    if len(_IDS_KNOWN) >= _IDS_KNOWN_SIZE:
        _IDS_KNOWN.clear()
    _IDS_KNOWN.add(ids)


_CHOICE_LINES = ("if {v} not in {v}_accepted:", "    {v}_check({v})")


def _quick_reader(command: str) -> Callable[[Any], Command]:
    """The function that reads the arguments of ``command`` in the form events_to_json writes
    them, and gives up (``_Slow``, or another of ``_GIVE_UP``) at the first doubt: written out
    for the command's fields, each checked in line, the class called with each by name.

    An argument added after the events' first schema (``written_when_set``) may be left out,
    at its default; while every such argument has its default the lean class is built
    (``commands.lean_of``), as ``commands.load`` builds it.
    """
    cls = COMMAND_ARGS[command]
    fields = attrs.fields(cls)
    space: dict[str, Any] = {
        "_Slow": _Slow, "_IDS_KNOWN": _IDS_KNOWN, "_known_ids": _known_ids,
        "_read_time": _read_time, "_date_of": dt.date.fromisoformat, "_FIRST_DATE": _FIRST_DATE,
        "_LAST_DATE": _LAST_DATE, "_read_prefs": _read_prefs,
        "_ABSENT": _ABSENT, "cls": cls,
    }
    if not fields:
        space["empty"] = load(command, {})
        body = ["if type(raw) is not dict or raw:", "    raise _Slow", "return empty"]
    else:
        always = [(f"v{i}", f) for i, f in enumerate(fields)
                  if not f.metadata.get("written_when_set")]
        later = [(f"v{i}", f) for i, f in enumerate(fields) if f.metadata.get("written_when_set")]
        body = ["if type(raw) is not dict:", "    raise _Slow"]
        if not later:
            body += [f"if len(raw) != {len(always)}:", "    raise _Slow"]
        body += [f"{v} = raw[{f.name!r}]" for v, f in always]
        checks: list[str] = []
        for v, f in always:
            checks += _lines_of(v, f, space)
        if later:
            # Most events leave every later argument out: then the object holds the others only.
            body += [f"if len(raw) == {len(always)}:"]
            body += [f"    {v} = {v}_default" for v, f in later]
            body += ["    lean_ok = True", "else:", f"    n = {len(always)}"]
            for v, f in later:
                if isinstance(f.default, attrs.Factory):  # type: ignore[arg-type]
                    raise TypeError(f"{command}.{f.name}: a default value, not a factory")
                space[f"{v}_default"] = f.default
                body += [f"    {v} = raw.get({f.name!r}, _ABSENT)", f"    if {v} is _ABSENT:",
                         f"        {v} = {v}_default", "    else:", "        n += 1"]
                body += [f"        {line}" for line in _lines_of(v, f, space)]
            body += ["    if len(raw) != n:", "        raise _Slow"]
            same = " and ".join(
                f"{v} is {v}_default" if f.default is None or type(f.default) is bool
                else f"{v} == {v}_default" for v, f in later)
            body += [f"    lean_ok = {same}"]
        body += checks
        if "cross_check" in vars(cls):
            space["cross_check"] = cls.cross_check
            values = ", ".join(f"{f.name!r}: {v}" for v, f in always + later)
            body.append(f"cross_check({{{values}}})")
        named = ", ".join(f"{f.name}={v}" for v, f in always)
        if later:
            space["lean"] = lean_of(cls)[1]
            body += ["if lean_ok:", f"    return lean({named})"]
            named = ", ".join(f"{f.name}={v}" for v, f in always + later)
        body.append(f"return cls({named})")
    source = "def read(raw):\n" + "".join(f"    {line}\n" for line in body)
    exec(compile(source, f"<sipcore.events: the quick reader of {command}>", "exec"), space)
    read: Callable[[Any], Command] = space["read"]
    read.__qualname__ = f"_quick_reader.<{command}>"
    return read


_ABSENT = object()


def _lines_of(v: str, f: attrs.Attribute[Any], space: dict[str, Any]) -> list[str]:
    kind: ArgKind = f.metadata["kind"]
    lines = _QUICK_LINES.get(kind.name)
    if lines is None:
        space[f"{v}_accepted"], space[f"{v}_check"] = _quick_choice(kind, f.name)
        lines = _CHOICE_LINES
    return [line.format(v=v) for line in lines]


# Each command's reader, and how many fields its event holds (the opening event also has its
# declaration): written out on the first event of the command that is read, not at import.
_QUICK: dict[str, tuple[Callable[[Any], Command], int]] = {}


def _quick_of(command: str) -> tuple[Callable[[Any], Command], int]:
    """The reader of ``command`` and its event's size (an unknown command: ``KeyError``)."""
    found = _QUICK[command] = (_quick_reader(command), 12 if command == "open_case" else 11)
    return found
_get_event = operator.itemgetter(
    "schema", "seq", "at", "command", "args", "phase", "profile", "profile_hash", "unit", "kva",
    "case",
)


def _quick_declaration(raw: Any) -> Declaration:
    if type(raw) is not dict or len(raw) != len(_DECLARATION_FIELDS):
        raise _Slow
    guardians = raw["guardians"]
    units = raw["units"]
    if type(guardians) is not list or type(units) is not dict:
        raise _Slow
    for value in (*guardians, *units.values()):
        if type(value) is not str:
            raise _Slow
    birth = dt.date.fromisoformat(raw["birth_date"])
    return Declaration(Person(birth, tuple(guardians)), Units.of(units))


class _Filling:
    """An :class:`Event` as the quick path fills it in: a plain class of the same slots, whose
    instance becomes an ``Event`` once each field is stored (by ``__class__`` assignment, which
    Python allows between classes of one layout). ``Event.__init__`` does nothing but store
    the fields (no default is left to fill, no validator, converter or post-init:
    tests/test_events.py keeps it so), and each store through a frozen class's
    ``object.__setattr__`` costs three times as much as a plain one."""

    __slots__ = tuple(field.name for field in attrs.fields(Event))


_E = TypeVar("_E", bound=Event | None)
_NO_STAMP = Stamp("", "")  # (never given to an event: the first is read before it is used)


def _quick_events(
    items: list[Any], stamps: _Stamps, slow: Callable[[Any, int, _Stamps], _E]
) -> list[Event | _E]:
    """The events, each read by the quick path when it is exactly in the form events_to_json
    writes, else by ``slow`` (given the item, its index and the stamps)."""
    events: list[Event | _E] = []
    append = events.append
    quick = _QUICK
    phases = _PHASES
    read_time = _read_time
    fromisoformat = _fromisoformat
    combine = _combine
    timezone = dt.timezone
    zones = _ZONE_SUFFIXES
    quiet = _QUIET
    new = object.__new__
    filling = _Filling
    event_class = Event
    last_case: Any = _ABSENT
    last_key: Any = _ABSENT
    last_hash: Any = _ABSENT
    stamp = _NO_STAMP
    for item in items:
        try:
            (schema, seq, at, command, args, phase, key, content_hash, unit, kva,
             case_id) = _get_event(item)
            entry = quick.get(command)  # (a command that is no text: TypeError, given up)
            read, size = _quick_of(command) if entry is None else entry
            if (
                type(seq) is not int
                or type(schema) is not int
                or schema != SCHEMA_VERSION
                or len(item) != size
                or (unit is not None and type(unit) is not str)
                or (kva is not None and type(kva) is not str)
            ):
                raise _Slow
            if case_id != last_case:  # (the same in every event of a case)
                if type(case_id) is not str or not case_id or case_id.isspace():
                    raise _Slow
                last_case = case_id
            if key != last_key or content_hash != last_hash:  # (a case names one profile)
                stamp = stamps.of(key, content_hash)
                last_key, last_hash = key, content_hash
            # The time, as _read_time reads it, in line while it is plainly in range; any
            # other is read by _read_time itself.
            if at[-1] == "]":  # a zoned time: the zone's key in brackets ("" is an IndexError)
                head, _, zone_key = at.partition("[")
                zone = zones.get(zone_key)  # (keys read before, each with its "]")
                when = fromisoformat(head)
                offset = when.tzinfo
                # A day remembered is of the years between FIRST_YEAR and LAST_YEAR (_read_time),
                # whose wall times are in range; an unknown zone or day is None.
                if type(offset) is not timezone or quiet.get((zone, when.toordinal())) != offset:
                    when = read_time(at)
                else:
                    when = combine(when, when.time(), zone)
            else:
                when = fromisoformat(at)
                if type(when.tzinfo) is not timezone or not FIRST_YEAR < when.year < LAST_YEAR:
                    when = read_time(at)
            if size == 12:
                append(OpeningEvent(seq, when, read(args), phases[phase], stamp, unit, kva,
                                    case_id,
                                    declaration=_quick_declaration(item["declaration"])))
            else:
                event: Any = new(filling)  # (see _Filling)
                event.seq = seq
                event.at = when
                event.args = read(args)
                event.phase = phases[phase]
                event.decided_under = stamp
                event.unit = unit
                event.kva = kva
                event.case_id = case_id
                event.__class__ = event_class
                append(event)
            continue
        except _GIVE_UP:
            pass
        append(slow(item, len(events), stamps))
    return events


def _given_up(item: Any, index: int, stamps: _Stamps) -> None:
    return None


def _quick_event(data: Any, stamps: _Stamps) -> Event | None:
    """The event, when ``data`` is exactly in the form events_to_json writes; else None."""
    return _quick_events([data], stamps, _given_up)[0]


def _full_event(item: Any, index: int, stamps: _Stamps) -> Event:
    return _event_from_dict(item, f"events[{index}]", stamps)


def events_from_json(text: str | bytes) -> list[Event]:
    """Events from :func:`events_to_json`; malformed JSON is refused naming the field.

    Strict JSON only (no ``NaN`` or ``Infinity``), at most :data:`MAX_JSON_CHARS` characters;
    every error is an :class:`EventFormatError`.
    """
    if not isinstance(text, str):
        if not isinstance(text, bytes | bytearray):
            raise EventFormatError(f"events: expected a JSON text, got {type(text).__name__}")
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError:
            raise EventFormatError("events: not JSON (not UTF-8 text)") from None
    if len(text) > MAX_JSON_CHARS:
        raise EventFormatError(
            f"events: longer than {MAX_JSON_CHARS:,} characters (sipcore.events.MAX_JSON_CHARS)"
        )
    try:
        raw = _parse(text)
    except json.JSONDecodeError as exc:  # (orjson's is one too)
        refused = json_refusal(exc)
        if refused == "nested":  # (orjson allows 1024 levels)
            raise EventFormatError(
                f"events: nested too deeply (a valid text nests {MAX_DEPTH} levels)"
            ) from None
        if refused == "number":  # valid JSON, but no float holds it: the parser stops there
            raise EventFormatError(
                f"{_huge_number_field(text)}: a number beyond a float's range, at line "
                f"{exc.lineno}, column {exc.colno}"
            ) from None
        raise EventFormatError(f"events: not JSON ({exc.msg} at line {exc.lineno})") from None
    if type(raw) is not list:
        raise EventFormatError("events: expected a JSON array of events")
    events = _quick_events(raw, _Stamps(), _full_event)
    if events and not events[0].case_id:  # schema 1: the identity its opening event gives
        first = events[0]
        if not isinstance(first, OpeningEvent):
            raise EventFormatError("events[0]: expected the open_case event with a declaration")
        derived = derived_case_id(first)
        events = [e if e.case_id else attrs.evolve(e, case_id=derived) for e in events]
    return events


def derived_case_id(opening: OpeningEvent) -> str:
    """The identity sipcore gives a case whose caller names none: a UUID made from what its
    opening event records (when, by which unit, under which profile, for whom), the same every
    time the same opening is read."""
    return case_id_for(opening.at, opening.unit, opening.profile, opening.declaration)


def case_id_for(
    at: dt.datetime, unit: str | None, profile: str, declaration: Declaration | None
) -> str:
    """:func:`derived_case_id` of an opening at ``at`` by ``unit`` under ``profile``
    (``id@version``) with ``declaration``, before its event is made."""
    assert declaration is not None  # an opening event has one
    person = declaration.person
    text = _ID_TEXT.encode([
        at.isoformat(), unit, profile, person.birth_date.isoformat(),
        list(person.guardians), dict(declaration.units),
    ])
    return str(uuid.uuid5(_CASE_NAMESPACE, text))


_ID_TEXT = json.JSONEncoder(ensure_ascii=False)  # as json.dumps(..., ensure_ascii=False)
_CASE_NAMESPACE = uuid.UUID("5b0c7d3e-6f0a-5c8e-9a51-2d1f4e6b7c80")
