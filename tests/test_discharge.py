"""Discharge from inpatient care (Lag 2017:612, DOMAIN.md §10): the chain's commands, its
obligations, the municipality's payment liability, the plan types and the samordnad vårdplan."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from helpers import ADULT, COORDINATOR, at, invitation, profile, refuse
from sipcore import liabilities, load_profile
from sipcore.case import SipCase
from sipcore.cli import main
from sipcore.errors import InputError, TransitionNotAllowed
from sipcore.events import events_from_json, events_to_json
from sipcore.obligations import Obligation

D = dt.date
UNITS = {"avd": "region", "vc": "region", "hemtjanst": "municipality"}
CHAIN = ("send_admission_notice", "appoint_fast_vardkontakt", "notify_discharge_ready",
         "record_discharge", "transfer_information")


OPENED_AT = at(2026, 2, 26, 14, 30)


def opened(when: dt.datetime = OPENED_AT, **opening: Any) -> SipCase:
    opening.setdefault("admitted_at", when - dt.timedelta(minutes=30))
    return SipCase.open_case(at=when, profile=profile(), person=ADULT, units=UNITS,
                             initiated_by="staff", unit="avd", **opening)


def chain(notice: dt.datetime, *, fast: bool = True, invite_on: dt.datetime | None = None,
          discharge: dt.datetime | None = None) -> SipCase:
    """A discharge case through the chain: admitted three days before ``notice``, a fast
    vårdkontakt (unless not ``fast``), consent, the notice that the patient is utskrivningsklar
    at ``notice``, a kallelse the day after (or at ``invite_on``), the discharge."""
    admitted = notice - dt.timedelta(days=3)
    case = opened(admitted + dt.timedelta(minutes=30), admitted_at=admitted)
    case.send_admission_notice(at=admitted + dt.timedelta(hours=2), to=["hemtjanst", "vc"])
    if fast:
        case.appoint_fast_vardkontakt(at=admitted + dt.timedelta(hours=3), person=COORDINATOR,
                                      unit="vc")
    else:
        case.appoint_coordinator(at=admitted + dt.timedelta(hours=3), person=COORDINATOR,
                                 unit="vc")
    case.record_consent(at=admitted + dt.timedelta(hours=4), given_by="person", form="written",
                        parties=["avd", "vc", "hemtjanst"], valid_until=D(2030, 1, 1))
    case.notify_discharge_ready(at=notice, to=["hemtjanst", "vc"])
    case.send_invitation(**invitation(invite_on or notice + dt.timedelta(days=1)))
    if discharge is not None:
        case.record_discharge(at=discharge)
    return case


def only(case: SipCase, as_of: dt.datetime, kind: str) -> Obligation:
    found = [o for o in case.obligations(as_of) if o.kind == kind]
    assert len(found) == 1, found
    return found[0]


# --- the three worked examples of DOMAIN.md §10.3 -------------------------------------------------


def test_notice_before_noon_liable_from_day_three() -> None:
    case = chain(at(2026, 3, 2, 10), discharge=at(2026, 3, 6, 11))
    found = case.payment_liability(at(2026, 3, 7, 12))
    assert (found.liable_from, found.liable_days, found.missing) == (D(2026, 3, 5), 1, None)
    assert found.section == "Lag om samverkan vid utskrivning (2017:612) 5 kap. 4 §"


def test_notice_after_noon_liable_from_day_four() -> None:
    case = chain(at(2026, 3, 2, 13), discharge=at(2026, 3, 6, 11))
    found = case.payment_liability(at(2026, 3, 7, 12))
    assert (found.liable_from, found.liable_days) == (D(2026, 3, 6), 0)
    # 12.00 itself is not after 12.00
    assert chain(at(2026, 3, 2, 12)).payment_liability(at(2026, 3, 9)).liable_from == D(2026, 3, 5)


def test_over_christmas_liability_not_rolled_and_kallelse_on_the_rolled_day() -> None:
    notice = at(2025, 12, 23, 11)
    case = chain(notice, invite_on=at(2025, 12, 29, 9))
    assert only(case, at(2025, 12, 24), "discharge_invitation").due == D(2025, 12, 29)
    found = case.payment_liability(at(2025, 12, 31, 12))
    assert found.liable_from == D(2025, 12, 26)
    assert found.liable_days == 5  # 26–30 December, still admitted on the 31st
    late = chain(notice, invite_on=at(2025, 12, 30, 9))
    assert late.payment_liability(at(2025, 12, 31)).missing == "invitation"


# --- preconditions (5 kap. 3 §) ----------------------------------------------------------------


def test_no_liability_names_the_missing_step_and_its_section() -> None:
    assert opened().payment_liability(at(2026, 3, 1)).missing == "admission_notice"
    no_fast = chain(at(2026, 3, 2, 10), fast=False)
    found = no_fast.payment_liability(at(2026, 3, 9))
    assert found.liable_from is None and found.missing == "invitation"
    assert "5 kap. 3 §" in found.section and not found.liable
    case = opened()
    case.send_admission_notice(at=at(2026, 2, 26, 15), to=["vc"])
    assert case.payment_liability(at(2026, 3, 1)).missing == "discharge_ready"
    plain = SipCase.open_case(at=at(2026, 3, 2), profile=profile(), person=ADULT, units=UNITS,
                              initiated_by="staff", unit="vc")
    assert plain.payment_liability(at(2026, 3, 2)).missing == "discharge_case"
    # as of a time before the kallelse, there is none yet; after it, there is
    case = chain(at(2026, 3, 2, 10))
    assert case.payment_liability(at(2026, 3, 2, 11)).missing == "invitation"
    assert case.payment_liability(at(2026, 3, 6)).liable_days == 1


def test_a_regional_agreement_sets_other_days(tmp_path: Path) -> None:
    text = """id = "testregion"
version = "1"
name = "Testregion"
valid_from = 2024-01-01
last_reviewed = 2024-01-01
extends = "national@2018.1"
source = "lusv_4_5"

[parameters.payment_liability_somatic]
days = 2
days_after_noon = 3
noon = 12:00:00
source = "lusv_4_5"
"""
    path = tmp_path / "testregion.toml"
    path.write_text(text, encoding="utf-8")
    region = load_profile(str(path))
    assert region.liability_start("somatic", D(2026, 3, 2)).days == 2  # type: ignore[union-attr]
    case = SipCase.open_case(at=at(2026, 2, 27, 9), profile=region, person=ADULT, units=UNITS,
                             initiated_by="staff", unit="avd", admitted_at=at(2026, 2, 27, 8))
    case.send_admission_notice(at=at(2026, 2, 27, 10), to=["hemtjanst", "vc"])
    case.appoint_fast_vardkontakt(at=at(2026, 2, 27, 11), person=COORDINATOR, unit="vc")
    case.record_consent(at=at(2026, 2, 27, 12), given_by="person", form="written",
                        parties=["avd", "vc", "hemtjanst"], valid_until=D(2030, 1, 1))
    case.notify_discharge_ready(at=at(2026, 3, 2, 10), to=["hemtjanst", "vc"])
    case.send_invitation(**invitation(at(2026, 3, 3, 9)))
    assert case.payment_liability(at(2026, 3, 9)).liable_from == D(2026, 3, 4)


def test_liabilities_lists_discharge_cases_and_reports_one_that_cannot_be_computed() -> None:
    good = chain(at(2026, 3, 2, 10), discharge=at(2026, 3, 6, 11))
    plain = SipCase.open_case(at=at(2026, 3, 2), profile=profile(), person=ADULT, units=UNITS,
                              initiated_by="staff", unit="vc")
    late = opened(at(2100, 12, 30, 9), admitted_at=at(2100, 12, 30, 8))
    late.send_admission_notice(at=at(2100, 12, 30, 10), to=["vc"])
    late.notify_discharge_ready(at=at(2100, 12, 31, 10), to=["vc"])  # its kallelse: 2101
    found = liabilities([good, plain, late, "not a case"], at(2026, 3, 9))  # type: ignore[list-item]
    assert [(c, x.liable_from) for c, x in found] == [(good, D(2026, 3, 5))]
    assert [c for c, _ in found.uncomputable] == [late, "not a case"]
    with pytest.raises(InputError, match="as_of"):
        liabilities([good], dt.datetime(2026, 3, 9))


# --- the commands: bad input, discharge cases only, the fast vårdkontakt ------------------------


@pytest.mark.parametrize(("argument", "opening"), [
    ("care", {"care": "geriatric"}),
    ("compulsory_care", {"compulsory_care": "LVM"}),
    ("admitted_at", {"admitted_at": at(2026, 2, 26, 15)}),  # after the opening
    ("discharge_notice_at", {"discharge_notice_at": at(2026, 2, 26, 13)}),  # before admission
])
def test_bad_opening_names_the_argument(argument: str, opening: dict[str, Any]) -> None:
    with pytest.raises(InputError) as caught:
        opened(**{"admitted_at": at(2026, 2, 26, 14), **opening})
    assert caught.value.argument == argument


def test_bad_commands_name_the_argument_and_record_nothing() -> None:
    case = opened()
    before = case.snapshot()
    for command, args, argument in (
        ("send_admission_notice", {"to": ["vc"], "assessed_at": at(2026, 2, 26, 13)},
         "assessed_at"),  # an assessment before the admission
        ("send_admission_notice", {"to": ["vc"], "assessed_at": at(2026, 2, 27, 9)},
         "assessed_at"),  # after the notice
        ("record_discharge", {}, "at"),  # before any notice that the patient is ready
        ("transfer_information", {"to": ["vc"]}, "at"),  # so it cannot be the discharge's day
        ("notify_discharge_ready", {"to": ["ward9"]}, "to"),
    ):
        with pytest.raises(InputError) as caught:
            getattr(case, command)(at=at(2026, 2, 26, 16), **args)
        assert caught.value.argument == argument
        assert case.snapshot() == before
    refuse(case, "appoint_fast_vardkontakt", "discharge.fast_vardkontakt_unit",
           at=at(2026, 2, 26, 16), person="Eva", unit="hemtjanst")
    case.notify_discharge_ready(at=at(2026, 2, 27, 9), to=["vc"])
    case.record_discharge(at=at(2026, 2, 28, 9))
    with pytest.raises(InputError, match="one discharge"):
        case.record_discharge(at=at(2026, 2, 28, 10))


@pytest.mark.parametrize("command", CHAIN)
def test_the_chain_is_not_allowed_outside_a_discharge_case(command: str) -> None:
    plain = SipCase.open_case(at=at(2026, 3, 2), profile=profile(), person=ADULT, units=UNITS,
                              initiated_by="staff", unit="vc")
    args = {"to": ["vc"]} if command in ("send_admission_notice", "notify_discharge_ready",
                                         "transfer_information") else {}
    if command == "appoint_fast_vardkontakt":
        args = {"person": "Eva", "unit": "vc"}
    with pytest.raises(TransitionNotAllowed) as caught:
        getattr(plain, command)(at=at(2026, 3, 2, 10), **args)
    assert command not in caught.value.allowed
    v1 = SipCase.open_case(at=at(2026, 3, 2), profile=profile(), person=ADULT, units=UNITS,
                           initiated_by="staff", unit="vc", discharge_notice_at=at(2026, 3, 2, 8))
    assert v1.is_discharge and v1.plan_type == "SPU"
    getattr(v1, command)(at=at(2026, 3, 2, 10), **args)


def test_the_fast_vardkontakt_is_the_coordinator_until_another_is_appointed() -> None:
    case = opened()
    case.appoint_fast_vardkontakt(at=at(2026, 2, 26, 15), person="Eva Lund", unit="vc")
    assert case.coordinator is not None and case.coordinator.person == "Eva Lund"
    assert case.discharge.fast_vardkontakt is not None
    case.appoint_coordinator(at=at(2026, 2, 26, 16), person="Bo Ek", unit="avd")
    assert case.coordinator.person == "Bo Ek"
    assert case.discharge.fast_vardkontakt.person == "Eva Lund"


# --- the obligations of §10.2 ------------------------------------------------------------------


def test_admission_notice_is_due_24_hours_elapsed_after_admission_or_assessment() -> None:
    case = opened(at(2026, 3, 28, 12), admitted_at=at(2026, 3, 28, 3))  # summer time on 29th
    due = only(case, at(2026, 3, 28, 13), "admission_notice")
    assert due.due_at == at(2026, 3, 29, 4)  # 24 hours elapsed: the clock moved an hour
    assert due.status == "open" and due.unit == "avd"
    assert only(case, at(2026, 3, 29, 4, 30), "admission_notice").status == "overdue"
    case.send_admission_notice(at=at(2026, 3, 30, 9), to=["vc"], assessed_at=at(2026, 3, 29, 10))
    met = only(case, at(2026, 3, 30, 10), "admission_notice")
    assert met.status == "met" and met.due_at == at(2026, 3, 30, 10)


def test_fast_vardkontakt_due_by_the_discharge_and_owed_by_the_region_unit() -> None:
    case = opened()
    case.send_admission_notice(at=at(2026, 2, 26, 15), to=["hemtjanst", "vc"])
    owed = only(case, at(2026, 3, 20), "appoint_fast_vardkontakt")
    assert (owed.unit, owed.due, owed.status) == ("vc", None, "open")
    case.notify_discharge_ready(at=at(2026, 3, 2, 9), to=["vc"])
    case.record_discharge(at=at(2026, 3, 3, 9))
    owed = only(case, at(2026, 3, 4), "appoint_fast_vardkontakt")
    assert (owed.due, owed.status) == (D(2026, 3, 3), "overdue")
    # the discharge invitation exists, owed by no unit until a fast vårdkontakt is appointed
    assert only(case, at(2026, 3, 4), "discharge_invitation").unit is None


def test_a_fast_vardkontakt_appointed_after_the_discharge_does_not_meet_it() -> None:
    """DOMAIN.md §10.2 and 2 kap. 5 §: the fast vårdkontakt is appointed before the patient is
    discharged; one appointed afterwards leaves that obligation overdue, not met late."""
    case = opened()
    case.send_admission_notice(at=at(2026, 2, 26, 15), to=["hemtjanst", "vc"])
    case.notify_discharge_ready(at=at(2026, 3, 2, 9), to=["vc"])
    case.record_discharge(at=at(2026, 3, 12, 10))
    case.appoint_fast_vardkontakt(at=at(2026, 3, 13, 10), person="Eva Lund", unit="vc")
    owed = only(case, at(2026, 3, 14), "appoint_fast_vardkontakt")
    assert (owed.due, owed.status, owed.met_at) == (D(2026, 3, 12), "overdue", None)
    on_time = opened()
    on_time.send_admission_notice(at=at(2026, 2, 26, 15), to=["hemtjanst", "vc"])
    on_time.notify_discharge_ready(at=at(2026, 3, 2, 9), to=["vc"])
    on_time.appoint_fast_vardkontakt(at=at(2026, 3, 12, 10), person="Eva Lund", unit="vc")
    on_time.record_discharge(at=at(2026, 3, 12, 10))  # the same minute, before it
    met = only(on_time, at(2026, 3, 14), "appoint_fast_vardkontakt")
    assert (met.status, met.met_at) == ("met", at(2026, 3, 12, 10))


def test_transfer_information_due_the_discharge_day_met_by_one_earlier_that_day() -> None:
    case = opened()
    case.notify_discharge_ready(at=at(2026, 3, 2, 9), to=["vc"])
    case.transfer_information(at=at(2026, 3, 3, 8), to=["vc"])
    case.record_discharge(at=at(2026, 3, 3, 9))
    owed = only(case, at(2026, 3, 3, 10), "transfer_information")
    assert (owed.unit, owed.due, owed.status) == ("avd", D(2026, 3, 3), "met")


def test_information_transferred_on_a_day_before_the_discharge_is_not_its_transfer() -> None:
    """A transfer is accepted once the patient is utskrivningsklar (the discharge may be that
    day), but one on an earlier day than the discharge does not meet the transfer it owes."""
    case = opened()
    case.notify_discharge_ready(at=at(2026, 3, 2, 9), to=["vc"])
    case.transfer_information(at=at(2026, 3, 2, 10), to=["vc"])
    case.record_discharge(at=at(2026, 3, 3, 9))
    assert only(case, at(2026, 3, 4), "transfer_information").status == "overdue"
    case.transfer_information(at=at(2026, 3, 4, 9), to=["vc"])
    late = only(case, at(2026, 3, 4, 10), "transfer_information")
    assert (late.status, late.met_at) == ("met", at(2026, 3, 4, 9))


def test_before_2018_the_chain_owes_nothing() -> None:
    case = opened(at(2017, 12, 20, 9), admitted_at=at(2017, 12, 20, 8))
    case.send_admission_notice(at=at(2017, 12, 20, 10), to=["vc"])
    case.notify_discharge_ready(at=at(2017, 12, 21, 10), to=["vc"])
    assert case.obligations(at(2017, 12, 28)) == ()
    assert case.payment_liability(at(2017, 12, 28)).missing == "in_force"


# --- plan types and the samordnad vårdplan --------------------------------------------------------


def test_plan_types_follow_from_the_opening_event() -> None:
    plain = SipCase.open_case(at=at(2026, 3, 2), profile=profile(), person=ADULT, units=UNITS,
                              initiated_by="staff", unit="vc")
    assert (plain.plan_type, opened().plan_type, opened(compulsory_care="LRV").plan_type) == (
        "SIP", "SPU", "SPLPTLRV")
    case = opened(compulsory_care="LPT", care="psychiatric")
    data = json.loads(events_to_json(case.events))[0]["args"]
    assert data["compulsory_care"] == "LPT" and data["care"] == "psychiatric"
    assert "compulsory_care" not in json.loads(events_to_json(plain.events))[0]["args"]
    again = SipCase.replay(events_from_json(events_to_json(case.events)))
    assert again.plan_type == "SPLPTLRV" and again.snapshot() == case.snapshot()


def vardplan() -> SipCase:
    case = SipCase.open_case(at=at(2026, 3, 2), profile=profile(), person=ADULT, units=UNITS,
                             initiated_by="staff", unit="avd", compulsory_care="LPT")
    case.appoint_coordinator(at=at(2026, 3, 2, 10), person=COORDINATOR, unit="avd")
    case.send_invitation(**invitation(at(2026, 3, 2, 11)))  # from opened, no consent
    return case


def test_a_samordnad_vardplan_needs_no_consent_but_the_patients_view() -> None:
    case = vardplan()
    refuse(case, "hold_meeting", "meeting.patient_view", at=at(2026, 3, 9),
           participants=["avd", "hemtjanst"])
    case.hold_meeting(at=at(2026, 3, 9, 10), participants=["avd", "hemtjanst"],
                      patient_view="Vill bo hemma")
    assert case.meetings[0].patient_view == "Vill bo hemma" and case.kva == ()
    # the consent rules still hold for a discharge SIP: no invitation without consent
    spu = opened()
    with pytest.raises(TransitionNotAllowed):
        spu.send_invitation(**invitation(at(2026, 2, 26, 16)))


def test_approval_waits_until_every_unit_that_took_part_adjusted_it() -> None:
    case = vardplan()
    case.hold_meeting(at=at(2026, 3, 9), participants=["avd", "hemtjanst"], patient_view="Ja")
    case.add_need(at=at(2026, 3, 9, 11), text="Stöd")
    case.add_intervention(at=at(2026, 3, 9, 12), text="Boendestöd", unit="hemtjanst")
    case.set_follow_up(at=at(2026, 3, 9, 13), date=D(2026, 6, 1))
    case.document_plan(at=at(2026, 3, 9, 14))
    case.adjust_plan(at=at(2026, 3, 9, 15), unit="avd")
    refusal = refuse(case, "approve_plan", "plan.adjusted_by_units", at=at(2026, 3, 9, 16),
                     by=COORDINATOR)
    assert "hemtjanst" in refusal.findings[0].message_sv
    case.adjust_plan(at=at(2026, 3, 9, 17), unit="hemtjanst")
    assert case.versions[-1].documented_at is not None  # an adjustment is no edit
    case.approve_plan(at=at(2026, 3, 9, 18), by=COORDINATOR)
    assert str(case.phase) == "active"
    plain = SipCase.open_case(at=at(2026, 3, 2), profile=profile(), person=ADULT, units=UNITS,
                              initiated_by="staff", unit="vc")
    with pytest.raises(TransitionNotAllowed):
        plain.adjust_plan(at=at(2026, 3, 3), unit="vc")


# --- sipcore liability ---------------------------------------------------------------------------

SCENARIOS = Path(__file__).parent / "scenarios" / "national"


def test_cli_prints_the_liability_of_scenario_files(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["liability", str(SCENARIOS / "utskrivning_ansvar_fore_tolv.toml"),
                 str(SCENARIOS / "inte_utskrivningsarende.toml")])
    lines = capsys.readouterr().out.splitlines()
    assert code == 0 and len(lines) == 2
    assert "betalningsansvar från 2026-03-05, 1 vårddygn" in lines[0]
    assert "inget betalningsansvar" in lines[1] and "5 kap. 3 §" in lines[1]
    code = main(["liability", "--json", "--as-of", "2026-03-05T12:00:00+01:00",
                 str(SCENARIOS / "utskrivning_ansvar_fore_tolv.toml")])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and (data["liable_from"], data["liable_days"]) == ("2026-03-05", 0)
    assert data["plan_type"] == "SPU"


@pytest.mark.parametrize("argv", [["liability", "nowhere.toml"],
                                  ["liability", "--as-of", "2026-03-05", "x.toml"]])
def test_cli_bad_input_is_one_line_and_exit_2(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    out = capsys.readouterr().out
    assert len(out.splitlines()) == 1 and out.startswith("sipcore liability: ")


# --- the scenario keys of DOMAIN.md §9 v2 --------------------------------------------------------


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = (SCENARIOS / "utskrivning_ansvar_fore_tolv.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "variant.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "where"), [
    ("liable_from = 2026-03-05", "liable_from = false", "expect.liable_from"),
    ("liable_from = 2026-03-05", "liable_from = 2026-03-06", "expect.liable_from"),
    ("liable_days = 1 ", "liable_days = 2 ", "expect.liable_days"),
    ('plan_type = "SPU"', 'plan_type = "SIP"', "expect.plan_type"),
    ("due_at = 2026-02-27T14:00:00+01:00", "due_at = 2026-02-27T15:00:00+01:00",
     "expect_obligation 1"),
    ("liable_days = 1 ", "liability_as_of = 2026-03-05T12:00:00+01:00\nliable_days = 1 ",
     "expect.liable_days"),  # as of 5 March, no vårddygn is completed yet
])
def test_the_scenario_keys_check_what_they_say(
    tmp_path: Path, old: str, new: str, where: str
) -> None:
    from sipcore.scenarios import load_scenario, run_scenario

    assert run_scenario(load_scenario(SCENARIOS / "utskrivning_ansvar_fore_tolv.toml")).passed
    result = run_scenario(load_scenario(_variant(tmp_path, old, new)))
    assert result.failure is not None and result.failure.where.startswith(where), result.failure


@pytest.mark.parametrize(("old", "new", "message"), [
    ('due_at = 2026-02-27T14:00:00+01:00', 'due_at = 2026-02-27T14:00:00+01:00\ndue = 2026-02-27',
     "due or due_at, not both"),
    ("liable_from = 2026-03-05", "liable_from = true", "or false"),
    ('plan_type = "SPU"', 'plan_type = "VP"', "SIP, SPU, SPLPTLRV"),
])
def test_malformed_scenario_keys_are_named(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    from sipcore.errors import ScenarioError
    from sipcore.scenarios import load_scenario

    with pytest.raises(ScenarioError, match=message):
        load_scenario(_variant(tmp_path, old, new))
