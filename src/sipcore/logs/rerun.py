"""Re-deciding a recorded case under another profile, through the public API only.

A recorded case is a list of events; each names its command (``event.command``) and its checked
arguments (``event.args``). :func:`rerun` opens a fresh case under the profile given, with the
recorded person, units and opening arguments, and runs every later command again with
``case.execute``, at its recorded time: a command the profile refuses is recorded as refused
(the case is left as it was, as the engine guarantees) and the next command is tried.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from sipcore.errors import InputError, Refusal, SipError

__all__ = ["Rerun", "command_args", "profile_spec", "rerun", "resolve_profile"]


@attrs.frozen(eq=False)
class Rerun:
    """A case decided again: the case, and per recorded event (from the second) the ids of
    its refusal, or ``None`` where it applied."""

    case: Any  # sipcore.SipCase
    refusals: tuple[tuple[str, ...] | None, ...]


def command_args(event: Any) -> dict[str, Any]:
    """The arguments a caller gives to run ``event``'s command again: every argument of the
    event except those the case decided itself (``withdraw_consent``'s units to notify)."""
    args = event.args
    if isinstance(args, Mapping):
        values = dict(args)
    else:
        kind: type = type(args)
        values = {name: getattr(args, name) for name in _given(kind)}
    if event.command == "record_preferences" and "fields" in values:
        return dict(values["fields"])  # execute() takes the free fields themselves
    return values


@functools.cache
def _given(cls: type) -> tuple[str, ...]:
    """The names of the arguments a caller gives (not those the case decides)."""
    return tuple(f.name for f in attrs.fields(cls) if not f.metadata.get("decided", False))


def rerun(events: Sequence[Any], profile: Any) -> Rerun:
    """Decide ``events`` again under ``profile``: open a case as the first event did, then
    execute every later command at its recorded time."""
    from sipcore.case import SipCase

    first = events[0]
    declaration = first.declaration
    case = SipCase.open_case(
        at=first.at, profile=profile, person=declaration.person,
        units=dict(declaration.units), **command_args(first),
    )
    refusals: list[tuple[str, ...] | None] = []
    for event in events[1:]:
        try:
            case.execute(event.command, at=event.at, **command_args(event))
        except Refusal as refusal:
            refusals.append(refusal.ids)
        else:
            refusals.append(None)
    return Rerun(case, tuple(refusals))


def profile_spec(profile: Any) -> tuple[str, str]:
    """What a worker process needs to load ``profile`` again: a name, ``id@version`` or a path,
    with the content hash it must have."""
    from sipcore.profiles import Profile, load_profile

    if isinstance(profile, str | os.PathLike):
        loaded = load_profile(profile)
        spec = os.fspath(profile)
        if spec.endswith(".toml"):
            spec = str(Path(spec).resolve())
        return spec, loaded.content_hash
    if not isinstance(profile, Profile):
        raise InputError("profile", "a profile name, 'id@version', a .toml path or a Profile",
                         profile)
    try:
        if load_profile(profile.key).stamp == profile.stamp:
            return profile.key, profile.content_hash
    except SipError:
        pass
    if profile.origin and Path(profile.origin).is_file():
        return str(Path(profile.origin).resolve()), profile.content_hash
    raise InputError("profile", "a bundled profile or one read from a file (a worker loads it "
                     "again)", profile.key)


@functools.lru_cache(maxsize=16)
def resolve_profile(spec: str, content_hash: str) -> Any:
    """The profile ``spec`` names, loaded once per process; it must have ``content_hash``
    (of a name, that of its newest version). A name is given back as it is, so that each
    command is decided by the version in force on its date (DOMAIN.md §7.1)."""
    from sipcore.profiles import deciding, load_profile

    profile = load_profile(spec)
    if profile.content_hash != content_hash:
        raise InputError("profile", f"the content of {spec} as the run started "
                         f"({content_hash[:12]})", profile.content_hash[:12])
    return deciding(spec)

