"""Reading one profile file: its keys, values and citations, checked one by one.

What a file says is read into a :class:`ProfileFile`; resolving it against the profile it
extends is :mod:`sipcore.profiles.resolution`. Every refusal is a
:class:`~sipcore.errors.ProfileError` whose one line names the file, the key and what was
expected (``docs/profile-format.md`` describes the format).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from sipcore._toml import Table, parse
from sipcore.errors import ProfileError
from sipcore.legal import CATALOGUE, DOCUMENTS, Cite, LegalRef
from sipcore.profiles.model import (
    BOOLEANS,
    CHILD_CONSENT_MODELS,
    DURATION_UNITS,
    DURATIONS,
    LEVELS,
    LIABILITIES,
    NATIONAL,
    PARAMETERS,
    PHASES,
    PLAN_PARTS,
    PRINCIPALS,
    PROFILE_RULES,
    START_MET_BY,
    Duration,
    LiabilityStart,
    PhaseName,
    StartPlanning,
    Step,
)

__all__ = ["Param", "ProfileFile", "read_profile_file"]

_ID = re.compile(r"[a-z][a-z0-9_]*")
_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_HASH = re.compile(r"[0-9a-f]{64}")
_CITE_KEYS = ("source", "part", "quote", "also")
_TOP_KEYS = ("id", "version", "name", "valid_from", "last_reviewed", "extends",
             "source", "part", "quote", "also", "previous_hashes", "documents", "parameters",
             "rules", "description")
_DOCUMENT_KEYS = ("title", "kind", "publisher", "version", "date", "address", "valid_from",
                  "valid_to")
_DOCUMENT_KINDS = ("routine", "guidance")


def _texted(what: str) -> str:
    return f"{what} (a non-empty text in quotes)"


@attrs.frozen
class Param:
    """One parameter (or rule level) as a file sets it: its value, its sources, its own
    ``valid_from`` where it has one, and (national) whether a regional profile may set it."""

    value: object
    cites: tuple[Cite, ...]
    regional: bool
    where: str
    valid_from: dt.date | None = None


@attrs.frozen
class ProfileFile:
    """What one profile file says, checked, before it is resolved against what it extends."""

    file: str
    origin: str
    id: str
    version: str
    name: str
    valid_from: dt.date
    last_reviewed: dt.date
    extends: str | None
    cites: tuple[Cite, ...]
    params: Mapping[str, Param]  # parameter names and "rules.<rule id>"
    documents: Mapping[str, LegalRef]
    previous_hashes: tuple[str, ...]
    description: str = ""

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"


@attrs.frozen
class _Context:
    """What a citation in the file resolves against: the catalogue and the file's own
    documents."""

    documents: Mapping[str, LegalRef]  # as the file names them → the entry

    def expected(self) -> str:
        own = ""
        if self.documents:
            own = f", or a document of this file ({', '.join(self.documents)})"
        return (
            "a key of sipcore.legal.CATALOGUE (" + ", ".join(sorted(CATALOGUE))
            + ") or a source document (" + ", ".join(sorted(DOCUMENTS)) + ")" + own
        )

    def cite(self, t: Table, source: str) -> Cite:
        local = self.documents.get(source)
        if local is not None:
            part = t.text("part", _texted(f"the section of {source} that the value comes from"))
            return Cite(local.key, part, self._quote(t), local)
        if source in CATALOGUE:
            part = t.optional_text("part", _texted("the part (stycke, punkt) cited")) or ""
            return Cite(source, part, self._quote(t))
        if source in DOCUMENTS:
            part = t.text("part", _texted(f"the section of {source} that the value comes from"))
            return Cite(DOCUMENTS[source], part, self._quote(t))
        t.fail("source", self.expected(), source)

    @staticmethod
    def _quote(t: Table) -> str:
        return t.optional_text("quote", _texted("the words quoted")) or ""

    def cites(
        self, t: Table, valid_from: dt.date, *, required: bool, default_source: str | None = None
    ) -> tuple[Cite, ...]:
        source = t.optional_text("source", self.expected())
        if source is None and default_source is not None and ("part" in t or "quote" in t):
            source = default_source
        found: list[tuple[Table, Cite]] = []
        if source is not None:
            found.append((t, self.cite(t, source)))
        elif required:
            t.missing("source", self.expected())
        elif "part" in t or "quote" in t or "also" in t:
            t.missing("source", self.expected() + " for the part, quote or also given")
        for extra in t.tables("also", "tables with source, part and quote"):
            extra.only(("source", "part", "quote"))
            found.append((extra, self.cite(extra, extra.text("source", self.expected()))))
        _in_force(found, valid_from)
        return tuple(cite for _, cite in found)


def _in_force(found: list[tuple[Table, Cite]], valid_from: dt.date) -> None:
    """A value's sources hold when it takes effect: none has ceased before ``valid_from``, and
    one at least is in force on it (a later statute may be cited beside it, as the SIP
    provision's successors are)."""
    for t, cite in found:
        ref, given = cite.ref, t.data.get("source", cite.key)
        if ref.valid_to is not None and valid_from > ref.valid_to:
            t.fail("source", f"a source in force on valid_from {valid_from}; {given!r} "
                   f"ceased to apply after {ref.valid_to}", given)
    if found and not any(cite.ref.valid_on(valid_from) for _, cite in found):
        t, cite = found[0]
        given = t.data.get("source", cite.key)
        t.fail("source", f"a source in force on valid_from {valid_from}; {given!r} "
               f"applies from {cite.ref.valid_from}", given)


# The longest time limit a profile may set, per unit: a year. A routine's limits are days or
# weeks; a larger amount is a typo, and one that would put deadlines past the calendar.
MAX_AMOUNTS = {"working_days": 260, "calendar_days": 366, "weeks": 52, "months": 12}


def _absent(t: Table, keys: tuple[str, ...]) -> bool:
    """Whether ``t`` says ``absent = true`` (no such value), and then none of ``keys``."""
    if not t.boolean("absent", False):
        return False
    for key in keys:
        if key in t:
            t.fail(key, f"no {', '.join(keys[:-1])} or {keys[-1]} where absent = true",
                   t.data[key])
    return True


def _read_duration(t: Table) -> Duration | None:
    """The duration of ``t``; ``None`` where ``absent = true`` (no such limit)."""
    if _absent(t, ("amount", "unit", "rolls")):
        return None
    amount = t.count("amount")
    unit = t.choice("unit", DURATION_UNITS)
    most = MAX_AMOUNTS[unit]
    if amount > most:
        t.fail("amount", f"at most {most} {unit.replace('_', ' ')} (a time limit of at most a "
               "year)", amount)
    rolls = t.boolean("rolls")
    for known in DURATION_UNITS:
        if unit == known:
            return Duration(amount, known, rolls)
    raise AssertionError(unit)  # pragma: no cover - choice() admits only DURATION_UNITS


def _read_liability(t: Table) -> LiabilityStart | None:
    """When the payment liability begins (``days``, ``days_after_noon``, ``noon`` as a TOML
    local time, e.g. 12:00:00); ``None`` where ``absent = true``."""
    if _absent(t, ("days", "days_after_noon", "noon")):
        return None
    days = t.count("days")
    later = t.count("days_after_noon")
    most = MAX_AMOUNTS["calendar_days"]
    if later > most:
        t.fail("days_after_noon", f"at most {most} days (a typo otherwise)", later)
    if later < days:
        t.fail("days_after_noon", f"a number of days at least days ({days})", later)
    noon = t.raw("noon", "a local time, e.g. 12:00:00 (without quotes)")
    if not isinstance(noon, dt.time) or noon.tzinfo is not None:
        t.fail("noon", "a local time, e.g. 12:00:00 (without quotes)", noon)
    return LiabilityStart(days, later, noon)


def _read_start(t: Table) -> StartPlanning | None:
    """The start deadline of ``t``; ``None`` where ``absent = true`` (no such limit)."""
    if _absent(t, ("amount", "unit", "rolls", "met_by", "children_only")):
        return None
    limit = _read_duration(t)
    assert limit is not None
    met_by = t.choice("met_by", START_MET_BY)
    return StartPlanning(limit, met_by, t.boolean("children_only", False))


def _read_parts(t: Table) -> tuple[str, ...]:
    value = t.texts("value", f"an array of plan parts ({', '.join(PLAN_PARTS)}); [] for none")
    for part in value:
        if part not in PLAN_PARTS:
            t.fail("value", f"plan parts from {', '.join(PLAN_PARTS)}", part)
    if len(set(value)) != len(value):
        t.fail("value", "each plan part once", list(value))
    return value


def _read_steps(
    t: Table, context: _Context, valid_from: dt.date, table_source: str | None
) -> tuple[Step, ...]:
    if t.boolean("absent", False):
        if "step" in t:
            t.fail("step", "no steps where absent = true", t.data["step"])
        return ()
    if "step" not in t:
        t.missing("step", "[[parameters.steps.step]] tables, one per step, in order")
    entries = t.tables("step", "tables with label and phases")
    if not entries:
        t.fail("step", "at least one step", [])
    steps: list[Step] = []
    for number, entry in enumerate(entries, start=1):
        entry.only(("label", "phases", "source", "part", "quote", "also"))
        label = entry.text("label", "the step's label")
        if any(label == s.label for s in steps):
            entry.fail("label", "a label no other step has", label)
        raw = entry.raw("phases", f"an array of phases ({', '.join(PHASES)})")
        if not isinstance(raw, list) or not raw:
            entry.fail("phases", f"a non-empty array of phases ({', '.join(PHASES)})", raw)
        phases: list[PhaseName] = []
        for phase in raw:
            known = next((p for p in PHASES if p == phase), None)
            if known is None:
                entry.fail("phases", f"phases from {', '.join(PHASES)}", phase)
            if known in phases:
                entry.fail("phases", "each phase once", phase)
            phases.append(known)
        cites = context.cites(entry, valid_from, required=False, default_source=table_source)
        steps.append(Step(number, label, tuple(phases), cites))
    for phase in PHASES:
        if not any(phase in step.phases for step in steps):
            t.fail("step", f"a step for every phase ({', '.join(PHASES)}); none covers "
                   f"{phase!r}")
    return tuple(steps)


def _read_principals(t: Table) -> tuple[str, ...]:
    what = f"an array of principals ({', '.join(PRINCIPALS)}); [] for every principal"
    value = t.texts("value", what)
    for principal in value:
        if principal not in PRINCIPALS:
            t.fail("value", f"principals from {', '.join(PRINCIPALS)}", principal)
    if len(set(value)) != len(value):
        t.fail("value", "each principal once", list(value))
    return value


def _read_param(
    name: str, t: Table, context: _Context, profile_from: dt.date, national: bool
) -> Param:
    value: object
    keys: tuple[str, ...] = (*_CITE_KEYS, "valid_from") + (("regional",) if national else ())
    if not national and "regional" in t:
        t.fail("regional", "no 'regional' mark: only the national profile marks which "
               "parameters a regional profile may set", t.data["regional"])
    valid_from = t.optional_date("valid_from")
    if valid_from is not None and valid_from < profile_from:
        t.fail("valid_from", f"a date on or after the profile's valid_from {profile_from}",
               valid_from)
    since = valid_from or profile_from
    cited = True
    if name == "steps":
        t.only(("absent", "step", *keys))
        value = _read_steps(t, context, since, t.optional_text("source", context.expected()))
        cited = bool(value)
    elif name in DURATIONS:
        t.only(("amount", "unit", "rolls", "absent", *keys))
        value = _read_duration(t)
        cited = value is not None
    elif name in LIABILITIES:
        t.only(("days", "days_after_noon", "noon", "absent", *keys))
        value = _read_liability(t)
        cited = value is not None
    elif name == "invitation_answer_principals":
        t.only(("value", *keys))
        value = _read_principals(t)
        cited = bool(value)
    elif name in BOOLEANS:
        t.only(("value", *keys))
        value = t.boolean("value")
    elif name == "child_age_limit":
        t.only(("value", *keys))
        value = t.count("value")
    elif name == "child_consent":
        t.only(("value", *keys))
        value = t.choice("value", CHILD_CONSENT_MODELS)
    elif name == "start_planning":
        t.only(("amount", "unit", "rolls", "absent", "met_by", "children_only", *keys))
        value = _read_start(t)
        cited = value is not None
    elif name == "plan_parts":
        t.only(("value", *keys))
        value = _read_parts(t)
    elif national and "level" not in t:  # a rule a region may set; nationally its own level
        t.only(keys)
        value, cited = None, False
    else:  # a rule level
        t.only(("level", *keys))
        value = t.choice("level", LEVELS)
    regional = t.boolean("regional", False) if national else False
    cites = context.cites(t, since, required=cited)
    return Param(value, cites, regional, t.where, valid_from)


def _read_documents(top: Table, pid: str) -> Mapping[str, LegalRef]:
    """The documents the file describes itself, as catalogue entries of its own."""
    if "documents" not in top:
        return MappingProxyType({})
    found: dict[str, LegalRef] = {}
    for name, t in top.table("documents").subtables():
        if not _ID.fullmatch(name) or name in CATALOGUE:
            top.table("documents").fail(
                name, "a document name of lower-case letters, digits and _ that is not a key "
                "of sipcore.legal.CATALOGUE", name)
        t.only(_DOCUMENT_KEYS)
        valid_from = t.optional_date("valid_from")
        valid_to = t.optional_date("valid_to")
        if valid_from is not None and valid_to is not None and valid_to < valid_from:
            t.fail("valid_to", f"a date on or after valid_from {valid_from}", valid_to)
        kind = t.choice("kind", _DOCUMENT_KINDS) if "kind" in t else "routine"
        found[name] = LegalRef(
            f"{pid}:{name}",
            "guidance" if kind == "guidance" else "routine",
            t.text("title", _texted("the document's title")),
            valid_from=valid_from,
            valid_to=valid_to,
            url=t.optional_text("address", _texted("the document's address (https://…)")),
            region=None if pid == NATIONAL else pid,
            publisher=t.optional_text("publisher", _texted("who publishes the document")),
            version=t.optional_text("version", _texted("the document's own version label")),
            date=t.optional_date("date"),
        )
    return MappingProxyType(found)


def _read_previous(top: Table) -> tuple[str, ...]:
    what = "an array of content hashes (64 hexadecimal digits, in quotes)"
    if "previous_hashes" not in top:
        return ()
    hashes = top.texts("previous_hashes", what)
    for value in hashes:
        if not _HASH.fullmatch(value):
            top.fail("previous_hashes", what, value)
    return hashes


def read_profile_file(file: str, origin: str, raw: bytes) -> ProfileFile:
    """Read and check one profile file (``file`` is its name in messages, ``origin`` where
    it was read from)."""
    top = parse(file, raw, ProfileError)
    top.only(_TOP_KEYS)
    pid = top.text("id", _texted("the profile's id (lower-case letters, digits, _)"))
    if not _ID.fullmatch(pid):
        top.fail("id", "lower-case letters a–z, digits and _ (e.g. 'vastmanland')", pid)
    version = top.text("version", _texted("the profile's version label"))
    if not _VERSION.fullmatch(version):
        top.fail("version", "letters, digits, '.', '-' and '_' (e.g. '4.0')", version)
    name = top.text("name", _texted("the profile's name (the region)"))
    valid_from = top.date("valid_from")
    last_reviewed = top.date("last_reviewed")
    if last_reviewed < valid_from:
        top.fail("last_reviewed", f"a date on or after valid_from {valid_from}", last_reviewed)
    national = pid == NATIONAL
    extends_what = "a pinned profile to build on, 'national@<version>' or '<region>@<version>'"
    extends = top.optional_text("extends", extends_what)
    if national and extends is not None:
        top.fail("extends", "no extends in the national profile (it is the baseline)", extends)
    if not national and extends is None:
        top.missing("extends", extends_what)
    context = _Context(_read_documents(top, pid))
    cites = context.cites(top, valid_from, required=True)
    params: dict[str, Param] = {}
    for group, names, prefix in (("parameters", PARAMETERS, ""), ("rules", PROFILE_RULES,
                                                                   "rules.")):
        if group not in top:
            continue
        table = top.table(group)
        table.only(names)
        for pname in names:
            if pname in table:
                params[prefix + pname] = _read_param(
                    pname, table.table(pname), context, valid_from, national
                )
    description = top.optional_text("description", _texted("what the profile is (its IT "
                                                           "system, its scope)")) or ""
    return ProfileFile(file, origin, pid, version, name, valid_from, last_reviewed, extends,
                       cites, MappingProxyType(params), context.documents, _read_previous(top),
                       description)
