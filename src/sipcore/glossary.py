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
    # --- discharge from inpatient care (DOMAIN.md §10)
    Term("inskrivningsmeddelande", "admission_notice",
         "the inpatient unit's notice to the municipality and the region's open care that a "
         "patient who may need insatser after discharge was admitted, within 24 hours "
         "(Lag 2017:612 2 kap. 1–3 §§; send_admission_notice)"),
    Term("fast vårdkontakt", "fast_vardkontakt",
         "the patient's contact in the region's open care, appointed before discharge; sends "
         "the kallelse and is the SIP's coordinator (2 kap. 5 §, 4 kap. 3 §)"),
    Term("underrättelse om utskrivningsklar", "notify_discharge_ready",
         "the notice that the patient is utskrivningsklar (3 kap. 1 §): starts the three days "
         "of the kallelse and the days to the payment liability"),
    Term("betalningsansvar", "payment_liability",
         "the municipality's liability to pay for a patient still in hospital after the day "
         "5 kap. 4 § (or a regional agreement, 4 kap. 5 §) fixes"),
    Term("vårddygn", "liable_days",
         "a day and night of inpatient care; the liability is counted in vårddygn completed "
         "in liability (the national profile's documented inference)"),
    Term("samordnad plan vid utskrivning", "SPU", "plan type of a SIP at discharge"),
    Term("samordnad vårdplan", "SPLPTLRV",
         "the plan at öppen psykiatrisk tvångsvård or rättspsykiatrisk vård (LPT 7 a §, "
         "LRV 12 a §): no consent basis; established when the units adjusted it (adjust_plan)"),
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
