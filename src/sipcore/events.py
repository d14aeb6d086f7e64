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
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from sipcore.commands import COMMAND_ARGS, ArgKind, Command, load
from sipcore.consent import Person
from sipcore.errors import EventFormatError, SipError
from sipcore.process import Units
from sipcore.profiles import Stamp
from sipcore.states import Phase

__all__ = [
    "SCHEMA_VERSION",
    "Declaration",
    "Event",
    "OpeningEvent",
    "events_from_json",
    "events_to_json",
]

SCHEMA_VERSION = 1


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

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (see :func:`events_to_json`)."""
        out: dict[str, Any] = {
            "schema": SCHEMA_VERSION,
            "seq": self.seq,
            "at": self.at.isoformat(),
            "command": self.command,
            "args": {
                f.name: f.metadata["kind"].dump(getattr(self.args, f.name))
                for f in attrs.fields(type(self.args))
                if not f.metadata["added"] or getattr(self.args, f.name) != f.default
            },
            "phase": str(self.phase),
            "profile": self.profile,
            "profile_hash": self.profile_hash,
            "unit": self.unit,
            "kva": self.kva,
        }
        if isinstance(self, OpeningEvent):
            person = self.declaration.person
            out["declaration"] = {
                "birth_date": person.birth_date.isoformat(),
                "guardians": list(person.guardians),
                "units": dict(self.declaration.units),
            }
        return out

    @classmethod
    def from_dict(
        cls, data: Any, where: str = "event", stamps: _Stamps | None = None
    ) -> Event:
        """Rebuild an event from :meth:`to_dict`'s form; a malformed field is named."""
        if not isinstance(data, Mapping):
            raise EventFormatError(f"{where}: expected an object, got {type(data).__name__}")
        schema = _field(data, where, "schema", int)
        stamps = _Stamps() if stamps is None else stamps
        if schema != SCHEMA_VERSION:
            raise EventFormatError(
                f"{where}.schema: expected {SCHEMA_VERSION}, got {schema!r} (unknown schema)"
            )
        expected = {"schema", "seq", "at", "command", "args", "phase", "profile",
                    "profile_hash", "unit", "kva", "declaration"}
        unknown = sorted(set(data) - expected)
        if unknown:
            raise EventFormatError(f"{where}.{unknown[0]}: unknown field")
        command = _field(data, where, "command", str)
        if command not in COMMAND_ARGS:
            raise EventFormatError(f"{where}.command: unknown command {command!r}")
        phase = _field(data, where, "phase", str)
        if phase not in Phase.__members__.values():
            raise EventFormatError(f"{where}.phase: unknown phase {phase!r}")
        unit = data.get("unit")
        kva = data.get("kva")
        for name, value in (("unit", unit), ("kva", kva)):
            if value is not None and not isinstance(value, str):
                raise EventFormatError(f"{where}.{name}: expected a text or null")
        try:
            at = dt.datetime.fromisoformat(_field(data, where, "at", str))
        except ValueError:
            raise EventFormatError(f"{where}.at: expected an ISO datetime") from None
        if at.utcoffset() is None:
            raise EventFormatError(f"{where}.at: expected a datetime with an offset, not naive")
        fields = (
            _field(data, where, "seq", int),
            at,
            _load_args(command, _field(data, where, "args", dict), f"{where}.args"),
            Phase(phase),
            stamps.get(Stamp(_field(data, where, "profile", str),
                             _field(data, where, "profile_hash", str))),
        )
        declaration = _load_declaration(data.get("declaration"), f"{where}.declaration")
        if declaration is not None:
            return OpeningEvent(*fields, unit, kva, declaration=declaration)
        return Event(*fields, unit, kva)


@attrs.frozen(weakref_slot=False)
class OpeningEvent(Event):
    """The ``open_case`` event, which also carries the case's declaration."""

    declaration: Declaration = attrs.field(kw_only=True)


class _Stamps(dict[Stamp, Stamp]):
    """Equal stamps read from one text, shared (a case's events name one profile)."""

    def get(self, stamp: Stamp) -> Stamp:  # type: ignore[override]
        return self.setdefault(stamp, stamp)


def _field(data: Mapping[str, Any], where: str, name: str, kind: type) -> Any:
    if name not in data:
        raise EventFormatError(f"{where}.{name}: missing")
    value = data[name]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise EventFormatError(f"{where}.{name}: expected {kind.__name__}, got {value!r}")
    return value


def _load_args(command: str, raw: dict[str, Any], where: str) -> Command:
    cls = COMMAND_ARGS[command]
    fields = {f.name: f for f in attrs.fields(cls)}
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in fields:
            raise EventFormatError(f"{where}.{name}: unknown argument of {command}")
        spec: ArgKind = fields[name].metadata["kind"]
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


def events_to_json(events: Iterable[Event]) -> str:
    """The events as a JSON array (each with ``schema``)."""
    return json.dumps([e.to_dict() for e in events], ensure_ascii=False)


def events_from_json(text: str) -> list[Event]:
    """Events from :func:`events_to_json`; malformed JSON is refused naming the field."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EventFormatError(f"events: not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(raw, list):
        raise EventFormatError("events: expected a JSON array of events")
    stamps = _Stamps()
    return [Event.from_dict(item, f"events[{i}]", stamps) for i, item in enumerate(raw)]
