"""The municipality's payment liability for a patient who is utskrivningsklar (Lag (2017:612)
5 kap. 3–4 §§, DOMAIN.md §10.3).

The liability needs an inskrivningsmeddelande and a notice that the patient is utskrivningsklar
(5 kap. 3 §) and, for a samordnad plan vid utskrivning, a kallelse sent by the fast vårdkontakt
in accordance with 4 kap. 3 §: a ``send_invitation`` on or before the ``discharge_invitation``
due date while a fast vårdkontakt is appointed. Without one of these there is none, and the
answer names the missing step and its section. (A samordnad vårdplan, ``SPLPTLRV``, is not a
planning under 4 kap. 1 § 1 st., so no kallelse is asked of it.)

It begins (``liable_from``) on the day the profile's :class:`~sipcore.profiles.LiabilityStart`
gives for the patient's ``care``: nationally 3 calendar days after the local date of the
notice, 4 when it was sent after 12.00 (5 kap. 4 §), not rolled. ``liable_days`` counts the
dates from ``liable_from`` up to, not including, the local date of the discharge (or of
``as_of`` while the patient is still admitted): one day per completed vårddygn, an inference the
national profile documents.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Generic, Literal, NamedTuple, TypeVar

import attrs

from sipcore.deadlines import local_date, stockholm
from sipcore.errors import SipError
from sipcore.findings import Source
from sipcore.legal import Cite

if TYPE_CHECKING:
    from sipcore.case import SipCase
    from sipcore.profiles import LiabilityStart, Profile, Stamp

__all__ = ["Liability", "LiabilityList", "Missing", "liabilities", "payment_liability"]

# The step without which there is no liability.
Missing = Literal["discharge_case", "in_force", "admission_notice", "discharge_ready",
                  "invitation"]

_5_3 = Cite("lusv_5_3", "1 st.")
_KALLELSE = Cite("lusv_5_3", "2 st.", "I de fall en samordnad individuell planering ska "
                 "genomföras enligt 4 kap. 1 och 2 §§ är kommunen betalningsansvarig endast om "
                 "den fasta vårdkontakten i den regionfinansierade öppna vården har kallat till "
                 "samordnad individuell planering i enlighet med 4 kap. 3 §.")
_5_4 = Cite("lusv_5_4", "", "ska kommunens betalningsansvar inträda tre dagar efter det att en "
            "underrättelse enligt 3 kap. 1 § har skickats. Om en sådan underrättelse skickas "
            "efter klockan 12.00, ska kommunens betalningsansvar emellertid inträda fyra dagar "
            "efter det att underrättelsen har skickats.")
_CITES: dict[str, tuple[Cite, ...]] = {
    "liable": (_5_4, Cite("lusv_4_5")),
    "discharge_case": (_5_3, Cite("lusv_4_1", "1 st.")),
    "in_force": (_5_4,),
    "admission_notice": (_5_3, Cite("lusv_2_3")),
    "discharge_ready": (_5_3, Cite("lusv_3_1")),
    "invitation": (_KALLELSE, Cite("lusv_4_3", "2 st.")),
}
_SOURCES: dict[str, tuple[Source, ...]] = {
    key: tuple(Source.of(c) for c in cites) for key, cites in _CITES.items()
}
_TEXTS: dict[str, tuple[str, str]] = {
    "discharge_case": ("inget utskrivningsärende", "not a discharge case"),
    "in_force": ("ingen regel om betalningsansvar gäller då",
                 "no rule of payment liability in force then"),
    "admission_notice": ("inget inskrivningsmeddelande", "no admission notice"),
    "discharge_ready": ("ingen underrättelse om att patienten är utskrivningsklar",
                        "no notice that the patient is ready for discharge"),
    "invitation": ("den fasta vårdkontakten har inte kallat till SIP i tid",
                   "the fast vårdkontakt has not sent the invitation in time"),
}


@attrs.frozen(weakref_slot=False)
class Liability:
    """The payment liability of one case as of a time: from which day and for how many days
    the municipality pays, or (``liable_from`` ``None``) the step whose absence means it does
    not (``missing``), with the sections that decide (``sources``, the first is ``section``)."""

    as_of: dt.datetime
    liable_from: dt.date | None
    liable_days: int
    missing: Missing | None
    sources: tuple[Source, ...]

    @property
    def liable(self) -> bool:
        return self.liable_from is not None

    @property
    def section(self) -> str:
        """The statute section that decides, as text (``Lag (2017:612) 5 kap. 4 §``)."""
        return self.sources[0].title

    def describe(self, lang: Literal["sv", "en"] = "sv") -> str:
        i = 0 if lang == "sv" else 1
        if self.liable_from is None:
            assert self.missing is not None
            word = ("inget betalningsansvar", "no payment liability")[i]
            return f"{word}: {_TEXTS[self.missing][i]} ({self.section})"
        if lang == "sv":
            return (f"betalningsansvar från {self.liable_from}, {self.liable_days} vårddygn "
                    f"({self.section})")
        return (f"liable from {self.liable_from}, {self.liable_days} days ({self.section})")

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "liable_from": None if self.liable_from is None else self.liable_from.isoformat(),
            "liable_days": self.liable_days,
            "missing": self.missing,
            "section": self.section,
            "sources": [s.to_dict() for s in self.sources],
        }


class _Facts(NamedTuple):
    """What decides a case's liability, whatever the time: when each step came (``None``:
    not at all), the first day of liability and the discharge's local date."""

    missing: Missing | None  # a step that is missing whatever the time
    admission_at: dt.datetime | None
    ready_at: dt.datetime | None
    invitation_at: dt.datetime | None  # the first kallelse in accordance with 4 kap. 3 §
    needs_invitation: bool
    liable_from: dt.date | None
    discharged_at: dt.datetime | None
    discharged_on: dt.date | None

    def at(self, as_of: dt.datetime, day: dt.date, memo: _Memo | None = None) -> Liability:
        """The liability as of ``as_of`` (local date ``day``); ``memo`` shares the equal
        answers of one region-wide call (a frozen answer is the same for every case)."""
        missing = self.missing
        if missing is None:
            if self.admission_at is None or self.admission_at > as_of:
                missing = "admission_notice"
            elif self.ready_at is None or self.ready_at > as_of:
                missing = "discharge_ready"
            elif self.needs_invitation and (
                self.invitation_at is None or self.invitation_at > as_of
            ):
                missing = "invitation"
        start: dt.date | None = None
        days = 0
        if missing is None:
            start = self.liable_from
            assert start is not None
            gone = self.discharged_at
            end = self.discharged_on if gone is not None and gone <= as_of else day
            assert end is not None
            days = max(0, (end - start).days)
        key = (start, days, missing)
        found = memo.get(key) if memo is not None else None
        if found is None:
            found = Liability(as_of, start, days, missing, _SOURCES[missing or "liable"])
            if memo is not None:
                memo[key] = found
        return found


_Memo = dict[tuple[dt.date | None, int, str | None], Liability]


_NOT_DISCHARGE = _Facts("discharge_case", None, None, None, False, None, None, None)
_CACHE: weakref.WeakKeyDictionary[SipCase, tuple[int, _Facts]] = weakref.WeakKeyDictionary()


def _facts(case: SipCase) -> _Facts:
    count = case.event_count
    cached = _CACHE.get(case)
    if cached is not None and cached[0] == count:
        return cached[1]
    found = _read(case)
    _CACHE[case] = (count, found)
    return found


def _read(case: SipCase) -> _Facts:
    if not case.is_discharge:
        return _NOT_DISCHARGE
    chain = case.discharge
    ready = chain.ready_at or case.discharge_notice_at
    gone = chain.discharged_at
    gone_on = None if gone is None else local_date(gone)
    admitted = chain.admission_notice_at
    needs = case.case_kind[0] == "SPU"
    if ready is None:
        return _Facts(None, admitted, None, None, needs, None, gone, gone_on)
    ready_day = local_date(ready)
    start, deadline = _limits(case.profile_for(ready_day), case.care, ready_day)
    if start is None or (needs and deadline is None):
        return _Facts("in_force", admitted, ready, None, needs, None, gone, gone_on)
    invited = None
    if needs and deadline is not None:
        since = chain.first_appointed_at
        for invitation in case.invitations:
            sent = invitation.sent_at
            if since is not None and since <= sent < deadline:
                invited = sent
                break
    return _Facts(None, admitted, ready, invited, needs, start.liable_from(ready), gone, gone_on)


_LIMITS: dict[tuple[Stamp, str, dt.date], tuple[LiabilityStart | None, dt.datetime | None]] = {}
_LIMITS_KEPT = 1024  # the notices of a few years; then the table starts again


def _limits(
    profile: Profile, care: str, day: dt.date
) -> tuple[LiabilityStart | None, dt.datetime | None]:
    """For a notice on ``day`` under ``profile``: when the liability begins, and the instant
    the kallelse is late from (the start of the day after its last day), worked out once per
    profile content, care and day (a table of bounded size, keyed by the profile's stamp)."""
    key = (profile.stamp, care, day)
    found = _LIMITS.get(key)
    if found is None:
        limit = profile.duration("discharge_invitation", day)
        late = None
        if limit is not None:
            after = limit.after(day) + dt.timedelta(days=1)
            late = dt.datetime.combine(after, dt.time(), stockholm())
        found = (profile.liability_start(care, day), late)
        if len(_LIMITS) >= _LIMITS_KEPT:
            _LIMITS.clear()
        _LIMITS[key] = found
    return found


def payment_liability(case: SipCase, as_of: dt.datetime) -> Liability:
    """The payment liability of ``case`` as of ``as_of`` (see the module's description)."""
    from sipcore.commands import aware

    as_of = aware("as_of", as_of)
    return _facts(case).at(as_of, local_date(as_of))


C = TypeVar("C")


class LiabilityList(list[tuple[C, Liability]], Generic[C]):
    """Each case with its liability, in the order given, and the cases whose liability could
    not be computed (``uncomputable``: each case with the error): one bad case does not hide
    the rest."""

    uncomputable: list[tuple[C, SipError]]

    def __init__(self) -> None:
        super().__init__()
        self.uncomputable = []


def liabilities(cases: Iterable[SipCase], as_of: dt.datetime) -> LiabilityList[SipCase]:
    """The payment liability of every discharge case among ``cases`` as of ``as_of``: the
    region's list of what the municipality pays for (cases that are not discharge cases are
    left out). A case whose liability cannot be computed (a date beyond the calendar, a case
    that is not a :class:`~sipcore.SipCase`) is listed in the result's ``uncomputable``."""
    from sipcore.commands import aware

    as_of = aware("as_of", as_of)
    day = local_date(as_of)
    memo: _Memo = {}
    out: LiabilityList[SipCase] = LiabilityList()
    for case in cases:
        try:
            if not case.is_discharge:
                continue
            facts = _facts(case)
        except SipError as exc:
            out.uncomputable.append((case, exc))
            continue
        except (AttributeError, TypeError):
            from sipcore.errors import InputTypeError

            out.uncomputable.append((case, InputTypeError("cases", "SipCase objects", case)))
            continue
        out.append((case, facts.at(as_of, day, memo)))
    return out
