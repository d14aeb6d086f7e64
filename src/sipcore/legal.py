"""The statutes, regional routines and guidance that sipcore's rules and profiles cite.

Every citation is a :class:`LegalRef` in :data:`CATALOGUE`, under a stable key. Statute
citations carry the dates they are valid: the SIP provision moved from HSL (1982:763) 3 f § to
HSL (2017:30) 16 kap. 4 § on 2017-04-01, and from SoL (2001:453) 2 kap. 7 § to SoL (2025:400)
10 kap. 8–9 §§ on 2025-07-01. The five source documents of the regions are shipped under
``docs/sources/``; ``docs/sources.md`` lists every entry with every quote that cites it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal

import attrs

__all__ = ["CATALOGUE", "Cite", "LegalRef", "RefKind", "resolve"]

RefKind = Literal["statute", "routine", "guidance"]


@attrs.frozen
class LegalRef:
    """One statute section, regional routine or guidance page."""

    key: str
    kind: RefKind
    title: str
    sfs: str | None = None
    chapter: str | None = None
    section: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    document: str | None = None  # file under docs/sources, for routines and 1177 pages
    url: str | None = None
    # The profile id of the region whose routine or page this is; None for what binds everywhere
    # (statutes, national guidance). A finding cites a regional source only under that region.
    region: str | None = None
    publisher: str | None = None
    version: str | None = None  # the document's own version label, where it has one
    date: dt.date | None = None  # when the document was adopted, updated or read

    def applies(self, day: dt.date, region: str | None) -> bool:
        """Whether a decision on ``day`` under the profile of ``region`` cites this source."""
        return self.valid_on(day) and (self.region is None or self.region == region)

    def valid_on(self, day: dt.date) -> bool:
        """Whether this citation is in force (statutes) or current (routines) on ``day``."""
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_to is None or day <= self.valid_to

    def cite(self) -> str:
        """A human citation, e.g. ``HSL (2017:30) 16 kap. 4 §``."""
        if self.kind != "statute":
            return self.title
        where = " ".join(
            part
            for part in (
                f"{self.chapter} kap." if self.chapter else "",
                f"{self.section} §" if self.section else "",
            )
            if part
        )
        return f"{self.title} ({self.sfs}) {where}".strip()

    def validity(self) -> str:
        """The period of validity as text, e.g. ``2010-01-01 – 2025-06-30``."""
        start = self.valid_from.isoformat() if self.valid_from else ""
        end = self.valid_to.isoformat() if self.valid_to else ""
        return f"{start} – {end}".strip() if (start or end) else ""


@attrs.frozen
class Cite:
    """A rule's or parameter's reference to the catalogue, with the part and the words it uses.

    ``local`` is the entry of a document that a profile describes itself (it is not in
    :data:`CATALOGUE`); ``key`` is then that entry's key.
    """

    key: str
    part: str = ""  # stycke, punkt or step, e.g. "2 st."
    quote: str = ""
    local: LegalRef | None = attrs.field(default=None, repr=False)

    @property
    def ref(self) -> LegalRef:
        return self.local if self.local is not None else resolve(self.key)

    def __str__(self) -> str:
        ref = self.ref
        joint = " " if ref.kind == "statute" else ", "
        text = ref.cite() + (f"{joint}{self.part}" if self.part else "")
        return text + (f": \u201d{self.quote}\u201d" if self.quote else "")


def _statute(
    key: str,
    title: str,
    sfs: str,
    chapter: str | None,
    section: str,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
) -> LegalRef:
    return LegalRef(key, "statute", title, sfs, chapter, section, valid_from, valid_to,
                    url=_PRINTS.get(sfs), publisher="Svensk författningssamling (SFS)")


# Where the text of a statute can be read, where known.
_PRINTS = {
    "2017:30": "https://rkrattsdb.gov.se/SFSdoc/17/170030.pdf",
    "2017:612": "https://rkrattsdb.gov.se/SFSdoc/17/170612.pdf",
    "1930:173": "https://lagen.nu/1930:173",
    "1989:253": "https://www.riksdagen.se/sv/Dokument-Lagar/Lagar/Svenskforfattningssamling/"
                "Lag-1989253-om-allmanna-hel_sfs-1989-253/",
}


_D = dt.date

CATALOGUE: Mapping[str, LegalRef] = {
    ref.key: ref
    for ref in (
        _statute("hsl_1982_3f", "HSL", "1982:763", None, "3 f", _D(2010, 1, 1), _D(2017, 3, 31)),
        _statute("hsl_16_4", "HSL", "2017:30", "16", "4", _D(2017, 4, 1)),
        _statute("sol_2001_2_7", "SoL", "2001:453", "2", "7", _D(2010, 1, 1), _D(2025, 6, 30)),
        _statute("sol_10_8", "SoL", "2025:400", "10", "8", _D(2025, 7, 1)),
        _statute("sol_10_9", "SoL", "2025:400", "10", "9", _D(2025, 7, 1)),
        _statute("sol_2025_3_1", "SoL", "2025:400", "3", "1", _D(2025, 7, 1)),
        _statute("lusv_1_3", "Lag om samverkan vid utskrivning", "2017:612", "1", "3",
                 _D(2018, 1, 1)),
        _statute("lusv_2_1", "Lag om samverkan vid utskrivning", "2017:612", "2", "1",
                 _D(2018, 1, 1)),
        _statute("lusv_2_3", "Lag om samverkan vid utskrivning", "2017:612", "2", "3",
                 _D(2018, 1, 1)),
        _statute("lusv_2_5", "Lag om samverkan vid utskrivning", "2017:612", "2", "5",
                 _D(2018, 1, 1)),
        _statute("lusv_3_1", "Lag om samverkan vid utskrivning", "2017:612", "3", "1",
                 _D(2018, 1, 1)),
        _statute("lusv_3_2", "Lag om samverkan vid utskrivning", "2017:612", "3", "2",
                 _D(2018, 1, 1)),
        _statute("lusv_4_1", "Lag om samverkan vid utskrivning", "2017:612", "4", "1",
                 _D(2018, 1, 1)),
        _statute("lusv_4_2", "Lag om samverkan vid utskrivning", "2017:612", "4", "2",
                 _D(2018, 1, 1)),
        _statute("lusv_4_3", "Lag om samverkan vid utskrivning", "2017:612", "4", "3",
                 _D(2018, 1, 1)),
        _statute("lusv_4_5", "Lag om samverkan vid utskrivning", "2017:612", "4", "5",
                 _D(2018, 1, 1)),
        _statute("lusv_5_3", "Lag om samverkan vid utskrivning", "2017:612", "5", "3",
                 _D(2018, 1, 1)),
        _statute("lusv_5_4", "Lag om samverkan vid utskrivning", "2017:612", "5", "4",
                 _D(2018, 1, 1)),
        _statute("lpt_7a", "Lag om psykiatrisk tvångsvård", "1991:1128", None, "7 a",
                 _D(2008, 9, 1)),
        _statute("lrv_12a", "Lag om rättspsykiatrisk vård", "1991:1129", None, "12 a",
                 _D(2008, 9, 1)),
        _statute("lag_1930_173_2", "Lag om beräkning av lagstadgad tid", "1930:173", None, "2",
                 _D(1930, 7, 1)),
        _statute("lag_1989_253_1", "Lag om allmänna helgdagar", "1989:253", None, "1",
                 _D(1990, 1, 1)),
        _statute("fb_6_2", "Föräldrabalken", "1949:381", "6", "2", _D(1950, 1, 1)),
        _statute("fb_6_11", "Föräldrabalken", "1949:381", "6", "11", _D(1950, 1, 1)),
        _statute("fb_6_13", "Föräldrabalken", "1949:381", "6", "13", _D(1950, 1, 1)),
        LegalRef(
            "src_000", "routine",
            "Region Jönköpings län, RUTIN Att göra en SIP, version 4.0",
            valid_from=_D(2024, 5, 29), document="000_963e4feb5670d98a.txt", region="jonkoping",
            publisher="Region Jönköpings län", version="4.0", date=_D(2024, 5, 29),
        ),
        LegalRef(
            "src_001", "guidance", "Vårdsamverkan Västra Götaland, SIP (2021-03-19)",
            valid_from=_D(2021, 3, 19), document="001_95b41a0e0d518416.txt", region="vgr",
            publisher="Vårdsamverkan Västra Götaland", date=_D(2021, 3, 19),
        ),
        LegalRef(
            "src_002", "guidance", "1177 Jönköpings län, Samordnad individuell plan, SIP",
            document="002_c5aaf29f275c98eb.txt", region="jonkoping",
            publisher="1177 (Region Jönköpings län)",
        ),
        LegalRef(
            "src_003", "guidance", "1177 Värmland, Samordnad individuell plan",
            document="003_9ceb0c4405ea2cd8.txt", region="varmland",
            publisher="1177 (Region Värmland)",
        ),
        LegalRef(
            "src_004", "routine", "Region Västmanland, rutin SIP med Cosmic Link",
            document="004_f76983d570eb3820.txt", region="vastmanland",
            # the page the routine names for its consent form (its section on consent)
            url="https://regionvastmanland.se/vardgivare/vardsamverkan/lansgemensamma-dokument/"
            "sip---samordnad-individuell-plan/",
            publisher="Region Västmanland",
        ),
        LegalRef(
            "vastbus_sip", "guidance",
            "Västbus, SIP för barn och unga i Västra Götaland (enligt Bengtsfors kommuns sida "
            "SIP - samordnad individuell plan)",
            region="vgr", url="https://www.bengtsfors.se/", publisher="Bengtsfors kommun",
        ),
        LegalRef(
            "rv_sip_barn", "guidance", "Region Värmland, Samordnad individuell plan - barn",
            region="varmland", publisher="Region Värmland",
            url="https://regionvarmland.se/utveckling-tillvaxt/nya-perspektiv/barn-och-familj/"
            "samordnad-individuell-plan---barn/",
        ),
        LegalRef(
            "uph_sip", "guidance", "Uppdrag Psykisk Hälsa (SKR), SIP-process",
            url="https://www.uppdragpsykiskhalsa.se/sip/sip-process/",
            publisher="Sveriges Kommuner och Regioner (SKR)",
        ),
        # --- the people around the person and the whole plan (DOMAIN.md §§7.2, 11–12) ------
        # Pages that give no date of their own carry the date they were read (2026-12-01).
        LegalRef(
            "kg_stallforetradare", "guidance",
            "Kunskapsguiden (Socialstyrelsen), Regler om ställföreträdare",
            url="https://kunskapsguiden.se/omraden-och-teman/aldre/stodja-aldre-personers-vilja/"
            "regler-om-stallforetradare/",
            publisher="Socialstyrelsen", date=_D(2026, 12, 1),
        ),
        LegalRef(
            "rb_sip", "guidance", "Region Blekinge, Samordnad individuell plan (SIP)",
            region="blekinge", url="https://regionblekinge.se/", publisher="Region Blekinge",
            date=_D(2026, 12, 1),
        ),
        LegalRef(
            "hbg_sip", "routine",
            "Helsingborgs stad, rutin Samordnad individuell plan (SIP), enligt Region Skånes och "
            "Skånes kommuners överenskommelser",
            region="skane",
            url="https://oppnasoc.helsingborg.se/organisation/rutiner/samordnad-individuell-plan-"
            "sip/",
            publisher="Helsingborgs stad", date=_D(2026, 12, 1),
        ),
        LegalRef(
            "sthlm_1177_sip_barn", "guidance",
            "1177 Stockholm, Samordnad individuell plan – ett samarbete med barnet i fokus",
            region="stockholm", url="https://www.1177.se/Stockholm/", publisher="1177 (Region "
            "Stockholm)", date=_D(2026, 12, 1),
        ),
        LegalRef(
            "sthlm_lifecare", "guidance",
            "Vårdgivarguiden (Region Stockholm), Samverkan vid utskrivning",
            region="stockholm",
            url="https://vardgivarguiden.se/avtal/samverkansomraden/samverkan-vid-utskrivning/",
            publisher="Region Stockholm", date=_D(2026, 12, 1),
        ),
    )
}

# A source document file name → its catalogue key (scenario files cite documents by file name).
DOCUMENTS: Mapping[str, str] = {
    ref.document: ref.key for ref in CATALOGUE.values() if ref.document is not None
}


def resolve(key: str) -> LegalRef:
    """The catalogue entry under ``key``; a ``KeyError`` names the unknown key."""
    try:
        return CATALOGUE[key]
    except KeyError:
        raise KeyError(f"unknown legal reference {key!r}") from None
