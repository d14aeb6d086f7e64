"""The FHIR R4 export (sipcore.fhir, the fhir extra; DOMAIN.md §13, docs/fhir.md).

The golden files under tests/fhir/ are compared after export. After a deliberate change of the
mapping, regenerate them with

    SIPCORE_REGENERATE_FHIR=1 python -m pytest tests/test_fhir.py

and read the diff before committing it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from sipcore.case import SipCase
from sipcore.cli import main
from sipcore.errors import InputError
from sipcore.fhir import (
    HSA_ID,
    PERSONNUMMER,
    TYPE_OF_CARE_PLAN,
    FhirIds,
    scenario_case,
    to_fhir,
)
from sipcore.scenarios import load_scenario

HERE = Path(__file__).parent
GOLDEN = HERE / "fhir"
SCENARIOS = sorted((HERE / "scenarios").rglob("*.toml"))
REGENERATE = os.environ.get("SIPCORE_REGENERATE_FHIR") == "1"

# The golden cases, each exported as of a fixed time after its last event.
GOLDEN_CASES = {
    "adult_two_versions": "2026-06-10T12:00:00+02:00",
    "child": "2026-09-24T12:00:00+02:00",
    "discharge": "2026-05-21T12:00:00+02:00",
}

# The codes FHIR R4 binds as "required" for the fields the export fills: fhir.resources checks
# the structure, not these.
REQUIRED_CODES: dict[tuple[str, str], set[str]] = {
    ("CarePlan", "status"): {"draft", "active", "on-hold", "revoked", "completed",
                             "entered-in-error", "unknown"},
    ("CarePlan", "intent"): {"proposal", "plan", "order", "option"},
    ("Consent", "status"): {"draft", "proposed", "active", "rejected", "inactive",
                            "entered-in-error"},
    ("CareTeam", "status"): {"proposed", "active", "suspended", "inactive", "entered-in-error"},
    ("Goal", "lifecycleStatus"): {"proposed", "planned", "accepted", "active", "on-hold",
                                  "completed", "cancelled", "entered-in-error", "rejected"},
    ("Task", "status"): {"draft", "requested", "received", "accepted", "rejected", "ready",
                         "cancelled", "in-progress", "on-hold", "failed", "completed",
                         "entered-in-error"},
    ("Task", "intent"): {"unknown", "proposal", "plan", "order", "original-order",
                         "reflex-order", "filler-order", "instance-order", "option"},
    ("Appointment", "status"): {"proposed", "pending", "booked", "arrived", "fulfilled",
                                "cancelled", "noshow", "entered-in-error", "checked-in",
                                "waitlist"},
}
PARTICIPANT_STATUS = {"accepted", "declined", "tentative", "needs-action"}
ACTIVITY_STATUS = {"not-started", "scheduled", "in-progress", "on-hold", "completed",
                   "cancelled", "stopped", "unknown", "entered-in-error"}


def _golden_case(name: str) -> tuple[SipCase, FhirIds, dt.datetime]:
    case = scenario_case(load_scenario(GOLDEN / f"{name}.toml"))
    ids = FhirIds.from_json((GOLDEN / f"{name}.ids.json").read_text(encoding="utf-8"))
    return case, ids, dt.datetime.fromisoformat(GOLDEN_CASES[name])


def _exported(name: str) -> dict[str, Any]:
    case, ids, as_of = _golden_case(name)
    data: dict[str, Any] = json.loads(to_fhir(case, ids=ids, as_of=as_of).model_dump_json())
    return data


def _resources(data: dict[str, Any], kind: str | None = None) -> list[dict[str, Any]]:
    return [
        e["resource"] for e in data.get("entry", [])
        if kind is None or e["resource"]["resourceType"] == kind
    ]


def _references(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference" and isinstance(item, str):
                yield item
            else:
                yield from _references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item)


def _codes(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(resource type, field, code) for every field with a required binding."""
    found = []
    for r in _resources(data):
        kind = r["resourceType"]
        found += [(kind, f, r[f]) for (k, f) in REQUIRED_CODES if k == kind and f in r]
        found += [(kind, "participant.status", p["status"]) for p in r.get("participant", [])
                  if kind == "Appointment"]
        found += [(kind, "activity.detail.status", a["detail"]["status"])
                  for a in r.get("activity", []) if "detail" in a]
    return found


# --- every bundled scenario --------------------------------------------------------------------


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: str(p.relative_to(HERE / "scenarios")))
def test_every_scenario_exports_a_valid_bundle(path: Path) -> None:
    case = scenario_case(load_scenario(path))
    bundle = to_fhir(case, ids=FhirIds.local(case.units))
    assert isinstance(bundle, Bundle) and bundle.type == "transaction"
    # Round trip through the R4B models, from the dict and from the JSON.
    assert Bundle.model_validate(bundle.model_dump()) == bundle
    text = bundle.model_dump_json()
    assert Bundle.model_validate_json(text) == bundle
    data = json.loads(text)
    # Every internal reference points at an entry of the bundle; every entry is a POST.
    urls = [e["fullUrl"] for e in data.get("entry", [])]
    assert len(urls) == len(set(urls))
    internal = [r for r in _references(data) if r.startswith("urn:uuid:")]
    assert set(internal) <= set(urls)
    for entry in data.get("entry", []):
        assert entry["request"] == {"method": "POST", "url": entry["resource"]["resourceType"]}
    # Codes with required bindings are FHIR's.
    for kind, field, code in _codes(data):
        if field == "participant.status":
            assert code in PARTICIPANT_STATUS, (kind, field, code)
        elif field == "activity.detail.status":
            assert code in ACTIVITY_STATUS, (kind, field, code)
        else:
            assert code in REQUIRED_CODES[(kind, field)], (kind, field, code)
    # One CarePlan per plan version, one Consent per consent, one Task per obligation.
    assert len(_resources(data, "CarePlan")) == len(case.versions)
    consents = len(case.consents) + (case.closure_reason == "consent_refused")
    assert len(_resources(data, "Consent")) == consents
    obligation_tasks = [t for t in _resources(data, "Task") if "businessStatus" in t]
    assert [t["businessStatus"]["coding"][0]["code"] for t in obligation_tasks] == [
        o.status for o in case.obligations(case.events[-1].at)
    ]


# --- the golden files ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_golden_export(name: str) -> None:
    exported = _exported(name)
    golden = GOLDEN / f"{name}.json"
    if REGENERATE:
        golden.write_text(json.dumps(exported, indent=2, ensure_ascii=False) + "\n",
                          encoding="utf-8")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert exported == expected, (
        f"{golden.name} differs from the export; after a deliberate change regenerate with "
        "SIPCORE_REGENERATE_FHIR=1 python -m pytest tests/test_fhir.py"
    )


def test_export_is_deterministic() -> None:
    case, ids, as_of = _golden_case("adult_two_versions")
    again = scenario_case(load_scenario(GOLDEN / "adult_two_versions.toml"))
    first = to_fhir(case, ids=ids, as_of=as_of).model_dump_json()
    assert to_fhir(again, ids=ids, as_of=as_of).model_dump_json() == first
    # Another person's identifier gives other resource ids.
    other = FhirIds(person="191111111111", units=dict(ids.units))
    urls = {e["fullUrl"] for e in json.loads(first)["entry"]}
    other_urls = {e["fullUrl"] for e in
                  json.loads(to_fhir(case, ids=other, as_of=as_of).model_dump_json())["entry"]}
    assert not urls & other_urls


def test_two_versions_link_and_carry_statuses() -> None:
    data = _exported("adult_two_versions")
    urls = {e["resource"].get("title"): e["fullUrl"] for e in data["entry"]}
    plans = _resources(data, "CarePlan")
    assert [p["status"] for p in plans] == ["completed", "active"]
    assert plans[1]["replaces"] == [
        {"reference": urls["Samordnad individuell plan, version 1"], "type": "CarePlan"}
    ]
    assert "replaces" not in plans[0]
    for plan in plans:
        assert plan["intent"] == "plan"
        assert plan["category"][0]["coding"][0] == {
            "system": TYPE_OF_CARE_PLAN, "code": "SIP", "display": "Samordnad individuell plan"
        }
        assert plan["subject"]["identifier"] == {"system": PERSONNUMMER, "value": "191212121212"}
        assert plan["author"]["identifier"] == {"system": HSA_ID, "value": "SE2321000016-A0001"}
    # Version 1 ran from its approval until version 2 was approved.
    assert plans[0]["period"] == {"start": "2026-03-11T09:30:00+01:00",
                                  "end": "2026-06-09T10:45:00+02:00"}
    assert [c["identifier"]["value"] for c in plans[0]["contributor"]] == [
        "SE2321000016-A0001", "SE2120000000-B0002", "SE2321000016-A0003"]
    # Version 2 holds the copies of version 1's notes and its own intervention.
    assert len(plans[0]["activity"]) == 3 and len(plans[1]["activity"]) == 4
    follow_ups = [a["detail"] for p in plans for a in p["activity"] if "detail" in a]
    assert [(f["status"], f["scheduledString"]) for f in follow_ups] == [
        ("completed", "2026-06-10"), ("scheduled", "2026-12-09")]
    assert plans[0]["note"][1]["text"] == "Anteckning – Närstående: Dottern hjälper till med inköp"
    # One Provenance per approval; version 2 was approved without the person.
    provenances = _resources(data, "Provenance")
    assert [len(p["agent"]) for p in provenances] == [2, 1]
    assert provenances[0]["agent"][0]["who"]["display"] == "Anna Berg"
    # Interventions: owner is the responsible unit.
    interventions = [t for t in _resources(data, "Task") if "businessStatus" not in t]
    assert interventions[0]["owner"]["identifier"]["value"] == "SE2120000000-B0002"
    assert interventions[0]["note"] == [{"text": "Ansvarig: Eva Lind"}]
    # The invitation's answers: attending, and a substitute standing in.
    appointment = _resources(data, "Appointment")[0]
    assert [(p["actor"].get("display"), p["status"]) for p in appointment["participant"]] == [
        (None, "accepted"),  # the person, by personnummer
        ("hemtjanst, Biståndshandläggare Eva Lind", "accepted"),
        ("psyk, ersättare Kurator Omar Said", "accepted"),
        ("vc", "accepted"),
    ]


def test_a_follow_up_meeting_called_by_an_invitation_fulfils_it() -> None:
    """DOMAIN.md §12.4: the call to a follow-up meeting is an invitation like the first; once
    the follow-up is held, its Appointment is fulfilled and points at the version it opened."""
    path = HERE / "scenarios" / "vastmanland" / "follow_up_invitation_held.toml"
    case = scenario_case(load_scenario(path))
    data = json.loads(to_fhir(case, ids=FhirIds.local(case.units)).model_dump_json())
    urls = {e["resource"].get("title"): e["fullUrl"] for e in data["entry"]}
    first, follow_up = _resources(data, "Appointment")  # (no Appointment of its own)
    assert (first["status"], first["serviceType"][0]["text"]) == ("fulfilled", "SIP-möte")
    assert (follow_up["status"], follow_up["serviceType"][0]["text"]) == (
        "fulfilled", "Uppföljningsmöte")
    assert follow_up["appointmentType"]["coding"][0]["code"] == "FOLLOWUP"
    assert follow_up["created"] == "2027-03-01T09:00:00+01:00"
    assert follow_up["supportingInformation"] == [
        {"reference": urls["Samordnad individuell plan, version 2"], "type": "CarePlan"}]
    assert [p["status"] for p in follow_up["participant"]] == [
        "accepted", "accepted", "needs-action", "accepted"]  # person, hemtjanst, psyk, vc


def test_goals_met_are_the_goals_of_the_plan_in_force() -> None:
    """A case closed as goals_met while a new version was still a draft: the goals achieved
    are those of the last approved version; the draft's are cancelled."""
    path = HERE / "scenarios" / "vastmanland" / "document_plan_midsummer.toml"
    case = scenario_case(load_scenario(path))
    assert case.closure_reason == "goals_met"
    assert [v.approved_at is not None for v in case.versions] == [True, False]
    data = json.loads(to_fhir(case, ids=FhirIds.local(case.units)).model_dump_json())
    assert [(g["lifecycleStatus"], g.get("achievementStatus", {}).get("coding", [{}])[0]
             .get("code")) for g in _resources(data, "Goal")] == [
        ("completed", "achieved"), ("completed", "achieved"),
        ("cancelled", None), ("cancelled", None)]


def test_consent_status_as_of() -> None:
    case, ids, _ = _golden_case("adult_two_versions")
    def status(as_of: str) -> str:
        data = json.loads(to_fhir(case, ids=ids, as_of=dt.datetime.fromisoformat(as_of))
                          .model_dump_json())
        consent = _resources(data, "Consent")[0]
        assert consent["provision"]["period"]["end"] == "2027-03-01"
        assert consent["scope"]["coding"][0]["code"] == "patient-privacy"
        assert [a["reference"]["identifier"]["value"] for a in consent["provision"]["actor"]] \
            == ["SE2321000016-A0001", "SE2120000000-B0002", "SE2321000016-A0003"]
        assert "HSL (2017:30) 16 kap. 4 §" in consent["policyRule"]["text"]
        assert consent["provision"]["type"] == "permit"
        return str(consent["status"])

    assert status("2027-03-01T23:00:00+01:00") == "active"  # valid_until is inclusive
    assert status("2027-03-02T00:00:00+01:00") == "inactive"


def test_guardians_consent_ends_at_18() -> None:
    from sipcore.consent import Person
    from sipcore.profiles import load_profile

    opened = dt.datetime.fromisoformat("2026-09-01T09:00:00+02:00")
    case = SipCase.open_case(
        at=opened, profile=load_profile("national"),
        person=Person(dt.date(2008, 9, 30), ("mamma", "pappa")), units={"vc": "region"},
        initiated_by="guardian", unit="vc",
    )
    case.record_consent(at=opened + dt.timedelta(hours=1), given_by="guardians",
                        guardians=["mamma", "pappa"], form="written", parties=["vc"],
                        valid_until=dt.date(2027, 6, 30))
    ids = FhirIds(units={"vc": "SE2321000016-A0001"})

    def status(as_of: str) -> str:
        bundle = to_fhir(case, ids=ids, as_of=dt.datetime.fromisoformat(as_of))
        return str(_resources(json.loads(bundle.model_dump_json()), "Consent")[0]["status"])

    assert status("2026-09-29T23:59:00+02:00") == "active"
    assert status("2026-09-30T00:00:00+02:00") == "inactive"  # the 18th birthday


def test_child_guardians_and_the_absent_child() -> None:
    data = _exported("child")
    consent = _resources(data, "Consent")[0]
    assert [p["display"] for p in consent["performer"]] == ["vårdnadshavare mamma",
                                                            "vårdnadshavare pappa"]
    assert consent["sourceReference"]["display"] == "BUP, journal 2026-09-07"
    appointment = _resources(data, "Appointment")[0]
    assert appointment["participant"][0]["status"] == "declined"  # person_present = false
    assert appointment["participant"][2] == {  # skola never answered, but took part
        "actor": {"type": "Organization",
                  "identifier": {"system": HSA_ID, "value": "SE2120000000-D0003"},
                  "display": "skola"},
        "status": "accepted", "required": "required"}
    # The child's view is not exported (docs/fhir.md).
    assert "lugnare raster" not in json.dumps(data, ensure_ascii=False)


def test_withdrawal_exports_voided_notes_without_their_text() -> None:
    data = _exported("discharge")
    text = json.dumps(data, ensure_ascii=False)
    for words in ("höftfraktur", "rollator", "Flytta hem", "Korttidsplats"):
        assert words not in text
    plan = _resources(data, "CarePlan")[0]
    assert plan["status"] == "revoked"
    assert plan["category"][0]["coding"][0]["code"] == "SPU"
    assert plan["note"] == [{"time": "2026-05-15T13:10:00+02:00",
                             "text": "Behov: Makulerad 2026-05-20"}]
    assert [g["lifecycleStatus"] for g in _resources(data, "Goal")] == ["cancelled"] * 2
    assert [g["category"][0]["coding"][0]["code"] for g in _resources(data, "Goal")] == [
        "short", "long"]
    assert _resources(data, "Consent")[0]["status"] == "inactive"
    assert "Lag om samverkan vid utskrivning (2017:612) 4 kap. 2 §" in (
        _resources(data, "Consent")[0]["policyRule"]["text"])
    obligations = {t["code"]["coding"][0]["code"]: t for t in _resources(data, "Task")
                   if "businessStatus" in t}
    invitation = obligations["discharge_invitation"]
    assert invitation["businessStatus"]["coding"][0]["code"] == "met"
    assert invitation["status"] == "completed"
    assert invitation["executionPeriod"]["end"] == "2026-05-15"  # Kristi himmelsfärd rolled
    assert "Lag om samverkan vid utskrivning" in invitation["note"][0]["text"]
    assert obligations["follow_up"]["businessStatus"]["coding"][0]["code"] == "cancelled"


def test_plan_type_of_a_case_that_names_one() -> None:
    case, ids, as_of = _golden_case("adult_two_versions")

    class Compulsory(SipCase):
        plan_type = "SPLPTLRV"

    class Unknown(SipCase):
        plan_type = "XYZ"

    data = json.loads(to_fhir(Compulsory.replay(case.events), ids=ids, as_of=as_of)
                      .model_dump_json())
    assert {p["category"][0]["coding"][0]["code"] for p in _resources(data, "CarePlan")} == {
        "SPLPTLRV"}
    with pytest.raises(InputError, match=r"case\.plan_type"):
        to_fhir(Unknown.replay(case.events), ids=ids, as_of=as_of)


# --- bad input ---------------------------------------------------------------------------------


def test_a_unit_without_an_identifier_is_named() -> None:
    case, ids, as_of = _golden_case("adult_two_versions")
    partial = FhirIds(person=ids.person, units={"vc": "SE2321000016-A0001"})
    with pytest.raises(InputError) as raised:
        to_fhir(case, ids=partial, as_of=as_of)
    assert raised.value.argument == "ids.units"
    assert str(raised.value).endswith("none for hemtjanst, psyk")


@pytest.mark.parametrize(("make", "argument"), [
    (lambda: FhirIds(units={"vc": " "}), "ids.units.vc"),
    (lambda: FhirIds(units={"": "x"}), "ids.units"),
    (lambda: FhirIds(units="vc"), "ids.units"),
    (lambda: FhirIds(units={"vc": "x"}, person=""), "ids.person"),
    (lambda: FhirIds(units={"vc": "x"}, unit_system=""), "ids.unit_system"),
    (lambda: FhirIds.from_json("{"), "ids"),
    (lambda: FhirIds.from_json("[]"), "ids"),
    (lambda: FhirIds.from_json('{"person": "1"}'), "ids.units"),
    (lambda: FhirIds.from_json('{"units": {}, "hsa": 1}'), "ids.hsa"),
    (lambda: FhirIds.from_json('{"units": ["vc"]}'), "ids.units"),
])
def test_bad_identifiers(make: Any, argument: str) -> None:
    with pytest.raises(InputError) as raised:
        make()
    assert raised.value.argument == argument


def test_bad_as_of_and_ids() -> None:
    case, ids, _ = _golden_case("child")
    with pytest.raises(InputError, match="as_of"):
        to_fhir(case, ids=ids, as_of=dt.datetime(2026, 9, 24, 12))  # naive
    with pytest.raises(InputError, match="as_of: expected a time at or after"):
        to_fhir(case, ids=ids, as_of=dt.datetime.fromisoformat("2026-09-01T12:00:00+02:00"))
    with pytest.raises(InputError, match="ids"):
        to_fhir(case, ids={"units": {}}, as_of=None)  # type: ignore[arg-type]
    for late in (dt.datetime(2200, 1, 1, tzinfo=dt.UTC),
                 dt.datetime(9999, 12, 31, 23, 30, tzinfo=dt.UTC)):  # (10000 in Stockholm)
        with pytest.raises(InputError, match="as_of: expected a timezone-aware datetime in the"):
            to_fhir(case, ids=ids, as_of=late)


# --- the command line --------------------------------------------------------------------------


def test_cli_prints_the_bundle(capsys: pytest.CaptureFixture[str]) -> None:
    path = GOLDEN / "child.toml"
    ids = GOLDEN / "child.ids.json"
    assert main(["fhir", str(path), "--ids", str(ids), "--as-of", GOLDEN_CASES["child"]]) == 0
    assert json.loads(capsys.readouterr().out) == _exported("child")
    assert main(["fhir", str(path)]) == 0  # the file's own unit ids
    data = json.loads(capsys.readouterr().out)
    assert Bundle.model_validate(data).type == "transaction"
    assert _resources(data, "CarePlan")[0]["author"]["identifier"] == {
        "system": "urn:sipcore:unit", "value": "soc"}


@pytest.mark.parametrize(("args", "says"), [
    (["missing.toml"], "SCENARIO.toml: expected a scenario file"),
    (["tests/fhir/child.toml", "--ids", "missing.json"], "--ids: expected a readable"),
    (["tests/fhir/child.toml", "--ids", "tests/fhir/discharge.ids.json"],
     "ids.units: expected an identifier for every unit the case names; none for bup, soc, skola"),
    (["tests/fhir/child.toml", "--as-of", "tomorrow"], "--as-of: expected an ISO time"),
    (["tests/fhir/child.toml", "--as-of", "2026-09-24T12:00"], "--as-of: expected a time "
     "with an offset"),
    (["tests/bad_scenarios/missing_steps.toml"], "missing_steps.toml"),
])
def test_cli_bad_input(args: list[str], says: str, capsys: pytest.CaptureFixture[str],
                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(HERE.parent)
    assert main(["fhir", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and says in captured.err


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=HERE.parent, timeout=120, check=False)


def test_cli_names_the_extra_when_it_is_missing() -> None:
    done = _python(
        "import sys; sys.modules['fhir'] = None\n"
        "from sipcore.cli import main\n"
        "raise SystemExit(main(['fhir', 'tests/fhir/child.toml']))\n"
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr == ('sipcore fhir: the fhir extra is not installed: '
                           'pip install "sipcore[fhir]"\n')


def test_import_sipcore_does_not_import_fhir() -> None:
    done = _python(
        "import sys, sipcore, sipcore.case, sipcore.scenarios\n"
        "from sipcore.cli import build_parser; build_parser()\n"
        "loaded = [m for m in sys.modules if m == 'fhir' or m.startswith(('fhir.', "
        "'fhir_core', 'pydantic', 'sipcore.fhir'))]\n"
        "print(loaded)\n"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
