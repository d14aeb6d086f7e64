"""The phases of a SIP case and the one table of what each command does in each phase.

:data:`TABLE` is the single source of truth: for each command its source phases, its target
phase (``None``: the phase is unchanged), the rules it must pass, and the phases in which it is
refused under a rule's id rather than as ``transition.not_allowed``. The table is checked when
this module is imported, drives the one shared :mod:`transitions` machine
(:mod:`sipcore._engine.machine`), is compiled with each profile into that profile's rulebook
(:mod:`sipcore._engine.rulebook`), and the rules catalogue and the phase diagram in ``docs/``
are generated from it.

Beside it, :data:`EFFECTS` says what each command's event records besides its arguments: the
unit that acts, the KVÅ code (DOMAIN.md §8) and whether the units to notify are named.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Literal

import attrs

__all__ = [
    "CASE_KINDS",
    "EFFECTS",
    "OPEN_PHASES",
    "PLAN_TYPES",
    "RULE_PLAN_TYPES",
    "TABLE",
    "Effect",
    "Phase",
    "Transition",
    "allowed_commands",
    "target",
]


class Phase(enum.StrEnum):
    """The phases of DOMAIN.md §3; every region's steps map onto them."""

    OPENED = "opened"
    CONSENTED = "consented"
    INVITED = "invited"
    DRAFTING = "drafting"
    ACTIVE = "active"
    CLOSED = "closed"


OPENED, CONSENTED, INVITED, DRAFTING, ACTIVE, CLOSED = Phase
OPEN_PHASES: tuple[Phase, ...] = (OPENED, CONSENTED, INVITED, DRAFTING, ACTIVE)
AFTER_CONSENT: tuple[Phase, ...] = (CONSENTED, INVITED, DRAFTING, ACTIVE)


@attrs.frozen
class Transition:
    """One row of the table: ``command`` takes a case in any of ``sources`` to ``dest``."""

    command: str
    sources: tuple[Phase, ...]
    dest: Phase | None
    rules: tuple[str, ...] = ()
    refused_in: Mapping[Phase, str] = attrs.field(factory=dict)
    # The kinds of case the row exists in (DOMAIN.md §10): ``discharge_only`` rows only in a
    # discharge case (opened with ``admitted_at`` or ``discharge_notice_at``), rows with
    # ``plan_types`` only in a case of one of those plan types (empty: every plan type). In any
    # other case the command is ``transition.not_allowed`` in that phase: the rulebook compiles
    # one set of moves per kind of case (:data:`CASE_KINDS`).
    discharge_only: bool = attrs.field(default=False, kw_only=True)
    plan_types: tuple[str, ...] = attrs.field(default=(), kw_only=True)

    def exists_in(self, plan_type: str, discharge: bool) -> bool:
        """Whether this row exists in a case of ``plan_type`` (a discharge case or not)."""
        return (discharge or not self.discharge_only) and (
            not self.plan_types or plan_type in self.plan_types
        )


_T = Transition
_EDIT_LOCKED = {ACTIVE: "plan.locked"}
_CONSENT_RULES = ("consent.time_limited", "consent.oral_documented", "consent.guardians")
_INVITATION_RULES = ("consent.required", "consent.scope", "invitation.coordinator",
                     "invitation.meeting_time")

TABLE: tuple[Transition, ...] = (
    _T("open_case", (), OPENED),
    _T("decline_case", (OPENED,), CLOSED, ("case.decline_reason",)),
    _T("record_consent", (OPENED,), CONSENTED, _CONSENT_RULES),
    _T("record_consent", AFTER_CONSENT, None, _CONSENT_RULES),
    _T("refuse_consent", (OPENED,), CLOSED),
    _T("update_guardians", OPEN_PHASES, None),
    _T("appoint_coordinator", OPEN_PHASES, None, ("coordinator.principal",)),
    _T("record_preferences", (OPENED, CONSENTED), None),
    _T(
        "send_invitation",
        (CONSENTED,),
        INVITED,
        _INVITATION_RULES,
    ),
    _T("answer_invitation", (INVITED,), None, ("invitation.substitute",)),
    _T("revoke_invitation", (INVITED,), CONSENTED),
    _T(
        "hold_meeting",
        (INVITED,),
        DRAFTING,
        ("consent.required", "consent.scope", "meeting.child_view", "meeting.patient_view"),
    ),
    _T("add_need", (DRAFTING,), None, refused_in=_EDIT_LOCKED),
    _T("add_goal", (DRAFTING,), None, refused_in=_EDIT_LOCKED),
    _T("add_intervention", (DRAFTING,), None, ("consent.scope",), refused_in=_EDIT_LOCKED),
    _T("add_note", (DRAFTING,), None, refused_in=_EDIT_LOCKED),
    _T("set_follow_up", (DRAFTING,), None, refused_in=_EDIT_LOCKED),
    _T("document_plan", (DRAFTING,), None),
    _T(
        "approve_plan",
        (DRAFTING,),
        ACTIVE,
        (
            "consent.required",
            "plan.documented",
            "plan.contents",
            "plan.goal_horizons",
            "plan.approver",
            "plan.with_person",
            "plan.adjusted_by_units",
        ),
    ),
    _T(
        "start_follow_up",
        (ACTIVE,),
        DRAFTING,
        ("consent.required", "consent.scope"),
        refused_in={DRAFTING: "plan.follow_up_needs_approved"},
    ),
    # In opened no consent exists to withdraw: the person refuses with refuse_consent.
    _T("withdraw_consent", AFTER_CONSENT, CLOSED, ("consent.withdrawal",)),
    _T("record_death", OPEN_PHASES, CLOSED),
    _T("close_case", OPEN_PHASES, CLOSED, ("case.close_reason",)),
    # --- discharge from inpatient care (DOMAIN.md §10)
    _T("send_admission_notice", OPEN_PHASES, None, discharge_only=True),
    _T("appoint_fast_vardkontakt", OPEN_PHASES, None, ("discharge.fast_vardkontakt_unit",),
       discharge_only=True),
    _T("notify_discharge_ready", OPEN_PHASES, None, discharge_only=True),
    _T("record_discharge", OPEN_PHASES, None, discharge_only=True),
    _T("transfer_information", OPEN_PHASES, None, discharge_only=True),
    # The samordnad vårdplan (SPLPTLRV, DOMAIN.md §10.4, §15): no consent step, so the
    # invitation goes out from opened; the units adjust the draft before it is approved.
    _T("send_invitation", (OPENED,), INVITED, _INVITATION_RULES, plan_types=("SPLPTLRV",)),
    _T("adjust_plan", (DRAFTING,), None, plan_types=("SPLPTLRV",), refused_in=_EDIT_LOCKED),
)

# The plan types (Inera's TypeOfCarePlan codes, LEGAL.md §1.4): a samordnad individuell plan,
# a samordnad plan vid utskrivning (Lag 2017:612 4 kap. 1 § 1 st.), a samordnad vårdplan
# (4 kap. 1 § 2 st.; LPT 7 a §; LRV 12 a §).
PLAN_TYPES: tuple[str, ...] = ("SIP", "SPU", "SPLPTLRV")
# Each kind of case a rulebook compiles moves for: (plan type, discharge case or not).
CASE_KINDS: tuple[tuple[str, bool], ...] = (
    ("SIP", False), ("SPU", True), ("SPLPTLRV", False), ("SPLPTLRV", True),
)
# The plan types a rule applies to, where not every one (the rulebook leaves the rule out of
# the moves of the others). Consent is not the samordnad vårdplan's legal basis (LPT 7 a §:
# the plan is drawn up by the chefsöverläkare and established when the units adjusted it); the
# patient's view and the adjustment by the units are its own.
RULE_PLAN_TYPES: Mapping[str, tuple[str, ...]] = {
    "consent.required": ("SIP", "SPU"),
    "consent.scope": ("SIP", "SPU"),
    "meeting.patient_view": ("SPLPTLRV",),
    "plan.adjusted_by_units": ("SPLPTLRV",),
}

# --- the people around the person and the whole plan (DOMAIN.md §§11–12)
# The rules these add to the commands above, then the rows of the new commands: the invitation
# to a follow-up meeting in active (the phase stays active), relatives and representatives in
# any open phase, the meeting leader before the meeting, the plan's parts as notes of the
# draft, the hand-out of an approved version.
_PEOPLE_RULES: Mapping[str, tuple[str, ...]] = {
    "record_consent": ("consent.representative", "consent.child_together"),
    "send_invitation": ("relatives.objection",),
    "hold_meeting": ("relatives.objection", "meeting.representative", "meeting.leader"),
    "approve_plan": ("relatives.offered",),
    "start_follow_up": ("plan.handed_to_person",),
    "close_case": ("plan.handed_to_person",),
}
TABLE = (
    *(attrs.evolve(t, rules=(*t.rules, *_PEOPLE_RULES.get(t.command, ()))) for t in TABLE),
    _T("send_invitation", (ACTIVE,), None, (*_INVITATION_RULES, "relatives.objection")),
    _T("answer_invitation", (ACTIVE,), None, ("invitation.substitute",)),
    _T("revoke_invitation", (ACTIVE,), None),
    _T("record_relative", OPEN_PHASES, None),
    _T("register_representative", OPEN_PHASES, None),
    _T("appoint_meeting_leader", (CONSENTED, INVITED), None),
    _T("add_action_plan", (DRAFTING,), None, refused_in=_EDIT_LOCKED),
    _T("add_own_action", (DRAFTING,), None, refused_in=_EDIT_LOCKED),
    _T("add_contact", (DRAFTING,), None, refused_in=_EDIT_LOCKED),
    _T("add_coordination", (DRAFTING,), None, refused_in=_EDIT_LOCKED),
    _T("hand_out_plan", (ACTIVE,), None, ("consent.scope", "relatives.objection")),
)

# Rules that apply to every command, checked before the table (DOMAIN.md §4).
EVERY_COMMAND_RULES: tuple[str, ...] = ("case.closed",)

COMMANDS: tuple[str, ...] = tuple(dict.fromkeys(t.command for t in TABLE))

KVA_MEETING = "AU124"  # Upprättande av SIP, HSL 16 kap. 4 § (source 001)
KVA_DISCHARGE_MEETING = "AU125"  # Upprättande av SIP vid utskrivning, Lag 2017:612 4 kap. 1 §
KVA_FOLLOW_UP = "AW010"  # Uppföljning av SIP


@attrs.frozen
class Effect:
    """What a command's event records besides its arguments.

    ``acting``: the unit the command names acts (``"argument"``: its ``unit``), else the
    coordinator's unit, else the unit that opened the case. ``kva``: the KVÅ code the event
    carries, ``kva_discharge`` in a discharge case. ``notify``: the event names the units to
    notify (DOMAIN.md §5 ``consent.withdrawal``)."""

    acting: Literal["argument", "coordinator"] = "coordinator"
    kva: str | None = None
    kva_discharge: str | None = None
    notify: bool = False

    def kva_for(self, plan_type: str) -> str | None:
        """The KVÅ code of the event in a case of ``plan_type``: ``kva_discharge`` in a
        samordnad plan vid utskrivning, none in a samordnad vårdplan (DOMAIN.md §10.4)."""
        if plan_type == "SPLPTLRV":
            return None
        return self.kva_discharge if plan_type == "SPU" else self.kva


EFFECTS: Mapping[str, Effect] = {
    "appoint_coordinator": Effect(acting="argument"),
    "answer_invitation": Effect(acting="argument"),
    "hold_meeting": Effect(kva=KVA_MEETING, kva_discharge=KVA_DISCHARGE_MEETING),
    "start_follow_up": Effect(kva=KVA_FOLLOW_UP, kva_discharge=KVA_FOLLOW_UP),
    "withdraw_consent": Effect(notify=True),
    # --- discharge from inpatient care (DOMAIN.md §10)
    "appoint_fast_vardkontakt": Effect(acting="argument"),
    "adjust_plan": Effect(acting="argument"),
    # the people around the person and the whole plan (DOMAIN.md §§11–12)
    "appoint_meeting_leader": Effect(acting="argument"),
}
NO_EFFECT = Effect()


Kind = tuple[str, bool]  # (plan type, discharge case or not): one of CASE_KINDS
PLAIN: Kind = ("SIP", False)  # a case that is neither a discharge case nor a samordnad vårdplan


def row(phase: Phase, command: str, kind: Kind = PLAIN) -> Transition | None:
    """The table row for ``command`` in ``phase`` in a case of ``kind``, or ``None`` when the
    phase does not allow it there."""
    return next((t for t in TABLE if t.command == command and phase in t.sources
                 and t.exists_in(*kind)), None)


def target(phase: Phase, command: str, kind: Kind = PLAIN) -> Phase:
    """The phase ``command`` leads to from ``phase`` (the same phase for internal commands)."""
    found = row(phase, command, kind)
    if found is None:
        raise KeyError((phase, command))
    return phase if found.dest is None else found.dest


def allowed_commands(phase: Phase, kind: Kind = PLAIN) -> tuple[str, ...]:
    """The commands ``phase`` allows in a case of ``kind``, in table order."""
    return tuple(dict.fromkeys(
        t.command for t in TABLE if phase in t.sources and t.exists_in(*kind)
    ))


def refusal_in(phase: Phase, command: str, kind: Kind = PLAIN) -> str | None:
    """The rule id under which ``command`` is refused in ``phase``, if the table names one
    (and the command exists in a case of ``kind``)."""
    for t in TABLE:
        if t.command == command and phase in t.refused_in and t.exists_in(*kind):
            return t.refused_in[phase]
    return None


def rules_of(command: str) -> tuple[str, ...]:
    """Every rule id the table ties to ``command`` (guards and phase refusals)."""
    ids: dict[str, None] = {}
    for t in TABLE:
        if t.command == command:
            ids.update(dict.fromkeys(t.rules))
            ids.update(dict.fromkeys(t.refused_in.values()))
    return tuple(ids)


def check_table(
    rule_ids: frozenset[str], table: tuple[Transition, ...] = TABLE
) -> None:
    """Refuse a table that names unknown rules, leaves ``closed``, repeats a (phase, command)
    pair, or has a phase that cannot be reached from ``opened`` or cannot reach ``closed``."""
    seen: set[tuple[Phase, str]] = set()
    for t in table:
        for rid in (*t.rules, *t.refused_in.values()):
            if rid not in rule_ids:
                raise ValueError(f"transition {t.command}: unknown rule id {rid!r}")
        if CLOSED in t.sources:
            raise ValueError(f"transition {t.command} leaves the terminal phase closed")
        for source in t.sources:
            if (source, t.command) in seen:
                raise ValueError(f"transition {t.command} from {source} is declared twice")
            seen.add((source, t.command))
        if set(t.refused_in) & set(t.sources):
            raise ValueError(f"transition {t.command} is both allowed and refused in a phase")
    edges = {(s, t.dest or s) for t in table for s in t.sources}
    starts = {t.dest for t in table if not t.sources and t.dest is not None}
    for phase in Phase:
        if not _reaches(starts, {phase}, edges):
            raise ValueError(f"phase {phase} cannot be reached")
        if not _reaches({phase}, {CLOSED}, edges):
            raise ValueError(f"phase {phase} cannot reach closed")


def _reaches(
    start: set[Phase], goal: set[Phase], edges: set[tuple[Phase, Phase]]
) -> bool:
    seen = set(start)
    frontier = list(start)
    while frontier:
        here = frontier.pop()
        if here in goal:
            return True
        for a, b in edges:
            if a == here and b not in seen:
                seen.add(b)
                frontier.append(b)
    return False


def _check_on_import() -> None:
    from sipcore.rules import registry

    check_table(frozenset(registry()) | frozenset(EVERY_COMMAND_RULES))
    unknown = set(RULE_PLAN_TYPES) - set(registry()) or {
        p for types in RULE_PLAN_TYPES.values() for p in types if p not in PLAN_TYPES
    }
    if unknown:
        raise ValueError(f"RULE_PLAN_TYPES names unknown rules or plan types: {sorted(unknown)}")
    unknown = set(EFFECTS) - set(COMMANDS)
    if unknown:
        raise ValueError(f"EFFECTS names commands the table does not have: {sorted(unknown)}")


_check_on_import()
