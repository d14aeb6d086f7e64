"""The engine's shape (issue: one rulebook per profile, decide/evolve, typed commands, dated
sources): a bounded rulebook cache, signatures equal to the argument classes, mypy catching a
misspelt or mistyped argument, and a finding's sources on three dates."""

from __future__ import annotations

import ast
import datetime as dt
import gc
import inspect
import shutil
import subprocess
import sys
import textwrap
import tracemalloc
import typing
from pathlib import Path

import attrs
import pytest

from helpers import at, walk
from sipcore._engine import rulebook
from sipcore._engine.rulebook import _BOOKS
from sipcore.case import SipCase
from sipcore.commands import COMMAND_ARGS, parameters
from sipcore.errors import InputError, InputTypeError
from sipcore.profiles import load_profile
from sipcore.rules import registry

HERE = Path(__file__).resolve().parent


def test_loading_a_profile_file_again_keeps_memory_flat(tmp_path: Path) -> None:
    from importlib import resources

    name = "vastmanland@1.toml"
    found = [p for p in Path(str(resources.files("sipcore"))).rglob(name)]
    copy = tmp_path / name
    shutil.copy(found[0], copy)

    def load_and_use() -> None:
        profile = load_profile(str(copy))
        rulebook(profile)

    for _ in range(50):  # warm: caches of the reader fill once
        load_and_use()
    gc.collect()
    tracemalloc.start()
    first = tracemalloc.take_snapshot()
    for _ in range(1000):
        load_and_use()
    gc.collect()
    grown = sum(s.size_diff for s in tracemalloc.take_snapshot().compare_to(first, "filename"))
    tracemalloc.stop()
    assert grown < 200_000, f"{grown} bytes held after loading the same profile 1,000 times"
    assert len(_BOOKS) <= 64


def test_the_rulebook_cache_is_bounded() -> None:
    base = load_profile("national")
    for n in range(100):
        rulebook(attrs.evolve(base, content_hash=f"{n:064x}"))
    assert len(_BOOKS) <= 64


def test_one_rulebook_per_profile_content() -> None:
    assert rulebook(load_profile("jonkoping")) is rulebook(load_profile("jonkoping"))
    assert rulebook(load_profile("jonkoping")) is not rulebook(load_profile("national"))


# --- typed commands ------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [c for c in COMMAND_ARGS if c != "open_case"])
def test_each_command_method_takes_the_arguments_of_its_class(command: str) -> None:
    method = getattr(SipCase, command)
    params = inspect.signature(method).parameters
    hints = typing.get_type_hints(method)
    assert params["at"].kind is inspect.Parameter.KEYWORD_ONLY
    assert hints["return"].__name__ == "Outcome"
    fields = parameters(command)
    if command == "record_preferences":
        assert [p.kind for p in params.values()][-1] is inspect.Parameter.VAR_KEYWORD
        return
    given = {n: p for n, p in params.items() if n not in ("self", "at")}
    assert list(given) == [f.name for f in fields]
    for f in fields:
        p = given[f.name]
        assert p.kind is inspect.Parameter.KEYWORD_ONLY
        default = inspect.Parameter.empty if f.default is attrs.NOTHING else f.default
        assert p.default == default, f.name
    # The method hands on each of its arguments under its own name, and nothing else: the
    # engine then needs no check for unknown or missing names (commands.build(named=True)).
    assert _handed_on(method) == (command, {f.name: f.name for f in fields})
    doc = method.__doc__ or ""
    for rule_id in {r for t in __import__("sipcore.states").states.TABLE
                    if t.command == command for r in (*t.rules, *t.refused_in.values())}:
        if registry()[rule_id].check is not None:
            assert rule_id in doc, f"{command}'s docstring does not name {rule_id}"


def _handed_on(method: object) -> tuple[str, dict[str, str]]:
    """The command name and the {key: parameter} dict that ``method`` hands to ``self._run``."""
    name, _, raw = _call_of(method, "_run").args
    assert isinstance(name, ast.Constant)
    return name.value, _named(raw)


def _call_of(method: object, callee: str) -> ast.Call:
    tree = ast.parse(textwrap.dedent(inspect.getsource(method)))  # type: ignore[arg-type]
    return next(n for n in ast.walk(tree) if isinstance(n, ast.Call)
                and isinstance(n.func, ast.Attribute) and n.func.attr == callee)


def _named(raw: ast.expr) -> dict[str, str]:
    """The {key: parameter} of a dict display of a method's parameters by name."""
    assert isinstance(raw, ast.Dict)
    handed = {}
    for key, value in zip(raw.keys, raw.values, strict=True):
        assert isinstance(key, ast.Constant) and isinstance(value, ast.Name)
        handed[key.value] = value.id
    return handed


def test_the_engine_refuses_unknown_and_missing_names_from_other_callers() -> None:
    case, clock = walk("coordinated")
    with pytest.raises(InputError, match="invitess"):
        case.execute("send_invitation", at=clock(), meeting_at=clock(days=7), place="VC",
                     form="in_person", invitess=["hemtjanst"])
    with pytest.raises(InputError, match="invitees"):
        case.check("send_invitation", at=clock(), meeting_at=clock(days=7), place="VC",
                   form="in_person")


def test_open_case_takes_the_arguments_of_its_class() -> None:
    params = inspect.signature(SipCase.open_case).parameters
    assert [n for n in params if n not in ("at", "profile", "person", "units", "case_id")] == [
        f.name for f in parameters("open_case")
    ]
    # ... and hands each on under its own name, as named=True tells the engine
    call = _call_of(SipCase.open_case, "_open")
    assert _named(call.args[4]) == {f.name: f.name for f in parameters("open_case")}
    assert [(k.arg, getattr(k.value, "value", None)) for k in call.keywords] == [("named", True)]


CONSUMER = '''
import datetime as dt
from zoneinfo import ZoneInfo

from sipcore import SipCase


def invite(case: SipCase) -> None:
    at = dt.datetime(2026, 3, 2, 9, tzinfo=ZoneInfo("Europe/Stockholm"))
    case.send_invitation(at=at, meeting_at={meeting_at}, place={place}, form={form},
                         {invitees}=["vc"])
'''


def _mypy(tmp_path: Path, **parts: str) -> subprocess.CompletedProcess[str]:
    fields = {"meeting_at": "at", "place": '"Vårdcentralen"', "form": '"video"',
              "invitees": "invitees"} | parts
    file = tmp_path / "consumer.py"
    file.write_text(CONSUMER.format(**fields), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(file)],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )


def test_mypy_catches_a_misspelt_and_a_mistyped_argument(tmp_path: Path) -> None:
    wrong = _mypy(tmp_path, meeting_at='"tomorrow"', place="3", form='"fax"',
                  invitees="invitess")
    assert wrong.returncode == 1, wrong.stdout
    for what in ("meeting_at", "place", "form", "invitess"):
        assert what in wrong.stdout, (what, wrong.stdout)
    right = _mypy(tmp_path)
    assert right.returncode == 0, right.stdout


# --- sources valid on the date ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "statutes"),
    [
        (dt.date(2019, 3, 1), {"HSL (2017:30) 16 kap. 4 §", "SoL (2001:453) 2 kap. 7 §"}),
        (dt.date(2025, 3, 1), {"HSL (2017:30) 16 kap. 4 §", "SoL (2001:453) 2 kap. 7 §"}),
        (dt.date(2026, 3, 1), {"HSL (2017:30) 16 kap. 4 §", "SoL (2025:400) 10 kap. 8 §"}),
    ],
)
def test_a_findings_sources_are_those_in_force_on_its_date(
    day: dt.date, statutes: set[str]
) -> None:
    rule = registry()["consent.required"]
    found = rule.sources_on(day, "vastmanland")
    custody = {"Föräldrabalken (1949:381) 6 kap. 2 §"}
    titles = {s.title for s in found if s.kind == "statute"} - custody
    assert titles == statutes
    assert all(s.valid_from is None or s.valid_from <= day for s in found)
    assert all(s.valid_to is None or day <= s.valid_to for s in found)
    # the routine of the case's region only
    assert {s.key for s in found if s.kind != "statute"} == {"src_004"}
    later = dt.date(2026, 3, 1)
    adopted = dt.date(2024, 5, 29)  # the Jönköping routine 4.0 is valid from its adoption
    assert ("src_000" in {s.key for s in rule.sources_on(day, "jonkoping")}) == (day >= adopted)
    assert "src_000" not in {s.key for s in rule.sources_on(later, None)}


def test_the_2010_wordings_cite_the_first_paragraph_for_consent() -> None:
    parts = {s.key: s.part for s in registry()["consent.required"].sources}
    assert parts["hsl_1982_3f"] == "1 st." and parts["sol_2001_2_7"] == "1 st."
    assert parts["hsl_16_4"] == "2 st."


def test_a_vastmanland_refusal_cites_no_jonkoping_routine() -> None:
    case, clock = walk("consented", profile_name="vastmanland")
    case.appoint_coordinator(at=clock(), person="Anna Berg", unit="vc")
    decision = case.check("send_invitation", at=clock(), meeting_at=at(2026, 4, 1, 9),
                          place="VC", form="video", invitees=["psyk"])
    assert not decision.allowed and decision.ids == ("consent.scope",)
    keys = {s.key for s in decision.failed[0].sources}
    assert "src_004" in keys and "src_000" not in keys


def test_a_findings_detail_is_data_rendered_in_each_language() -> None:
    case, clock = walk("consented")
    decision = case.check("send_invitation", at=clock(), meeting_at=at(2026, 4, 1, 9),
                          place="VC", form="video", invitees=["psyk"])
    finding = decision.failed[0]
    assert finding.detail is not None and finding.detail.units == ("psyk",)
    assert finding.message_sv.endswith("(psyk)") and finding.message_en.endswith("(psyk)")
    refusal = case.check("approve_plan", at=clock(), by="x")
    assert refusal.ids == ("transition.not_allowed",)
    missing = registry()["plan.contents"].finding(
        __import__("sipcore.findings").findings.Detail("missing", parts=("need", "coordinator"))
    )
    assert "saknas: behov, samordningsansvarig" in missing.message_sv
    assert "missing: need, coordinator" in missing.message_en
    assert "missing" not in missing.message_sv and "saknas" not in missing.message_en


# --- explain ---------------------------------------------------------------------------------


def test_explain_lists_every_rule_its_command_evaluated() -> None:
    case, clock = walk("ready", profile_name="vastmanland")
    outcome = case.approve_plan(at=clock(), by="Anna Berg", with_person=False)
    explanation = case.explain(outcome.events[0])
    results = {r.rule: r.result for r in explanation.rules}
    assert results["plan.with_person"] == "advice"
    assert results["plan.contents"] == "passed" and results["consent.required"] == "passed"
    assert explanation.profile_id == "vastmanland"
    data = explanation.to_dict()
    assert data["format"] == "sipcore.explanation/1"
    assert data["event"]["seq"] == outcome.events[0].seq
    assert all(s["key"] != "src_000" for r in data["rules"] for s in r["sources"])


def test_explain_refuses_an_event_of_another_case() -> None:
    case, _ = walk("consented")
    other, _ = walk("invited")
    with pytest.raises(InputError) as info:
        case.explain(other.events[-1])
    assert info.value.argument == "event"
    for wrong in (99, None, other.events[-1].to_dict()):
        with pytest.raises(InputTypeError, match="event: expected one of the case's events"):
            case.explain(wrong)  # type: ignore[arg-type]


def test_a_snapshot_is_json_and_tells_equal_cases() -> None:
    import json

    case, clock = walk("consented", profile_name="vastmanland")
    case.record_preferences(at=clock(), place="Hemma", languages=["arabiska", "svenska"])
    case.withdraw_consent(at=clock())
    text = json.dumps(case.snapshot(), allow_nan=False)
    assert json.loads(text) == case.snapshot()
    again = SipCase.replay(case.events)
    assert again.snapshot() == case.snapshot() and again != case  # equal by value, not ==


def test_a_commands_rules_work_out_the_consents_in_force_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """consent.required and consent.scope (and the people rules) read the same consents: they
    are worked out once per command (Context.memo), and each command anew."""
    import sipcore.consent as consent

    case, clock = walk("answered")
    calls: list[dt.datetime] = []
    original = consent.consents_in_force

    def counting(*args: typing.Any, **kwargs: typing.Any) -> typing.Any:
        calls.append(args[1])
        return original(*args, **kwargs)

    monkeypatch.setattr(consent, "consents_in_force", counting)
    meeting_at = clock(days=7)
    case.hold_meeting(at=meeting_at, participants=["vc", "hemtjanst"])
    assert calls == [meeting_at]
    with pytest.raises(Exception, match=r"consent\.scope"):  # a unit outside every consent
        case.add_intervention(at=clock(), text="Stöd", unit="psyk")
    assert calls == [meeting_at, calls[-1]] and calls[-1] > meeting_at
