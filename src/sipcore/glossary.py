"""Swedish terms and the identifiers sipcore uses for them (DOMAIN.md §2).

This is the one source of the glossary: ``docs/glossary.md`` is generated from it.
"""

from __future__ import annotations

import attrs

__all__ = ["GLOSSARY", "Term"]


@attrs.frozen
class Term:
    swedish: str
    identifier: str
    meaning: str


GLOSSARY: tuple[Term, ...] = (
    Term("den enskilde", "person", "the individual the plan is for"),
    Term("närstående", "relative", "next of kin"),
    Term("vårdnadshavare", "guardian", "custodial parent of a child under 18"),
    Term("företrädare, god man, förvaltare", "representative",
         "someone acting for the person, within their mandate"),
    Term("huvudman", "principal",
         "of a unit: region, municipality, school, other (Försäkringskassan, "
         "Arbetsförmedlingen, …); whether a school unit can hold overall responsibility is a "
         "profile setting"),
    Term("enhet, verksamhet", "unit", "a care or service unit; belongs to one principal"),
    Term("samtycke", "consent", "oral or written, scoped to parties, information and time"),
    Term("samordningsansvarig", "coordinator",
         "the person (and unit) holding overall responsibility for the plan"),
    Term("kallelse", "invitation", "written call to the SIP meeting"),
    Term("SIP-möte", "meeting", "where the plan is drawn up"),
    Term("insats", "intervention", "a measure, with a responsible unit"),
    Term("mål (kort/lång sikt)", "goal (short/long)", "goals on both horizons"),
    Term("handlingsplan", "action_plan", "what to do in possible and expected situations"),
    Term("uppföljning", "follow_up", "revisiting the plan; makes a new version"),
    Term("godkänna plan", "approve", "locks a plan version"),
    Term("makulera", "void",
         "mark a note as void; it stays in the audit trail, unreadable as content"),
    Term("avsluta", "close", "end the case, with a reason"),
    Term("utskrivningsklar", "discharge_ready",
         "inpatient physician's judgement (Lag 2017:612 1 kap. 3 §)"),
    Term("arbetsdag", "working day",
         "Monday–Friday that is not a public holiday nor midsommarafton, julafton, nyårsafton"),
    Term("skyldighet, åtagande", "obligation", "something a unit owes by a date"),
    Term("KVÅ-kod", "kva", "Klassifikation av vårdåtgärder code registered for a SIP event"),
    # the people around the person and the whole plan (DOMAIN.md §§11–12)
    Term("god man", "representative (kind god_man)",
         "appointed under Föräldrabalken 11 kap. to help the person; acts with the person's "
         "consent, within the mandate"),
    Term("förvaltare", "representative (kind forvaltare)",
         "appointed under Föräldrabalken 11 kap. to act for the person within the mandate"),
    Term("framtidsfullmakt", "representative (kind framtidsfullmakt)",
         "a power of attorney the person gave for when they can no longer decide"),
    Term("anhörigbehörighet", "representative (kind anhorigbehorighet)",
         "a relative's authority to act for a person who can no longer decide"),
    Term("fullmakt", "representative (kind fullmakt)", "an ordinary power of attorney"),
    Term("uppdrag (företrädarens)", "mandate",
         "what a representative may do and until when (valid_until, covers_consent)"),
    Term("mötesledare", "meeting_leader",
         "who leads the SIP meeting where it is someone other than the coordinator"),
    Term("egen insats, vad jag själv gör", "own_action", "what the person does themself"),
    Term("kontaktperson", "contact", "a unit's contact person and how to reach them"),
    Term("samordning av insatserna", "coordination",
         "how the interventions are coordinated"),
    Term("planens delar", "plan_parts",
         "the parts a profile requires before a version is approved"),
    Term("lämna ut planen", "hand_out_plan",
         "give an approved version to the person, the guardians, relatives or units"),
    Term("uppföljningsmöte, kallelse till", "follow-up invitation",
         "an invitation sent while the plan is active; the phase stays active"),
    Term("påbörja utan dröjsmål", "start_planning",
         "the regional deadline for starting the work, from when the need was identified"),
    Term("barnets mognad", "mature",
         "the staff's judgement that a child may consent alone (child_if_mature)"),
)
