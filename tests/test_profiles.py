"""Tests of the rule profiles (sipcore.profiles): the bundled national and regional profiles,
the overlay, every refusal of a malformed profile, version selection, and the content hash.

The values are DOMAIN.md §7's table. Every malformed profile is a file under
``tests/profiles/bad/`` whose first line, ``# expect: …``, is part of the error it must raise.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import shutil
import unicodedata
from importlib import resources
from pathlib import Path

import attrs
import pytest

from helpers import ADULT, UNITS, at
from sipcore import SipCase, events_from_json, events_to_json
from sipcore.errors import EventFormatError, InputError, InputTypeError, ProfileError
from sipcore.legal import CATALOGUE, DOCUMENTS
from sipcore.profiles import (
    PARAMETERS,
    PHASES,
    PRINCIPALS,
    PROFILE_RULES,
    Duration,
    Profile,
    Stamp,
    Step,
    bundled_profiles,
    content_hash,
    load_profile,
    profile_in_force,
)

HERE = Path(__file__).parent
BAD = HERE / "profiles" / "bad"
BUNDLE = Path(str(resources.files("sipcore") / "profiles" / "bundled"))
SOURCES = HERE.parent / "docs" / "sources"
LEGAL = HERE.parent.parent / "shared" / "LEGAL.md"  # the statute texts, beside the repository
D = dt.date

BUNDLED_KEYS = {
    "national@2018.1": D(2010, 1, 1),  # the SIP duty (DOMAIN.md §7.1)
    "jonkoping@4.0": D(2024, 5, 29),
    "vgr@2021-03-19": D(2021, 3, 19),
    "varmland@1": D(2018, 1, 1),
    "vastmanland@1": D(2018, 1, 1),
    # DOMAIN.md v2 §7.2 (issue 13): new regions and versions, each from the date its pages
    # were read (they give none).
    "vastmanland@2": D(2026, 12, 1),
    "varmland@2": D(2026, 12, 1),
    "vgr@2": D(2026, 12, 1),
    "blekinge@1": D(2026, 12, 1),
    "skane@1": D(2026, 12, 1),
    "stockholm@1": D(2026, 12, 1),
}
# The versions released before the hash covered only what decides: each keeps that hash.
EARLIER = ("national@2018.1", "jonkoping@4.0", "vgr@2021-03-19", "varmland@1", "vastmanland@1")
VALUES = ("invitation_answer", "plan_documentation", "discharge_invitation",
          "follow_up_place_required", "school_principal_for_children", "child_age_limit",
          "child_consent", "rule_levels", "steps")


def values(p: Profile) -> dict[str, object]:
    return {name: getattr(p, name) for name in VALUES}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- the bundled profiles ----------------------------------------------------------------------


def test_every_bundled_profile_loads_once_per_process() -> None:
    profiles = bundled_profiles()
    assert {p.key: p.valid_from for p in profiles} == BUNDLED_KEYS
    assert list(profiles) == sorted(profiles, key=lambda p: (p.id, p.valid_from))
    for p in profiles:
        assert load_profile(p.key) is p
        newest = max((q for q in profiles if q.id == p.id), key=lambda q: q.valid_from)
        assert load_profile(p.id) is newest  # a name without a version: the newest
        assert p.origin == f"sipcore/profiles/bundled/{p.key}.toml"
        assert p.last_reviewed >= p.valid_from
    assert bundled_profiles() == profiles


def test_bundled_files_are_named_id_at_version() -> None:
    names = sorted(path.name for path in BUNDLE.glob("*.toml"))
    assert names == sorted(f"{key}.toml" for key in BUNDLED_KEYS)


def test_national_is_valid_no_later_than_every_profile_that_extends_it() -> None:
    for p in bundled_profiles():
        if p.extends is not None:
            assert load_profile(p.extends).valid_from <= p.valid_from
            root = load_profile(p.extends)
            while root.extends is not None:  # a new version extends the version before it
                root = load_profile(root.extends)
            assert root.key == "national@2018.1"


WD = Duration(1, "working_days", False)
DISCHARGE = Duration(3, "calendar_days", True)

# DOMAIN.md §7, one row per region.
EXPECTED = {
    "national": dict(
        invitation_answer=None, plan_documentation=None, discharge_invitation=DISCHARGE,
        coordinator="off", goal_horizons="should", follow_up_place_required=False,
        school_principal_for_children=False, child_consent="guardians",
    ),
    "jonkoping": dict(
        invitation_answer=None, plan_documentation=None, discharge_invitation=DISCHARGE,
        coordinator="off", goal_horizons="must", follow_up_place_required=True,
        school_principal_for_children=True, child_consent="guardians",
    ),
    "vgr": dict(
        invitation_answer=None, plan_documentation=None, discharge_invitation=DISCHARGE,
        coordinator="off", goal_horizons="should", follow_up_place_required=False,
        school_principal_for_children=True, child_consent="guardians",
    ),
    "varmland": dict(
        invitation_answer=None, plan_documentation=None, discharge_invitation=DISCHARGE,
        coordinator="off", goal_horizons="should", follow_up_place_required=False,
        school_principal_for_children=True, child_consent="guardians",
    ),
    "vastmanland": dict(
        invitation_answer=Duration(1, "working_days", False),
        plan_documentation=Duration(2, "working_days", False),
        discharge_invitation=DISCHARGE,
        coordinator="must", goal_horizons="should", follow_up_place_required=False,
        school_principal_for_children=False, child_consent="guardians",
    ),
}


@pytest.mark.parametrize("region", sorted(EXPECTED))
def test_values_of_domain_section_7(region: str) -> None:
    p = load_profile(region, on=D(2026, 11, 30))  # the versions of DOMAIN.md §7 (before §7.2's)
    want = EXPECTED[region]
    assert p.invitation_answer == want["invitation_answer"]
    assert p.plan_documentation == want["plan_documentation"]
    assert p.discharge_invitation == want["discharge_invitation"]
    assert p.level("invitation.coordinator") == want["coordinator"]
    assert p.level("plan.goal_horizons") == want["goal_horizons"]
    assert {k: v for k, v in p.rule_levels.items() if k != "invitation.substitute"} == {
        "invitation.coordinator": want["coordinator"],
        "plan.goal_horizons": want["goal_horizons"],
    }
    # Jönköping's "ska" (000 step 4); elsewhere the rule's own level (DOMAIN.md §5).
    substitute = {"jonkoping": {"invitation.substitute": "must"}}.get(region, {})
    assert {k: v for k, v in p.rule_levels.items() if k == "invitation.substitute"} == substitute
    assert p.follow_up_place_required is want["follow_up_place_required"]
    assert p.school_principal_for_children is want["school_principal_for_children"]
    assert p.child_consent == want["child_consent"]
    assert p.child_age_limit == 18


def test_a_rule_the_profile_does_not_set_keeps_the_registry_level() -> None:
    p = load_profile("jonkoping")
    assert p.level("consent.required") == "must"
    assert p.level("some.advice", "should") == "should"


STEPS = {
    "national": [],
    "jonkoping": ["Bedöm behov", "Samtycke", "Förbered", "Bjud in", "Upprätta", "Följ upp",
                  "Avsluta"],
    "vgr": ["Upptäck behov", "Planera", "Kalla/bjud in", "SIP-möte", "Följ upp", "Avsluta"],
    "varmland": ["Initiativ", "Förberedelser", "Mötet", "Uppföljning"],
    "vastmanland": ["Skapa samordningsärende", "Markera samtycke", "Skicka kallelse",
                    "Dokumentera SIP", "Godkänn plan", "Uppföljning", "Avsluta plan"],
}


@pytest.mark.parametrize("region", sorted(STEPS))
def test_step_labels_of_each_region(region: str) -> None:
    p = load_profile(region)
    assert [s.label for s in p.steps] == STEPS[region]
    assert [s.number for s in p.steps] == list(range(1, len(p.steps) + 1))
    for phase in PHASES:
        label = p.step_for(phase)
        assert label
        assert p.step_labels[phase] == label
        if p.steps:
            assert p.steps_for(phase), f"{region}: no step for {phase}"
            assert label == " / ".join(s.label for s in p.steps_for(phase))
        else:
            assert label == phase


def test_step_for_maps_phases_to_the_regions_words() -> None:
    jkp = load_profile("jonkoping")
    assert jkp.step_for("opened") == "Bedöm behov / Samtycke"
    assert jkp.step_for("consented") == "Förbered"
    assert jkp.step_for("invited") == "Bjud in"
    assert jkp.step_for("drafting") == "Upprätta / Följ upp"
    assert jkp.step_for("active") == "Följ upp"
    assert jkp.step_for("closed") == "Avsluta"
    vgr = load_profile("vgr")
    assert [vgr.step_for(p) for p in PHASES] == [
        "Upptäck behov", "Planera", "Kalla/bjud in", "SIP-möte / Följ upp", "Följ upp", "Avsluta"
    ]
    vm = load_profile("vastmanland")
    assert vm.step_for("opened") == "Skapa samordningsärende / Markera samtycke"
    assert vm.step_for("invited") == "Skicka kallelse"
    assert vm.steps_for("drafting") == vm.steps[3:5]
    assert isinstance(vm.steps[0], Step)
    assert vm.steps[0].sources[0].key == DOCUMENTS["004_f76983d570eb3820.txt"]


def test_step_for_refuses_an_unknown_phase() -> None:
    with pytest.raises(InputError, match="phase: expected one of opened"):
        load_profile("vgr").step_for("meeting")


def test_every_value_carries_a_source_that_resolves() -> None:
    for p in bundled_profiles():
        keys = {"profile", *PARAMETERS, *(f"rules.{r}" for r in PROFILE_RULES)}
        assert set(p.citations) == keys
        assert set(p.sources) == keys
        for key, cites in p.citations.items():
            for cite in cites:
                assert cite.key in CATALOGUE
            absent = key in ("steps", "invitation_answer", "plan_documentation",
                             "invitation_answer_principals") and getattr(p, key) in (None, ())
            absent = absent or (key.startswith("rules.") and key[6:] not in p.rule_levels)
            assert cites or absent, f"{p.key}: {key} has no source"
            assert bool(p.sources[key]) == bool(cites)


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in text if not unicodedata.combining(c)))


def _found(quote: str, text: str, *, ocr: bool) -> bool:
    """Whether ``quote`` is in ``text`` (letters and digits only); in an OCR text, tolerating
    the scanner's errors (ö read as 6 or o, ä as &, d or é, …)."""
    q, t = _normal(quote), _normal(text)
    if q in t or not ocr:
        return q in t
    matcher = difflib.SequenceMatcher(None, t, q, autojunk=False)
    best = 0.0
    for block in matcher.get_matching_blocks():
        if block.size < 6:
            continue
        start = max(0, block.a - block.b)
        window = t[start : start + len(q) + 10]
        best = max(best, difflib.SequenceMatcher(None, window, q, autojunk=False).ratio())
    return best >= 0.85


# The source documents that are scans (DOMAIN.md, the table of sources).
OCR = {DOCUMENTS["000_963e4feb5670d98a.txt"], DOCUMENTS["004_f76983d570eb3820.txt"]}


def test_the_quote_check_finds_what_is_there_and_nothing_else() -> None:
    scan = "Plats och datum for uppf6ljning ska dokumenteras. Vid motet bestdims vem"
    assert _found("Plats och datum för uppföljning ska dokumenteras.", scan, ocr=True)
    assert not _found("Plats och tid för mötet ska alltid bokas i förväg.", scan, ocr=True)
    assert not _found("Plats och datum för uppföljning ska dokumenteras.", scan, ocr=False)
    assert _found("får åtgärden vidtas **nästa vardag**", "får åtgärden vidtas nästa vardag.",
                  ocr=False)


def test_every_quote_is_in_its_source() -> None:
    """Every quote of a bundled profile is in the document it cites (the five documents are
    shipped under docs/sources/); a statute's or a page's quote is in the statute texts beside
    the repository, where they are."""
    texts = {
        ref.key: (SOURCES / ref.document).read_text(encoding="utf-8")
        for ref in CATALOGUE.values()
        if ref.document is not None
    }
    legal = LEGAL.read_text(encoding="utf-8") if LEGAL.is_file() else None
    checked = 0
    for p in bundled_profiles():
        cites = [c for cs in p.citations.values() for c in cs]
        cites += [c for s in p.steps for c in s.sources]
        for cite in cites:
            text = texts.get(cite.key, legal)
            if cite.quote and text is not None:
                assert _found(cite.quote, text, ocr=cite.key in OCR), (p.key, cite)
                checked += 1
    assert checked >= 30


# --- the overlay -------------------------------------------------------------------------------


def test_a_regional_profile_inherits_what_it_does_not_set() -> None:
    national = load_profile("national")
    jkp = load_profile("jonkoping")
    assert jkp.extends == national.key
    assert jkp.discharge_invitation == national.discharge_invitation
    assert jkp.citations["discharge_invitation"] == national.citations["discharge_invitation"]
    assert jkp.level("invitation.coordinator") == national.level("invitation.coordinator")
    assert jkp.citations["child_age_limit"] == national.citations["child_age_limit"]
    assert jkp.overrides == {"steps", "follow_up_place_required",
                             "school_principal_for_children", "child_consent",
                             "rules.plan.goal_horizons", "rules.invitation.substitute",
                             "plan_parts"}
    assert jkp.citations["follow_up_place_required"] != national.citations[
        "follow_up_place_required"]
    assert national.overrides == frozenset()


def test_a_region_file_that_sets_nothing_has_the_national_values(tmp_path: Path) -> None:
    path = write(tmp_path / "min_region.toml", """\
id = "min_region"
version = "2026.1"
name = "Min region"
valid_from = 2026-01-01
last_reviewed = 2026-11-22
extends = "national@2018.1"
source = "hsl_16_4"
""")
    own = load_profile(path)
    national = load_profile("national@2018.1")
    assert values(own) == values(national)
    assert {k: v for k, v in own.citations.items() if k != "profile"} == {
        k: v for k, v in national.citations.items() if k != "profile"
    }
    assert own.overrides == frozenset()
    assert own.key == "min_region@2026.1"
    assert own.content_hash != national.content_hash


# --- refusals ----------------------------------------------------------------------------------

BAD_FILES = sorted(BAD.glob("*.toml"))


def test_there_is_a_bad_profile_for_every_kind_of_refusal() -> None:
    assert len(BAD_FILES) >= 40


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_a_malformed_profile_is_refused_naming_file_key_and_expectation(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name}: first line must be '# expect: …'"
    expected = first.removeprefix("# expect: ")
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    message = str(caught.value)
    assert message.startswith(f"{path.name}: "), message
    assert expected in message, message
    assert "expected" in message


def test_a_profile_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"unit_days\.toml"):
        load_profile(BAD / "unit_days.toml")


def test_an_unknown_profile_names_the_ones_that_exist() -> None:
    with pytest.raises(ProfileError, match=r"unknown profile 'gotland'.*blekinge, jonkoping, "
                       r"national, skane, stockholm, varmland, vastmanland, vgr"):
        load_profile("gotland")
    with pytest.raises(ProfileError, match=r"unknown version '9' of national; its versions "
                       r"are: 2018\.1 \(valid from 2010-01-01\)"):
        load_profile("national@9")


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"nowhere\.toml: expected a readable profile file"):
        load_profile(tmp_path / "nowhere.toml")


@pytest.mark.parametrize(("text", "message"), [
    ("id = " + "9" * 5000, "an integer of more than 4300 digits"),
    ("id = " + "[" * 5000 + "]" * 5000, "arrays or tables nested more than 100 levels"),
    ("id." + "x." * 5000 + "y = 1", "arrays or tables nested more than 100 levels"),
], ids=["huge_integer", "deep_arrays", "deep_dotted_keys"])
def test_a_huge_integer_or_deep_nesting_is_a_profile_error(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "deep.toml"
    path.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert str(caught.value) == f"deep.toml: expected valid TOML: {message}"


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(InputTypeError, match="on: expected a date"):
        load_profile("national", on=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    with pytest.raises(InputTypeError, match="name"):
        load_profile(42)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="directory"):
        load_profile(BAD / "unit_days.toml", directory=BAD)


# --- versions ----------------------------------------------------------------------------------


def test_a_bundled_profile_by_date() -> None:
    assert load_profile("jonkoping", on=D(2024, 5, 29)).key == "jonkoping@4.0"
    assert load_profile("jonkoping", on=D(2030, 1, 1)).key == "jonkoping@4.0"
    with pytest.raises(ProfileError, match=r"no version of jonkoping is valid on 2024-05-28; "
                       r"its versions are: 4\.0 \(valid from 2024-05-29\)"):
        load_profile("jonkoping", on=D(2024, 5, 28))
    with pytest.raises(ProfileError, match="vgr@2021-03-19 is not valid on 2020-01-01"):
        load_profile("vgr@2021-03-19", on=D(2020, 1, 1))
    assert load_profile("vgr@2021-03-19", on=D(2021, 3, 19)).id == "vgr"


def _second_vastmanland(folder: Path) -> None:
    """vastmanland@1 as bundled, and a made-up vastmanland@2 from 2027-01-01 that gives
    two working days to answer an invitation."""
    first = (BUNDLE / "vastmanland@1.toml").read_text(encoding="utf-8")
    write(folder / "vastmanland@1.toml", first)
    second = first.replace('version = "1"', 'version = "2"').replace(
        "valid_from = 2018-01-01", "valid_from = 2027-01-01"
    ).replace("last_reviewed = 2026-12-01", "last_reviewed = 2027-01-01")
    second = second.replace("amount = 1\n", "amount = 2\n", 1)
    write(folder / "vastmanland@2.toml", second)


def test_versions_by_date_pinned_and_newest(tmp_path: Path) -> None:
    _second_vastmanland(tmp_path)
    newest = load_profile("vastmanland", directory=tmp_path)
    assert newest.key == "vastmanland@2"
    assert newest.invitation_answer == Duration(2, "working_days", False)
    assert load_profile("vastmanland", on=D(2026, 12, 31), directory=tmp_path).key == (
        "vastmanland@1"
    )
    assert load_profile("vastmanland", on=D(2027, 1, 1), directory=tmp_path).key == (
        "vastmanland@2"
    )
    old = load_profile("vastmanland@1", directory=tmp_path)
    assert old.invitation_answer == WD
    assert old.content_hash == load_profile("vastmanland@1").content_hash
    with pytest.raises(ProfileError, match=r"no version of vastmanland is valid on 2017-12-31; "
                       r"its versions are: 1 \(valid from 2018-01-01\), 2 \(valid from "
                       r"2027-01-01\)"):
        load_profile("vastmanland", on=D(2017, 12, 31), directory=tmp_path)
    with pytest.raises(ProfileError, match="unknown version '3' of vastmanland"):
        load_profile("vastmanland@3", directory=tmp_path)
    with pytest.raises(ProfileError, match=r"unknown profile 'jonkoping'; .* are: vastmanland"):
        load_profile("jonkoping", directory=tmp_path)


def test_a_directory_refuses_misnamed_and_clashing_files(tmp_path: Path) -> None:
    text = (BUNDLE / "vastmanland@1.toml").read_text(encoding="utf-8")
    write(tmp_path / "vastmanland@9.toml", text)
    with pytest.raises(ProfileError, match=r"vastmanland@9.toml: id, version: expected a file "
                       r"named vastmanland@1.toml \(or vastmanland.toml\)"):
        load_profile("vastmanland", directory=tmp_path)
    (tmp_path / "vastmanland@9.toml").unlink()
    write(tmp_path / "vastmanland@1.toml", text)
    write(tmp_path / "vastmanland.toml", text.replace('version = "1"', 'version = "1b"'))
    (tmp_path / "vastmanland.toml").rename(tmp_path / "vastmanland@1b.toml")
    with pytest.raises(ProfileError, match="valid_from: expected a date no other version of "
                       "vastmanland has, got 2018-01-01"):
        load_profile("vastmanland", directory=tmp_path)
    with pytest.raises(InputError, match="directory"):
        load_profile("vastmanland", directory=tmp_path / "nowhere")


def test_loading_from_a_path(tmp_path: Path) -> None:
    copy = tmp_path / "our_routine.toml"
    shutil.copy(BUNDLE / "jonkoping@4.0.toml", copy)
    for name in (copy, str(copy)):
        own = load_profile(name)
        assert own.key == "jonkoping@4.0"
        assert own.origin == str(copy)
        assert own == load_profile("jonkoping")  # equal content, different origin
        assert own is not load_profile("jonkoping")
        assert hash(own) == hash(load_profile("jonkoping"))
    assert load_profile(copy, on=D(2025, 1, 1)).valid_from == D(2024, 5, 29)
    with pytest.raises(ProfileError, match=r"our_routine\.toml: jonkoping@4\.0 is not valid on "
                       r"2024-01-01"):
        load_profile(copy, on=D(2024, 1, 1))


# --- the content hash --------------------------------------------------------------------------


def test_content_hash_is_stable(tmp_path: Path) -> None:
    for p in bundled_profiles():
        again = load_profile(BUNDLE / f"{p.key}.toml")
        assert again.content_hash == p.content_hash
        assert re.fullmatch(r"[0-9a-f]{64}", p.content_hash)
    # comments and layout are not content
    text = (BUNDLE / "vastmanland@1.toml").read_text(encoding="utf-8")
    reflowed = "# a comment of our own\n" + text.replace("amount = 1\n", "amount   =   1 # one\n")
    assert load_profile(write(tmp_path / "v.toml", reflowed)).content_hash == (
        load_profile("vastmanland@1").content_hash
    )


# What decides: a value, a level, a date. Each changes the content hash.
DECIDING = [
    ("amount = 1\n", "amount = 0\n"),
    ('unit = "working_days"', 'unit = "calendar_days"'),
    ("rolls = false", "rolls = true"),
    ('level = "must"', 'level = "should"'),
    ("valid_from = 2018-01-01", "valid_from = 2018-01-02"),
    ('version = "1"', 'version = "1.1"'),
    ('[parameters.follow_up_place_required]\nvalue = false',
     '[parameters.follow_up_place_required]\nvalue = true'),
    ('value = ["region", "municipality"]', 'value = ["region"]'),
    ("[parameters.plan_documentation]\n",
     "[parameters.plan_documentation]\nvalid_from = 2019-01-01\n"),
]
# What only says where a value comes from, or shows it: a corrected citation keeps the hash.
CITING = [
    ("inom 1 arbetsdag.", "inom en arbetsdag."),  # a quote
    ('part = "Genomförande"', 'part = "Genomförandet"'),  # a part
    ('name = "Region Västmanland"', 'name = "Region Västmanland län"'),  # a title
    ("last_reviewed = 2026-12-01", "last_reviewed = 2026-12-02"),
    ('label = "Skicka kallelse"', 'label = "Kalla"'),  # a step's name, for display
    ('phases = ["active"]', 'phases = ["active", "drafting"]'),
    ('also = [{ source = "lusv_4_3" }]\n', ""),  # a source removed
]


@pytest.mark.parametrize(("old", "new"), DECIDING, ids=[c[1][:30] for c in DECIDING])
def test_content_hash_changes_with_what_decides(tmp_path: Path, old: str, new: str) -> None:
    text = (BUNDLE / "vastmanland@1.toml").read_text(encoding="utf-8")
    assert old in text
    changed = load_profile(write(tmp_path / "v.toml", text.replace(old, new, 1)))
    assert changed.content_hash != load_profile("vastmanland@1").content_hash
    assert changed.stamp != load_profile("vastmanland").stamp


@pytest.mark.parametrize(("old", "new"), CITING, ids=[c[1][:30] or c[0][:30] for c in CITING])
def test_a_corrected_citation_keeps_the_stamp(tmp_path: Path, old: str, new: str) -> None:
    """Issue 11 item 12: a release that fixes a quote keeps every stored case replaying."""
    text = (BUNDLE / "vastmanland@1.toml").read_text(encoding="utf-8")
    assert old in text
    fixed = load_profile(write(tmp_path / "v.toml", text.replace(old, new, 1)))
    bundled = load_profile("vastmanland@1")
    assert fixed.citations != bundled.citations or fixed.steps != bundled.steps or (
        fixed.name, fixed.last_reviewed) != (bundled.name, bundled.last_reviewed)
    assert fixed.content_hash == bundled.content_hash
    assert fixed.stamp == bundled.stamp


def _case_under(profile_name: str) -> SipCase:
    case = SipCase.open_case(at=at(2026, 3, 2), profile=load_profile(profile_name),
                             person=ADULT, units=UNITS, initiated_by="staff", unit="vc")
    case.execute("record_consent", at=at(2026, 3, 2, 10), given_by="person", form="written",
                 parties=["vc", "hemtjanst"], valid_until=D(2027, 3, 1))
    return case


def test_events_stamped_by_an_earlier_release_still_replay(tmp_path: Path) -> None:
    """The events a release before this one stored carry the hash the profile had then (it
    covered the quotes): each bundled version keeps it among its previous hashes."""
    for p in bundled_profiles():
        assert bool(p.previous_hashes) is (p.key in EARLIER), p.key
        for old in p.previous_hashes:
            stored = Stamp(p.key, old)
            assert p.accepts(stored) and p.stamp == stored and stored == p.stamp
            assert hash(stored) == hash(p.stamp)
        assert p.accepts(p.stamp)
        assert not p.accepts(Stamp(p.key, "0" * 64)) and p.stamp != Stamp(p.key, "0" * 64)
        assert not p.accepts(Stamp("other@1", p.content_hash))
    case = _case_under("vastmanland@1")
    text = events_to_json(case.events).replace(
        case.profile.content_hash, case.profile.previous_hashes[0])
    assert case.profile.previous_hashes[0] in text
    again = SipCase.replay(events_from_json(text))
    assert again.phase == case.phase and again.profile is load_profile("vastmanland@1")
    # A file that claims no earlier hash does not accept the old events.
    plain = (BUNDLE / "vastmanland@1.toml").read_text(encoding="utf-8")
    plain = re.sub(r"previous_hashes = \[.*\]\n", "", plain)
    own = load_profile(write(tmp_path / "v.toml", plain))
    assert own.content_hash == case.profile.content_hash and own.previous_hashes == ()
    with pytest.raises(EventFormatError, match=r"events\[0\]\.profile"):
        SipCase.replay(events_from_json(text), profile=own)


def test_the_stamp_covers_exactly_values_levels_and_dates() -> None:
    p = load_profile("vastmanland@1")
    from sipcore.profiles.resolution import _bundled

    params = _bundled().resolved[p.key].params
    assert p.content_hash == content_hash(p.id, p.version, p.valid_from, params)
    assert content_hash(p.id, p.version, D(2018, 1, 2), params) != p.content_hash
    assert content_hash(p.id, "2", p.valid_from, params) != p.content_hash
    without_steps = {k: v for k, v in params.items() if k != "steps"}
    assert content_hash(p.id, p.version, p.valid_from, without_steps) == p.content_hash


def test_every_bundled_profile_has_its_own_hash_and_profiles_compare_by_value() -> None:
    profiles = bundled_profiles()
    assert len({p.content_hash for p in profiles}) == len(profiles)
    earlier = [h for p in profiles for h in p.previous_hashes]
    assert len(set(earlier)) == len(earlier)  # no two versions share an earlier hash
    national = load_profile("national")
    assert attrs.evolve(national, child_age_limit=20) != national
    assert attrs.evolve(national, origin="elsewhere") == national
    assert len({national, attrs.evolve(national, origin="elsewhere")}) == 1


# --- durations ---------------------------------------------------------------------------------


def test_the_durations_count_as_domain_section_6_says() -> None:
    vm = load_profile("vastmanland")
    assert vm.invitation_answer is not None and vm.plan_documentation is not None
    assert vm.invitation_answer.after(D(2026, 12, 23)) == D(2026, 12, 28)
    assert vm.plan_documentation.after(D(2026, 6, 18)) == D(2026, 6, 23)
    national = load_profile("national")
    assert national.discharge_invitation is not None
    # Mon 2025-12-22 + 3 = juldagen; annandag jul, then the weekend: Mon 2025-12-29
    assert national.discharge_invitation.after(D(2025, 12, 22)) == D(2025, 12, 29)
    assert national.discharge_invitation.after(D(2026, 3, 2)) == D(2026, 3, 5)
    assert vm.invitation_answer.describe() == "1 arbetsdag"
    assert "rolled by Lag 1930:173" in national.discharge_invitation.describe("en")


# --- the version in force on a date (DOMAIN.md §7.1) -------------------------------------------


def test_a_name_selects_the_version_in_force_on_the_date(tmp_path: Path) -> None:
    _second_vastmanland(tmp_path)
    first, second = (load_profile(f"vastmanland@{v}", directory=tmp_path) for v in "12")
    for day, want in ((D(2018, 1, 1), first), (D(2026, 12, 31), first), (D(2027, 1, 1), second),
                      (D(2090, 1, 1), second)):
        assert profile_in_force("vastmanland", day, directory=tmp_path) == want
    assert profile_in_force("national", D(2010, 1, 1)) is load_profile("national@2018.1")
    assert profile_in_force("jonkoping", D(2024, 5, 29)) is load_profile("jonkoping@4.0")


def test_no_version_in_force_is_bad_input_naming_the_profile_and_the_date() -> None:
    with pytest.raises(InputError, match=r"profile: expected a version of jonkoping in force on "
                       r"2020-01-07 \(its versions are: 4\.0 \(valid from 2024-05-29\)\), got "
                       r"'jonkoping'") as caught:
        profile_in_force("jonkoping", D(2020, 1, 7))
    assert caught.value.argument == "profile"
    with pytest.raises(InputError, match="national in force on 2009-12-31"):
        profile_in_force("national", D(2009, 12, 31))
    with pytest.raises(InputError, match=r"profile: expected a known profile \(one of the "
                       r"bundled profiles: blekinge, jonkoping, national"):
        profile_in_force("gotland", D(2026, 1, 1))
    with pytest.raises(InputError, match=r"expected a version of skane in force on 2026-01-01"):
        profile_in_force("skane", D(2026, 1, 1))
    with pytest.raises(InputError, match="profile: expected a known version of vgr"):
        profile_in_force("vgr@1", D(2026, 1, 1))
    with pytest.raises(InputTypeError, match="on: expected a date"):
        profile_in_force("vgr", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))  # type: ignore[arg-type]


def test_a_pinned_version_or_a_file_is_used_as_given(tmp_path: Path) -> None:
    # A proposal not yet in force runs this way (DOMAIN.md §7.1).
    assert profile_in_force("jonkoping@4.0", D(2020, 1, 7)) is load_profile("jonkoping@4.0")
    copy = tmp_path / "proposal.toml"
    shutil.copy(BUNDLE / "jonkoping@4.0.toml", copy)
    assert profile_in_force(copy, D(2020, 1, 7)).origin == str(copy)
    assert profile_in_force(str(copy), D(2020, 1, 7)).key == "jonkoping@4.0"


def test_a_profile_names_its_series() -> None:
    assert load_profile("vastmanland@1").series == "vastmanland"
    assert load_profile("vgr@2021-03-19").series == "vgr"


# --- dated parameter values ---------------------------------------------------------------------


def test_the_discharge_rules_are_in_force_from_2018() -> None:
    """The national SIP duty from 2010-01-01; the discharge invitation of Lag (2017:612) only
    from 2018-01-01: before it, the parameter acts as absent."""
    national = load_profile("national")
    assert national.valid_from == D(2010, 1, 1)
    assert dict(national.dated) == {
        "discharge_invitation": D(2018, 1, 1),
        "payment_liability_somatic": D(2018, 1, 1),
        "payment_liability_psychiatric": D(2018, 1, 1),
    }
    assert national.liability_start("somatic", D(2017, 12, 31)) is None
    assert national.liability_start("psychiatric", D(2018, 1, 1)) is not None
    assert national.duration("discharge_invitation", D(2017, 12, 31)) is None
    assert national.duration("discharge_invitation", D(2018, 1, 1)) == DISCHARGE
    assert national.parameter("discharge_invitation", D(2012, 6, 1)) is None
    assert national.parameter("child_age_limit", D(2012, 6, 1)) == 18
    assert not national.in_force("discharge_invitation", D(2017, 12, 31))
    assert national.in_force("rules.plan.goal_horizons", D(2010, 1, 1))
    assert load_profile("vastmanland").duration("discharge_invitation", D(2018, 1, 1)) == DISCHARGE
    with pytest.raises(InputError, match="name: expected a parameter"):
        national.parameter("reply_time", D(2020, 1, 1))
    with pytest.raises(InputError, match="name: expected one of invitation_answer"):
        national.duration("child_age_limit", D(2020, 1, 1))


def test_a_region_dates_its_own_value(tmp_path: Path) -> None:
    text = (BUNDLE / "vastmanland@1.toml").read_text(encoding="utf-8").replace(
        "[parameters.plan_documentation]\n", "[parameters.plan_documentation]\n"
        "valid_from = 2019-01-01\n")
    own = load_profile(write(tmp_path / "v.toml", text))
    assert own.duration("plan_documentation", D(2018, 12, 31)) is None
    assert own.duration("plan_documentation", D(2019, 1, 1)) == Duration(2, "working_days")


# --- who owes an answer to an invitation (DOMAIN.md §6) ----------------------------------------


def test_vastmanlands_answer_is_owed_by_the_region_and_the_municipalities() -> None:
    vm = load_profile("vastmanland")
    assert vm.invitation_answer_principals == ("region", "municipality")
    assert vm.answer_owed_by("region") and vm.answer_owed_by("municipality")
    assert not vm.answer_owed_by("school") and not vm.answer_owed_by("other")
    assert vm.citations["invitation_answer_principals"][0].key == "src_004"
    assert "Försäkringskassan och skola" in vm.citations["invitation_answer_principals"][0].quote
    national = load_profile("national")
    assert national.invitation_answer_principals == ()
    assert all(national.answer_owed_by(p) for p in PRINCIPALS)


def test_the_principals_are_the_engines() -> None:
    from sipcore.process import PRINCIPALS as ENGINE_PRINCIPALS

    assert PRINCIPALS == ENGINE_PRINCIPALS


# --- a region's own documents, and a proposal over a regional profile (issue 11 item 13) -------

PROPOSAL = """\
id = "vastmanland"
version = "2-proposal"
name = "Region Västmanland"
valid_from = 2027-03-01
last_reviewed = 2027-03-01
extends = "vastmanland@1"
source = "rutin_2027"
part = "Fastställande"
quote = "Rutinen gäller från 1 mars 2027."

[documents.rutin_2027]
title = "Rutin för SIP med Cosmic Link, reviderad"
publisher = "Region Västmanland"
version = "2027:1"
date = 2027-02-01
address = "https://regionvastmanland.se/vardgivare/vardsamverkan/"
valid_from = 2027-03-01

[parameters.invitation_answer]
amount = 2
unit = "working_days"
rolls = false
source = "rutin_2027"
part = "Skicka kallelse"
quote = "besvara kallelsen inom 2 arbetsdagar"
"""


def test_a_proposal_states_only_what_it_changes_and_cites_its_own_document(
    tmp_path: Path,
) -> None:
    proposal = load_profile(write(tmp_path / "proposal.toml", PROPOSAL))
    base = load_profile("vastmanland@1")
    assert proposal.extends == "vastmanland@1"
    assert proposal.invitation_answer == Duration(2, "working_days", False)
    # everything else is vastmanland@1's, with its sources
    assert proposal.plan_documentation == base.plan_documentation
    assert proposal.invitation_answer_principals == base.invitation_answer_principals
    assert proposal.level("invitation.coordinator") == "must"
    assert proposal.citations["child_consent"] == base.citations["child_consent"]
    assert proposal.overrides == base.overrides  # invitation_answer: set by both
    cite = proposal.citations["invitation_answer"][0]
    assert cite.key == "vastmanland:rutin_2027" and cite.part == "Skicka kallelse"
    ref = cite.ref
    assert (ref.title, ref.publisher, ref.version, ref.date, ref.url, ref.region) == (
        "Rutin för SIP med Cosmic Link, reviderad", "Region Västmanland", "2027:1",
        D(2027, 2, 1), "https://regionvastmanland.se/vardgivare/vardsamverkan/", "vastmanland")
    assert ref.applies(D(2027, 3, 1), "vastmanland") and not ref.applies(D(2027, 3, 1), "vgr")
    assert not ref.applies(D(2027, 2, 28), "vastmanland")
    assert str(cite) == ("Rutin för SIP med Cosmic Link, reviderad, Skicka kallelse: "
                         "\u201dbesvara kallelsen inom 2 arbetsdagar\u201d")
    assert proposal.documents == {"vastmanland:rutin_2027": ref}
    assert "vastmanland:rutin_2027" not in CATALOGUE


def test_a_proposal_in_a_directory_extends_a_profile_beside_it(tmp_path: Path) -> None:
    shutil.copy(BUNDLE / "vastmanland@1.toml", tmp_path / "vastmanland@1.toml")
    write(tmp_path / "vastmanland@2-proposal.toml", PROPOSAL)
    newest = load_profile("vastmanland", directory=tmp_path)
    assert newest.key == "vastmanland@2-proposal" and newest.invitation_answer is not None
    assert newest.invitation_answer.amount == 2
    looped = PROPOSAL.replace('extends = "vastmanland@1"', 'extends = "vastmanland@2-proposal"')
    write(tmp_path / "vastmanland@2-proposal.toml", looped)
    with pytest.raises(ProfileError, match=r"vastmanland@2-proposal\.toml: extends: expected a "
                       r"profile that does not extend itself"):
        load_profile("vastmanland", directory=tmp_path)


# --- the package keeps its public names ---------------------------------------------------------


def test_the_public_names_keep_their_import_paths() -> None:
    """What ``sipcore.profiles`` and ``sipcore.scenarios`` exported as modules, they export as
    packages."""
    import sipcore.profiles as profiles
    import sipcore.scenarios as scenarios

    for name in ("CHILD_CONSENT_MODELS", "DURATION_UNITS", "LEVELS", "NATIONAL", "PARAMETERS",
                 "PHASES", "PROFILE_RULES", "ChildConsent", "Duration", "DurationUnit", "Level",
                 "PhaseName", "Profile", "Stamp", "Step", "bundled_profiles", "load_profile",
                 "profile_in_force"):
        assert name in profiles.__all__ and hasattr(profiles, name), name
    for name in ("CLOSURE_REASONS", "REFUSAL_IDS", "STATUSES", "Expect", "ExpectObligation",
                 "Failure", "ObligationCheck", "ObligationView", "Scenario", "ScenarioResult",
                 "Step", "StepOutcome", "load_scenario", "resolve_profile", "run_scenario",
                 "scenario_files", "step_outcomes"):
        assert name in scenarios.__all__ and hasattr(scenarios, name), name
    assert profiles.Step is not scenarios.Step


@pytest.mark.parametrize(("unit", "amount"), [("working_days", 261), ("calendar_days", 367),
                                               ("weeks", 53), ("months", 13),
                                               ("calendar_days", 1_000_000_000)])
def test_a_time_limit_longer_than_a_year_is_refused(tmp_path: Path, unit: str,
                                                   amount: int) -> None:
    plain = (BUNDLE / "vastmanland@1.toml").read_text(encoding="utf-8")
    text = re.sub(r"(\[parameters\.invitation_answer\]\namount = )1\nunit = \"working_days\"",
                  rf'\g<1>{amount}\nunit = "{unit}"', plain)
    assert text != plain
    with pytest.raises(ProfileError, match="amount"):
        load_profile(write(tmp_path / "long.toml", text))
