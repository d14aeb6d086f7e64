"""A case over JSON: the stateless decisions that ``sipcore serve`` answers, without the server.

A caller sends a case's events (as :func:`sipcore.events_to_json` writes them) and a command;
the case is replayed (:meth:`SipCase.replay`), the command decided, and the answer is JSON:
the new events and the advice, or the refusal with every finding. Nothing is stored. The
same functions serve a vendor who wants the JSON forms in-process.

Bad input raises the library's errors with the field at fault: :class:`InputError` whose
``argument`` is the field as the request names it (``at``, ``args.meeting_at``, ``command``),
or :class:`EventFormatError` whose message starts with it (``events[2].at: …``).

JSON values of a command's arguments become the Python values the command takes by each
argument's declared kind in :mod:`sipcore.commands` (the same kinds that read an event's
arguments back): times with an offset and dates from ISO text, ids from arrays.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import typing
from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from sipcore.case import SipCase
from sipcore.commands import COMMAND_ARGS
from sipcore.errors import (
    EventFormatError,
    Finding,
    InputError,
    InputTypeError,
    OutOfRangeError,
)
from sipcore.events import Event, events_from_json, json_refusal
from sipcore.plain import plain
from sipcore.schema import DECISION_FORMAT, ZONE_KEY, argument_types, command_fields

__all__ = [
    "allowed",
    "case_view",
    "decide",
    "explain",
    "field_of",
    "finding_json",
    "liability",
    "obligations",
    "only",
    "parse_body",
    "profile_json",
    "replay",
    "rule_json",
    "view",
]

_AWARE = ("a date and time with an offset, e.g. 2026-12-21T09:00:00+01:00 (and its zone's key "
          "in brackets, if it has one: 2026-12-21T09:00:00+01:00[Europe/Stockholm])")
_COMMANDS = tuple(c for c in COMMAND_ARGS if c != "open_case")


# --- reading a request ---------------------------------------------------------------------------


_BOM = b"\xef\xbb\xbf"
_UTF8 = "UTF-8 text (RFC 8259 §8.1)"


def parse_body(raw: bytes) -> dict[str, Any]:
    """The request body as a JSON object; anything else is refused naming ``body``: a body
    that is not UTF-8 (UTF-16 and UTF-32 included), a number beyond a float's range, nesting
    deeper than 1024 levels, a text that is not JSON, a value that is not an object. A UTF-8
    byte order mark before the text is ignored (RFC 8259 §8.1 lets a parser ignore one)."""
    if raw[:3] == _BOM:
        raw = raw[3:]
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise _not_parsed(raw, exc) from None
    if not isinstance(data, dict):
        raise InputTypeError("body", "a JSON object", type(data).__name__)
    return data


def _not_parsed(raw: bytes, exc: orjson.JSONDecodeError) -> InputError:
    """Why ``raw`` is not a JSON object, from orjson's refusal ``exc``."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return InputError("body", _UTF8, "UTF-16 or UTF-32 (by its byte order mark)")
    if b"\x00" in raw[:4]:  # a JSON text opens with an ASCII character: one zero byte or more
        return InputError("body", _UTF8, "UTF-16 or UTF-32 (by its zero bytes)")
    refused = json_refusal(exc)
    if refused == "utf-8":
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as bad:
            return InputError("body", _UTF8, f"not UTF-8 (the byte 0x{raw[bad.start]:02x} "
                              f"at offset {bad.start})")
        return InputError("body", "a JSON object", f"not JSON ({exc.msg})")  # (not expected)
    where = f"at line {exc.lineno}, column {exc.colno}"
    if refused == "number":
        return InputError("body", "a JSON object", f"a number beyond a float's range, {where}")
    if refused == "nested":
        return InputError("body", "a JSON object", "nested too deeply (more than 1024 levels)")
    return InputError("body", "a JSON object", f"not JSON ({exc.msg}, {where})")


def only(body: Mapping[str, Any], allowed: tuple[str, ...], required: tuple[str, ...]) -> None:
    """Refuse a field of the request that is not ``allowed``, and a ``required`` one missing."""
    if not isinstance(body, Mapping):
        raise InputTypeError("body", "a JSON object", type(body).__name__)
    for name in body:
        if name not in allowed:
            # a name that is not a plain identifier (blank, with a colon…) is shown quoted
            shown = name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else repr(name)
            raise InputError(shown, f"a field of the request (one of: {', '.join(allowed)})")
    for name in required:
        if name not in body:
            raise InputError(name, "a field the request must have")


def _datetime(field: str, value: Any) -> dt.datetime:
    """A time from its text: RFC 3339 with its offset, and optionally its zone's key in
    brackets (RFC 9557, as the events write a zoned time), whose offset it must have then."""
    if not isinstance(value, str):
        raise InputTypeError(field, _AWARE, value)
    text, zone = value, None
    if value.endswith("]") and "[" in value:
        text, _, key = value[:-1].partition("[")
        zone = _zone(field, key, value)
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InputError(field, _AWARE, value) from None
    if parsed.utcoffset() is None:
        raise InputError(field, _AWARE + " (not a naive time)", value)
    _in_range(field, parsed, value)
    if zone is None:
        return parsed
    zoned = parsed.astimezone(zone)
    if zoned.utcoffset() != parsed.utcoffset():
        raise InputError(field, f"the offset {zone.key} has at that time", value)
    return zoned


def _zone(field: str, key: str, given: str) -> ZoneInfo:
    if re.fullmatch(ZONE_KEY, key):
        try:
            return ZoneInfo(key)
        except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
            pass
    raise InputError(field, "a time zone of the time zone database in brackets, e.g. "
                     "[Europe/Stockholm]", given)


@functools.cache
def _time_fields(command: str) -> frozenset[str]:
    """The arguments of ``command`` that are times (by their declared types)."""
    hints = argument_types(command)
    return frozenset(
        f.name for f in command_fields(command, decided=False)
        if dt.datetime in (hints[f.name], *typing.get_args(hints[f.name]))
    )


_TOO_FAR = OutOfRangeError("args", "dates from which deadlines can be computed (well within "
                           "the years 1–9999)")
_MARGIN = dt.timedelta(days=2)  # a local date, and a deadline's first days, stay computable


def _in_range(field: str, value: dt.datetime, given: Any) -> dt.datetime:
    """``value``, if dates around it can be computed (Python's datetimes end at the years 1
    and 9999: a time at either end would overflow on the way to its local date)."""
    try:
        value.astimezone(dt.UTC)
        value + _MARGIN
        value - _MARGIN
    except OverflowError:
        raise OutOfRangeError(field, "a time well within the years 1–9999", given) from None
    return value


def replay(events: Any) -> SipCase:
    """The case that ``events`` (decoded JSON: an array of events) record."""
    if not isinstance(events, list):
        raise InputTypeError("events", "an array of events", type(events).__name__)
    if not events:
        raise InputError("events", "at least the case's open_case event")
    try:  # (the reader's quick path reads the text events_to_json writes)
        text = json.dumps(events, ensure_ascii=False, allow_nan=False)
    except (ValueError, RecursionError):
        raise EventFormatError("events: expected events without NaN or deep nesting") from None
    history = events_from_json(text)
    _check_declared(history)
    try:
        return SipCase.replay(history)
    except OverflowError:  # a deadline past the year 9999
        raise EventFormatError("events: expected dates from which deadlines can be computed "
                               "(well within the years 1–9999)") from None


@functools.cache
def _unit_fields(command: str) -> tuple[str, ...]:
    return tuple(f.name for f in command_fields(command, decided=True) if f.metadata["unit"])


def _check_declared(history: list[Event]) -> None:
    """Every unit an event names is one the case declares: an event of another case, which
    names that case's units, is not part of this history."""
    declaration = history[0].declaration
    if declaration is None:
        return  # the replay refuses a history that does not open with a declaration
    declared = declaration.units
    for i, event in enumerate(history):
        named = [("unit", event.unit)] if event.unit is not None else []
        for name in _unit_fields(event.command):
            value = getattr(event.args, name)
            units = (value,) if isinstance(value, str) else value or ()
            named.extend((f"args.{name}", unit) for unit in units)
        for where, unit in named:
            if unit not in declared:
                raise EventFormatError(
                    f"events[{i}].{where}: {unit!r} is not a unit events[0] declares "
                    f"({', '.join(declared)}): an event of another case?"
                )


def _arguments(command: str, raw: Any) -> dict[str, Any]:
    """The keyword arguments of ``command`` from their JSON values, by each argument's kind."""
    if not isinstance(raw, dict):
        raise InputTypeError("args", "a JSON object of the command's arguments",
                             type(raw).__name__)
    fields = {f.name: f for f in command_fields(command, decided=False)}
    if any(f.metadata["kind"].name == "prefs" for f in fields.values()):
        return dict(raw)  # free fields (place, interpreter, …): the command checks them
    args = {}
    for name, value in raw.items():
        field = fields.get(name)
        if field is None:  # the command refuses it, listing its arguments
            args[name] = value
            continue
        if name in _time_fields(command) and value is not None:
            args[name] = _datetime(f"args.{name}", value)
            continue
        spec = field.metadata["kind"]
        try:
            args[name] = spec.load(value)
        except (TypeError, ValueError, AttributeError):
            raise InputTypeError(f"args.{name}", spec.expected, value) from None
    return args


def field_of(argument: str) -> str:
    """The request's name for an argument a command names: ``at`` and ``command`` stay; an
    argument of the command, or a free field of ``record_preferences``, is under ``args``."""
    if argument in ("at", "command"):
        return argument
    if argument == "fields":
        return "args"
    return "args." + argument.removeprefix("fields.")


def _located(exc: InputError, body: Mapping[str, Any]) -> InputError:
    """``exc`` under the request's name for the field, with the value as the request gave it
    (not the Python value it became)."""
    field = field_of(exc.argument)
    args = body.get("args")
    given = body.get(field) if field in body else exc.got
    if field.startswith("args.") and isinstance(args, dict):
        given = args.get(field.removeprefix("args."), exc.got)
    kind = InputTypeError if isinstance(exc, InputTypeError) else InputError
    return kind(field, exc.expected, given)


# --- deciding ------------------------------------------------------------------------------------


def finding_json(finding: Finding) -> dict[str, Any]:
    """A finding as JSON: its rule id, level, both messages, sources and structured detail."""
    return finding.to_dict()


def _refusal_kind(findings: tuple[Finding, ...]) -> str | None:
    if not findings:
        return None
    if any(f.level == "must" for f in findings):
        return "rule_violation"
    if [f.rule_id for f in findings] == ["transition.not_allowed"]:
        return "transition_not_allowed"
    return "refusal"


def _decision(
    case: SipCase,
    command: str,
    at: dt.datetime,
    events: Iterable[Event],
    advice: Iterable[Finding],
    findings: tuple[Finding, ...],
) -> dict[str, Any]:
    new = [e.to_dict() for e in events]
    return {
        "format": DECISION_FORMAT,
        "command": command,
        "at": at.isoformat(),
        "allowed": not findings,
        "refusal": _refusal_kind(findings),
        "phase": new[-1]["phase"] if new else str(case.phase),
        "profile": case.profile.key,
        "events": new,
        "advice": [finding_json(f) for f in advice],
        "failed": [finding_json(f) for f in findings],
    }


def decide(body: Mapping[str, Any]) -> tuple[SipCase, dict[str, Any]]:
    """Replay ``body["events"]``, decide ``body["command"]`` at ``body["at"]`` with
    ``body["args"]``, and answer the decision (:data:`~sipcore.schema.DECISION_FORMAT`).
    The case's own ``check`` decides (it applies nothing: nothing is kept here to apply to);
    an allowed decision holds the events the command records, for the caller to store."""
    only(body, ("events", "command", "at", "args"), ("events", "command", "at"))
    case = replay(body["events"])
    command = body["command"]
    if not isinstance(command, str) or command not in _COMMANDS:
        raise InputError("command", f"a command of an open case (one of: {', '.join(_COMMANDS)})",
                         command)
    at = _datetime("at", body["at"])
    args = _arguments(command, body.get("args", {}))
    try:
        decided = case.check(command, at=at, **args)
    except InputError as exc:
        raise _located(exc, body) from None
    except OverflowError:  # a deadline past the year 9999
        raise _TOO_FAR from None
    return case, _decision(case, command, at, decided.events, decided.advice, decided.failed)


def obligations(body: Mapping[str, Any]) -> tuple[SipCase, dict[str, Any]]:
    """Every obligation of the case that ``body["events"]`` record, as of ``body["as_of"]``."""
    only(body, ("events", "as_of"), ("events", "as_of"))
    case = replay(body["events"])
    as_of = _datetime("as_of", body["as_of"])
    try:
        found = case.obligations(as_of)
    except OverflowError:
        raise _TOO_FAR from None
    return case, {
        "as_of": as_of.isoformat(),
        "profile": case.profile.key,
        "obligations": [plain(o) for o in found],
    }


def liability(body: Mapping[str, Any]) -> tuple[SipCase, dict[str, Any]]:
    """The municipality's payment liability for the case that ``body["events"]`` record, as of
    ``body["as_of"]`` (Lag (2017:612) 5 kap. 3–4 §§): from which day, how many days, or which
    step is missing, with its section and the texts in Swedish and English."""
    only(body, ("events", "as_of"), ("events", "as_of"))
    case = replay(body["events"])
    as_of = _datetime("as_of", body["as_of"])
    found = case.payment_liability(as_of)
    return case, {
        **found.to_dict(), "profile": case.profile.key,
        "text_sv": found.describe("sv"), "text_en": found.describe("en"),
    }


def allowed(body: Mapping[str, Any]) -> tuple[SipCase, dict[str, Any]]:
    """The commands the case's phase allows at ``body["at"]``, each with the rules it would
    check (``case.allowed``): what a journal system greys out, and why."""
    only(body, ("events", "at"), ("events", "at"))
    case = replay(body["events"])
    at = _datetime("at", body["at"])
    commands = case.allowed(at)
    return case, {"at": at.isoformat(), "phase": str(case.phase),
                  "allowed": {command: list(rules) for command, rules in commands.items()}}


def view(body: Mapping[str, Any]) -> tuple[SipCase, dict[str, Any]]:
    """The case that ``body["events"]`` record, as JSON (:func:`case_view`)."""
    only(body, ("events",), ("events",))
    case = replay(body["events"])
    return case, case_view(case)


def explain(body: Mapping[str, Any]) -> tuple[SipCase, dict[str, Any]]:
    """Why event ``body["seq"]`` of the case was allowed (the case's ``explain``)."""
    only(body, ("events", "seq"), ("events", "seq"))
    case = replay(body["events"])
    seq = body["seq"]
    if type(seq) is not int or not 1 <= seq <= len(case.events):
        raise InputError("seq", f"the number of one of the case's events (1–{len(case.events)})",
                         seq)
    return case, case.explain(case.events[seq - 1]).to_dict()


# --- JSON views ----------------------------------------------------------------------------------


def case_view(case: SipCase) -> dict[str, Any]:
    """The case as JSON: every field of :meth:`SipCase.snapshot` (which holds Python objects)
    as JSON values. Two cases are equal when their snapshots (and so their views) are."""
    view = {name.lstrip("_"): value for name, value in case.snapshot().items()}
    key, content_hash = case.profile.key, case.profile.content_hash
    view["profile"] = {"key": key, "content_hash": content_hash}
    return view


def profile_json(profile: Any) -> dict[str, Any]:
    """One profile version: its identity, every parameter and the level of its rules."""
    from sipcore.profiles import PARAMETERS

    return {
        "key": profile.key,
        "id": profile.id,
        "version": profile.version,
        "name": profile.name,
        "valid_from": profile.valid_from.isoformat(),
        "last_reviewed": profile.last_reviewed.isoformat(),
        "extends": profile.extends,
        "content_hash": profile.content_hash,
        "rule_levels": dict(profile.rule_levels),
        "parameters": {name: plain(getattr(profile, name)) for name in PARAMETERS},
        "sources": dict(profile.sources),
    }


def refusal_json(refusal_id: str, profiles: Iterable[Any]) -> dict[str, Any]:
    """A refusal id that is not a rule (``transition.not_allowed``, ``case.time_order``,
    ``invitation.not_invited``) in the shape of a rule: level ``refusal`` in every profile, no
    sources (the contract's order of checks, DOMAIN.md §4, is where it comes from)."""
    from sipcore import states
    from sipcore.catalogue import REFUSALS

    text_sv, text_en = REFUSALS[refusal_id]
    commands = ["answer_invitation"] if refusal_id == "invitation.not_invited" else sorted(
        states.COMMANDS)
    return {
        "id": refusal_id, "level": "refusal", "summary_sv": text_sv, "summary_en": text_en,
        "sources": [], "commands": commands, "levels": {p.key: "refusal" for p in profiles},
    }


def rule_json(rule: Any, profiles: Iterable[Any]) -> dict[str, Any]:
    """One rule: its wording, its sources, the commands it guards and its level in each
    profile version."""
    from sipcore.catalogue import commands_guarded

    return {
        "id": rule.id,
        "level": rule.level,
        "summary_sv": rule.summary_sv,
        "summary_en": rule.summary_en,
        "sources": [s.to_dict() for s in rule.sources],
        "commands": list(commands_guarded(rule.id)),
        "levels": {p.key: p.rule_levels.get(rule.id, rule.level) for p in profiles},
    }
