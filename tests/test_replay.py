"""Replay that a tampered log cannot fool: every recorded command is decided again and the
recorded event must be what the engine records; events of two cases cannot be spliced; a
profile is found by name among the bundled and the given ones, never from a path in an event."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import ADULT, UNITS, at, consent_args, invitation, profile, walk
from sipcore import commands, events_from_json, events_to_json
from sipcore.case import SipCase
from sipcore.errors import EventFormatError, SipError
from sipcore.events import Event


def _tamper(events: tuple[Event, ...], i: int, **changes: Any) -> list[Event]:
    out = list(events)
    out[i] = attrs.evolve(out[i], **changes)
    return out


def _index(events: tuple[Event, ...], command: str) -> int:
    return next(i for i, e in enumerate(events) if e.command == command)


def test_a_valid_history_replays_verified_and_unverified_to_the_same_case() -> None:
    case, _ = walk("follow_up", profile_name="vastmanland")
    assert SipCase.replay(case.events).snapshot() == case.snapshot()
    assert SipCase.replay(case.events, verify=False).snapshot() == case.snapshot()


def test_a_verified_replay_hands_on_each_command_by_its_arguments_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Deciding a recorded command again reads its arguments by the command's own names, as
    a typed command method does: no search for unknown or missing names (the arguments are
    still checked, each by its kind)."""
    case, _ = walk("follow_up")

    def searched(self: Any, args: Any) -> None:
        raise AssertionError("searched for unknown and missing names")

    monkeypatch.setattr(commands._Spec, "_refuse_unknown_and_missing", searched)
    assert SipCase.replay(case.events).snapshot() == case.snapshot()
    i = _index(case.events, "approve_plan")
    forged = _tamper(case.events, i, args=attrs.evolve(case.events[i].args, by=" "))
    with pytest.raises(EventFormatError, match=rf"events\[{i}\]\.args\.by"):
        SipCase.replay(forged)


def test_an_approval_by_someone_else_after_the_consent_expired_is_refused() -> None:
    case, _ = walk("active")
    i = _index(case.events, "approve_plan")
    approval = case.events[i]
    forged = _tamper(case.events, i, args=attrs.evolve(approval.args, by="Mallory"),
                     at=approval.at + dt.timedelta(days=400))
    with pytest.raises(EventFormatError, match=rf"events\[{i}\]\.command.*plan\.approver"):
        SipCase.replay(forged[: i + 1])


def test_a_shortened_consent_is_refused_where_a_later_command_needs_it() -> None:
    case, _ = walk("drafting")
    i = _index(case.events, "record_consent")
    consent = case.events[i]
    meeting = case.events[_index(case.events, "hold_meeting")]
    assert meeting.at.date() > consent.at.date()
    short = attrs.evolve(consent.args, valid_until=consent.at.date())
    with pytest.raises(EventFormatError, match=r"events\[\d+\]\.command.*consent\.required"):
        SipCase.replay(_tamper(case.events, i, args=short))


@pytest.mark.parametrize(
    ("command", "field", "value", "named"),
    [
        ("hold_meeting", "kva", "AU999", "kva"),
        ("send_invitation", "unit", "hemtjanst", "unit"),
        ("send_invitation", "phase", "drafting", "phase"),
    ],
)
def test_a_forged_field_the_engine_decides_is_named(
    command: str, field: str, value: Any, named: str
) -> None:
    case, _ = walk("drafting")
    i = _index(case.events, command)
    with pytest.raises(EventFormatError, match=rf"events\[{i}\]\.{named}"):
        SipCase.replay(_tamper(case.events, i, **{field: value}))


def test_an_emptied_list_of_units_to_notify_is_refused() -> None:
    case, clock = walk("drafting")
    case.withdraw_consent(at=clock())
    assert case.notified
    last = len(case.events) - 1
    emptied = attrs.evolve(case.events[-1].args, notify=())
    with pytest.raises(EventFormatError, match=rf"events\[{last}\]\.args\.notify"):
        SipCase.replay(_tamper(case.events, last, args=emptied))
    # the trusted path applies it as recorded
    assert SipCase.replay(_tamper(case.events, last, args=emptied), verify=False).notified == ()


def test_a_declaration_on_a_later_event_is_refused() -> None:
    case, _ = walk("consented")
    opening = case.events[0]
    later = case.events[1]
    assert opening.declaration is not None
    from sipcore.events import OpeningEvent

    forged = OpeningEvent(later.seq, later.at, later.args, later.phase, later.decided_under,
                          later.unit, later.kva, later.case_id,
                          declaration=opening.declaration)
    with pytest.raises(EventFormatError, match=r"events\[1\]: .*declaration"):
        SipCase.replay([opening, forged, *case.events[2:]])


def test_events_of_two_cases_cannot_be_spliced() -> None:
    first = SipCase.open_case(at=at(2026, 3, 2), profile=profile(), person=ADULT, units=UNITS,
                              initiated_by="staff", unit="vc", case_id="vgr-1")
    second = SipCase.open_case(at=at(2026, 3, 2), profile=profile(), person=ADULT, units=UNITS,
                               initiated_by="staff", unit="vc", case_id="vgr-2")
    for case in (first, second):
        case.record_consent(at=at(2026, 3, 2, 10), **consent_args(ADULT))
    assert first.case_id == "vgr-1" and {e.case_id for e in first.events} == {"vgr-1"}
    with pytest.raises(EventFormatError, match=r"events\[1\]\.case"):
        SipCase.replay([first.events[0], second.events[1]])


def test_a_derived_identity_is_the_same_for_the_same_opening() -> None:
    def opened() -> SipCase:
        return SipCase.open_case(at=at(2026, 3, 2), profile=profile(), person=ADULT,
                                 units=UNITS, initiated_by="staff", unit="vc")

    assert opened().case_id == opened().case_id
    assert len(opened().case_id) == 36


def test_a_derived_identity_stays_the_one_earlier_releases_derived() -> None:
    """Callers keep derived identities: the derivation (a UUID 5 of the opening's JSON) never
    changes, for a case opened live and for an opening event read back."""
    from zoneinfo import ZoneInfo

    from sipcore import Person, load_profile
    from sipcore.events import derived_case_id

    opened = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
    case = SipCase.open_case(at=opened, profile=load_profile("national@2018.1"),
                             person=Person(dt.date(2010, 5, 1), ("mor", "far")),
                             units={"vc": "region", "skola": "municipality"},
                             initiated_by="staff", unit="vc")
    assert case.case_id == "79f4b2d3-7909-5190-be09-e294d80e65d5"
    assert derived_case_id(case.events[0]) == case.case_id


@pytest.mark.parametrize("key", ["rogue@1", "../../../etc/passwd", "rogue@1.toml",
                                 "national@2018.1/../x"])
def test_replay_never_reads_a_profile_file_an_event_names(
    key: str, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rogue@1.toml").write_text('id = "rogue"\n', encoding="utf-8")
    case, _ = walk("consented")
    data = json.loads(events_to_json(case.events))
    for item in data:
        item["profile"] = key
    with pytest.raises(EventFormatError, match=r"events\[0\]\.profile"):
        SipCase.replay(events_from_json(json.dumps(data)))


def test_a_profile_the_caller_passes_is_found_by_its_stamp(tmp_path: Any) -> None:
    from importlib import resources
    from pathlib import Path

    from sipcore.profiles import load_profile

    source = next(Path(str(resources.files("sipcore"))).rglob("vastmanland@1.toml"))
    text = source.read_text(encoding="utf-8").replace('version = "1"', 'version = "1-proposal"')
    own_file = tmp_path / "proposal.toml"
    own_file.write_text(text, encoding="utf-8")
    own = load_profile(own_file)
    case, _ = walk("consented", profile_name="vastmanland")
    opened = SipCase.open_case(at=at(2026, 3, 2), profile=own, person=ADULT, units=UNITS,
                               initiated_by="staff", unit="vc")
    with pytest.raises(EventFormatError, match=r"events\[0\]\.profile"):
        SipCase.replay(opened.events)
    assert SipCase.replay(opened.events, profiles=[own]).profile is own
    assert case.profile is not own


# --- every single-field mutation: replays identically or is refused naming the event --------


def _lifecycle() -> SipCase:
    case, clock = walk("follow_up", profile_name="vastmanland")
    case.withdraw_consent(at=clock())
    return case


LIFECYCLE = _lifecycle()
TEXT = events_to_json(LIFECYCLE.events)
EVENTS = json.loads(TEXT)
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(
        ["", " ", "vc", "hemtjanst", "psyk", "AU124", "Mallory", "2026-03-02",
         "2026-03-02T09:00:00+01:00", "9999-12-31T00:00:00+00:00", "opened", "active"]),
    st.lists(st.sampled_from(["vc", "hemtjanst", "psyk"]), max_size=3),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _paths(v, (*prefix, k))] or [prefix]
    if isinstance(value, list) and value and all(isinstance(v, (dict, list)) for v in value):
        return [p for i, v in enumerate(value) for p in _paths(v, (*prefix, i))]
    return [prefix]


PATHS = [(i, *p) for i, e in enumerate(EVENTS) for p in _paths(e)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(PATHS), value=VALUES)
def test_a_single_field_mutation_replays_identically_or_is_refused(
    path: tuple[Any, ...], value: Any
) -> None:
    data = json.loads(TEXT)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    try:
        events = events_from_json(json.dumps(data))
        case = SipCase.replay(events)
    except SipError as exc:
        assert "events" in str(exc) or "profile" in str(exc), str(exc)
        return
    # Accepted: then the log is exactly what the engine records for its commands, run live.
    first = events[0]
    assert first.declaration is not None
    live = SipCase.open_with(
        at=first.at, profile=case.events[0].profile, person=first.declaration.person,
        units=dict(first.declaration.units), case_id=first.case_id,
        **{k: v for k, v in attrs.asdict(first.args, recurse=False).items() if k != "follows"},
    )
    for event in events[1:]:
        args = attrs.asdict(event.args, recurse=False)
        args.pop("notify", None)
        if event.command == "record_preferences":
            args = dict(args["fields"])
        live.execute(event.command, at=event.at, **args)
    assert live.events == case.events and live.snapshot() == case.snapshot()


def test_the_trusted_path_is_documented_as_such() -> None:
    doc = SipCase.replay.__doc__ or ""
    assert "verify=False" in doc and "trusted" in doc


def test_invitation_helper_still_valid() -> None:  # the helpers' invitation is in the future
    case, clock = walk("consented")
    case.send_invitation(**invitation(clock()))
