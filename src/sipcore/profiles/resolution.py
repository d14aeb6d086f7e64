"""Which profile: a file resolved against what it extends; the bundled profiles; a name, a
pinned version, a file, and the version in force on a date (DOMAIN.md §7.1).

A profile name (``"vastmanland"``) selects, for a date, the version in force then: each version
is in force from its ``valid_from`` until the next version's ``valid_from``
(:func:`profile_in_force`). A pinned version (``"vastmanland@1"``) or a file is used as given:
that is how a region runs a proposal that is not yet in force.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import TypeGuard

import attrs

from sipcore.errors import InputError, InputTypeError, ProfileError
from sipcore.legal import Cite, LegalRef
from sipcore.profiles.model import (
    CHILD_CONSENT_MODELS,
    LEVELS,
    NEUTRAL,
    PARAMETERS,
    PRINCIPALS,
    PROFILE_RULES,
    ChildConsent,
    Duration,
    Level,
    LiabilityStart,
    Principal,
    Profile,
    StartPlanning,
    Step,
)
from sipcore.profiles.reader import Param, ProfileFile, read_profile_file

__all__ = ["bundled_profiles", "content_hash", "load_profile", "profile_in_force"]

_ALL_KEYS = (*PARAMETERS, *(f"rules.{r}" for r in PROFILE_RULES))
# What does not decide a command, and so is not in the content hash: the steps are names for
# display (Profile.step_for).
_DISPLAY_ONLY = ("steps",)


@attrs.frozen
class _Resolved:
    """A resolved profile with its parameters as files set them, and the national file at the
    root of what it extends (which marks what a region may set)."""

    profile: Profile
    params: Mapping[str, Param]
    root: ProfileFile


_Lookup = Callable[[str], "_Resolved | None"]


def _where_of(key: str) -> str:
    if key.startswith("rules."):
        return f'rules."{key.removeprefix("rules.")}"'
    return f"parameters.{key}"


def _resolve(f: ProfileFile, lookup: _Lookup, known: Iterable[str]) -> _Resolved:
    if f.extends is None:
        for key in _ALL_KEYS:
            if key not in f.params:
                raise ProfileError(f"{f.file}: {_where_of(key)}: missing; expected a value "
                                   "(the national profile sets every parameter)")
        return _Resolved(_build(f, f.params, frozenset(), {}), f.params, f)
    base = lookup(f.extends)
    if base is None:
        listed = ", ".join(sorted(known)) or "none"
        raise ProfileError(f"{f.file}: extends: expected a pinned profile to build on "
                           f"(one of {listed}), got {f.extends!r}")
    if f.valid_from < base.profile.valid_from:
        raise ProfileError(f"{f.file}: valid_from: expected a date on or after "
                           f"{base.profile.key}'s valid_from {base.profile.valid_from}, "
                           f"got {f.valid_from}")
    root = base.root
    regional = [k for k in _ALL_KEYS if root.params[k].regional]
    for key, param in f.params.items():
        if not root.params[key].regional:
            raise ProfileError(
                f"{f.file}: {param.where}: expected only what {root.key} marks regional "
                f"({', '.join(_where_of(k) for k in regional)}); "
                f"{_where_of(key)} is set nationally"
            )
    params = {**base.params, **f.params}
    overrides = base.profile.overrides | frozenset(f.params)
    profile = _build(f, params, overrides, base.profile.documents)
    return _Resolved(profile, MappingProxyType(params), root)


def _value_json(value: object) -> object:
    if isinstance(value, Duration):
        return {"amount": value.amount, "unit": value.unit, "rolls": value.rolls}
    if isinstance(value, LiabilityStart):
        return {"days": value.days, "days_after_noon": value.days_after_noon,
                "noon": value.noon.isoformat()}
    if isinstance(value, StartPlanning):
        return {"limit": _value_json(value.limit), "met_by": value.met_by,
                "children_only": value.children_only}
    if isinstance(value, tuple):
        return list(value)
    return value


def _neutral(key: str, p: Param) -> bool:
    """A parameter added after the first releases, at the value that decides nothing: left out
    of the hash, so that every profile that does not use it keeps its hash and its events."""
    return (key in NEUTRAL and p.valid_from is None
            and _value_json(p.value) == NEUTRAL[key])


def content_hash(
    pid: str, version: str, valid_from: dt.date, params: Mapping[str, Param]
) -> str:
    """The stamp rule: the sha256 of what decides a command under a profile, and nothing else.

    It covers the id, the version and ``valid_from``, and for each parameter and rule level
    (but the steps, which are names for display) its value and its own ``valid_from``. Names,
    titles, parts, quotes, ``last_reviewed`` and the documents described are not in it: a
    corrected citation keeps the hash, and events stored under it replay.
    """
    content = {
        "id": pid, "version": version, "valid_from": valid_from.isoformat(),
        "parameters": {
            key: {"value": _value_json(p.value),
                  "valid_from": p.valid_from.isoformat() if p.valid_from else None}
            for key, p in sorted(params.items())
            if key not in _DISPLAY_ONLY and not _neutral(key, p)
        },
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _build(
    f: ProfileFile,
    params: Mapping[str, Param],
    overrides: frozenset[str],
    inherited: Mapping[str, LegalRef],
) -> Profile:
    citations = {"profile": f.cites, **{key: p.cites for key, p in params.items()}}

    def value(key: str) -> object:
        return params[key].value

    steps = value("steps")
    assert isinstance(steps, tuple)
    return Profile(
        f.id, f.version, f.name, f.valid_from, f.last_reviewed, f.extends,
        _steps(steps),
        _duration(value("invitation_answer")),
        _duration(value("plan_documentation")),
        _duration(value("discharge_invitation")),
        MappingProxyType({
            rule: _level(value(f"rules.{rule}"))
            for rule in PROFILE_RULES
            if value(f"rules.{rule}") is not None  # else the rule's own level
        }),
        follow_up_place_required=value("follow_up_place_required") is True,
        school_principal_for_children=value("school_principal_for_children") is True,
        child_age_limit=_integer(value("child_age_limit")),
        child_consent=_child_consent(value("child_consent")),
        sources=MappingProxyType(
            {key: "; ".join(str(c) for c in cites) for key, cites in citations.items()}
        ),
        citations=MappingProxyType(citations),
        overrides=overrides,
        content_hash=content_hash(f.id, f.version, f.valid_from, params),
        origin=f.origin,
        invitation_answer_principals=_principals(value("invitation_answer_principals")),
        dated=MappingProxyType(
            {key: p.valid_from for key, p in params.items() if p.valid_from is not None}
        ),
        documents=MappingProxyType({**inherited, **{d.key: d for d in f.documents.values()}}),
        previous_hashes=f.previous_hashes,
        payment_liability_somatic=_liability(value("payment_liability_somatic")),
        payment_liability_psychiatric=_liability(value("payment_liability_psychiatric")),
        meeting_leader_appointed=value("meeting_leader_appointed") is True,
        start_planning=_start(value("start_planning")),
        plan_parts=_parts(value("plan_parts")),
        description=f.description,
    )


def _start(value: object) -> StartPlanning | None:
    assert value is None or isinstance(value, StartPlanning)
    return value


def _parts(value: object) -> tuple[str, ...]:
    assert isinstance(value, tuple)
    return tuple(str(part) for part in value)


def _steps(value: tuple[object, ...]) -> tuple[Step, ...]:
    assert all(isinstance(s, Step) for s in value)
    return tuple(s for s in value if isinstance(s, Step))


def _duration(value: object) -> Duration | None:
    assert value is None or isinstance(value, Duration)
    return value


def _liability(value: object) -> LiabilityStart | None:
    assert value is None or isinstance(value, LiabilityStart)
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


def _principals(value: object) -> tuple[Principal, ...]:
    assert isinstance(value, tuple)
    return tuple(p for p in PRINCIPALS if p in value)  # the reader admits only these


# --- collections of profiles: the bundled ones, or a directory's ------------------------------


@attrs.frozen
class _Collection:
    where: str
    resolved: Mapping[str, _Resolved]  # key → resolved profile

    @property
    def profiles(self) -> Mapping[str, Profile]:
        return MappingProxyType({key: r.profile for key, r in self.resolved.items()})

    def versions(self, pid: str) -> list[Profile]:
        return sorted((r.profile for r in self.resolved.values() if r.profile.id == pid),
                      key=lambda p: p.valid_from)


def _entries_of_bundle() -> Iterator[tuple[str, bytes]]:
    folder = resources.files("sipcore") / "profiles" / "bundled"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml") and entry.is_file():
            yield entry.name, entry.read_bytes()


def _collect(
    where: str, files: Iterable[ProfileFile], fallback: _Collection | None = None
) -> _Collection:
    """Every file resolved, each against the file of the collection it extends (or, failing
    that, a profile of ``fallback``); a file's name, version and valid_from are its own."""
    pending: dict[str, ProfileFile] = {}
    for f in files:
        stem = f.file.removesuffix(".toml")
        if stem not in (f.key, f.id):
            raise ProfileError(f"{f.file}: id, version: expected a file named {f.key}.toml "
                               f"(or {f.id}.toml), got id {f.id!r} and version {f.version!r}")
        if f.key in pending:
            raise ProfileError(f"{f.file}: version: expected a version no other file in {where} "
                               f"has, got {f.version!r} (also in {pending[f.key].file})")
        for other in pending.values():
            if other.id == f.id and other.valid_from == f.valid_from:
                raise ProfileError(
                    f"{f.file}: valid_from: expected a date no other version of {f.id} has, "
                    f"got {f.valid_from} (also {other.key})"
                )
        pending[f.key] = f
    done: dict[str, _Resolved] = {}
    known = sorted({*pending, *(fallback.resolved if fallback else ())})

    def lookup(key: str, chain: tuple[str, ...] = ()) -> _Resolved | None:
        if key in done:
            return done[key]
        f = pending.get(key)
        if f is None:
            return fallback.resolved.get(key) if fallback else None
        if key in chain:
            raise ProfileError(f"{f.file}: extends: expected a profile that does not extend "
                               f"itself, got {' → '.join((*chain, key))}")
        done[key] = _resolve(f, lambda k: lookup(k, (*chain, key)), known)
        return done[key]

    for key in pending:
        lookup(key)
    return _Collection(where, MappingProxyType({key: done[key] for key in pending}))


@functools.cache
def _bundled() -> _Collection:
    files = [read_profile_file(name, f"sipcore/profiles/bundled/{name}", raw)
             for name, raw in _entries_of_bundle()]
    return _collect("the bundled profiles", files)


def _directory(directory: str | os.PathLike[str]) -> _Collection:
    folder = Path(directory)
    if not folder.is_dir():
        raise InputError("directory", "a directory of profile files", str(directory))
    files = [read_profile_file(path.name, str(path), path.read_bytes())
             for path in sorted(folder.glob("*.toml"))]
    return _collect(str(folder), files, _bundled())


def _load_path(path: Path) -> Profile:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProfileError(f"{path.name}: expected a readable profile file: {exc}") from None
    bundled = _bundled()
    f = read_profile_file(path.name, str(path), raw)
    return _resolve(f, bundled.resolved.get, bundled.resolved).profile


def _is_path(name: object) -> bool:
    return isinstance(name, os.PathLike) or (isinstance(name, str) and name.endswith(".toml"))


def _check_on(on: object) -> dt.date | None:
    if on is not None and type(on) is not dt.date:
        raise InputTypeError("on", "a date (not a datetime)", on)
    return on


def _listed(versions: Iterable[Profile]) -> str:
    return ", ".join(f"{p.version} (valid from {p.valid_from})" for p in versions)


def _in_force(versions: list[Profile], on: dt.date) -> Profile | None:
    """The version in force on ``on``: the one with the latest ``valid_from`` on or before it
    (each is in force until the next one's ``valid_from``)."""
    valid = [p for p in versions if p.valid_from <= on]
    return valid[-1] if valid else None


def _pick(collection: _Collection, name: str, on: dt.date | None) -> Profile:
    pid, at, version = name.partition("@")
    ids = sorted({p.id for p in collection.profiles.values()})
    if pid not in ids:
        raise ProfileError(f"unknown profile {pid!r}; {collection.where} are: "
                           + (", ".join(ids) or "none"))
    versions = collection.versions(pid)
    if at:
        found = collection.profiles.get(name)
        if found is None:
            raise ProfileError(f"unknown version {version!r} of {pid}; its versions are: "
                               f"{_listed(versions)}")
        if on is not None and found.valid_from > on:
            raise ProfileError(f"{found.key} is not valid on {on}: it is valid from "
                               f"{found.valid_from}")
        return found
    if on is None:
        return versions[-1]
    chosen = _in_force(versions, on)
    if chosen is None:
        raise ProfileError(f"no version of {pid} is valid on {on}; its versions are: "
                           f"{_listed(versions)}")
    return chosen


def load_profile(
    name: str | os.PathLike[str],
    *,
    on: dt.date | None = None,
    directory: str | os.PathLike[str] | None = None,
) -> Profile:
    """One profile, resolved against the profile it extends.

    - ``load_profile("vastmanland")``: the newest bundled version (the latest ``valid_from``);
    - ``load_profile("vastmanland", on=date)``: the version in force on ``date`` (the one with
      the latest ``valid_from`` on or before it); a :class:`ProfileError` where none is;
    - ``load_profile("vastmanland@1")``: that version (and, with ``on``, only if valid then);
    - ``load_profile(path)`` (a :class:`pathlib.Path` or a str ending in ``.toml``): a region's
      own file; its ``extends`` names a bundled profile.

    With ``directory``, names are looked up among the ``*.toml`` files of that directory (each
    named ``<id>@<version>.toml`` or ``<id>.toml``) instead of the bundled profiles; there,
    ``extends`` names a profile of the directory or a bundled one. Bundled profiles are read
    once per process: the same name gives the same object. A
    :class:`~sipcore.errors.ProfileError` names the file, the key and what was expected, or the
    profiles and versions that exist.
    """
    on = _check_on(on)
    if _is_path(name):
        if directory is not None:
            raise InputError("directory", "None when a profile is loaded from a path",
                             str(directory))
        path = Path(name)
        profile = _load_path(path)
        if on is not None and profile.valid_from > on:
            raise ProfileError(f"{path.name}: {profile.key} is not valid on {on}: "
                               f"it is valid from {profile.valid_from}")
        return profile
    if not isinstance(name, str):
        raise InputTypeError("name", "a profile name, 'id@version', or a path", name)
    collection = _bundled() if directory is None else _directory(directory)
    return _pick(collection, name, on)


_NAME_ONLY = re.compile(r"[a-z][a-z0-9_]*")


def follows_versions(name: object) -> TypeGuard[str]:
    """``name`` is a profile's name without a version (``"vastmanland"``): under it, each
    command is decided by the version in force on its local date (DOMAIN.md §7.1), where
    ``load_profile(name)`` gives the newest version only."""
    return isinstance(name, str) and _NAME_ONLY.fullmatch(name) is not None


def deciding(spec: str | os.PathLike[str]) -> Profile | str:
    """What decides a case under ``spec``, as :meth:`SipCase.open_case` takes it: a profile's
    name as it is (each command decided by the version in force on its date), once the name is
    known; a pinned version or a file, loaded (a bad one raises as :func:`load_profile`)."""
    loaded = load_profile(spec)
    return spec if follows_versions(spec) else loaded


def shown(profile: Profile | str) -> str:
    """A profile as a report names it: a name as it is, a loaded profile by ``id@version``."""
    return profile if isinstance(profile, str) else profile.key


def profile_in_force(
    name: str | os.PathLike[str],
    on: dt.date,
    *,
    directory: str | os.PathLike[str] | None = None,
) -> Profile:
    """The profile that decides a command dated ``on`` (its local date) under ``name``
    (DOMAIN.md §7.1).

    - a name (``"jonkoping"``): the version in force on ``on``, each version in force from its
      ``valid_from`` until the next version's ``valid_from``; where none is in force, an
      :class:`~sipcore.errors.InputError` for the argument ``profile`` that names the profile
      and the date (never a fallback to another version);
    - a pinned version (``"jonkoping@4.0"``) or a path to a file: that profile, as given,
      whatever the date (a proposal not yet in force runs this way).

    An unknown name or version is an ``InputError`` for ``profile`` too, naming those that
    exist; a malformed file is a :class:`~sipcore.errors.ProfileError`.
    """
    if type(on) is not dt.date:
        raise InputTypeError("on", "a date (not a datetime)", on)
    if _is_path(name):
        return load_profile(name)
    if not isinstance(name, str):
        raise InputTypeError("profile", "a profile name, 'id@version', or a path", name)
    collection = _bundled() if directory is None else _directory(directory)
    pid, at, _ = name.partition("@")
    versions = collection.versions(pid)
    if not versions:
        ids = sorted({p.id for p in collection.profiles.values()})
        raise InputError("profile", f"a known profile (one of {collection.where}: "
                         f"{', '.join(ids)})", name)
    if at:
        pinned = collection.profiles.get(name)
        if pinned is None:
            raise InputError("profile", f"a known version of {pid} (its versions are: "
                             f"{_listed(versions)})", name)
        return pinned
    chosen = _in_force(versions, on)
    if chosen is None:
        raise InputError("profile", f"a version of {pid} in force on {on} (its versions "
                         f"are: {_listed(versions)})", name)
    return chosen


def bundled_profiles() -> tuple[Profile, ...]:
    """Every bundled profile version, sorted by id, then valid_from."""
    return tuple(sorted(_bundled().profiles.values(), key=lambda p: (p.id, p.valid_from)))


def bundled_documents() -> tuple[LegalRef, ...]:
    """The documents that bundled profiles describe themselves, each once."""
    found: dict[str, LegalRef] = {}
    for p in bundled_profiles():
        found.update(p.documents)
    return tuple(found[key] for key in sorted(found))


def cites_of(profile: Profile) -> Iterator[tuple[str, Cite]]:
    """Every citation of ``profile``: (what it cites for, the citation), steps included."""
    for key, cites in profile.citations.items():
        for cite in cites:
            yield key, cite
    for step in profile.steps:
        for cite in step.sources:
            yield f"steps.{step.number}", cite
