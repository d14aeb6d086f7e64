"""The people around the person (DOMAIN.md §11): närstående, representatives, a child's
consent, the meeting leader; and who the plan is handed to (§12.3).

Relatives are given the chance to take part when it is suitable and the person does not object
(HSL 16 kap. 4 § 3 st.; SoL (2025:400) 10 kap. 9 §). A representative (god man, förvaltare,
framtidsfullmakt, anhörigbehörighet, fullmakt) acts for the person only within the mandate, and
takes part instead of the person only with the person's consent to it (source 000). The plan is
handed to the person, and to others with the person's consent (sources 000, 003, 004).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from sipcore.commands import (
    HAND_OUT_TO,
    AppointMeetingLeader,
    Command,
    Given,
    HandOutPlan,
    HoldMeeting,
    NamesRelatives,
    RecordConsent,
    RecordRelative,
    RegisterRepresentative,
    SendInvitation,
)
from sipcore.consent import in_force
from sipcore.deadlines import local_date
from sipcore.errors import InputError
from sipcore.legal import Cite
from sipcore.rules import Context, Failed, rule

if TYPE_CHECKING:
    from sipcore.case import SipCase
    from sipcore.events import Event

__all__ = [
    "NO_PEOPLE", "Handout", "MeetingLeader", "People", "Relative", "Representative",
    "check_references", "people_of",
]

_HSL_RELATIVES = Cite("hsl_16_4", "3 st.", "Närstående ska ges möjlighet att delta i arbetet "
                      "med planen, om det är lämpligt och den enskilde inte motsätter sig det")
_SOL_RELATIVES = Cite("sol_10_9", "", "Närstående ska ges möjlighet att delta i arbetet med "
                      "planen, om det är lämpligt och den enskilde inte motsätter sig det")
_SRC000_RELATIVES = Cite("src_000", "steg 2", "Närstående ska få möjlighet att delta om den "
                         "enskilde vill")
_SRC000_REPRESENTATIVE = Cite("src_000", "steg 2", "Om den enskilde inte själv vill delta i "
                              "planeringen kan en företrädare delta istället, förutsatt att den "
                              "enskilde samtycker till det")
_SRC004_HANDOUT = Cite("src_004", "Dokumentation av SIP", "När planen är klar skrivs den ut och "
                       "ges till den enskilde och övriga (efter den enskildes medgivande)")


# --- the rules ---------------------------------------------------------------------------------


@rule(
    "relatives.objection", "must",
    sv="Ingen närstående som den enskilde motsätter sig får kallas, delta eller få planen.",
    en="No relative the person objects to is invited, takes part or is handed the plan.",
    sources=(_HSL_RELATIVES, _SOL_RELATIVES, Cite("hsl_1982_3f", "2 st."),
             Cite("sol_2001_2_7", "2 st."), _SRC000_RELATIVES, _SRC004_HANDOUT),
)
def relatives_objection(ctx: Context[NamesRelatives]) -> Failed | None:
    objected = tuple(
        rid for rid in ctx.args.relatives_named
        if (relative := ctx.case.relative(rid)) is not None and relative.person_objects
    )
    return Failed("objected", ids=objected) if objected else None


@rule(
    "relatives.offered", "should",
    sv="Varje närstående som den enskilde inte motsätter sig bör ha bjudits in att delta.",
    en="Every relative the person does not object to should have been invited to take part.",
    sources=(_HSL_RELATIVES, _SOL_RELATIVES, Cite("hsl_1982_3f", "2 st."),
             Cite("sol_2001_2_7", "2 st."), _SRC000_RELATIVES,
             Cite("src_004", "Samordningsansvarig", "att närstående aktivt bjuds in att delta")),
)
def relatives_offered(ctx: Context[object]) -> Failed | None:
    if not ctx.case.relatives:
        return None
    offered = {rid for invitation in ctx.case.invitations for rid in invitation.relatives}
    missing = tuple(r.id for r in ctx.case.relatives
                    if not r.person_objects and r.id not in offered)
    return Failed("not_offered", ids=missing) if missing else None


@rule(
    "consent.representative", "must",
    sv="En företrädare samtycker bara om den är registrerad, uppdraget gäller i dag och "
       "omfattar samtycke.",
    en="A representative consents only when registered, with a mandate in force today that "
       "covers consent.",
    sources=(
        Cite("kg_stallforetradare", "God man och förvaltare", "en god man i regel inte får "
             "fatta beslut som rör den enskildes socialtjänst utan sin huvudmans samtycke"),
        Cite("src_000", "steg 2", "Den som inte kan lämna sitt samtycke har ändå möjligheten "
             "att få sina insatser samordnade i en SIP"),
    ),
)
def consent_representative(ctx: Context[RecordConsent]) -> Failed | None:
    if ctx.args.given_by != "representative":
        return None
    rid = ctx.args.representative
    if not (rid or "").strip():
        return Failed("missing", parts=("representative",))
    return _mandate(ctx.case.representative(rid or ""), rid or "", ctx.day, consent=True)


@rule(
    "meeting.representative", "must",
    sv="En företrädare deltar i stället för den enskilde bara med den enskildes samtycke till "
       "det och medan uppdraget gäller.",
    en="A representative takes part instead of the person only with the person's consent to it "
       "and while the mandate is in force.",
    sources=(_SRC000_REPRESENTATIVE,),
)
def meeting_representative(ctx: Context[HoldMeeting]) -> Failed | None:
    rid = ctx.args.representative
    if rid is None:
        return None
    expired = _mandate(ctx.case.representative(rid), rid, ctx.day, consent=False)
    if expired is not None:
        return expired
    agreed = any(
        c.given_by == "person" or c.args.representative == rid  # the person, or within mandate
        for c in in_force(ctx)
    )
    return None if agreed else Failed("no_consent_to_representative", value=rid)


@rule(
    "meeting.leader", "must",
    sv="Där profilen kräver det ska en mötesledare som inte är samordningsansvarig vara utsedd "
       "före mötet.",
    en="Where the profile requires it, a meeting leader other than the coordinator is appointed "
       "before the meeting.",
    sources=(
        Cite("src_004", "Samordningsansvarig", "Att se till att en mötesledare är utsedd innan "
             "mötet ifall mötesledaren är någon annan än samordningsansvarig"),
    ),
    applies=lambda profile: profile.meeting_leader_appointed,
)
def meeting_leader(ctx: Context[HoldMeeting]) -> Failed | None:
    leader, coordinator = ctx.args.leader, ctx.case.coordinator
    if not ctx.profile.meeting_leader_appointed or leader is None:
        return None
    if coordinator is not None and leader == coordinator.person:
        return None
    appointed = ctx.case.meeting_leader
    if appointed is not None and appointed.person == leader:
        return None
    return Failed("leader_not_appointed", value=leader)


@rule(
    "consent.child_together", "should",
    sv="Där profilen säger det är det önskvärt att barnet samtycker tillsammans med "
       "vårdnadshavarna (with_child).",
    en="Where the profile says so, the child should consent together with the guardians "
       "(with_child).",
    sources=(
        Cite("src_004", "Den enskildes delaktighet och samtycke", "önskvärt är att barn och "
             "vårdnadshavare ger sitt samtycke tillsammans"),
    ),
    regional=True,
    applies=lambda profile: profile.child_consent == "guardians_with_child",
)
def consent_child_together(ctx: Context[RecordConsent]) -> Failed | None:
    args = ctx.args
    if ctx.profile.child_consent != "guardians_with_child" or args.given_by != "guardians":
        return None
    if args.with_child or not ctx.child:
        return None
    return Failed("child_not_with")


@rule(
    "plan.handed_to_person", "should",
    sv="Den senast godkända planversionen bör ha lämnats till den enskilde (för barn till "
       "vårdnadshavarna).",
    en="The latest approved plan version should have been handed to the person (for a child, "
       "to the guardians).",
    sources=(
        Cite("src_000", "Dokumentation", "Originalet lämnas till den enskilde"),
        Cite("src_002", "", "För barn gäller att både vårdnadshavare och barnet (beroende på "
             "ålder) ska få planen"),
        Cite("src_003", "Mötet", "Alla som är med vid mötet får en kopia av planen"),
        _SRC004_HANDOUT,
    ),
)
def plan_handed_to_person(ctx: Context[object]) -> Failed | None:
    approved = [v.number for v in ctx.case.versions if v.approved]
    if not approved:
        return None
    to = "guardians" if ctx.child else "person"
    if any(h.version == approved[-1] and to in h.to for h in ctx.case.handouts):
        return None
    return Failed("not_handed", value=str(approved[-1]), parts=(to,))


def _mandate(
    found: Representative | None, rid: str, day: dt.date, *, consent: bool
) -> Failed | None:
    if found is None:
        return Failed("representative_unknown", value=rid)
    if found.valid_until < day:
        return Failed("mandate_expired", value=rid, dates=(found.valid_until, day))
    if consent and not found.covers_consent:
        return Failed("mandate_without_consent", value=rid)
    return None


# --- the records -------------------------------------------------------------------------------


@attrs.frozen(weakref_slot=False)
class Relative:
    """A relative (närstående) as last recorded."""

    recorded_at: dt.datetime
    args: RecordRelative

    id = Given[str]()
    relation = Given[str]()
    person_objects = Given[bool]()


@attrs.frozen(weakref_slot=False)
class Representative:
    """A representative (företrädare) as last registered, with the mandate's kind and end."""

    registered_at: dt.datetime
    args: RegisterRepresentative

    id = Given[str]()
    kind = Given[str]()
    valid_until = Given[dt.date]()
    covers_consent = Given[bool]()
    journal_ref = Given[str]()

    def in_force(self, day: dt.date) -> bool:
        """Whether the mandate holds on ``day`` (``valid_until`` inclusive)."""
        return day <= self.valid_until


@attrs.frozen(weakref_slot=False)
class MeetingLeader:
    """The meeting leader (mötesledare) appointed before the meeting."""

    appointed_at: dt.datetime
    args: AppointMeetingLeader

    person = Given[str]()
    unit = Given[str]()


@attrs.frozen(weakref_slot=False)
class Handout:
    """An approved plan version handed to the person, the guardians, relatives and units."""

    at: dt.datetime
    args: HandOutPlan

    version = Given[int]()
    to = Given[tuple[str, ...]]()


@attrs.frozen(weakref_slot=False)
class People:
    """The people around the person as the case has recorded them, and the hand-outs: one
    value per case (a case without any shares :data:`NO_PEOPLE`)."""

    relatives: tuple[Relative, ...] = ()
    representatives: tuple[Representative, ...] = ()
    meeting_leader: MeetingLeader | None = None
    handouts: tuple[Handout, ...] = ()


NO_PEOPLE = People()
_RECORDS = frozenset({"record_relative", "register_representative", "appoint_meeting_leader",
                      "hand_out_plan"})


def people_of(events: Sequence[Event]) -> People:
    """The people around the person as ``events`` record them: each relative and
    representative as last recorded, the meeting leader last appointed, every hand-out. Read
    from the events (a case keeps no field for them, so a case without them stays as small as
    before)."""
    found = [e for e in events if e.args.command in _RECORDS]  # (read as the event reads it)
    if not found:
        return NO_PEOPLE
    relatives: dict[str, Relative] = {}
    representatives: dict[str, Representative] = {}
    leader: MeetingLeader | None = None
    handouts: list[Handout] = []
    for e in found:
        a: Any = e.args
        if e.command == "record_relative":
            relatives.pop(a.id, None)  # a later record replaces the earlier, and comes last
            relatives[a.id] = Relative(e.at, a)
        elif e.command == "register_representative":
            representatives.pop(a.id, None)
            representatives[a.id] = Representative(e.at, a)
        elif e.command == "appoint_meeting_leader":
            leader = MeetingLeader(e.at, a)
        else:
            handouts.append(Handout(e.at, a))
    return People(tuple(relatives.values()), tuple(representatives.values()), leader,
                  tuple(handouts))


# --- bad input that needs the case: the ids a command names ------------------------------------


def _relatives_known(case: SipCase, ids: tuple[str, ...]) -> None:
    for rid in ids:
        if case.relative(rid) is None:
            known = ", ".join(r.id for r in case.relatives) or "none recorded"
            raise InputError("relatives", f"a recorded relative (one of: {known})", rid)


def _representative_known(case: SipCase, rid: str | None) -> None:
    if rid is not None and case.representative(rid) is None:
        known = ", ".join(r.id for r in case.representatives) or "none registered"
        raise InputError("representative", f"a registered representative (one of: {known})",
                         rid)


def _invitation(case: SipCase, args: SendInvitation, at: dt.datetime) -> None:
    _relatives_known(case, args.relatives)


def _meeting(case: SipCase, args: HoldMeeting, at: dt.datetime) -> None:
    _relatives_known(case, args.relatives)
    _representative_known(case, args.representative)


def _registration(case: SipCase, args: RegisterRepresentative, at: dt.datetime) -> None:
    if args.valid_until < local_date(at):
        raise InputError("valid_until", "a mandate in force: a date on or after the "
                         "registration's date", args.valid_until)


def _hand_out(case: SipCase, args: HandOutPlan, at: dt.datetime) -> None:
    approved = [v.number for v in case.versions if v.approved]
    if args.version not in approved:
        listed = ", ".join(map(str, approved)) or "none"
        raise InputError("version", f"an approved plan version (approved: {listed})",
                         args.version)
    for to in args.to:
        if to not in HAND_OUT_TO and to not in case.units and case.relative(to) is None:
            raise InputError("to", "person, guardians, a recorded relative or a declared unit",
                             to)


# The commands whose arguments name records of the case, with the check of those names.
REFERENCES: Mapping[type[Command], Callable[[SipCase, Any, dt.datetime], None]] = {
    SendInvitation: _invitation,
    HoldMeeting: _meeting,
    RegisterRepresentative: _registration,
    HandOutPlan: _hand_out,
}


def check_references(case: SipCase, args: Command, at: dt.datetime) -> None:
    """Bad input that needs the case: an unknown relative or representative id, a mandate
    that has expired when it is registered, a hand-out of a version that is not approved or
    to someone the case does not know. Raises :class:`~sipcore.errors.InputError`."""
    check = REFERENCES.get(type(args))
    if check is not None:
        check(case, args, at)
