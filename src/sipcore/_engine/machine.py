"""The one shared :mod:`transitions` machine of the transition table, used through its public
API only.

The machine is built once from :data:`sipcore.states.TABLE` (``model=None``: no case is added
to it; ``auto_transitions=False``: only the table's moves exist) and checked against the table
as it is built. Its states are named by the phases' values (``"opened"``, …): plain strings,
which the machine reads without looking up an enum member's name at every step. A phase change
is fired through the machine's event for the case's phase, on a probe that holds the phase (the
case itself changes only in :func:`sipcore._engine.evolve`); :func:`destination` translates
the machine's ``MachineError`` into our :class:`~sipcore.errors.TransitionNotAllowed`.
"""

from __future__ import annotations

import functools
from typing import Any

from sipcore import states
from sipcore.errors import TransitionNotAllowed
from sipcore.states import Phase

__all__ = ["destination", "machine"]


@functools.cache
def machine() -> Any:
    """The shared machine of the table (built on first use)."""
    from transitions import Machine

    built = Machine(
        model=None,
        states=[phase.value for phase in Phase],
        initial=states.OPENED.value,
        auto_transitions=False,
        ignore_invalid_triggers=False,
        model_attribute="phase",
        send_event=False,
    )
    for t in states.TABLE:
        if t.sources and t.dest is not None:
            built.add_transition(t.command, [s.value for s in t.sources], t.dest.value)
    _check(built)
    return built


def _check(built: Any) -> None:
    """The machine's moves are exactly the table's phase changes."""
    moves = {
        (built.get_state(source).value, command, built.get_state(found.dest).value)
        for command, event in built.events.items()
        for source, transitions in event.transitions.items()
        for found in transitions
    }
    table = {(s, t.command, t.dest) for t in states.TABLE if t.dest is not None for s in t.sources}
    if moves != table:
        raise ValueError(f"the machine differs from the table: {sorted(moves ^ table)}")


@functools.cache
def _machine_error() -> type[Exception]:
    """transitions' ``MachineError`` (imported with the machine, on first use)."""
    from transitions import MachineError

    return MachineError


class _Probe:
    """What the machine moves: a phase."""

    __slots__ = ("phase",)

    def __init__(self, phase: str) -> None:
        self.phase = phase


_NAMED = {phase: phase.value for phase in Phase}  # a phase by its name in the machine, and back
_PHASE = {phase.value: phase for phase in Phase}


def destination(command: str, phase: Phase) -> Phase:
    """Fire the machine's event ``command`` from ``phase`` and return the phase it leads to;
    a phase the event does not leave from raises :class:`TransitionNotAllowed`."""
    shared = machine()
    probe = _Probe(_NAMED[phase])
    try:
        shared.events[command].trigger(probe)
    except (_machine_error(), KeyError):
        raise TransitionNotAllowed(command, str(phase), states.allowed_commands(phase)) from None
    return _PHASE[probe.phase]
