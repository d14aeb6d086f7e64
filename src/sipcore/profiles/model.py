"""What a profile is: one version of a region's (or the nation's) routine as values the engine
reads, each with its sources.

A :class:`Profile` holds durations for the deadlines, the level of the rules a region may set,
the regional switches of DOMAIN.md §7 and the names a region gives its steps. The file format
is in ``docs/profile-format.md``; the reader is :mod:`sipcore.profiles.reader`.

References: Lag (1930:173) om beräkning av lagstadgad tid 1–2 §§ (``rolls``, weeks, months).
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

import attrs

from sipcore import deadlines
from sipcore.errors import InputError
from sipcore.legal import Cite, LegalRef

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
]

DurationUnit = Literal["working_days", "calendar_days", "weeks", "months"]
Level = Literal["must", "should", "off"]
PhaseName = Literal["opened", "consented", "invited", "drafting", "active", "closed"]
Principal = Literal["region", "municipality", "school", "other"]
# How a child's consent is given. "guardians": every custodial guardian consents for a person
# under child_age_limit, whatever the child's age (FB 6 kap. 11, 13 §§); the child is asked and
# heard. "guardians_with_child": the same, and it is desirable that the child consents with them
# (advice consent.child_together). "child_if_mature": a child judged mature (mature = true, with
# a journal_ref) may consent alone; otherwise the guardians (DOMAIN.md §11.3). The set is closed:
# a new model needs the consent rules to know it first.
ChildConsent = Literal["guardians", "guardians_with_child", "child_if_mature"]

DURATION_UNITS: tuple[DurationUnit, ...] = ("working_days", "calendar_days", "weeks", "months")
LEVELS: tuple[Level, ...] = ("must", "should", "off")
PHASES: tuple[PhaseName, ...] = ("opened", "consented", "invited", "drafting", "active", "closed")
PRINCIPALS: tuple[Principal, ...] = ("region", "municipality", "school", "other")
CHILD_CONSENT_MODELS: tuple[ChildConsent, ...] = (
    "guardians", "guardians_with_child", "child_if_mature")
NATIONAL = "national"
# The rules whose level a profile sets (DOMAIN.md §5: "must where the profile says", "must in
# Jönköping, should elsewhere"). Every other rule has the level of the rules registry.
PROFILE_RULES: tuple[str, ...] = (
    "invitation.coordinator", "invitation.substitute", "plan.goal_horizons"
)

DURATIONS = ("invitation_answer", "plan_documentation", "discharge_invitation")
BOOLEANS = ("follow_up_place_required", "school_principal_for_children",
            "meeting_leader_appointed")
# When the municipality's payment liability begins, per the care the patient is discharged
# from (Lag 2017:612 5 kap. 4 §; a region's agreement under 4 kap. 5 §).
LIABILITIES = ("payment_liability_somatic", "payment_liability_psychiatric")
# The parts of a plan a profile's plan_parts may require for approval, besides the national
# minimum (a need, an intervention with a unit, a coordinator, a follow-up date): DOMAIN.md §12.1.
PLAN_PARTS = ("goal", "goal.short", "goal.long", "action_plan", "own_action", "contact",
              "coordination", "follow_up.place")
START_MET_BY = ("send_invitation", "hold_meeting")
# Every parameter of a profile, in the order the files list them.
PARAMETERS: tuple[str, ...] = (
    "steps", *DURATIONS, "invitation_answer_principals", *BOOLEANS, "child_age_limit",
    "child_consent", *LIABILITIES,
    # the people around the person and the whole plan (DOMAIN.md §§7.2, 11–12)
    "start_planning", "plan_parts",
)
# The values that these later parameters have where a profile sets nothing of them: a
# profile with these values decides as it did before they existed, and its content hash is the
# one it had then (see sipcore.profiles.resolution.content_hash).
NEUTRAL: Mapping[str, object] = MappingProxyType({
    "meeting_leader_appointed": False, "start_planning": None, "plan_parts": [],
})


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
class LiabilityStart:
    """When the municipality's payment liability begins: ``days`` calendar days after the local
    date of the notice that the patient is utskrivningsklar, ``days_after_noon`` when the
    notice was sent after ``noon`` local time (Lag 2017:612 5 kap. 4 §). Calendar days, not
    rolled: it is no time limit for an action, so Lag (1930:173) does not apply."""

    days: int
    days_after_noon: int
    noon: dt.time

    def liable_from(self, notice: dt.datetime) -> dt.date:
        """The first day of liability after a notice sent at ``notice`` (aware)."""
        local = notice.astimezone(deadlines.stockholm())
        late = local.time().replace(tzinfo=None) > self.noon
        return local.date() + dt.timedelta(days=self.days_after_noon if late else self.days)

    def describe(self, lang: str = "sv") -> str:
        noon = self.noon.strftime("%H.%M")
        if lang == "sv":
            return (f"{self.days} kalenderdagar efter underrättelsen, {self.days_after_noon} "
                    f"om den skickas efter klockan {noon}")
        return (f"{self.days} calendar days after the notice, {self.days_after_noon} if it is "
                f"sent after {noon}")


@attrs.frozen
class StartPlanning:
    """The start deadline (DOMAIN.md §12.4): the work starts within ``limit`` of the opening
    (or of the need identified), met by the first ``met_by`` (``send_invitation`` or
    ``hold_meeting``); ``children_only``: it arises only for a child."""

    limit: Duration
    met_by: str
    children_only: bool = False

    def after(self, start: dt.date) -> dt.date:
        return self.limit.after(start)

    def describe(self, lang: str = "sv") -> str:
        sv = {"send_invitation": "kallelse", "hold_meeting": "möte"}[self.met_by]
        if lang == "sv":
            return (f"{self.limit.describe('sv')} till {sv}"
                    + (", bara barn" if self.children_only else ""))
        return (f"{self.limit.describe('en')} to {self.met_by}"
                + (", children only" if self.children_only else ""))


@attrs.frozen
class Step:
    """One step of a region's own process: its number (1, 2, …), its label and the phases of
    DOMAIN.md §3 that a case is in during this step. One step may cover several phases, and a
    phase may belong to two steps."""

    number: int
    label: str
    phases: tuple[PhaseName, ...]
    sources: tuple[Cite, ...] = ()


@attrs.frozen(weakref_slot=False, eq=False)
class Stamp:
    """What an event records of the profile it was decided under: ``id@version`` and the
    content hash. A profile has one, shared by every event decided under it.

    ``earlier`` holds the hashes the same version had in earlier releases (the profile's
    ``previous_hashes``). Two stamps are equal when they name the same version and one's hash is
    the other's or among its earlier ones: a stamp stored by an earlier release equals the
    profile's stamp today, so that its events replay.
    """

    key: str
    content_hash: str
    earlier: frozenset[str] = frozenset()

    def __eq__(self, other: object) -> bool:
        if self is other:  # a case's events share one stamp
            return True
        if not isinstance(other, Stamp):
            return NotImplemented
        if self.key != other.key:
            return False
        return (
            self.content_hash == other.content_hash
            or other.content_hash in self.earlier
            or self.content_hash in other.earlier
        )

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(self.key)


@attrs.frozen
class Profile:
    """One version of a rule profile, with every parameter resolved (a regional profile
    holds the values of the profile it extends where it does not set them itself).

    ``sources`` maps ``"profile"`` (where version and valid_from come from), each parameter
    name and ``"rules.<rule id>"`` to its citations as text; ``citations`` holds the same as
    :class:`~sipcore.legal.Cite` objects. ``overrides`` names what a regional file (or the
    regional profiles it extends) sets itself. ``dated`` maps a parameter that carries a
    ``valid_from`` of its own to that date: before it, :meth:`parameter` gives ``None`` (the
    parameter is absent, as OpenFisca's dated values). ``documents`` are the documents the file
    describes itself (besides :data:`sipcore.legal.CATALOGUE`).

    ``content_hash`` is the sha256 of what decides: the id, version and valid_from, every
    parameter's value and date, every rule's level. Names, titles, parts and quotes are not in
    it, so a corrected citation keeps the hash. ``previous_hashes`` are the hashes this version
    had in earlier releases; events stored under them still replay (see :class:`Stamp`).
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
    # The principals whose units owe an answer to an invitation; () = every principal.
    invitation_answer_principals: tuple[Principal, ...] = attrs.field(kw_only=True, default=())
    dated: Mapping[str, dt.date] = attrs.field(
        kw_only=True, factory=lambda: MappingProxyType({}), hash=False
    )
    documents: Mapping[str, LegalRef] = attrs.field(
        kw_only=True, factory=lambda: MappingProxyType({}), eq=False, hash=False
    )
    previous_hashes: tuple[str, ...] = attrs.field(kw_only=True, default=(), eq=False)
    # --- discharge from inpatient care (DOMAIN.md §10)
    payment_liability_somatic: LiabilityStart | None = attrs.field(kw_only=True, default=None)
    payment_liability_psychiatric: LiabilityStart | None = attrs.field(kw_only=True,
                                                                       default=None)
    # the people around the person and the whole plan (DOMAIN.md §§7.2, 11–12)
    meeting_leader_appointed: bool = attrs.field(kw_only=True, default=False)
    start_planning: StartPlanning | None = attrs.field(kw_only=True, default=None)
    plan_parts: tuple[str, ...] = attrs.field(kw_only=True, default=())
    description: str = attrs.field(kw_only=True, default="", eq=False)  # e.g. the IT system

    @property
    def key(self) -> str:
        """``id@version``, the pinned name of this profile."""
        return f"{self.id}@{self.version}"

    @property
    def series(self) -> str:
        """The name whose versions this is one of (``vastmanland`` for ``vastmanland@1``): the
        name :func:`~sipcore.profiles.profile_in_force` takes."""
        return self.id

    @functools.cached_property
    def stamp(self) -> Stamp:
        """The profile as its events name it: ``id@version`` and the content hash (equal to the
        stamps of its previous hashes)."""
        return Stamp(sys.intern(self.key), self.content_hash, frozenset(self.previous_hashes))

    def accepts(self, stamp: Stamp) -> bool:
        """Whether events stamped ``stamp`` were decided under this version: the same
        ``id@version``, with this content hash or one of its previous hashes."""
        return stamp.key == self.key and (
            stamp.content_hash == self.content_hash
            or stamp.content_hash in self.previous_hashes
        )

    def level(self, rule_id: str, default: Level = "must") -> Level:
        """The level of ``rule_id`` under this profile."""
        return self.rule_levels.get(rule_id, default)

    def in_force(self, name: str, on: dt.date) -> bool:
        """Whether the parameter (or ``"rules.<rule id>"``) ``name`` is in force on ``on``: from
        its own ``valid_from`` where it has one, else always."""
        if name not in PARAMETERS and name.removeprefix("rules.") not in PROFILE_RULES:
            raise InputError("name", f"a parameter ({', '.join(PARAMETERS)}) or rules.<rule id>",
                             name)
        since = self.dated.get(name)
        return since is None or on >= since

    def parameter(self, name: str, on: dt.date) -> object:
        """The value of parameter ``name`` on ``on``: ``None`` (no such limit) before the
        parameter's own ``valid_from``. ``profile.parameter("discharge_invitation", day)``
        is ``None`` for a day before 2018-01-01 (Lag (2017:612) in force)."""
        if name not in PARAMETERS:
            raise InputError("name", f"a parameter ({', '.join(PARAMETERS)})", name)
        return getattr(self, name) if self.in_force(name, on) else None

    def duration(self, name: str, on: dt.date) -> Duration | None:
        """The duration parameter ``name`` (``invitation_answer``, ``plan_documentation``,
        ``discharge_invitation``) on ``on``; ``None`` where there is no such limit then."""
        if name not in DURATIONS:
            raise InputError("name", f"one of {', '.join(DURATIONS)}", name)
        value = self.parameter(name, on)
        assert value is None or isinstance(value, Duration)
        return value

    def liability_start(self, care: str, on: dt.date) -> LiabilityStart | None:
        """When the payment liability begins for a patient of ``care`` (``somatic`` or
        ``psychiatric``) on ``on``; ``None`` where the profile has no such rule then."""
        name = f"payment_liability_{care}"
        if name not in LIABILITIES:
            raise InputError("care", "one of somatic, psychiatric", care)
        value = self.parameter(name, on)
        assert value is None or isinstance(value, LiabilityStart)
        return value

    def answer_owed_by(self, principal: str) -> bool:
        """Whether a unit of ``principal`` owes an answer to an invitation under this profile
        (``invitation_answer_principals``; none named: every principal)."""
        return not self.invitation_answer_principals or (
            principal in self.invitation_answer_principals
        )

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
