"""Rule profiles: the national baseline and regional overlays, as versioned, cited data.

A :class:`Profile` is what the case engine reads: durations for the deadlines, the level of the
rules a region may set, and the regional switches of DOMAIN.md §7. Profiles are loaded from TOML
files (bundled ones under ``sipcore/profiles/``) by :func:`load_profile`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal

import attrs

__all__ = ["Duration", "DurationUnit", "Level", "Profile"]

DurationUnit = Literal["working_days", "calendar_days", "weeks", "months"]
Level = Literal["must", "should", "off"]
DURATION_UNITS: tuple[DurationUnit, ...] = ("working_days", "calendar_days", "weeks", "months")
LEVELS: tuple[Level, ...] = ("must", "should", "off")


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
        from dateutil.relativedelta import relativedelta

        from sipcore import deadlines

        if self.unit == "working_days":
            return deadlines.add_working_days(start, self.amount)
        if self.unit == "calendar_days":
            end = start + dt.timedelta(days=self.amount)
        elif self.unit == "weeks":
            end = start + dt.timedelta(weeks=self.amount)
        else:
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
        if lang == "sv":
            return f"{self.amount} {sv}" + (" (flyttas enligt lag 1930:173)" if self.rolls else "")
        return f"{self.amount} {en}" + (" (rolled by Lag 1930:173)" if self.rolls else "")


@attrs.frozen
class Profile:
    """One version of a rule profile, with every regional parameter resolved.

    ``sources`` maps each parameter name to where its value comes from (a legal catalogue key
    or a source document and its section).
    """

    id: str
    version: str
    name: str
    valid_from: dt.date
    last_reviewed: dt.date
    extends: str | None
    step_labels: Mapping[str, str]
    invitation_answer: Duration | None
    plan_documentation: Duration | None
    discharge_invitation: Duration | None
    rule_levels: Mapping[str, Level]
    follow_up_place_required: bool
    school_principal_for_children: bool
    child_age_limit: int
    child_consent: str
    sources: Mapping[str, str]
    content_hash: str

    @property
    def key(self) -> str:
        """``id@version``, the pinned name of this profile."""
        return f"{self.id}@{self.version}"

    def level(self, rule_id: str, default: Level = "must") -> Level:
        """The level of ``rule_id`` under this profile."""
        return self.rule_levels.get(rule_id, default)
