"""Rule profiles: the national baseline and regional overlays, as versioned, dated, cited data.

A :class:`Profile` is what the case engine reads: durations for the deadlines, the level of the
rules a region may set, the regional switches of DOMAIN.md §7 and the names a region gives its
steps. Profiles are TOML files that a regional process owner reads and writes without Python
(the bundled ones are ``sipcore/profiles/bundled/<id>@<version>.toml``; the format is in
``docs/profile-format.md``).

- :mod:`~sipcore.profiles.model`: :class:`Profile`, :class:`Duration`, :class:`Step`,
  :class:`Stamp`;
- :mod:`~sipcore.profiles.reader`: one file, checked key by key;
- :mod:`~sipcore.profiles.resolution`: what a file extends, the bundled profiles,
  :func:`load_profile` and :func:`profile_in_force` (the version in force on a date).
"""

from sipcore.profiles.model import (
    CHILD_CONSENT_MODELS,
    DURATION_UNITS,
    LEVELS,
    NATIONAL,
    PARAMETERS,
    PHASES,
    PRINCIPALS,
    PROFILE_RULES,
    ChildConsent,
    Duration,
    DurationUnit,
    Level,
    LiabilityStart,
    PhaseName,
    Principal,
    Profile,
    Stamp,
    StartPlanning,
    Step,
)
from sipcore.profiles.resolution import (
    bundled_documents,
    bundled_profiles,
    content_hash,
    deciding,
    follows_versions,
    load_profile,
    profile_in_force,
)

__all__ = [
    "CHILD_CONSENT_MODELS",
    "DURATION_UNITS",
    "LEVELS",
    "NATIONAL",
    "PARAMETERS",
    "PHASES",
    "PRINCIPALS",
    "PROFILE_RULES",
    "ChildConsent",
    "Duration",
    "DurationUnit",
    "Level",
    "LiabilityStart",
    "PhaseName",
    "Principal",
    "Profile",
    "Stamp",
    "StartPlanning",
    "Step",
    "bundled_documents",
    "bundled_profiles",
    "content_hash",
    "deciding",
    "follows_versions",
    "load_profile",
    "profile_in_force",
]
