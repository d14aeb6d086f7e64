"""A plan version as a document: what the person and the units read (DOMAIN.md §12.2).

The headings follow the routines: the plan shows the needs and goals, the interventions and who
is responsible for them, who holds overall responsibility, how the interventions are
coordinated and when the plan is followed up (003 "Av planen ska det framgå"), the action plan
for possible and expected situations and the place and date of the follow-up (000 step 5), what
the person does themself and the contact persons (001). A version voided by the withdrawal of
consent renders as voided: its notes are unreadable (004 "makulera planen anteckning för
anteckning").
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import TYPE_CHECKING

import attrs

from sipcore.deadlines import local_date
from sipcore.errors import InputError
from sipcore.findings import Lang

if TYPE_CHECKING:
    from sipcore.case import SipCase
    from sipcore.plan import NoteView

__all__ = ["PlanDocument", "plan_document"]

# (kind, Swedish heading, English heading), in the order a plan reads.
_SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("need", "Behov", "Needs"),
    ("goal.short", "Mål på kort sikt", "Short-term goals"),
    ("goal.long", "Mål på lång sikt", "Long-term goals"),
    ("intervention", "Insatser och vem som ansvarar", "Interventions and who is responsible"),
    ("own_action", "Vad jag själv gör", "What I do myself"),
    ("coordination", "Hur insatserna ska samordnas", "How the interventions are coordinated"),
    ("action_plan", "Handlingsplan för möjliga och förväntade situationer",
     "Action plan for possible and expected situations"),
    ("contact", "Kontaktpersoner", "Contact persons"),
    ("note", "Övrigt", "Other notes"),
)
_WORDS: dict[str, tuple[str, str]] = {
    "title": ("Samordnad individuell plan (SIP), version {n}",
              "Coordinated individual plan (SIP), version {n}"),
    "coordinator": ("Samordningsansvarig", "Coordinator"),
    "follow_up": ("Uppföljning", "Follow-up"),
    "approval": ("Godkännande", "Approval"),
    "approved": ("Godkänd {date} av {by}", "Approved {date} by {by}"),
    "with_person": ("tillsammans med den enskilde", "together with the person"),
    "draft": ("Utkast, inte godkänt", "Draft, not approved"),
    "none": ("–", "–"),
    "voided": ("MAKULERAD {date}: samtycket har återkallats; innehållet kan inte läsas.",
               "VOIDED {date}: consent was withdrawn; the content cannot be read."),
    "responsible": ("ansvarig", "responsible"),
    "place": ("plats", "place"),
}


@attrs.frozen
class PlanDocument:
    """One plan version rendered: ``text`` (plain text) and ``html`` (an HTML fragment)."""

    version: int
    lang: Lang
    voided: bool
    text: str
    html: str

    def __str__(self) -> str:
        return self.text


def _word(key: str, lang: Lang, **values: object) -> str:
    return _WORDS[key][0 if lang == "sv" else 1].format(**values)


def _line(note: NoteView, lang: Lang) -> str:
    if note.kind == "contact":
        return f"{note.person} ({note.unit}): {note.reach}"
    if note.kind == "intervention":
        who = ", ".join(w for w in (note.unit, note.responsible) if w)
        return f"{note.text} ({_word('responsible', lang)}: {who})"
    if note.kind == "note" and note.heading:
        return f"{note.heading}: {note.text}"
    return note.text or ""


def _key(note: NoteView) -> str:
    return f"goal.{note.horizon}" if note.kind == "goal" else note.kind


def _sections(case: SipCase, number: int, lang: Lang) -> Iterator[tuple[str, list[str]]]:
    notes = case.notes(number)
    i = 0 if lang == "sv" else 1
    for key, *headings in _SECTIONS:
        lines = [_line(n, lang) for n in notes if _key(n) == key]
        if lines:
            yield headings[i], lines
    version = case.versions[number - 1]
    coordinator = case.coordinator
    yield _word("coordinator", lang), [
        f"{coordinator.person} ({coordinator.unit})" if coordinator else _word("none", lang)]
    follow_up = version.follow_up
    if follow_up is None:
        yield _word("follow_up", lang), [_word("none", lang)]
    else:
        where = f", {_word('place', lang)}: {follow_up.place}" if follow_up.place else ""
        yield _word("follow_up", lang), [f"{follow_up.date.isoformat()}{where}"]
    if version.approved_at is None:
        yield _word("approval", lang), [_word("draft", lang)]
    else:
        approved = _word("approved", lang, date=local_date(version.approved_at).isoformat(),
                         by=version.approved_by)
        together = f", {_word('with_person', lang)}" if version.with_person else ""
        yield _word("approval", lang), [approved + together]


def version_number(case: SipCase, version: object) -> int:
    """The plan version ``version`` names (None: the latest); bad input where the case has no
    such version."""
    if not case.versions:
        raise InputError("version", "a plan version (the case has none before its meeting)",
                         version)
    number = case.plan_version if version is None else version
    if type(number) is not int or not 1 <= number <= case.plan_version:
        raise InputError("version", f"a plan version from 1 to {case.plan_version}", version)
    return number


def plan_document(case: SipCase, version: int | None = None, lang: Lang = "sv") -> PlanDocument:
    """Plan ``version`` of ``case`` (default: the latest) in ``lang`` (``"sv"`` or ``"en"``).
    Bad input: no such version, another language."""
    if lang not in ("sv", "en"):
        raise InputError("lang", "sv or en", lang)
    number = version_number(case, version)
    title = _word("title", lang, n=number)
    void = case.voided_at
    if void is not None:
        notice = _word("voided", lang, date=local_date(void).isoformat())
        return PlanDocument(
            number, lang, True, f"{title}\n\n{notice}\n",
            f"<article class=\"sip voided\"><h1>{html.escape(title)}</h1>"
            f"<p><strong>{html.escape(notice)}</strong></p></article>",
        )
    sections = list(_sections(case, number, lang))
    text = [title, ""]
    markup = [f"<article class=\"sip\"><h1>{html.escape(title)}</h1>"]
    for heading, lines in sections:
        text.extend([heading, *(f"- {line}" for line in lines), ""])
        markup.append(f"<h2>{html.escape(heading)}</h2><ul>"
                      + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>")
    markup.append("</article>")
    return PlanDocument(number, lang, False, "\n".join(text), "".join(markup))
