"""JSON Schemas (draft 2020-12) of what sipcore reads and writes as JSON.

A system that is not written in Python validates with these what it stores and sends:

- ``events.schema.json``: a case's events as :func:`sipcore.events_to_json` writes them
  (``event.schema.json``: one of them);
- ``command.schema.json``: a command as the HTTP service takes it (``command``, ``at`` and
  ``args``), with each command's arguments under ``$defs`` (``command_args.<name>``);
- ``decision.schema.json``: the service's answer to a command (the new events and the advice,
  or the refusal with every failed rule);
- ``explanation.schema.json``: why an event was allowed (``"format": "sipcore.explanation/1"``);
- ``scenario.schema.json``: a scenario file (DOMAIN.md §9) once read from TOML, with its dates
  and times written as RFC 3339 text;
- ``problem.schema.json``: the service's answer to bad input (RFC 9457 problem details).

The arguments of every command are read from the argument classes of :mod:`sipcore.commands`
(their declared types and kinds), not written here by hand: a new command or argument appears
in the schemas by itself. :func:`schemas` builds every document; :func:`write_schemas` writes
them (``sipcore schema OUTDIR``).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import types
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from sipcore.commands import COMMAND_ARGS, ArgKind
from sipcore.errors import InputError

__all__ = [
    "DECISION_FORMAT",
    "DIALECT",
    "EXPLANATION_FORMAT",
    "PROBLEM_TYPES",
    "ZONE_KEY",
    "argument_types",
    "command_fields",
    "definitions",
    "schemas",
    "write_schemas",
]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
DECISION_FORMAT = "sipcore.decision/1"
EXPLANATION_FORMAT = "sipcore.explanation/1"
# The "type" of each problem the HTTP service answers with (RFC 9457 3.1.1).
PROBLEM_TYPES = {
    "bad-json": "urn:sipcore:problem:bad-json",
    "bad-input": "urn:sipcore:problem:bad-input",
    "bad-history": "urn:sipcore:problem:bad-history",
    "too-large": "urn:sipcore:problem:too-large",
    "media-type": "urn:sipcore:problem:media-type",
    "not-found": "urn:sipcore:problem:not-found",
    "method": "urn:sipcore:problem:method",
}

# RFC 3339 as Python's isoformat writes it, with the zone's key after it in brackets where the
# time is in a named zone (RFC 9557); "format" alone is only an annotation in 2020-12.
ZONE_KEY = r"[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*"
_DATETIME = (r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})"
             rf"(\[{ZONE_KEY}\])?$")
_DATE = r"^\d{4}-\d{2}-\d{2}$"
_NON_BLANK = r"\S"

Ref = Callable[[str], dict[str, str]]
_OPEN_CASE = "open_case"
_COMMANDS = tuple(c for c in COMMAND_ARGS if c != _OPEN_CASE)  # the commands of an open case


def _local(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


# --- the arguments of each command, from the argument classes ------------------------------------


def command_fields(command: str, *, decided: bool) -> tuple[attrs.Attribute[Any], ...]:
    """The argument fields of ``command``: with ``decided``, also those the case decides (an
    event records them; a caller does not give them)."""
    fields = attrs.fields(COMMAND_ARGS[command])
    return tuple(f for f in fields if decided or not f.metadata["decided"])


def argument_types(command: str) -> dict[str, Any]:
    """The declared type of each argument of ``command``, resolved."""
    cls = COMMAND_ARGS[command]
    return typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))


def _of_type(hint: Any, ref: Ref) -> dict[str, Any]:
    """The JSON form of a Python type, as the argument kinds write it."""
    origin = typing.get_origin(hint)
    if hint is type(None):
        return {"type": "null"}
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer"}
    if hint is float:
        return {"type": "number"}
    if hint is str:
        return {"type": "string"}
    if hint is dt.datetime:
        return ref("datetime")
    if hint is dt.date:
        return ref("date")
    if origin is typing.Literal:
        return {"enum": list(typing.get_args(hint))}
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_of_type(a, ref) for a in typing.get_args(hint)]}
    if origin in (tuple, list):
        items = typing.get_args(hint)
        if origin is list or (len(items) == 2 and items[1] is Ellipsis):
            return {"type": "array", "items": _of_type(items[0], ref)}
        return {"type": "array", "prefixItems": [_of_type(a, ref) for a in items],
                "minItems": len(items), "maxItems": len(items)}
    raise TypeError(f"no JSON form for the argument type {hint!r}")


def _choices(spec: ArgKind, name: str) -> list[str]:
    """The values a ``choice`` kind admits: the ones its expectation lists, each confirmed by
    the kind's own check."""
    if not spec.expected.startswith("one of "):
        raise TypeError(f"{name}: a choice that does not list its values: {spec.expected!r}")
    listed = spec.expected.removeprefix("one of ").split(", ")
    for value in listed:
        spec.check(name, value)  # raises if the listing and the check disagree
    return listed


def _refine(schema: dict[str, Any], spec: ArgKind, name: str, ref: Ref) -> dict[str, Any]:
    """What the argument's kind adds to its type: the values of a choice, a non-blank text,
    ids that are non-blank and not repeated."""
    kind = spec.name
    if kind == "choice" and "enum" not in schema:  # (a Literal type lists its values itself)
        choices: dict[str, Any] = {"enum": _choices(spec, name)}
        return {"anyOf": [choices, {"type": "null"}]} if _nullable(schema) else choices
    if kind == "text":
        return {"type": "string", "minLength": 1, "pattern": _NON_BLANK}
    if kind == "version":  # a plan version number (hand_out_plan, DOMAIN.md §12.3)
        return {"type": "integer", "minimum": 1}
    if kind in ("ids", "opt_ids", "maybe_ids"):
        ids = {"type": "array", "items": ref("id"), "uniqueItems": True}
        if kind == "ids":
            ids["minItems"] = 1
        return {"anyOf": [ids, {"type": "null"}]} if kind == "maybe_ids" else ids
    return schema


def _nullable(schema: Mapping[str, Any]) -> bool:
    return {"type": "null"} in schema.get("anyOf", ())


def _args_schema(command: str, ref: Ref, *, recorded: bool) -> dict[str, Any]:
    """The arguments of ``command``: as an event records them (``recorded``: every field,
    the decided ones too) or as a caller gives them."""
    hints = argument_types(command)
    fields = command_fields(command, decided=recorded)
    free = [f for f in fields if f.metadata["kind"].name == "prefs"]
    if free and not recorded:  # free fields (place, interpreter, …) given by their names
        return {
            "type": "object",
            "description": f"{command}: free fields, each a text, a number (an integer "
                           "within ±(2**53 − 1)), true/false or an array of those",
            "additionalProperties": ref("free_value"),
            "propertyNames": {"pattern": _NON_BLANK},
        }
    properties = {
        f.name: _refine(_of_type(hints[f.name], ref), f.metadata["kind"], f.name, ref)
        for f in fields
    }
    for f in fields:
        properties[f.name]["description"] = f.metadata["kind"].expected
    return {
        "type": "object",
        "description": f"the arguments of {command}",
        "properties": properties,
        "required": [f.name for f in fields if f.default is attrs.NOTHING],
        "additionalProperties": False,
    }


def _variants(prefix: str, ref: Ref, commands: tuple[str, ...]) -> dict[str, Any]:
    """One of the variants ``<prefix>.<command>``: each names its command and its arguments."""
    return {"anyOf": [ref(f"{prefix}.{c}") for c in commands]}


# --- the shared definitions ----------------------------------------------------------------------


def _phases() -> list[str]:
    from sipcore.states import Phase

    return [str(p) for p in Phase]


def _statuses() -> list[str]:
    from sipcore.obligations import Status

    return list(typing.get_args(Status))


def _finding(ref: Ref) -> dict[str, Any]:
    return {
        "type": "object",
        "description": "one failed rule (or a refusal that is not a rule)",
        "properties": {
            "rule_id": {"type": "string"},
            "level": {"enum": ["must", "should", "refusal"]},
            "message_sv": {"type": "string"},
            "message_en": {"type": "string"},
            "sources": {"type": "array", "items": ref("source")},
            "detail": {"anyOf": [ref("detail"), {"type": "null"}]},
        },
        "required": ["rule_id", "level", "message_sv", "message_en", "sources"],
        "additionalProperties": False,
    }


def _source(ref: Ref) -> dict[str, Any]:
    nullable_date = {"anyOf": [ref("date"), {"type": "null"}]}
    return {
        "type": "object",
        "description": "a source a finding cites: its catalogue key, the citation (a statute "
                       "section or a document's title), the part, the quoted words and the "
                       "dates it is valid",
        "properties": {
            "key": {"type": "string"}, "title": {"type": "string"}, "part": {"type": "string"},
            "quote": {"type": "string"}, "valid_from": nullable_date, "valid_to": nullable_date,
            "kind": {"enum": ["statute", "routine", "guidance"]},
        },
        "required": ["key", "title", "part", "quote", "valid_from", "valid_to", "kind"],
        "additionalProperties": False,
    }


def _detail(ref: Ref) -> dict[str, Any]:
    texts = {"type": "array", "items": {"type": "string"}}
    return {
        "type": "object",
        "description": "what failed, as data: the kind (what) and its particulars",
        "properties": {
            "what": {"type": "string"}, "units": texts, "ids": texts, "parts": texts,
            "dates": {"type": "array", "items": ref("date")}, "value": {"type": "string"},
        },
        "required": ["what"],
        "additionalProperties": False,
    }


def _declaration(ref: Ref) -> dict[str, Any]:
    from sipcore.process import PRINCIPALS

    return {
        "type": "object",
        "description": "the case's declaration: the person and each unit's principal",
        "properties": {
            "birth_date": ref("date"),
            "guardians": {"type": "array", "items": {"type": "string"}},
            "units": {"type": "object", "additionalProperties": {"enum": list(PRINCIPALS)}},
        },
        "required": ["birth_date", "guardians", "units"],
        "additionalProperties": False,
    }


def _event_fields(ref: Ref) -> dict[str, Any]:
    """What every event has; ``event.<command>`` says what its command's event has."""
    from sipcore import events

    readable = list(getattr(events, "READABLE_SCHEMAS", (events.SCHEMA_VERSION,)))
    return {
        "type": "object",
        "description": f"events_to_json writes schema {events.SCHEMA_VERSION}; the reader also "
                       f"reads {', '.join(str(n) for n in readable if n != events.SCHEMA_VERSION)}"
                       " (without the case's identity)",
        "properties": {
            "schema": {"enum": readable},
            "case": {"type": "string", "pattern": _NON_BLANK,
                     "description": "the case's identity, the same on every event of a case "
                                    "(schema 2)"},
            "seq": {"type": "integer", "minimum": 1},
            "at": ref("datetime"),
            "command": {"enum": list(COMMAND_ARGS)},
            "args": {"type": "object"},
            "phase": {"enum": _phases()},
            "profile": {"type": "string", "pattern": r"^[a-z][a-z0-9_]*@\S+$",
                        "description": "id@version of the profile it was decided under"},
            "profile_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "unit": {"type": ["string", "null"], "description": "the acting unit"},
            "kva": {"type": ["string", "null"], "description": "the KVÅ code, where one"},
            "declaration": {"anyOf": [ref("declaration"), {"type": "null"}]},
        },
        "required": ["schema", "seq", "at", "command", "args", "phase", "profile",
                     "profile_hash"],
        "additionalProperties": False,
        "if": {"properties": {"schema": {"const": 1}}},
        "else": {"required": ["case"]},
    }


def _event_of(command: str, ref: Ref) -> dict[str, Any]:
    opening = command == _OPEN_CASE
    return {
        "allOf": [ref("event_fields")],
        "description": f"the event of {command}"
                       + (", with the case's declaration" if opening else ""),
        "properties": {
            "command": {"const": command},
            "args": ref(f"args.{command}"),
            "declaration": ref("declaration") if opening else {"type": "null"},
        },
        "required": ["declaration"] if opening else [],
    }


def _command_of(command: str, ref: Ref) -> dict[str, Any]:
    return {
        "type": "object",
        "description": f"the command {command}, when, and its arguments",
        "properties": {
            "command": {"const": command},
            "at": ref("datetime"),
            "args": ref(f"command_args.{command}"),
        },
        "required": ["command", "at"],
    }


def _decision(ref: Ref) -> dict[str, Any]:
    return {
        "type": "object",
        "description": "a command decided: applied (its events and advice) or refused (every "
                       "finding)",
        "properties": {
            "format": {"const": DECISION_FORMAT},
            "command": {"type": "string"},
            "at": ref("datetime"),
            "allowed": {"type": "boolean"},
            "refusal": {"enum": ["rule_violation", "transition_not_allowed", "refusal", None],
                        "description": "the kind of refusal; null when allowed"},
            "phase": {"enum": _phases(), "description": "the phase after the decision"},
            "profile": {"type": "string"},
            "events": {"type": "array", "items": ref("event")},
            "advice": {"type": "array", "items": ref("finding")},
            "failed": {"type": "array", "items": ref("finding")},
        },
        "required": ["format", "command", "at", "allowed", "refusal", "phase", "profile",
                     "events", "advice", "failed"],
        "additionalProperties": False,
        "if": {"properties": {"allowed": {"const": True}}},
        "then": {"properties": {"failed": {"maxItems": 0}, "refusal": {"const": None}}},
        "else": {"properties": {"events": {"maxItems": 0}, "failed": {"minItems": 1}}},
    }


def _explanation(ref: Ref) -> dict[str, Any]:
    return {
        "type": "object",
        "description": "why an event was allowed: every rule its command evaluated, under the "
                       "profile version that decided it, with the sources valid on its date",
        "properties": {
            "format": {"const": EXPLANATION_FORMAT},
            "event": {
                "type": "object",
                "properties": {"seq": {"type": "integer", "minimum": 1},
                               "command": {"type": "string"}, "at": ref("datetime")},
                "required": ["seq", "command", "at"],
            },
            "profile": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "version": {"type": "string"},
                               "content_hash": {"type": "string"}},
                "required": ["id", "version", "content_hash"],
            },
            "rules": {"type": "array", "items": ref("evaluated_rule")},
            "sources": {"type": "array", "items": ref("source")},
        },
        "required": ["format", "event", "profile", "rules", "sources"],
    }


def _evaluated_rule(ref: Ref) -> dict[str, Any]:
    return {
        "type": "object",
        "description": "one rule as it was evaluated; a should rule that holds reads passed",
        "properties": {
            "rule": {"type": "string"},
            "level": {"enum": ["must", "should", "off"]},
            "result": {"enum": ["passed", "failed", "advice"]},
            "detail": {"anyOf": [ref("detail"), {"type": "null"}],
                       "description": "what failed, as data; null when the rule holds"},
            "sources": {"type": "array", "items": ref("source")},
        },
        "required": ["rule", "level", "result", "detail", "sources"],
    }


def _problem(ref: Ref) -> dict[str, Any]:
    return {
        "type": "object",
        "description": "RFC 9457 problem details; field names the input at fault",
        "properties": {
            "type": {"enum": list(PROBLEM_TYPES.values())},
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 400, "maximum": 499},
            "detail": {"type": "string"},
            "field": {"type": ["string", "null"],
                      "description": "the input at fault, e.g. events[2].at or args.unit"},
            "expected": {"type": ["string", "null"]},
        },
        "required": ["type", "title", "status", "detail", "field"],
    }


def _obligation(ref: Ref) -> dict[str, Any]:
    from sipcore.obligations import KINDS

    return {
        "type": "object",
        "properties": {
            "kind": {"enum": list(KINDS)},
            "unit": {"type": ["string", "null"]},
            "due": {"anyOf": [ref("date"), {"type": "null"}]},  # null: no due date yet
            "status": {"enum": _statuses()},
            "starts_at": ref("datetime"),
            "met_at": {"anyOf": [ref("datetime"), {"type": "null"}]},
            "sources": {"type": "array", "items": ref("source")},
            # due at a time (an admission notice, Lag 2017:612 2 kap. 3 §); due is its date
            "due_at": {"anyOf": [ref("datetime"), {"type": "null"}]},
        },
        "required": ["kind", "unit", "due", "status", "starts_at", "met_at", "sources"],
        "additionalProperties": False,
    }


def definitions(ref: Ref = _local) -> dict[str, dict[str, Any]]:
    """Every definition the documents share, each referring to the others through ``ref``
    (``#/$defs/<name>`` in a schema file, ``#/components/schemas/<name>`` in OpenAPI)."""
    defs: dict[str, dict[str, Any]] = {
        "datetime": {"type": "string", "pattern": _DATETIME,
                     "description": "a date and time with its UTC offset (RFC 3339), and the key "
                                    "of its time zone in brackets where it has one (RFC 9557): "
                                    "2026-03-02T09:00:00+01:00[Europe/Stockholm]"},
        "date": {"type": "string", "format": "date", "pattern": _DATE},
        "id": {"type": "string", "minLength": 1, "pattern": _NON_BLANK},
        "free_value": {"anyOf": [
            {"type": ["string", "number", "boolean"]},
            {"type": "array", "items": {"type": ["string", "number", "boolean"]}},
        ]},
        "finding": _finding(ref),
        "source": _source(ref),
        "detail": _detail(ref),
        "declaration": _declaration(ref),
        "event_fields": _event_fields(ref),
        "event": {"description": "one applied command, as sipcore.events_to_json writes it",
                  **_variants("event", ref, tuple(COMMAND_ARGS))},
        "events": {"type": "array", "items": ref("event"), "minItems": 1},
        "command": {"description": "a command to decide on a case: its name, when, and its "
                                   "arguments",
                    "allOf": [ref("command_variants")],
                    "properties": {"command": {}, "at": {}, "args": {}},
                    "additionalProperties": False},
        "command_variants": _variants("command", ref, _COMMANDS),
        "decision": _decision(ref),
        "evaluated_rule": _evaluated_rule(ref),
        "explanation": _explanation(ref),
        "obligation": _obligation(ref),
        "problem": _problem(ref),
    }
    for command in COMMAND_ARGS:
        defs[f"event.{command}"] = _event_of(command, ref)
        defs[f"args.{command}"] = _args_schema(command, ref, recorded=True)
    for command in _COMMANDS:
        defs[f"command.{command}"] = _command_of(command, ref)
        defs[f"command_args.{command}"] = _args_schema(command, ref, recorded=False)
    defs.update(_scenario_definitions(ref))
    return defs


# --- scenario files (DOMAIN.md §9, with the keys of version 2) -----------------------------------


def _step_args(command: str, ref: Ref) -> dict[str, Any]:
    """The keys a ``[[step]]`` of ``command`` adds to the step keys: its arguments, typed; or,
    where the step expects bad input (``expect_error = "input"``), only their names."""
    args = _args_schema(command, ref, recorded=False)
    names = {f.name: True for f in command_fields(command, decided=False)}
    if "properties" not in args:  # free fields: any name
        typed: dict[str, Any] = {"additionalProperties": args["additionalProperties"]}
        untyped: dict[str, Any] = {"additionalProperties": True}
    else:
        typed = {"properties": args["properties"], "required": args["required"]}
        untyped = {"properties": names}
    expects_input = {
        "properties": {"expect_error": {"anyOf": [{"const": "input"}, {"const": ["input"]}]}},
        "required": ["expect_error"],
    }
    return {"if": expects_input, "then": untyped, "else": typed}


def _step(ref: Ref, commands: list[str]) -> dict[str, Any]:
    from sipcore.rules import registry
    from sipcore.scenarios import REFUSAL_IDS

    ids = [*registry(), *REFUSAL_IDS]
    return {
        "type": "object",
        "description": "one [[step]]: when, which command (do) with its arguments, and what "
                       "it expects; units named must be declared under [units]",
        "properties": {
            "at": ref("datetime"),
            "do": {"enum": commands},
            "expect_phase": {"enum": _phases()},
            "expect_error": {"anyOf": [
                {"enum": [*ids, "input"]},
                {"type": "array", "items": {"enum": ids}, "minItems": 1},
                {"const": ["input"]},
            ]},
            "expect_advice": {"type": "array", "items": {"enum": list(registry())}},
            "expect_check": {"type": "boolean"},
        },
        "required": ["at", "do"],
        "allOf": [
            {"if": {"properties": {"do": {"const": c}}}, "then": ref(f"step_args.{c}")}
            for c in commands
        ],
        "not": {"required": ["expect_error", "expect_advice"]},
        "unevaluatedProperties": False,
    }


def _scenario_definitions(ref: Ref) -> dict[str, dict[str, Any]]:
    from sipcore.obligations import KINDS
    from sipcore.process import PRINCIPALS
    from sipcore.scenarios import CLOSURE_REASONS

    commands = list(COMMAND_ARGS)
    count = {"type": "integer", "minimum": 0}
    ids = {"type": "array", "items": ref("id")}
    defs: dict[str, dict[str, Any]] = {
        f"step_args.{c}": _step_args(c, ref) for c in commands
    }
    defs["step"] = _step(ref, commands)
    defs["expect_obligation"] = {
        "type": "object",
        "properties": {
            "as_of": ref("datetime"), "kind": {"enum": list(KINDS)},
            "status": {"enum": _statuses()}, "unit": ref("id"), "due": ref("date"),
            "due_at": ref("datetime"),
        },
        "required": ["as_of", "kind", "status"],
        "not": {"required": ["due", "due_at"]},
        "additionalProperties": False,
    }
    defs["expect"] = {
        "type": "object",
        "properties": {
            "phase": {"enum": _phases()}, "closure_reason": {"enum": list(CLOSURE_REASONS)},
            "kva": {"type": "array", "items": {"type": "string"}}, "plan_version": count,
            "voided_notes": count, "notified": ids,
            "plan_type": {"enum": ["SIP", "SPU", "SPLPTLRV"]},
            "liable_from": {"anyOf": [ref("date"), {"const": False}]},
            "liable_days": count, "liability_as_of": ref("datetime"),
        },
        "additionalProperties": False,
    }
    defs["expect_explanation"] = {
        "type": "object",
        "properties": {"step": {"type": "integer", "minimum": 1}, "rule": {"type": "string"},
                       "result": {"enum": ["passed", "failed", "advice"]}},
        "required": ["step", "rule", "result"],
        "additionalProperties": False,
    }
    later = {"allOf": [ref("step"), {"properties": {"do": {"not": {"const": _OPEN_CASE}}}}]}
    defs["scenario"] = {
        "type": "object",
        "description": "a scenario file (TOML) as read: dates and times as RFC 3339 text",
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "profile": {"type": "string", "minLength": 1},
            "source": {"type": "string"},
            "person": {
                "type": "object",
                "properties": {"birth_date": ref("date"), "guardians": ids},
                "required": ["birth_date"],
                "additionalProperties": False,
            },
            "units": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": {
                    "type": "object",
                    "properties": {"principal": {"enum": list(PRINCIPALS)}},
                    "required": ["principal"],
                    "additionalProperties": False,
                },
            },
            "step": {
                "type": "array",
                "prefixItems": [{"allOf": [ref("step"),
                                           {"properties": {"do": {"const": _OPEN_CASE}}}]}],
                "items": later,
                "minItems": 1,
            },
            "expect_obligation": {"type": "array", "items": ref("expect_obligation")},
            "expect": ref("expect"),
            "expect_explanation": {"type": "array", "items": ref("expect_explanation")},
        },
        "required": ["name", "profile", "person", "units", "step"],
        "additionalProperties": False,
    }
    return defs


# The documents `sipcore schema` writes: file name → (the definition it is, its title).
DOCUMENTS = {
    "events.schema.json": ("events", "sipcore events (events_to_json)"),
    "event.schema.json": ("event", "one sipcore event"),
    "command.schema.json": ("command", "a sipcore command with its arguments"),
    "decision.schema.json": ("decision", "a sipcore decision"),
    "explanation.schema.json": ("explanation", "a sipcore explanation (sipcore.explanation/1)"),
    "scenario.schema.json": ("scenario", "a sipcore scenario file (DOMAIN.md §9), once read"),
    "problem.schema.json": ("problem", "a problem answer of sipcore serve (RFC 9457)"),
}


def schemas() -> dict[str, dict[str, Any]]:
    """Every schema document, by file name; each holds all the definitions it refers to."""
    defs = definitions()
    out = {}
    for file, (name, title) in DOCUMENTS.items():
        body = dict(defs[name])
        out[file] = {
            "$schema": DIALECT,
            "$id": f"urn:sipcore:schema:{file.removesuffix('.schema.json')}",
            "title": title,
            **body,
            "$defs": {k: defs[k] for k in sorted(_reachable(name, defs)) if k != name},
        }
    return out


def _reachable(name: str, defs: Mapping[str, Any]) -> set[str]:
    """The definitions ``name`` refers to, directly or through others (and itself)."""
    found: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(_refs_in(defs[current]))
    return found


def _refs_in(value: Any) -> list[str]:
    if isinstance(value, dict):
        found = [value["$ref"].removeprefix("#/$defs/")] if "$ref" in value else []
        return found + [r for v in value.values() for r in _refs_in(v)]
    if isinstance(value, list):
        return [r for v in value for r in _refs_in(v)]
    return []


def write_schemas(outdir: str | Path) -> list[Path]:
    """Write every schema document into ``outdir`` (made if missing); the paths written."""
    folder = Path(outdir)
    if folder.exists() and not folder.is_dir():
        raise InputError("OUTDIR", "a directory (or a path to make one)", str(folder))
    written = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for file, document in schemas().items():
            path = folder / file
            path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n",
                            encoding="utf-8")
            written.append(path)
    except OSError as exc:
        raise InputError("OUTDIR", "a directory sipcore may write into",
                         f"{exc.filename or folder}: {exc.strerror}") from None
    return written
