"""Deciding a command: pure, it never changes the case.

The checks run in the order of DOMAIN.md §4, and the first that refuses ends the checking: bad
input (raised as :class:`~sipcore.errors.InputError`, not decided), ``case.closed``,
``case.time_order``, the phase (``transition.not_allowed`` and the phase refusals of the
table), the records the arguments name (bad input once the phase allows the command: an
unknown relative or representative, a version not approved), who may answer an invitation
(``invitation.not_invited``), then every rule of the
command under the profile in force, together. An allowed command's decision holds the event to
record: its acting unit, KVÅ code and units to notify come from :data:`sipcore.states.EFFECTS`,
its phase from firing the shared machine.

Two parts of the order read the kind of case (DOMAIN.md §10). What the arguments say against
the case's history (a discharge before the notice that the patient is utskrivningsklar) is bad
input too, raised once the phase allows the command (by its entry in
:data:`sipcore.discharge.CASE_INPUT`), so that a closed case is ``case.closed`` and a case
without the command ``transition.not_allowed`` first. And the phase check reads the moves the
rulebook compiled for the case's kind (its plan type, and whether it is a discharge case): a
table row marked ``discharge_only`` or with ``plan_types`` exists only in those cases, so its
command is ``transition.not_allowed`` in any other.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from sipcore import states
from sipcore._engine.machine import destination
from sipcore._engine.rulebook import Move, rulebook
from sipcore.commands import FIRST_YEAR, LAST_YEAR, AnswerInvitation, Command, aware, build
from sipcore.deadlines import local_date
from sipcore.discharge import CASE_INPUT
from sipcore.errors import Refusal, RuleViolation, TransitionNotAllowed
from sipcore.events import Event
from sipcore.findings import Detail, Finding
from sipcore.people import REFERENCES, check_references
from sipcore.rules import Check, Context, Rule, registry
from sipcore.states import CLOSED, Phase

if TYPE_CHECKING:
    from sipcore.case import SipCase
    from sipcore.profiles import Level, Profile

__all__ = ["Decision", "decide"]

_RULES = registry()


@attrs.frozen
class Decision:
    """What a command would do: allowed or not, every failed ``must`` rule (or the refusal
    that ended the checking), the advice of failed ``should`` rules, the events it records."""

    command: str
    at: dt.datetime
    allowed: bool
    failed: tuple[Finding, ...] = ()
    advice: tuple[Finding, ...] = ()
    events: tuple[Event, ...] = ()
    refusal: Refusal | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def ids(self) -> tuple[str, ...]:
        """The ids of the failed rules or refusals."""
        return tuple(f.rule_id for f in self.failed)

    @property
    def advice_ids(self) -> tuple[str, ...]:
        return tuple(f.rule_id for f in self.advice)

    def to_dict(self) -> dict[str, Any]:
        return {
            "command": self.command, "at": self.at.isoformat(), "allowed": self.allowed,
            "failed": [f.to_dict() for f in self.failed],
            "advice": [f.to_dict() for f in self.advice],
            "events": [e.to_dict() for e in self.events],
        }


def decide(case: SipCase, command: str, at: Any, raw: Mapping[str, Any]) -> Decision:
    """Decide ``command`` with the caller's arguments ``raw`` at ``at`` on ``case``."""
    at, refusal, advice, event = decided(case, command, at, raw)
    if refusal is not None:
        failed = refusal.findings
        return Decision(command, at, False, failed, advice, refusal=refusal)
    return Decision(command, at, True, (), advice, (event,) if event is not None else ())


Decided = tuple[dt.datetime, Refusal | None, tuple[Finding, ...], Event | None]


def decided(
    case: SipCase, command: str, at: Any, raw: Mapping[str, Any], *, fire: bool = True,
    named: bool = False,
) -> Decided:
    """:func:`decide` as a plain tuple: the checked time, the refusal (or ``None``), the
    advice, the event (or ``None``). ``fire=False`` reads the destination from the compiled
    rulebook instead of firing the shared machine, and leaves the ``should`` rules unchecked
    (verified replay: the table is the same, and advice does not decide). ``named``: ``raw``
    holds exactly the command's arguments by name (a typed command method's)."""
    if (type(at) is not dt.datetime or type(at.tzinfo) is not dt.timezone
            or not FIRST_YEAR <= at.year <= LAST_YEAR):
        at = aware("at", at)  # (a time at a fixed offset in the calendar's years is kept)
    args = build(command, raw, case.units.ids, named=named) if raw else build(command, raw)
    day = local_date(at)
    profile = case.profile_for(day)
    book = rulebook(profile)
    phase = case.phase
    if phase is CLOSED:
        closed = _RULES["case.closed"].finding(day=day, region=book.region)
        return at, RuleViolation(command, (closed,)), (), None
    latest = case.latest_at
    if at < latest:
        return at, Refusal(command, (_time_order(at, latest),)), (), None
    kind = case.case_kind
    move = book.kinds[kind].get((phase, command))  # (the moves of the case's kind)
    if move is None:
        return at, _phase_refusal(command, phase, day, book.region, kind), (), None
    if command in _READS_THE_CASE:
        refused = _against_the_case(case, command, at, args, phase)
        if refused is not None:
            return at, refused, (), None
    checks = move.checks if fire else move.must
    if not checks:
        return at, None, (), _event(case, profile, move, phase, at, args, fire)
    failed, advice = _check(checks, Context(case, profile, at, day, command, args), book.region)
    if failed:
        return at, RuleViolation(command, failed), advice, None
    return at, None, advice, _event(case, profile, move, phase, at, args, fire)


# The commands whose arguments are read against the case's records before its rules.
_READS_THE_CASE = frozenset(
    {*CASE_INPUT, *(cls.command for cls in REFERENCES), "answer_invitation",
     "revoke_invitation"})


def _against_the_case(
    case: SipCase, command: str, at: dt.datetime, args: Command, phase: Phase
) -> Refusal | None:
    """What the arguments say against the case's records: bad input (raised), or the refusal
    of an answer from a unit not invited, or of a revocation with no invitation in force."""
    against = CASE_INPUT.get(command)
    if against is not None:  # what the arguments say against the case's history: bad input
        against(case, at, args)
    if type(args) in REFERENCES:  # the ids it names must be the case's (DOMAIN.md §§11–12)
        check_references(case, args, at)
    if type(args) is AnswerInvitation and args.unit not in _invitees(case):
        return Refusal(command, (_not_invited(args.unit),))
    if command == "revoke_invitation" and case.invitation is None:  # none in force in active
        return TransitionNotAllowed(command, str(phase), states.allowed_commands(phase))
    return None


def _check(
    checks: tuple[tuple[Rule, Check, Level], ...], ctx: Context[Any], region: str | None
) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """Every rule of ``checks``: the failed ``must`` rules and the failed ``should`` rules."""
    failed: tuple[Finding, ...] = ()
    advice: tuple[Finding, ...] = ()
    for rule, check, level in checks:
        detail = check(ctx)
        if detail is not None:
            found = _finding(rule.id, detail, level, ctx.day, region)
            if level == "must":
                failed += (found,)
            else:
                advice += (found,)
    return failed, advice


@functools.lru_cache(maxsize=32)  # a few days' advice: small beside a streamed log
def _finding(rule_id: str, detail: Detail, level: Level, day: dt.date,
             region: str | None) -> Finding:
    """A rule's finding for a detail on a day (frozen, so shared: the same advice on the same
    day, as a region's cases often give it, is worded and cited once)."""
    return _RULES[rule_id].finding(detail, level, day=day, region=region)


def _event(
    case: SipCase, profile: Profile, move: Move, phase: Phase, at: dt.datetime, args: Command,
    fire: bool,
) -> Event:
    """The event of an allowed command: its arguments (with the units to notify, where the
    command names them), its phase (from firing the machine, where the row changes it), the
    profile it was decided under, the acting unit and the KVÅ code of the move."""
    effect = move.effect
    if effect.notify:
        args = attrs.evolve(args, notify=case.units_to_notify())  # type: ignore[call-arg]
    if effect.acting == "argument":
        acting: str = args.unit  # type: ignore[attr-defined]
    else:
        coordinator = case.coordinator
        acting = case.opened_by if coordinator is None else coordinator.unit
    dest = move.row.dest
    if dest is None:
        dest = phase
    elif fire:
        dest = destination(move.row.command, phase)
    return Event(case.event_count + 1, at, args, dest, profile.stamp, acting, move.kva,
                 case.case_id)


def _phase_refusal(
    command: str, phase: Phase, day: dt.date, region: str | None, kind: states.Kind
) -> Refusal:
    refused = states.refusal_in(phase, command, kind)
    if refused is None:
        return TransitionNotAllowed(command, str(phase), states.allowed_commands(phase, kind))
    from sipcore.findings import Detail

    finding = _RULES[refused].finding(Detail("phase", value=str(phase)), day=day, region=region)
    return RuleViolation(command, (finding,))


def _invitees(case: SipCase) -> tuple[str, ...]:
    """The units the invitation in force calls (in ``active``: the follow-up invitation)."""
    invitation = case.invitation
    return () if invitation is None else invitation.invitees


def _not_invited(unit: str) -> Finding:
    return Finding(
        "invitation.not_invited", "refusal",
        f"{unit} är inte kallad till mötet", f"{unit} is not invited to the meeting",
    )


def _time_order(at: dt.datetime, latest: dt.datetime) -> Finding:
    return Finding(
        "case.time_order", "refusal",
        f"tidpunkten {at.isoformat()} är tidigare än ärendets senaste händelse "
        f"{latest.isoformat()}",
        f"the time {at.isoformat()} is earlier than the case's latest event {latest.isoformat()}",
    )
