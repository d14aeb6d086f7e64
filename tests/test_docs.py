"""The generated docs match the code; every rule is sourced, valid and exercised."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sipcore import catalogue
from sipcore.cli import main
from sipcore.profiles import bundled_profiles
from sipcore.rules import registry

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SCENARIOS = ROOT / "tests" / "scenarios"
GENERATED = catalogue.GENERATED


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


@pytest.mark.parametrize("given", ["nope", "empty"])
def test_docs_refuses_a_missing_scenarios_path_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], given: str
) -> None:
    missing = tmp_path / given  # (nothing there, or a directory without a scenario file)
    if given == "empty":
        missing.mkdir()
        (missing / "notes.txt").write_text("no scenario", encoding="utf-8")
    assert main(["docs", str(tmp_path / "out"), "--scenarios", str(missing)]) == 2
    captured = capsys.readouterr()
    assert captured.err == (f"sipcore docs: --scenarios: expected a scenario file or a directory "
                            f"of them, got {str(missing)!r}\n")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("where", ["file", "directory"])
def test_docs_reports_a_malformed_scenario_file_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    good = scenarios / "a_good.toml"
    good.write_bytes((SCENARIOS / "national" / "withdrawal.toml").read_bytes())
    malformed = scenarios / "b_malformed.toml"
    malformed.write_text('name = "Broken"\nprofile national\n', encoding="utf-8")
    given = malformed if where == "file" else scenarios
    assert main(["docs", str(tmp_path / "out"), "--scenarios", str(given)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"sipcore docs: {malformed}: expected valid TOML: "), err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_docs_indexes_one_scenario_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one = SCENARIOS / "national" / "withdrawal.toml"
    assert main(["docs", str(tmp_path / "out"), "--scenarios", str(one)]) == 0
    assert "withdrawal.toml" in (tmp_path / "out" / "rules.md").read_text(encoding="utf-8")
    assert catalogue.scenario_index(one)


@pytest.mark.parametrize("rule_id", list(registry()))
def test_every_rule_has_sources_and_both_summaries(rule_id: str) -> None:
    rule = registry()[rule_id]
    assert rule.refs, f"{rule_id} cites no source"
    assert rule.summary_sv.strip() and rule.summary_en.strip()
    for cite in rule.refs:
        assert cite.ref.key == cite.key  # resolves


@pytest.mark.parametrize("profile", bundled_profiles(), ids=lambda p: p.key)
def test_citations_are_valid_when_the_value_takes_effect(profile: object) -> None:
    """Every value a profile sets has a source in force on the day it takes effect (the
    profile's valid_from, or the value's own), and none that ceased before it. (An inherited
    value is checked under the profile that sets it.)"""
    from sipcore.profiles import Profile

    assert isinstance(profile, Profile)
    for key, cites in profile.citations.items():
        own = profile.extends is None or key == "profile" or key in profile.overrides
        if not cites or not own:
            continue
        day = profile.dated.get(key, profile.valid_from)
        assert any(c.ref.valid_on(day) for c in cites), f"{profile.key} {key}: none on {day}"
        for cite in cites:
            assert cite.ref.valid_to is None or cite.ref.valid_to >= day, (profile.key, cite)


@pytest.mark.parametrize("profile", bundled_profiles(), ids=lambda p: p.key)
def test_every_rule_in_force_cites_a_statute_in_force(profile: object) -> None:
    """A rule that applies under a profile, and cites a statute, cites one in force on the day
    the profile takes effect or on the first day of the statutes it cites."""
    from sipcore.profiles import Profile

    assert isinstance(profile, Profile)
    for rule in registry().values():
        if profile.level(rule.id, rule.level) == "off":
            continue
        statutes = [c.ref for c in rule.refs if c.ref.kind == "statute"]
        if statutes:
            first = min(r.valid_from for r in statutes if r.valid_from is not None)
            day = max(profile.valid_from, first)
            assert any(r.valid_on(day) for r in statutes), (
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


# --- the sources catalogue and the documents (issue 11 item 14) --------------------------------


def test_sources_catalogue_lists_every_source_and_every_quote() -> None:
    from sipcore.legal import CATALOGUE
    from sipcore.profiles.resolution import cites_of

    text = (DOCS / "sources.md").read_text(encoding="utf-8")
    for key, ref in CATALOGUE.items():
        assert f"\n## {key}\n" in text, key
        for fact in (ref.publisher, ref.version, ref.url, ref.document):
            if fact:
                assert fact in text, (key, fact)
    quotes = [c.quote for rule in registry().values() for c in rule.refs]
    quotes += [c.quote for p in bundled_profiles() for _, c in cites_of(p)]
    missing = [q for q in quotes if q and f"”{q.replace('|', '/')}”" not in text]
    assert not missing, missing
    assert len([q for q in quotes if q]) > 60
    assert "| profile `vastmanland@1` `invitation_answer_principals` |" in text
    assert "| rule `consent.scope` | steg 2 | ”Samtycke är aldrig generellt” |" in text


def test_the_source_documents_are_shipped_under_docs_sources() -> None:
    from sipcore.legal import CATALOGUE

    named = sorted(ref.document for ref in CATALOGUE.values() if ref.document)
    assert sorted(p.name for p in (DOCS / "sources").iterdir()) == named
    assert len(named) == 5
    shared = ROOT.parent / "shared" / "sources"
    for name in named:
        shipped = (DOCS / "sources" / name).read_bytes()
        assert len(shipped) > 3000, name
        if (shared / name).is_file():
            assert shipped == (shared / name).read_bytes(), name


_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def test_docs_name_nothing_outside_the_repository() -> None:
    """The docs refer to no file that is not shipped (the project's research notes and domain
    contract are not in the repository), and every relative link resolves."""
    pages = [*DOCS.glob("*.md"), ROOT / "README.md"]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for name in ("LEGAL.md", "DOMAIN.md", "shared/"):
            assert name not in text, f"{page.name} names {name}"
        for target in _LINK.findall(text):
            if "://" in target or target.startswith("mailto:"):
                continue
            assert (page.parent / target).exists(), f"{page.name}: dangling link {target}"


def test_the_profile_format_page_example_is_a_working_proposal(tmp_path: Path) -> None:
    from sipcore.profiles import load_profile

    text = (DOCS / "profile-format.md").read_text(encoding="utf-8")
    example = text.split("```toml\n", 1)[1].split("```", 1)[0]
    proposal = load_profile(_write(tmp_path / "proposal.toml", example))
    assert proposal.extends == "vastmanland@1" and proposal.invitation_answer is not None
    assert proposal.invitation_answer.amount == 2
    assert proposal.citations["invitation_answer"][0].ref.title == (
        "Rutin för SIP med Cosmic Link, reviderad")
    assert main(["diff", "vastmanland", str(tmp_path / "proposal.toml"),
                 str(SCENARIOS / "vastmanland")]) == 1


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
