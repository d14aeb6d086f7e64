"""What a refusal or a piece of advice reports: the rule, its level, what failed as data, the
message in Swedish and in English, and the sources that apply to the decision.

A :class:`Detail` holds what failed (the units not covered, the parts missing, the dates) and
renders it in each language: the Swedish text holds no English words and the English no Swedish
ones, apart from names (unit ids, people) and quotes (DOMAIN.md §5.1).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import attrs

from sipcore.legal import Cite

__all__ = ["Detail", "Finding", "Lang", "Source"]

Lang = Literal["sv", "en"]


@attrs.frozen
class Source:
    """One source a finding cites: the catalogue key, the citation (a statute section or a
    document's title), the part (stycke, step, heading), the quoted words and the dates the
    source is valid."""

    key: str
    title: str
    part: str = ""
    quote: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    kind: str = "statute"  # statute, routine or guidance

    @classmethod
    def of(cls, cite: Cite) -> Source:
        ref = cite.ref
        return cls(cite.key, ref.cite(), cite.part, cite.quote, ref.valid_from, ref.valid_to,
                   ref.kind)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key, "title": self.title, "part": self.part, "quote": self.quote,
            "valid_from": None if self.valid_from is None else self.valid_from.isoformat(),
            "valid_to": None if self.valid_to is None else self.valid_to.isoformat(),
            "kind": self.kind,
        }

    def __str__(self) -> str:
        joint = " " if self.kind == "statute" else ", "
        text = self.title + (f"{joint}{self.part}" if self.part else "")
        return text + (f": \u201d{self.quote}\u201d" if self.quote else "")


# Each kind of detail: its Swedish and its English wording. Fields: {units}, {ids}, {parts},
# {date}, {date2}, {value}.
_TEXTS: dict[str, tuple[str, str]] = {
    "no_consent": ("inget samtycke gäller", "no consent in force"),
    "units": ("{units}", "{units}"),
    "missing": ("saknas: {parts}", "missing: {parts}"),
    "expired": ("gäller till {date}, före {date2}", "valid until {date}, before {date2}"),
    "adult_by_guardians": ("vuxen: vårdnadshavares samtycke gäller inte",
                           "adult: a guardians' consent does not count"),
    "child_by": ("barn: samtycke lämnat av {value}", "child: consent given by {value}"),
    "no_guardians": ("inga vårdnadshavare registrerade", "no guardians registered"),
    "guardians_named": ("vårdnadshavare som saknas eller är okända: {ids}",
                        "guardians missing or unknown: {ids}"),
    "principal": ("{units}: huvudman {value}", "{units}: principal {value}"),
    "not_coordinator": ("{value} är inte samordningsansvarig {ids}",
                        "{value} is not the coordinator {ids}"),
    "reason": ("{value} är inget giltigt skäl", "{value} is not a valid reason"),
    "meeting_not_after": ("mötet {value} ligger inte efter kallelsen {date}",
                          "the meeting {value} is not after the invitation {date}"),
    "follow_up_not_after": ("uppföljningen {date} ligger inte efter {date2}",
                            "the follow-up {date} is not after {date2}"),
    "without_person": ("godkänd utan den enskilde", "approved without the person"),
    "phase": ("i fasen {value}", "in phase {value}"),
    "not_adjusted": ("inte justerad av {units}", "not adjusted by {units}"),
    # the people around the person and the whole plan (DOMAIN.md §§11–12)
    "objected": ("den enskilde motsätter sig: {ids}", "the person objects to: {ids}"),
    "not_offered": ("närstående som inte har bjudits in: {ids}",
                    "relatives not invited: {ids}"),
    "representative_unknown": ("ingen registrerad företrädare {value}",
                               "no registered representative {value}"),
    "mandate_expired": ("uppdraget för {value} gällde till {date}, före {date2}",
                        "the mandate of {value} held until {date}, before {date2}"),
    "mandate_without_consent": ("uppdraget för {value} omfattar inte samtycke",
                                "the mandate of {value} does not cover consent"),
    "no_consent_to_representative": ("den enskilde har inte samtyckt till att {value} deltar",
                                     "the person has not consented to {value} taking part"),
    "leader_not_appointed": ("mötesledaren {value} är inte utsedd före mötet",
                             "the meeting leader {value} was not appointed before the meeting"),
    "child_not_with": ("barnet samtyckte inte tillsammans med vårdnadshavarna",
                       "the child did not consent together with the guardians"),
    "not_handed": ("version {value} har inte lämnats till {parts}",
                   "version {value} was not handed to {parts}"),
}

# The names of what may be missing, in each language (arguments, plan parts, steps).
_PARTS: dict[str, tuple[str, str]] = {
    "valid_until": ("giltighetstid (valid_until)", "period of validity (valid_until)"),
    "journal_ref": ("journalhänvisning (journal_ref)", "journal reference (journal_ref)"),
    "reason": ("skäl (reason)", "reason"),
    "child_view": ("barnets syn (child_view)", "the child's view (child_view)"),
    "patient_view": ("patientens inställning (patient_view)",
                     "the patient's view (patient_view)"),
    "substitute": ("ersättare (substitute)", "substitute"),
    "need": ("behov", "need"),
    "intervention": ("insats med ansvarig enhet", "intervention with a responsible unit"),
    "coordinator": ("samordningsansvarig", "coordinator"),
    "follow_up": ("datum för uppföljning", "follow-up date"),
    "follow_up.place": ("plats för uppföljning", "follow-up place"),
    "document_plan": ("dokumentation av planen", "documentation of the plan"),
    "short": ("mål på kort sikt", "short-term goal"),
    "long": ("mål på lång sikt", "long-term goal"),
    "mature": ("bedömning av barnets mognad (mature)",
               "judgement of the child's maturity (mature)"),
    "representative": ("företrädare (representative)", "representative"),
    "goal": ("mål", "goal"),
    "action_plan": ("handlingsplan för möjliga och förväntade situationer",
                    "action plan for possible and expected situations"),
    "own_action": ("vad den enskilde själv gör", "what the person does themself"),
    "contact": ("kontaktperson", "contact person"),
    "coordination": ("hur insatserna samordnas", "how the interventions are coordinated"),
    "person": ("den enskilde", "the person"),
    "guardians": ("vårdnadshavarna", "the guardians"),
}


@attrs.frozen
class Detail:
    """What failed, as data: ``what`` names the kind (see the wordings above); ``units``,
    ``ids``, ``parts``, ``dates`` and ``value`` hold its particulars."""

    what: str
    units: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()
    dates: tuple[dt.date, ...] = ()
    value: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.what not in _TEXTS:
            raise ValueError(f"unknown kind of detail {self.what!r}")

    def render(self, lang: Lang = "sv") -> str:
        """The detail as text in Swedish (``"sv"``) or English (``"en"``)."""
        i = 0 if lang == "sv" else 1
        dates = [d.isoformat() for d in self.dates] + ["", ""]
        return _TEXTS[self.what][i].format(
            units=", ".join(self.units),
            ids=", ".join(self.ids),
            parts=", ".join(_PARTS[p][i] if p in _PARTS else p for p in self.parts),
            date=dates[0],
            date2=dates[1],
            value=self.value or "",
        ).strip()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"what": self.what}
        for name in ("units", "ids", "parts"):
            if getattr(self, name):
                out[name] = list(getattr(self, name))
        if self.dates:
            out["dates"] = [d.isoformat() for d in self.dates]
        if self.value is not None:
            out["value"] = self.value
        return out


@attrs.frozen
class Finding:
    """One failed rule (or one refusal that is not a rule), as reported to the caller."""

    rule_id: str
    level: str  # "must", "should" or "refusal" (ids that are not rules)
    message_sv: str
    message_en: str
    sources: tuple[Source, ...] = ()
    detail: Detail | None = None

    def message(self, lang: Lang = "sv") -> str:
        return self.message_sv if lang == "sv" else self.message_en

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id, "level": self.level,
            "message_sv": self.message_sv, "message_en": self.message_en,
            "sources": [s.to_dict() for s in self.sources],
            "detail": None if self.detail is None else self.detail.to_dict(),
        }

    def __str__(self) -> str:
        cited = f" [{'; '.join(str(s) for s in self.sources)}]" if self.sources else ""
        return f"{self.rule_id}: {self.message_sv}{cited}"
