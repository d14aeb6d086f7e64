"""``sipcore serve``: the same decisions over HTTP, for systems not written in Python.

Install the extra: ``pip install "sipcore[serve]"`` (FastAPI and uvicorn). The service is
stateless: the client posts a case's events (as :func:`sipcore.events_to_json` writes them)
and a command; the service replays the events, decides, and answers with the new events or
the refusal with its findings (:mod:`sipcore.wire` does the work). It stores nothing.

- ``POST /decide``, ``POST /check``: a command decided (``sipcore.decision/1``); a refusal
  is an answer (``200``, ``"allowed": false``), not an error;
- ``POST /obligations``: the obligations as of a time; ``POST /liability``: the payment
  liability as of a time; ``POST /allowed``: the commands the
  phase allows, with the rules each would check; ``POST /case``: the case as JSON;
- ``POST /explain``: why an event was recorded (``case.explain``);
- ``GET /rules``, ``GET /rules/{rule_id}``, ``GET /profiles``: the catalogue;
- ``GET /openapi.json``: the OpenAPI 3.1 document, whose schemas are ``sipcore schema``'s.

Bad input is answered ``4xx`` with RFC 9457 problem details (``application/problem+json``)
naming the field at fault. Every answer carries ``Sipcore-Version``; an answer about a case
carries ``Sipcore-Profile`` (``id@version``) and ``Sipcore-Profile-Hash``. A request body
larger than ``max_body`` bytes (default 1 MiB) is refused with ``413``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sipcore import __version__, wire
from sipcore.case import SipCase
from sipcore.errors import EventFormatError, InputError, ProfileError, SipError
from sipcore.schema import PROBLEM_TYPES, definitions

__all__ = ["MAX_BODY", "create_app"]

MAX_BODY = 1 << 20  # bytes: a case of a few thousand events
JSON = "application/json"
PROBLEM = "application/problem+json"


# --- answers -------------------------------------------------------------------------------------


def _json(data: Any, status: int = 200, case: SipCase | None = None,
          media_type: str = JSON) -> Response:
    headers = {}
    if case is not None:
        headers["Sipcore-Profile"] = case.profile.key
        headers["Sipcore-Profile-Hash"] = case.profile.content_hash
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(body, status, headers, media_type)


def _problem(kind: str, status: int, title: str, detail: str, field: str | None = None,
             expected: str | None = None) -> Response:
    problem = {"type": PROBLEM_TYPES[kind], "title": title, "status": status, "detail": detail,
               "field": field, "expected": expected}
    return _json(problem, status, media_type=PROBLEM)


def _problem_of(exc: SipError) -> Response:
    """The problem answer for one of the library's errors."""
    if isinstance(exc, InputError):
        kind, title = ("bad-json", "Malformed JSON") if exc.argument == "body" else (
            "bad-input", "Bad input")
        status = 400 if kind == "bad-json" else 422
        return _problem(kind, status, title, str(exc), exc.argument, exc.expected)
    if isinstance(exc, EventFormatError | ProfileError):
        text = str(exc)
        head = text.split(":", 1)[0]
        field = head if head.startswith("events") else "events[0].profile"
        if isinstance(exc, ProfileError):
            text = f"events[0].profile: {text}"
        return _problem("bad-history", 422, "Not a valid history of a case", text, field)
    return _problem("bad-input", 422, "Bad input", str(exc))


Handler = Callable[[Mapping[str, Any]], tuple[SipCase, dict[str, Any]]]


def _answer(handler: Handler, content_type: str, raw: bytes) -> Response:
    """Run ``handler`` on the JSON body ``raw``, and answer its result or the problem."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media != JSON and not media.endswith("+json"):
        return _problem("media-type", 415, "Unsupported media type",
                        f"expected a body of type {JSON}, got {media or 'none'}",
                        "content-type", JSON)
    try:
        case, answer = handler(wire.parse_body(raw))
    except SipError as exc:
        return _problem_of(exc)
    except RecursionError:
        return _problem("bad-json", 400, "Malformed JSON", "body: nested too deeply", "body")
    except OverflowError:  # a date the calendar cannot reach, wherever it was met
        return _problem("bad-input", 422, "Bad input", "a date or time too near the years 1 or "
                        "9999 to compute with")
    return _json(answer, case=case)


def _endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        return _answer(handler, request.headers.get("content-type", ""), await request.body())

    return endpoint


# --- around the app: the size limit and the version header ---------------------------------------


class _Limits:
    """Refuse a body larger than ``max_body`` bytes (``413``) before the app reads it, and add
    ``Sipcore-Version`` to every answer. A ``POST`` to one of the ``posted`` paths (the
    decisions) is answered here, from the body read: the app's routing would only find the
    same handler, at a third of the time per decision; every other request goes to the app."""

    def __init__(self, app: ASGIApp, max_body: int, posted: Mapping[str, Handler]) -> None:
        self.app = app
        self.max_body = max_body
        self.posted = posted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_version(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                headers.append((b"sipcore-version", __version__.encode()))
                message = {**message, "headers": headers}
            await send(message)

        chunks: list[bytes] = []
        size = 0
        declared = dict(scope.get("headers", ())).get(b"content-length", b"")
        too_large = declared.isdigit() and int(declared) > self.max_body
        more = not too_large
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                too_large = True
                break
            chunks.append(chunk)
            more = message.get("more_body", False)
        if too_large:
            answer = _problem("too-large", 413, "Request body too large",
                              f"a request body may hold at most {self.max_body} bytes", "body")
            await answer(scope, receive, send_with_version)
            return
        body = b"".join(chunks)
        handler = self.posted.get(scope["path"]) if scope["method"] == "POST" else None
        if handler is not None:
            content_type = dict(scope["headers"]).get(b"content-type", b"").decode("latin-1")
            await _answer(handler, content_type, body)(scope, receive, send_with_version)
            return
        given = False

        async def replayed() -> Message:
            nonlocal given
            if given:
                return await receive()
            given = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replayed, send_with_version)


# --- the OpenAPI document ------------------------------------------------------------------------


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _request_schemas() -> dict[str, dict[str, Any]]:
    events = {"events": _ref("events")}
    return {
        "request.decide": {
            "allOf": [_ref("command_variants")],
            "properties": {**events, "command": {}, "at": {}, "args": {}},
            "required": ["events", "command", "at"],
            "additionalProperties": False,
        },
        "request.obligations": {
            "type": "object",
            "properties": {**events, "as_of": _ref("datetime")},
            "required": ["events", "as_of"],
            "additionalProperties": False,
        },
        "request.liability": {
            "type": "object",
            "properties": {**events, "as_of": _ref("datetime")},
            "required": ["events", "as_of"],
            "additionalProperties": False,
        },
        "liability": {
            "type": "object",
            "description": "the payment liability (Lag (2017:612) 5 kap. 3-4 §§) as of a time",
            "properties": {
                "as_of": _ref("datetime"), "profile": {"type": "string"},
                "liable_from": {"type": ["string", "null"], "format": "date"},
                "liable_days": {"type": "integer", "minimum": 0},
                "missing": {"type": ["string", "null"]}, "section": {"type": "string"},
                "sources": {"type": "array", "items": _ref("source")},
                "text_sv": {"type": "string"}, "text_en": {"type": "string"},
            },
            "required": ["as_of", "profile", "liable_from", "liable_days", "missing",
                         "section", "sources", "text_sv", "text_en"],
        },
        "request.allowed": {
            "type": "object",
            "properties": {**events, "at": _ref("datetime")},
            "required": ["events", "at"],
            "additionalProperties": False,
        },
        "allowed": {
            "type": "object",
            "properties": {
                "at": _ref("datetime"), "phase": {"type": "string"},
                "allowed": {"type": "object", "additionalProperties": {
                    "type": "array", "items": {"type": "string"}}},
            },
            "required": ["at", "phase", "allowed"],
        },
        "request.case": {
            "type": "object", "properties": events, "required": ["events"],
            "additionalProperties": False,
        },
        "request.explain": {
            "type": "object",
            "properties": {**events, "seq": {"type": "integer", "minimum": 1}},
            "required": ["events", "seq"],
            "additionalProperties": False,
        },
        "obligations": {
            "type": "object",
            "properties": {"as_of": _ref("datetime"), "profile": {"type": "string"},
                           "obligations": {"type": "array", "items": _ref("obligation")}},
            "required": ["as_of", "profile", "obligations"],
        },
        "case_view": {"type": "object", "description": "every field of the case's snapshot",
                      "required": ["phase", "events", "profile"]},
        "rule": {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "level": {"enum": ["must", "should", "off", "refusal"],
                          "description": "refusal: an id the order of checks refuses with, "
                                         "not a rule"},
                "summary_sv": {"type": "string"}, "summary_en": {"type": "string"},
                "sources": {"type": "array", "items": _ref("source")},
                "commands": {"type": "array", "items": {"type": "string"}},
                "levels": {"type": "object",
                           "additionalProperties": {"enum": ["must", "should", "off",
                                                             "refusal"]}},
            },
            "required": ["id", "level", "summary_sv", "summary_en", "sources", "commands",
                         "levels"],
        },
        "profile": {
            "type": "object",
            "properties": {"key": {"type": "string"}, "content_hash": {"type": "string"},
                           "rule_levels": {"type": "object"}, "parameters": {"type": "object"}},
            "required": ["key", "id", "version", "name", "valid_from", "content_hash",
                         "rule_levels", "parameters"],
        },
    }


def _body(name: str, example: Mapping[str, Any] | None = None) -> dict[str, Any]:
    content: dict[str, Any] = {"schema": _ref(name)}
    if example is not None:
        content["example"] = example
    return {"requestBody": {"required": True, "content": {JSON: content}}}


def _responses(answer: str, *problems: int) -> dict[int | str, dict[str, Any]]:
    out: dict[int | str, dict[str, Any]] = {
        200: {"description": answer.replace("_", " "),
              "content": {JSON: {"schema": _ref(answer)}}},
    }
    described = {400: "Malformed JSON", 404: "No such entry", 413: "Request body too large",
                 415: "Unsupported media type", 422: "Bad input, or not a valid history"}
    for status in problems:
        out[status] = {"description": described[status],
                       "content": {PROBLEM: {"schema": _ref("problem")}}}
    return out


_POSTED = (400, 413, 415, 422)


def _listing(key: str, item: str) -> dict[int | str, dict[str, Any]]:
    """The answer ``{key: [item, …]}``."""
    listed = {"type": "object", "properties": {key: {"type": "array", "items": _ref(item)}},
              "required": [key]}
    return {200: {"description": f"every {item}", "content": {JSON: {"schema": listed}}}}


def _example() -> dict[str, Any]:
    """A case of six events and the invitation it would send next, for the documentation."""
    from zoneinfo import ZoneInfo

    from sipcore.consent import Person
    from sipcore.profiles import load_profile

    tz = ZoneInfo("Europe/Stockholm")

    def t(day: int, hour: int) -> dt.datetime:
        return dt.datetime(2026, 12, day, hour, 0, tzinfo=tz)

    case = SipCase.open_case(at=t(21, 9), profile=load_profile("vastmanland", on=t(21, 9).date()),
                             person=Person(dt.date(1961, 3, 14)),
                             units={"vc": "region", "hemtjanst": "municipality"},
                             initiated_by="staff", unit="vc")
    case.record_consent(at=t(21, 10), given_by="person", form="written",
                        parties=["vc", "hemtjanst"], valid_until=dt.date(2027, 12, 31))
    case.appoint_coordinator(at=t(22, 10), person="Anna Berg", unit="vc")
    case.record_preferences(at=t(22, 11), place="hemma", interpreter=False)
    case.send_invitation(at=t(23, 10), meeting_at=t(28, 13), place="Vårdcentralen",
                         form="in_person", invitees=["hemtjanst"])
    case.revoke_invitation(at=t(23, 11))
    return {
        "events": [e.to_dict() for e in case.events],
        "command": "send_invitation",
        "at": "2026-12-23T12:00:00+01:00",
        "args": {"meeting_at": "2027-01-12T13:00:00+01:00", "place": "Vårdcentralen",
                 "form": "in_person", "invitees": ["hemtjanst"]},
    }


# --- the app -------------------------------------------------------------------------------------


def create_app(*, max_body: int = MAX_BODY) -> ASGIApp:
    """The service as an ASGI app; a request body of more than ``max_body`` bytes is refused."""
    if type(max_body) is not int or max_body < 1:
        raise InputError("max_body", "a number of bytes ≥ 1", max_body)
    from sipcore import rule_catalogue
    from sipcore.catalogue import REFUSALS
    from sipcore.profiles import bundled_profiles

    app = FastAPI(
        title="sipcore",
        version=__version__,
        summary="Samordnad individuell plan (SIP) as executable, auditable rules, over HTTP",
        description="Stateless: post a case's events and a command; the answer is the new "
                    "events, or the refusal with every finding. Bad input is answered with "
                    "RFC 9457 problem details naming the field.",
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    example = _example()

    routes: list[tuple[str, Handler, str, str, str, Any]] = [
        ("/decide", wire.decide, "request.decide", "decision",
         "Decide a command on the case the events record (nothing is stored)", example),
        ("/check", wire.decide, "request.decide", "decision",  # the same: nothing is applied
         "Ask in advance: the decision the command would get, the case untouched", example),
        ("/obligations", wire.obligations, "request.obligations", "obligations",
         "The case's obligations as of a time, with their status",
         {"events": example["events"], "as_of": "2026-12-28T12:00:00+01:00"}),
        ("/liability", wire.liability, "request.liability", "liability",
         "The municipality's payment liability as of a time (Lag (2017:612) 5 kap. 3-4 §§)",
         {"events": example["events"], "as_of": "2026-12-28T12:00:00+01:00"}),
        ("/case", wire.view, "request.case", "case_view", "The case the events record, as JSON",
         {"events": example["events"]}),
        ("/allowed", wire.allowed, "request.allowed", "allowed",
         "The commands the phase allows at a time, each with the rules it would check",
         {"events": example["events"], "at": example["at"]}),
        ("/explain", wire.explain, "request.explain", "explanation",
         "Why an event was recorded: every rule its command evaluated, with its sources",
         {"events": example["events"], "seq": 5}),
    ]
    # Plain routes (the endpoint reads its body itself): the decisions skip FastAPI's
    # parameter machinery, and their OpenAPI operations are written here.
    posted: dict[str, Any] = {}
    for path, handler, request_schema, answer, summary, shown in routes:
        app.router.routes.append(Route(path, _endpoint(handler), methods=["POST"]))
        responses = {str(status): r for status, r in _responses(answer, *_POSTED).items()}
        posted[path] = {"post": {"summary": summary, "operationId": path.strip("/"),
                                 **_body(request_schema, shown), "responses": responses}}

    profiles = bundled_profiles()
    rules = {rule_id: wire.rule_json(rule, profiles) for rule_id, rule in
             rule_catalogue().items()}
    refusals = {refusal_id: wire.refusal_json(refusal_id, profiles) for refusal_id in REFUSALS}
    listed = [wire.profile_json(p) for p in profiles]

    async def all_rules() -> Response:
        return _json({"rules": list(rules.values())})

    async def one_rule(rule_id: str) -> Response:
        found = rules.get(rule_id) or refusals.get(rule_id)
        if found is None:
            return _problem("not-found", 404, "No such rule", f"no rule has the id {rule_id!r}",
                            "rule_id", "a rule id (GET /rules lists them) or a refusal id ("
                            + ", ".join(REFUSALS) + ")")
        return _json(found)

    async def all_profiles() -> Response:
        return _json({"profiles": listed})

    app.add_api_route("/rules", all_rules, methods=["GET"], summary="Every rule",
                      response_class=Response, responses=_listing("rules", "rule"))
    app.add_api_route("/rules/{rule_id}", one_rule, methods=["GET"],
                      summary="One rule or refusal id: its wording, sources, level per profile",
                      response_class=Response, responses=_responses("rule", 404))
    app.add_api_route("/profiles", all_profiles, methods=["GET"],
                      summary="Every bundled profile version", response_class=Response,
                      responses=_listing("profiles", "profile"))

    async def http_problem(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 400
        kind = {404: "not-found", 405: "method"}.get(status, "bad-input")
        title = str(getattr(exc, "detail", "Bad request"))
        answer = _problem(kind, status, title, f"{request.method} {request.url.path}: {title}")
        answer.headers.update(getattr(exc, "headers", None) or {})  # Allow, for a 405
        return answer

    app.add_exception_handler(HTTPException, http_problem)
    _document(app, posted)
    return _Limits(app, max_body, {path: handler for path, handler, *_ in routes})


def _document(app: FastAPI, posted: Mapping[str, Any]) -> None:
    """Add the operations of the plain routes (``posted``) to the OpenAPI document, and
    ``sipcore schema``'s definitions to its components."""
    from fastapi.openapi.utils import get_openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(title=app.title, version=app.version, summary=app.summary,
                                   description=app.description, routes=app.routes)
            document["paths"] = {**posted, **document.get("paths", {})}
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            schemas.update(definitions(_ref))
            schemas.update(_request_schemas())
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
