"""Consent (samtycke): who gave it, for which parties and information, and until when.

Consent is never general (source 000: "Samtycke är aldrig generellt"): it names its parties and
how long it holds (source 004: "vad samverkan avser, vilka som avses, samt hur länge samtycket
gäller"). Consents add up; a new one does not cancel an earlier one.
"""

from __future__ import annotations

import datetime as dt

import attrs

from sipcore.commands import Given, RecordConsent
from sipcore.legal import Cite
from sipcore.rules import Context, declare, rule

__all__ = ["Consent", "Person", "units_outside_consent"]


@attrs.frozen(weakref_slot=False)
class Person:
    """The person the plan is for: birth date and, for a child, every custodial guardian."""

    birth_date: dt.date
    guardians: tuple[str, ...] = ()

    def age_on(self, day: dt.date) -> int:
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday

    def is_child(self, day: dt.date, age_limit: int = 18) -> bool:
        """Under ``age_limit`` (18: SoL 2025:400 3 kap. 1 §) on ``day``."""
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

    def in_force(self, at: dt.datetime, day: dt.date) -> bool:
        """Given at or before ``at`` and valid on ``day`` (``at``'s local date)."""
        return self.given_at <= at and day <= self.valid_until


def consents_in_force(ctx: Context) -> list[Consent]:
    at, day = ctx.at, ctx.day
    found = []
    for consent in ctx.case.consents:
        if consent.in_force(at, day):
            found.append(consent)
    return found


def units_outside_consent(ctx: Context, units: tuple[str, ...]) -> tuple[str, ...]:
    """The units of ``units`` that no consent in force names as a party."""
    covered: set[str] = set()
    for consent in consents_in_force(ctx):
        covered.update(consent.parties)
    return tuple([u for u in units if u not in covered])


_SRC000_STEP2 = Cite("src_000", "steg 2", "Den enskilde måste samtycka till möte och "
                     "informationsöverföring")
_SRC004_SCOPE = Cite("src_004", "Den enskildes delaktighet och samtycke",
                     "Samtycket ska avgränsas till vad samverkan avser, vilka som avses, samt "
                     "hur länge samtycket gäller")


@rule(
    "consent.required", "must",
    "Samtycke ska gälla vid tidpunkten: lämnat, inte återkallat och inte utgånget.",
    "Consent must be in force at the time: given, not withdrawn and not expired.",
    Cite("hsl_16_4", "2 st.", "om den enskilde samtycker till det"),
    Cite("sol_10_8", "1 st.", "om den enskilde samtycker till att den upprättas"),
    Cite("hsl_1982_3f", "2 st."),
    Cite("sol_2001_2_7", "2 st."),
    _SRC000_STEP2,
    Cite("src_003", "Initiativ till SIP", "för att en SIP ska kunna genomföras krävs ditt "
         "samtycke"),
    Cite("src_004", "Inledning", "SIP förutsätter att den enskilde/vårdnadshavarna görs "
         "delaktiga och samtycker till att planen upprättas"),
)
def consent_required(ctx: Context) -> str | None:
    return None if consents_in_force(ctx) else "inget samtycke gäller / no consent in force"


def _units_in_scope(ctx: Context) -> tuple[str, ...]:
    """The units a command invites (send_invitation) or that take part (the meetings)."""
    units: tuple[str, ...] = getattr(ctx.args, _SCOPE.get(ctx.command, "participants"))
    return units


_SCOPE = {"send_invitation": "invitees"}  # the argument naming the units; else participants


@rule(
    "consent.scope", "must",
    "Varje kallad eller deltagande enhet ska omfattas av ett gällande samtycke.",
    "Every invited or participating unit must be a party of a consent in force.",
    Cite("src_000", "steg 2", "Samtycke är aldrig generellt"),
    _SRC004_SCOPE,
)
def consent_scope(ctx: Context) -> str | None:
    outside = units_outside_consent(ctx, _units_in_scope(ctx))
    return ", ".join(outside) if outside else None


@rule(
    "consent.time_limited", "must",
    "Samtycket ska ange hur länge det gäller (valid_until), inte tidigare än i dag.",
    "Consent must state how long it holds (valid_until), not earlier than today.",
    _SRC004_SCOPE,
    Cite("uph_sip", "", "Samtycket ska gälla specifikt för samordningen och vara "
         "tidsbegränsat"),
)
def consent_time_limited(ctx: Context) -> str | None:
    until: dt.date | None = ctx.args.valid_until
    if until is None:
        return "valid_until saknas / missing"
    return f"valid_until {until} < {ctx.day}" if until < ctx.day else None


@rule(
    "consent.oral_documented", "must",
    "Ett muntligt samtycke ska dokumenteras i journalen (journal_ref).",
    "Oral consent must be documented in the journal (journal_ref).",
    Cite("src_000", "steg 2", "Ett muntligt samtycke ska dokumenteras i journalen"),
    Cite("src_004", "", "Samtycke till SIP (oavsett ja eller nej) dokumenteras i journal"),
)
def consent_oral_documented(ctx: Context) -> str | None:
    ref: str | None = ctx.args.journal_ref
    if ctx.args.form == "oral" and (ref is None or not ref.strip()):
        return "journal_ref saknas / missing"
    return None


@rule(
    "consent.guardians", "must",
    "För barn under 18 år ger vårdnadshavarna samtycket, samtliga vårdnadshavare.",
    "For a child under 18 the guardians give consent, every custodial guardian.",
    Cite("src_000", "steg 2", "Oavsett barnets ålder är det alltid vårdnadshavarna som ska ge "
         "sitt samtycke till SIP-mötet"),
    Cite("src_004", "", "När det gäller minderåriga är det barnets vårdnadshavare som ger "
         "samtycke till att SIP upprättas"),
    Cite("fb_6_11", "", "Vårdnadshavaren har rätt och skyldighet att bestämma i frågor som "
         "rör barnets personliga angelägenheter"),
    Cite("fb_6_13", "", "Står barnet under vårdnad av två vårdnadshavare, skall vad som sägs "
         "i 11 eller 12 § gälla dem tillsammans"),
)
def consent_guardians(ctx: Context) -> str | None:
    person = ctx.case.person
    given_by: str = ctx.args.given_by
    if not person.is_child(ctx.day, ctx.profile.child_age_limit):
        return "vuxen: guardians / adult: guardians" if given_by == "guardians" else None
    if given_by != "guardians":
        return f"barn: {given_by} / child: {given_by}"
    if not person.guardians:
        return "inga vårdnadshavare registrerade / no guardians declared"
    named = set(ctx.args.guardians or ())
    missing = [g for g in person.guardians if g not in named]
    unknown = sorted(named - set(person.guardians))
    if missing or unknown:
        return ", ".join([*missing, *unknown])
    return None


declare(
    "consent.withdrawal", "must",
    "När samtycket återkallas avslutas SIP, varje anteckning makuleras, öppna åtaganden "
    "upphör och övriga verksamheter meddelas.",
    "Withdrawing consent closes the case, voids every note, cancels open obligations and names "
    "the other units to notify.",
    Cite("src_004", "Samordningsansvarig", "Att vid återkallande av samtycke, meddela övriga "
         "verksamheter om detta samt makulera planen anteckning för anteckning"),
    Cite("src_004", "Avsluta SIP", "Om den enskilde drar tillbaka sitt samtycke upphör SIP och "
         "planen ska makuleras anteckning för anteckning"),
    Cite("src_000", "steg 7", "Den samordnande planeringen avslutas … då den enskilde drar "
         "tillbaka sitt samtycke"),
)
