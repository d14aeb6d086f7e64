"""A profile's compiled rulebook: for each (phase, command) the table allows, its row, the rules
the profile applies with their levels, and whether it changes the phase.

A rulebook is built once per profile content (its stamp) from :data:`sipcore.states.TABLE` and
the profile's levels, and kept in a cache of bounded size: loading the same profile file again
finds the same rulebook, and a thousand different profiles do not stay in memory.
"""

from __future__ import annotations

import collections
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from sipcore import states
from sipcore.rules import Check, Rule, registry
from sipcore.states import Phase, Transition

if TYPE_CHECKING:
    from sipcore.profiles import Level, Profile, Stamp

__all__ = ["Move", "Rulebook", "rulebook"]


@attrs.frozen(weakref_slot=False)
class Move:
    """What ``command`` does in a phase under a profile, in a kind of case: its row, the rules
    it checks (each with its check and its level under the profile; rules the profile turns off
    are left out), and what its event records besides the arguments (the row's
    :data:`~sipcore.states.EFFECTS` entry, and the KVÅ code for the kind of case)."""

    row: Transition
    checks: tuple[tuple[Rule, Check, Level], ...]
    must: tuple[tuple[Rule, Check, Level], ...]  # the checks at level must
    # The row's rules that apply to the kind of case (sipcore.states.RULE_PLAN_TYPES).
    rule_ids: tuple[str, ...] = ()
    effect: states.Effect = states.NO_EFFECT
    kva: str | None = None

    @property
    def changes_phase(self) -> bool:
        return self.row.dest is not None


@attrs.frozen(weakref_slot=False)
class Rulebook:
    """The table compiled with one profile: ``moves`` are those of a plain SIP case,
    ``kinds`` those of each kind of case (:data:`sipcore.states.CASE_KINDS`: plan type and
    whether it is a discharge case), which differ in the rows that exist only in some kinds
    of case and the rules that apply only to some plan types."""

    stamp: Stamp
    region: str | None  # whose routines its findings cite (None: the national profile)
    moves: Mapping[tuple[Phase, str], Move]
    levels: Mapping[str, Level]  # every rule's level under the profile
    kinds: Mapping[tuple[str, bool], Mapping[tuple[Phase, str], Move]] = attrs.field(
        factory=dict)

    def move(
        self, phase: Phase, command: str, kind: tuple[str, bool] = ("SIP", False)
    ) -> Move | None:
        return self.moves_of(kind).get((phase, command))

    def moves_of(self, kind: tuple[str, bool]) -> Mapping[tuple[Phase, str], Move]:
        """The moves of a case of ``kind`` (plan type, discharge case or not)."""
        return self.kinds[kind]


_SIZE = 64
_BOOKS: collections.OrderedDict[Stamp, Rulebook] = collections.OrderedDict()


def rulebook(profile: Profile) -> Rulebook:
    """The rulebook of ``profile`` (compiled once per profile content)."""
    stamp = profile.stamp
    book = _BOOKS.get(stamp)
    if book is None:
        book = _BOOKS[stamp] = _compile(profile)
        if len(_BOOKS) > _SIZE:
            _BOOKS.popitem(last=False)
    return book


def _compile(profile: Profile) -> Rulebook:
    rules = registry()
    levels = {rule_id: profile.level(rule_id, r.level) if r.applies is None or r.applies(profile)
              else "off" for rule_id, r in rules.items()}
    kinds = {kind: _moves(kind, rules, levels) for kind in states.CASE_KINDS}
    region = None if profile.extends is None else profile.id
    return Rulebook(profile.stamp, region, kinds[("SIP", False)], levels, kinds)


def _moves(
    kind: tuple[str, bool], rules: Mapping[str, Rule], levels: Mapping[str, Level]
) -> dict[tuple[Phase, str], Move]:
    plan_type, discharge = kind
    moves: dict[tuple[Phase, str], Move] = {}
    for row in states.TABLE:
        if not row.exists_in(plan_type, discharge):
            continue
        applying = tuple(
            rule_id for rule_id in row.rules
            if plan_type in states.RULE_PLAN_TYPES.get(rule_id, (plan_type,))
        )
        checks = tuple(
            (rules[rule_id], check, levels[rule_id])
            for rule_id in applying
            if (check := rules[rule_id].check) is not None and levels[rule_id] != "off"
        )
        must = tuple(c for c in checks if c[2] == "must")
        effect = states.EFFECTS.get(row.command, states.NO_EFFECT)
        move = Move(row, checks, must, applying, effect, effect.kva_for(plan_type))
        moves.update(((source, row.command), move) for source in row.sources)
    return moves
