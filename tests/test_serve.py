"""`sipcore serve`: a real uvicorn process on 127.0.0.1, called with a real HTTP client
(DOMAIN.md §13). Every decision over HTTP is the library's own; bad input is a 4xx problem
answer naming the field, and the server keeps serving."""

from __future__ import annotations

import copy
import datetime as dt
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from scenario_cases import Told, edited, every_step, scenario_paths, told
from sipcore import SipCase, __version__, events_from_json, events_to_json, rule_catalogue, wire
from sipcore.profiles import bundled_profiles

MAX_BODY = 200_000
JSON_TYPE = "application/json"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "sipcore", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--max-body", str(MAX_BODY)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/profiles", timeout=1).raise_for_status()
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(server.stderr.read().decode() if server.stderr
                                       else "the server did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def client(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=10) as c:
        yield c


def _case_events(least: int = 6) -> list[dict[str, Any]]:
    path = next(p for p in scenario_paths() if len(told(p)[1].events) >= least)
    return json.loads(events_to_json(told(path)[1].events))


def _valid_step() -> Told:
    return next(s for s in every_step() if s.applied and s.request["command"] ==
                "send_invitation")


def _valid_request() -> dict[str, Any]:
    return _valid_step().request


def _still_serving(client: httpx.Client) -> None:
    answer = client.post("/decide", json=_valid_request())
    assert answer.status_code == 200 and answer.json()["allowed"] is True


# --- decisions ---------------------------------------------------------------------------------


def test_every_scenario_step_gets_the_library_s_decision(client: httpx.Client) -> None:
    steps = [s for s in every_step()]
    assert len(steps) > 300
    for step in steps:
        answer = client.post("/decide", json=step.request)
        try:
            _, own = wire.decide(step.request)
        except ValueError:  # the step expects bad input: a problem answer, naming the field
            assert answer.status_code == 422, (step.path.name, step.index)
            assert answer.headers["content-type"] == "application/problem+json"
            assert answer.json()["field"]
            continue
        assert answer.status_code == 200, (step.path.name, step.index, answer.text)
        assert answer.json() == own
        assert own["allowed"] is step.applied
        assert own["events"] == step.produced  # what executing the command recorded


def test_an_applied_decision_answers_the_new_events_to_store(client: httpx.Client) -> None:
    request = _valid_request()
    decision = client.post("/decide", json=request).json()
    assert [e["seq"] for e in decision["events"]] == [len(request["events"]) + 1]
    assert decision["phase"] == "invited" and decision["failed"] == []
    stored = request["events"] + decision["events"]  # what the client stores, replayed
    view = client.post("/case", json={"events": stored}).json()
    assert view["phase"] == "invited" and len(view["events"]) == len(stored)


def test_a_refusal_answers_every_finding_in_both_languages(client: httpx.Client) -> None:
    request = copy.deepcopy(_valid_request())
    request["args"]["invitees"] = ["vc_no_such"]
    assert client.post("/decide", json=request).status_code == 422  # undeclared: bad input
    steps = [s for s in every_step() if not s.applied]
    refused = [client.post("/decide", json=s.request) for s in steps]
    decisions = [a.json() for a in refused if a.status_code == 200]
    assert decisions and all(d["allowed"] is False and d["events"] == [] for d in decisions)
    findings = [f for d in decisions for f in d["failed"]]
    assert {f["level"] for f in findings} == {"must", "refusal"}
    assert all(f["rule_id"] and f["message_sv"] and f["message_en"] for f in findings)
    assert any(f["sources"] for f in findings)
    many = [d for d in decisions if len(d["failed"]) > 1]
    assert many, "a refusal lists every failed rule"


def test_check_gives_the_same_decision_as_decide(client: httpx.Client) -> None:
    for step in list(every_step())[::7]:
        decided = client.post("/decide", json=step.request)
        checked = client.post("/check", json=step.request)
        assert (checked.status_code, checked.json()) == (decided.status_code, decided.json())


def test_the_versions_are_in_the_headers(client: httpx.Client) -> None:
    request = _valid_request()
    answer = client.post("/decide", json=request)
    first = request["events"][0]
    assert answer.headers["sipcore-version"] == __version__
    assert answer.headers["sipcore-profile"] == first["profile"]
    assert answer.headers["sipcore-profile-hash"] == first["profile_hash"]
    assert client.get("/rules").headers["sipcore-version"] == __version__
    problem = client.post("/decide", content=b"{", headers={"content-type": "application/json"})
    assert problem.headers["sipcore-version"] == __version__


def test_obligations_as_of_a_time(client: httpx.Client) -> None:
    path = next(p for p in scenario_paths() if told(p)[1].invitations)
    case = told(path)[1]
    as_of = case.events[-1].at
    answer = client.post("/obligations", json={
        "events": json.loads(events_to_json(case.events)), "as_of": as_of.isoformat()})
    assert answer.status_code == 200
    got = [(o["kind"], o["unit"], o["due"], o["status"]) for o in answer.json()["obligations"]]
    assert got == [(o.kind, o.unit, o.due.isoformat(), o.status) for o in case.obligations(as_of)]
    assert got


def test_the_payment_liability_as_of_a_time(client: httpx.Client) -> None:
    paths = [p for p in scenario_paths() if told(p)[1].is_discharge]
    assert paths
    for path in paths[:4]:
        case = told(path)[1]
        as_of = case.events[-1].at
        answer = client.post("/liability", json={
            "events": json.loads(events_to_json(case.events)), "as_of": as_of.isoformat()})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        expected = case.payment_liability(as_of)
        assert body["liable_days"] == expected.liable_days
        assert body["liable_from"] == (None if expected.liable_from is None
                                       else expected.liable_from.isoformat())
        assert body["text_sv"] == expected.describe("sv")
    bad = client.post("/liability", json={"events": [], "as_of": "soon"})
    assert 400 <= bad.status_code < 500 and bad.headers["content-type"].startswith(
        "application/problem+json")


def test_the_case_view_is_json_and_equal_for_equal_histories(client: httpx.Client) -> None:
    events = _case_events()
    one = client.post("/case", json={"events": events}).json()
    two = client.post("/case", json={"events": copy.deepcopy(events)}).json()
    assert one == two and one["phase"] and one["events"] == events
    shorter = client.post("/case", json={"events": events[:-1]}).json()
    assert shorter != one


def test_the_commands_allowed_with_their_rules(client: httpx.Client) -> None:
    request = _valid_request()
    at = dt.datetime.fromisoformat(request["at"])
    answer = client.post("/allowed", json={"events": request["events"], "at": request["at"]})
    assert answer.status_code == 200
    allowed = answer.json()["allowed"]
    case = SipCase.replay(events_from_json(json.dumps(request["events"])))
    assert allowed == {c: list(rules) for c, rules in case.allowed(at).items()}
    assert "send_invitation" in allowed and "approve_plan" not in allowed


def test_an_explanation_of_every_event(client: httpx.Client) -> None:
    path = next(p for p in scenario_paths() if len(told(p)[1].events) >= 6)
    case = told(path)[1]
    events = json.loads(events_to_json(case.events))
    for event in case.events:
        answer = client.post("/explain", json={"events": events, "seq": event.seq})
        assert answer.status_code == 200
        assert answer.json() == case.explain(event).to_dict()
    for seq in (0, len(events) + 1, "1"):
        problem = client.post("/explain", json={"events": events, "seq": seq})
        assert problem.status_code == 422 and problem.json()["field"] == "seq"


def test_rules_and_profiles(client: httpx.Client) -> None:
    rules = client.get("/rules").json()["rules"]
    assert [r["id"] for r in rules] == list(rule_catalogue())
    one = client.get("/rules/plan.goal_horizons").json()
    assert one["levels"]["jonkoping@4.0"] == "must"
    assert one["levels"]["vastmanland@1"] == "should"
    profiles = client.get("/profiles").json()["profiles"]
    assert [p["key"] for p in profiles] == [p.key for p in bundled_profiles()]
    missing = client.get("/rules/no.such_rule")
    assert missing.status_code == 404 and missing.json()["field"] == "rule_id"
    assert "transition.not_allowed" in missing.json()["expected"]
    # A refusal id that a decision names is found too, as what it is.
    refusal = client.get("/rules/transition.not_allowed").json()
    assert refusal["level"] == "refusal" and refusal["sources"] == []
    assert "fas" in refusal["summary_sv"] and set(refusal["levels"].values()) == {"refusal"}
    assert client.get("/rules/invitation.not_invited").json()["commands"] == [
        "answer_invitation"]


def test_the_openapi_document_holds_the_schemas(client: httpx.Client) -> None:
    document = client.get("/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    schemas = document["components"]["schemas"]
    assert {"event", "events", "command", "decision", "problem",
            "command_args.send_invitation"} <= set(schemas)
    assert {"/decide", "/check", "/obligations", "/allowed", "/case", "/explain", "/rules",
            "/profiles"} <= set(
        document["paths"])


# --- bad input ---------------------------------------------------------------------------------


def _bad_requests() -> dict[str, tuple[bytes, str, int, str | None]]:
    """name → (body, content type, status, the field the problem names)."""
    step = _valid_step()
    good = step.request
    events = good["events"]
    declared = events[0]["declaration"]
    other = next(e for e in (json.loads(events_to_json(told(p)[1].events))
                             for p in scenario_paths())
                 if e[0]["declaration"]["units"].keys().isdisjoint(declared["units"])
                 and len(e) >= 3)

    def body(**changes: Any) -> bytes:
        return json.dumps(edited(good, **changes)).encode()

    def with_args(**changes: Any) -> bytes:
        return body(args={**good["args"], **changes})

    tampered = copy.deepcopy(events)
    tampered[0]["profile_hash"] = "0" * 64
    later_tampered = copy.deepcopy(events)
    later_tampered[-1]["profile_hash"] = "f" * 64
    swapped = [events[0], *reversed(events[1:])]
    foreign = [*events, {**other[1], "seq": len(events) + 1}]
    two_cases = [*events, *other]
    unknown_principal = copy.deepcopy(events[0])
    unknown_principal["declaration"]["units"]["x"] = "church"
    json_type = "application/json"
    return {
        "malformed JSON": (b'{"events": [', json_type, 400, "body"),
        "not an object": (b"[1, 2]", json_type, 400, "body"),
        "bad UTF-8": (b'{"events": "\xff"}', json_type, 400, "body"),
        "deep nesting": (b"[" * 100_000 + b"]" * 100_000, json_type, 400, "body"),
        "not JSON at all": (b"events=1", "application/x-www-form-urlencoded", 415,
                            "content-type"),
        "an unknown field": (body(priority="high"), json_type, 422, "priority"),
        "no events": (body(events=KeyError), json_type, 422, "events"),
        "events not a list": (body(events={"seq": 1}), json_type, 422, "events"),
        "an empty history": (body(events=[]), json_type, 422, "events"),
        "an unknown command": (body(command="send_fax"), json_type, 422, "command"),
        "open_case again": (body(command="open_case"), json_type, 422, "command"),
        "at as a number": (body(at=20261221), json_type, 422, "at"),
        "a naive at": (body(at="2026-12-21T10:00:00"), json_type, 422, "at"),
        "args not an object": (body(args=["vc"]), json_type, 422, "args"),
        "an unknown argument": (with_args(priority="high"), json_type, 422, "args.priority"),
        "invitees as a text": (with_args(invitees="vc"), json_type, 422, "args.invitees"),
        "meeting_at as a number": (with_args(meeting_at=5), json_type, 422, "args.meeting_at"),
        "a naive meeting_at": (with_args(meeting_at="2027-01-12T13:00:00"), json_type, 422,
                               "args.meeting_at"),
        "an unknown form": (with_args(form="email"), json_type, 422, "args.form"),
        "a missing argument": (body(args={"place": "x"}), json_type, 422, "args.meeting_at"),
        "events out of order": (body(events=swapped), json_type, 422, "events[1].seq"),
        "events of two cases": (body(events=two_cases), json_type, 422,
                                f"events[{len(events)}]"),
        "an event of another case": (body(events=foreign), json_type, 422,
                                     f"events[{len(events)}]"),
        "a tampered profile stamp": (body(events=tampered), json_type, 422, "events[0].profile"),
        "a later tampered stamp": (body(events=later_tampered), json_type, 422,
                                   f"events[{len(events) - 1}].profile"),
        "an unknown profile": (body(events=[{**events[0], "profile": "vastmanland@9"}]),
                               json_type, 422, "events[0].profile"),
        "an event with an unknown field": (body(events=[{**events[0], "x": 1}]), json_type, 422,
                                           "events[0].x"),
        "a unit of an unknown principal": (body(events=[unknown_principal, *events[1:]]),
                                           json_type, 422, "events[0].declaration.units.x"),
        "a huge body": (b'{"events": [' + b'"x",' * MAX_BODY + b'"x"]}', json_type, 413,
                        "body"),
    }


@pytest.mark.parametrize("name", sorted(_bad_requests()))
def test_bad_input_is_a_4xx_problem_naming_the_field(client: httpx.Client, name: str) -> None:
    content, media, status, field = _bad_requests()[name]
    answer = client.post("/decide", content=content, headers={"content-type": media})
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["status"] == status and problem["type"].startswith("urn:sipcore:problem:")
    assert problem["title"] and problem["detail"]
    assert field is None or (problem["field"] or "").startswith(field), problem
    _still_serving(client)


REASONS = ("not UTF-8", "UTF-16 or UTF-32", "a number beyond a float's range",
           "nested too deeply", "not JSON")


def _bodies_and_reasons() -> dict[str, tuple[bytes, str, str]]:
    """name → (body, the one of REASONS the problem gives, where it says the parser stopped)."""
    text = json.dumps(_valid_request(), ensure_ascii=False)
    assert "Vårdcentralen" in text and '"seq": 2,' in text
    too_large, deep = REASONS[2], REASONS[3]
    return {
        "a byte UTF-8 does not have": (b'{"a": "V\xc3\x28rd"}', "not UTF-8", "offset 8"),
        "Latin-1": (text.encode("latin-1"), "not UTF-8", ""),
        "UTF-16 with its byte order mark": (text.encode("utf-16"), "UTF-16 or UTF-32", ""),
        "UTF-16 without one": (text.encode("utf-16-be"), "UTF-16 or UTF-32", ""),
        "UTF-32": (text.encode("utf-32-le"), "UTF-16 or UTF-32", ""),
        "an integer of 5000 digits": (b'{"a": ' + b"9" * 5_000 + b"}", too_large,
                                      "at line 1, column 7"),
        "a seq beyond a float's range": (
            text.replace('"seq": 2,', f'"seq": {10**400},', 1).encode(), too_large, "line 1"),
        "1e400": (b'{"a": [1,\n 1e400]}', too_large, "at line 2, column 2"),
        "deep nesting": (b"[" * 2_000 + b"]" * 2_000, deep, ""),
        "NaN": (b'{"a": NaN}', "not JSON", "at line 1, column 7"),
        "a lone surrogate": (text.replace("Vårdcentralen", "\\ud800", 1).encode(), "not JSON",
                             "line 1"),
        "cut short": (b'{"events": [', "not JSON", "at line 1, column 13"),
    }


@pytest.mark.parametrize("name", sorted(_bodies_and_reasons()))
def test_a_bad_body_is_refused_for_what_is_wrong_with_it(client: httpx.Client, name: str) -> None:
    content, reason, where = _bodies_and_reasons()[name]
    answer = client.post("/decide", content=content, headers={"content-type": JSON_TYPE})
    assert answer.status_code == 400, answer.text
    problem = answer.json()
    assert problem["type"] == "urn:sipcore:problem:bad-json" and problem["field"] == "body"
    given = [r for r in REASONS if r in problem["detail"]]
    assert given == [reason] and where in problem["detail"], problem
    _still_serving(client)


def test_a_utf8_byte_order_mark_is_ignored(client: httpx.Client) -> None:
    # RFC 8259 §8.1: a sender must not add one, a parser may ignore one (docs/http.md).
    content = json.dumps(_valid_request()).encode()
    plain = client.post("/decide", content=content, headers={"content-type": JSON_TYPE})
    marked = client.post("/decide", content=b"\xef\xbb\xbf" + content,
                         headers={"content-type": JSON_TYPE})
    assert plain.status_code == marked.status_code == 200
    assert marked.json() == plain.json()


def test_a_body_sent_in_chunks_is_limited_too(client: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"events": ['
        for _ in range(MAX_BODY // 1000 + 1):
            yield b'"x",' * 250
        yield b'"x"]}'

    answer = client.post("/decide", content=chunks(), headers={"content-type":
                                                               "application/json"})
    assert answer.status_code == 413
    _still_serving(client)


def test_other_methods_and_paths_are_problems(client: httpx.Client) -> None:
    for answer, status in ((client.get("/decide"), 405), (client.get("/nowhere"), 404)):
        assert answer.status_code == status
        assert answer.headers["content-type"] == "application/problem+json"
    assert "POST" in client.get("/decide").headers["allow"]
    _still_serving(client)


# --- the OpenAPI document against the server ----------------------------------------------------


def test_the_server_keeps_to_its_openapi_document(base: str) -> None:
    """Schemathesis: bodies generated from each operation's schemas, and some that break them;
    no answer is a 5xx, a body that breaks the schema is refused, and each answer keeps to its
    documented status, media type and schema."""
    api = schemathesis.openapi.from_url(f"{base}/openapi.json")
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 7
    statuses: list[int] = []
    for operation in operations:
        modes = list(schemathesis.GenerationMode) if operation.method.upper() == "POST" else [
            schemathesis.GenerationMode.POSITIVE]  # (any text is a rule_id: nothing negative)
        for mode in modes:

            @given(case=operation.as_strategy(mode))
            @settings(max_examples=30, deadline=2000, database=None,
                      suppress_health_check=list(HealthCheck))
            def keeps_to_it(case: Any) -> None:
                # A history that fits the schemas may still not be one a case can have (events
                # of no real case): a 422 problem, so valid-looking data may be refused.
                answer = case.call_and_validate(excluded_checks=[positive_data_acceptance])
                statuses.append(answer.status_code)

            keeps_to_it()
    assert len(statuses) >= 100 and {200, 422} <= set(statuses)
