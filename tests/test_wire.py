"""`sipcore.wire`: decisions over JSON without the server. Whatever a request holds, the answer
is a decision or one of the library's errors naming the field, never another exception."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenario_cases import every_step, scenario_paths, told
from sipcore import SipCase, events_from_json, events_to_json, wire
from sipcore.cli import main
from sipcore.errors import SipError
from sipcore.schema import schemas


def _request() -> dict[str, Any]:
    return next(s for s in every_step() if s.applied and len(s.events) >= 5).request


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [path, *(p for k, v in value.items() for p in _leaves(v, (*path, k)))]
    if isinstance(value, list):
        return [path, *(p for i, v in enumerate(value) for p in _leaves(v, (*path, i)))]
    return [path]


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replaced(value[head], rest, new)}
    return [*value[:head], _replaced(value[head], rest, new), *value[head + 1:]]


TIMES = st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31),
                     timezones=st.timezones()).map(lambda t: t.isoformat())
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(
    max_size=8) | TIMES | st.dates().map(dt.date.isoformat) | st.sampled_from(
    ["vc", "hemtjanst", "open_case", "must", "", "2026-02-30", "24:00"])
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.text(max_size=5), inner, max_size=3), max_leaves=6)
REQUEST = _request()
PATHS = _leaves(REQUEST)
DECISION = jsonschema.Draft202012Validator(schemas()["decision.schema.json"])


@given(path=st.sampled_from(PATHS), new=JSON)
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
def test_any_value_anywhere_is_a_decision_or_a_named_error(
    path: tuple[Any, ...], new: Any
) -> None:
    request = _replaced(REQUEST, path, new)
    try:
        _, decision = wire.decide(request)
    except SipError as exc:
        assert str(exc).split(":", 1)[0]  # names the field
        return
    assert DECISION.is_valid(decision)


def test_a_request_is_left_as_it_was() -> None:
    request = json.loads(json.dumps(REQUEST))
    wire.decide(request)
    assert request == REQUEST


@pytest.mark.parametrize("path", scenario_paths(), ids=lambda p: p.stem)
def test_the_case_view_is_json_and_a_replay_gives_the_same(path: Path) -> None:
    case = told(path)[1]
    view = wire.case_view(case)
    assert json.loads(json.dumps(view)) == view
    again = SipCase.replay(events_from_json(events_to_json(case.events)))
    assert again is not case and again != case  # distinct objects ...
    assert wire.case_view(again) == view  # ... equal by their snapshots
    assert again.snapshot() == case.snapshot()


@pytest.mark.parametrize(("argument", "field"), [
    ("at", "at"), ("command", "command"), ("invitees", "args.invitees"),
    ("fields.place", "args.place"), ("fields", "args"),
])
def test_the_fields_named_are_the_request_s(argument: str, field: str) -> None:
    assert wire.field_of(argument) == field


def test_an_engine_error_names_the_value_as_given() -> None:
    request = {**REQUEST, "args": {**REQUEST["args"], "invitees": ["nowhere"]}}
    with pytest.raises(SipError) as info:
        wire.decide(request)
    assert str(info.value).startswith("args.invitees:") and "nowhere" in str(info.value)


@pytest.mark.parametrize(("key", "value", "field"), [
    ("units", {"x": "church"}, "events[0].declaration.units.x"),
    ("units", {" ": "region"}, "events[0].declaration.units"),
    ("birth_date", "2099-01-01", "events[0].declaration.birth_date"),
    ("guardians", ["mor", "mor"], "events[0].declaration.guardians"),
])
def test_a_bad_declaration_is_named_where_the_request_has_it(
    key: str, value: Any, field: str
) -> None:
    events = json.loads(json.dumps(REQUEST["events"]))
    declaration = events[0]["declaration"]
    declaration[key] = {**declaration[key], **value} if key == "units" else value
    with pytest.raises(SipError) as info:
        wire.decide({**REQUEST, "events": events})
    assert str(info.value).startswith(f"{field}: "), info.value


def test_extreme_times_are_out_of_range_not_overflows() -> None:
    events = json.loads(json.dumps(REQUEST["events"]))
    events[0]["args"]["discharge_notice_at"] = "9999-12-30T12:00:00+00:00"
    for request in ({**REQUEST, "at": "9999-12-31T23:59:59+00:00"},
                    {**REQUEST, "at": "0001-01-01T00:00:00+01:00"},
                    {**REQUEST, "events": events}):
        with pytest.raises(SipError):
            wire.decide(request)
    with pytest.raises(SipError, match="as_of"):
        wire.obligations({"events": REQUEST["events"], "as_of": "9999-12-31T23:00:00+00:00"})


# --- the command line --------------------------------------------------------------------------


def test_help_lists_schema_and_serve(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "schema" in out and "serve" in out


def test_serve_without_the_extra_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "fastapi" else real(name, *a))
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "sipcore[serve]" in err


def test_serve_refuses_a_bad_port_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", "70000"]) == 2
    assert "--port" in capsys.readouterr().err


def _zoned_case() -> SipCase:
    from zoneinfo import ZoneInfo

    from sipcore import Person, load_profile

    tz = ZoneInfo("Europe/Stockholm")
    case = SipCase.open_case(at=dt.datetime(2026, 12, 21, 9, tzinfo=tz),
                             profile=load_profile("vastmanland"),
                             person=Person(dt.date(1961, 3, 14)),
                             units={"vc": "region", "hemtjanst": "municipality"},
                             initiated_by="staff", unit="vc")
    case.record_consent(at=dt.datetime(2026, 12, 21, 10, tzinfo=tz), given_by="person",
                        form="written", parties=["vc", "hemtjanst"],
                        valid_until=dt.date(2027, 12, 31))
    case.appoint_coordinator(at=dt.datetime(2026, 12, 21, 11, tzinfo=tz), person="Anna Berg",
                             unit="vc")
    return case


def test_times_in_a_named_zone_are_read_in_their_zone() -> None:
    case = _zoned_case()
    events = json.loads(events_to_json(case.events))
    assert events[0]["at"].endswith("[Europe/Stockholm]")
    assert jsonschema.Draft202012Validator(schemas()["events.schema.json"]).is_valid(events)
    request = {"events": events, "command": "send_invitation",
               "at": "2026-12-22T10:00:00+01:00[Europe/Stockholm]",
               "args": {"meeting_at": "2027-01-12T13:00:00+01:00[Europe/Stockholm]",
                        "place": "Vårdcentralen", "form": "in_person",
                        "invitees": ["hemtjanst"]}}
    _, decision = wire.decide(request)
    assert decision["allowed"] and decision["events"][0]["at"] == request["at"]
    assert decision["events"][0]["args"]["meeting_at"] == request["args"]["meeting_at"]
    for wrong, field in (("2026-12-22T10:00:00+02:00[Europe/Stockholm]", "at"),
                         ("2026-12-22T10:00:00+01:00[Nowhere/Town]", "at")):
        with pytest.raises(SipError, match=f"^{field}:"):
            wire.decide({**request, "at": wrong})
    with pytest.raises(SipError, match=r"^args\.meeting_at:"):
        wire.decide({**request, "args": {**request["args"],
                                         "meeting_at": "2027-01-12T13:00:00[Europe/Stockholm]"}})
