"""Rules: each with a stable id, a level, its Swedish and English wording and its sources.

A rule is a pure function of a :class:`Context` (the case as it is, the profile, the time and
the command's arguments) that returns ``None`` when the rule holds, or a short detail (unit ids,
dates: words that read the same in Swedish and English) when it does not. Rules register
themselves with :func:`rule`; :func:`registry` returns every rule, keyed by id. Ids are stable:
an id is retired, never renumbered or reused.

Some rules guard no condition of their own but name an effect (``consent.withdrawal``) or a
phase in which a command is refused (``plan.locked``, ``plan.follow_up_needs_approved``); they
have no ``check``, and the transition table in :mod:`sipcore.states` says where they apply.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

import attrs

from sipcore.errors import Finding
from sipcore.legal import Cite

if TYPE_CHECKING:
    from sipcore.case import SipCase
    from sipcore.profiles import Level, Profile

__all__ = ["Context", "Rule", "registry", "rule"]

Check = Callable[["Context"], "str | None"]


class Context(NamedTuple):
    """What a rule sees: the case before the command, the profile, ``at`` and its local date,
    the command's name and its validated arguments. (A named tuple: one is made per
    command.)"""

    case: SipCase
    profile: Profile
    at: dt.datetime
    day: dt.date
    command: str
    args: Any


@attrs.frozen
class Rule:
    """One rule of DOMAIN.md §5."""

    id: str
    level: Level
    summary_sv: str
    summary_en: str
    refs: tuple[Cite, ...]
    check: Check | None = attrs.field(default=None, eq=False, repr=False)
    regional: bool = False

    def finding(self, detail: str | None = None, level: str | None = None) -> Finding:
        """The finding reported when this rule fails, with ``detail`` appended."""
        suffix = f" ({detail})" if detail else ""
        return Finding(
            self.id,
            level or self.level,
            self.summary_sv + suffix,
            self.summary_en + suffix,
            self.sources,
        )

    @functools.cached_property
    def sources(self) -> tuple[str, ...]:
        """Each source as cited in a finding."""
        return tuple(str(c) for c in self.refs)


_REGISTRY: dict[str, Rule] = {}


def rule(
    rule_id: str,
    level: Level,
    summary_sv: str,
    summary_en: str,
    *refs: Cite,
    regional: bool = False,
) -> Callable[[Check], Check]:
    """Register the decorated function as the check of rule ``rule_id``."""

    def register(check: Check) -> Check:
        declare(rule_id, level, summary_sv, summary_en, *refs, check=check, regional=regional)
        return check

    return register


def declare(
    rule_id: str,
    level: Level,
    summary_sv: str,
    summary_en: str,
    *refs: Cite,
    check: Check | None = None,
    regional: bool = False,
) -> Rule:
    """Register a rule; with no ``check`` it names an effect or a phase refusal."""
    if rule_id in _REGISTRY:
        raise ValueError(f"rule {rule_id!r} is declared twice")
    if not refs:
        raise ValueError(f"rule {rule_id!r} cites no source")
    new = Rule(rule_id, level, summary_sv, summary_en, refs, check, regional)
    _REGISTRY[rule_id] = new
    return new


def registry() -> Mapping[str, Rule]:
    """Every rule, keyed by id, in declaration order."""
    from sipcore import consent, plan, process  # noqa: F401  (they declare the rules)

    return _REGISTRY
