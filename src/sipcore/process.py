"""The process around the plan: declining and closing a case, the coordinator, the invitation
and the SIP meeting, with their rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

import attrs

from sipcore.commands import (
    AnswerInvitation,
    AppointCoordinator,
    Given,
    HoldMeeting,
    SendInvitation,
    StartFollowUp,
)
from sipcore.legal import Cite
from sipcore.rules import Context, declare, rule

__all__ = ["Answer", "Coordinator", "Invitation", "Meeting", "Units"]

PRINCIPALS = ("region", "municipality", "school", "other")


@attrs.frozen(eq=False, weakref_slot=False)
class Units(Mapping[str, str]):
    """The units of a case, each id with its principal, in the order declared (a read-only
    mapping: a case holds a handful, so two short tuples serve better than a dict)."""

    ids: tuple[str, ...]
    principals: tuple[str, ...]

    @classmethod
    def of(cls, pairs: Mapping[str, str]) -> Units:
        return cls(tuple(pairs), tuple(pairs.values()))

    def __getitem__(self, unit: str) -> str:
        try:
            return self.principals[self.ids.index(unit)]
        except ValueError:
            raise KeyError(unit) from None

    def __contains__(self, unit: object) -> bool:
        return unit in self.ids

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __hash__(self) -> int:
        return hash((self.ids, self.principals))

    def __repr__(self) -> str:
        return f"Units({dict(self)!r})"


@attrs.frozen(weakref_slot=False)
class Coordinator:
    """Samordningsansvarig: a person and the unit that holds overall responsibility, as
    appointed."""

    appointed_at: dt.datetime
    args: AppointCoordinator

    person = Given[str]()
    unit = Given[str]()


@attrs.frozen(weakref_slot=False)
class Answer:
    """An invited unit's answer: attending, or not and then who stands in."""

    at: dt.datetime
    args: AnswerInvitation

    unit = Given[str]()
    attending = Given[bool]()
    attendee = Given[str | None]()
    substitute = Given[str | None]()


@attrs.frozen(weakref_slot=False)
class Invitation:
    """A written call to the SIP meeting, as sent, with every answer to it."""

    sent_at: dt.datetime
    args: SendInvitation
    answers: tuple[Answer, ...] = ()  # every answer, in the order given
    revoked_at: dt.datetime | None = None

    meeting_at = Given[dt.datetime]()
    place = Given[str]()
    form = Given[str]()
    invitees = Given[tuple[str, ...]]()

    @property
    def latest_answers(self) -> dict[str, Answer]:
        """Each unit that answered, with its latest answer (a later answer replaces one
        before it)."""
        return {a.unit: a for a in self.answers}

    @property
    def first_answered(self) -> dict[str, dt.datetime]:
        """Each unit that answered, with the time of its first answer (what the reply
        deadline asks about)."""
        first: dict[str, dt.datetime] = {}
        for a in self.answers:
            first.setdefault(a.unit, a.at)
        return first

    def answered(self, answer: Answer) -> Invitation:
        """This invitation with ``answer`` added."""
        return Invitation(self.sent_at, self.args, (*self.answers, answer), self.revoked_at)

    def revoked(self, at: dt.datetime) -> Invitation:
        """This invitation, revoked at ``at``."""
        return Invitation(self.sent_at, self.args, self.answers, at)


@attrs.frozen(weakref_slot=False)
class Meeting:
    """A SIP meeting (``kind`` "meeting") or follow-up meeting ("follow_up"), as held, with
    its KVÅ code."""

    at: dt.datetime
    args: HoldMeeting | StartFollowUp
    kva: str

    participants = Given[tuple[str, ...]]()
    person_present = Given[bool](default=True)
    child_view = Given[str | None](default=None)

    @property
    def kind(self) -> str:
        return "follow_up" if self.args.command == "start_follow_up" else "meeting"


declare(
    "case.closed", "must",
    "Ett avslutat SIP-ärende kan inte ändras.",
    "A closed SIP case cannot change.",
    Cite("src_000", "steg 7", "Varje huvudman ansvarar för att dokumentera avslutet"),
    Cite("src_004", "Avsluta SIP", "När samordning inte längre krävs ska planen avslutas"),
)


@rule(
    "case.decline_reason", "must",
    "Att neka någon en SIP ska motiveras; skälet ska dokumenteras.",
    "Declining a SIP needs a documented reason.",
    Cite("src_000", "steg 1", "Att neka någon en SIP bör endast ske i undantagsfall och skälet "
         "ska dokumenteras"),
)
def case_decline_reason(ctx: Context) -> str | None:
    reason: str | None = ctx.args.reason
    return "reason saknas / missing" if reason is None or not reason.strip() else None


@rule(
    "case.close_reason", "must",
    "Avslut ska ange en anledning: målen är uppfyllda (goals_met) eller samordning behövs inte "
    "längre (no_longer_needed).",
    "Closing needs a reason: goals met (goals_met) or coordination no longer needed "
    "(no_longer_needed).",
    Cite("src_004", "Avsluta SIP", "Ange en anledning och klicka på Avsluta plan"),
    Cite("src_000", "steg 7", "när den enskildes mål är uppfyllda, när det inte längre finns "
         "behov av samordning"),
)
def case_close_reason(ctx: Context) -> str | None:
    reason: str | None = ctx.args.reason
    if reason in ("goals_met", "no_longer_needed"):
        return None
    return "reason saknas / missing" if not reason else repr(reason)


@rule(
    "coordinator.principal", "must",
    "Samordningsansvarig enhet ska höra till regionen eller kommunen (för barn även skolan, där "
    "profilen gör skolan till huvudman).",
    "The coordinator's unit must belong to the region or the municipality (for a child also the "
    "school, where the profile makes school a principal).",
    Cite("hsl_16_4", "4 st. 4 p.", "vem av huvudmännen som ska ha det övergripande ansvaret "
         "för planen"),
    Cite("sol_10_8", "2 st. 4 p."),
    Cite("hsl_1982_3f", "3 st. 4 p."),
    Cite("sol_2001_2_7", "3 st. 4 p."),
    Cite("src_002", "Barn under 18 år", "Förskola/skola ingår som jämlik part i Jönköpings läns "
         "överenskommelse om SIP för barn och unga"),
)
def coordinator_principal(ctx: Context) -> str | None:
    unit: str = ctx.args.unit
    principal = ctx.case.units[unit]
    if principal in ("region", "municipality"):
        return None
    if (
        principal == "school"
        and ctx.profile.school_principal_for_children
        and ctx.case.person.is_child(ctx.day, ctx.profile.child_age_limit)
    ):
        return None
    return f"{unit}: {principal}"


@rule(
    "invitation.coordinator", "off",
    "Samordningsansvarig ska vara utsedd innan kallelsen skickas.",
    "A coordinator must be appointed before the invitation is sent.",
    Cite("src_004", "Förberedelser inför mötet", "Den enhet som tagit initiativet till mötet "
         "utser en samordningsansvarig som inhämtar samtycke samt håller i det första mötet"),
    regional=True,
)
def invitation_coordinator(ctx: Context) -> str | None:
    return None if ctx.case.coordinator is not None else "ingen samordningsansvarig / none"


@rule(
    "invitation.substitute", "must",
    "En kallad enhet som inte kan delta ska utse en ersättare inom den egna verksamheten.",
    "An invited unit that cannot attend must name a substitute from its own unit.",
    Cite("src_000", "steg 4", "Vid förhinder ska en ersättare utses inom den egna "
         "verksamheten"),
)
def invitation_substitute(ctx: Context) -> str | None:
    args = ctx.args
    if args.attending or (args.substitute or "").strip():
        return None
    return f"{args.unit}: substitute saknas / missing"


@rule(
    "meeting.child_view", "must",
    "För barn ska barnets egen syn föras fram på mötet, oavsett om barnet deltar.",
    "For a child, the child's own view is recorded at the meeting, attending or not.",
    Cite("src_000", "steg 2", "Barnets egna önskemål och behov ska framföras i mötet oavsett om "
         "barnet deltar eller inte"),
    Cite("src_004", "", "Om barnet väljer att inte delta så måste barnet ges möjlighet att "
         "berätta om sin åsikt för någon som kan förmedla barnets röst på mötet"),
)
def meeting_child_view(ctx: Context) -> str | None:
    if not ctx.case.person.is_child(ctx.day, ctx.profile.child_age_limit):
        return None
    view: str | None = ctx.args.child_view
    return "child_view saknas / missing" if view is None or not view.strip() else None
