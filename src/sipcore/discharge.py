"""Discharge from inpatient care (Lag (2017:612), DOMAIN.md §10): the fast vårdkontakt's rule,
the checks of what a command says against the case, and the records of the discharge chain.

The chain: the inpatient unit sends an inskrivningsmeddelande within 24 hours of the admission
(2 kap. 1–3 §§); the region's open care appoints a fast vårdkontakt before the discharge
(2 kap. 5 §); the inpatient unit notifies the units that the patient is utskrivningsklar
(3 kap. 1 §); the fast vårdkontakt calls the SIP within three days (4 kap. 3 §); the patient is
discharged and the information transferred the same day (3 kap. 2 §). What each step owes is
in :data:`sipcore.obligations.OBLIGATIONS`; the municipality's payment liability is
:mod:`sipcore.liability`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from sipcore.commands import (
    AppointFastVardkontakt,
    Given,
    NotifyDischargeReady,
    SendAdmissionNotice,
    TransferInformation,
)
from sipcore.errors import InputError
from sipcore.legal import Cite
from sipcore.rules import Context, Failed, rule

if TYPE_CHECKING:
    from sipcore.case import SipCase

__all__ = [
    "CASE_INPUT",
    "AdmissionNotice",
    "Discharge",
    "DischargeReady",
    "FastVardkontakt",
    "Transfer",
]


# --- the rules ---------------------------------------------------------------------------------


@rule(
    "discharge.fast_vardkontakt_unit", "must",
    sv="Den fasta vårdkontakten ska utses vid en enhet i den regionfinansierade öppna vården.",
    en="The fast vårdkontakt must be appointed at a unit of the region's open care.",
    sources=(
        Cite("lusv_2_5", "", "När en enhet i den regionfinansierade öppna vården har tagit "
             "emot ett inskrivningsmeddelande i fråga om en patient, ska verksamhetschefen vid "
             "den enheten utse en fast vårdkontakt för patienten."),
        Cite("lusv_4_3", "1 st.", "patientens fasta vårdkontakt i den regionfinansierade "
             "öppna vården"),
    ),
)
def fast_vardkontakt_unit(ctx: Context[AppointFastVardkontakt]) -> Failed | None:
    unit = ctx.args.unit
    principal = ctx.case.units[unit]
    return None if principal == "region" else Failed("principal", units=(unit,), value=principal)


# --- what a command says, against the case (bad input) -------------------------------------------
#
# These run with the checks of the arguments, before any rule: a time that contradicts the
# case's own history is bad input (InputError naming the argument), and nothing is recorded.


def _admission_notice(case: SipCase, at: dt.datetime, args: SendAdmissionNotice) -> None:
    assessed = args.assessed_at
    if assessed is None:
        return
    admitted = case.admitted_at
    if admitted is not None and assessed < admitted:
        raise InputError("assessed_at",
                         f"a time at or after the admission ({admitted.isoformat()})", assessed)
    if assessed > at:
        raise InputError("assessed_at", "a time at or before the notice (at)", assessed)


def _discharge(case: SipCase, at: dt.datetime, args: object) -> None:
    ready = case.discharge.ready_at or case.discharge_notice_at
    if ready is None:
        raise InputError("at", "a discharge after the notice that the patient is "
                         "utskrivningsklar (notify_discharge_ready first)", at)
    if case.discharge.discharged_at is not None:
        raise InputError("at", "one discharge (the patient was discharged at "
                         f"{case.discharge.discharged_at.isoformat()})", at)


def _transfer(case: SipCase, at: dt.datetime, args: object) -> None:
    """Information is transferred after the discharge or on its day (DOMAIN.md §10.1; 3 kap.
    2 §: "senast samma dag"): never before the patient is utskrivningsklar, since the discharge
    follows that notice."""
    if case.discharge.discharged_at is None and (
            case.discharge.ready_at or case.discharge_notice_at) is None:
        raise InputError("at", "a transfer on the day of the discharge or after it (the patient "
                         "is not yet utskrivningsklar: notify_discharge_ready first)", at)


# command → the check of its arguments against the case (read by sipcore._engine.decide).
CASE_INPUT: Mapping[str, Callable[[SipCase, dt.datetime, Any], None]] = {
    "send_admission_notice": _admission_notice,
    "record_discharge": _discharge,
    "transfer_information": _transfer,
}


# --- the records -------------------------------------------------------------------------------


@attrs.frozen(weakref_slot=False)
class AdmissionNotice:
    """An inskrivningsmeddelande as sent."""

    at: dt.datetime
    args: SendAdmissionNotice

    to = Given[tuple[str, ...]]()
    assessed_at = Given[dt.datetime | None]()


@attrs.frozen(weakref_slot=False)
class FastVardkontakt:
    """The patient's fast vårdkontakt, as appointed."""

    appointed_at: dt.datetime
    args: AppointFastVardkontakt

    person = Given[str]()
    unit = Given[str]()


@attrs.frozen(weakref_slot=False)
class DischargeReady:
    """A notice that the patient is utskrivningsklar."""

    at: dt.datetime
    args: NotifyDischargeReady

    to = Given[tuple[str, ...]]()


@attrs.frozen(weakref_slot=False)
class Transfer:
    """Information transferred at discharge."""

    at: dt.datetime
    args: TransferInformation

    to = Given[tuple[str, ...]]()


@attrs.frozen(weakref_slot=False)
class Discharge:
    """A case's discharge chain as recorded: every admission notice, every fast vårdkontakt
    (the latest is in office; ``first_appointed_at`` is when the first was), every
    discharge-ready notice, the discharge and the transfers."""

    admission_notices: tuple[AdmissionNotice, ...] = ()
    fast_vardkontakter: tuple[FastVardkontakt, ...] = ()
    ready_notices: tuple[DischargeReady, ...] = ()
    discharged_at: dt.datetime | None = None
    transfers: tuple[Transfer, ...] = ()

    @property
    def fast_vardkontakt(self) -> FastVardkontakt | None:
        """The fast vårdkontakt in office (the latest appointed)."""
        return self.fast_vardkontakter[-1] if self.fast_vardkontakter else None

    @property
    def first_appointed_at(self) -> dt.datetime | None:
        return self.fast_vardkontakter[0].appointed_at if self.fast_vardkontakter else None

    @property
    def admission_notice_at(self) -> dt.datetime | None:
        """When the (first) inskrivningsmeddelande was sent."""
        return self.admission_notices[0].at if self.admission_notices else None

    @property
    def ready_at(self) -> dt.datetime | None:
        """When the (first) notice that the patient is utskrivningsklar was sent."""
        return self.ready_notices[0].at if self.ready_notices else None

    def with_notice(self, notice: AdmissionNotice) -> Discharge:
        return attrs.evolve(self, admission_notices=(*self.admission_notices, notice))

    def with_fast_vardkontakt(self, appointed: FastVardkontakt) -> Discharge:
        return attrs.evolve(self, fast_vardkontakter=(*self.fast_vardkontakter, appointed))

    def with_ready(self, notice: DischargeReady) -> Discharge:
        return attrs.evolve(self, ready_notices=(*self.ready_notices, notice))

    def discharged(self, at: dt.datetime) -> Discharge:
        return attrs.evolve(self, discharged_at=at)

    def with_transfer(self, transfer: Transfer) -> Discharge:
        return attrs.evolve(self, transfers=(*self.transfers, transfer))


NO_DISCHARGE = Discharge()
