"""The arguments of each command of DOMAIN.md §4, validated as they are built.

Each command has one frozen class. Building it checks every argument's type and value and
raises :class:`~sipcore.errors.InputError` (or ``InputTypeError``) naming the argument and what
was expected. An argument that a rule is about (``valid_until``, ``journal_ref`` of an oral
consent, ``guardians``, ``substitute``, ``child_view``, ``reason``) may be missing or blank
here: the rule refuses it, under its own id.

The same per-argument kinds serialize the arguments to JSON and back (see
:mod:`sipcore.events`).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import operator
from collections.abc import Callable, Container, Iterable, Mapping
from typing import Any, ClassVar, Generic, Literal, Protocol, TypeVar, get_args, overload
from zoneinfo import ZoneInfo

import attrs

from sipcore.deadlines import stockholm, stockholm_steady
from sipcore.errors import InputError, InputTypeError, OutOfRangeError

__all__ = ["COMMAND_ARGS", "ArgKind", "Command", "Given", "TakesPart", "build", "load"]

# The years every date and time must lie in: those of the working-day calendar
# (sipcore.deadlines), so that every deadline a command starts can be computed.
FIRST_YEAR, LAST_YEAR = 1990, 2100
_YEARS = f"in the years {FIRST_YEAR}–{LAST_YEAR}"

Scalar = str | int | float | bool
PrefValue = Scalar | tuple[Scalar, ...]  # e.g. languages = ["arabiska", "svenska"]


@attrs.frozen(weakref_slot=False)
class ArgKind:
    """How one kind of argument is checked and written to JSON."""

    name: str
    expected: str
    check: Callable[[str, Any], Any]  # returns the normalized value or raises InputError
    dump: Callable[[Any], Any]
    load: Callable[[Any], Any]


def aware(name: str, value: Any) -> dt.datetime:
    """``value``, a timezone-aware datetime, in a form that compares by its instant.

    Python compares two datetimes of one zone by their wall clocks, and the hour that the end of
    summer time repeats makes a later instant look earlier (Europe/Stockholm 2026-10-25 02:10
    CET comes after 02:30 CEST); a wall time skipped when summer time starts has no instant of
    its own either. Such a time is kept at its fixed UTC offset. Every other time is kept as
    given: a fixed offset, or a wall time of a zone that names one instant, which compares
    correctly with the times of its own zone (their wall clocks run in the same order as the
    instants) and by the instant with any other.
    """
    if not isinstance(value, dt.datetime):
        raise InputTypeError(name, "a timezone-aware datetime", value)
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise OutOfRangeError(name, f"a timezone-aware datetime {_YEARS}", value)
    zone = value.tzinfo
    if type(zone) is dt.timezone:
        return value
    if zone is stockholm() and stockholm_steady(value.toordinal()) is not None:
        return value  # a wall time on a day of one offset (most of a case's times)
    offset = value.utcoffset()
    if offset is None:
        raise InputError(name, "a timezone-aware datetime (a naive datetime has no offset)", value)
    if type(zone) is ZoneInfo and (
        value.date() not in _days_of_change(zone, value.year)
        or value.replace(fold=1 - value.fold).utcoffset() == offset
    ):
        return value  # on most days at once; near a change, if the other reading agrees
    return value.replace(tzinfo=_fixed(offset), fold=0)


_NOON = dt.time(12)
_DAY = dt.timedelta(days=1)


@functools.lru_cache(maxsize=256)
def _days_of_change(zone: ZoneInfo, year: int) -> frozenset[dt.date]:
    """The dates of ``year`` on which a wall clock of ``zone`` may repeat or skip a time: each
    day whose noon has another UTC offset than the noon before, with the days either side (the
    change falls between the two noons, and the hours it repeats or skips lie next to it)."""
    found: set[dt.date] = set()
    day = dt.date(year - 1, 12, 30) if year > dt.MINYEAR else dt.date.min
    end = dt.date(year + 1, 1, 1) if year < dt.MAXYEAR else dt.date.max - _DAY
    last = dt.datetime.combine(day, _NOON, zone).utcoffset()
    while day <= end:
        day += _DAY
        offset = dt.datetime.combine(day, _NOON, zone).utcoffset()
        if offset != last:
            found.update((day - _DAY, day, day + _DAY))
        last = offset
    return frozenset(found)


@functools.cache
def _fixed(offset: dt.timedelta) -> dt.timezone:
    return dt.timezone(offset)


def _date(name: str, value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise InputTypeError(name, "a date (YYYY-MM-DD), not a datetime", value)
    if not isinstance(value, dt.date):
        raise InputTypeError(name, "a date (YYYY-MM-DD; from Python, a datetime.date)", value)
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise OutOfRangeError(name, f"a date {_YEARS}", value)
    return value


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise InputTypeError(name, "a text", value)
    if not value.strip():
        raise InputError(name, "a non-blank text", value)
    return value


def _maybe_text(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputTypeError(name, "a text", value)
    return value


def _bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise InputTypeError(name, "true or false", value)
    return value


def _ids(name: str, value: Any, *, empty_ok: bool) -> tuple[str, ...]:
    if type(value) is list or type(value) is tuple:
        items = tuple(value)
    elif isinstance(value, set | frozenset):
        items = tuple(sorted(value))
    elif isinstance(value, list | tuple):
        items = tuple(value)
    else:
        raise InputTypeError(name, "a list of ids", value)
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise InputError(name, "a list of non-blank ids", value)
    if len(set(items)) != len(items):
        raise InputError(name, "a list without repeated ids", value)
    if not items and not empty_ok:
        raise InputError(name, "at least one id", value)
    return items


def _some_ids(name: str, value: Any) -> tuple[str, ...]:
    return _ids(name, value, empty_ok=False)


def _any_ids(name: str, value: Any) -> tuple[str, ...]:
    return _ids(name, value, empty_ok=True)


def _prefs(name: str, value: Any) -> tuple[tuple[str, PrefValue], ...]:
    """Named fields: a mapping of name to value, or (name, value) pairs; each value a text, a
    finite number, true/false or a list of those."""
    if isinstance(value, Mapping):
        pairs = list(value.items())
    elif isinstance(value, list | tuple) and all(
        isinstance(p, list | tuple) and len(p) == 2 for p in value
    ):
        pairs = [(p[0], p[1]) for p in value]
    else:
        raise InputTypeError(name, "named fields (a table of name = value)", value)
    checked = []
    for key, item in pairs:
        if not isinstance(key, str) or not key.strip():
            raise InputTypeError(name, "fields named by non-blank texts", key)
        values = tuple(item) if isinstance(item, list | tuple) else (item,)
        if not all(isinstance(v, str | int | float | bool) and exchangeable(v) for v in values):
            raise InputTypeError(f"{name}.{key}", PREF_VALUES, item)
        checked.append((key, values if isinstance(item, list | tuple) else item))
    return tuple(checked)


MAX_EXACT_INT = 2**53 - 1
"""The largest integer a preference field holds: JSON exchanges integers exactly within
±(2**53 − 1) (RFC 8259 §6), so a larger one would not read back as it was written."""

PREF_VALUES = ("a text, a finite number (an integer within ±(2**53 − 1)), true/false or a list "
               "of those")


def exchangeable(value: object) -> bool:
    """A number JSON carries exactly: a finite float, an integer within ±MAX_EXACT_INT."""
    if type(value) is float:
        return math.isfinite(value)
    return type(value) is not int or -MAX_EXACT_INT <= value <= MAX_EXACT_INT


def _dump_prefs(value: tuple[tuple[str, PrefValue], ...]) -> list[list[Any]]:
    return [[k, list(v) if isinstance(v, tuple) else v] for k, v in value]


def _load_prefs(value: Any) -> tuple[tuple[str, PrefValue], ...]:
    return tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in value)


def _iso_dt(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _opt(check: Callable[[str, Any], Any]) -> Callable[[str, Any], Any]:
    return lambda name, value: None if value is None else check(name, value)


def _same(value: Any) -> Any:
    return value


def _load_dt(value: Any) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value)


def _load_date(value: Any) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def _load_ids(value: Any) -> tuple[Any, ...]:
    if not isinstance(value, list):  # tuple("vc") would read a text as its letters
        raise TypeError("expected a JSON array")
    return tuple(value)



def _dump_date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


KINDS: Mapping[str, ArgKind] = {
    k.name: k
    for k in (
        ArgKind("aware", "a timezone-aware datetime", aware, _iso_dt, _load_dt),
        ArgKind("opt_aware", "a timezone-aware datetime", _opt(aware), _iso_dt, _load_dt),
        ArgKind("opt_date", "a date", _opt(_date), _dump_date, _load_date),
        ArgKind("date", "a date", _date, _dump_date, _load_date),
        ArgKind("text", "a non-blank text", _text, _same, _same),
        ArgKind("opt_text", "a text", _maybe_text, _same, _same),
        ArgKind("bool", "true or false", _bool, _same, _same),
        ArgKind("ids", "a list of ids", _some_ids, list, _load_ids),
        ArgKind("opt_ids", "a list of ids", _any_ids, list, _load_ids),
        ArgKind(
            "maybe_ids",
            "a list of ids",
            _opt(_any_ids),
            lambda v: None if v is None else list(v),
            lambda v: None if v is None else _load_ids(v),
        ),
        ArgKind("prefs", "named fields", _prefs, _dump_prefs, _load_prefs),
    )
}


def _choice(values: tuple[str, ...], *, optional: bool = False) -> ArgKind:
    expected = "one of " + ", ".join(values)

    def check(name: str, value: Any) -> str | None:
        if value is None and optional:
            return None
        if not isinstance(value, str) or value not in values:
            raise InputError(name, expected, value)
        return value

    return ArgKind("choice", expected, check, _same, _same)


def arg(
    kind: str | ArgKind,
    *,
    unit: bool = False,
    decided: bool = False,
    default: Any = attrs.NOTHING,
    written_when_set: bool = False,
) -> Any:
    """An argument field of ``kind``; ``unit=True`` marks ids that must be declared units and
    ``decided=True`` a value the case decides (the caller does not give it).
    ``written_when_set=True``: an argument added after the events' first schema, left out of an
    event's JSON while it has its default, so that events without it are written as before."""
    spec = KINDS[kind] if isinstance(kind, str) else kind
    return attrs.field(default=default, metadata={
        "kind": spec, "unit": unit, "decided": decided, "written_when_set": written_when_set,
    })


@attrs.frozen(kw_only=True, weakref_slot=False)
class Command:
    """Base of every command's arguments. :func:`build` (a caller's arguments) and
    :func:`load` (an event's, read back) check each field by its kind before the class is
    made, so a command's arguments are always checked values."""

    command: ClassVar[str]  # the command these are the arguments of

    @classmethod
    def cross_check(cls, values: Mapping[str, Any]) -> None:
        """Checks that look at more than one argument (none, unless a command has some)."""


T = TypeVar("T")
_REQUIRED: Any = object()


class Given(Generic[T]):
    """An attribute of a record that the command's arguments hold: ``record.args.<name>``.

    A record of the case (a consent, a note, a meeting, …) keeps the checked arguments of the
    command that made it, and only what they do not say (when; what the case decided), instead
    of a copy of each argument. ``default`` answers for arguments that some of a record's
    commands do not have (a need has no horizon).

    Once its class is made, a ``Given`` puts in its place a plain ``property`` that reads the
    same attribute (with ``operator.attrgetter`` where there is no default): what the case's
    rules read most, read without a call of this class's ``__get__`` (which stays for the
    type checker and for a class that keeps the descriptor)."""

    def __init__(self, default: Any = _REQUIRED) -> None:
        self.default = default
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        setattr(owner, name, self._reader())

    def _reader(self) -> property:
        name, default = self.name, self.default
        if default is _REQUIRED:
            return property(operator.attrgetter(f"args.{name}"), doc=f"``args.{name}``")
        return property(functools.partial(_given_or, name, default),
                        doc=f"``args.{name}`` ({default!r} where it has none)")

    @overload
    def __get__(self, record: None, owner: type) -> Given[T]: ...

    @overload
    def __get__(self, record: object, owner: type | None = None) -> T: ...

    def __get__(self, record: object, owner: type | None = None) -> T | Given[T]:
        if record is None:
            return self
        args = record.args  # type: ignore[attr-defined]
        if self.default is _REQUIRED:
            value: T = getattr(args, self.name)
            return value
        found: T = getattr(args, self.name, self.default)
        return found


def _given_or(name: str, default: Any, record: Any) -> Any:
    return getattr(record.args, name, default)


Initiator = Literal["person", "relative", "guardian", "staff"]
Giver = Literal["person", "guardians", "representative"]
ConsentForm = Literal["oral", "written"]
MeetingForm = Literal["in_person", "video", "phone"]
Horizon = Literal["short", "long"]
CloseReason = Literal["goals_met", "no_longer_needed"]
Care = Literal["somatic", "psychiatric"]  # the inpatient care a discharge case is from
CompulsoryCare = Literal["LPT", "LRV"]  # öppen psykiatrisk tvångsvård / rättspsykiatrisk vård

INITIATORS: tuple[Initiator, ...] = get_args(Initiator)
GIVERS: tuple[Giver, ...] = get_args(Giver)
CONSENT_FORMS: tuple[ConsentForm, ...] = get_args(ConsentForm)
MEETING_FORMS: tuple[MeetingForm, ...] = get_args(MeetingForm)
HORIZONS: tuple[Horizon, ...] = get_args(Horizon)
CLOSE_REASONS: tuple[CloseReason, ...] = get_args(CloseReason)
CARES: tuple[Care, ...] = get_args(Care)
COMPULSORY_CARES: tuple[CompulsoryCare, ...] = get_args(CompulsoryCare)


class TakesPart(Protocol):
    """The arguments of a command that names units taking part in the SIP (invited to the
    meeting, at the meeting, responsible for an intervention): what consent must cover."""

    @property
    def units_taking_part(self) -> tuple[str, ...]: ...


_ARGS: dict[str, type[Command]] = {}
COMMAND_ARGS: Mapping[str, type[Command]] = _ARGS  # command → its arguments, open_case first

C = TypeVar("C", bound=type[Command])


def arguments_of(command: str) -> Callable[[C], C]:
    """Register the decorated class as the arguments of ``command``."""

    def register(cls: C) -> C:
        cls.command = command
        _ARGS[command] = cls
        return cls

    return register


@arguments_of("open_case")
@attrs.frozen(kw_only=True, weakref_slot=False)
class OpenCase(Command):
    initiated_by: Initiator = arg(_choice(INITIATORS))
    unit: str = arg("text", unit=True)
    discharge_notice_at: dt.datetime | None = arg("opt_aware", default=None)
    # Decided by the case: the profile name whose version in force decides each command, when
    # the case was opened under a name (DOMAIN.md §7.1); None when a version was pinned.
    follows: str | None = arg("opt_text", decided=True, default=None, written_when_set=True)
    # When the need of a SIP was identified, if before the opening: the start deadline counts
    # from it (DOMAIN.md §12.4).
    need_identified_at: dt.datetime | None = arg("opt_aware", default=None, written_when_set=True)
    # --- discharge from inpatient care (DOMAIN.md §10)
    admitted_at: dt.datetime | None = arg("opt_aware", default=None, written_when_set=True)
    care: Care = arg(_choice(CARES), default="somatic", written_when_set=True)
    compulsory_care: CompulsoryCare | None = arg(_choice(COMPULSORY_CARES, optional=True),
                                                 default=None, written_when_set=True)


@arguments_of("decline_case")
@attrs.frozen(kw_only=True, weakref_slot=False)
class DeclineCase(Command):
    reason: str | None = arg("opt_text", default=None)


@arguments_of("record_consent")
@attrs.frozen(kw_only=True, weakref_slot=False)
class RecordConsent(Command):
    given_by: Giver = arg(_choice(GIVERS))
    form: ConsentForm = arg(_choice(CONSENT_FORMS))
    parties: tuple[str, ...] = arg("ids", unit=True)
    guardians: tuple[str, ...] | None = arg("maybe_ids", default=None)
    journal_ref: str | None = arg("opt_text", default=None)
    information: tuple[str, ...] = arg("opt_ids", default=())
    valid_until: dt.date | None = arg("opt_date", default=None)
    # The people around the person (DOMAIN.md §11): the registered representative who gives
    # the consent; the child consents together with the guardians; the staff judged a child
    # mature enough to consent alone (with journal_ref).
    representative: str | None = arg("opt_text", default=None, written_when_set=True)
    with_child: bool = arg("bool", default=False, written_when_set=True)
    mature: bool = arg("bool", default=False, written_when_set=True)

    @classmethod
    def cross_check(cls, values: Mapping[str, Any]) -> None:
        guardians = values.get("guardians")
        given_by = values.get("given_by")
        if given_by != "guardians" and guardians is not None:
            raise InputError("guardians", "absent unless given_by is 'guardians'", guardians)
        representative = values.get("representative")
        if given_by != "representative" and representative is not None:
            raise InputError("representative", "absent unless given_by is 'representative'",
                             representative)
        if given_by != "guardians" and values.get("with_child"):
            raise InputError("with_child", "false unless given_by is 'guardians'", True)
        if given_by != "person" and values.get("mature"):
            raise InputError("mature", "false unless given_by is 'person' (the child)", True)


@arguments_of("refuse_consent")
@attrs.frozen(kw_only=True, weakref_slot=False)
class RefuseConsent(Command):
    journal_ref: str = arg("text")


@arguments_of("appoint_coordinator")
@attrs.frozen(kw_only=True, weakref_slot=False)
class AppointCoordinator(Command):
    person: str = arg("text")
    unit: str = arg("text", unit=True)


@arguments_of("record_preferences")
@attrs.frozen(kw_only=True, weakref_slot=False)
class RecordPreferences(Command):
    fields: tuple[tuple[str, PrefValue], ...] = arg("prefs", default=())


@arguments_of("send_invitation")
@attrs.frozen(kw_only=True, weakref_slot=False)
class SendInvitation(Command):
    meeting_at: dt.datetime = arg("aware")
    place: str = arg("text")
    form: MeetingForm = arg(_choice(MEETING_FORMS))
    invitees: tuple[str, ...] = arg("ids", unit=True)
    relatives: tuple[str, ...] = arg("opt_ids", default=(), written_when_set=True)

    @property
    def units_taking_part(self) -> tuple[str, ...]:
        return self.invitees

    @property
    def relatives_named(self) -> tuple[str, ...]:
        return self.relatives


@arguments_of("answer_invitation")
@attrs.frozen(kw_only=True, weakref_slot=False)
class AnswerInvitation(Command):
    unit: str = arg("text", unit=True)
    attending: bool = arg("bool")
    attendee: str | None = arg("opt_text", default=None)
    substitute: str | None = arg("opt_text", default=None)


@arguments_of("revoke_invitation")
@attrs.frozen(kw_only=True, weakref_slot=False)
class RevokeInvitation(Command):
    """No arguments."""


@arguments_of("hold_meeting")
@attrs.frozen(kw_only=True, weakref_slot=False)
class HoldMeeting(Command):
    participants: tuple[str, ...] = arg("ids", unit=True)
    person_present: bool = arg("bool", default=True)
    child_view: str | None = arg("opt_text", default=None)
    patient_view: str | None = arg("opt_text", default=None, written_when_set=True)  # SPLPTLRV
    # The people around the person (DOMAIN.md §11): relatives taking part, a representative
    # taking part (instead of the person), the meeting's leader (a person).
    relatives: tuple[str, ...] = arg("opt_ids", default=(), written_when_set=True)
    representative: str | None = arg("opt_text", default=None, written_when_set=True)
    leader: str | None = arg("opt_text", default=None, written_when_set=True)

    @property
    def units_taking_part(self) -> tuple[str, ...]:
        return self.participants

    @property
    def relatives_named(self) -> tuple[str, ...]:
        return self.relatives


@arguments_of("add_need")
@attrs.frozen(kw_only=True, weakref_slot=False)
class AddNeed(Command):
    text: str = arg("text")


@arguments_of("add_goal")
@attrs.frozen(kw_only=True, weakref_slot=False)
class AddGoal(Command):
    text: str = arg("text")
    horizon: Horizon = arg(_choice(HORIZONS))


@arguments_of("add_intervention")
@attrs.frozen(kw_only=True, weakref_slot=False)
class AddIntervention(Command):
    text: str = arg("text")
    unit: str = arg("text", unit=True)
    responsible: str | None = arg("opt_text", default=None)

    @property
    def units_taking_part(self) -> tuple[str, ...]:
        return (self.unit,)


@arguments_of("add_note")
@attrs.frozen(kw_only=True, weakref_slot=False)
class AddNote(Command):
    text: str = arg("text")
    heading: str | None = arg("opt_text", default=None)


@arguments_of("set_follow_up")
@attrs.frozen(kw_only=True, weakref_slot=False)
class SetFollowUp(Command):
    date: dt.date = arg("date")
    place: str | None = arg("opt_text", default=None)


@arguments_of("document_plan")
@attrs.frozen(kw_only=True, weakref_slot=False)
class DocumentPlan(Command):
    """No arguments."""


@arguments_of("approve_plan")
@attrs.frozen(kw_only=True, weakref_slot=False)
class ApprovePlan(Command):
    by: str = arg("text")
    with_person: bool = arg("bool", default=True)


@arguments_of("start_follow_up")
@attrs.frozen(kw_only=True, weakref_slot=False)
class StartFollowUp(Command):
    participants: tuple[str, ...] = arg("opt_ids", unit=True, default=())

    @property
    def units_taking_part(self) -> tuple[str, ...]:
        return self.participants


@arguments_of("withdraw_consent")
@attrs.frozen(kw_only=True, weakref_slot=False)
class WithdrawConsent(Command):
    # Decided by the case, not given by the caller: the units to notify (DOMAIN.md §5).
    notify: tuple[str, ...] = arg("opt_ids", decided=True, default=())


@arguments_of("update_guardians")
@attrs.frozen(kw_only=True, weakref_slot=False)
class UpdateGuardians(Command):
    """The person's custodial guardians as they are now (custody changes; a child opened
    without them): every guardian id, and where the change is documented."""

    guardians: tuple[str, ...] = arg("ids")
    journal_ref: str = arg("text")


@arguments_of("record_death")
@attrs.frozen(kw_only=True, weakref_slot=False)
class RecordDeath(Command):
    """No arguments."""


@arguments_of("close_case")
@attrs.frozen(kw_only=True, weakref_slot=False)
class CloseCase(Command):
    reason: str | None = arg("opt_text", default=None)


# --- discharge from inpatient care (DOMAIN.md §10)


@arguments_of("send_admission_notice")
@attrs.frozen(kw_only=True, weakref_slot=False)
class SendAdmissionNotice(Command):
    """The inskrivningsmeddelande (Lag 2017:612 2 kap. 1–3 §§): to the municipality and the
    region's open care; ``assessed_at`` when the physician judged that the patient may need
    insatser after discharge, if later than the admission."""

    to: tuple[str, ...] = arg("ids", unit=True)
    assessed_at: dt.datetime | None = arg("opt_aware", default=None)


@arguments_of("appoint_fast_vardkontakt")
@attrs.frozen(kw_only=True, weakref_slot=False)
class AppointFastVardkontakt(Command):
    """The fast vårdkontakt in the region's open care (2 kap. 5 §); also the coordinator."""

    person: str = arg("text")
    unit: str = arg("text", unit=True)


@arguments_of("notify_discharge_ready")
@attrs.frozen(kw_only=True, weakref_slot=False)
class NotifyDischargeReady(Command):
    """The notice that the patient is utskrivningsklar (3 kap. 1 §), sent at the command's
    ``at`` to the units concerned."""

    to: tuple[str, ...] = arg("ids", unit=True)


@arguments_of("record_discharge")
@attrs.frozen(kw_only=True, weakref_slot=False)
class RecordDischarge(Command):
    """No arguments: the patient leaves inpatient care at the command's ``at``."""


@arguments_of("transfer_information")
@attrs.frozen(kw_only=True, weakref_slot=False)
class TransferInformation(Command):
    """The information transferred at discharge (3 kap. 2 §)."""

    to: tuple[str, ...] = arg("ids", unit=True)


@arguments_of("adjust_plan")
@attrs.frozen(kw_only=True, weakref_slot=False)
class AdjustPlan(Command):
    """A unit adjusts the draft of a samordnad vårdplan (LPT 7 a §: "Vårdplanen är upprättad
    när den har justerats av enheterna")."""

    unit: str = arg("text", unit=True)


@functools.cache
def parameters(command: str) -> tuple[attrs.Attribute[Any], ...]:
    """The argument fields of ``command`` that a caller may give."""
    cls = COMMAND_ARGS[command]
    return tuple(f for f in attrs.fields(cls) if not f.metadata["decided"])


Check = Callable[[str, Any], Any]


@attrs.define(weakref_slot=False)
class _Spec:
    """How the arguments of one command are checked, worked out once per command (and, on
    its first use, written out as one function: see :func:`_written_out`)."""

    command: str
    cls: type[Command]
    names: frozenset[str]
    required: tuple[tuple[str, str], ...]  # (name, what is expected), in field order
    required_names: frozenset[str]
    fields: tuple[tuple[str, Check, Any], ...]  # (name, check, default), in field order
    unit_fields: tuple[str, ...]
    empty: Command | None  # a command without arguments: its one (frozen) instance
    cross_check: Callable[[Mapping[str, Any]], None] | None  # where the class has one
    # The arguments added after the events' first schema, with their defaults, and the lean
    # class made while they all have them (see _lean_class).
    later: tuple[tuple[str, Any], ...] = ()
    lean: type[Command] | None = None
    lean_off: frozenset[str] = frozenset()
    _made: Maker | None = attrs.field(default=None, init=False, repr=False, eq=False)

    @classmethod
    def of(cls, command: str, fields: tuple[attrs.Attribute[Any], ...]) -> _Spec:
        args = COMMAND_ARGS[command]
        required = tuple(
            (f.name, f.metadata["kind"].expected) for f in fields if f.default is attrs.NOTHING
        )
        return cls(
            command,
            args,
            frozenset(f.name for f in fields),
            required,
            frozenset(name for name, _ in required),
            tuple((f.name, f.metadata["kind"].check, f.default) for f in fields),
            tuple(f.name for f in fields if f.metadata["unit"]),
            None if attrs.fields(args) else args(),
            args.cross_check if "cross_check" in vars(args) else None,
        )

    def make(
        self, args: Mapping[str, Any], units: Container[str] | None, *, named: bool = False
    ) -> Command:
        """Refuse unknown and missing arguments (unless ``named``: the caller's signature
        names exactly these), then check each one by its kind, then (with ``units``) that
        every unit an argument names is declared."""
        if not named:
            self._refuse_unknown_and_missing(args)
        made = self._made
        if made is None:
            made = self._made = _written_out(self)
        return made(args, units)

    def _refuse_unknown_and_missing(self, args: Mapping[str, Any]) -> None:
        if not self.names.issuperset(args):
            unknown = next(name for name in args if name not in self.names)
            listed = ", ".join(name for name, _, _ in self.fields) or "none"
            raise InputError(unknown, f"an argument of {self.command} (one of: {listed})")
        if not self.required_names.issubset(args):
            name, expected = next(r for r in self.required if r[0] not in args)
            raise InputError(name, f"{expected} (required by {self.command})")


Maker = Callable[[Mapping[str, Any], "Container[str] | None"], Command]


def _written_out(spec: _Spec) -> Maker:
    """The checks of ``spec`` written out as one function of its fields, as attrs writes an
    ``__init__``: each argument read once and checked by its kind (one given as its default is
    valid as it is and needs no check), then (with ``units``) every unit it names checked
    against them, then the checks across arguments, and the class made: the lean class when
    none of the later arguments is given. Unknown and missing arguments are refused before it
    runs (:meth:`_Spec.make`)."""
    env: dict[str, Any] = {"_check_declared": _check_declared, "cls": spec.cls,
                           "lean": spec.lean, "cross": spec.cross_check}
    lines = ["def make(args, units):"]
    value = {}
    for i, (name, check, default) in enumerate(spec.fields):
        env[f"check{i}"], env[f"default{i}"], value[name] = check, default, f"a{i}"
        if default is attrs.NOTHING:  # required: given, and always checked
            lines.append(f"    a{i} = check{i}({name!r}, args[{name!r}])")
        else:
            lines += [f"    a{i} = args.get({name!r}, default{i})",
                      f"    if a{i} is not default{i}:",
                      f"        a{i} = check{i}({name!r}, a{i})"]
    if spec.unit_fields:
        lines.append("    if units is not None:")
        lines += [f"        _check_declared({name!r}, {value[name]}, units)"
                  for name in spec.unit_fields]
    if spec.cross_check is not None:
        lines.append("    cross({" + ", ".join(f"{n!r}: {v}" for n, v in value.items()) + "})")
    if spec.lean is not None:
        later = [(name, default) for name, default in spec.later if name in value]
        for k, (_, default) in enumerate(later):
            env[f"later{k}"] = default
        unchanged = " and ".join(f"{value[n]} == later{k}" for k, (n, _) in enumerate(later))
        kept = ", ".join(f"{n}={v}" for n, v in value.items() if n not in spec.lean_off)
        lines += [f"    if {unchanged or 'True'}:", f"        return lean({kept})"]
    lines.append("    return cls(" + ", ".join(f"{n}={v}" for n, v in value.items()) + ")")
    exec(compile("\n".join(lines), f"<sipcore arguments of {spec.command}>", "exec"), env)
    made: Maker = env["make"]
    return made


def _check_declared(name: str, value: Any, units: Container[str]) -> None:
    for unit in (value,) if isinstance(value, str) else value or ():
        if unit not in units:
            known = ", ".join(sorted(units)) if isinstance(units, Iterable) else "?"
            raise InputError(name, f"a declared unit (one of: {known})", unit)


_SPECS = {command: _Spec.of(command, parameters(command)) for command in COMMAND_ARGS}
_LOADERS = {command: _Spec.of(command, attrs.fields(cls)) for command, cls in COMMAND_ARGS.items()}


def build(
    command: str, args: Mapping[str, Any], units: Container[str] | None = None, *,
    named: bool = False,
) -> Command:
    """Build the arguments a caller gives ``command``: unknown or missing arguments are
    refused (``named``: ``args`` come from a signature that names each argument of the
    command, as :class:`~sipcore.SipCase`'s command methods do, so none can be), each is
    checked by its kind and, with ``units``, every unit it names must be one of them."""
    spec = _SPECS[command]
    if not args and spec.empty is not None:
        return spec.empty
    return spec.make(args, units, named=named)


def load(command: str, values: Mapping[str, Any]) -> Command:
    """Check the arguments of a recorded ``command`` (read back from an event), the values
    the case decided included."""
    return _LOADERS[command].make(values, None)


# --- the people around the person and the whole plan (DOMAIN.md §§11–12) ----------------------

RepresentativeKind = Literal["god_man", "forvaltare", "framtidsfullmakt", "anhorigbehorighet",
                             "fullmakt"]
REPRESENTATIVE_KINDS: tuple[RepresentativeKind, ...] = get_args(RepresentativeKind)
HAND_OUT_TO = ("person", "guardians")  # besides relative ids and unit ids


def _version_number(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputTypeError(name, "a plan version number (1, 2, …)", value)
    if value < 1:
        raise InputError(name, "a plan version number (1, 2, …)", value)
    return value


_VERSION = ArgKind("version", "a plan version number (1, 2, …)", _version_number, _same, _same)


class NamesRelatives(Protocol):
    """The arguments of a command that names relatives (invited, at the meeting, handed the
    plan): what the person's objections are checked against."""

    @property
    def relatives_named(self) -> tuple[str, ...]: ...


@arguments_of("record_relative")
@attrs.frozen(kw_only=True, weakref_slot=False)
class RecordRelative(Command):
    """A relative (närstående) of the person; a later call for the same id replaces it."""

    id: str = arg("text")
    relation: str = arg("text")
    person_objects: bool = arg("bool", default=False)


@arguments_of("register_representative")
@attrs.frozen(kw_only=True, weakref_slot=False)
class RegisterRepresentative(Command):
    """A representative (företrädare) acting for the person within a mandate until
    ``valid_until`` (inclusive); ``covers_consent``: the mandate covers consenting to SIP."""

    id: str = arg("text")
    kind: RepresentativeKind = arg(_choice(REPRESENTATIVE_KINDS))
    valid_until: dt.date = arg("date")
    covers_consent: bool = arg("bool")
    journal_ref: str = arg("text")


@arguments_of("appoint_meeting_leader")
@attrs.frozen(kw_only=True, weakref_slot=False)
class AppointMeetingLeader(Command):
    person: str = arg("text")
    unit: str = arg("text", unit=True)


@arguments_of("add_action_plan")
@attrs.frozen(kw_only=True, weakref_slot=False)
class AddActionPlan(Command):
    text: str = arg("text")


@arguments_of("add_own_action")
@attrs.frozen(kw_only=True, weakref_slot=False)
class AddOwnAction(Command):
    text: str = arg("text")


@arguments_of("add_contact")
@attrs.frozen(kw_only=True, weakref_slot=False)
class AddContact(Command):
    unit: str = arg("text", unit=True)
    person: str = arg("text")
    reach: str = arg("text")


@arguments_of("add_coordination")
@attrs.frozen(kw_only=True, weakref_slot=False)
class AddCoordination(Command):
    text: str = arg("text")


@arguments_of("hand_out_plan")
@attrs.frozen(kw_only=True, weakref_slot=False)
class HandOutPlan(Command):
    """Hand approved plan ``version`` to ``to``: ``"person"``, ``"guardians"``, relative ids
    and unit ids."""

    version: int = arg(_VERSION)
    to: tuple[str, ...] = arg("ids")

    @property
    def units_taking_part(self) -> tuple[str, ...]:
        return tuple(i for i in self.to if i not in HAND_OUT_TO)

    @property
    def relatives_named(self) -> tuple[str, ...]:
        return self.units_taking_part


# The commands registered after the specs above were worked out.
_SPECS.update(
    (c, _Spec.of(c, parameters(c))) for c in COMMAND_ARGS if c not in _SPECS
)
_LOADERS.update(
    (c, _Spec.of(c, attrs.fields(cls))) for c, cls in COMMAND_ARGS.items() if c not in _LOADERS
)


def _lean_class(cls: type[Command]) -> tuple[tuple[tuple[str, Any], ...], type[Command] | None]:
    """The arguments of ``cls`` added after the events' first schema (``written_when_set``),
    with their defaults, and a class of the same name without slots for them, whose instances
    answer their defaults: what a command is built as while none of them is given, so that a
    case that does not use them (most cases) does not carry them in every event."""
    later = tuple((f.name, f.default) for f in attrs.fields(cls)
                  if f.metadata["written_when_set"])
    if not later:
        return (), None
    off = {name for name, _ in later}
    kept = {f.name: attrs.field(default=f.default, metadata=f.metadata)
            for f in attrs.fields(cls) if f.name not in off}
    body = {k: v for k, v in vars(cls).items() if isinstance(v, property)}
    body.update(later)
    lean: type[Command] = attrs.make_class(
        cls.__name__, kept, bases=(Command,), class_body=body, frozen=True, kw_only=True,
        slots=True, weakref_slot=False)
    lean.__qualname__ = cls.__qualname__
    lean.__module__ = cls.__module__
    lean.command = cls.command
    return later, lean


_LEAN = {cls: _lean_class(cls) for cls in COMMAND_ARGS.values()}  # one per command, shared
for _specs in (_SPECS, _LOADERS):
    for _command, _spec in tuple(_specs.items()):
        _later, _lean = _LEAN[_spec.cls]
        if _lean is not None:
            _specs[_command] = attrs.evolve(_spec, later=_later, lean=_lean,
                                            lean_off=frozenset(n for n, _ in _later))


def lean_of(cls: type[Command]) -> tuple[tuple[tuple[str, Any], ...], type[Command] | None]:
    """The later arguments of ``cls`` with their defaults, and its lean class (or ``None``)."""
    return _LEAN[cls]


def replaced(args: Command, **changes: Any) -> Command:
    """``args`` with ``changes``, as :func:`build` would make them (a lean instance while the
    later arguments have their defaults)."""
    full = COMMAND_ARGS[args.command]
    values = {f.name: getattr(args, f.name) for f in attrs.fields(full)} | changes
    return _LOADERS[args.command].make(values, None)
