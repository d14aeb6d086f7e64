"""Reading a decision afterwards: every rule an applied event's command evaluated, under the
profile version that decided it, with its result, its detail and the sources valid on its date
(JSON form ``"format": "sipcore.explanation/1"``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import attrs

from sipcore._engine.rulebook import rulebook
from sipcore.deadlines import local_date
from sipcore.errors import InputError, InputTypeError
from sipcore.findings import Detail, Source
from sipcore.rules import Context, registry

if TYPE_CHECKING:
    from sipcore.case import SipCase
    from sipcore.events import Event

__all__ = ["EXPLANATION_FORMAT", "Evaluated", "Explanation", "explain"]

EXPLANATION_FORMAT = "sipcore.explanation/1"
Result = Literal["passed", "failed", "advice"]


@attrs.frozen
class Evaluated:
    """One rule as it was evaluated for an event: ``passed`` (a ``should`` rule that holds
    reads passed too), ``advice`` (a ``should`` rule that failed) or ``failed``."""

    rule: str
    level: str
    result: Result
    detail: Detail | None
    sources: tuple[Source, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule, "level": self.level, "result": self.result,
            "detail": None if self.detail is None else self.detail.to_dict(),
            "sources": [s.to_dict() for s in self.sources],
        }


@attrs.frozen
class Explanation:
    """Why an event was recorded: the profile version, every rule evaluated, the sources."""

    seq: int
    command: str
    at: Any
    profile_id: str
    profile_version: str
    content_hash: str
    rules: tuple[Evaluated, ...]

    def result(self, rule_id: str) -> Result | None:
        """The result of ``rule_id`` for this event, ``None`` if the event did not evaluate it."""
        return next((r.result for r in self.rules if r.rule == rule_id), None)

    def to_dict(self) -> dict[str, Any]:
        sources: dict[str, dict[str, Any]] = {}
        for evaluated in self.rules:
            for s in evaluated.sources:
                sources.setdefault(str(s), s.to_dict())
        return {
            "format": EXPLANATION_FORMAT,
            "event": {"seq": self.seq, "command": self.command, "at": self.at.isoformat()},
            "profile": {"id": self.profile_id, "version": self.profile_version,
                        "content_hash": self.content_hash},
            "rules": [r.to_dict() for r in self.rules],
            "sources": list(sources.values()),
        }


def explain(case: SipCase, event: Event) -> Explanation:
    """Explain ``event``, one of ``case``'s events."""
    from sipcore import events as recorded
    from sipcore.case import SipCase

    events = case.events
    if not isinstance(event, recorded.Event):
        raise InputTypeError("event", "one of the case's events (a sipcore Event)", event)
    if not 1 <= event.seq <= len(events) or events[event.seq - 1] != event:
        raise InputError("event", "one of the case's events", event)
    profile = case.profile_for_stamp(event.decided_under)
    book = rulebook(profile)
    rules: list[Evaluated] = []
    if event.seq > 1:
        before = SipCase.replay(events[: event.seq - 1], profile=case.profile)
        move = book.move(before.phase, event.command, before.case_kind)
        day = local_date(event.at)
        ctx = Context(before, profile, event.at, day, event.command, event.args)
        for rule_id in move.rule_ids if move is not None else ():
            rule, level = registry()[rule_id], book.levels[rule_id]
            if level == "off":
                continue
            detail = rule.check(ctx) if rule.check is not None else None
            result: Result = "passed" if detail is None else (
                "advice" if level == "should" else "failed")
            rules.append(Evaluated(rule_id, level, result, detail,
                                   rule.sources_on(day, book.region)))
    return Explanation(event.seq, event.command, event.at, profile.id, profile.version,
                       profile.content_hash, tuple(rules))
