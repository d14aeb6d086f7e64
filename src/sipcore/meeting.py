"""The invitation (kallelse) and the SIP meeting: who is called, who answers, who stands in,
and what the meeting records."""

from __future__ import annotations

import datetime as dt

import attrs

from sipcore.commands import AnswerInvitation, Given, HoldMeeting, SendInvitation, StartFollowUp
from sipcore.legal import Cite
from sipcore.rules import Context, Failed, rule

__all__ = ["Answer", "Invitation", "Meeting"]


# --- the rules ---------------------------------------------------------------------------------


@rule(
    "invitation.coordinator", "off",
    sv="Samordningsansvarig ska vara utsedd innan kallelsen skickas.",
    en="A coordinator must be appointed before the invitation is sent.",
    sources=(
        Cite("src_004", "Förberedelser inför mötet", "Den enhet som tagit initiativet till mötet "
             "utser en samordningsansvarig som inhämtar samtycke samt håller i det första "
             "mötet"),
    ),
    regional=True,
)
def invitation_coordinator(ctx: Context[SendInvitation]) -> Failed | None:
    return None if ctx.case.coordinator is not None else Failed("missing", parts=("coordinator",))


@rule(
    "invitation.meeting_time", "must",
    sv="Kallelsen ska avse ett möte som ligger efter kallelsen.",
    en="The invitation must call to a meeting that lies after it.",
    sources=(
        Cite("src_000", "steg 4", "Inbjudan skickas skriftligt"),
        Cite("src_004", "Skicka kallelse till samordnad individuell planering",
             "Kallelsen ska skickas i god tid innan utsatt möte"),
    ),
)
def invitation_meeting_time(ctx: Context[SendInvitation]) -> Failed | None:
    meeting_at = ctx.args.meeting_at
    if meeting_at > ctx.at:
        return None
    return Failed("meeting_not_after", value=meeting_at.isoformat(), dates=(ctx.day,))


@rule(
    "invitation.substitute", "should",
    sv="En kallad enhet som inte kan delta ska utse en ersättare inom den egna verksamheten.",
    en="An invited unit that cannot attend must name a substitute from its own unit.",
    sources=(
        Cite("src_000", "steg 4", "Vid förhinder ska en ersättare utses inom den egna "
             "verksamheten"),
    ),
    regional=True,
)
def invitation_substitute(ctx: Context[AnswerInvitation]) -> Failed | None:
    args = ctx.args
    if args.attending or (args.substitute or "").strip():
        return None
    return Failed("missing", units=(args.unit,), parts=("substitute",))


@rule(
    "meeting.child_view", "must",
    sv="För barn ska barnets egen syn föras fram på mötet, oavsett om barnet deltar.",
    en="For a child, the child's own view is recorded at the meeting, attending or not.",
    sources=(
        Cite("src_000", "steg 2", "Barnets egna önskemål och behov ska framföras i mötet oavsett "
             "om barnet deltar eller inte"),
        Cite("src_004", "", "Om barnet väljer att inte delta så måste barnet ges möjlighet att "
             "berätta om sin åsikt för någon som kan förmedla barnets röst på mötet"),
    ),
)
def meeting_child_view(ctx: Context[HoldMeeting]) -> Failed | None:
    view = ctx.args.child_view
    if not ctx.child or (view or "").strip():
        return None
    return Failed("missing", parts=("child_view",))


# --- the records -------------------------------------------------------------------------------


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
    relatives = Given[tuple[str, ...]](default=())  # the relatives invited (DOMAIN.md §11.1)

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
    kva: str | None

    participants = Given[tuple[str, ...]]()
    person_present = Given[bool](default=True)
    child_view = Given[str | None](default=None)
    patient_view = Given[str | None](default=None)  # a samordnad vårdplan's (DOMAIN.md §10.4)
    relatives = Given[tuple[str, ...]](default=())  # DOMAIN.md §11
    representative = Given[str | None](default=None)
    leader = Given[str | None](default=None)

    @property
    def kind(self) -> str:
        return "follow_up" if self.args.command == "start_follow_up" else "meeting"
