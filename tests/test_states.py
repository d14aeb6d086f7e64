"""The one transition table (DOMAIN.md §3–§4), its checks, and the shared phase machine."""

from __future__ import annotations

import pytest

from helpers import PHASES, valid_args, walk
from sipcore import states
from sipcore._engine import machine as shared
from sipcore._engine.evolve import _APPLY
from sipcore.case import SipCase
from sipcore.errors import TransitionNotAllowed
from sipcore.rules import registry
from sipcore.states import (
    ACTIVE,
    CLOSED,
    CONSENTED,
    DRAFTING,
    INVITED,
    OPEN_PHASES,
    OPENED,
    TABLE,
    Phase,
    Transition,
)

OPEN = set(OPEN_PHASES)

# DOMAIN.md §4, written out: command → ({from phases}, to phase or None for unchanged).
CONTRACT: dict[str, list[tuple[set[Phase], Phase | None]]] = {
    "open_case": [(set(), OPENED)],
    "decline_case": [({OPENED}, CLOSED)],
    "record_consent": [({OPENED}, CONSENTED), ({CONSENTED, INVITED, DRAFTING, ACTIVE}, None)],
    "refuse_consent": [({OPENED}, CLOSED)],
    "update_guardians": [(OPEN, None)],
    "appoint_coordinator": [(OPEN, None)],
    "record_preferences": [({OPENED, CONSENTED}, None)],
    # DOMAIN.md v2 §12.4, §15: invitations to follow-up meetings in active.
    "send_invitation": [({CONSENTED}, INVITED), ({ACTIVE}, None)],
    "answer_invitation": [({INVITED}, None), ({ACTIVE}, None)],
    "revoke_invitation": [({INVITED}, CONSENTED), ({ACTIVE}, None)],
    "hold_meeting": [({INVITED}, DRAFTING)],
    "add_need": [({DRAFTING}, None)],
    "add_goal": [({DRAFTING}, None)],
    "add_intervention": [({DRAFTING}, None)],
    "add_note": [({DRAFTING}, None)],
    "set_follow_up": [({DRAFTING}, None)],
    "document_plan": [({DRAFTING}, None)],
    "approve_plan": [({DRAFTING}, ACTIVE)],
    "start_follow_up": [({ACTIVE}, DRAFTING)],
    # DOMAIN.md v2 §4: in opened there is no consent to withdraw.
    "withdraw_consent": [({CONSENTED, INVITED, DRAFTING, ACTIVE}, CLOSED)],
    "record_death": [(OPEN, CLOSED)],
    "close_case": [(OPEN, CLOSED)],
    # DOMAIN.md v2 §§11–12: the people around the person and the whole plan.
    "record_relative": [(OPEN, None)],
    "register_representative": [(OPEN, None)],
    "appoint_meeting_leader": [({CONSENTED, INVITED}, None)],
    "add_action_plan": [({DRAFTING}, None)],
    "add_own_action": [({DRAFTING}, None)],
    "add_contact": [({DRAFTING}, None)],
    "add_coordination": [({DRAFTING}, None)],
    "hand_out_plan": [({ACTIVE}, None)],
    # DOMAIN.md v2 §10: the discharge chain, in any open phase of a discharge case; the
    # samordnad vårdplan invites from opened (§15) and its units adjust the draft.
    "send_admission_notice": [(OPEN, None)],
    "appoint_fast_vardkontakt": [(OPEN, None)],
    "notify_discharge_ready": [(OPEN, None)],
    "record_discharge": [(OPEN, None)],
    "transfer_information": [(OPEN, None)],
    "adjust_plan": [({DRAFTING}, None)],
}
# The rows that exist only in some kinds of case: (discharge only, plan types).
ONLY_IN = {
    **{c: (True, ()) for c in ("send_admission_notice", "appoint_fast_vardkontakt",
                               "notify_discharge_ready", "record_discharge",
                               "transfer_information")},
    "adjust_plan": (False, ("SPLPTLRV",)),
}

# Phases where a command is refused under a rule's id instead of transition.not_allowed.
PHASE_REFUSALS = {
    **{(ACTIVE, c): "plan.locked" for c in
       ("add_need", "add_goal", "add_intervention", "add_note", "set_follow_up",
        "add_action_plan", "add_own_action", "add_contact", "add_coordination")},
    (DRAFTING, "start_follow_up"): "plan.follow_up_needs_approved",
    (ACTIVE, "adjust_plan"): "plan.locked",
}


def test_table_is_the_contract() -> None:
    got: dict[str, list[tuple[set[Phase], Phase | None]]] = {}
    for t in TABLE:
        if t.plan_types == ("SPLPTLRV",) and t.command == "send_invitation":
            assert t.sources == (OPENED,) and t.dest is INVITED
            continue
        got.setdefault(t.command, []).append((set(t.sources), t.dest))
        assert (t.discharge_only, t.plan_types) == ONLY_IN.get(t.command, (False, ()))
    assert got == CONTRACT
    refusals = {(p, t.command): r for t in TABLE for p, r in t.refused_in.items()}
    assert refusals == PHASE_REFUSALS


def test_every_command_evolves_the_case() -> None:
    assert set(_APPLY) == set(states.COMMANDS)


def test_rule_ids_exist() -> None:
    known = set(registry())
    for t in TABLE:
        assert set(t.rules) <= known, t.command
        assert set(t.refused_in.values()) <= known, t.command
    assert set(states.EVERY_COMMAND_RULES) <= known
    # every rule is tied to some command (or to every command)
    tied = {r for t in TABLE for r in (*t.rules, *t.refused_in.values())}
    assert tied | set(states.EVERY_COMMAND_RULES) == known


def test_nothing_leaves_closed() -> None:
    assert all(CLOSED not in t.sources for t in TABLE)
    assert states.allowed_commands(CLOSED) == ()


def test_every_phase_is_reachable_from_the_api() -> None:
    reached = {walk(to)[0].phase for to in PHASES}
    assert reached == set(Phase)


@pytest.mark.parametrize("phase", list(Phase))
@pytest.mark.parametrize("command", states.COMMANDS)
def test_row_target_and_allowed_agree(phase: Phase, command: str) -> None:
    row = states.row(phase, command)
    assert (row is not None) == (command in states.allowed_commands(phase))
    if row is not None:
        expected = phase if row.dest is None else row.dest
        assert states.target(phase, command) is expected
    elif command in ONLY_IN:  # not a command of a plain SIP case at all
        assert states.refusal_in(phase, command) is None
    else:
        assert states.refusal_in(phase, command) == PHASE_REFUSALS.get((phase, command))


def test_rows_of_some_kinds_of_case_only() -> None:
    """The discharge chain exists in a discharge case only, the adjustment and the invitation
    from opened in a samordnad vårdplan only (DOMAIN.md §10, §15)."""
    spu, vardplan = ("SPU", True), ("SPLPTLRV", False)
    assert "record_discharge" in states.allowed_commands(ACTIVE, spu)
    assert "record_discharge" not in states.allowed_commands(ACTIVE)
    assert "record_discharge" not in states.allowed_commands(ACTIVE, vardplan)
    assert states.target(OPENED, "send_invitation", vardplan) is INVITED
    assert states.row(OPENED, "send_invitation") is None
    assert states.row(OPENED, "send_invitation", spu) is None
    assert states.refusal_in(ACTIVE, "adjust_plan", vardplan) == "plan.locked"
    assert "adjust_plan" in states.allowed_commands(DRAFTING, vardplan)


# One case walked to each open phase, and for each command the phase does not allow (and does
# not refuse under a rule), the refusal names the phase and what the phase allows.
WALKS = {"opened": OPENED, "consented": CONSENTED, "invited": INVITED, "drafting": DRAFTING,
         "active": ACTIVE}
NOT_ALLOWED = [
    (to, c)
    for to, phase in WALKS.items()
    for c in states.COMMANDS
    if c != "open_case" and states.row(phase, c) is None and (phase, c) not in PHASE_REFUSALS
]


@pytest.mark.parametrize(("to", "command"), NOT_ALLOWED)
def test_transition_not_allowed_names_phase_and_allowed(to: str, command: str) -> None:
    case, clock = walk(to)
    before = case.snapshot()
    with pytest.raises(TransitionNotAllowed) as info:
        getattr(case, command)(**valid_args(command, clock()))
    refusal = info.value
    assert refusal.ids == ("transition.not_allowed",)
    assert refusal.phase == to
    assert refusal.allowed == states.allowed_commands(WALKS[to])
    assert to in refusal.message("en")
    assert all(c in refusal.message("en") for c in refusal.allowed)
    assert case.snapshot() == before


# --- the shared machine ------------------------------------------------------------------------


def test_one_shared_machine_for_the_table() -> None:
    first, _ = walk("active")
    second, _ = walk("follow_up", profile_name="vastmanland")
    machine = shared.machine()
    assert shared.machine() is machine
    assert type(machine).__module__ == "transitions.core"  # the plain Machine, no subclass
    assert list(machine.models) == []  # no case is attached to it
    for case in (first, second):
        assert not hasattr(case, "trigger")
        assert not hasattr(case, "approve_plan_trigger")
        assert not any(name.startswith(("to_", "may_")) for name in dir(case))
        assert not hasattr(case, "__dict__")  # slotted: nothing can be attached per case


def test_the_machines_moves_are_the_tables_phase_changes() -> None:
    machine = shared.machine()
    moves = {
        (machine.get_state(source).value, command, machine.get_state(t.dest).value)
        for command, event in machine.events.items()
        for source, found in event.transitions.items()
        for t in found
    }
    assert moves == {(s, t.command, t.dest) for t in TABLE if t.dest for s in t.sources}


def test_destination_fires_the_machine_and_refuses_what_it_does_not_allow() -> None:
    assert shared.destination("revoke_invitation", INVITED) is CONSENTED
    with pytest.raises(TransitionNotAllowed) as info:
        shared.destination("hold_meeting", CONSENTED)
    assert info.value.phase == "consented"
    assert info.value.command == "hold_meeting"


def test_live_commands_fire_the_machines_event_and_replay_does_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case, clock = walk("answered")
    event = shared.machine().events["hold_meeting"]
    fired: list[object] = []
    original = event.trigger

    def counting(model: object, *args: object, **kwargs: object) -> bool:
        fired.append(getattr(model, "phase", None))
        return bool(original(model, *args, **kwargs))

    monkeypatch.setattr(event, "trigger", counting)
    case.hold_meeting(at=clock(days=7), participants=["vc", "hemtjanst"])
    assert fired == [Phase.INVITED] and case.phase is Phase.DRAFTING
    case.add_need(at=clock(), text="Stöd")  # keeps the phase: the machine is not fired
    assert len(fired) == 1
    replayed = SipCase.replay(case.events)  # applies the recorded phases
    assert len(fired) == 1 and replayed.phase is Phase.DRAFTING


def test_a_refused_command_does_not_fire_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    case, clock = walk("answered")
    event = shared.machine().events["hold_meeting"]
    fired: list[object] = []
    original = event.trigger
    monkeypatch.setattr(event, "trigger", lambda m: fired.append(m) or original(m))
    with pytest.raises(Exception):  # noqa: B017 (the participants are not covered)
        case.hold_meeting(at=clock(days=7), participants=["vc", "bup"])
    assert fired == []


# --- check_table refuses a bad table -----------------------------------------------------------

RULE_IDS = frozenset(registry()) | frozenset(states.EVERY_COMMAND_RULES)


def test_the_real_table_passes() -> None:
    states.check_table(RULE_IDS)


def without(*commands: str) -> tuple[Transition, ...]:
    return tuple(t for t in TABLE if t.command not in commands)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ((*TABLE, Transition("reopen", (CLOSED,), OPENED)), "leaves the terminal phase"),
        ((*TABLE, Transition("reopen", (ACTIVE,), None, ("plan.reopen",))), "unknown rule id"),
        ((*TABLE, Transition("add_need", (DRAFTING,), None)), "declared twice"),
        ((*TABLE, Transition("peek", (DRAFTING,), None, refused_in={DRAFTING: "plan.locked"})),
         "both allowed and refused"),
        (without("approve_plan"), "phase active cannot be reached"),
        # drafting and active still lead into each other, but nothing leads there from opened
        (without("hold_meeting"), "phase drafting cannot be reached"),
        (without("withdraw_consent", "record_death", "close_case"), "cannot reach closed"),
    ],
    ids=["leaves_closed", "unknown_rule", "twice", "allowed_and_refused", "unreachable",
         "island", "dead_end"],
)
def test_check_table_refuses_a_bad_table(
    monkeypatch: pytest.MonkeyPatch, table: tuple[Transition, ...], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        states.check_table(RULE_IDS, table)


def test_phases_are_the_contract() -> None:
    assert [str(p) for p in Phase] == [
        "opened", "consented", "invited", "drafting", "active", "closed"
    ]
