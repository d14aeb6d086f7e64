"""Obligations: what some unit owes by a date, and its status as of a given time (DOMAIN.md §6).

Each kind of obligation is a row of :data:`OBLIGATIONS`: the commands that start it and meet
it, the profile parameter that sets its time limit, what the limit counts from, and who owes
it. One projection, :func:`terms`, reads the table over a case's events.

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
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Generic, Literal, NamedTuple, Protocol, TypeVar

import attrs

from sipcore.deadlines import local_date
from sipcore.errors import SipError
from sipcore.findings import Source
from sipcore.legal import Cite
from sipcore.profiles.model import StartPlanning

if TYPE_CHECKING:
    from sipcore.events import Event
    from sipcore.profiles import Profile

__all__ = [
    "KINDS",
    "OBLIGATIONS",
    "DueList",
    "Kind",
    "Obligation",
    "Status",
    "obligations",
    "obligations_due",
    "terms",
]

Status = Literal["open", "met", "overdue", "cancelled"]


@attrs.frozen
class Kind:
    """One kind of obligation.

    ``started_by``: the commands that start it; ``met_by``: the commands that meet it;
    ``due``: the profile parameter that sets its limit (``None``: the date the plan sets);
    ``counts_from``: what the limit counts from (the starting event's date, the discharge
    notice's, the approved version's follow-up date, or when the need was identified: the
    opening's ``need_identified_at``, else the opening); ``owed_by``: who owes it;
    ``per``: one per case, per invitation (and invitee) or per plan version."""

    kind: str
    started_by: tuple[str, ...]
    met_by: tuple[str, ...]
    due: str | None
    counts_from: Literal["event", "discharge_notice", "follow_up_date", "need_identified"]
    owed_by: Literal["invitee", "coordinator", "opener"]
    per: Literal["case", "invitation", "version"]
    sources: tuple[Cite, ...]


OBLIGATIONS: tuple[Kind, ...] = (
    Kind("answer_invitation", ("send_invitation",), ("answer_invitation",),
         "invitation_answer", "event", "invitee", "invitation", (
             Cite("src_004", "Skicka kallelse", "De kallade verksamheterna bekräftar "
                  "mottagandet genom att besvara kallelsen inom 1 arbetsdag"),
         )),
    Kind("document_plan", ("hold_meeting", "start_follow_up"), ("document_plan",),
         "plan_documentation", "event", "coordinator", "version", (
             Cite("src_004", "Rutiner", "Mål och aktivitetsplanen ska upprättas inom "
                  "2 arbetsdagar efter mötet"),
         )),
    Kind("discharge_invitation", ("open_case",), ("send_invitation",),
         "discharge_invitation", "discharge_notice", "opener", "case", (
             Cite("lusv_4_3", "2 st.", "Kallelsen ska skickas senast tre dagar efter det att en "
                  "underrättelse enligt 3 kap. 1 § om att patienten är utskrivningsklar har "
                  "lämnats"),
             Cite("lag_1930_173_2"),
         )),
    Kind("follow_up", ("approve_plan",), ("start_follow_up",),
         None, "follow_up_date", "coordinator", "version", (
             Cite("src_000", "steg 6", "En SIP ska följas upp"),
             Cite("src_004", "Uppföljning", "Samordningsansvarig ansvarar för att målens "
                  "aktiviteter i SIP följs upp enligt plan"),
         )),
    # the people around the person and the whole plan (DOMAIN.md §12.4): the start deadline,
    # met by the first of the commands the profile names (of met_by).
    Kind("start_planning", ("open_case",), ("send_invitation", "hold_meeting"),
         "start_planning", "need_identified", "opener", "case", (
             Cite("hsl_16_4", "2 st.", "Arbetet med planen ska påbörjas utan dröjsmål"),
             Cite("sol_10_8", "1 st.", "Arbetet med planen ska påbörjas genast"),
             Cite("rv_sip_barn", "", "Enligt handlingsplanen för SIP innebär utan dröjsmål "
                  "10 dagar"),
             Cite("vastbus_sip", "", "Enligt överenskommelsen ska ett möte ske senast inom "
                  "tre veckor"),
             Cite("rb_sip", "", "kallelse till SIP ska ske skyndsamt, senast inom tre veckor"),
             Cite("hbg_sip", "", "upprätta en sip inom 15 dagar"),
         )),
)
KINDS: tuple[str, ...] = tuple(k.kind for k in OBLIGATIONS)
_BY_KIND: Mapping[str, Kind] = {k.kind: k for k in OBLIGATIONS}
_MEETING = frozenset(command for k in OBLIGATIONS for command in k.met_by)
_STARTED_BY: Mapping[str, tuple[Kind, ...]] = {
    command: tuple(k for k in OBLIGATIONS if command in k.started_by)
    for command in {c for k in OBLIGATIONS for c in k.started_by}
}
_CLOSING = frozenset({"decline_case", "refuse_consent", "withdraw_consent", "record_death",
                      "close_case"})


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
    sources: tuple[Source, ...]


class _Open:
    """An obligation while the events are read: what it is, and what has happened to it."""

    __slots__ = ("cancelled_at", "due", "kind", "met_at", "met_by", "scope", "starts_at",
                 "unit")

    def __init__(self, kind: Kind, unit: str | None, due: dt.date, starts_at: dt.datetime,
                 scope: int, met_by: tuple[str, ...] | None = None) -> None:
        self.kind, self.unit, self.due, self.starts_at, self.scope = (
            kind, unit, due, starts_at, scope)
        self.met_by = kind.met_by if met_by is None else met_by  # the profile may narrow it
        self.met_at: dt.datetime | None = None
        self.cancelled_at: dt.datetime | None = None

    @property
    def pending(self) -> bool:
        return self.met_at is None and self.cancelled_at is None


class _Reading:
    """Where a case stands while its events are read: which invitation and plan version is
    current, each version's follow-up date, the coordinators appointed."""

    def __init__(self) -> None:
        self.invitation = 0
        self.version = 0
        self.follow_up: dict[int, dt.date] = {}
        self.coordinators: list[tuple[dt.datetime, str]] = []

    def scope(self, kind: Kind) -> int:
        per = kind.per
        return self.version if per == "version" else self.invitation if per == "invitation" else 0


def terms(
    events: Sequence[Event], profile: Profile, units: Mapping[str, str]
) -> tuple[Term, ...]:
    """Every obligation that ``events`` start under ``profile``, whatever the time: the one
    projection of :data:`OBLIGATIONS` over a case's history."""
    found: list[_Open] = []
    now = _Reading()
    opener = events[0].unit if events else None
    for event in events:
        command = event.command
        if command in _MEETING:
            for term in found:
                if term.pending and _meets(term, event, now):
                    term.met_at = event.at
        _advance(now, event)
        if command in _CLOSING or command == "revoke_invitation":
            for term in found:
                if term.pending and (command in _CLOSING or term.kind.per == "invitation"):
                    term.cancelled_at = event.at
        for kind in _STARTED_BY.get(command, ()):
            found.extend(_started(kind, event, profile, units, now, opener))
    coordinators = tuple(now.coordinators)
    return tuple(
        Term(t.kind.kind, t.unit, t.due, t.starts_at, t.met_at, t.cancelled_at,
             coordinators if t.kind.owed_by == "coordinator" else ())
        for t in found
    )


def _meets(term: _Open, event: Event, now: _Reading) -> bool:
    """Whether ``event`` meets ``term``: a command that meets its kind, for the invitation or
    version it is about (and, for an invitee's answer, that invitee's)."""
    kind = term.kind
    return (event.command in term.met_by and term.scope == now.scope(kind)
            and (kind.owed_by != "invitee" or term.unit == getattr(event.args, "unit", None)))


def _advance(now: _Reading, event: Event) -> None:
    command = event.command
    if command == "send_invitation":
        now.invitation += 1
    elif command in ("hold_meeting", "start_follow_up"):
        now.version += 1
    elif command == "set_follow_up":
        now.follow_up[now.version] = event.args.date  # type: ignore[attr-defined]
    elif command == "appoint_coordinator" and event.unit:
        now.coordinators.append((event.at, event.unit))


def _started(
    kind: Kind, event: Event, profile: Profile, units: Mapping[str, str], now: _Reading,
    opener: str | None,
) -> list[_Open]:
    """The obligations of ``kind`` that ``event`` starts."""
    scope = now.scope(kind)
    if kind.counts_from == "follow_up_date":
        date = now.follow_up.get(now.version)
        return [] if date is None else [_Open(kind, None, date, event.at, scope)]
    if kind.counts_from == "need_identified":
        return _start_deadline(kind, event, profile, opener, scope)
    start = event.at
    if kind.counts_from == "discharge_notice":
        notice = getattr(event.args, "discharge_notice_at", None)
        if notice is None:
            return []
        start = notice
    day = local_date(start)
    limit = profile.duration(kind.due, day) if kind.due else None  # None: not in force then
    if limit is None:
        return []
    due = limit.after(day)
    if kind.owed_by == "opener":
        return [_Open(kind, opener, due, event.at, scope)]
    if kind.owed_by != "invitee":
        return [_Open(kind, None, due, event.at, scope)]
    return [
        _Open(kind, unit, due, event.at, scope)
        for unit in event.args.invitees  # type: ignore[attr-defined]
        if profile.answer_owed_by(units.get(unit, ""))
    ]


def _start_deadline(
    kind: Kind, event: Event, profile: Profile, opener: str | None, scope: int
) -> list[_Open]:
    """The start deadline from the need identified (else the opening): for a child only,
    where the profile says so; met by the command the profile names."""
    identified = getattr(event.args, "need_identified_at", None) or event.at
    start = local_date(identified)
    plan = profile.parameter("start_planning", start)
    if not isinstance(plan, StartPlanning):
        return []
    declaration = event.declaration
    if plan.children_only and (declaration is None or not declaration.person.is_child(
            start, profile.child_age_limit)):
        return []
    return [_Open(kind, opener, plan.after(start), event.at, scope, (plan.met_by,))]


def _as_of(term: Term, as_of: dt.datetime, day: dt.date) -> Obligation:
    return Obligation(
        term.kind,
        term.unit_at(as_of),
        term.due,
        term.status(as_of, day),
        term.starts_at,
        term.met_at if term.met_at is not None and term.met_at <= as_of else None,
        _sources(term.kind),
    )


@functools.cache
def _sources(kind: str) -> tuple[Source, ...]:
    return tuple(Source.of(c) for c in _BY_KIND[kind].sources)


def obligations(terms: Iterable[Term], as_of: dt.datetime) -> tuple[Obligation, ...]:
    """Every obligation of ``terms`` that exists at ``as_of``, with its status then."""
    day = local_date(as_of)
    return tuple(_as_of(t, as_of, day) for t in terms if t.starts_at <= as_of)


class HasTerms(Protocol):
    """A case, as far as the region-wide list reads it."""

    def obligation_terms(self) -> tuple[Term, ...]: ...


T = TypeVar("T", bound=HasTerms)


class DueList(list[tuple[T, Obligation]], Generic[T]):
    """The open and overdue obligations, with the cases whose obligations could not be
    computed (``uncomputable``: each case with the error), so one bad case does not hide the
    rest."""

    uncomputable: list[tuple[T, SipError]]

    def __init__(self) -> None:
        super().__init__()
        self.uncomputable = []


def obligations_due(cases: Iterable[T], as_of: dt.datetime) -> DueList[T]:
    """The open and overdue obligations across ``cases`` at ``as_of``, sorted by due date:
    the "what is late today" list of a region. A case whose obligations cannot be computed
    (a date beyond the calendar) is listed in the result's ``uncomputable``."""
    from sipcore.commands import aware

    as_of = aware("as_of", as_of)
    day = local_date(as_of)
    found: list[tuple[dt.date, int, T, Term]] = []
    out: DueList[T] = DueList()
    for n, case in enumerate(cases):
        try:
            case_terms = case.obligation_terms()
        except SipError as exc:
            out.uncomputable.append((case, exc))
            continue
        for term in case_terms:
            if term.starts_at <= as_of and term.status(as_of, day) in ("open", "overdue"):
                found.append((term.due, n, case, term))
    found.sort(key=lambda item: (item[0], item[1]))
    out.extend((case, _as_of(term, as_of, day)) for _, _, case, term in found)
    return out
