"""Rule profiles: the national baseline and regional overlays, as versioned, cited data.

A :class:`Profile` is what the case engine reads: durations for the deadlines, the level of the
rules a region may set, the regional switches of DOMAIN.md §7 and the names a region gives its
steps. Profiles are TOML files that a regional process owner reads and writes without Python
(the bundled ones are ``sipcore/profiles/<id>@<version>.toml``); :func:`load_profile` reads
them. The format, in short::

    id = "vastmanland"
    version = "1"
    name = "Region Västmanland"
    valid_from = 2018-01-01
    last_reviewed = 2026-11-22
    extends = "national@2018.1"          # regional profiles only: a pinned national profile
    source = "004_f76983d570eb3820.txt"  # where the version and valid_from come from
    part = "Lag (2017:612) om samverkan vid utskrivning …"

    [parameters.invitation_answer]
    amount = 1
    unit = "working_days"                # working_days, calendar_days, weeks, months
    rolls = false                        # Lag (1930:173) 2 §: statutory limits only
    source = "004_f76983d570eb3820.txt"  # a sipcore.legal.CATALOGUE key or a source document
    part = "Skicka kallelse till samordnad individuell planering"  # required for a document
    quote = "besvara kallelsen inom 1 arbetsdag"

    [rules."invitation.coordinator"]
    level = "must"                       # must, should, off
    source = "004_f76983d570eb3820.txt"
    part = "Förberedelser inför mötet"

Every value carries its source; ``also = [{ source = "…", part = "…", quote = "…" }]`` adds
more. The national profile sets every parameter and marks with ``regional = true`` the ones a
regional profile may set; a regional profile inherits everything it does not set. Anything
else (an unknown key, a wrong type, dates out of order, an ``extends`` that is not a bundled
national profile, a source that does not resolve) is refused with a :class:`ProfileError`
that names the file, the key and what was expected.

References: Lag (1930:173) om beräkning av lagstadgad tid 1–2 §§ (``rolls``, weeks, months);
Lag (2017:612) 4 kap. 3 § (the national discharge invitation limit).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import re
import sys
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Literal, NoReturn

import attrs

from sipcore import deadlines
from sipcore._toml import show_value
from sipcore.errors import InputError, InputTypeError, ProfileError
from sipcore.legal import CATALOGUE, DOCUMENTS, Cite

__all__ = [
    "CHILD_CONSENT_MODELS",
    "DURATION_UNITS",
    "LEVELS",
    "NATIONAL",
    "PARAMETERS",
    "PHASES",
    "PROFILE_RULES",
    "ChildConsent",
    "Duration",
    "DurationUnit",
    "Level",
    "PhaseName",
    "Profile",
    "Step",
    "bundled_profiles",
    "load_profile",
]

DurationUnit = Literal["working_days", "calendar_days", "weeks", "months"]
Level = Literal["must", "should", "off"]
PhaseName = Literal["opened", "consented", "invited", "drafting", "active", "closed"]
# How a child's consent is given. "guardians": every custodial guardian consents for a person
# under child_age_limit, whatever the child's age (FB 6 kap. 11, 13 §§); the child is asked and
# heard. The set is closed: a new model needs the consent rules to know it first.
ChildConsent = Literal["guardians"]

DURATION_UNITS: tuple[DurationUnit, ...] = ("working_days", "calendar_days", "weeks", "months")
LEVELS: tuple[Level, ...] = ("must", "should", "off")
PHASES: tuple[PhaseName, ...] = ("opened", "consented", "invited", "drafting", "active", "closed")
CHILD_CONSENT_MODELS: tuple[ChildConsent, ...] = ("guardians",)
NATIONAL = "national"
# The rules whose level a profile sets (DOMAIN.md §5: "must where the profile says", "must in
# Jönköping, should elsewhere"). Every other rule has the level of the rules registry.
PROFILE_RULES: tuple[str, ...] = ("invitation.coordinator", "plan.goal_horizons")

_DURATIONS = ("invitation_answer", "plan_documentation", "discharge_invitation")
_BOOLEANS = ("follow_up_place_required", "school_principal_for_children")
# Every parameter of a profile, in the order the files list them.
PARAMETERS: tuple[str, ...] = (
    "steps", *_DURATIONS, *_BOOLEANS, "child_age_limit", "child_consent"
)


@attrs.frozen
class Duration:
    """A time limit: ``amount`` of ``unit`` after a start date.

    ``rolls`` applies Lag (1930:173) 2 §: a last day that falls on a Saturday, Sunday, public
    holiday, midsommarafton, julafton or nyårsafton moves to the next working day. Weeks and
    months count as Lag (1930:173) 1 § says (same weekday; same day of the month, or the last
    day of a shorter month).
    """

    amount: int
    unit: DurationUnit
    rolls: bool = False

    def after(self, start: dt.date) -> dt.date:
        """The last day of the limit that starts on ``start``."""
        if self.unit == "working_days":
            return deadlines.add_working_days(start, self.amount)
        if self.unit == "calendar_days":
            end = start + dt.timedelta(days=self.amount)
        elif self.unit == "weeks":
            end = start + dt.timedelta(weeks=self.amount)
        else:
            from dateutil.relativedelta import relativedelta

            end = start + relativedelta(months=self.amount)
        return deadlines.roll_forward(end) if self.rolls else end

    def describe(self, lang: str = "sv") -> str:
        names = {
            "working_days": ("arbetsdagar", "working days"),
            "calendar_days": ("kalenderdagar", "calendar days"),
            "weeks": ("veckor", "weeks"),
            "months": ("månader", "months"),
        }
        sv, en = names[self.unit]
        if self.amount == 1:
            sv, en = {"arbetsdagar": "arbetsdag", "kalenderdagar": "kalenderdag",
                      "veckor": "vecka", "månader": "månad"}[sv], en[:-1]
        if lang == "sv":
            return f"{self.amount} {sv}" + (" (flyttas enligt lag 1930:173)" if self.rolls else "")
        return f"{self.amount} {en}" + (" (rolled by Lag 1930:173)" if self.rolls else "")


@attrs.frozen
class Step:
    """One step of a region's own process: its number (1, 2, …), its label and the phases of
    DOMAIN.md §3 that a case is in during this step. One step may cover several phases, and a
    phase may belong to two steps."""

    number: int
    label: str
    phases: tuple[PhaseName, ...]
    sources: tuple[Cite, ...] = ()


@attrs.frozen(weakref_slot=False)
class Stamp:
    """What an event records of the profile it was decided under: ``id@version`` and the
    content hash. A profile has one, shared by every event decided under it."""

    key: str
    content_hash: str


@attrs.frozen
class Profile:
    """One version of a rule profile, with every parameter resolved (a regional profile
    holds the national values it does not set itself).

    ``sources`` maps ``"profile"`` (where version and valid_from come from), each parameter
    name and ``"rules.<rule id>"`` to its citations as text; ``citations`` holds the same as
    :class:`~sipcore.legal.Cite` objects. ``overrides`` names what a regional file sets itself.
    ``content_hash`` is the sha256 of the resolved content: the same file gives the same hash,
    any changed value or source a different one.
    """

    id: str
    version: str
    name: str
    valid_from: dt.date
    last_reviewed: dt.date
    extends: str | None
    steps: tuple[Step, ...]
    invitation_answer: Duration | None
    plan_documentation: Duration | None
    discharge_invitation: Duration | None
    rule_levels: Mapping[str, Level] = attrs.field(hash=False)
    follow_up_place_required: bool = attrs.field(kw_only=True)
    school_principal_for_children: bool = attrs.field(kw_only=True)
    child_age_limit: int = attrs.field(kw_only=True)
    child_consent: ChildConsent = attrs.field(kw_only=True)
    sources: Mapping[str, str] = attrs.field(kw_only=True, hash=False)
    citations: Mapping[str, tuple[Cite, ...]] = attrs.field(kw_only=True, hash=False)
    overrides: frozenset[str] = attrs.field(kw_only=True, default=frozenset())
    content_hash: str = attrs.field(kw_only=True)
    origin: str = attrs.field(kw_only=True, default="", eq=False)  # the file it was read from

    @property
    def key(self) -> str:
        """``id@version``, the pinned name of this profile."""
        return f"{self.id}@{self.version}"

    @functools.cached_property
    def stamp(self) -> Stamp:
        """The profile as its events name it: ``id@version`` and the content hash."""
        return Stamp(sys.intern(self.key), self.content_hash)

    def level(self, rule_id: str, default: Level = "must") -> Level:
        """The level of ``rule_id`` under this profile."""
        return self.rule_levels.get(rule_id, default)

    def steps_for(self, phase: str) -> tuple[Step, ...]:
        """The region's steps that a case in ``phase`` is in (none for the national profile)."""
        if phase not in PHASES:
            raise InputError("phase", f"one of {', '.join(PHASES)}", phase)
        return tuple(step for step in self.steps if phase in step.phases)

    def step_for(self, phase: str) -> str:
        """The region's name for ``phase``, for display: its step's label, two labels joined by
        " / " where the phase belongs to two steps, the phase itself where the profile names no
        steps."""
        steps = self.steps_for(phase)
        return " / ".join(step.label for step in steps) if steps else str(phase)

    @property
    def step_labels(self) -> Mapping[str, str]:
        """Each phase → :meth:`step_for` of it."""
        return MappingProxyType({phase: self.step_for(phase) for phase in PHASES})


# --- reading one file ------------------------------------------------------------------------

_NOTHING = object()
_ID = re.compile(r"[a-z][a-z0-9_]*")
_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_CITE_KEYS = ("source", "part", "quote", "also")
_TOP_KEYS = ("id", "version", "name", "valid_from", "last_reviewed", "extends",
             "source", "part", "quote", "also", "parameters", "rules")


class _Table:
    """One TOML table of a profile file, with the key path used in error messages."""

    def __init__(self, file: str, path: tuple[str | int, ...], data: Mapping[str, object]):
        self.file = file
        self.path = path
        self.data = data

    def where(self, key: str | int | None = None) -> str:
        parts = self.path if key is None else (*self.path, key)
        text = ""
        for part in parts:
            if isinstance(part, int):
                text += f"[{part}]"
            else:
                shown = part if _BARE_KEY.fullmatch(part) else json.dumps(part, ensure_ascii=False)
                text += f".{shown}" if text else shown
        return text or "(top level)"

    def fail(self, key: str | int | None, expected: str, got: object = _NOTHING) -> NoReturn:
        if got is _NOTHING:
            raise ProfileError(f"{self.file}: {self.where(key)}: expected {expected}")
        raise ProfileError(
            f"{self.file}: {self.where(key)}: expected {expected}, got {show_value(got)}"
        )

    def missing(self, key: str, expected: str) -> NoReturn:
        raise ProfileError(f"{self.file}: {self.where(key)}: missing; expected {expected}")

    def only(self, allowed: Iterable[str]) -> None:
        allowed = tuple(allowed)
        for key in self.data:
            if key not in allowed:
                raise ProfileError(
                    f"{self.file}: {self.where(key)}: unknown key; expected one of "
                    + ", ".join(allowed)
                )

    def __contains__(self, key: str) -> bool:
        return key in self.data

    def text(self, key: str, what: str = "a text") -> str:
        if key not in self.data:
            self.missing(key, what)
        value = self.data[key]
        if not isinstance(value, str) or not value.strip():
            self.fail(key, f"{what} (a non-empty text in quotes)", value)
        return value

    def optional_text(self, key: str, what: str = "a text") -> str | None:
        return self.text(key, what) if key in self.data else None

    def date(self, key: str) -> dt.date:
        if key not in self.data:
            self.missing(key, "a date (YYYY-MM-DD)")
        value = self.data[key]
        if type(value) is not dt.date:
            self.fail(key, "a date (YYYY-MM-DD, without quotes or time)", value)
        return value

    def boolean(self, key: str, default: bool | None = None) -> bool:
        if key not in self.data:
            if default is None:
                self.missing(key, "true or false")
            return default
        value = self.data[key]
        if not isinstance(value, bool):
            self.fail(key, "true or false", value)
        return value

    def integer(self, key: str) -> int:
        if key not in self.data:
            self.missing(key, "a whole number ≥ 0")
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(key, "a whole number ≥ 0", value)
        return value

    def choice(self, key: str, options: Iterable[str]) -> str:
        options = tuple(options)
        if key not in self.data:
            self.missing(key, f"one of {', '.join(options)}")
        value = self.data[key]
        if value not in options:
            self.fail(key, f"one of {', '.join(options)}", value)
        assert isinstance(value, str)
        return value

    def table(self, key: str | int, value: object, what: str = "a table") -> _Table:
        if not isinstance(value, dict):
            self.fail(key, what, value)
        return _Table(self.file, (*self.path, key), value)

    def tables(self, key: str, what: str) -> list[_Table]:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            self.fail(key, f"an array of {what}", value)
        return [
            _Table(self.file, (*self.path, key), {}).table(i, item, what)
            for i, item in enumerate(value, start=1)
        ]


@attrs.frozen
class _Param:
    """One parameter as a file sets it: its value, its sources, and (national) whether a
    regional profile may set it."""

    value: object
    cites: tuple[Cite, ...]
    regional: bool
    where: str


@attrs.frozen
class _File:
    file: str
    origin: str
    id: str
    version: str
    name: str
    valid_from: dt.date
    last_reviewed: dt.date
    extends: str | None
    cites: tuple[Cite, ...]
    params: Mapping[str, _Param]  # parameter names and "rules.<rule id>"

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"


def _sources_text() -> str:
    return (
        "a key of sipcore.legal.CATALOGUE (" + ", ".join(sorted(CATALOGUE))
        + ") or a source document (" + ", ".join(sorted(DOCUMENTS)) + ")"
    )


def _cite(t: _Table, source: str, valid_from: dt.date) -> Cite:
    if source in CATALOGUE:
        key, document = source, False
    elif source in DOCUMENTS:
        key, document = DOCUMENTS[source], True
    else:
        t.fail("source", _sources_text(), source)
    if document:
        part = t.text("part", f"the section of {source} that the value comes from")
    else:
        part = t.optional_text("part", "the part (stycke, punkt) cited") or ""
    quote = t.optional_text("quote", "the words quoted") or ""
    ref = CATALOGUE[key]
    if ref.valid_from is not None and valid_from < ref.valid_from:
        t.fail("source", f"a source in force on valid_from {valid_from}; {source!r} applies "
               f"from {ref.valid_from}", source)
    if ref.valid_to is not None and valid_from > ref.valid_to:
        t.fail("source", f"a source in force on valid_from {valid_from}; {source!r} ceased to "
               f"apply after {ref.valid_to}", source)
    return Cite(key, part, quote)


def _cites(
    t: _Table, valid_from: dt.date, *, required: bool, default_source: str | None = None
) -> tuple[Cite, ...]:
    source = t.optional_text("source", _sources_text())
    if source is None and default_source is not None and ("part" in t or "quote" in t):
        source = default_source
    found: list[Cite] = []
    if source is not None:
        found.append(_cite(t, source, valid_from))
    elif required:
        t.missing("source", _sources_text())
    elif "part" in t or "quote" in t or "also" in t:
        t.missing("source", _sources_text() + " for the part, quote or also given")
    for extra in t.tables("also", "tables with source, part and quote"):
        extra.only(("source", "part", "quote"))
        found.append(_cite(extra, extra.text("source", _sources_text()), valid_from))
    return tuple(found)


def _read_duration(t: _Table) -> Duration | None:
    """The duration of ``t``; ``None`` where ``absent = true`` (no such limit)."""
    if t.boolean("absent", False):
        for key in ("amount", "unit", "rolls"):
            if key in t:
                t.fail(key, "no amount, unit or rolls where absent = true", t.data[key])
        return None
    amount = t.integer("amount")
    unit = t.choice("unit", DURATION_UNITS)
    rolls = t.boolean("rolls")
    for known in DURATION_UNITS:
        if unit == known:
            return Duration(amount, known, rolls)
    raise AssertionError(unit)  # pragma: no cover - choice() admits only DURATION_UNITS


def _read_steps(t: _Table, valid_from: dt.date, table_source: str | None) -> tuple[Step, ...]:
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
        if "phases" not in entry:
            entry.missing("phases", f"an array of phases ({', '.join(PHASES)})")
        raw = entry.data["phases"]
        if not isinstance(raw, list) or not raw:
            entry.fail("phases", f"a non-empty array of phases ({', '.join(PHASES)})", raw)
        phases: list[PhaseName] = []
        for phase in raw:
            if phase not in PHASES:
                entry.fail("phases", f"phases from {', '.join(PHASES)}", phase)
            if phase in phases:
                entry.fail("phases", "each phase once", phase)
            phases.append(phase)
        cites = _cites(entry, valid_from, required=False, default_source=table_source)
        steps.append(Step(number, label, tuple(phases), cites))
    for phase in PHASES:
        if not any(phase in step.phases for step in steps):
            t.fail("step", f"a step for every phase ({', '.join(PHASES)}); none covers "
                   f"{phase!r}")
    return tuple(steps)


def _read_param(name: str, t: _Table, valid_from: dt.date, national: bool) -> _Param:
    value: object
    keys: tuple[str, ...] = (*_CITE_KEYS, "regional") if national else _CITE_KEYS
    cited = True
    if name == "steps":
        t.only(("absent", "step", *keys))
        value = _read_steps(t, valid_from, t.optional_text("source", _sources_text()))
        cited = bool(value)
    elif name in _DURATIONS:
        t.only(("amount", "unit", "rolls", "absent", *keys))
        value = _read_duration(t)
        cited = value is not None
    elif name in _BOOLEANS:
        t.only(("value", *keys))
        value = t.boolean("value")
    elif name == "child_age_limit":
        t.only(("value", *keys))
        value = t.integer("value")
    elif name == "child_consent":
        t.only(("value", *keys))
        value = t.choice("value", CHILD_CONSENT_MODELS)
    else:  # a rule level
        t.only(("level", *keys))
        value = t.choice("level", LEVELS)
    regional = t.boolean("regional", False) if national else False
    cites = _cites(t, valid_from, required=cited)
    return _Param(value, cites, regional, t.where())


def _not_regional_key(t: _Table) -> None:
    if "regional" in t:
        t.fail("regional", "no 'regional' mark: only the national profile marks which "
               "parameters a regional profile may set", t.data["regional"])


def _parse(file: str, origin: str, data: Mapping[str, object]) -> _File:
    top = _Table(file, (), data)
    top.only(_TOP_KEYS)
    pid = top.text("id", "the profile's id (lower-case letters, digits, _)")
    if not _ID.fullmatch(pid):
        top.fail("id", "lower-case letters a–z, digits and _ (e.g. 'vastmanland')", pid)
    version = top.text("version", "the profile's version label")
    if not _VERSION.fullmatch(version):
        top.fail("version", "letters, digits, '.', '-' and '_' (e.g. '4.0')", version)
    name = top.text("name", "the profile's name (the region)")
    valid_from = top.date("valid_from")
    last_reviewed = top.date("last_reviewed")
    if last_reviewed < valid_from:
        top.fail("last_reviewed", f"a date on or after valid_from {valid_from}", last_reviewed)
    national = pid == NATIONAL
    extends = top.optional_text("extends", "a pinned national profile, 'national@<version>'")
    if national and extends is not None:
        top.fail("extends", "no extends in the national profile (it is the baseline)", extends)
    if not national and extends is None:
        top.missing("extends", "a pinned national profile, 'national@<version>'")
    cites = _cites(top, valid_from, required=True)
    params: dict[str, _Param] = {}
    groups = (("parameters", PARAMETERS, ""), ("rules", PROFILE_RULES, "rules."))
    for group, names, prefix in groups:
        if group not in top:
            continue
        table = top.table(group, top.data[group])
        table.only(names)
        for pname in names:
            if pname in table:
                sub = table.table(pname, table.data[pname])
                if not national:
                    _not_regional_key(sub)
                params[prefix + pname] = _read_param(pname, sub, valid_from, national)
    return _File(file, origin, pid, version, name, valid_from, last_reviewed, extends, cites,
                 MappingProxyType(params))


def _parse_bytes(file: str, origin: str, raw: bytes) -> _File:
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ProfileError(f"{file}: expected UTF-8 text: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{file}: expected valid TOML: {exc}") from None
    return _parse(file, origin, data)


# --- resolving a file against the national profile -------------------------------------------

_ALL_KEYS = (*PARAMETERS, *(f"rules.{r}" for r in PROFILE_RULES))


def _where_of(key: str) -> str:
    if key.startswith("rules."):
        return f'rules."{key.removeprefix("rules.")}"'
    return f"parameters.{key}"


def _resolve(f: _File, nationals: Mapping[str, _File]) -> Profile:
    if f.extends is None:
        for key in _ALL_KEYS:
            if key not in f.params:
                raise ProfileError(f"{f.file}: {_where_of(key)}: missing; expected a value "
                                   "(the national profile sets every parameter)")
        params = dict(f.params)
        overrides: frozenset[str] = frozenset()
    else:
        base = nationals.get(f.extends)
        if base is None:
            known = ", ".join(sorted(nationals)) or "none"
            raise ProfileError(f"{f.file}: extends: expected a pinned national profile "
                               f"(one of {known}), got {f.extends!r}")
        if f.valid_from < base.valid_from:
            raise ProfileError(f"{f.file}: valid_from: expected a date on or after "
                               f"{base.key}'s valid_from {base.valid_from}, got {f.valid_from}")
        regional = [k for k in _ALL_KEYS if base.params[k].regional]
        for key, param in f.params.items():
            if not base.params[key].regional:
                raise ProfileError(
                    f"{f.file}: {param.where}: expected only what {base.key} marks regional "
                    f"({', '.join(_where_of(k) for k in regional)}); "
                    f"{_where_of(key)} is set nationally"
                )
        params = {**base.params, **f.params}
        overrides = frozenset(f.params)
    return _build(f, params, overrides)


def _cite_json(cites: Iterable[Cite]) -> list[dict[str, str]]:
    return [{"key": c.key, "part": c.part, "quote": c.quote} for c in cites]


def _value_json(value: object) -> object:
    if isinstance(value, Duration):
        return {"amount": value.amount, "unit": value.unit, "rolls": value.rolls}
    if isinstance(value, tuple):
        return [
            {"number": s.number, "label": s.label, "phases": list(s.phases),
             "sources": _cite_json(s.sources)}
            for s in value
            if isinstance(s, Step)
        ]
    return value


def _build(f: _File, params: Mapping[str, _Param], overrides: frozenset[str]) -> Profile:
    content = {
        "id": f.id, "version": f.version, "name": f.name,
        "valid_from": f.valid_from.isoformat(), "last_reviewed": f.last_reviewed.isoformat(),
        "extends": f.extends, "sources": _cite_json(f.cites),
        "parameters": {
            key: {"value": _value_json(p.value), "sources": _cite_json(p.cites)}
            for key, p in sorted(params.items())
        },
    }
    digest = hashlib.sha256(
        json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        .encode("utf-8")
    ).hexdigest()
    citations = {"profile": f.cites, **{key: p.cites for key, p in params.items()}}

    def value(key: str) -> object:
        return params[key].value

    steps = value("steps")
    assert isinstance(steps, tuple)
    levels = {rule: _level(value(f"rules.{rule}")) for rule in PROFILE_RULES}
    return Profile(
        f.id, f.version, f.name, f.valid_from, f.last_reviewed, f.extends,
        steps,
        _duration(value("invitation_answer")),
        _duration(value("plan_documentation")),
        _duration(value("discharge_invitation")),
        MappingProxyType(levels),
        follow_up_place_required=value("follow_up_place_required") is True,
        school_principal_for_children=value("school_principal_for_children") is True,
        child_age_limit=_integer(value("child_age_limit")),
        child_consent=_child_consent(value("child_consent")),
        sources=MappingProxyType(
            {key: "; ".join(str(c) for c in cites) for key, cites in citations.items()}
        ),
        citations=MappingProxyType(citations),
        overrides=overrides,
        content_hash=digest,
        origin=f.origin,
    )


def _duration(value: object) -> Duration | None:
    assert value is None or isinstance(value, Duration)
    return value


def _integer(value: object) -> int:
    assert isinstance(value, int)
    return value


def _level(value: object) -> Level:
    for level in LEVELS:  # the reader admits only these
        if value == level:
            return level
    raise AssertionError(f"unknown level {value!r}")  # pragma: no cover


def _child_consent(value: object) -> ChildConsent:
    for model in CHILD_CONSENT_MODELS:  # the reader admits only these
        if value == model:
            return model
    raise AssertionError(f"unknown child consent model {value!r}")  # pragma: no cover


# --- collections of profiles: the bundled ones, or a directory's ------------------------------


@attrs.frozen
class _Collection:
    where: str
    profiles: Mapping[str, Profile]  # key → profile

    def versions(self, pid: str) -> list[Profile]:
        return sorted((p for p in self.profiles.values() if p.id == pid),
                      key=lambda p: p.valid_from)


def _entries_of_bundle() -> Iterator[tuple[str, bytes]]:
    folder = resources.files("sipcore") / "profiles"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml") and entry.is_file():
            yield entry.name, entry.read_bytes()


@functools.cache
def _bundled_files() -> tuple[_File, ...]:
    return tuple(_parse_bytes(name, f"sipcore/profiles/{name}", raw)
                 for name, raw in _entries_of_bundle())


@functools.cache
def _bundled_nationals() -> Mapping[str, _File]:
    nationals = {f.key: f for f in _bundled_files() if f.extends is None}
    for f in nationals.values():
        _resolve(f, {})  # a national profile must be complete before anything extends it
    return MappingProxyType(nationals)


def _collect(where: str, files: Iterable[_File]) -> _Collection:
    nationals = _bundled_nationals()
    found: dict[str, Profile] = {}
    origin: dict[str, str] = {}
    for f in files:
        stem = f.file.removesuffix(".toml")
        if stem not in (f.key, f.id):
            raise ProfileError(f"{f.file}: id, version: expected a file named {f.key}.toml "
                               f"(or {f.id}.toml), got id {f.id!r} and version {f.version!r}")
        if f.key in found:
            raise ProfileError(f"{f.file}: version: expected a version no other file in {where} "
                               f"has, got {f.version!r} (also in {origin[f.key]})")
        for other in found.values():
            if other.id == f.id and other.valid_from == f.valid_from:
                raise ProfileError(
                    f"{f.file}: valid_from: expected a date no other version of {f.id} has, "
                    f"got {f.valid_from} (also {other.key})"
                )
        found[f.key] = _resolve(f, nationals)
        origin[f.key] = f.file
    return _Collection(where, MappingProxyType(found))


@functools.cache
def _bundled() -> _Collection:
    return _collect("the bundled profiles", _bundled_files())


def _directory(directory: str | os.PathLike[str]) -> _Collection:
    folder = Path(directory)
    if not folder.is_dir():
        raise InputError("directory", "a directory of profile files", str(directory))
    files = [
        _parse_bytes(path.name, str(path), path.read_bytes())
        for path in sorted(folder.glob("*.toml"))
    ]
    return _collect(str(folder), files)


def _load_path(path: Path) -> Profile:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProfileError(f"{path.name}: expected a readable profile file: {exc}") from None
    return _resolve(_parse_bytes(path.name, str(path), raw), _bundled_nationals())


def _check_on(on: object) -> dt.date | None:
    if on is not None and type(on) is not dt.date:
        raise InputTypeError("on", "a date (not a datetime)", on)
    return on


def _pick(collection: _Collection, name: str, on: dt.date | None) -> Profile:
    pid, at, version = name.partition("@")
    ids = sorted({p.id for p in collection.profiles.values()})
    if pid not in ids:
        raise ProfileError(f"unknown profile {pid!r}; {collection.where} are: "
                           + (", ".join(ids) or "none"))
    versions = collection.versions(pid)
    listed = ", ".join(f"{p.version} (valid from {p.valid_from})" for p in versions)
    if at:
        found = collection.profiles.get(name)
        if found is None:
            raise ProfileError(f"unknown version {version!r} of {pid}; its versions are: {listed}")
        if on is not None and found.valid_from > on:
            raise ProfileError(f"{found.key} is not valid on {on}: it is valid from "
                               f"{found.valid_from}")
        return found
    if on is None:
        return versions[-1]
    valid = [p for p in versions if p.valid_from <= on]
    if not valid:
        raise ProfileError(f"no version of {pid} is valid on {on}; its versions are: {listed}")
    return valid[-1]


def load_profile(
    name: str | os.PathLike[str],
    *,
    on: dt.date | None = None,
    directory: str | os.PathLike[str] | None = None,
) -> Profile:
    """One profile, resolved against the national profile it extends.

    - ``load_profile("vastmanland")``: the newest bundled version (the latest ``valid_from``);
    - ``load_profile("vastmanland", on=date)``: the version valid on ``date`` (the one with the
      latest ``valid_from`` on or before it); a :class:`ProfileError` where none is;
    - ``load_profile("vastmanland@1")``: that version (and, with ``on``, only if valid then);
    - ``load_profile(path)`` (a :class:`pathlib.Path` or a str ending in ``.toml``): a region's
      own file; its ``extends`` names a bundled national profile.

    With ``directory``, names are looked up among the ``*.toml`` files of that directory (each
    named ``<id>@<version>.toml`` or ``<id>.toml``) instead of the bundled profiles; there too,
    ``extends`` names a bundled national profile. Bundled profiles are read once per process:
    the same name gives the same object. A :class:`~sipcore.errors.ProfileError` names the
    file, the key and what was expected, or the profiles and versions that exist.
    """
    on = _check_on(on)
    if isinstance(name, os.PathLike) or (isinstance(name, str) and name.endswith(".toml")):
        if directory is not None:
            raise InputError("directory", "None when a profile is loaded from a path",
                             str(directory))
        profile = _load_path(Path(name))
        if on is not None and profile.valid_from > on:
            raise ProfileError(f"{Path(name).name}: {profile.key} is not valid on {on}: "
                               f"it is valid from {profile.valid_from}")
        return profile
    if not isinstance(name, str):
        raise InputTypeError("name", "a profile name, 'id@version', or a path", name)
    collection = _bundled() if directory is None else _directory(directory)
    return _pick(collection, name, on)


def bundled_profiles() -> tuple[Profile, ...]:
    """Every bundled profile version, sorted by id, then valid_from."""
    return tuple(sorted(_bundled().profiles.values(), key=lambda p: (p.id, p.valid_from)))
