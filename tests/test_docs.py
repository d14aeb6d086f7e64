"""The generated docs match the code; every rule is sourced, valid and exercised."""

from __future__ import annotations

from pathlib import Path

import pytest

from sipcore import catalogue
from sipcore.cli import main
from sipcore.profiles import bundled_profiles
from sipcore.rules import registry

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SCENARIOS = ROOT / "tests" / "scenarios"
GENERATED = ("rules.md", "phases.md", "profiles.md", "glossary.md")


def test_committed_docs_match_the_code(tmp_path: Path) -> None:
    catalogue.generate(tmp_path, SCENARIOS)
    stale = [
        name
        for name in GENERATED
        if not (DOCS / name).is_file()
        or (DOCS / name).read_text(encoding="utf-8") != (tmp_path / name).read_text("utf-8")
    ]
    assert not stale, f"docs out of date: {stale}; run `sipcore docs docs`"


def test_docs_command_writes_every_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs", str(tmp_path / "out"), "--scenarios", str(SCENARIOS)]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(GENERATED)
    assert "rules.md" in capsys.readouterr().out


@pytest.mark.parametrize("rule_id", list(registry()))
def test_every_rule_has_sources_and_both_summaries(rule_id: str) -> None:
    rule = registry()[rule_id]
    assert rule.refs, f"{rule_id} cites no source"
    assert rule.summary_sv.strip() and rule.summary_en.strip()
    for cite in rule.refs:
        assert cite.ref.key == cite.key  # resolves


@pytest.mark.parametrize("profile", bundled_profiles(), ids=lambda p: p.key)
def test_citations_are_valid_when_the_profile_takes_effect(profile: object) -> None:
    from sipcore.profiles import Profile

    assert isinstance(profile, Profile)
    day = profile.valid_from
    for key, cites in profile.citations.items():
        for cite in cites:
            assert cite.ref.valid_on(day), f"{profile.key} {key}: {cite} not valid on {day}"
    for rule in registry().values():
        if profile.level(rule.id, rule.level) == "off":
            continue
        statutes = [c for c in rule.refs if c.ref.kind == "statute"]
        if statutes:
            assert any(c.ref.valid_on(day) for c in statutes), (
                f"{rule.id}: no statute citation valid on {day} ({profile.key})"
            )


@pytest.mark.parametrize("rule_id", list(registry()))
def test_every_rule_is_exercised_by_a_scenario(rule_id: str) -> None:
    index = catalogue.scenario_index(SCENARIOS)
    assert index.get(rule_id), f"no scenario exercises {rule_id}"


def test_rules_catalogue_cites_both_sol_and_hsl_with_dates() -> None:
    text = catalogue.rules_md(bundled_profiles(), {})
    assert "SoL (SFS 2001:453) | 2 kap. 7 §" in text
    assert "2010-01-01 – 2025-06-30" in text
    assert "SoL (SFS 2025:400) | 10 kap. 8 §" in text
    assert "HSL (SFS 1982:763) | 3 f §" in text
    assert "2010-01-01 – 2017-03-31" in text
    assert "HSL (SFS 2017:30) | 16 kap. 4 §" in text


def test_phase_diagram_follows_the_table() -> None:
    text = catalogue.phases_md()
    assert "stateDiagram-v2" in text
    assert "consented --> invited: send_invitation" in text
    assert "| active | `add_need` | `plan.locked` |" in text
    assert "closed -->" not in text.replace("closed --> [*]", "")


def test_explain_in_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "consent.scope"]) == 0
    out = capsys.readouterr().out
    assert "Samtycke är aldrig generellt" in out and "Källor:" in out
    assert main(["explain", "consent.scope", "--lang", "en"]) == 0
    assert "Sources:" in capsys.readouterr().out
    assert main(["explain", "no.such.rule"]) == 2
    assert "no.such.rule" in capsys.readouterr().err
