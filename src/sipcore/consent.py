"""Consent (samtycke): who gave it, for which parties and information, and until when.

Consent is never general (source 000: "Samtycke är aldrig generellt"): it names its parties and
how long it holds (source 004: "vad samverkan avser, vilka som avses, samt hur länge samtycket
gäller"). Consents add up; a new one does not cancel an earlier one. A consent the guardians
gave holds only while the person is a child: custody ends at 18 (Föräldrabalken 6 kap. 2 §).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import attrs

from sipcore.commands import Given, RecordConsent, TakesPart
from sipcore.legal import Cite
from sipcore.rules import Context, Failed, declare, rule

if TYPE_CHECKING:
    from sipcore.case import SipCase

__all__ = ["Consent", "Person", "consents_in_force", "in_force", "parties_consented"]

_SRC000_STEP2 = Cite("src_000", "steg 2", "Den enskilde måste samtycka till möte och "
                     "informationsöverföring")
_SRC004_SCOPE = Cite("src_004", "Den enskildes delaktighet och samtycke",
                     "Samtycket ska avgränsas till vad samverkan avser, vilka som avses, samt "
                     "hur länge samtycket gäller")
_FB_6_2 = Cite("fb_6_2", "1 st.", "Barnet står under vårdnad till dess det fyller arton år")


# --- the rules ---------------------------------------------------------------------------------


@rule(
    "consent.required", "must",
    sv="Samtycke ska gälla vid tidpunkten: lämnat, inte återkallat och inte utgånget; "
       "vårdnadshavares samtycke gäller bara medan den enskilde är barn, en företrädares bara "
       "medan uppdraget gäller.",
    en="Consent must be in force at the time: given, not withdrawn and not expired; a "
       "guardians' consent holds only while the person is a child, a representative's only "
       "while the mandate does.",
    sources=(
        Cite("hsl_16_4", "2 st.", "om den enskilde samtycker till det"),
        Cite("sol_10_8", "1 st.", "om den enskilde samtycker till att den upprättas"),
        Cite("hsl_1982_3f", "1 st."),
        Cite("sol_2001_2_7", "1 st."),
        _FB_6_2,
        _SRC000_STEP2,
        Cite("src_003", "Initiativ till SIP", "för att en SIP ska kunna genomföras krävs ditt "
             "samtycke"),
        Cite("src_004", "Inledning", "SIP förutsätter att den enskilde/vårdnadshavarna görs "
             "delaktiga och samtycker till att planen upprättas"),
    ),
)
def consent_required(ctx: Context[object]) -> Failed | None:
    return None if in_force(ctx) else Failed("no_consent")


@rule(
    "consent.scope", "must",
    sv="Varje kallad eller deltagande enhet, och varje enhet som ansvarar för en insats, ska "
       "omfattas av ett gällande samtycke.",
    en="Every invited or participating unit, and every unit responsible for an intervention, "
       "must be a party of a consent in force.",
    sources=(
        Cite("hsl_16_4", "2 st.", "om den enskilde samtycker till det"),
        Cite("sol_10_8", "1 st.", "om den enskilde samtycker till att den upprättas"),
        Cite("hsl_1982_3f", "1 st."),
        Cite("sol_2001_2_7", "1 st."),
        Cite("src_000", "steg 2", "Samtycke är aldrig generellt"),
        _SRC004_SCOPE,
    ),
)
def consent_scope(ctx: Context[TakesPart]) -> Failed | None:
    parties = ctx.memo("parties", _parties)
    units = ctx.case.units  # a hand-out names people too: only its units need consent
    outside = tuple(u for u in ctx.args.units_taking_part if u not in parties and u in units)
    return Failed("units", units=outside) if outside else None


@rule(
    "consent.time_limited", "must",
    sv="Samtycket ska ange hur länge det gäller (valid_until), inte tidigare än i dag.",
    en="Consent must state how long it holds (valid_until), not earlier than today.",
    sources=(
        _SRC004_SCOPE,
        Cite("uph_sip", "", "Samtycket ska gälla specifikt för samordningen och vara "
             "tidsbegränsat"),
    ),
)
def consent_time_limited(ctx: Context[RecordConsent]) -> Failed | None:
    until = ctx.args.valid_until
    if until is None:
        return Failed("missing", parts=("valid_until",))
    return Failed("expired", dates=(until, ctx.day)) if until < ctx.day else None


@rule(
    "consent.oral_documented", "must",
    sv="Ett muntligt samtycke ska dokumenteras i journalen (journal_ref).",
    en="Oral consent must be documented in the journal (journal_ref).",
    sources=(
        Cite("src_000", "steg 2", "Ett muntligt samtycke ska dokumenteras i journalen"),
        Cite("src_004", "", "Samtycke till SIP (oavsett ja eller nej) dokumenteras i journal"),
    ),
)
def consent_oral_documented(ctx: Context[RecordConsent]) -> Failed | None:
    oral, ref = ctx.args.form == "oral", ctx.args.journal_ref
    return Failed("missing", parts=("journal_ref",)) if oral and not (ref or "").strip() else None


@rule(
    "consent.guardians", "must",
    sv="För barn under 18 år ger vårdnadshavarna samtycket, samtliga vårdnadshavare (där "
       "profilen medger det kan ett moget barn samtycka själv, med personalens bedömning i "
       "journalen); en vuxen samtycker själv.",
    en="For a child under 18 the guardians give consent, every custodial guardian (where the "
       "profile allows it a mature child may consent alone, with the staff's judgement in the "
       "journal); an adult consents in person.",
    sources=(
        Cite("src_000", "steg 2", "Oavsett barnets ålder är det alltid vårdnadshavarna som ska "
             "ge sitt samtycke till SIP-mötet"),
        Cite("src_004", "", "När det gäller minderåriga är det barnets vårdnadshavare som ger "
             "samtycke till att SIP upprättas"),
        _FB_6_2,
        Cite("fb_6_11", "", "Vårdnadshavaren har rätt och skyldighet att bestämma i frågor som "
             "rör barnets personliga angelägenheter"),
        Cite("fb_6_13", "", "Står barnet under vårdnad av två vårdnadshavare, skall vad som "
             "sägs i 11 eller 12 § gälla dem tillsammans"),
        Cite("sthlm_1177_sip_barn", "", "Ditt barn kan ge samtycket själv om hen vill och kan, "
             "annars är det du som förälder som ger samtycket"),
    ),
)
def consent_guardians(ctx: Context[RecordConsent]) -> Failed | None:
    person, given_by = ctx.case.person, ctx.args.given_by
    if not ctx.child:
        return Failed("adult_by_guardians") if given_by == "guardians" else None
    if given_by == "person" and ctx.profile.child_consent == "child_if_mature":
        # A mature child consents alone, on the staff's recorded judgement (DOMAIN.md §11.3).
        judged = ctx.args.mature and (ctx.args.journal_ref or "").strip()
        return None if judged else Failed("missing", parts=("mature", "journal_ref"))
    if given_by != "guardians":
        return Failed("child_by", value=given_by)
    if not person.guardians:
        return Failed("no_guardians")
    named = ctx.args.guardians or ()
    wrong = (*(g for g in person.guardians if g not in named),
             *sorted(set(named) - set(person.guardians)))
    return Failed("guardians_named", ids=wrong) if wrong else None


declare(
    "consent.withdrawal", "must",
    sv="När samtycket återkallas avslutas SIP, varje anteckning makuleras, öppna åtaganden "
       "upphör och övriga verksamheter meddelas.",
    en="Withdrawing consent closes the case, voids every note, cancels open obligations and "
       "names the other units to notify.",
    sources=(
        Cite("src_004", "Samordningsansvarig", "Att vid återkallande av samtycke, meddela "
             "övriga verksamheter om detta samt makulera planen anteckning för anteckning"),
        Cite("src_004", "Avsluta SIP", "Om den enskilde drar tillbaka sitt samtycke upphör SIP "
             "och planen ska makuleras anteckning för anteckning"),
        Cite("src_000", "steg 7", "Den samordnande planeringen avslutas … då den enskilde drar "
             "tillbaka sitt samtycke"),
    ),
)


# --- the records -------------------------------------------------------------------------------


@attrs.frozen(weakref_slot=False)
class Person:
    """The person the plan is for: birth date and, for a child, every custodial guardian."""

    birth_date: dt.date
    guardians: tuple[str, ...] = ()

    def age_on(self, day: dt.date) -> int:
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday

    def is_child(self, day: dt.date, age_limit: int = 18) -> bool:
        """Under ``age_limit`` on ``day`` (18: Föräldrabalken 6 kap. 2 §, SoL (2025:400)
        3 kap. 1 §)."""
        return self.age_on(day) < age_limit


@attrs.frozen(weakref_slot=False)
class Consent:
    """One recorded consent: when it was given, and the arguments it was recorded with."""

    given_at: dt.datetime
    args: RecordConsent

    given_by = Given[str]()
    form = Given[str]()
    parties = Given[tuple[str, ...]]()
    valid_until = Given[dt.date]()
    journal_ref = Given[str | None]()
    information = Given[tuple[str, ...]]()

    @property
    def guardians(self) -> tuple[str, ...]:
        return self.args.guardians or ()

    def in_force(self, at: dt.datetime, day: dt.date, child: bool) -> bool:
        """Given at or before ``at``, valid on ``day`` (``at``'s local date), and, if the
        guardians gave it, the person still a ``child`` then."""
        return (self.given_at <= at and day <= self.valid_until
                and (child or self.args.given_by != "guardians"))


def consents_in_force(
    case: SipCase, at: dt.datetime, day: dt.date, child: bool | None = None
) -> list[Consent]:
    """The consents of ``case`` in force at ``at`` (whose local date is ``day``; ``child``:
    whether the person is a child then, if the caller knows)."""
    if child is None:
        child = case.is_child_on(day)
    return [
        c for c in case.consents
        if c.in_force(at, day, child)
        # a representative's consent holds while the mandate does (DOMAIN.md §11.2)
        and (c.args.given_by != "representative"
             or case.mandate_in_force(c.args.representative, day))
    ]


def parties_consented(case: SipCase, at: dt.datetime, day: dt.date) -> set[str]:
    """Every unit that a consent in force at ``at`` names as a party."""
    return {unit for c in consents_in_force(case, at, day) for unit in c.parties}


def in_force(ctx: Context[Any]) -> list[Consent]:
    """The consents in force at the command's time (worked out once per command)."""
    return ctx.memo("consents", _in_force)


def _in_force(ctx: Context[Any]) -> list[Consent]:
    return consents_in_force(ctx.case, ctx.at, ctx.day, ctx.child)


def _parties(ctx: Context[Any]) -> set[str]:
    return {unit for c in in_force(ctx) for unit in c.args.parties}
