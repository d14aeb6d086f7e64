"""The phases of a SIP case and the one table of what each command does in each phase.

:data:`TABLE` is the single source of truth: for each command its source phases, its target
phase (``None``: the phase is unchanged), the rules it must pass, and the phases in which it is
refused under a rule's id rather than as ``transition.not_allowed``. The table is checked when
this module is imported, drives one shared :mod:`transitions` machine per profile, and the
rules catalogue and the phase diagram in ``docs/`` are generated from it.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from sipcore.errors import TransitionNotAllowed

if TYPE_CHECKING:
    from sipcore.profiles import Profile

__all__ = ["OPEN_PHASES", "TABLE", "Phase", "Transition", "allowed_commands", "target"]


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


_T = Transition
_EDIT_LOCKED = {ACTIVE: "plan.locked"}
_CONSENT_RULES = ("consent.time_limited", "consent.oral_documented", "consent.guardians")

TABLE: tuple[Transition, ...] = (
    _T("open_case", (), OPENED),
    _T("decline_case", (OPENED,), CLOSED, ("case.decline_reason",)),
    _T("record_consent", (OPENED,), CONSENTED, _CONSENT_RULES),
    _T("record_consent", AFTER_CONSENT, None, _CONSENT_RULES),
    _T("refuse_consent", (OPENED,), CLOSED),
    _T("appoint_coordinator", OPEN_PHASES, None, ("coordinator.principal",)),
    _T("record_preferences", (OPENED, CONSENTED), None),
    _T(
        "send_invitation",
        (CONSENTED,),
        INVITED,
        ("consent.required", "consent.scope", "invitation.coordinator"),
    ),
    _T("answer_invitation", (INVITED,), None, ("invitation.substitute",)),
    _T("revoke_invitation", (INVITED,), CONSENTED),
    _T(
        "hold_meeting",
        (INVITED,),
        DRAFTING,
        ("consent.required", "consent.scope", "meeting.child_view"),
    ),
    _T("add_need", (DRAFTING,), None, refused_in=_EDIT_LOCKED),
    _T("add_goal", (DRAFTING,), None, refused_in=_EDIT_LOCKED),
    _T("add_intervention", (DRAFTING,), None, refused_in=_EDIT_LOCKED),
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
        ),
    ),
    _T(
        "start_follow_up",
        (ACTIVE,),
        DRAFTING,
        ("consent.required", "consent.scope"),
        refused_in={DRAFTING: "plan.follow_up_needs_approved"},
    ),
    _T("withdraw_consent", OPEN_PHASES, CLOSED, ("consent.withdrawal",)),
    _T("record_death", OPEN_PHASES, CLOSED),
    _T("close_case", OPEN_PHASES, CLOSED, ("case.close_reason",)),
)

# Rules that apply to every command, checked before the table (DOMAIN.md §4).
EVERY_COMMAND_RULES: tuple[str, ...] = ("case.closed",)

COMMANDS: tuple[str, ...] = tuple(dict.fromkeys(t.command for t in TABLE))

# (phase, command) → the row; and, per phase, the commands allowed there.
_ROWS: Mapping[tuple[Phase, str], Transition] = {
    (source, t.command): t for t in TABLE for source in t.sources
}


def row(phase: Phase, command: str) -> Transition | None:
    """The table row for ``command`` in ``phase``, or ``None`` when the phase does not allow it."""
    return _ROWS.get((phase, command))


def target(phase: Phase, command: str) -> Phase:
    """The phase ``command`` leads to from ``phase`` (the same phase for internal commands)."""
    found = _ROWS[(phase, command)]
    return phase if found.dest is None else found.dest


@functools.cache
def allowed_commands(phase: Phase) -> tuple[str, ...]:
    """The commands ``phase`` allows, in table order."""
    return tuple(c for c in COMMANDS if (phase, c) in _ROWS)


def refusal_in(phase: Phase, command: str) -> str | None:
    """The rule id under which ``command`` is refused in ``phase``, if the table names one."""
    for t in TABLE:
        if t.command == command and phase in t.refused_in:
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


def check_table(rule_ids: frozenset[str]) -> None:
    """Refuse a table that names unknown rules, leaves ``closed``, repeats a (phase, command)
    pair, or has a phase that cannot be reached from ``opened`` or cannot reach ``closed``."""
    seen: set[tuple[Phase, str]] = set()
    for t in TABLE:
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
    edges = {(s, t.dest or s) for t in TABLE for s in t.sources}
    starts = {t.dest for t in TABLE if not t.sources and t.dest is not None}
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


# --- the private wiring to `transitions` -------------------------------------------------------

_NAMES: Mapping[Phase, str] = {p: p.name for p in Phase}  # how the machine names each phase


@attrs.frozen(weakref_slot=False)
class _Wiring:
    """A profile's shared machine, read once: its events by command, and every move
    (phase, command) → the phase it leads to (commands that keep the phase lead to it)."""

    profile: Profile  # kept, so that the id it is found by stays its own
    events: Mapping[str, Any]
    moves: Mapping[tuple[Phase, str], Phase]


_MACHINES: dict[str, Any] = {}
_WIRINGS: dict[int, _Wiring] = {}


@functools.cache
def machine_class() -> Any:
    """:class:`transitions.Machine` with phases and transitions that skip transitions'
    callback passes (and their logging) when they have no callbacks to run.

    The table's guards are our rules, evaluated before the machine's event fires, and no phase
    has enter or exit callbacks: firing is the machine checking that the phase allows the event,
    choosing its transition and setting the model's phase to the transition's destination,
    which the plain classes do after some thirty calls that find nothing to do. A callback or
    condition added to a phase or transition is run as transitions runs it.
    """
    from transitions import Machine, MachineError, State, Transition

    class PhaseState(State):
        def __init__(self, name: Any, *args: Any, **kwargs: Any) -> None:
            super().__init__(name, *args, **kwargs)
            self._plain_name = name.name if isinstance(name, enum.Enum) else name

        @property
        def name(self) -> Any:  # transitions' own reads the Enum member's name each time
            return self._plain_name

        def enter(self, event_data: Any) -> None:
            if self.on_enter:
                super().enter(event_data)

        def exit(self, event_data: Any) -> None:
            if self.on_exit:
                super().exit(event_data)

    class Move(Transition):
        def execute(self, event_data: Any) -> bool:
            machine = event_data.machine
            if (self.prepare or self.conditions or self.before or self.after
                    or machine.before_state_change or machine.after_state_change):
                return bool(super().execute(event_data))
            self._change_state(event_data)
            return True

        def _change_state(self, event_data: Any) -> None:
            machine = event_data.machine
            source, dest = machine.get_state(self.source), machine.get_state(self.dest)
            if source.on_exit or dest.on_enter or dest.final:
                super()._change_state(event_data)
                return
            setattr(event_data.model, machine.model_attribute, dest.value)
            event_data.state = dest

    class PhaseMachine(Machine):
        state_cls = PhaseState
        transition_cls = Move
        error = MachineError  # what firing from a phase the event does not leave raises

        def get_state(self, state: Any) -> Any:
            # Found by the Phase itself: transitions' own reads the Enum member's name each time.
            found = self.states.get(_NAMES.get(state, state))
            return found if found is not None else super().get_state(state)

    return PhaseMachine


def machine_for(profile: Profile) -> Any:
    """The one shared state machine of ``profile`` (built on first use, then reused)."""
    key = f"{profile.key}#{profile.content_hash}"
    machine = _MACHINES.get(key)
    if machine is None:
        machine = machine_class()(
            model=None,
            states=Phase,
            initial=OPENED,
            auto_transitions=False,
            ignore_invalid_triggers=False,
            model_attribute="phase",
            send_event=False,
        )
        for t in TABLE:
            if t.sources and t.dest is not None:
                machine.add_transition(t.command, list(t.sources), t.dest)
        _MACHINES[key] = machine
    return machine


def _wiring(profile: Profile) -> _Wiring:
    wiring = _WIRINGS.get(id(profile))
    if wiring is None or wiring.profile is not profile:
        machine = machine_for(profile)
        moves = {(s, t.command): s for t in TABLE if t.dest is None for s in t.sources}
        for command, event in machine.events.items():
            for source, found in event.transitions.items():
                phase = machine.get_state(source).value
                moves[(phase, command)] = machine.get_state(found[0].dest).value
        wiring = _Wiring(profile, dict(machine.events), moves)
        _WIRINGS[id(profile)] = wiring
    return wiring


def moves_for(profile: Profile) -> Mapping[tuple[Phase, str], Phase]:
    """Every move of ``profile``'s machine: (phase, command) → the phase it leads to (commands
    that keep the phase lead to it), read from the machine once per profile."""
    return _wiring(profile).moves


def machine_event(profile: Profile, command: str) -> Any:
    """The event ``command`` of ``profile``'s shared machine (commands that change the phase)."""
    return _wiring(profile).events[command]


def fire(event: Any, case: Any) -> None:
    """Fire the shared machine's ``event`` (:func:`machine_event`) for ``case``, whose ``phase``
    attribute holds a :class:`Phase`: the machine moves it to the event's next phase. A phase
    the event does not leave from raises :class:`TransitionNotAllowed`."""
    phase = case.phase
    try:
        event.trigger(case)
    except event.machine.error:
        raise TransitionNotAllowed(event.name, str(phase), allowed_commands(phase)) from None


def advance(profile: Profile, case: Any, command: str) -> None:
    """Replay's cheaper :func:`fire`: set the phase the machine's move names, without the
    machine's event (callbacks, logging: some 10 µs a call). Replay applies recorded events,
    which were fired on the machine when they were decided."""
    phase = case.phase
    dest = _wiring(profile).moves.get((phase, command))
    if dest is None:
        raise TransitionNotAllowed(command, str(phase), allowed_commands(phase))
    case.phase = dest


def _check_on_import() -> None:
    from sipcore.rules import registry

    check_table(frozenset(registry()) | frozenset(EVERY_COMMAND_RULES))


_check_on_import()
