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
    "Consent",
    "Duration",
    "Event",
    "Finding",
    "InputError",
    "Liability",
    "Obligation",
    "Outcome",
    "Person",
    "Phase",
    "PlanVersion",
    "Profile",
    "ProfileError",
    "Refusal",
    "Rule",
    "RuleViolation",
    "ScenarioError",
    "SipCase",
    "SipError",
    "TransitionNotAllowed",
    "__version__",
    "events_from_json",
    "events_to_json",
    "liabilities",
    "load_profile",
    "obligations_due",
    "rule_catalogue",
]

# Names are imported on first use, so that `import sipcore` stays cheap.
_WHERE = {
    "Consent": "sipcore.consent",
    "Person": "sipcore.consent",
    "Duration": "sipcore.profiles",
    "Profile": "sipcore.profiles",
    "load_profile": "sipcore.profiles",
    "Event": "sipcore.events",
    "events_from_json": "sipcore.events",
    "events_to_json": "sipcore.events",
    "Finding": "sipcore.errors",
    "InputError": "sipcore.errors",
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
    "PlanVersion": "sipcore.plan",
    "Rule": "sipcore.rules",
}

if TYPE_CHECKING:
    from sipcore.case import Outcome, SipCase
    from sipcore.consent import Consent, Person
    from sipcore.errors import (
        Finding,
        InputError,
        ProfileError,
        Refusal,
        RuleViolation,
        ScenarioError,
        SipError,
        TransitionNotAllowed,
    )
    from sipcore.events import Event, events_from_json, events_to_json
    from sipcore.liability import Liability, liabilities
    from sipcore.obligations import Obligation, obligations_due
    from sipcore.plan import PlanVersion
    from sipcore.profiles import Duration, Profile, load_profile
    from sipcore.rules import Rule


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
