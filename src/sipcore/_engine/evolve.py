"""Evolving a case by an event: the one code that changes a case, live and in replay.

The phase becomes the event's phase (decided by firing the machine when the event was decided);
then the event's command changes the records it is about, and the event is appended.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sipcore.commands import AppointCoordinator
from sipcore.consent import Consent
from sipcore.discharge import AdmissionNotice, DischargeReady, FastVardkontakt, Transfer
from sipcore.events import Event
from sipcore.meeting import Answer, Invitation, Meeting
from sipcore.parties import Coordinator
from sipcore.plan import Note, PlanVersion
from sipcore.vardplan import Adjustment

if TYPE_CHECKING:
    from sipcore.case import SipCase

__all__ = ["evolve"]


def evolve(case: SipCase, event: Event) -> None:
    """Apply ``event`` to ``case``."""
    stamp = event.decided_under
    profile = case.profile
    if stamp is not profile.stamp and not profile.accepts(stamp):  # a new version decided
        case.profile = case.profile_for_stamp(stamp)
    case.phase = event.phase
    args = event.args
    _APPLY[args.command](case, event, args)
    case.append_event(event)


def _nothing(case: SipCase, event: Event, a: Any) -> None:
    """Changes nothing but the phase: what such a command says is read from its event (when
    and why the case closed, who opened it)."""


def _draft(case: SipCase, version: PlanVersion) -> None:
    case.versions = (*case.versions[:-1], version)


def _consent(case: SipCase, event: Event, a: Any) -> None:
    case.consents = (*case.consents, Consent(event.at, a))


def _coordinator(case: SipCase, event: Event, a: Any) -> None:
    case.coordinator = Coordinator(event.at, a)


def _guardians(case: SipCase, event: Event, a: Any) -> None:
    case.guardians = a.guardians


def _preferences(case: SipCase, event: Event, a: Any) -> None:
    merged = dict(case.preferences)
    merged.update(a.fields)
    case.preferences = tuple(merged.items())


def _invite(case: SipCase, event: Event, a: Any) -> None:
    case.invitations = (*case.invitations, Invitation(event.at, a))


def _answer(case: SipCase, event: Event, a: Any) -> None:
    latest = case.invitations[-1].answered(Answer(event.at, a))
    case.invitations = (*case.invitations[:-1], latest)


def _revoke(case: SipCase, event: Event, a: Any) -> None:
    case.invitations = (*case.invitations[:-1], case.invitations[-1].revoked(event.at))


def _meeting(case: SipCase, event: Event, a: Any) -> None:
    case.meetings = (*case.meetings, Meeting(event.at, a, event.kva))
    case.versions = (*case.versions, PlanVersion(case.plan_version + 1, event.at))


def _note(case: SipCase, event: Event, a: Any) -> None:
    _draft(case, case.versions[-1].with_note(Note(event.at, a)))


def _follow_up_date(case: SipCase, event: Event, a: Any) -> None:
    _draft(case, case.versions[-1].with_follow_up(a))


def _document(case: SipCase, event: Event, a: Any) -> None:
    _draft(case, case.versions[-1].documented(event.at))


def _approve(case: SipCase, event: Event, a: Any) -> None:
    _draft(case, case.versions[-1].approve(event.at, a.by, a.with_person))


def _withdrawal(case: SipCase, event: Event, a: Any) -> None:
    """Every note of every version is void (consent.withdrawal): the case no longer holds what
    they said."""
    case.versions = tuple(v.voided(event.at) for v in case.versions)


def _follow_up(case: SipCase, event: Event, a: Any) -> None:
    case.meetings = (*case.meetings, Meeting(event.at, a, event.kva))
    case.versions = (*case.versions, case.versions[-1].next_version(event.at))


# --- discharge from inpatient care (DOMAIN.md §10)


def _admission_notice(case: SipCase, event: Event, a: Any) -> None:
    case.discharge = case.discharge.with_notice(AdmissionNotice(event.at, a))


def _fast_vardkontakt(case: SipCase, event: Event, a: Any) -> None:
    """The fast vårdkontakt is also the SIP's coordinator (source 004), until
    ``appoint_coordinator`` names someone else."""
    case.discharge = case.discharge.with_fast_vardkontakt(FastVardkontakt(event.at, a))
    case.coordinator = Coordinator(event.at, AppointCoordinator(person=a.person, unit=a.unit))


def _discharge_ready(case: SipCase, event: Event, a: Any) -> None:
    case.discharge = case.discharge.with_ready(DischargeReady(event.at, a))


def _discharged(case: SipCase, event: Event, a: Any) -> None:
    case.discharge = case.discharge.discharged(event.at)


def _transfer(case: SipCase, event: Event, a: Any) -> None:
    case.discharge = case.discharge.with_transfer(Transfer(event.at, a))


def _adjust(case: SipCase, event: Event, a: Any) -> None:
    case.adjustments = (*case.adjustments, Adjustment(event.at, a, case.plan_version))


_APPLY: dict[str, Callable[[SipCase, Event, Any], None]] = {
    "open_case": _nothing,
    "decline_case": _nothing,
    "record_consent": _consent,
    "refuse_consent": _nothing,
    "update_guardians": _guardians,
    "appoint_coordinator": _coordinator,
    "record_preferences": _preferences,
    "send_invitation": _invite,
    "answer_invitation": _answer,
    "revoke_invitation": _revoke,
    "hold_meeting": _meeting,
    "add_need": _note,
    "add_goal": _note,
    "add_intervention": _note,
    "add_note": _note,
    "set_follow_up": _follow_up_date,
    "document_plan": _document,
    "approve_plan": _approve,
    "start_follow_up": _follow_up,
    "withdraw_consent": _withdrawal,
    "record_death": _nothing,
    "close_case": _nothing,
    # --- discharge from inpatient care (DOMAIN.md §10)
    "send_admission_notice": _admission_notice,
    "appoint_fast_vardkontakt": _fast_vardkontakt,
    "notify_discharge_ready": _discharge_ready,
    "record_discharge": _discharged,
    "transfer_information": _transfer,
    "adjust_plan": _adjust,
    # the people around the person and the whole plan (DOMAIN.md §§11–12)
    # (what the people commands say is read from their events: SipCase.people)
    "record_relative": _nothing,
    "register_representative": _nothing,
    "appoint_meeting_leader": _nothing,
    "add_action_plan": _note,
    "add_own_action": _note,
    "add_contact": _note,
    "add_coordination": _note,
    "hand_out_plan": _nothing,
}
