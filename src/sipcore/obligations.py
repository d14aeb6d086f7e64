"""Obligations: what some unit owes by a date, and its status as of a given time (DOMAIN.md §6).

Each kind of obligation is a row of :data:`OBLIGATIONS`: the commands that start it and meet
it, the profile parameter that sets its time limit, what the limit counts from, and who owes
it. One projection, :func:`terms`, reads the table over a case's events.

An obligation exists from the command that starts it. As of a time T it is ``met`` when the
command that meets it came at or before T (late or not: ``met_at`` tells); ``cancelled`` when,
at or before T, the case closed or the invitation was revoked before it was met; ``overdue``
when its due date is before T's local date (or, where it is due at a time, ``due_at``, when T is
past that time); otherwise ``open`` (also while it has no due date yet). Dates are local to
Europe/Stockholm. Where the profile has no value for a kind's duration on the day it would
start, that kind does not arise.

The kinds of a discharge case (DOMAIN.md §10.2) arise only while the profile's
``discharge_invitation`` is in force (Lag 2017:612, from 2018-01-01), and the kallelse only in
a samordnad plan vid utskrivning (``SPU``: 4 kap. 3 § is about the planning of 4 kap. 1 § 1 st.).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Generic, Literal, NamedTuple, Protocol, TypeVar

import attrs

from sipcore.deadlines import local_date, stockholm
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
    counts_from: Literal["event", "discharge_notice", "follow_up_date", "admission",
                         "discharge", "same_day", "need_identified"]
    owed_by: Literal["invitee", "coordinator", "opener", "fast_vardkontakt", "notice_region"]
    per: Literal["case", "invitation", "version"]
    sources: tuple[Cite, ...]
    # --- discharge from inpatient care (DOMAIN.md §10)
    # ``plan_types``: the plan types it arises in (empty: every one); ``in_force_with``: the
    # profile parameter whose dates it arises within (the statute's: before it, none).
    plan_types: tuple[str, ...] = attrs.field(default=(), kw_only=True)
    in_force_with: str | None = attrs.field(default=None, kw_only=True)


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
    Kind("discharge_invitation", ("open_case", "notify_discharge_ready"), ("send_invitation",),
         "discharge_invitation", "discharge_notice", "fast_vardkontakt", "case", (
             Cite("lusv_4_3", "1 st.", "En kallelse till den samordnade individuella planering "
                  "som avses i 1 § första stycket ska skickas till berörda enheter av patientens "
                  "fasta vårdkontakt i den regionfinansierade öppna vården."),
             Cite("lusv_4_3", "2 st.", "Kallelsen ska skickas senast tre dagar efter det att en "
                  "underrättelse enligt 3 kap. 1 § om att patienten är utskrivningsklar har "
                  "lämnats"),
             Cite("lag_1930_173_2"),
         ), plan_types=("SPU",), in_force_with="discharge_invitation"),
    Kind("follow_up", ("approve_plan",), ("start_follow_up",),
         None, "follow_up_date", "coordinator", "version", (
             Cite("src_000", "steg 6", "En SIP ska följas upp"),
             Cite("src_004", "Uppföljning", "Samordningsansvarig ansvarar för att målens "
                  "aktiviteter i SIP följs upp enligt plan"),
         )),
    # --- discharge from inpatient care (DOMAIN.md §10)
    Kind("admission_notice", ("open_case",), ("send_admission_notice",),
         None, "admission", "opener", "case", (
             Cite("lusv_2_3", "", "Ett inskrivningsmeddelande ska skickas senast 24 timmar "
                  "efter det att patienten har skrivits in i den slutna vården."),
             Cite("lusv_2_1"),
         ), in_force_with="discharge_invitation"),
    Kind("appoint_fast_vardkontakt", ("send_admission_notice",), ("appoint_fast_vardkontakt",),
         None, "discharge", "notice_region", "case", (
             Cite("lusv_2_5", "", "Verksamhetschefen ska utse den fasta vårdkontakten innan "
                  "patienten skrivs ut från den slutna vården."),
         ), in_force_with="discharge_invitation"),
    Kind("transfer_information", ("record_discharge",), ("transfer_information",),
         None, "same_day", "opener", "case", (
             Cite("lusv_3_2", "", "ska överföras senast samma dag som patienten skrivs ut från "
                  "den slutna vården"),
         ), in_force_with="discharge_invitation"),
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
# Admission notice within 24 hours (Lag 2017:612 2 kap. 3 §): elapsed time (DOMAIN.md §15).
ADMISSION_NOTICE_WITHIN = dt.timedelta(hours=24)
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
    due: dt.date | None  # None: no due date yet (a fast vårdkontakt before the discharge)
    starts_at: dt.datetime
    met_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    # (appointed at, unit), in order: the coordinators, or the fast vårdkontakts for the kinds
    # they owe
    coordinators: tuple[tuple[dt.datetime, str], ...] = ()
    due_at: dt.datetime | None = None  # due at a time (an admission notice: 24 hours)
    by_appointment: bool = False  # owed by whoever is appointed (none before the first)
    region: str | None = None  # whose routines it cites (None: the national profile's case)

    def unit_at(self, as_of: dt.datetime) -> str | None:
        """The unit that owes this as of ``as_of``: for the coordinator's kinds, the unit of
        the coordinator in office then (source 004: "Samordningsansvarigs enhet är
        övergripande ansvarig för planen")."""
        if not self.coordinators and not self.by_appointment:
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
        if self.due_at is not None:
            return "overdue" if as_of > self.due_at else "open"
        return "overdue" if self.due is not None and self.due < day else "open"


@attrs.frozen(weakref_slot=False)
class Obligation:
    """An obligation as of a time."""

    kind: str
    unit: str | None
    due: dt.date | None
    status: Status
    starts_at: dt.datetime
    met_at: dt.datetime | None
    sources: tuple[Source, ...]
    due_at: dt.datetime | None = None  # where it is due at a time (``due`` is its local date)


class _Open:
    """An obligation while the events are read: what it is, and what has happened to it."""

    __slots__ = ("cancelled_at", "due", "due_at", "kind", "met_at", "met_by", "scope",
                 "starts_at", "unit")

    def __init__(self, kind: Kind, unit: str | None, due: dt.date | None,
                 starts_at: dt.datetime, scope: int,
                 due_at: dt.datetime | None = None, met_by: tuple[str, ...] | None = None) -> None:
        self.kind, self.unit, self.due, self.starts_at, self.scope = (
            kind, unit, due, starts_at, scope)
        self.due_at = due_at
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
        self.fast_vardkontakter: list[tuple[dt.datetime, str]] = []
        self.transfers: list[dt.datetime] = []
        self.discharged_at: dt.datetime | None = None
        self.started: set[str] = set()  # the kinds one per case that have started

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
    plan_type = _plan_type(events[0].args) if events else "SIP"
    for event in events:
        command = event.command
        if command in _MEETING:
            for term in found:
                if term.pending and _meets(term, event, now):
                    term.met_at = event.at
                    _met(term, event)
        _advance(now, event, found)
        if command in _CLOSING or command == "revoke_invitation":
            for term in found:
                if term.pending and (command in _CLOSING or term.kind.per == "invitation"):
                    term.cancelled_at = event.at
        for kind in _STARTED_BY.get(command, ()):
            if kind.plan_types and plan_type not in kind.plan_types:
                continue
            if kind.per == "case" and kind.kind in now.started:
                continue  # one per case: the first command that starts it
            started = _started(kind, event, profile, units, now, opener)
            if started:
                now.started.add(kind.kind)
                found.extend(started)
    coordinators = tuple(now.coordinators)
    fast = tuple(now.fast_vardkontakter)
    region = None if profile.extends is None else profile.id  # as the rulebook's findings
    return tuple(
        Term(t.kind.kind, t.unit, t.due, t.starts_at, t.met_at, t.cancelled_at,
             coordinators if t.kind.owed_by == "coordinator"
             else fast if t.kind.owed_by == "fast_vardkontakt" else (),
             t.due_at, t.kind.owed_by == "fast_vardkontakt", region)
        for t in found
    )


def _plan_type(opening: object) -> str:
    """The plan type the opening event's arguments decide (as :attr:`SipCase.plan_type`)."""
    if getattr(opening, "compulsory_care", None) is not None:
        return "SPLPTLRV"
    discharge = getattr(opening, "admitted_at", None) or getattr(
        opening, "discharge_notice_at", None)
    return "SPU" if discharge is not None else "SIP"


def _meets(term: _Open, event: Event, now: _Reading) -> bool:
    """Whether ``event`` meets ``term``: a command that meets its kind, for the invitation or
    version it is about (and, for an invitee's answer, that invitee's); a fast vårdkontakt,
    only before the discharge (DOMAIN.md §10.2)."""
    kind = term.kind
    if kind.counts_from == "discharge" and now.discharged_at is not None:
        return False  # a fast vårdkontakt is appointed before the discharge (2 kap. 5 §)
    return (event.command in term.met_by and term.scope == now.scope(kind)
            and (kind.owed_by != "invitee" or term.unit == getattr(event.args, "unit", None)))


def _met(term: _Open, event: Event) -> None:
    """What meeting ``term`` tells of its due time: an admission notice that gives when the
    physician made the assessment is due 24 hours after that (Lag 2017:612 2 kap. 3 §)."""
    assessed = getattr(event.args, "assessed_at", None)
    if term.kind.counts_from == "admission" and assessed is not None:
        term.due_at = _elapsed(assessed, ADMISSION_NOTICE_WITHIN)
        term.due = local_date(term.due_at)


def _elapsed(start: dt.datetime, span: dt.timedelta) -> dt.datetime:
    """``span`` of elapsed time after ``start`` (an aware datetime's own arithmetic counts wall
    clock time, an hour off across a change of summer time), as a Stockholm time."""
    return (start.astimezone(dt.UTC) + span).astimezone(stockholm())


def _advance(now: _Reading, event: Event, found: list[_Open]) -> None:
    command = event.command
    if command == "send_invitation":
        now.invitation += 1
    elif command in ("hold_meeting", "start_follow_up"):
        now.version += 1
    elif command == "set_follow_up":
        now.follow_up[now.version] = event.args.date  # type: ignore[attr-defined]
    elif command == "appoint_coordinator" and event.unit:
        now.coordinators.append((event.at, event.unit))
    elif command == "appoint_fast_vardkontakt" and event.unit:
        # the fast vårdkontakt is also the coordinator (DOMAIN.md §10.1)
        now.coordinators.append((event.at, event.unit))
        now.fast_vardkontakter.append((event.at, event.unit))
    elif command == "record_discharge":
        now.discharged_at = event.at
        day = local_date(event.at)
        for term in found:  # a fast vårdkontakt is due by the discharge (2 kap. 5 §)
            if term.kind.counts_from == "discharge" and term.due is None:
                term.due = day
    elif command == "transfer_information":
        now.transfers.append(event.at)


def _started(
    kind: Kind, event: Event, profile: Profile, units: Mapping[str, str], now: _Reading,
    opener: str | None,
) -> list[_Open]:
    """The obligations of ``kind`` that ``event`` starts."""
    scope = now.scope(kind)
    day = local_date(event.at)
    if kind.in_force_with is not None and profile.duration(kind.in_force_with, day) is None:
        return []
    counts_from = kind.counts_from
    if counts_from == "follow_up_date":
        date = now.follow_up.get(now.version)
        return [] if date is None else [_Open(kind, None, date, event.at, scope)]
    if kind.counts_from == "need_identified":
        return _start_deadline(kind, event, profile, opener, scope)
    if counts_from == "admission":
        admitted = getattr(event.args, "admitted_at", None)
        if admitted is None:
            return []
        due_at = _elapsed(admitted, ADMISSION_NOTICE_WITHIN)
        return [_Open(kind, opener, local_date(due_at), event.at, scope, due_at)]
    if counts_from == "discharge":
        region = next((u for u in event.args.to  # type: ignore[attr-defined]
                       if units.get(u) == "region"), None)
        term = _Open(kind, region, None, event.at, scope)
        if now.fast_vardkontakter:  # already appointed: may go on (2 kap. 5 §)
            term.met_at = event.at
        return [term]
    if counts_from == "same_day":
        term = _Open(kind, opener, day, event.at, scope)
        same_day = [t for t in now.transfers if local_date(t) == day]
        if same_day:  # transferred earlier the same day
            term.met_at = same_day[0]
        return [term]
    start = event.at
    if counts_from == "discharge_notice":
        notice = getattr(event.args, "discharge_notice_at", None)
        if event.command != "open_case":
            notice = event.at  # notify_discharge_ready: the notice is sent at its time
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
    return [_Open(kind, opener, plan.after(start), event.at, scope, met_by=(plan.met_by,))]


def _as_of(term: Term, as_of: dt.datetime, day: dt.date) -> Obligation:
    return Obligation(
        term.kind,
        term.unit_at(as_of),
        term.due,
        term.status(as_of, day),
        term.starts_at,
        term.met_at if term.met_at is not None and term.met_at <= as_of else None,
        _sources(term.kind, local_date(term.starts_at), term.region),
        term.due_at,
    )


@functools.lru_cache(maxsize=256)  # a few kinds, periods and regions
def _sources(kind: str, day: dt.date, region: str | None) -> tuple[Source, ...]:
    """The sources of an obligation of ``kind`` that started on ``day`` in a case under the
    profile of ``region`` (DOMAIN.md §5.1): the statute sections in force that day, and only
    that region's routines."""
    return tuple(Source.of(c) for c in _BY_KIND[kind].sources if c.ref.applies(day, region))


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
    found: list[tuple[dt.date, int, T, Term]] = []  # (due, or last when none yet, …)
    out: DueList[T] = DueList()
    for n, case in enumerate(cases):
        try:
            case_terms = case.obligation_terms()
        except SipError as exc:
            out.uncomputable.append((case, exc))
            continue
        for term in case_terms:
            if term.starts_at <= as_of and term.status(as_of, day) in ("open", "overdue"):
                found.append((term.due or dt.date.max, n, case, term))
    found.sort(key=lambda item: (item[0], item[1]))
    out.extend((case, _as_of(term, as_of, day)) for _, _, case, term in found)
    return out
