"""`sipcore reassess`: every case of a log decided again under two profiles, and what changes."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import attrs
import pytest

from helpers import at
from logtools import line_of, make_log, write_lines
from sipcore import Person, SipCase, events_to_json, load_profile
from sipcore.cli import main
from sipcore.logs import CaseChanges, LogCase, read, reassess
from sipcore.logs.reader import decode
from sipcore.logs.reassess import compare, liability_text
from sipcore.logs.rerun import command_args, rerun

ROOT = Path(__file__).resolve().parent.parent
PROPOSAL = ROOT / "examples" / "vastmanland-reply-2-days.toml"
UNITS = {"vc": "region", "hemtjanst": "municipality", "skola": "school"}


def christmas_case() -> SipCase:
    """Västmanland: an invitation sent on Wed 2026-12-23 (answer due Mon 12-28 under one
    working day, Tue 12-29 under two), answered on 12-29; a plan with a short-term goal only and
    a follow-up without a place, approved."""
    case = SipCase.open_case(at=at(2026, 12, 21), profile=load_profile("vastmanland"),
                             person=Person(dt.date(1961, 3, 14)), units=UNITS,
                             initiated_by="staff", unit="vc")
    case.record_consent(at=at(2026, 12, 21, 9, 30), given_by="person", form="written",
                        parties=["vc", "hemtjanst"], valid_until=dt.date(2027, 12, 31))
    case.appoint_coordinator(at=at(2026, 12, 22, 10), person="Anna Berg", unit="vc")
    case.send_invitation(at=at(2026, 12, 23, 10), meeting_at=at(2027, 1, 12, 13),
                         place="Vårdcentralen", form="in_person", invitees=["hemtjanst"])
    case.answer_invitation(at=at(2026, 12, 29, 8), unit="hemtjanst", attending=True)
    case.hold_meeting(at=at(2027, 1, 12, 13), participants=["vc", "hemtjanst"])
    case.add_need(at=at(2027, 1, 12, 14), text="Stöd i hemmet")
    case.add_goal(at=at(2027, 1, 12, 14, 10), text="Klara vardagen", horizon="short")
    case.add_intervention(at=at(2027, 1, 12, 14, 20), text="Hemtjänst", unit="hemtjanst")
    case.set_follow_up(at=at(2027, 1, 12, 14, 30), date=dt.date(2027, 3, 1))
    case.document_plan(at=at(2027, 1, 13, 9))
    case.approve_plan(at=at(2027, 1, 13, 10), by="Anna Berg")
    return case


def _changes(old: str | Path, new: str | Path) -> list[tuple[Any, ...]]:
    events = christmas_case().events
    return [(c.what, c.rule, c.kind, c.unit, c.step, c.working_days, c.old, c.new)
            for c in compare(events, load_profile(old), load_profile(new))]


def test_a_longer_answer_time_moves_the_answer_deadline_by_one_working_day() -> None:
    assert _changes("vastmanland", PROPOSAL) == [
        ("obligation_moves", None, "answer_invitation", "hemtjanst", None, 1,
         "due 2026-12-28 met 2026-12-29 (late)", "due 2026-12-29 met 2026-12-29"),
    ]
    assert _changes("vastmanland", "vastmanland@1") == []


def test_a_stricter_routine_makes_refusals_appear_and_obligations_disappear() -> None:
    approve = ("approve_plan", 12)
    refused = "refused [plan.contents, plan.goal_horizons]"
    assert _changes("vastmanland", "jonkoping") == [
        ("refusal_appears", "plan.contents", None, "vc", approve[1], None, "applied", refused),
        ("refusal_appears", "plan.goal_horizons", None, "vc", approve[1], None, "applied",
         refused),
        ("obligation_disappears", None, "answer_invitation", "hemtjanst", None, None,
         "due 2026-12-28 met 2026-12-29 (late)", "none"),
        ("obligation_disappears", None, "document_plan", "vc", None, None,
         "due 2027-01-14 met 2027-01-13", "none"),
        ("obligation_disappears", None, "follow_up", "vc", None, None, "due 2027-03-01 open",
         "none"),
    ]
    back = _changes("jonkoping", "vastmanland")
    assert [(w, r, k) for w, r, k, *_ in back] == [
        ("refusal_disappears", "plan.contents", None),
        ("refusal_disappears", "plan.goal_horizons", None),
        ("obligation_appears", None, "answer_invitation"),
        ("obligation_appears", None, "document_plan"),
        ("obligation_appears", None, "follow_up"),
    ]


def test_rerun_under_the_recorded_profile_gives_back_the_recorded_events() -> None:
    """The recorded commands, run again with execute, make the very same events: the
    arguments are read back completely (preferences and withdrawals included)."""
    commands = set()
    for line in make_log.lines(150, seed=11):
        found = _decoded(line)
        again = rerun(found.events, found.case.profile)
        assert again.refusals == (None,) * (len(found.events) - 1)
        assert events_to_json(again.case.events) == line
        commands.update(e.command for e in found.events)
    assert {"record_preferences", "withdraw_consent", "start_follow_up"} <= commands


def _decoded(line: str) -> LogCase:
    found = decode("log", 1, line)
    assert isinstance(found, LogCase), found
    return found


def test_command_args_leave_out_what_the_case_decided() -> None:
    case = christmas_case()
    case.withdraw_consent(at=at(2027, 2, 1))
    withdrawal = case.events[-1]
    assert withdrawal.args.notify == ("hemtjanst",)
    assert command_args(withdrawal) == {}


def test_totals_per_rule_kind_and_unit(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "log.jsonl", [line_of(christmas_case())] * 3)
    found: list[CaseChanges] = []
    report = reassess("vastmanland@1", "jonkoping", [path], on_case=found.append, jobs=1)
    t = report.totals
    assert (report.old, report.new) == ("vastmanland@1", "jonkoping")  # (a name: its versions)
    assert (t.cases, t.changed) == (3, 3)
    assert [c.line for c in found] == [1, 2, 3]
    assert t.by_rule == {("refusal_appears", "plan.contents"): 3,
                         ("refusal_appears", "plan.goal_horizons"): 3}
    assert t.by_kind == {("obligation_disappears", k): 3
                         for k in ("answer_invitation", "document_plan", "follow_up")}
    assert t.by_unit == {("vc", "refusal_appears"): 6, ("vc", "obligation_disappears"): 6,
                         ("hemtjanst", "obligation_disappears"): 3}
    moved = reassess("vastmanland", PROPOSAL, [path], jobs=1).totals
    assert moved.moves == {("answer_invitation", 1): 3}


def test_a_profile_name_decides_each_recorded_command_by_the_version_in_force(
    tmp_path: Path,
) -> None:
    """DOMAIN.md §7.1: a case of 2025 reassessed under the name vastmanland is decided by
    vastmanland@1, in force then, not by the newest version (from 2026-12-01)."""
    case = SipCase.open_case(at=at(2025, 3, 3), profile="vastmanland",
                             person=Person(dt.date(1961, 3, 14)), units=UNITS,
                             initiated_by="staff", unit="vc")
    case.record_consent(at=at(2025, 3, 3, 10), given_by="person", form="written",
                        parties=["vc", "hemtjanst"], valid_until=dt.date(2025, 12, 31))
    case.appoint_coordinator(at=at(2025, 3, 3, 11), person="Anna", unit="vc")
    case.send_invitation(at=at(2025, 3, 4, 9), meeting_at=at(2025, 3, 20, 9), place="VC",
                         form="in_person", invitees=["hemtjanst"])
    case.hold_meeting(at=at(2025, 3, 20, 9), participants=["vc", "hemtjanst"], leader="Bertil")
    path = write_lines(tmp_path / "log.jsonl", [line_of(case)])
    assert reassess("vastmanland@1", "vastmanland", [path], jobs=1).totals.changed == 0
    pinned = reassess("vastmanland@1", "vastmanland@2", [path], jobs=1).totals
    assert pinned.by_rule == {("refusal_appears", "meeting.leader"): 1}


def test_obligations_are_compared_as_of_a_given_time() -> None:
    events = christmas_case().events
    early = compare(events, load_profile("vastmanland"), load_profile("jonkoping"),
                    as_of=at(2026, 12, 24))
    assert [(c.what, c.kind) for c in early if c.kind] == [
        ("obligation_disappears", "answer_invitation")]


@attrs.frozen
class _Liability:
    liable_from: dt.date | bool
    liable_days: int


def test_liability_text() -> None:
    class Case:
        def __init__(self, found: Any) -> None:
            self.found = found

        def payment_liability(self, as_of: dt.datetime) -> Any:
            return self.found

    assert liability_text(object(), at(2026, 3, 6)) is None  # the case cannot tell
    assert liability_text(Case(_Liability(dt.date(2026, 3, 5), 1)), at(2026, 3, 6)) == \
        "liable from 2026-03-05, 1 days"
    assert liability_text(Case(_Liability(False, 0)), at(2026, 3, 6)) == "not liable"


def test_a_changed_liability_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the engine tells a payment liability (DOMAIN.md §10.3), a profile that changes it
    shows as liability_changes. Here a stand-in reads the liability's start from the
    profile's answer time, so that the two profiles differ."""

    def payment_liability(case: SipCase, as_of: dt.datetime) -> _Liability:
        days = case.profile.invitation_answer.amount if case.profile.invitation_answer else 0
        return _Liability(dt.date(2026, 12, 24) + dt.timedelta(days=days), days)

    monkeypatch.setattr(SipCase, "payment_liability", payment_liability, raising=False)
    changes = compare(christmas_case().events, load_profile("vastmanland"),
                      load_profile(PROPOSAL))
    assert [(c.what, c.old, c.new) for c in changes if c.what == "liability_changes"] == [
        ("liability_changes", "liable from 2026-12-25, 1 days", "liable from 2026-12-26, 2 days")
    ]


# --- the command line ---------------------------------------------------------------------------


def test_cli_writes_csv_and_json_lines_and_fails_on_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_lines(tmp_path / "log.jsonl.gz", [line_of(christmas_case())] * 2)
    out_csv, out_jsonl = tmp_path / "changes.csv", tmp_path / "changes.jsonl"
    assert main(["reassess", "vastmanland", "jonkoping", str(path), "--out", str(out_csv),
                 "--jobs", "1"]) == 0
    summary = capsys.readouterr().out
    assert "2 cases, 2 change" in summary and "refusal_appears plan.goal_horizons: 2" in summary
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    assert len(rows) == 10 and {r["line"] for r in rows} == {"1", "2"}
    assert rows[0]["what"] == "refusal_appears" and rows[0]["step"] == "12"
    assert main(["reassess", "vastmanland", str(PROPOSAL), str(path), "--out", str(out_jsonl),
                 "--jobs", "1", "--fail-on-change"]) == 1
    cases = [json.loads(line) for line in out_jsonl.read_text(encoding="utf-8").splitlines()]
    assert [c["line"] for c in cases] == [1, 2]
    assert cases[0]["changes"][0]["working_days"] == 1
    assert main(["reassess", "vastmanland", "vastmanland@1", str(path), "--jobs", "1",
                 "--fail-on-change"]) == 0
    assert "0 change" in capsys.readouterr().out


def test_reassess_of_a_generated_log(tmp_path: Path) -> None:
    path = make_log.write(tmp_path / "log.jsonl.gz", 120, seed=2)
    report = reassess("vastmanland", PROPOSAL, [path], jobs=1)
    cases = list(read(path))
    invited = [c for c in cases
               if any(e.command == "send_invitation" for e in c.events)]
    assert report.totals.cases == len(cases) == 120
    assert 0 < report.totals.changed <= len(invited)
    assert set(report.totals.by_change) == {"obligation_moves"}
    assert {k for k, _ in report.totals.moves} == {"answer_invitation"}
