"""Rules: each with a stable id, a level, its Swedish and English wording and its sources.

A rule is a pure function of a :class:`Context` (the case as it is, the profile, the time and
the command's arguments) that returns ``None`` when the rule holds, or a :class:`Failed` that
says what failed as data (the units not covered, the parts missing, the dates), rendered in
Swedish and in English when it is reported. Rules register themselves with :func:`rule`;
:func:`registry` returns every rule, keyed by id. Ids are stable: an id is retired, never
renumbered or reused.

Some rules guard no condition of their own but name an effect (``consent.withdrawal``) or a
phase in which a command is refused (``plan.locked``, ``plan.follow_up_needs_approved``); they
are declared with :func:`declare`, and the transition table in :mod:`sipcore.states` says where
they apply.

A finding cites only the sources that apply to its decision (DOMAIN.md §5.1): a statute section
in force on the decision's local date, and a regional routine only under that region's profile.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from sipcore.findings import Detail, Finding, Source
from sipcore.legal import Cite

if TYPE_CHECKING:
    from sipcore.case import SipCase
    from sipcore.profiles import Level, Profile

__all__ = ["Context", "Failed", "Rule", "declare", "registry", "rule"]

Failed = Detail  # what a rule returns when it fails: the data of what failed

A = TypeVar("A")
T = TypeVar("T")


class Context(Generic[A]):
    """What a rule sees: the case before the command, the profile, ``at`` and its local date,
    the command's name and its validated arguments. What several rules of a command read (the
    consents in force, whether the person is a child) is worked out once per command: see
    :attr:`child` and :meth:`memo`."""

    __slots__ = ("_child", "_memo", "args", "at", "case", "command", "day", "profile")

    def __init__(self, case: SipCase, profile: Profile, at: dt.datetime, day: dt.date,
                 command: str, args: A) -> None:
        self.case = case
        self.profile = profile
        self.at = at
        self.day = day
        self.command = command
        self.args = args
        self._child: bool | None = None
        self._memo: dict[str, Any] | None = None

    @property
    def child(self) -> bool:
        """Whether the person is a child on the command's day (under the profile's age
        limit)."""
        child = self._child
        if child is None:
            child = self._child = self.case.person.is_child(self.day,
                                                            self.profile.child_age_limit)
        return child

    def memo(self, key: str, compute: Callable[[Context[A]], T]) -> T:
        """``compute(self)``, worked out once per command under ``key``."""
        memo = self._memo
        if memo is None:
            memo = self._memo = {}
        elif key in memo:
            found: T = memo[key]
            return found
        value = memo[key] = compute(self)
        return value

    def __repr__(self) -> str:
        return (f"Context(command={self.command!r}, at={self.at.isoformat()}, "
                f"args={self.args!r})")


Check = Callable[[Context[Any]], "Failed | None"]


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
    # Where the rule binds only under profiles that set a parameter (DOMAIN.md §§11.3–11.4):
    # the profiles it applies under; elsewhere a profile's rulebook leaves it out.
    applies: Callable[[Profile], bool] | None = attrs.field(default=None, eq=False, repr=False)

    def finding(
        self,
        detail: Failed | None = None,
        level: str | None = None,
        *,
        day: dt.date | None = None,
        region: str | None = None,
    ) -> Finding:
        """The finding reported when this rule fails on ``day`` under the profile of
        ``region``, with ``detail`` rendered in each language; without ``day``, every source."""
        return Finding(
            self.id,
            level or self.level,
            self.summary_sv + (f" ({detail.render('sv')})" if detail else ""),
            self.summary_en + (f" ({detail.render('en')})" if detail else ""),
            self.sources if day is None else self.sources_on(day, region),
            detail,
        )

    @functools.cached_property
    def sources(self) -> tuple[Source, ...]:
        """Every source the rule has had, with its dates (the catalogue's view)."""
        return tuple(Source.of(cite) for cite in self.refs)

    def sources_on(self, day: dt.date, region: str | None) -> tuple[Source, ...]:
        """The sources that apply to a decision on ``day`` under the profile of ``region``
        (worked out once per period in which the same sources are in force)."""
        period = bisect.bisect_right(self._changes, day)
        key = (self.id, period, region)
        found = _APPLYING.get(key)
        if found is None:
            found = _APPLYING[key] = tuple(
                s for s, c in zip(self.sources, self.refs, strict=True)
                if c.ref.applies(day, region)
            )
        return found

    @functools.cached_property
    def _changes(self) -> tuple[dt.date, ...]:
        """The days on which one of the rule's sources comes into force or ceases."""
        days = set()
        for cite in self.refs:
            ref = cite.ref
            if ref.valid_from is not None:
                days.add(ref.valid_from)
            if ref.valid_to is not None:
                days.add(ref.valid_to + dt.timedelta(days=1))
        return tuple(sorted(days))


# (rule id, period, region) → the sources that apply: a few entries per rule and region.
_APPLYING: dict[tuple[str, int, str | None], tuple[Source, ...]] = {}


_REGISTRY: dict[str, Rule] = {}

C = TypeVar("C", bound=Callable[..., Any])


def rule(
    rule_id: str,
    level: Level,
    *,
    sv: str,
    en: str,
    sources: tuple[Cite, ...],
    regional: bool = False,
    applies: Callable[[Profile], bool] | None = None,
) -> Callable[[C], C]:
    """Register the decorated function as the check of rule ``rule_id``: its level (the
    national default; a profile may set another where DOMAIN.md §5 says so), its Swedish and
    English summaries and the sources it cites."""

    def register(check: C) -> C:
        declare(rule_id, level, sv=sv, en=en, sources=sources, check=check, regional=regional,
                applies=applies)
        return check

    return register


def declare(
    rule_id: str,
    level: Level,
    *,
    sv: str,
    en: str,
    sources: tuple[Cite, ...],
    check: Check | None = None,
    regional: bool = False,
    applies: Callable[[Profile], bool] | None = None,
) -> Rule:
    """Register a rule; with no ``check`` it names an effect or a phase refusal."""
    if rule_id in _REGISTRY:
        raise ValueError(f"rule {rule_id!r} is declared twice")
    if not sources:
        raise ValueError(f"rule {rule_id!r} cites no source")
    new = Rule(rule_id, level, sv, en, sources, check, regional, applies)
    _REGISTRY[rule_id] = new
    return new


def registry() -> Mapping[str, Rule]:
    """Every rule, keyed by id, in declaration order."""
    from sipcore import (  # noqa: F401  (they declare)
        closing,
        consent,
        discharge,
        meeting,
        parties,
        people,
        plan,
        vardplan,
    )

    return _REGISTRY
