"""The plan: versions of notes, documentation, the approval lock and the contents rules.

A version is drawn up at the SIP meeting (or a follow-up), documented and signed, then approved
by the coordinator; once approved it never changes (source 004: "När planen är godkänd går det
inte längre att ändra eller lägga till nya anteckningar"). A follow-up opens the next version
as a copy of the notes of the one before.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, NoReturn

import attrs

from sipcore.commands import (
    AddGoal,
    AddIntervention,
    AddNeed,
    AddNote,
    ApprovePlan,
    Given,
    SetFollowUp,
)
from sipcore.legal import Cite
from sipcore.rules import Context, Failed, declare, rule

__all__ = ["FollowUp", "Note", "NoteView", "PlanVersion"]

_SRC004_LOCK = Cite("src_004", "Dokumentation av SIP", "När planen är godkänd går det inte "
                    "längre att ändra eller lägga till nya anteckningar")
_SRC004_APPROVE = Cite("src_004", "Dokumentation av SIP", "När planen är dokumenterad ska den "
                       "godkännas av samordningsansvarig i samråd med den enskilde")


# --- the rules ---------------------------------------------------------------------------------


declare(
    "plan.locked", "must",
    sv="En godkänd planversion ändras aldrig; ändringar kräver en ny version (uppföljning).",
    en="An approved plan version never changes; edits need a new version (a follow-up).",
    sources=(_SRC004_LOCK,),
)

declare(
    "plan.follow_up_needs_approved", "must",
    sv="En ny version kan bara upprättas när den tidigare versionen är godkänd.",
    en="A new version can only follow an approved one.",
    sources=(
        Cite("src_004", "Uppföljning", "Vid uppföljning upprättas en ny version av SIP (för att "
             "detta ska vara möjligt måste tidigare SIP vara godkänd)"),
    ),
)


@rule(
    "plan.documented", "must",
    sv="Planversionen ska vara dokumenterad och signerad innan den godkänns.",
    en="The plan version must be documented and signed before it is approved.",
    sources=(_SRC004_APPROVE,),
)
def plan_documented(ctx: Context[ApprovePlan]) -> Failed | None:
    documented = ctx.case.versions[-1].documented_at is not None
    return None if documented else Failed("missing", parts=("document_plan",))


@rule(
    "plan.contents", "must",
    sv="Planen ska ange behov, insatser med ansvarig enhet, samordningsansvarig och datum för "
       "uppföljning (och plats där profilen kräver det).",
    en="The plan must state needs, interventions with a responsible unit, the coordinator and "
       "the follow-up date (and place where the profile requires it).",
    sources=(
        Cite("hsl_16_4", "4 st.", "Av planen ska det framgå 1. vilka insatser som behövs, "
             "2. vilka insatser som respektive huvudman ska svara för, … 4. vem av huvudmännen "
             "som ska ha det övergripande ansvaret för planen"),
        Cite("sol_10_8", "2 st."),
        Cite("hsl_1982_3f", "3 st."),
        Cite("sol_2001_2_7", "3 st."),
        Cite("src_000", "steg 5", "Plats och datum för uppföljning ska dokumenteras"),
        Cite("src_002", "", "en beskrivning av hur och när den individuella planen ska följas "
             "upp"),
        Cite("src_003", "Mötet", "När planen ska följas upp"),
    ),
)
def plan_contents(ctx: Context[ApprovePlan]) -> Failed | None:
    draft, day = ctx.case.versions[-1], ctx.day
    kinds = {note.kind for note in draft.notes}
    missing = [kind for kind in ("need", "intervention") if kind not in kinds]
    if ctx.case.coordinator is None:
        missing.append("coordinator")
    follow_up = draft.follow_up
    if follow_up is None:
        missing.append("follow_up")
    if ctx.profile.follow_up_place_required and not (follow_up and (follow_up.place or "").strip()):
        missing.append("follow_up.place")
    if follow_up is not None and follow_up.date <= day:
        return Failed("follow_up_not_after", parts=tuple(missing), dates=(follow_up.date, day))
    return Failed("missing", parts=tuple(missing)) if missing else None


@rule(
    "plan.goal_horizons", "should",
    sv="Planen bör innehålla mål både på kort och på lång sikt.",
    en="The plan should hold goals on both the short and the long horizon.",
    sources=(
        Cite("src_004", "Formulering av mål", "Den individuella planen bör innehålla mål både "
             "på lång och på kort sikt"),
        Cite("src_000", "steg 5", "Lång- och kortsiktiga mål ska tydligt framgå"),
    ),
    regional=True,
)
def plan_goal_horizons(ctx: Context[ApprovePlan]) -> Failed | None:
    horizons = {n.horizon for n in ctx.case.versions[-1].of_kind("goal")}
    missing = tuple(h for h in ("short", "long") if h not in horizons)
    return Failed("missing", parts=missing) if missing else None


@rule(
    "plan.approver", "must",
    sv="Planen godkänns av samordningsansvarig (by).",
    en="The plan is approved by the coordinator (by).",
    sources=(_SRC004_APPROVE,),
)
def plan_approver(ctx: Context[ApprovePlan]) -> Failed | None:
    coordinator = ctx.case.coordinator
    if coordinator is None:
        return Failed("missing", parts=("coordinator",))
    if ctx.args.by == coordinator.person:
        return None
    return Failed("not_coordinator", value=ctx.args.by, ids=(coordinator.person,))


@rule(
    "plan.with_person", "should",
    sv="Planen bör godkännas i samråd med den enskilde (with_person).",
    en="The plan should be approved together with the person (with_person).",
    sources=(
        _SRC004_APPROVE,
        Cite("hsl_16_4", "3 st.", "Planen ska, när det är möjligt, upprättas tillsammans med "
             "den enskilde"),
        Cite("sol_10_9", "", "Den individuella planen ska upprättas tillsammans med den "
             "enskilde när det är möjligt"),
        Cite("hsl_1982_3f", "2 st."),
        Cite("sol_2001_2_7", "2 st."),
    ),
)
def plan_with_person(ctx: Context[ApprovePlan]) -> Failed | None:
    return None if ctx.args.with_person else Failed("without_person")


# --- the records -------------------------------------------------------------------------------


NOTE_KINDS = ("need", "goal", "intervention", "note")
_KINDS = {f"add_{kind}": kind for kind in NOTE_KINDS}  # the command that adds each kind


@attrs.frozen(weakref_slot=False)
class Note:
    """One entry of a plan version: a need, a goal, an intervention or a free note, as added."""

    added_at: dt.datetime
    args: AddNeed | AddGoal | AddIntervention | AddNote

    voided_at: ClassVar[dt.datetime | None] = None  # a VoidedNote's: then it is unreadable

    horizon = Given[str | None](default=None)  # goals: "short" or "long"
    unit = Given[str | None](default=None)  # interventions: the responsible unit

    @property
    def kind(self) -> str:
        """``need``, ``goal``, ``intervention`` or ``note``."""
        return _KINDS[self.args.command]

    @property
    def text(self) -> str | None:
        """The note's text; ``None`` once the note is void."""
        return None if self.voided_at is not None else self.args.text

    @property
    def responsible(self) -> str | None:
        """Interventions: the responsible person (``None`` once void)."""
        return None if self.voided_at is not None else getattr(self.args, "responsible", None)

    @property
    def heading(self) -> str | None:
        """Notes: the heading (``None`` once void)."""
        return None if self.voided_at is not None else getattr(self.args, "heading", None)

    def voided(self, at: dt.datetime) -> Note:
        """This note, void from ``at``: what it said is no longer held (the events keep the
        audit trail), only its kind, when it was added and its structure (horizon, unit)."""
        blank: dict[str, Any] = {
            f: "" if f == "text" else None
            for f in ("text", "heading", "responsible") if hasattr(self.args, f)
        }
        return VoidedNote(self.added_at, attrs.evolve(self.args, **blank), at)


@attrs.frozen(weakref_slot=False)
class VoidedNote(Note):
    """A note made void when consent was withdrawn (source 004: "makulera planen anteckning för
    anteckning"): its kind, when it was added and its structure remain; what it said does not."""

    voided_at: dt.datetime | None = attrs.field(default=None)  # type: ignore[misc]


@attrs.frozen(weakref_slot=False)
class NoteView:
    """A note as a reader may see it: after withdrawal of consent the note is void and its
    content unreadable (``text`` is ``None``); the note itself stays in the audit trail."""

    version: int
    index: int
    kind: str
    text: str | None
    added_at: dt.datetime
    voided_at: dt.datetime | None = None
    horizon: str | None = None
    unit: str | None = None
    responsible: str | None = None
    heading: str | None = None


FollowUp = SetFollowUp  # a version's follow-up: its date and place, as set_follow_up set them


@attrs.frozen(weakref_slot=False)
class PlanVersion:
    """Version ``number`` of the plan. Approved versions are never replaced."""

    number: int
    started_at: dt.datetime
    notes: tuple[Note, ...] = ()
    follow_up: FollowUp | None = None
    documented_at: dt.datetime | None = None  # cleared by an edit after it
    first_documented_at: dt.datetime | None = None  # kept: meets the documentation deadline
    approved_at: dt.datetime | None = None
    approved_by: str | None = None
    with_person: bool | None = None

    @property
    def approved(self) -> bool:
        return self.approved_at is not None

    def of_kind(self, kind: str) -> tuple[Note, ...]:
        return tuple(n for n in self.notes if n.kind == kind)

    def with_note(self, note: Note) -> PlanVersion:
        """This draft with ``note`` added; an edit makes a documented draft undocumented."""
        return self._edited((*self.notes, note), self.follow_up)

    def with_follow_up(self, follow_up: FollowUp) -> PlanVersion:
        """This draft with its follow-up set; an edit makes a documented draft undocumented."""
        return self._edited(self.notes, follow_up)

    def _edited(self, notes: tuple[Note, ...], follow_up: FollowUp | None) -> PlanVersion:
        if self.approved_at is not None:
            self._locked()
        return PlanVersion(
            self.number, self.started_at, notes, follow_up, None, self.first_documented_at
        )

    def documented(self, at: dt.datetime) -> PlanVersion:
        """This draft, documented and signed at ``at`` (the first time is kept)."""
        if self.approved_at is not None:
            self._locked()
        return PlanVersion(
            self.number, self.started_at, self.notes, self.follow_up, at,
            self.first_documented_at or at,
        )

    def approve(self, at: dt.datetime, by: str, with_person: bool) -> PlanVersion:
        """This draft, approved: from now on it never changes."""
        if self.approved_at is not None:
            self._locked()
        return PlanVersion(
            self.number, self.started_at, self.notes, self.follow_up, self.documented_at,
            self.first_documented_at, at, by, with_person,
        )

    def _locked(self) -> NoReturn:
        raise ValueError(f"plan version {self.number} is approved and cannot change")

    def voided(self, at: dt.datetime) -> PlanVersion:
        """This version with every note void from ``at`` (withdrawal of consent)."""
        return attrs.evolve(self, notes=tuple(n.voided(at) for n in self.notes))

    def next_version(self, at: dt.datetime) -> PlanVersion:
        """Version N+1: copies of this version's notes, without its follow-up or marks."""
        return PlanVersion(self.number + 1, at, self.notes)
