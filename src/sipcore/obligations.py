"""Obligations: what some unit owes by a date, and its status as of a given time (DOMAIN.md §6).

An obligation exists from the command that starts it. As of a time T it is ``met`` when the
command that meets it came at or before T (late or not: ``met_at`` tells); ``cancelled`` when,
at or before T, the case closed or the invitation was revoked before it was met; ``overdue``
when its due date is before T's local date; otherwise ``open``. Dates are local to
Europe/Stockholm. Where the profile has no value for a kind's duration, that kind does not
arise.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal, NamedTuple

import attrs

from sipcore.deadlines import local_date
from sipcore.legal import Cite

if TYPE_CHECKING:
    from sipcore.case import SipCase

__all__ = ["KINDS", "Obligation", "Status", "obligations", "obligations_due"]

Status = Literal["open", "met", "overdue", "cancelled"]
KINDS = ("answer_invitation", "document_plan", "discharge_invitation", "follow_up")

# Where each kind comes from; the duration's own source is in the profile.
SOURCES: dict[str, tuple[Cite, ...]] = {
    "answer_invitation": (
        Cite("src_004", "Skicka kallelse", "De kallade verksamheterna bekräftar mottagandet "
             "genom att besvara kallelsen inom 1 arbetsdag"),
    ),
    "document_plan": (
        Cite("src_004", "Rutiner", "Mål och aktivitetsplanen ska upprättas inom 2 arbetsdagar "
             "efter mötet"),
    ),
    "discharge_invitation": (
        Cite("lusv_4_3", "2 st.", "Kallelsen ska skickas senast tre dagar efter det att en "
             "underrättelse enligt 3 kap. 1 § om att patienten är utskrivningsklar har "
             "lämnats"),
        Cite("lag_1930_173_2"),
    ),
    "follow_up": (
        Cite("src_000", "steg 6", "En SIP ska följas upp"),
        Cite("src_004", "Uppföljning", "Samordningsansvarig ansvarar för att målens "
             "aktiviteter i SIP följs upp enligt plan"),
    ),
}


class Term(NamedTuple):
    """An obligation independent of the time it is looked at: when it starts, is due, is met
    and is cancelled. (A named tuple: every case of a region computes a few of these.)"""

    kind: str
    unit: str | None  # None for the coordinator's kinds: see ``unit_at``
    due: dt.date
    starts_at: dt.datetime
    met_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    coordinators: tuple[tuple[dt.datetime, str], ...] = ()  # (appointed at, unit), in order

    def unit_at(self, as_of: dt.datetime) -> str | None:
        """The unit that owes this as of ``as_of``: for the coordinator's kinds, the unit of
        the coordinator in office then (source 004: "Samordningsansvarigs enhet är
        övergripande ansvarig för planen")."""
        if not self.coordinators:
            return self.unit
        unit = None
        for appointed_at, coordinator_unit in self.coordinators:
            if appointed_at > as_of:
                break
            unit = coordinator_unit
        return unit

    def status(self, as_of: dt.datetime, day: dt.date) -> Status:
        if self.met_at is not None and self.met_at <= as_of:
            return "met"
        if self.cancelled_at is not None and self.cancelled_at <= as_of:
            return "cancelled"
        return "overdue" if self.due < day else "open"


@attrs.frozen(weakref_slot=False)
class Obligation:
    """An obligation as of a time."""

    kind: str
    unit: str | None
    due: dt.date
    status: Status
    starts_at: dt.datetime
    met_at: dt.datetime | None
    sources: tuple[str, ...]


def terms(case: SipCase) -> tuple[Term, ...]:
    """Every obligation the case's history starts, whatever the time."""
    profile = case.profile
    closed = case.closed_at
    versions = case.versions
    coordinator = (
        tuple(
            (e.at, e.unit) for e in case.events if e.command == "appoint_coordinator" and e.unit
        )
        if versions
        else ()
    )
    found: list[Term] = []
    if case.discharge_notice_at is not None and profile.discharge_invitation is not None:
        due = profile.discharge_invitation.after(local_date(case.discharge_notice_at))
        first_sent = case.invitations[0].sent_at if case.invitations else None
        found.append(
            Term("discharge_invitation", case.opened_by, due, case.opened_at, first_sent, closed)
        )
    if profile.invitation_answer is not None:
        for inv in case.invitations:
            due = profile.invitation_answer.after(local_date(inv.sent_at))
            answered = inv.first_answered
            cancel = _earliest(inv.revoked_at, closed)
            for unit in inv.invitees:
                found.append(
                    Term("answer_invitation", unit, due, inv.sent_at, answered.get(unit), cancel)
                )
    if profile.plan_documentation is not None:
        for version in versions:
            due = profile.plan_documentation.after(local_date(version.started_at))
            found.append(
                Term("document_plan", None, due, version.started_at,
                     version.first_documented_at, closed, coordinator)
            )
    for i, version in enumerate(versions):
        if version.approved_at is None or version.follow_up is None:
            continue
        nxt = versions[i + 1].started_at if i + 1 < len(versions) else None
        found.append(
            Term("follow_up", None, version.follow_up.date, version.approved_at, nxt, closed,
                 coordinator)
        )
    return tuple(found)


def _earliest(a: dt.datetime | None, b: dt.datetime | None) -> dt.datetime | None:
    if a is None or b is None:
        return a or b
    return min(a, b)


def _as_of(term: Term, as_of: dt.datetime, day: dt.date) -> Obligation:
    return Obligation(
        term.kind,
        term.unit_at(as_of),
        term.due,
        term.status(as_of, day),
        term.starts_at,
        term.met_at if term.met_at is not None and term.met_at <= as_of else None,
        _source_texts()[term.kind],
    )


@functools.cache
def _source_texts() -> dict[str, tuple[str, ...]]:
    return {kind: tuple(str(c) for c in cites) for kind, cites in SOURCES.items()}


def obligations(case: SipCase, as_of: dt.datetime) -> tuple[Obligation, ...]:
    """Every obligation of ``case`` that exists at ``as_of``, with its status then."""
    day = local_date(as_of)
    return tuple(
        _as_of(t, as_of, day) for t in case.obligation_terms() if t.starts_at <= as_of
    )


def obligations_due(
    cases: Iterable[SipCase], as_of: dt.datetime
) -> list[tuple[SipCase, Obligation]]:
    """The open and overdue obligations across ``cases`` at ``as_of``, sorted by due date:
    the "what is late today" list of a region."""
    day = local_date(as_of)
    found: list[tuple[dt.date, int, SipCase, Term]] = []
    for n, case in enumerate(cases):
        for term in case.obligation_terms():
            if term.starts_at <= as_of and term.status(as_of, day) in ("open", "overdue"):
                found.append((term.due, n, case, term))
    found.sort(key=lambda item: (item[0], item[1]))
    return [(case, _as_of(term, as_of, day)) for _, _, case, term in found]
