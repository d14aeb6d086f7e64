"""The JSON Schemas of `sipcore schema`: what sipcore writes validates, malformed input does
not (DOMAIN.md §13)."""

from __future__ import annotations

import datetime as dt
import json
import typing
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from scenario_cases import (
    BAD_SCENARIOS,
    edited,
    every_event,
    every_step,
    scenario_paths,
    told,
    toml_as_json,
)
from sipcore import SipCase, events_from_json, wire
from sipcore.cli import main
from sipcore.commands import COMMAND_ARGS, parameters
from sipcore.schema import DOCUMENTS, schemas, write_schemas

FORMATS = jsonschema.Draft202012Validator.FORMAT_CHECKER


def validator(file: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schemas()[file], format_checker=FORMATS)


def valid(file: str, instance: Any) -> bool:
    return validator(file).is_valid(instance)


@pytest.mark.parametrize("file", sorted(DOCUMENTS))
def test_every_document_is_a_2020_12_schema(file: str) -> None:
    document = schemas()[file]
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(document)


# --- events ------------------------------------------------------------------------------------


def test_every_event_of_every_scenario_validates() -> None:
    events = list(every_event())
    assert len(events) > 300
    check = validator("event.schema.json")
    for event in events:
        errors = [e.message for e in check.iter_errors(event)]
        assert not errors, (event, errors)
    assert {e["command"] for e in events} >= {"open_case", "record_consent", "send_invitation",
                                             "hold_meeting", "approve_plan", "withdraw_consent"}


@pytest.mark.parametrize("path", scenario_paths(), ids=lambda p: p.stem)
def test_a_case_s_events_validate_as_a_whole(path: Path) -> None:
    case = told(path)[1]
    assert valid("events.schema.json", json.loads(wire_events(case)))


def wire_events(case: SipCase) -> str:
    from sipcore import events_to_json

    return events_to_json(case.events)


def _events() -> list[dict[str, Any]]:
    path = next(p for p in scenario_paths() if len(told(p)[1].events) >= 6)
    return json.loads(wire_events(told(path)[1]))


def _invitation(events: list[dict[str, Any]]) -> dict[str, Any]:
    return next(e for e in events if e["command"] == "send_invitation")


def _mutations() -> dict[str, tuple[int, dict[str, Any]]]:
    """Malformed events, each with the position in the history of the event it changes."""
    events = _events()
    first = events[0]
    invite = _invitation(events)

    changed = edited

    def args(event: dict[str, Any], **fields: Any) -> dict[str, Any]:
        return edited(event, args=edited(event["args"], **fields))

    found = {
        "no seq": changed(invite, seq=KeyError),
        "seq zero": changed(invite, seq=0),
        "seq as text": changed(invite, seq="4"),
        "naive at": changed(invite, at="2026-03-03T09:00:00"),
        "date as at": changed(invite, at="2026-03-03"),
        "unknown command": changed(invite, command="send_fax"),
        "unknown phase": changed(invite, phase="pending"),
        "unknown field": changed(invite, priority=1),
        "an unknown schema": changed(invite, schema=99),
        "no case identity": changed(invite, case=KeyError),
        "a blank case identity": changed(invite, case=" "),
        "short hash": changed(invite, profile_hash="abc"),
        "profile without version": changed(invite, profile="vastmanland"),
        "unit as number": changed(invite, unit=3),
        "declaration on a later event": changed(invite, declaration=first["declaration"]),
        "open_case without declaration": changed(first, declaration=KeyError),
        "a bad principal": changed(first, declaration={**first["declaration"],
                                                       "units": {"vc": "county"}}),
        "invitees as a text": args(invite, invitees="vc"),
        "no invitees": args(invite, invitees=[]),
        "repeated invitees": args(invite, invitees=["vc", "vc"]),
        "missing place": args(invite, place=KeyError),
        "blank place": args(invite, place="  "),
        "meeting form unknown": args(invite, form="email"),
        "naive meeting_at": args(invite, meeting_at="2026-03-16T10:00:00"),
        "unknown argument": args(invite, priority="high"),
        "args of another command": changed(invite, command="add_need"),
    }
    return {name: (0 if event["command"] == "open_case" and "seq" in event and event["seq"] == 1
                   else events.index(invite), event) for name, event in found.items()}


@pytest.mark.parametrize("name", sorted(_mutations()))
def test_a_malformed_event_does_not_validate(name: str) -> None:
    _, event = _mutations()[name]
    assert not valid("event.schema.json", event)


def test_the_schema_refuses_what_the_reader_refuses() -> None:
    events = _events()
    refused = 0
    for name, (position, event) in _mutations().items():
        history = [*events[:position], event, *events[position + 1:]]
        try:
            events_from_json(json.dumps(history))
        except ValueError:
            refused += 1
            assert not valid("events.schema.json", history), name
    assert refused >= 15


def test_an_empty_event_list_is_not_a_history() -> None:
    assert not valid("events.schema.json", [])


# --- commands and decisions ---------------------------------------------------------------------


def test_every_command_of_every_scenario_validates_as_a_command() -> None:
    check = validator("command.schema.json")
    seen = set()
    for step in every_step():
        request = {k: v for k, v in step.request.items() if k != "events"}
        errors = [e.message for e in check.iter_errors(request)]
        if step.applied:
            assert not errors, (step.path.name, step.index, errors)
        seen.add(request["command"])
    assert len(seen) >= 15


def test_command_arguments_come_from_the_argument_classes() -> None:
    defs = schemas()["command.schema.json"]["$defs"]
    for command in COMMAND_ARGS:
        if command == "open_case" or command == "record_preferences":
            continue
        args = defs[f"command_args.{command}"]
        assert sorted(args["properties"]) == sorted(f.name for f in parameters(command))
        assert "notify" not in args["properties"]  # decided by the case, not given


@pytest.mark.parametrize("request_", [
    {"command": "send_fax", "at": "2026-03-02T10:00:00+01:00", "args": {}},
    {"command": "add_need", "at": "2026-03-02T10:00:00+01:00", "args": {}},
    {"command": "add_need", "at": "2026-03-02T10:00:00", "args": {"text": "Boende"}},
    {"command": "add_need", "at": "2026-03-02T10:00:00+01:00", "args": {"text": 3}},
    {"command": "add_goal", "at": "2026-03-02T10:00:00+01:00",
     "args": {"text": "Bo kvar", "horizon": "medium"}},
    {"command": "set_follow_up", "at": "2026-03-02T10:00:00+01:00",
     "args": {"date": "2026-06-01T10:00:00+02:00"}},
    {"command": "answer_invitation", "at": "2026-03-02T10:00:00+01:00",
     "args": {"unit": "vc", "attending": "yes"}},
    {"command": "record_preferences", "at": "2026-03-02T10:00:00+01:00",
     "args": {"place": {"room": 1}}},
    {"command": "open_case", "at": "2026-03-02T10:00:00+01:00",
     "args": {"initiated_by": "staff", "unit": "vc"}},
    {"at": "2026-03-02T10:00:00+01:00", "args": {}},
    {"command": "add_need", "at": "2026-03-02T10:00:00+01:00", "args": {"text": "Boende"},
     "priority": "high"},
], ids=lambda r: f"{r.get('command')}:{json.dumps(r.get('args'))}:{len(r)}")
def test_a_malformed_command_does_not_validate(request_: dict[str, Any]) -> None:
    assert not valid("command.schema.json", request_)


def test_every_decision_validates_applied_or_refused() -> None:
    check = validator("decision.schema.json")
    kinds = set()
    for step in every_step():
        try:
            _, decision = wire.decide(step.request)
        except ValueError:  # a step that expects bad input
            continue
        errors = [e.message for e in check.iter_errors(decision)]
        assert not errors, (step.path.name, step.index, errors)
        kinds.add(decision["refusal"])
    assert kinds == {None, "rule_violation", "transition_not_allowed", "refusal"}


def test_a_decision_that_mixes_events_and_findings_does_not_validate() -> None:
    step = next(s for s in every_step() if s.applied)
    _, decision = wire.decide(step.request)
    refused = next(s for s in every_step() if not s.applied and "bad" not in s.path.name)
    _, refusal = wire.decide(refused.request)
    assert valid("decision.schema.json", decision) and valid("decision.schema.json", refusal)
    assert not valid("decision.schema.json", {**decision, "failed": refusal["failed"]})
    assert not valid("decision.schema.json", {**refusal, "allowed": True})
    assert not valid("decision.schema.json", {**refusal, "events": decision["events"]})
    assert not valid("decision.schema.json", {**decision, "format": "sipcore.decision/2"})


# --- explanations ------------------------------------------------------------------------------


def _explanations() -> list[dict[str, Any]]:
    """What the engine says of every event of every bundled scenario, in JSON."""
    return [told(p)[1].explain(e).to_dict() for p in scenario_paths() for e in told(p)[1].events]


def test_the_engine_s_explanations_validate() -> None:
    check = validator("explanation.schema.json")
    explanations = _explanations()
    results = {r["result"] for x in explanations for r in x["rules"]}
    assert results == {"passed", "advice"}  # an applied event failed no must rule
    assert any(r["detail"] for x in explanations for r in x["rules"])
    for explanation in explanations:
        errors = [e.message for e in check.iter_errors(explanation)]
        assert not errors, (explanation["event"], errors)


def test_a_malformed_explanation_does_not_validate() -> None:
    explanation = next(x for x in _explanations() if any(r["detail"] for r in x["rules"]))
    rule = next(r for r in explanation["rules"] if r["detail"])
    for broken in (
        {**explanation, "format": "sipcore.explanation/2"},
        {**explanation, "rules": [{**rule, "result": "maybe"}]},
        {**explanation, "rules": [{**rule, "detail": "units: vc"}]},
        {**explanation, "rules": [{**rule, "sources": ["HSL 16:4"]}]},
        {k: v for k, v in explanation.items() if k != "profile"},
        {**explanation, "event": {"seq": 0, "command": "x", "at": "2026-03-03"}},
    ):
        assert not valid("explanation.schema.json", broken)


# --- scenario files ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", scenario_paths(), ids=lambda p: p.stem)
def test_every_bundled_scenario_validates(path: Path) -> None:
    errors = [e.message for e in validator("scenario.schema.json").iter_errors(
        toml_as_json(path))]
    assert not errors


# The malformed files only the reader can refuse: what they name, not how they are written;
# and a TOML type that the JSON form does not keep (a date in quotes reads as the same text).
READER_ONLY = {
    "bad_toml.toml": "not TOML at all",
    "bad_notified_unit.toml": "a unit not declared under [units]",
    "undeclared_unit.toml": "a unit not declared under [units]",
    "undeclared_unit_open.toml": "a unit not declared under [units]",
    "unknown_profile.toml": "a profile that is not bundled",
    "unknown_profile_version.toml": "a version that is not bundled",
    "profile_not_in_force.toml": "a profile with no version in force on the first step's date",
    "wrong_type_date.toml": "a date in quotes: in JSON, a date is text",
    "wrong_type_preference.toml": "dates as a preference: in JSON, a date is text",
    "bad_admitted_after_opening.toml": "an admission after the opening: a check of two values",
}


@pytest.mark.parametrize("path", sorted(BAD_SCENARIOS.glob("*.toml")), ids=lambda p: p.stem)
def test_a_malformed_scenario_does_not_validate(path: Path) -> None:
    if path.name in READER_ONLY:
        pytest.skip(READER_ONLY[path.name])
    assert not valid("scenario.schema.json", toml_as_json(path))


def test_version_2_keys_validate() -> None:
    data = toml_as_json(scenario_paths()[0])
    data["step"][1]["expect_check"] = True
    data["expect_explanation"] = [{"step": 2, "rule": "consent.required", "result": "passed"}]
    data["expect"] = {**data.get("expect", {}), "plan_type": "SIP", "liable_from": False}
    assert valid("scenario.schema.json", data)
    data["expect"]["plan_type"] = "SVP"
    assert not valid("scenario.schema.json", data)


# --- sipcore schema OUTDIR ---------------------------------------------------------------------


def test_the_command_writes_every_document(tmp_path: Path) -> None:
    assert main(["schema", str(tmp_path / "out")]) == 0
    for file, document in schemas().items():
        assert json.loads((tmp_path / "out" / file).read_text(encoding="utf-8")) == document


def test_the_command_refuses_a_file_as_outdir_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "a_file"
    target.write_text("keep me", encoding="utf-8")
    assert main(["schema", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "OUTDIR" in err
    assert target.read_text(encoding="utf-8") == "keep me"
    with pytest.raises(ValueError, match="OUTDIR"):
        write_schemas(target)


@pytest.mark.parametrize(("hint", "expected"), [
    (int, {"type": "integer"}),
    (typing.Literal["a", "b"], {"enum": ["a", "b"]}),
    (int | None, {"anyOf": [{"type": "integer"}, {"type": "null"}]}),
    (tuple[str, int], {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}],
                       "minItems": 2, "maxItems": 2}),
    (list[float], {"type": "array", "items": {"type": "number"}}),
    (dt.date, {"$ref": "#/$defs/date"}),
])
def test_argument_types_a_new_command_may_use_have_a_json_form(
    hint: Any, expected: dict[str, Any]
) -> None:
    """(The bundled commands do not use all of these yet; a new one may.)"""
    from sipcore.schema import _local, _of_type

    assert _of_type(hint, _local) == expected
    with pytest.raises(TypeError):
        _of_type(complex, _local)
