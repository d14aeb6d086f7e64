"""Scenario files (DOMAIN.md §9): every file under ``tests/scenarios/`` passes, every file under
``tests/bad_scenarios/`` is refused with the message its first line names, and ``sipcore check``
reports and exits as documented.

A bad file starts with ``# expect: <message>``: the whole ScenarioError message after
``<path>: ``, or, ending in ``…``, its beginning.
"""

from __future__ import annotations

import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from helpers import profile
from sipcore import scenarios
from sipcore.cli import main
from sipcore.errors import ScenarioError
from sipcore.scenarios import (
    StepOutcome,
    load_scenario,
    resolve_profile,
    run_scenario,
    scenario_files,
    step_outcomes,
)

TESTS = Path(__file__).parent
SCENARIOS = TESTS / "scenarios"
BAD = TESTS / "bad_scenarios"
GOOD_FILES = scenario_files(SCENARIOS)
BAD_FILES = sorted(BAD.glob("*.toml"))
EXAMPLE = SCENARIOS / "vastmanland" / "answer_over_christmas.toml"


def _id(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


# --- the scenarios themselves ------------------------------------------------------------------


@pytest.mark.parametrize("path", GOOD_FILES, ids=[_id(p, SCENARIOS) for p in GOOD_FILES])
def test_scenario(path: Path) -> None:
    result = run_scenario(load_scenario(path))
    if not result.passed:
        pytest.fail(f"{_id(path, SCENARIOS)}: {result.describe()}", pytrace=False)


def test_enough_scenarios_per_profile() -> None:
    per_dir = {d.name: len(scenario_files(d)) for d in SCENARIOS.iterdir() if d.is_dir()}
    assert per_dir["national"] >= 25
    assert per_dir["vastmanland"] >= 4


def test_every_scenario_cites_its_source_and_runs_under_its_directory_profile() -> None:
    for path in GOOD_FILES:
        scenario = load_scenario(path)
        assert scenario.source, path
        assert scenario.profile.partition("@")[0] == path.parent.name, path


def _covered() -> tuple[set[str], set[str], set[str], set[tuple[str, str]]]:
    """Commands run, ids expected refused, ids run without refusal, (kind, status) checked."""
    commands: set[str] = set()
    refused: set[str] = set()
    advised: set[str] = set()
    obligations: set[tuple[str, str]] = set()
    for path in GOOD_FILES:
        scenario = load_scenario(path)
        commands.update(s.do for s in scenario.steps)
        for step in scenario.steps:
            refused.update(step.expect_error)
            advised.update(step.expect_advice or ())
        obligations.update((e.kind, e.status) for e in scenario.expect_obligations)
    return commands, refused, advised, obligations


def test_scenarios_cover_every_command_rule_and_obligation_status() -> None:
    from sipcore.commands import COMMAND_ARGS
    from sipcore.obligations import KINDS

    commands, refused, advised, obligations = _covered()
    assert commands == set(COMMAND_ARGS)
    # Every must rule a command can fail is shown refused somewhere; consent.withdrawal is an
    # effect (checked by the [expect] of the withdrawal scenarios), never a refusal.
    must_rules = {
        "consent.required", "consent.scope", "consent.time_limited", "consent.oral_documented",
        "consent.guardians", "case.decline_reason", "case.closed", "case.close_reason",
        "coordinator.principal", "invitation.coordinator", "invitation.substitute",
        "meeting.child_view", "plan.locked", "plan.documented", "plan.contents",
        "plan.approver", "plan.follow_up_needs_approved",
    }
    assert must_rules | set(scenarios.REFUSAL_IDS) | {"input"} <= refused
    assert "plan.goal_horizons" in advised
    statuses = {"open", "met", "overdue", "cancelled"}
    assert {(k, s) for k in KINDS for s in statuses} <= obligations


# --- malformed files ---------------------------------------------------------------------------


def _expected_message(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name}: the first line names the message"
    return first.removeprefix("# expect: ")


@pytest.mark.parametrize("path", BAD_FILES, ids=[p.name for p in BAD_FILES])
def test_bad_scenario(path: Path) -> None:
    expected = f"{path}: {_expected_message(path)}"
    with pytest.raises(ScenarioError) as caught:
        run_scenario(load_scenario(path))
    message = str(caught.value)
    assert "\n" not in message
    if expected.endswith("…"):
        assert message.startswith(expected.removesuffix("…").rstrip())
    else:
        assert message == expected


def test_bad_scenarios_cover_every_malformed_kind() -> None:
    names = {p.stem for p in BAD_FILES}
    for kind in ("bad_toml", "unknown_top_key", "unknown_step_key", "unknown_command",
                 "unknown_argument", "naive_at", "naive_argument", "undeclared_unit",
                 "missing_name", "missing_profile", "missing_birth_date", "missing_units",
                 "missing_at", "missing_do", "missing_argument", "wrong_type_bool",
                 "wrong_type_date", "wrong_type_ids", "unknown_profile", "bad_value_at_run"):
        assert kind in names


def test_a_missing_file_is_a_scenario_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="expected a readable scenario file"):
        load_scenario(tmp_path / "nope.toml")


BIG_INTEGER = "9" * 5000


@pytest.mark.parametrize(("extra", "message"), [
    (f"information = [{BIG_INTEGER}]", "an integer of more than 4300 digits"),
    ("information = " + "[" * 5000 + "]" * 5000,
     "arrays or tables nested more than 100 levels"),
    ("information = " + "[" * 150 + "]" * 150, "arrays or tables nested more than 100 levels"),
    ("information." + "x." * 5000 + "y = 1", "arrays or tables nested more than 100 levels"),
], ids=["huge_integer", "deep_arrays", "arrays_150_deep", "deep_dotted_keys"])
def test_a_huge_integer_or_deep_nesting_is_a_scenario_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: str, message: str
) -> None:
    path = _write(tmp_path, "x.toml", _consent_step(extra))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(caught.value) == f"{path}: expected valid TOML: {message}"
    code, lines = _check(capsys, path)
    assert code == 2
    assert lines == [f"ERROR {path}: expected valid TOML: {message}", "0 passed, 1 failed"]


def test_bad_input_expected_passes_and_unexpected_rule_fails(tmp_path: Path) -> None:
    path = _write(tmp_path, "x.toml", _consent_step('form = "email"\nexpect_error = "input"'))
    assert run_scenario(load_scenario(path)).passed
    path = _write(tmp_path, "y.toml", _consent_step('form = "written"\nexpect_error = "input"'))
    result = run_scenario(load_scenario(path))
    assert str(result.failure) == (
        "step 2 (record_consent): expected refused as bad input, got applied (phase consented)"
    )


# --- the runner's results ----------------------------------------------------------------------

_HEAD = """name = "{name}"
profile = "{profile}"

[person]
birth_date = 1961-03-14

[units.vc]
principal = "region"
[units.hemtjanst]
principal = "municipality"

[[step]]
at = 2026-03-02T09:00:00+01:00
do = "open_case"
initiated_by = "staff"
unit = "vc"
"""


def _consent_step(extra: str, parties: str = '["vc", "hemtjanst"]') -> str:
    return f"""
[[step]]
at = 2026-03-02T10:00:00+01:00
do = "record_consent"
given_by = "person"
parties = {parties}
valid_until = 2026-12-31
{extra}
"""


def _write(
    tmp: Path, name: str, body: str, *, title: str = "T", profile_spec: str = "national"
) -> Path:
    path = tmp / name
    path.write_text(_HEAD.format(name=title, profile=profile_spec) + body, encoding="utf-8")
    return path


_INVITE = """
[[step]]
at = 2026-03-03T09:00:00+01:00
do = "send_invitation"
meeting_at = 2026-03-16T13:00:00+01:00
place = "Vårdcentralen"
form = "in_person"
invitees = ["hemtjanst"]
expect_phase = "invited"
"""


def test_a_failure_names_step_command_expectation_and_rule_ids(tmp_path: Path) -> None:
    path = _write(tmp_path, "f.toml", _consent_step('form = "written"', '["vc"]') + _INVITE,
                  title="Invitation")
    result = run_scenario(load_scenario(path))
    assert not result.passed
    failure = result.failure
    assert failure is not None
    assert (failure.step, failure.command, failure.ids) == (3, "send_invitation",
                                                            ("consent.scope",))
    assert result.describe() == (
        "Invitation: step 3 (send_invitation): expected phase invited, got refused "
        "[consent.scope]"
    )
    assert [o.applied for o in result.steps] == [True, True, False]
    assert result.steps[2].refusal_ids == ("consent.scope",)
    assert result.steps[2].phase == "consented"


def test_every_step_runs_after_a_failure(tmp_path: Path) -> None:
    body = _consent_step('form = "written"\nexpect_phase = "invited"') + _INVITE
    result = run_scenario(load_scenario(_write(tmp_path, "g.toml", body)))
    assert [f.step for f in result.failures] == [2]
    assert result.steps[-1].phase == "invited"
    assert [o.passed for o in result.steps] == [True, False, True]


def test_expected_refusal_that_applies_fails(tmp_path: Path) -> None:
    body = _consent_step('form = "written"\nexpect_error = ["consent.scope"]')
    result = run_scenario(load_scenario(_write(tmp_path, "h.toml", body)))
    assert str(result.failure) == (
        "step 2 (record_consent): expected refused [consent.scope], got applied (phase consented)"
    )


def test_expected_ids_must_all_be_among_the_refusal(tmp_path: Path) -> None:
    body = _consent_step(
        'form = "oral"\nexpect_error = ["consent.oral_documented", "consent.guardians"]'
    )
    result = run_scenario(load_scenario(_write(tmp_path, "i.toml", body)))
    assert str(result.failure) == (
        "step 2 (record_consent): expected refused [consent.oral_documented, "
        "consent.guardians], got refused [consent.oral_documented]"
    )
    assert result.failure is not None and result.failure.ids == ("consent.oral_documented",)


def test_obligation_and_final_checks_fail_with_what_was_found(tmp_path: Path) -> None:
    body = _consent_step('form = "written"') + """
[[expect_obligation]]
as_of = 2026-03-03T09:00:00+01:00
kind = "follow_up"
status = "open"

[expect]
phase = "invited"
notified = ["hemtjanst"]
"""
    result = run_scenario(load_scenario(_write(tmp_path, "j.toml", body)))
    assert [str(f) for f in result.failures] == [
        "expect_obligation 1 (follow_up): expected exactly one such obligation as of "
        "2026-03-03T09:00:00+01:00, got 0 (obligations then: none)",
        "expect.phase: expected invited, got consented",
        "expect.notified: expected [hemtjanst] (any order), got []",
    ]


def test_a_cancelled_obligation_only_matches_an_expected_cancelled(tmp_path: Path) -> None:
    body = """
[[step]]
at = 2026-03-02T09:30:00+01:00
do = "record_death"
"""
    path = _write(tmp_path, "k.toml", body)
    text = path.read_text(encoding="utf-8").replace(
        'unit = "vc"\n', 'unit = "vc"\ndischarge_notice_at = 2026-03-02T08:00:00+01:00\n', 1
    )
    for status, passes in (("cancelled", True), ("open", False)):
        path.write_text(text + f"""
[[expect_obligation]]
as_of = 2026-03-03T09:00:00+01:00
kind = "discharge_invitation"
status = "{status}"
""", encoding="utf-8")
        result = run_scenario(load_scenario(path))
        assert result.passed is passes, result.describe()
        if not passes:
            assert "got 0" in str(result.failure)


def test_step_outcomes_compare_across_profiles() -> None:
    scenario = load_scenario(SCENARIOS / "vastmanland" / "answer_met_and_overdue.toml")
    national, vastmanland = profile("national"), profile("vastmanland")
    a, b = step_outcomes(scenario, vastmanland), step_outcomes(scenario, national)
    assert all(isinstance(o, StepOutcome) for o in a)
    assert a[:2] == b[:2]
    # Step 3: Västmanland refuses an invitation without a coordinator; national sends it.
    assert (a[2].applied, a[2].refusal_ids) == (False, ("invitation.coordinator",))
    assert (b[2].applied, b[2].phase) == (True, "invited")
    # Answer deadlines exist only where the profile sets them.
    assert {o.kind for o in a[-1].obligations} == {"answer_invitation"}
    assert b[-1].obligations == ()
    assert step_outcomes(scenario, vastmanland) == a


def _dated(tmp: Path, name: str, spec: str, first: str) -> Path:
    """A scenario under ``spec`` whose steps start on the date ``first`` (YYYY-MM-DD)."""
    path = _write(tmp, name, "", profile_spec=spec)
    path.write_text(path.read_text(encoding="utf-8").replace("2026-03-02T09", f"{first}T09"),
                    encoding="utf-8")
    return path


def test_profile_without_version_is_the_one_in_force_on_the_first_step(tmp_path: Path) -> None:
    # The national baseline is in force from 2010-01-01 (the SIP duty, DOMAIN.md §7.1).
    early = load_scenario(_dated(tmp_path, "p.toml", "national", "2012-03-02"))
    assert resolve_profile(early).key == "national@2018.1"
    assert run_scenario(early).profile == "national@2018.1"
    assert resolve_profile(load_scenario(_dated(tmp_path, "q.toml", "jonkoping", "2024-05-29"))
                           ).key == "jonkoping@4.0"


def test_no_version_in_force_is_bad_input_naming_the_profile_and_the_date(
    tmp_path: Path,
) -> None:
    # Jönköping's routine 4.0 is in force from 2024-05-29: a case in 2020 has no version to
    # run under, and the newest is not used in its place.
    path = _dated(tmp_path, "r.toml", "jonkoping", "2020-01-07")
    with pytest.raises(ScenarioError, match=r"r\.toml: profile: expected a version of jonkoping "
                       r"in force on 2020-01-07 \(its versions are: 4\.0 \(valid from "
                       r"2024-05-29\)\), got 'jonkoping'"):
        load_scenario(path)
    assert main(["check", str(path)]) == 2
    with pytest.raises(ScenarioError, match="national in force on 2009-12-31"):
        load_scenario(_dated(tmp_path, "s.toml", "national", "2009-12-31"))


def test_a_pinned_version_is_used_as_given_whatever_the_date(tmp_path: Path) -> None:
    scenario = load_scenario(_dated(tmp_path, "t.toml", "jonkoping@4.0", "2020-01-07"))
    assert resolve_profile(scenario).key == "jonkoping@4.0"
    assert run_scenario(scenario).passed


def test_a_profile_file_beside_the_scenario(tmp_path: Path) -> None:
    bundled = resources.files("sipcore") / "profiles" / "bundled" / "vastmanland@1.toml"
    (tmp_path / "region.toml").write_bytes(bundled.read_bytes())
    path = _write(tmp_path, "r.toml", "", profile_spec="region.toml")
    scenario = load_scenario(path)
    assert resolve_profile(scenario).id == "vastmanland"
    assert run_scenario(scenario).passed


def test_record_preferences_takes_free_fields(tmp_path: Path) -> None:
    body = """
[[step]]
at = 2026-03-02T09:30:00+01:00
do = "record_preferences"
tolk = "arabiska"
max_minuter = 45
"bildstöd" = true           # a key with å, ä, ö is written in quotes
"""
    result = run_scenario(load_scenario(_write(tmp_path, "s.toml", body)))
    assert result.passed
    assert result.steps[1].applied


# --- sipcore check -----------------------------------------------------------------------------


def _check(capsys: pytest.CaptureFixture[str], *paths: str | Path) -> tuple[int, list[str]]:
    code = main(["check", *map(str, paths)])
    return code, capsys.readouterr().out.splitlines()


def test_check_passes_the_bundled_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = _check(capsys, SCENARIOS)
    assert code == 0
    assert lines[-1] == f"{len(GOOD_FILES)} passed, 0 failed"
    assert all(line.startswith("PASS ") for line in lines[:-1])
    assert len(lines) == len(GOOD_FILES) + 1


def test_check_reports_a_failure_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _write(tmp_path, "b.toml", _consent_step('form = "written"', '["vc"]') + _INVITE,
                 title="Invitation")
    code, lines = _check(capsys, EXAMPLE, bad)
    assert code == 1
    assert lines == [
        f"PASS {EXAMPLE}: Reply to an invitation within one working day, over Christmas",
        f"FAIL {bad}: Invitation: step 3 (send_invitation): expected phase invited, got "
        "refused [consent.scope]",
        "1 passed, 1 failed",
    ]


def test_check_exits_2_on_a_malformed_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    failing = _write(tmp_path, "a_fail.toml", _consent_step('form = "written"', '["vc"]')
                     + _INVITE)
    malformed = BAD / "wrong_type_bool.toml"
    code, lines = _check(capsys, failing, malformed, EXAMPLE)
    assert code == 2
    assert lines[1] == f"ERROR {malformed}: {_expected_message(malformed)}"
    assert lines[-1] == "1 passed, 2 failed"


def test_check_exits_2_on_a_missing_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = _check(capsys, EXAMPLE, tmp_path / "missing")
    assert code == 2
    assert lines == [f"sipcore check: {tmp_path / 'missing'}: no such file or directory"]


def test_check_exits_2_on_a_directory_without_scenarios(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = _check(capsys, tmp_path)
    assert code == 2
    assert "no *.toml scenario files" in lines[0]


def test_check_searches_directories_recursively_in_sorted_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "b").mkdir()
    for name in ("b/z.toml", "a.toml", "b/c.toml"):
        (tmp_path / name).write_bytes(EXAMPLE.read_bytes())
    code, lines = _check(capsys, tmp_path)
    assert code == 0
    shown = [line.split(" ", 1)[1].split(":", 1)[0] for line in lines[:-1]]
    assert shown == [str(tmp_path / n) for n in ("a.toml", "b/c.toml", "b/z.toml")]


def test_the_console_script_never_prints_a_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sipcore", "check", str(BAD / "bad_toml.toml")],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == "0 passed, 1 failed"


def test_expect_explanation_and_expect_check_can_fail(tmp_path: Path) -> None:
    good = SCENARIOS / "vastmanland" / "approval_explained.toml"
    text = good.read_text(encoding="utf-8")
    wrong = text.replace('rule = "plan.goal_horizons"\nresult = "advice"',
                         'rule = "plan.goal_horizons"\nresult = "passed"')
    assert wrong != text
    bad = tmp_path / "wrong.toml"
    bad.write_text(wrong, encoding="utf-8")
    result = run_scenario(load_scenario(bad))
    assert not result.passed
    assert "expect_explanation 2 (step 12, plan.goal_horizons)" in result.describe()
    out_of_range = tmp_path / "range.toml"
    out_of_range.write_text(text.replace("step = 12\nrule = \"plan.documented\"",
                                         "step = 99\nrule = \"plan.documented\""), "utf-8")
    with pytest.raises(ScenarioError, match=r"expect_explanation 1.*step"):
        load_scenario(out_of_range)
