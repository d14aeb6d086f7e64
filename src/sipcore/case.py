"""The SIP case: commands decide, events record, and applying an event evolves the case.

Every command method takes ``at`` (a timezone-aware datetime) and keyword arguments, and either
raises a :class:`~sipcore.errors.Refusal` (leaving the case exactly as it was) or applies and
returns an :class:`Outcome` with the events it produced and the advice of ``should`` rules.

Checks run in the order of DOMAIN.md §4, and the first that refuses ends the checking: bad
input, ``case.closed``, ``case.time_order``, the phase (``transition.not_allowed`` and the
phase refusals of the table), then every rule of the command together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, cast

import attrs

from sipcore import states
from sipcore.commands import (
    DeclineCase,
    OpenCase,
    PrefValue,
    WithdrawConsent,
    aware,
    build,
)
from sipcore.consent import Consent, Person
from sipcore.deadlines import local_date
from sipcore.errors import (
    EventFormatError,
    Finding,
    InputError,
    InputTypeError,
    Refusal,
    RuleViolation,
    TransitionNotAllowed,
)
from sipcore.events import Declaration, Event, OpeningEvent
from sipcore.obligations import Obligation, Term, obligations, terms
from sipcore.plan import Note, NoteView, PlanVersion
from sipcore.process import PRINCIPALS, Answer, Coordinator, Invitation, Meeting, Units
from sipcore.profiles import Level, Profile
from sipcore.rules import Check, Context, Rule, registry
from sipcore.states import CLOSED, Phase

__all__ = ["Outcome", "SipCase"]

KVA_MEETING = "AU124"  # Upprättande av SIP, HSL 16 kap. 4 § (source 001)
KVA_DISCHARGE_MEETING = "AU125"  # Upprättande av SIP vid utskrivning, Lag 2017:612 4 kap. 1 §
KVA_FOLLOW_UP = "AW010"  # Uppföljning av SIP

_RULES = registry()


@attrs.frozen
class Outcome:
    """What an applied command returns: its events and the advice of failed ``should`` rules."""

    events: tuple[Event, ...]
    advice: tuple[Finding, ...] = ()

    @property
    def advice_ids(self) -> tuple[str, ...]:
        return tuple(f.rule_id for f in self.advice)


@attrs.define(eq=False)
class SipCase:
    """One SIP case. Create it with :meth:`open_case` or :meth:`replay`.

    What the opening event says (the person, the units, who opened the case and when) and
    what the closing event says (when and why the case closed) are read from those events,
    not kept twice."""

    profile: Profile
    phase: Phase
    _events: list[Event] = attrs.field(alias="_events")
    _moves: Mapping[tuple[Phase, str], _Move] = attrs.field(alias="_moves", repr=False)
    consents: tuple[Consent, ...] = ()
    coordinator: Coordinator | None = None
    preferences: tuple[tuple[str, PrefValue], ...] = ()
    invitations: tuple[Invitation, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    versions: tuple[PlanVersion, ...] = ()
    _terms: tuple[int, tuple[Term, ...]] | None = attrs.field(default=None, alias="_terms")

    # --- creating a case ---------------------------------------------------------------------

    @classmethod
    def open_case(
        cls,
        *,
        at: dt.datetime,
        profile: Profile,
        person: Person,
        units: Mapping[str, str],
        **args: Any,
    ) -> SipCase:
        """Open a case for ``person`` with the declared ``units`` (id → principal):
        ``initiated_by``, ``unit``, and ``discharge_notice_at``."""
        at = aware("at", at)
        if not isinstance(profile, Profile):
            raise InputTypeError("profile", "a Profile (see sipcore.load_profile)", profile)
        declaration = Declaration(_checked_person(person), _checked_units(units))
        command: Any = build("open_case", args, declaration.units.ids)
        event = OpeningEvent(
            1, at, command, states.OPENED, profile.stamp,
            unit=command.unit, declaration=declaration,
        )
        return cls(profile, states.OPENED, [event], _moves_for(profile))

    @classmethod
    def replay(cls, events: Iterable[Event], profile: Profile | None = None) -> SipCase:
        """Rebuild a case from its events. Without ``profile``, the profile each event names
        (id, version) is loaded, and its content hash must match."""
        items = list(events)
        first = items[0] if items else None
        declaration = first.declaration if first is not None else None
        if first is None or first.command != "open_case" or declaration is None:
            raise EventFormatError("events[0]: expected the open_case event with a declaration")
        if first.seq != 1:
            raise EventFormatError(f"events[0].seq: expected 1, got {first.seq}")
        if profile is None:
            from sipcore.profiles import load_profile

            profile = load_profile(first.profile)
        stamp = first.decided_under
        if profile.stamp != stamp:
            raise EventFormatError(
                f"events[0].profile: decided under {first.profile} ({first.profile_hash[:12]}), "
                f"not {profile.key} ({profile.content_hash[:12]})"
            )
        case = cls(profile, states.OPENED, [first], _moves_for(profile))
        for i, event in enumerate(items[1:], start=1):
            if event.seq != i + 1:
                raise EventFormatError(f"events[{i}].seq: expected {i + 1}, got {event.seq}")
            if event.at < case._events[-1].at:
                raise EventFormatError(f"events[{i}].at: earlier than the event before it")
            if event.decided_under != stamp:
                raise EventFormatError(f"events[{i}].profile: differs from the case's profile")
            try:
                case._replay(event)
            except Refusal as refusal:
                raise EventFormatError(f"events[{i}].command: {refusal}") from None
            if case.phase != event.phase:
                raise EventFormatError(
                    f"events[{i}].phase: recorded {event.phase}, replay gives {case.phase}"
                )
        case.obligation_terms()  # derived once while loading, ready for region-wide lists
        return case

    # --- reading -----------------------------------------------------------------------------

    @property
    def _opening(self) -> OpeningEvent:
        return cast(OpeningEvent, self._events[0])

    @property
    def person(self) -> Person:
        return self._events[0].declaration.person  # type: ignore[union-attr]

    @property
    def units(self) -> Units:
        """The declared units, each with its principal (a read-only mapping)."""
        return self._events[0].declaration.units  # type: ignore[union-attr]

    @property
    def opened_at(self) -> dt.datetime:
        return self._opening.at

    @property
    def opened_by(self) -> str:
        return cast(OpenCase, self._opening.args).unit

    @property
    def initiated_by(self) -> str:
        return cast(OpenCase, self._opening.args).initiated_by

    @property
    def discharge_notice_at(self) -> dt.datetime | None:
        return cast(OpenCase, self._opening.args).discharge_notice_at

    def _closed_by(self, *commands: str) -> Event | None:
        """The closing event, if the case is closed by one of ``commands`` (any, if none)."""
        if self.phase is not CLOSED:
            return None
        last = self._events[-1]
        return last if not commands or last.command in commands else None

    @property
    def closed_at(self) -> dt.datetime | None:
        closing = self._closed_by()
        return closing.at if closing else None

    @property
    def closure_reason(self) -> str | None:
        """``declined``, ``consent_refused``, ``consent_withdrawn``, ``deceased`` or the
        reason ``close_case`` gave."""
        closing = self._closed_by()
        if closing is None:
            return None
        reason: str | None = _CLOSURE_REASONS.get(closing.command) or getattr(
            closing.args, "reason", None
        )
        return reason

    @property
    def decline_reason(self) -> str | None:
        closing = self._closed_by("decline_case")
        return cast(DeclineCase, closing.args).reason if closing else None

    @property
    def consent_refused_at(self) -> dt.datetime | None:
        closing = self._closed_by("refuse_consent")
        return closing.at if closing else None

    @property
    def voided_at(self) -> dt.datetime | None:
        """When consent was withdrawn: from then on every note is void."""
        closing = self._closed_by("withdraw_consent")
        return closing.at if closing else None

    @property
    def notified(self) -> tuple[str, ...]:
        """The units to notify of the withdrawal of consent."""
        closing = self._closed_by("withdraw_consent")
        return cast(WithdrawConsent, closing.args).notify if closing else ()

    @property
    def events(self) -> tuple[Event, ...]:
        return tuple(self._events)

    @property
    def draft(self) -> PlanVersion | None:
        """The version being drawn up, if the latest one is not approved."""
        if self.versions and not self.versions[-1].approved:
            return self.versions[-1]
        return None

    @property
    def plan_version(self) -> int:
        """The number of the latest plan version (0 before the first meeting)."""
        return self.versions[-1].number if self.versions else 0

    @property
    def invitation(self) -> Invitation | None:
        """The invitation in force (sent, not revoked), while the case is invited."""
        if self.phase is states.INVITED and self.invitations:
            return self.invitations[-1]
        return None

    @property
    def kva(self) -> tuple[str, ...]:
        """The KVÅ codes of the events, in event order."""
        return tuple(e.kva for e in self._events if e.kva)

    @property
    def voided_notes(self) -> int:
        """How many notes are void (every note of every version, after withdrawal)."""
        return sum(len(v.notes) for v in self.versions) if self.voided_at else 0

    def notes(self, version: int | None = None) -> tuple[NoteView, ...]:
        """The notes of plan version ``version`` (default: the latest) as a reader may see
        them: once consent is withdrawn every note is void and its text unreadable (source 004:
        "makulera planen anteckning för anteckning"); the stored versions and the events keep
        the audit trail."""
        if not self.versions:
            return ()
        number = self.plan_version if version is None else version
        if not 1 <= number <= self.plan_version:
            raise InputError("version", f"a plan version from 1 to {self.plan_version}", version)
        void = self.voided_at
        return tuple(
            NoteView(
                number, i, n.kind, None if void else n.text, n.added_at, void,
                n.horizon, n.unit, n.responsible, n.heading,
            )
            for i, n in enumerate(self.versions[number - 1].notes, start=1)
        )

    def is_child(self, at: dt.datetime) -> bool:
        return self.person.is_child(local_date(aware("at", at)), self.profile.child_age_limit)

    def obligations(self, as_of: dt.datetime) -> tuple[Obligation, ...]:
        """Every obligation that exists at ``as_of``, with its status then (DOMAIN.md §6)."""
        return obligations(self, aware("as_of", as_of))

    def obligation_terms(self) -> tuple[Term, ...]:
        """The obligations the history starts, independent of time (cached per event count)."""
        cached = self._terms
        if cached is None or cached[0] != len(self._events):
            cached = (len(self._events), terms(self))
            self._terms = cached
        return cached[1]

    def snapshot(self) -> dict[str, Any]:
        """Every field of the case as plain values: two cases with equal snapshots are equal."""
        out = {
            a.name: getattr(self, a.name)
            for a in attrs.fields(type(self))
            if a.name not in ("_terms", "_moves")  # derived: from the events, from the profile
        }
        out.update((name, getattr(self, name)) for name in _READ_FROM_EVENTS)
        out["profile"] = (self.profile.key, self.profile.content_hash)
        out["units"] = dict(self.units)
        out["_events"] = tuple(self._events)  # a copy: later events must not show in it
        return out

    # --- the commands of DOMAIN.md §4 --------------------------------------------------------

    def decline_case(self, *, at: dt.datetime, **args: Any) -> Outcome:
        """``reason``."""
        return self._execute("decline_case", at, args)

    def record_consent(self, *, at: dt.datetime, **args: Any) -> Outcome:
        """``given_by``, ``form``, ``parties``, and ``guardians``, ``journal_ref``,
        ``information``, ``valid_until``."""
        return self._execute("record_consent", at, args)

    def refuse_consent(self, *, at: dt.datetime, **args: Any) -> Outcome:
        """``journal_ref``."""
        return self._execute("refuse_consent", at, args)

    def appoint_coordinator(self, *, at: dt.datetime, **args: Any) -> Outcome:
        """``person``, ``unit``."""
        return self._execute("appoint_coordinator", at, args)

    def record_preferences(self, *, at: dt.datetime, **fields: PrefValue) -> Outcome:
        """Free fields: place, time of day, max length, interpreter, picture support, …"""
        return self._execute("record_preferences", at, {"fields": fields})

    def send_invitation(self, *, at: dt.datetime, **args: Any) -> Outcome:
        """``meeting_at``, ``place``, ``form``, ``invitees``."""
        return self._execute("send_invitation", at, args)

    def answer_invitation(self, *, at: dt.datetime, **args: Any) -> Outcome:
        """``unit``, ``attending``, and ``attendee``, ``substitute``."""
        return self._execute("answer_invitation", at, args)

    def revoke_invitation(self, *, at: dt.datetime, **args: Any) -> Outcome:
        """No arguments."""
        return self._execute("revoke_invitation", at, args)

    def hold_meeting(self, *, at: dt.datetime, **args: Any) -> Outcome:
        """``participants``, and ``person_present``, ``child_view``."""
        return self._execute("hold_meeting", at, args)

    def add_need(self, *, at: dt.datetime, **args: Any) -> Outcome:
        """``text``."""
        return self._execute("add_need", at, args)

    def add_goal(self, *, at: dt.datetime, **args: Any) -> Outcome:
        """``text``, ``horizon``."""
        return self._execute("add_goal", at, args)

    def add_intervention(self, *, at: dt.datetime, **args: Any) -> Outcome:
        """``text``, ``unit``, and ``responsible``."""
        return self._execute("add_intervention", at, args)

    def add_note(self, *, at: dt.datetime, **args: Any) -> Outcome:
        """``text``, and ``heading``."""
        return self._execute("add_note", at, args)

    def set_follow_up(self, *, at: dt.datetime, **args: Any) -> Outcome:
        """``date``, and ``place``."""
        return self._execute("set_follow_up", at, args)

    def document_plan(self, *, at: dt.datetime, **args: Any) -> Outcome:
        """No arguments."""
        return self._execute("document_plan", at, args)

    def approve_plan(self, *, at: dt.datetime, **args: Any) -> Outcome:
        """``by``, and ``with_person``."""
        return self._execute("approve_plan", at, args)

    def start_follow_up(self, *, at: dt.datetime, **args: Any) -> Outcome:
        """``participants`` (optional)."""
        return self._execute("start_follow_up", at, args)

    def withdraw_consent(self, *, at: dt.datetime, **args: Any) -> Outcome:
        """No arguments."""
        return self._execute("withdraw_consent", at, args)

    def record_death(self, *, at: dt.datetime, **args: Any) -> Outcome:
        """No arguments."""
        return self._execute("record_death", at, args)

    def close_case(self, *, at: dt.datetime, **args: Any) -> Outcome:
        """``reason``."""
        return self._execute("close_case", at, args)

    def execute(self, command: str, *, at: dt.datetime, **args: Any) -> Outcome:
        """Run ``command`` by name (as scenario files do)."""
        if command == "open_case" or command not in states.COMMANDS:
            raise InputError("command", "a command of an open case", command)
        if command == "record_preferences":
            args = {"fields": args}
        return self._execute(command, at, args)

    # --- deciding ----------------------------------------------------------------------------

    def _execute(self, command: str, at: Any, raw: Mapping[str, Any]) -> Outcome:
        if type(at) is not dt.datetime or type(at.tzinfo) is not dt.timezone:
            at = aware("at", at)  # (a time at a fixed offset needs nothing done)
        # The units the arguments name must be declared (in the opening event).
        args = build(command, raw, self.units.ids) if raw else build(command, raw)
        phase = self.phase
        if phase is CLOSED:
            raise RuleViolation(command, (_RULES["case.closed"].finding(),))
        latest = self._events[-1].at
        if at < latest:
            raise Refusal(command, (_time_order(at, latest),))
        move = self._moves.get((phase, command))
        if move is None:
            refused = states.refusal_in(phase, command)
            if refused is not None:
                raise RuleViolation(command, (_RULES[refused].finding(str(phase)),))
            raise _not_allowed(command, phase)
        if command == "answer_invitation":
            self._check_invitee(args)
        row, checks, machine_event = move
        advice: tuple[Finding, ...] = ()
        if checks:
            day = local_date(at)
            advice = self._check_rules(checks, Context(self, self.profile, at, day, command,
                                                       args))
        if command == "withdraw_consent":
            args = WithdrawConsent(notify=self._units_to_notify())
        if command in _ACTING_BY_ARGUMENT:  # the unit that appoints, or answers, acts
            acting: str = args.unit  # type: ignore[attr-defined]
        elif self.coordinator is not None:  # else the coordinator's unit, or the opening unit
            acting = self.coordinator.unit
        else:
            acting = self.opened_by
        event = Event(
            len(self._events) + 1,
            at,
            args,
            row.dest or phase,
            self._events[0].decided_under,  # every event names the profile it was decided under
            acting,
            _KVA.get(command) if command != "hold_meeting" else self._meeting_kva(),
        )
        if machine_event is not None:
            states.fire(machine_event, self)
        _EVOLVE[command](self, at, args)
        self._events.append(event)
        return Outcome((event,), advice)

    @staticmethod
    def _check_rules(
        checks: tuple[tuple[Rule, Check, Level], ...], ctx: Context
    ) -> tuple[Finding, ...]:
        """Every rule of the command: raise one :class:`RuleViolation` naming each ``must``
        rule that fails, or return the advice of the ``should`` rules that fail."""
        failed: list[Finding] = []
        advice: list[Finding] = []
        for rule, check, level in checks:
            detail = check(ctx)
            if detail is not None:
                (failed if level == "must" else advice).append(rule.finding(detail, level))
        if failed:
            raise RuleViolation(ctx.command, tuple(failed))
        return tuple(advice)

    def _check_invitee(self, args: Any) -> None:
        invitation = self.invitations[-1]
        if args.unit not in invitation.invitees:
            raise Refusal(
                "answer_invitation",
                (
                    Finding(
                        "invitation.not_invited",
                        "refusal",
                        f"{args.unit} är inte kallad till mötet",
                        f"{args.unit} is not invited to the meeting",
                    ),
                ),
            )

    def _units_to_notify(self) -> tuple[str, ...]:
        involved: dict[str, None] = {}
        for consent in self.consents:
            involved.update(dict.fromkeys(consent.parties))
        for invitation in self.invitations:
            involved.update(dict.fromkeys(invitation.invitees))
        for meeting in self.meetings:
            involved.update(dict.fromkeys(meeting.participants))
        own = self.coordinator.unit if self.coordinator else None
        return tuple(u for u in involved if u != own)

    def _meeting_kva(self) -> str:
        return KVA_DISCHARGE_MEETING if self.discharge_notice_at else KVA_MEETING

    # --- evolving ----------------------------------------------------------------------------

    def _replay(self, event: Event) -> None:
        """Apply a recorded event: follow the machine's move (it was fired when the event was
        decided), then evolve the state."""
        states.advance(self.profile, self, event.command)
        self._evolve(event)

    def _evolve(self, event: Event) -> None:
        """Evolve the state by ``event`` (the phase has moved already) and record it."""
        _EVOLVE[event.command](self, event.at, event.args)
        self._events.append(event)


_ACTING_BY_ARGUMENT = frozenset({"appoint_coordinator", "answer_invitation"})
_KVA = {"start_follow_up": KVA_FOLLOW_UP}  # and hold_meeting's, which depends on the case

# A move of the table under a profile: the row; the rules it checks that the profile applies
# (not "off"), each with its check and its level under the profile; the event of the profile's
# machine that it fires, if it changes the phase.
_Move = tuple[states.Transition, tuple[tuple[Rule, Check, Level], ...], Any]

# id of the profile → (the profile, (phase, command) → its move); the profile is kept, so that
# the id it is found by stays its own.
_MOVES: dict[int, tuple[Profile, Mapping[tuple[Phase, str], _Move]]] = {}


def _moves_for(profile: Profile) -> Mapping[tuple[Phase, str], _Move]:
    """Every (phase, command) the table allows, with its row and its rules under ``profile``,
    worked out once per profile."""
    entry = _MOVES.get(id(profile))
    if entry is None or entry[0] is not profile:
        moves: dict[tuple[Phase, str], _Move] = {}
        for row in states.TABLE:
            if not row.sources:
                continue  # open_case: how a case starts, not a move
            checks = tuple(
                (_RULES[rule_id], check, level)
                for rule_id in row.rules
                if (check := _RULES[rule_id].check) is not None
                and (level := profile.level(rule_id, _RULES[rule_id].level)) != "off"
            )
            event = None if row.dest is None else states.machine_event(profile, row.command)
            moves.update(((source, row.command), (row, checks, event)) for source in row.sources)
        entry = _MOVES[id(profile)] = (profile, moves)
    return entry[1]


def _not_allowed(command: str, phase: Phase) -> Refusal:
    return TransitionNotAllowed(command, str(phase), states.allowed_commands(phase))


def _time_order(at: dt.datetime, latest: dt.datetime) -> Finding:
    return Finding(
        "case.time_order",
        "refusal",
        f"tidpunkten {at.isoformat()} är tidigare än ärendets senaste händelse "
        f"{latest.isoformat()}",
        f"the time {at.isoformat()} is earlier than the case's latest event {latest.isoformat()}",
    )


def _checked_person(person: Any) -> Person:
    if not isinstance(person, Person):
        raise InputTypeError("person", "a Person(birth_date, guardians)", person)
    birth = person.birth_date
    if isinstance(birth, dt.datetime) or not isinstance(birth, dt.date):
        raise InputTypeError("person.birth_date", "a date", birth)
    guardians = person.guardians
    if isinstance(guardians, str) or not all(isinstance(g, str) and g for g in guardians):
        raise InputTypeError("person.guardians", "a list of guardian ids", guardians)
    if type(person) is Person and type(guardians) is tuple:
        return person  # frozen, and nothing in it can change: kept as given
    return Person(birth, tuple(guardians))


def _checked_units(units: Any) -> Units:
    if not isinstance(units, Mapping) or not units:
        raise InputTypeError("units", "a mapping of unit id to principal", units)
    for unit, principal in units.items():
        if not isinstance(unit, str) or not unit.strip():
            raise InputError("units", "non-blank unit ids", unit)
        if principal not in PRINCIPALS:
            raise InputError(f"units.{unit}", "one of " + ", ".join(PRINCIPALS), principal)
    return Units.of(units)


# --- how each event evolves the case ------------------------------------------------------------


def _replace_draft(case: SipCase, version: PlanVersion) -> None:
    case.versions = (*case.versions[:-1], version)


def _on_closing(case: SipCase, at: dt.datetime, a: Any) -> None:
    """Closing changes nothing but the phase: when and why are read from the closing event."""


def _on_consent(case: SipCase, at: dt.datetime, a: Any) -> None:
    consent = Consent(at, a)
    case.consents = (*case.consents, consent)


def _on_coordinator(case: SipCase, at: dt.datetime, a: Any) -> None:
    case.coordinator = Coordinator(at, a)


def _on_preferences(case: SipCase, at: dt.datetime, a: Any) -> None:
    merged = dict(case.preferences)
    merged.update(a.fields)
    case.preferences = tuple(merged.items())


def _on_invite(case: SipCase, at: dt.datetime, a: Any) -> None:
    invitation = Invitation(at, a)
    case.invitations = (*case.invitations, invitation)


def _on_answer(case: SipCase, at: dt.datetime, a: Any) -> None:
    answer = Answer(at, a)
    case.invitations = (*case.invitations[:-1], case.invitations[-1].answered(answer))


def _on_revoke(case: SipCase, at: dt.datetime, a: Any) -> None:
    case.invitations = (*case.invitations[:-1], case.invitations[-1].revoked(at))


def _on_meeting(case: SipCase, at: dt.datetime, a: Any) -> None:
    kva = KVA_DISCHARGE_MEETING if case.discharge_notice_at else KVA_MEETING
    meeting = Meeting(at, a, kva)
    case.meetings = (*case.meetings, meeting)
    case.versions = (*case.versions, PlanVersion(case.plan_version + 1, at))


def _on_note(case: SipCase, at: dt.datetime, a: Any) -> None:
    """add_need, add_goal, add_intervention, add_note: the note as added, to the draft."""
    _replace_draft(case, case.versions[-1].with_note(Note(at, a)))


def _on_follow_up_date(case: SipCase, at: dt.datetime, a: Any) -> None:
    _replace_draft(case, case.versions[-1].with_follow_up(a))


def _on_document(case: SipCase, at: dt.datetime, a: Any) -> None:
    _replace_draft(case, case.versions[-1].documented(at))


def _on_approve(case: SipCase, at: dt.datetime, a: Any) -> None:
    _replace_draft(case, case.versions[-1].approve(at, a.by, a.with_person))


def _on_start_follow_up(case: SipCase, at: dt.datetime, a: Any) -> None:
    meeting = Meeting(at, a, KVA_FOLLOW_UP)
    case.meetings = (*case.meetings, meeting)
    case.versions = (*case.versions, case.versions[-1].next_version(at))


# How a case closed, by the command that closed it (close_case gives its own reason).
_CLOSURE_REASONS = {
    "decline_case": "declined",
    "refuse_consent": "consent_refused",
    "withdraw_consent": "consent_withdrawn",
    "record_death": "deceased",
}

# What the case reads from its opening and closing events, shown in a snapshot.
_READ_FROM_EVENTS = (
    "person", "opened_at", "opened_by", "initiated_by", "discharge_notice_at", "closed_at",
    "closure_reason", "decline_reason", "consent_refused_at", "voided_at", "notified",
)

_EVOLVE = {
    "decline_case": _on_closing,
    "record_consent": _on_consent,
    "refuse_consent": _on_closing,
    "appoint_coordinator": _on_coordinator,
    "record_preferences": _on_preferences,
    "send_invitation": _on_invite,
    "answer_invitation": _on_answer,
    "revoke_invitation": _on_revoke,
    "hold_meeting": _on_meeting,
    "add_need": _on_note,
    "add_goal": _on_note,
    "add_intervention": _on_note,
    "add_note": _on_note,
    "set_follow_up": _on_follow_up_date,
    "document_plan": _on_document,
    "approve_plan": _on_approve,
    "start_follow_up": _on_start_follow_up,
    "withdraw_consent": _on_closing,
    "record_death": _on_closing,
    "close_case": _on_closing,
}
