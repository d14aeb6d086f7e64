"""sipcore: the Swedish samordnad individuell plan (SIP) as executable, auditable rules.

The public API::

    from sipcore import SipCase, Person, load_profile, Refusal

    case = SipCase.open_case(at=..., profile=load_profile("vastmanland"),
                             person=Person(birth_date=...), units={"vc": "region"},
                             initiated_by="staff", unit="vc")
    outcome = case.record_consent(at=..., given_by="person", form="written",
                                  parties=["vc"], valid_until=...)

Nothing here reads the clock, the disk (beyond the bundled profiles) or the environment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "NOT_GIVEN",
    "Adjustment",
    "AdmissionNotice",
    "Answer",
    "Cite",
    "Command",
    "Consent",
    "Coordinator",
    "Decision",
    "Declaration",
    "Detail",
    "Discharge",
    "DischargeReady",
    "Duration",
    "Evaluated",
    "Event",
    "EventFormatError",
    "Explanation",
    "FastVardkontakt",
    "Finding",
    "FollowUp",
    "Handout",
    "InputError",
    "InputTypeError",
    "Invitation",
    "LegalRef",
    "Liability",
    "LiabilityStart",
    "Meeting",
    "MeetingLeader",
    "Note",
    "NoteView",
    "Obligation",
    "OpeningEvent",
    "OutOfRangeError",
    "Outcome",
    "People",
    "Person",
    "Phase",
    "PlanDocument",
    "PlanVersion",
    "Profile",
    "ProfileError",
    "Refusal",
    "Relative",
    "Representative",
    "Rule",
    "RuleViolation",
    "ScenarioError",
    "SipCase",
    "SipError",
    "Source",
    "Stamp",
    "StartPlanning",
    "Step",
    "Transfer",
    "TransitionNotAllowed",
    "Units",
    "__version__",
    "bundled_profiles",
    "events_from_json",
    "events_to_json",
    "liabilities",
    "load_profile",
    "obligations_due",
    "rule_catalogue",
]

# Names are imported on first use, so that `import sipcore` stays cheap.
_WHERE = {
    "People": "sipcore.people",
    "Handout": "sipcore.people",
    "MeetingLeader": "sipcore.people",
    "Relative": "sipcore.people",
    "Representative": "sipcore.people",
    "PlanDocument": "sipcore.document",
    "StartPlanning": "sipcore.profiles",
    "AdmissionNotice": "sipcore.discharge",
    "Discharge": "sipcore.discharge",
    "DischargeReady": "sipcore.discharge",
    "FastVardkontakt": "sipcore.discharge",
    "Transfer": "sipcore.discharge",
    "LiabilityStart": "sipcore.profiles",
    "Adjustment": "sipcore.vardplan",
    "Decision": "sipcore._engine.decide",
    "Evaluated": "sipcore._engine.explain",
    "Explanation": "sipcore._engine.explain",
    "Detail": "sipcore.findings",
    "Source": "sipcore.findings",
    "Command": "sipcore.commands",
    "Consent": "sipcore.consent",
    "Person": "sipcore.consent",
    "Duration": "sipcore.profiles",
    "Profile": "sipcore.profiles",
    "Stamp": "sipcore.profiles",
    "Step": "sipcore.profiles",
    "bundled_profiles": "sipcore.profiles",
    "load_profile": "sipcore.profiles",
    "Cite": "sipcore.legal",
    "LegalRef": "sipcore.legal",
    "Declaration": "sipcore.events",
    "Event": "sipcore.events",
    "OpeningEvent": "sipcore.events",
    "events_from_json": "sipcore.events",
    "events_to_json": "sipcore.events",
    "EventFormatError": "sipcore.errors",
    "NOT_GIVEN": "sipcore.errors",
    "Finding": "sipcore.errors",
    "InputError": "sipcore.errors",
    "InputTypeError": "sipcore.errors",
    "OutOfRangeError": "sipcore.errors",
    "ProfileError": "sipcore.errors",
    "Refusal": "sipcore.errors",
    "RuleViolation": "sipcore.errors",
    "ScenarioError": "sipcore.errors",
    "SipError": "sipcore.errors",
    "TransitionNotAllowed": "sipcore.errors",
    "Obligation": "sipcore.obligations",
    "obligations_due": "sipcore.obligations",
    "Liability": "sipcore.liability",
    "liabilities": "sipcore.liability",
    "Outcome": "sipcore.case",
    "SipCase": "sipcore.case",
    "Phase": "sipcore.states",
    "FollowUp": "sipcore.plan",
    "Note": "sipcore.plan",
    "NoteView": "sipcore.plan",
    "PlanVersion": "sipcore.plan",
    "Answer": "sipcore.process",
    "Coordinator": "sipcore.process",
    "Invitation": "sipcore.process",
    "Meeting": "sipcore.process",
    "Units": "sipcore.process",
    "Rule": "sipcore.rules",
}

if TYPE_CHECKING:
    from sipcore._engine.decide import Decision
    from sipcore._engine.explain import Evaluated, Explanation
    from sipcore.case import Outcome, SipCase
    from sipcore.commands import Command
    from sipcore.consent import Consent, Person
    from sipcore.discharge import (
        AdmissionNotice,
        Discharge,
        DischargeReady,
        FastVardkontakt,
        Transfer,
    )
    from sipcore.document import PlanDocument
    from sipcore.errors import (
        NOT_GIVEN,
        EventFormatError,
        Finding,
        InputError,
        InputTypeError,
        OutOfRangeError,
        ProfileError,
        Refusal,
        RuleViolation,
        ScenarioError,
        SipError,
        TransitionNotAllowed,
    )
    from sipcore.events import (
        Declaration,
        Event,
        OpeningEvent,
        events_from_json,
        events_to_json,
    )
    from sipcore.findings import Detail, Source
    from sipcore.legal import Cite, LegalRef
    from sipcore.liability import Liability, liabilities
    from sipcore.obligations import Obligation, obligations_due
    from sipcore.people import Handout, MeetingLeader, People, Relative, Representative
    from sipcore.plan import FollowUp, Note, NoteView, PlanVersion
    from sipcore.process import Answer, Coordinator, Invitation, Meeting, Units
    from sipcore.profiles import (
        Duration,
        LiabilityStart,
        Profile,
        Stamp,
        StartPlanning,
        Step,
        bundled_profiles,
        load_profile,
    )
    from sipcore.rules import Rule
    from sipcore.vardplan import Adjustment


def rule_catalogue() -> dict[str, Rule]:
    """Every rule, keyed by its stable id."""
    from sipcore.rules import registry

    return dict(registry())


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'sipcore' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
