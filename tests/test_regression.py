"""`sipcore diff`: the same scenarios under two profiles, and what changes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sipcore.case import SipCase
from sipcore.cli import main
from sipcore.consent import Person
from sipcore.errors import InputError, Refusal
from sipcore.profiles import Profile, load_profile
from sipcore.regression import diff_scenarios
from sipcore.scenarios import load_scenario, run_scenario, scenario_files

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "tests" / "scenarios"
EXAMPLE = ROOT / "examples" / "vastmanland-reply-2-days.toml"
TZ = ZoneInfo("Europe/Stockholm")


def _sends_an_invitation(path: Path, profile: Profile) -> bool:
    result = run_scenario(load_scenario(path), profile)
    return any(s.command == "send_invitation" and s.applied for s in result.steps)


def test_reply_deadline_change_shows_exactly_the_scenarios_with_invitations() -> None:
    old, new = load_profile("vastmanland@1"), load_profile(EXAMPLE)
    assert new.invitation_answer is not None and new.invitation_answer.amount == 2
    diffs = diff_scenarios(old, new, [SCENARIOS])
    differing = {d.path for d in diffs if d.differs}
    with_invitations = {p for p in scenario_files(SCENARIOS) if _sends_an_invitation(p, old)}
    assert with_invitations, "the bundled scenarios must send invitations"
    assert differing == with_invitations
    for d in diffs:
        for change in d.changes:
            assert "answer_invitation" in change.old or "answer_invitation" in change.new


def test_diff_command_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "national", "national@2018.1", str(SCENARIOS)]) == 0  # one version
    assert capsys.readouterr().out.strip().splitlines()[-1].startswith("0 differ")
    assert main(["diff", "vastmanland@1", str(EXAMPLE), str(SCENARIOS / "vastmanland")]) == 1
    out = capsys.readouterr().out
    assert "DIFF " in out and "answer_invitation" in out and "→" in out
    assert main(["diff", "vastmanland", "nowhere", str(SCENARIOS)]) == 2
    assert "nowhere" in capsys.readouterr().err


def test_a_profile_name_decides_each_step_by_the_version_in_force(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """DOMAIN.md §7.1: under a name, each command is decided by the version in force on its
    date. A 2025 meeting whose leader was never appointed is held under vastmanland@1 and so
    under the name; only a pinned vastmanland@2 (from 2026-12-01) refuses it."""
    path = SCENARIOS / "vastmanland" / "meeting_leader_before_version_2.toml"
    assert main(["diff", "vastmanland@1", "vastmanland", str(path)]) == 0
    assert capsys.readouterr().out.strip().endswith("(vastmanland@1 → vastmanland)")
    assert main(["diff", "vastmanland@1", "vastmanland@2", str(path)]) == 1
    assert "refused [meeting.leader]" in capsys.readouterr().out
    [diff] = diff_scenarios("vastmanland@1", "vastmanland", [path])
    assert not diff.differs


def test_diff_names_a_malformed_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\nprofile = "national"\nsurprise = 1\n', encoding="utf-8")
    assert main(["diff", "national", "vastmanland", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.toml" in err and "surprise" in err


# --- a profile that overrides nothing behaves exactly like its baseline -----------------------

EMPTY_OVERLAY = """
id = "tom"
version = "1"
name = "Region utan egna värden"
valid_from = 2018-01-01
last_reviewed = 2026-11-22
extends = "national@2018.1"
source = "lusv_4_3"
"""

UNITS = {"vc": "region", "hemtjanst": "municipality", "skola": "school", "fk": "other"}
UNIT = st.sampled_from(sorted(UNITS))


def _command() -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    until = st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31))
    return st.one_of(
        st.tuples(st.just("record_consent"), st.fixed_dictionaries({
            "given_by": st.sampled_from(["person", "guardians"]),
            "form": st.sampled_from(["oral", "written"]),
            "parties": st.lists(UNIT, min_size=1, max_size=3, unique=True),
            "valid_until": until,
            "journal_ref": st.sampled_from([None, "J1"]),
        })),
        st.tuples(st.just("appoint_coordinator"),
                  st.fixed_dictionaries({"person": st.just("Anna"), "unit": UNIT})),
        st.tuples(st.just("send_invitation"), st.fixed_dictionaries({
            "meeting_at": st.just(dt.datetime(2026, 6, 1, 10, tzinfo=TZ)),
            "place": st.just("VC"), "form": st.just("in_person"),
            "invitees": st.lists(UNIT, min_size=1, max_size=2, unique=True),
        })),
        st.tuples(st.just("answer_invitation"), st.fixed_dictionaries({
            "unit": UNIT, "attending": st.booleans(), "substitute": st.sampled_from([None, "B"]),
        })),
        st.tuples(st.just("hold_meeting"), st.fixed_dictionaries({
            "participants": st.lists(UNIT, min_size=1, max_size=2, unique=True),
        })),
        st.tuples(st.just("add_need"), st.fixed_dictionaries({"text": st.just("Stöd")})),
        st.tuples(st.just("add_goal"), st.fixed_dictionaries({
            "text": st.just("Mål"), "horizon": st.sampled_from(["short", "long"]),
        })),
        st.tuples(st.just("add_intervention"), st.fixed_dictionaries({
            "text": st.just("Insats"), "unit": UNIT,
        })),
        st.tuples(st.just("set_follow_up"), st.fixed_dictionaries({
            "date": until, "place": st.sampled_from([None, "VC"]),
        })),
        st.tuples(st.just("document_plan"), st.just({})),
        st.tuples(st.just("approve_plan"), st.fixed_dictionaries({"by": st.just("Anna")})),
        st.tuples(st.just("start_follow_up"), st.just({})),
        st.tuples(st.just("revoke_invitation"), st.just({})),
        st.tuples(st.just("close_case"), st.fixed_dictionaries({
            "reason": st.sampled_from([None, "goals_met"]),
        })),
    )


def _history(profile: Profile, birth: dt.date, steps: list[tuple[str, dict[str, Any]]],
             gaps: list[int]) -> list[object]:
    at = dt.datetime(2026, 3, 2, 9, tzinfo=TZ)
    case = SipCase.open_case(
        at=at, profile=profile, person=Person(birth, ("g1",)), units=UNITS,
        initiated_by="staff", unit="vc",
    )
    seen: list[object] = []
    for (command, args), gap in zip(steps, gaps, strict=False):
        at += dt.timedelta(hours=gap)
        if command == "record_consent" and args["given_by"] == "guardians":
            args = {**args, "guardians": ["g1"]}
        try:
            outcome = case.execute(command, at=at, **args)
            seen.append((command, "applied", str(case.phase), outcome.advice_ids))
        except Refusal as refusal:
            seen.append((command, "refused", refusal.ids))
        except InputError as error:
            seen.append((command, "input", error.argument))
        seen.append(tuple((o.kind, o.unit, o.due, o.status) for o in case.obligations(at)))
    return seen


@settings(max_examples=60, deadline=None)
@given(
    birth=st.sampled_from([dt.date(1960, 5, 5), dt.date(2012, 5, 5)]),
    steps=st.lists(_command(), max_size=25),
    gaps=st.lists(st.integers(0, 72), min_size=25, max_size=25),
)
def test_an_overlay_that_sets_nothing_behaves_like_its_baseline(
    tmp_path_factory: pytest.TempPathFactory,
    birth: dt.date,
    steps: list[tuple[str, dict[str, Any]]],
    gaps: list[int],
) -> None:
    path = tmp_path_factory.mktemp("profiles") / "tom.toml"
    path.write_text(EMPTY_OVERLAY, encoding="utf-8")
    national, overlay = load_profile("national"), load_profile(path)
    assert overlay.key != national.key
    assert _history(national, birth, steps, gaps) == _history(overlay, birth, steps, gaps)
