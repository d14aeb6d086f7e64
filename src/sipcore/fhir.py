"""A case as the FHIR R4 resources Swedish care systems exchange (DOMAIN.md §13).

:func:`to_fhir` turns a case into a transaction :class:`Bundle` of the ``fhir.resources``
package's R4B models (FHIR 4.3, the R4 line): a CarePlan per plan version, a Consent per
consent, a CareTeam, a Goal per goal, a Task per intervention and per obligation, an
Appointment per invitation and per follow-up meeting, and a Provenance per approval. The
mapping, and what is not exported and why, is in ``docs/fhir.md``.

sipcore holds no identifiers of people or units: the caller gives them as :class:`FhirIds`
(a personnummer and an HSA-id per unit, in HL7 Sweden's identifier systems by default). The
resources refer to the person and the units by identifier (logical references); the Bundle
holds no Patient or Organization resources, since sipcore knows nothing of them but the ids.

Everything is worked out from the case and ``as_of``: the resource ids (``urn:uuid:`` fullUrls,
uuid5 of the case's opening time and a stable name) and the statuses as of that time. The clock
is never read, so one case and one ``as_of`` always give the same Bundle.

This module is the ``fhir`` extra (``pip install "sipcore[fhir]"``); ``import sipcore`` does not
import it.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from sipcore.commands import aware
from sipcore.deadlines import local_date
from sipcore.errors import InputError, InputTypeError
from sipcore.legal import CATALOGUE, LegalRef

MISSING_EXTRA = 'sipcore.fhir needs the fhir extra: pip install "sipcore[fhir]"'

try:
    from fhir.resources.R4B.annotation import Annotation
    from fhir.resources.R4B.appointment import Appointment, AppointmentParticipant
    from fhir.resources.R4B.bundle import Bundle, BundleEntry, BundleEntryRequest
    from fhir.resources.R4B.careplan import CarePlan, CarePlanActivity, CarePlanActivityDetail
    from fhir.resources.R4B.careteam import CareTeam, CareTeamParticipant
    from fhir.resources.R4B.codeableconcept import CodeableConcept
    from fhir.resources.R4B.coding import Coding
    from fhir.resources.R4B.consent import (
        Consent,
        ConsentPolicy,
        ConsentProvision,
        ConsentProvisionActor,
    )
    from fhir.resources.R4B.goal import Goal
    from fhir.resources.R4B.identifier import Identifier
    from fhir.resources.R4B.period import Period
    from fhir.resources.R4B.provenance import Provenance, ProvenanceAgent
    from fhir.resources.R4B.reference import Reference
    from fhir.resources.R4B.resource import Resource
    from fhir.resources.R4B.task import Task
except ModuleNotFoundError as exc:  # the extra is not installed
    raise ModuleNotFoundError(MISSING_EXTRA, name=exc.name) from None

if TYPE_CHECKING:
    from sipcore.case import SipCase
    from sipcore.consent import Consent as SipConsent
    from sipcore.obligations import Obligation
    from sipcore.plan import NoteView, PlanVersion
    from sipcore.process import Answer, Invitation, Meeting
    from sipcore.scenarios import Scenario

__all__ = [
    "HSA_ID",
    "LOCAL_UNIT",
    "MISSING_EXTRA",
    "PERSONNUMMER",
    "PLAN_TYPES",
    "TYPE_OF_CARE_PLAN",
    "Bundle",
    "FhirIds",
    "plan_type",
    "scenario_case",
    "to_fhir",
]

# HL7 Sweden's identifier systems (basprofiler-r4, input/fsh/Aliases.fsh).
PERSONNUMMER = "http://electronichealth.se/identifier/personnummer"
HSA_ID = "urn:oid:1.2.752.29.4.19"
# The scenario's own unit ids, for trying the export without real HSA-ids (``sipcore fhir``).
LOCAL_UNIT = "urn:sipcore:unit"

# Inera's TypeOfCarePlan codes (LEGAL.md §1.4; DOMAIN.md §10): the plan types a vendor tells apart.
TYPE_OF_CARE_PLAN = "https://fhir.inera.se/CodeSystem/typeofcareplan-cs"
PLAN_TYPES = {
    "SIP": "Samordnad individuell plan",
    "SPU": "Samordnad plan vid utskrivning",
    "SPLPTLRV": "Samordnad plan enligt LPT och LRV",
}

# HL7 code systems used below.
_CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
_LOINC = "http://loinc.org"
_PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
_PROVENANCE_AGENT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
_APPOINTMENT_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0276"
_GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
# sipcore's own codes, where no national code system has them.
_SIPCORE = "urn:sipcore:CodeSystem:"

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:sipcore:fhir")  # of every resource id

# Swedish labels of the kinds of notes that go to CarePlan.note (goals and interventions have
# resources of their own), of the obligation kinds, of the goal horizons and meeting forms.
_NOTE_LABELS = {
    "need": "Behov",
    "note": "Anteckning",
    "action_plan": "Handlingsplan",
    "own_action": "Egen insats",
    "contact": "Kontakt",
    "coordination": "Samordning",
}
_OBLIGATION_LABELS = {
    "answer_invitation": "Besvara kallelsen",
    "document_plan": "Dokumentera planen",
    "discharge_invitation": "Kalla till samordnad individuell planering vid utskrivning",
    "follow_up": "Följa upp planen",
    "admission_notice": "Skicka inskrivningsmeddelande",
    "appoint_fast_vardkontakt": "Utse fast vårdkontakt",
    "transfer_information": "Överföra information vid utskrivning",
    "start_planning": "Påbörja planeringen",
}
_OBLIGATION_STATUS_LABELS = {
    "open": "öppen", "met": "uppfylld", "overdue": "försenad", "cancelled": "upphörd",
}
_HORIZONS = {"short": "Mål på kort sikt", "long": "Mål på lång sikt"}
_FORMS = {"in_person": "fysiskt möte", "video": "videomöte", "phone": "telefonmöte"}

# How a plan version's status carries over to its goals and interventions.
_GOAL_STATUS = {
    "draft": "proposed", "active": "active", "completed": "completed", "revoked": "cancelled",
}
_INTERVENTION_STATUS = {
    "draft": "draft", "active": "in-progress", "completed": "completed", "revoked": "cancelled",
}
_OBLIGATION_STATUS = {
    "open": "requested", "overdue": "requested", "met": "completed", "cancelled": "cancelled",
}

# The legal basis of consent to the plan, by kind of case: the sections that make consent the
# plan's condition (LEGAL.md §1), each cited where in force on the day the consent was given.
_CONSENT_BASIS = ("hsl_1982_3f", "hsl_16_4", "sol_2001_2_7", "sol_10_8")
_DISCHARGE_BASIS = ("lusv_4_2",)


# --- the identifiers the caller gives -----------------------------------------------------------


def _pairs(value: Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    if isinstance(items, str):
        raise InputTypeError("ids.units", "a mapping of unit id to identifier", value)
    try:
        pairs = tuple((unit, ident) for unit, ident in items)
    except (TypeError, ValueError):
        raise InputTypeError("ids.units", "a mapping of unit id to identifier", value) from None
    for unit, ident in pairs:
        if not isinstance(unit, str) or not unit.strip():
            raise InputError("ids.units", "non-blank unit ids", unit)
        if not isinstance(ident, str) or not ident.strip():
            raise InputError(f"ids.units.{unit}", "a non-blank identifier (an HSA-id)", ident)
    return pairs


def _text(name: str, value: Any, expected: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InputError(name, expected, value)


@attrs.frozen(kw_only=True)
class FhirIds:
    """How the case's person and units are identified: a personnummer (or another identifier
    in ``person_system``) and, per unit id of the case, its HSA-id (in ``unit_system``).

    ``person`` may be left out: the resources then name the person by display only."""

    units: tuple[tuple[str, str], ...] = attrs.field(converter=_pairs)
    person: str | None = None
    person_system: str = PERSONNUMMER
    unit_system: str = HSA_ID

    def __attrs_post_init__(self) -> None:
        if self.person is not None:
            _text("ids.person", self.person, "a non-blank identifier (a personnummer)")
        _text("ids.person_system", self.person_system, "an identifier system (a URI)")
        _text("ids.unit_system", self.unit_system, "an identifier system (a URI)")

    def unit(self, unit: str) -> str | None:
        """The identifier of ``unit``, if given."""
        for known, ident in self.units:
            if known == unit:
                return ident
        return None

    @classmethod
    def local(cls, units: Iterable[str], person: str | None = None) -> FhirIds:
        """Each unit identified by its own id in the case, under :data:`LOCAL_UNIT`: not real
        identifiers, for trying the export on a scenario."""
        return cls(units={u: u for u in units}, person=person, unit_system=LOCAL_UNIT)

    @classmethod
    def from_json(cls, text: str) -> FhirIds:
        """Read ``{"person": ..., "units": {unit: id, ...}, "person_system": ...,
        "unit_system": ...}`` (only ``units`` is required)."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError("ids", f"JSON ({exc.msg} at line {exc.lineno})") from None
        if not isinstance(data, dict):
            raise InputTypeError("ids", "a JSON object", data)
        known = ("person", "units", "person_system", "unit_system")
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise InputError(f"ids.{unknown[0]}", "one of the keys " + ", ".join(known))
        if "units" not in data:
            raise InputError("ids.units", "a mapping of unit id to identifier")
        if not isinstance(data["units"], dict):
            raise InputTypeError("ids.units", "a mapping of unit id to identifier",
                                 data["units"])
        return cls(**data)


# --- the export -------------------------------------------------------------------------------


def to_fhir(case: SipCase, *, ids: FhirIds, as_of: dt.datetime | None = None) -> Bundle:
    """``case`` as a FHIR transaction Bundle, with statuses as of ``as_of`` (by default the
    time of the case's latest event; never earlier than it).

    Raises :class:`~sipcore.errors.InputError` naming every unit the resources refer to that
    ``ids`` gives no identifier for."""
    if not isinstance(ids, FhirIds):
        raise InputTypeError("ids", "a FhirIds", ids)
    latest = case.events[-1].at
    if as_of is None:
        as_of = latest
    elif not isinstance(as_of, dt.datetime) or as_of.utcoffset() is None:
        raise InputError("as_of", "a timezone-aware datetime", as_of)
    else:
        as_of = aware("as_of", as_of)  # (in the calendar's years)
    if as_of < latest:
        raise InputError("as_of", f"a time at or after the case's latest event "
                         f"{latest.isoformat()}", as_of.isoformat())
    return _Export(case, ids, as_of).bundle()


def scenario_case(scenario: Scenario) -> SipCase:
    """The case a scenario file ends with: its steps run in order under the profile it names;
    a step the file expects to be refused leaves the case as it was."""
    from sipcore.scenarios.runner import scenario_case as run_to_the_end

    return run_to_the_end(scenario)


def plan_type(case: SipCase) -> str:
    """The case's plan type among :data:`PLAN_TYPES`: the case's own ``plan_type`` where it has
    one, else ``SPLPTLRV`` for compulsory care, ``SPU`` for a discharge case, ``SIP``."""
    given = getattr(case, "plan_type", None)
    if given is None:
        if getattr(case, "compulsory_care", None):
            given = "SPLPTLRV"
        elif case.discharge_notice_at is not None or getattr(case, "admitted_at", None):
            given = "SPU"
        else:
            given = "SIP"
    if given not in PLAN_TYPES:
        raise InputError("case.plan_type", "one of " + ", ".join(PLAN_TYPES), given)
    return str(given)


class _Export:
    """One export: the case, the identifiers, the time, and the entries made so far."""

    def __init__(self, case: SipCase, ids: FhirIds, as_of: dt.datetime) -> None:
        self.case = case
        self.ids = ids
        self.as_of = as_of
        self.day = local_date(as_of)
        # The resource ids of one case: its opening time and the person's identifier.
        opening = f"{case.events[0].at.isoformat()}|{ids.person or ''}"
        self.namespace = uuid.uuid5(_NAMESPACE, opening)
        self.entries: list[BundleEntry] = []
        self.missing: dict[str, None] = {}  # units named without an identifier, in order
        self.versions: tuple[PlanVersion, ...] = case.versions
        self.statuses = tuple(self.plan_status(i) for i in range(len(self.versions)))

    # --- references ---

    def url(self, name: str) -> str:
        return f"urn:uuid:{uuid.uuid5(self.namespace, name)}"

    def ref(self, kind: str, name: str) -> Reference:
        return Reference(reference=self.url(name), type=kind)

    def patient(self) -> Reference:
        if self.ids.person is None:
            return Reference(type="Patient", display="den enskilde")
        return Reference(
            type="Patient", identifier=Identifier(system=self.ids.person_system,
                                                  value=self.ids.person),
        )

    def org(self, unit: str, display: str | None = None) -> Reference:
        ident = self.ids.unit(unit)
        if ident is None:
            self.missing[unit] = None
            ident = unit
        return Reference(
            type="Organization",
            identifier=Identifier(system=self.ids.unit_system, value=ident),
            display=display or unit,
        )

    def add(self, name: str, resource: Resource) -> None:
        kind = resource.get_resource_type()
        self.entries.append(BundleEntry(
            fullUrl=self.url(name), resource=resource,
            request=BundleEntryRequest(method="POST", url=kind),
        ))

    # --- the bundle ---

    def bundle(self) -> Bundle:
        case = self.case
        coordinators = self.coordinators()
        if coordinators:
            self.add("CareTeam", self.care_team(coordinators))
        for n, consent in enumerate(case.consents, start=1):
            self.add(f"Consent/{n}", self.consent(consent))
        if case.closure_reason == "consent_refused":
            self.add("Consent/refused", self.refused_consent())
        for i, version in enumerate(self.versions):
            self.plan_version(i, version, bool(coordinators))
        self.appointments()
        for version in self.versions:
            if version.approved_at is not None:
                self.add(f"Provenance/{version.number}", self.provenance(version))
        for n, obligation in enumerate(case.obligations(self.as_of), start=1):
            self.add(f"Task/obligation/{n}", self.obligation(obligation))
        if self.missing:
            declared = list(case.units)
            missing = sorted(self.missing, key=lambda u: declared.index(u) if u in declared
                             else len(declared))
            raise InputError(
                "ids.units", "an identifier for every unit the case names; none for "
                + ", ".join(missing),
            )
        return Bundle(type="transaction", timestamp=self.as_of, entry=self.entries or None)

    # --- CarePlan, Goal and the interventions' Tasks, per plan version ---

    def plan_status(self, i: int) -> str:
        """draft; active once approved; completed when a later version is approved or the case
        closes; revoked after withdrawal of consent (and a draft the case closed on)."""
        case, version = self.case, self.versions[i]
        if case.voided_at is not None:
            return "revoked"
        if version.approved_at is None:
            return "revoked" if case.closed_at is not None else "draft"
        if case.closed_at is not None or any(v.approved_at for v in self.versions[i + 1:]):
            return "completed"
        return "active"

    def plan_version(self, i: int, version: PlanVersion, care_team: bool) -> None:
        """The CarePlan of a version, then its goals and its interventions' tasks."""
        number, status = version.number, self.statuses[i]
        plan = f"CarePlan/{number}"
        parts: list[tuple[str, Resource]] = []
        goals, activities, annotations = [], [], []
        for note in self.case.notes(number):
            if note.kind == "goal":
                name = f"Goal/{number}/{note.index}"
                parts.append((name, self.goal(note, status, last=i == self.last_approved)))
                goals.append(self.ref("Goal", name))
            elif note.kind == "intervention":
                name = f"Task/intervention/{number}/{note.index}"
                parts.append((name, self.intervention(note, status, plan)))
                activities.append(CarePlanActivity(reference=self.ref("Task", name)))
            else:
                annotations.append(_annotation(note))
        follow_up = self.follow_up(i, version)
        if follow_up is not None:
            activities.append(follow_up)
        meetings = self.case.meetings  # each meeting opens the next version
        participants = meetings[i].participants if i < len(meetings) else ()
        coordinator = self.coordinator_at(version.approved_at or self.as_of)
        kind = plan_type(self.case)
        self.add(plan, CarePlan(
            status=status,
            intent="plan",
            category=[_concept(TYPE_OF_CARE_PLAN, kind, PLAN_TYPES[kind])],
            title=f"{PLAN_TYPES[kind]}, version {number}",
            subject=self.patient(),
            period=self.plan_period(i),
            created=version.started_at,
            author=self.org(coordinator) if coordinator else None,
            contributor=[self.org(u) for u in participants] or None,
            careTeam=[self.ref("CareTeam", "CareTeam")] if care_team else None,
            goal=goals or None,
            activity=activities or None,
            replaces=[self.ref("CarePlan", f"CarePlan/{number - 1}")] if number > 1 else None,
            note=annotations or None,
        ))
        for name, resource in parts:
            self.add(name, resource)

    def plan_period(self, i: int) -> Period | None:
        """From the approval until a later version is approved or the case closes."""
        start = self.versions[i].approved_at
        if start is None:
            return None
        later = [v.approved_at for v in self.versions[i + 1:] if v.approved_at is not None]
        end = later[0] if later else self.case.closed_at
        return Period(start=start, end=end)

    def follow_up(self, i: int, version: PlanVersion) -> CarePlanActivity | None:
        """The follow-up the version names: held when the next version was opened."""
        follow = version.follow_up
        if follow is None:
            return None
        if i + 1 < len(self.versions):
            status = "completed"
        elif self.statuses[i] in ("revoked", "completed"):
            status = "cancelled"
        else:
            status = "scheduled"
        place = (follow.place or "").strip()
        return CarePlanActivity(detail=CarePlanActivityDetail(
            kind="Appointment",
            status=status,
            description="Uppföljning av planen",
            scheduledString=follow.date.isoformat(),
            location=Reference(display=place) if place else None,
        ))

    @functools.cached_property
    def last_approved(self) -> int | None:
        """The index of the last approved version: the plan in force when the case closed."""
        approved = [i for i, v in enumerate(self.versions) if v.approved_at is not None]
        return approved[-1] if approved else None

    def goal(self, note: NoteView, plan_status: str, *, last: bool) -> Goal:
        """A goal; achieved when it is of the plan in force (``last``: the last approved
        version, not a draft that followed it) of a case closed as ``goals_met``."""
        achieved = (
            last and plan_status == "completed" and self.case.closure_reason == "goals_met"
        )
        horizon = note.horizon
        return Goal(
            lifecycleStatus=_GOAL_STATUS[plan_status],
            achievementStatus=(
                _concept(_GOAL_ACHIEVEMENT, "achieved", "Achieved") if achieved else None
            ),
            category=(
                [_concept(_SIPCORE + "goal-horizon", horizon, _HORIZONS.get(horizon, horizon))]
                if horizon else None
            ),
            description=CodeableConcept(text=_readable(note)),
            subject=self.patient(),
            startDate=local_date(note.added_at),
        )

    def intervention(self, note: NoteView, plan_status: str, plan: str) -> Task:
        void = note.voided_at is not None
        responsible = None if void else note.responsible
        return Task(
            status=_INTERVENTION_STATUS[plan_status],
            intent="plan",
            code=CodeableConcept(text="Insats"),
            description=None if void else note.text,
            basedOn=[self.ref("CarePlan", plan)],
            for_fhir=self.patient(),  # type: ignore[call-arg]  # (its JSON name is "for")
            authoredOn=note.added_at,
            owner=self.org(note.unit) if note.unit else None,
            note=[Annotation(text=f"Ansvarig: {responsible}")] if responsible else (
                [Annotation(text="Makulerad insats", time=note.voided_at)] if void else None
            ),
        )

    # --- CareTeam ---

    def coordinators(self) -> list[tuple[dt.datetime, str, str]]:
        """Every coordinator appointed, in order: (when, person, unit)."""
        return [
            (e.at, e.args.person, e.args.unit)  # type: ignore[attr-defined]
            for e in self.case.events
            if e.command in ("appoint_coordinator", "appoint_fast_vardkontakt")
        ]

    def coordinator_at(self, at: dt.datetime) -> str | None:
        """The unit of the coordinator in office at ``at``."""
        unit = None
        for appointed_at, _, coordinator_unit in self.coordinators():
            if appointed_at <= at:
                unit = coordinator_unit
        return unit

    def care_team(self, coordinators: list[tuple[dt.datetime, str, str]]) -> CareTeam:
        """The coordinators, each in office until the next was appointed (and the fast
        vårdkontakt, once the case knows one)."""
        ends = [at for at, _, _ in coordinators[1:]] + [self.case.closed_at]
        participants = [
            CareTeamParticipant(
                role=[CodeableConcept(text="Samordningsansvarig")],
                member=Reference(type="Practitioner", display=person),
                onBehalfOf=self.org(unit),
                period=Period(start=at, end=end),
            )
            for (at, person, unit), end in zip(coordinators, ends, strict=True)
        ]
        contact = getattr(self.case, "fast_vardkontakt", None)
        if contact is not None:
            participants.append(CareTeamParticipant(
                role=[CodeableConcept(text="Fast vårdkontakt")],
                member=Reference(type="Practitioner", display=contact.person),
                onBehalfOf=self.org(contact.unit),
            ))
        return CareTeam(
            status="inactive" if self.case.closed_at is not None else "active",
            name="Samordnad individuell plan",
            subject=self.patient(),
            participant=participants,
            managingOrganization=[self.org(coordinators[-1][2])],
        )

    # --- Consent ---

    def consent_status(self, consent: SipConsent) -> str:
        """active; inactive after withdrawal, after ``valid_until``, and (a consent the
        guardians gave) from the person's 18th birthday (Föräldrabalken 6 kap. 2 §)."""
        case = self.case
        if case.voided_at is not None and case.voided_at <= self.as_of:
            return "inactive"
        until = consent.valid_until
        if until is not None and until < self.day:
            return "inactive"
        if consent.given_by == "guardians" and not case.person.is_child(
            self.day, case.profile.child_age_limit
        ):
            return "inactive"
        return "active"

    def consent_common(self, day: dt.date) -> dict[str, Any]:
        basis = self.legal_basis(day)
        return {
            "scope": _concept(_CONSENT_SCOPE, "patient-privacy", "Privacy Consent"),
            "category": [CodeableConcept(
                coding=[Coding(system=_LOINC, code="59284-0", display="Patient Consent")],
                text="Samtycke till samordnad individuell plan",
            )],
            "patient": self.patient(),
            "policy": [ConsentPolicy(uri=ref.url) for ref in basis if ref.url] or None,
            "policyRule": CodeableConcept(text="; ".join(ref.cite() for ref in basis)),
        }

    def consent(self, consent: SipConsent) -> Consent:
        given_at = consent.given_at
        until = consent.valid_until
        return Consent(
            status=self.consent_status(consent),
            dateTime=given_at,
            performer=self.consent_givers(consent),
            sourceReference=(
                Reference(type="DocumentReference", display=consent.journal_ref)
                if consent.journal_ref else None
            ),
            provision=ConsentProvision(
                type="permit",
                period=_period(given_at, until),
                actor=[
                    ConsentProvisionActor(
                        role=_concept(_PARTICIPATION, "IRCP", "information recipient"),
                        reference=self.org(unit),
                    )
                    for unit in consent.parties
                ],
                code=[CodeableConcept(text=c) for c in consent.information] or None,
            ),
            **self.consent_common(local_date(given_at)),
        )

    def consent_givers(self, consent: SipConsent) -> list[Reference]:
        if consent.given_by == "guardians":
            return [
                Reference(type="RelatedPerson", display=f"vårdnadshavare {g}")
                for g in consent.guardians
            ]
        if consent.given_by == "person":
            return [self.patient()]
        return [Reference(type="RelatedPerson", display=f"företrädare ({consent.given_by})")]

    def refused_consent(self) -> Consent:
        closing = self.case.events[-1]
        journal_ref = getattr(closing.args, "journal_ref", None)
        return Consent(
            status="rejected",
            dateTime=closing.at,
            performer=[self.patient()],
            sourceReference=(
                Reference(type="DocumentReference", display=journal_ref) if journal_ref else None
            ),
            provision=ConsentProvision(type="deny"),
            **self.consent_common(local_date(closing.at)),
        )

    def legal_basis(self, day: dt.date) -> list[LegalRef]:
        """The sections that make consent the plan's condition, in force on ``day``."""
        keys = _CONSENT_BASIS + (_DISCHARGE_BASIS if plan_type(self.case) == "SPU" else ())
        refs = [attrs.evolve(CATALOGUE[k], url=_sfs_url(CATALOGUE[k])) for k in keys]
        return [ref for ref in refs if ref.valid_on(day)]

    # --- Appointment, per invitation and per follow-up meeting ---

    def appointments(self) -> None:
        case = self.case
        # invitation index → index of the meeting it called to: the SIP meeting, or a
        # follow-up meeting (DOMAIN.md §12.4), each called by the latest invitation in force
        # that was sent after the meeting before it.
        held: dict[int, int] = {}
        since = None
        for m, meeting in enumerate(case.meetings):
            called = [
                n for n, inv in enumerate(case.invitations)
                if inv.sent_at <= meeting.at and (since is None or inv.sent_at >= since)
                and (inv.revoked_at is None or inv.revoked_at > meeting.at)
            ]
            if called:
                held[called[-1]] = m
            since = meeting.at
        for n, invitation in enumerate(case.invitations):
            index = held.get(n)
            meeting_of = None if index is None else (index, case.meetings[index])
            self.add(f"Appointment/invitation/{n + 1}", self.invitation(invitation, meeting_of))
        called_to = set(held.values())
        for m, meeting in enumerate(case.meetings):
            if m not in called_to:
                self.add(f"Appointment/meeting/{m + 1}", self.meeting(m, meeting))

    def invitation(self, invitation: Invitation, held: tuple[int, Meeting] | None) -> Appointment:
        if held is not None:
            status = "fulfilled"
        elif invitation.revoked_at is not None or self.case.closed_at is not None:
            status = "cancelled"
        else:
            status = "booked"
        meeting = held[1] if held else None
        answers = invitation.latest_answers
        participants = [self.person_at(meeting)]
        for unit in invitation.invitees:
            answer = answers.get(unit)
            if meeting is not None and unit in meeting.participants:
                answered = "accepted"
            elif answer is None:
                answered = "needs-action"
            elif answer.attending or (answer.substitute or "").strip():
                answered = "accepted"
            else:
                answered = "declined"
            participants.append(AppointmentParticipant(actor=self.org(unit, _who(unit, answer)),
                                                       status=answered, required="required"))
        if meeting is not None:
            participants += [
                AppointmentParticipant(actor=self.org(unit), status="accepted")
                for unit in meeting.participants if unit not in invitation.invitees
            ]
        follow_up = meeting is not None and meeting.kind == "follow_up"
        return Appointment(
            status=status,
            serviceType=[CodeableConcept(text="Uppföljningsmöte" if follow_up else "SIP-möte")],
            appointmentType=_concept(_APPOINTMENT_TYPE, "FOLLOWUP", "A follow up visit from a "
                                     "previous appointment") if follow_up else
            _concept(_APPOINTMENT_TYPE, "ROUTINE", "Routine appointment"),
            description=f"{invitation.place} ({_FORMS.get(invitation.form, invitation.form)})",
            start=invitation.meeting_at,
            end=invitation.meeting_at,
            created=invitation.sent_at,
            supportingInformation=(
                [self.ref("CarePlan", f"CarePlan/{held[0] + 1}")] if held else None
            ),
            participant=participants,
        )

    def meeting(self, m: int, meeting: Meeting) -> Appointment:
        """A meeting held without an invitation: a follow-up meeting (it opens a version)."""
        follow_up = meeting.kind == "follow_up"
        return Appointment(
            status="fulfilled",
            serviceType=[CodeableConcept(text="Uppföljningsmöte" if follow_up else "SIP-möte")],
            appointmentType=(
                _concept(_APPOINTMENT_TYPE, "FOLLOWUP", "A follow up visit from a previous "
                         "appointment") if follow_up else None
            ),
            start=meeting.at,
            end=meeting.at,
            supportingInformation=[self.ref("CarePlan", f"CarePlan/{m + 1}")],
            participant=[self.person_at(meeting)] + [
                AppointmentParticipant(actor=self.org(unit), status="accepted")
                for unit in meeting.participants
            ],
        )

    def person_at(self, meeting: Meeting | None) -> AppointmentParticipant:
        if meeting is None:
            status = "needs-action"
        else:
            status = "accepted" if meeting.person_present else "declined"
        return AppointmentParticipant(actor=self.patient(), status=status)

    # --- Provenance, per approval ---

    def provenance(self, version: PlanVersion) -> Provenance:
        approved_at = version.approved_at
        assert approved_at is not None
        unit = self.coordinator_at(approved_at)
        agents = [ProvenanceAgent(
            type=_concept(_PROVENANCE_AGENT, "attester", "Attester"),
            who=Reference(type="Practitioner", display=version.approved_by),
            onBehalfOf=self.org(unit) if unit else None,
        )]
        if version.with_person:
            agents.append(ProvenanceAgent(
                type=CodeableConcept(
                    coding=[Coding(system=_PARTICIPATION, code="PART", display="Participation")],
                    text="I samråd med den enskilde",
                ),
                who=self.patient(),
            ))
        return Provenance(
            target=[self.ref("CarePlan", f"CarePlan/{version.number}")],
            occurredDateTime=approved_at,
            recorded=approved_at,
            activity=CodeableConcept(text=f"Godkännande av planversion {version.number}"),
            agent=agents,
        )

    # --- Task, per obligation ---

    def obligation(self, obligation: Obligation) -> Task:
        kind, status = obligation.kind, obligation.status
        due: dt.datetime | dt.date | None = obligation.due_at or obligation.due
        return Task(
            status=_OBLIGATION_STATUS[status],
            businessStatus=_concept(_SIPCORE + "obligation-status", status,
                                    _OBLIGATION_STATUS_LABELS.get(status, status)),
            intent="order",
            code=_concept(_SIPCORE + "obligation-kind", kind, _OBLIGATION_LABELS.get(kind, kind)),
            for_fhir=self.patient(),  # type: ignore[call-arg]  # (its JSON name is "for")
            authoredOn=obligation.starts_at,
            lastModified=obligation.met_at,
            owner=self.org(obligation.unit) if obligation.unit else None,
            executionPeriod=_period(obligation.starts_at, due),
            note=[Annotation(text=str(source)) for source in obligation.sources] or None,
        )


def _who(unit: str, answer: Answer | None) -> str | None:
    """Who comes for an invited unit, as its answer says: the attendee or the substitute."""
    if answer is None:
        return None
    if answer.attending:
        return f"{unit}, {answer.attendee}" if answer.attendee else None
    return f"{unit}, ersättare {answer.substitute}" if answer.substitute else None


def _period(start: dt.datetime | None, end: dt.datetime | dt.date | None) -> Period:
    """A period; its end may be a date (FHIR dateTime allows a date alone)."""
    return Period.model_validate({"start": start, "end": end})


def _concept(system: str, code: str, display: str) -> CodeableConcept:
    return CodeableConcept(coding=[Coding(system=system, code=code, display=display)])


def _readable(note: NoteView) -> str:
    """A note's text, or that it is void: the text of a voided note is never exported."""
    if note.voided_at is not None:
        return f"Makulerad {local_date(note.voided_at).isoformat()}"
    return note.text or "Makulerad"


def _annotation(note: NoteView) -> Annotation:
    label = _NOTE_LABELS.get(note.kind, note.kind)
    if note.kind == "contact" and note.voided_at is None:  # a contact has no text of its own
        return Annotation(time=note.added_at,
                          text=f"{label}: {note.person} ({note.unit}), {note.reach}")
    if note.voided_at is not None or note.text is None:
        return Annotation(time=note.added_at, text=f"{label}: {_readable(note)}")
    heading = f" – {note.heading}" if note.heading else ""
    return Annotation(time=note.added_at, text=f"{label}{heading}: {note.text}")


def _sfs_url(ref: LegalRef) -> str | None:
    """The statute's text at Regeringskansliets rättsdatabas (SFS from 1998 on)."""
    if ref.url or ref.sfs is None:
        return ref.url
    year, number = ref.sfs.split(":")
    if int(year) < 1998:
        return None
    return f"https://rkrattsdb.gov.se/SFSdoc/{year[2:]}/{year[2:]}{int(number):04d}.pdf"
