"""The SIP case: its reads, and a typed method for each command of DOMAIN.md §4.

Every command method takes ``at`` (a timezone-aware datetime) and its keyword arguments, and
either raises a :class:`~sipcore.errors.Refusal` (leaving the case exactly as it was) or applies
and returns an :class:`Outcome` with the events it produced and the advice of ``should`` rules.
:meth:`SipCase.check` gives the same decision without applying it.

A command is decided by :func:`sipcore._engine.decide` (pure) and its event applied by
:func:`sipcore._engine.evolve`, the one code that changes a case; replay applies recorded events
through the same ``evolve``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

import attrs

from sipcore import states
from sipcore._engine import Decision, decide, evolve, rulebook
from sipcore._engine.decide import decided
from sipcore._engine.explain import Explanation, explain
from sipcore.commands import (
    Care,
    CloseReason,
    Command,
    CompulsoryCare,
    ConsentForm,
    DeclineCase,
    Giver,
    Horizon,
    Initiator,
    MeetingForm,
    OpenCase,
    PrefValue,
    RepresentativeKind,
    WithdrawConsent,
    aware,
    build,
    parameters,
    replaced,
)
from sipcore.consent import Consent, Person
from sipcore.deadlines import local_date
from sipcore.discharge import NO_DISCHARGE, Discharge
from sipcore.document import PlanDocument, plan_document, version_number
from sipcore.errors import EventFormatError, InputError, InputTypeError
from sipcore.events import Declaration, Event, OpeningEvent, case_id_for
from sipcore.findings import Finding, Lang
from sipcore.liability import Liability, payment_liability
from sipcore.meeting import Invitation, Meeting
from sipcore.obligations import Obligation, Term, obligations, terms
from sipcore.parties import PRINCIPALS, Coordinator, Units
from sipcore.people import (
    Handout,
    MeetingLeader,
    People,
    Relative,
    Representative,
    people_of,
)
from sipcore.plain import plain
from sipcore.plan import NoteView, PlanVersion
from sipcore.profiles import Profile, Stamp, bundled_profiles, load_profile, profile_in_force
from sipcore.states import CLOSED, Phase
from sipcore.vardplan import Adjustment

__all__ = ["Outcome", "SipCase"]

# Kept importable: the KVÅ codes live beside the table (sipcore.states).
KVA_MEETING = states.KVA_MEETING
KVA_DISCHARGE_MEETING = states.KVA_DISCHARGE_MEETING
KVA_FOLLOW_UP = states.KVA_FOLLOW_UP

Ids = Sequence[str]

_PROFILE_NAME = re.compile(r"[a-z][a-z0-9_]*")  # a bundled profile's name: follows its versions
_PINNED = re.compile(r"[a-z][a-z0-9_]*@[A-Za-z0-9][A-Za-z0-9._-]*")  # a version, by name


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
    consents: tuple[Consent, ...] = ()
    coordinator: Coordinator | None = None
    preferences: tuple[tuple[str, PrefValue], ...] = ()
    invitations: tuple[Invitation, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    versions: tuple[PlanVersion, ...] = ()
    guardians: tuple[str, ...] | None = None  # as updated; None: as declared
    discharge: Discharge = NO_DISCHARGE  # the discharge chain (DOMAIN.md §10)
    adjustments: tuple[Adjustment, ...] = ()  # of a samordnad vårdplan (DOMAIN.md §10.4)
    _known: tuple[Profile, ...] = attrs.field(default=(), alias="_known", repr=False)
    _terms: tuple[int, tuple[Term, ...]] | None = attrs.field(default=None, alias="_terms")

    # --- creating a case ---------------------------------------------------------------------

    @classmethod
    def open_case(
        cls,
        *,
        at: dt.datetime,
        profile: Profile | str,
        person: Person,
        units: Mapping[str, str],
        initiated_by: Initiator,
        unit: str,
        discharge_notice_at: dt.datetime | None = None,
        need_identified_at: dt.datetime | None = None,
        admitted_at: dt.datetime | None = None,
        care: Care = "somatic",
        compulsory_care: CompulsoryCare | None = None,
        case_id: str | None = None,
    ) -> SipCase:
        """Open a case for ``person`` with the declared ``units`` (id → principal), opened by
        ``unit`` on the initiative of ``initiated_by``. ``admitted_at`` (the patient's admission
        to inpatient care of ``care``, ``somatic`` or ``psychiatric``) or, as in version 1,
        ``discharge_notice_at`` (when the notice that the patient is utskrivningsklar was sent)
        makes it a discharge case, plan type ``SPU``; ``compulsory_care`` (``LPT`` or ``LRV``)
        makes the plan a samordnad vårdplan, ``SPLPTLRV`` (DOMAIN.md §10).
        ``need_identified_at`` (when the need was identified) starts the start deadline.

        ``profile`` is a :class:`Profile` (used as given for every command: a pinned version or a
        region's file) or a profile name (``"vastmanland"``: every command is decided under the
        version in force on its local date; ``"vastmanland@1"`` pins a version).

        ``case_id`` is the case's identity in the caller's system (every event carries it, so
        events of two cases cannot be spliced); without one sipcore derives it from the opening.

        Bad input (:class:`~sipcore.errors.InputError`): a naive time, an unknown unit or
        value, a birth date after the opening, an admission, a discharge notice or an identified
        need after ``at``, a discharge notice before the admission."""
        return cls._open(at, profile, person, units, {
            "initiated_by": initiated_by, "unit": unit,
            "discharge_notice_at": discharge_notice_at, "admitted_at": admitted_at,
            "care": care, "compulsory_care": compulsory_care,
            "need_identified_at": need_identified_at,
        }, case_id, named=True)

    @classmethod
    def open_with(
        cls, *, at: dt.datetime, profile: Profile | str, person: Person,
        units: Mapping[str, str], **args: Any,
    ) -> SipCase:
        """:meth:`open_case` with its arguments by name (as scenario files and the HTTP
        service give them): an unknown or missing argument is bad input naming it."""
        case_id = args.pop("case_id", None)
        return cls._open(at, profile, person, units, args, case_id)

    @classmethod
    def _open(
        cls, at: Any, profile: Any, person: Any, units: Any, raw: Mapping[str, Any],
        case_id: Any = None, *, named: bool = False,
    ) -> SipCase:
        at = aware("at", at)
        follows = None
        if isinstance(profile, str) and _PROFILE_NAME.fullmatch(profile):
            follows, profile = profile, profile_in_force(profile, local_date(at))
        elif isinstance(profile, str) and _PINNED.fullmatch(profile):
            profile = load_profile(profile)
        if not isinstance(profile, Profile):
            raise InputTypeError(
                "profile", "a Profile (see sipcore.load_profile) or a bundled profile's name",
                profile)
        declaration = Declaration(_checked_person(person), _checked_units(units))
        if declaration.person.birth_date > local_date(at):
            raise InputError("person.birth_date", "a date on or before the opening",
                             declaration.person.birth_date)
        command = cast(OpenCase, build("open_case", raw, declaration.units.ids, named=named))
        notice = command.discharge_notice_at
        if notice is not None and notice > at:
            raise InputError("discharge_notice_at", "a time at or before the opening (at)", notice)
        identified = command.need_identified_at
        if identified is not None and identified > at:
            raise InputError("need_identified_at", "a time at or before the opening (at)",
                             identified)
        admitted = command.admitted_at
        if admitted is not None and admitted > at:
            raise InputError("admitted_at", "a time at or before the opening (at)", admitted)
        if admitted is not None and notice is not None and notice < admitted:
            raise InputError("discharge_notice_at", "a time at or after the admission "
                             f"(admitted_at {admitted.isoformat()})", notice)
        if follows is not None:
            command = cast(OpenCase, replaced(command, follows=follows))
        if case_id is not None and (not isinstance(case_id, str) or not case_id.strip()
                                    or len(case_id) > 200):
            raise InputError("case_id", "a non-blank text of at most 200 characters", case_id)
        stamp = profile.stamp
        event = OpeningEvent(
            1, at, command, states.OPENED, stamp, unit=command.unit,
            case_id=case_id or case_id_for(at, command.unit, stamp.key, declaration),
            declaration=declaration,
        )
        case = cls(profile, states.OPENED, [])
        evolve(case, event)
        return case

    @classmethod
    def replay(
        cls,
        events: Iterable[Event],
        profile: Profile | None = None,
        *,
        verify: bool = True,
        profiles: Iterable[Profile] = (),
    ) -> SipCase:
        """Rebuild a case from its events.

        Each event's profile is found by the stamp it records, among ``profile``, ``profiles``
        and the bundled profiles (never from a file an event names). With ``verify`` (the
        default), every recorded command is decided again under that profile and the recorded
        event must be exactly what the engine records: the first difference raises
        :class:`~sipcore.errors.EventFormatError` naming the event's index, the field and what
        was expected. ``verify=False`` only applies the events (for a caller's own trusted
        store): faster, and it trusts every field the engine decides."""
        items = list(events)
        first = items[0] if items else None
        if first is None or not isinstance(first, OpeningEvent) or first.command != "open_case":
            raise EventFormatError("events[0]: expected the open_case event with a declaration")
        known = tuple(p for p in (profile, *profiles) if p is not None)
        for p in known:
            if not isinstance(p, Profile):
                raise InputTypeError("profiles", "Profile objects", p)
        if profile is not None:  # the case's profile, as the caller says: it must be the one
            opening = _stamped(first, (profile,), "events[0]", bundled=False)
        else:
            opening = _stamped(first, known, "events[0]", bundled=True)
        if first.seq != 1:
            raise EventFormatError(f"events[0].seq: expected 1, got {first.seq}")
        case = cls(opening, states.OPENED, [], _known=known)
        if verify:
            _verify(_reopened(first, case.profile), first, 0)
        evolve(case, first)
        case_id, stamp = first.case_id, first.decided_under
        moves = rulebook(case.profile).moves_of(case.case_kind)
        for i, event in enumerate(items[1:], start=1):
            if type(event) is not Event:
                raise EventFormatError(f"events[{i}]: expected an event that is not an opening "
                                       "(only the opening event has a declaration)")
            if event.case_id != case_id:
                raise EventFormatError(
                    f"events[{i}].case: {event.case_id!r} is not the case of events[0] "
                    f"({case_id!r})")
            if event.seq != i + 1:
                raise EventFormatError(f"events[{i}].seq: expected {i + 1}, got {event.seq}")
            if event.at < case.latest_at:
                raise EventFormatError(f"events[{i}].at: earlier than the event before it")
            if event.decided_under is not stamp and event.decided_under != stamp:
                stamp = event.decided_under
                moves = rulebook(_profile_of(case, event, i)).moves_of(case.case_kind)
            move = moves.get((case.phase, event.command))
            if move is None:
                raise EventFormatError(
                    f"events[{i}].command: {event.command} is not allowed in phase {case.phase}")
            if event.phase is not (move.row.dest or case.phase):
                raise EventFormatError(f"events[{i}].phase: recorded {event.phase}, the table "
                                       f"gives {move.row.dest or case.phase}")
            if verify:
                _verify(case._decided_again(event, f"events[{i}]"), event, i)
            evolve(case, event)
        return case

    def _decided_again(self, event: Event, where: str) -> Event:
        """The event the engine records for ``event``'s command, decided again on this case."""
        raw = {f.name: getattr(event.args, f.name) for f in parameters(event.command)}
        try:
            _, refusal, _, again = decided(self, event.command, event.at, raw, fire=False,
                                           named=True)
        except InputError as exc:
            raise EventFormatError(f"{where}.args.{exc.argument}: {exc}") from None
        if refusal is not None:
            raise EventFormatError(
                f"{where}.command: the engine refuses {event.command} here "
                f"({', '.join(refusal.ids)}): {refusal}")
        assert again is not None
        return again

    # --- reading -----------------------------------------------------------------------------

    @property
    def _opening(self) -> OpeningEvent:
        return cast(OpeningEvent, self._events[0])

    @property
    def person(self) -> Person:
        """The person, with the custodial guardians as last recorded (``update_guardians``)."""
        declared: Person = self._events[0].declaration.person  # type: ignore[union-attr]
        if self.guardians is None or self.guardians == declared.guardians:
            return declared
        return Person(declared.birth_date, self.guardians)

    @property
    def units(self) -> Units:
        """The declared units, each with its principal (a read-only mapping)."""
        return self._events[0].declaration.units  # type: ignore[union-attr]

    @property
    def opened_at(self) -> dt.datetime:
        return self._opening.at

    @property
    def opened_by(self) -> str:
        unit: str = self._events[0].args.unit  # type: ignore[attr-defined]
        return unit

    @property
    def initiated_by(self) -> str:
        return cast(OpenCase, self._opening.args).initiated_by

    @property
    def discharge_notice_at(self) -> dt.datetime | None:
        args = self._events[0].args  # the OpenCase arguments
        notice: dt.datetime | None = args.discharge_notice_at  # type: ignore[attr-defined]
        return notice

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
        """The invitation in force (sent, not revoked), while the case is invited; in
        ``active``, the invitation to a follow-up meeting sent since the approval and not
        revoked (DOMAIN.md §12.4)."""
        if self.phase is states.INVITED and self.invitations:
            return self.invitations[-1]
        if self.phase is states.ACTIVE and self.invitations:
            latest, approved_at = self.invitations[-1], self.versions[-1].approved_at
            if latest.revoked_at is None and approved_at is not None and (
                    latest.sent_at >= approved_at):
                return latest
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
        if version is None and not self.versions:
            return ()
        number = version_number(self, version)
        void = self.voided_at
        return tuple(
            NoteView(
                number, i, n.kind, None if void else n.text, n.added_at, void,
                n.horizon, n.unit, n.responsible, n.heading,
                None if void else n.person, None if void else n.reach,
            )
            for i, n in enumerate(self.versions[number - 1].notes, start=1)
        )

    def is_child(self, at: dt.datetime) -> bool:
        return self.is_child_on(local_date(aware("at", at)))

    def is_child_on(self, day: dt.date) -> bool:
        """Whether the person is a child on ``day`` (under the profile's age limit)."""
        return self.person.is_child(day, self.profile.child_age_limit)

    @property
    def is_discharge(self) -> bool:
        """A discharge case (Lag 2017:612): opened with ``admitted_at`` or, as in version 1,
        ``discharge_notice_at``."""
        a = cast(OpenCase, self._events[0].args)
        return a.admitted_at is not None or a.discharge_notice_at is not None

    @property
    def latest_at(self) -> dt.datetime:
        """The time of the case's latest event."""
        return self._events[-1].at

    @property
    def event_count(self) -> int:
        return len(self._events)

    @property
    def case_id(self) -> str:
        """The case's identity, which every one of its events carries."""
        return self._events[0].case_id

    def obligations(self, as_of: dt.datetime) -> tuple[Obligation, ...]:
        """Every obligation that exists at ``as_of``, with its status then (DOMAIN.md §6)."""
        return obligations(self.obligation_terms(), aware("as_of", as_of))

    def obligation_terms(self) -> tuple[Term, ...]:
        """The obligations the history starts, independent of time (cached per event count)."""
        cached = self._terms
        if cached is None or cached[0] != len(self._events):
            cached = (len(self._events), terms(self._events, self.profile, self.units))
            self._terms = cached
        return cached[1]

    def units_to_notify(self) -> tuple[str, ...]:
        """The units to notify if consent is withdrawn now: every unit that was a consent
        party, an invitee or a participant, except the coordinator's unit (DOMAIN.md §5)."""
        involved: dict[str, None] = {}
        for consent in self.consents:
            involved.update(dict.fromkeys(consent.parties))
        for invitation in self.invitations:
            involved.update(dict.fromkeys(invitation.invitees))
        for meeting in self.meetings:
            involved.update(dict.fromkeys(meeting.participants))
        own = self.coordinator.unit if self.coordinator else None
        return tuple(u for u in involved if u != own)

    @property
    def follows(self) -> str | None:
        """The profile name whose version in force decides each command (``None``: the case
        was opened under a pinned version or a file, used for every command)."""
        follows: str | None = self._events[0].args.follows  # type: ignore[attr-defined]
        return follows

    def profile_for(self, day: dt.date) -> Profile:
        """The profile a command on ``day`` (its local date) is decided under: the version of
        :attr:`follows` in force then, or the case's own profile."""
        follows: str | None = self._events[0].args.follows  # type: ignore[attr-defined]
        return self.profile if follows is None else profile_in_force(follows, day)

    def profile_for_stamp(self, stamp: Stamp) -> Profile:
        """The profile an event of this case names (by its stamp): the case's own, one the
        caller handed to :meth:`replay`, or a bundled version; never a file an event names."""
        if self.profile.accepts(stamp):
            return self.profile
        for known in (*self._known, *bundled_profiles()):
            if known.accepts(stamp):
                return known
        raise EventFormatError(
            f"profile: {stamp.key} ({stamp.content_hash[:12]}) is neither bundled nor given "
            "(pass it to replay(events, profiles=...))")

    def explain(self, event: Event) -> Explanation:
        """Why ``event`` (one of this case's events) was recorded: the profile version, every
        rule its command evaluated with its result and detail, the sources valid on its date;
        ``.to_dict()`` is its JSON form (``"format": "sipcore.explanation/1"``)."""
        return explain(self, event)

    def append_event(self, event: Event) -> None:
        """Record ``event`` (called by :func:`sipcore._engine.evolve` only)."""
        self._events.append(event)

    def snapshot(self) -> dict[str, Any]:
        """Every field of the case as JSON values (``json.dumps`` writes it as it is): two
        cases are equal when their snapshots are. (Two case objects are never ``==`` unless
        they are the same object: a case is mutable; compare snapshots.)"""
        out: dict[str, Any] = {
            a.name: getattr(self, a.name)
            for a in attrs.fields(type(self))
            if a.name not in ("_terms", "_known", "profile")  # derived; a lookup aid; below
        }
        out.update((name, getattr(self, name)) for name in _READ_FROM_EVENTS)
        out["profile"] = {"key": self.profile.key, "content_hash": self.profile.content_hash}
        out["units"] = dict(self.units)
        out["_events"] = tuple(self._events)
        return {name: plain(value) for name, value in out.items()}

    # --- deciding -----------------------------------------------------------------------------

    def check(self, command: str, *, at: dt.datetime, **args: Any) -> Decision:
        """Decide ``command`` without applying it: allowed or not, every failed rule, the
        advice and the events it would record. The case is untouched."""
        return decide(self, _command_name(command), at, _raw(command, args))

    def allowed(self, at: dt.datetime) -> dict[str, tuple[str, ...]]:
        """The commands the case's phase allows at ``at``, each with the rules it would check
        under the profile in force (none when the case is closed)."""
        book = rulebook(self.profile_for(local_date(aware("at", at))))
        return {
            command: tuple(r.id for r, _, _ in move.checks)
            for (phase, command), move in book.moves_of(self.case_kind).items()
            if phase is self.phase
        }

    def execute(self, command: str, *, at: dt.datetime, **args: Any) -> Outcome:
        """Run ``command`` by name (as scenario files do)."""
        return self._run(_command_name(command), at, _raw(command, args), named=False)

    def _run(
        self, command: str, at: Any, raw: Mapping[str, Any], *, named: bool = True
    ) -> Outcome:
        """Decide and apply ``command``. ``named`` (the command methods): ``raw`` holds
        exactly the command's arguments, named by the method's signature."""
        _, refusal, advice, event = decided(self, command, at, raw, named=named)
        if refusal is not None:
            try:
                raise refusal
            finally:
                del refusal  # so that the refusal and this frame hold no cycle (a log of
                # refusals is freed as it is read, not at the next garbage collection)
        assert event is not None
        evolve(self, event)
        return Outcome((event,), advice)

    # --- the commands of DOMAIN.md §4 --------------------------------------------------------

    def decline_case(self, *, at: dt.datetime, reason: str | None = None) -> Outcome:
        """Decline a SIP (``opened``), with the reason. Refuses with: ``case.decline_reason``."""
        return self._run("decline_case", at, {"reason": reason})

    def record_consent(
        self,
        *,
        at: dt.datetime,
        given_by: Giver,
        form: ConsentForm,
        parties: Ids,
        guardians: Ids | None = None,
        journal_ref: str | None = None,
        information: Ids = (),
        valid_until: dt.date | None = None,
        representative: str | None = None,
        with_child: bool = False,
        mature: bool = False,
    ) -> Outcome:
        """Record a consent: who gave it (``guardians`` name every guardian when
        ``given_by="guardians"``, ``representative`` the registered representative when
        ``given_by="representative"``), in what form, for which parties, until when;
        ``with_child``: the child consented with the guardians; ``mature``: the staff judged the
        child mature to consent alone (with ``journal_ref``).
        Refuses with: ``consent.time_limited``, ``consent.oral_documented``,
        ``consent.guardians``, ``consent.representative``; advice ``consent.child_together``
        (where the profile says)."""
        return self._run("record_consent", at, {
            "given_by": given_by, "form": form, "parties": parties, "guardians": guardians,
            "journal_ref": journal_ref, "information": information, "valid_until": valid_until,
            "representative": representative, "with_child": with_child, "mature": mature,
        })

    def refuse_consent(self, *, at: dt.datetime, journal_ref: str) -> Outcome:
        """The person refuses consent (``opened``): the case closes. Refuses with:
        ``transition.not_allowed`` outside ``opened``."""
        return self._run("refuse_consent", at, {"journal_ref": journal_ref})

    def update_guardians(self, *, at: dt.datetime, guardians: Ids, journal_ref: str) -> Outcome:
        """Record the person's custodial guardians as they are now (custody changed, or a child
        was opened without them), and where the change is documented."""
        return self._run("update_guardians", at, {"guardians": guardians,
                                                  "journal_ref": journal_ref})

    def appoint_coordinator(self, *, at: dt.datetime, person: str, unit: str) -> Outcome:
        """Appoint the coordinator (replaces an earlier one). Refuses with:
        ``coordinator.principal``."""
        return self._run("appoint_coordinator", at, {"person": person, "unit": unit})

    def record_preferences(self, *, at: dt.datetime, **fields: PrefValue) -> Outcome:
        """Free fields: place, time of day, max length, interpreter, picture support, …"""
        return self._run("record_preferences", at, {"fields": fields})

    def send_invitation(
        self, *, at: dt.datetime, meeting_at: dt.datetime, place: str, form: MeetingForm,
        invitees: Ids, relatives: Ids = (),
    ) -> Outcome:
        """Send the written invitation to the SIP meeting (in ``active``: to a follow-up
        meeting), with the ``relatives`` invited. Refuses with: ``consent.required``,
        ``consent.scope``, ``invitation.coordinator`` (where the profile says),
        ``invitation.meeting_time``, ``relatives.objection``."""
        return self._run("send_invitation", at, {
            "meeting_at": meeting_at, "place": place, "form": form, "invitees": invitees,
            "relatives": relatives,
        })

    def answer_invitation(
        self, *, at: dt.datetime, unit: str, attending: bool, attendee: str | None = None,
        substitute: str | None = None,
    ) -> Outcome:
        """An invited unit answers; a later answer replaces an earlier one. Refuses with:
        ``invitation.not_invited``, ``invitation.substitute`` (must in Jönköping, advice
        elsewhere)."""
        return self._run("answer_invitation", at, {
            "unit": unit, "attending": attending, "attendee": attendee, "substitute": substitute,
        })

    def revoke_invitation(self, *, at: dt.datetime) -> Outcome:
        """Revoke the invitation in force (back to ``consented``)."""
        return self._run("revoke_invitation", at, {})

    def hold_meeting(
        self, *, at: dt.datetime, participants: Ids, person_present: bool = True,
        child_view: str | None = None, patient_view: str | None = None,
        relatives: Ids = (), representative: str | None = None, leader: str | None = None,
    ) -> Outcome:
        """Hold the SIP meeting: version 1 of the plan is drawn up, with the ``relatives`` and
        the ``representative`` taking part, led by ``leader``. Refuses with:
        ``consent.required``, ``consent.scope``, ``meeting.child_view``,
        ``relatives.objection``, ``meeting.representative``, ``meeting.leader``; in a samordnad
        vårdplan ``meeting.patient_view`` (the patient's view of the interventions)."""
        return self._run("hold_meeting", at, {
            "participants": participants, "person_present": person_present,
            "child_view": child_view, "patient_view": patient_view, "relatives": relatives,
            "representative": representative, "leader": leader,
        })

    def add_need(self, *, at: dt.datetime, text: str) -> Outcome:
        """Add a need to the draft. Refuses with: ``plan.locked``."""
        return self._run("add_need", at, {"text": text})

    def add_goal(self, *, at: dt.datetime, text: str, horizon: Horizon) -> Outcome:
        """Add a goal on the short or the long horizon. Refuses with: ``plan.locked``."""
        return self._run("add_goal", at, {"text": text, "horizon": horizon})

    def add_intervention(
        self, *, at: dt.datetime, text: str, unit: str, responsible: str | None = None
    ) -> Outcome:
        """Add an intervention with its responsible unit. Refuses with: ``plan.locked``,
        ``consent.scope``."""
        return self._run("add_intervention", at, {"text": text, "unit": unit,
                                                  "responsible": responsible})

    def add_note(self, *, at: dt.datetime, text: str, heading: str | None = None) -> Outcome:
        """Add a free note. Refuses with: ``plan.locked``."""
        return self._run("add_note", at, {"text": text, "heading": heading})

    def set_follow_up(
        self, *, at: dt.datetime, date: dt.date, place: str | None = None
    ) -> Outcome:
        """Set the follow-up's date and place (replaces an earlier one). Refuses with:
        ``plan.locked``."""
        return self._run("set_follow_up", at, {"date": date, "place": place})

    def document_plan(self, *, at: dt.datetime) -> Outcome:
        """The draft is written down and signed (meets the documentation deadline)."""
        return self._run("document_plan", at, {})

    def approve_plan(self, *, at: dt.datetime, by: str, with_person: bool = True) -> Outcome:
        """Approve the draft: it is locked. Refuses with: ``consent.required``,
        ``plan.documented``, ``plan.contents``, ``plan.approver``, in a samordnad vårdplan
        ``plan.adjusted_by_units``; advice ``plan.goal_horizons`` (must in Jönköping),
        ``plan.with_person``, ``relatives.offered``."""
        return self._run("approve_plan", at, {"by": by, "with_person": with_person})

    def start_follow_up(self, *, at: dt.datetime, participants: Ids = ()) -> Outcome:
        """Hold the follow-up meeting: version N+1 opens with copies of version N's notes.
        Refuses with: ``plan.follow_up_needs_approved``, ``consent.required``,
        ``consent.scope``; advice ``plan.handed_to_person``."""
        return self._run("start_follow_up", at, {"participants": participants})

    def withdraw_consent(self, *, at: dt.datetime) -> Outcome:
        """Consent is withdrawn: the case closes, every note is void, open obligations are
        cancelled and the event names the units to notify (``consent.withdrawal``). Refuses
        with: ``transition.not_allowed`` in ``opened``."""
        return self._run("withdraw_consent", at, {})

    def record_death(self, *, at: dt.datetime) -> Outcome:
        """The person has died: the case closes."""
        return self._run("record_death", at, {})

    def close_case(self, *, at: dt.datetime, reason: CloseReason | None = None) -> Outcome:
        """Close the case with its reason. Refuses with: ``case.close_reason``; advice
        ``plan.handed_to_person``."""
        return self._run("close_case", at, {"reason": reason})

    # --- discharge from inpatient care (DOMAIN.md §10)

    @property
    def admitted_at(self) -> dt.datetime | None:
        """When the patient was admitted to inpatient care (a discharge case)."""
        return cast(OpenCase, self._opening.args).admitted_at

    @property
    def care(self) -> Care:
        """The inpatient care the patient is discharged from: ``somatic`` or ``psychiatric``."""
        return cast(OpenCase, self._opening.args).care

    @property
    def compulsory_care(self) -> CompulsoryCare | None:
        return cast(OpenCase, self._opening.args).compulsory_care

    @property
    def plan_type(self) -> str:
        """``SPLPTLRV`` (opened with ``compulsory_care``), ``SPU`` (a discharge case) or
        ``SIP``: Inera's TypeOfCarePlan codes."""
        return self.case_kind[0]

    @property
    def case_kind(self) -> tuple[str, bool]:
        """(plan type, discharge case or not): what the rulebook's moves are chosen by."""
        a: OpenCase = self._events[0].args  # type: ignore[assignment]
        discharge = a.admitted_at is not None or a.discharge_notice_at is not None
        if a.compulsory_care is not None:
            return ("SPLPTLRV", discharge)
        return ("SPU", True) if discharge else ("SIP", False)

    def payment_liability(self, as_of: dt.datetime) -> Liability:
        """The municipality's payment liability as of ``as_of`` (Lag 2017:612 5 kap. 3–4 §§,
        DOMAIN.md §10.3): ``liable_from``, ``liable_days``, or the ``missing`` step and its
        section."""
        return payment_liability(self, as_of)

    def units_of_version(self, number: int) -> tuple[str, ...]:
        """The units that took part in the meeting that opened plan version ``number`` (a
        follow-up that names none: those of the meeting before it)."""
        for meeting in reversed(self.meetings[:number]):
            if meeting.participants:
                return meeting.participants
        return ()

    def send_admission_notice(
        self, *, at: dt.datetime, to: Ids, assessed_at: dt.datetime | None = None
    ) -> Outcome:
        """Send the inskrivningsmeddelande to the municipality and the region's open care
        (``assessed_at``: when the physician judged that the patient may need insatser, if
        later than the admission). Refuses with: ``transition.not_allowed`` outside a
        discharge case."""
        return self._run("send_admission_notice", at, {"to": to, "assessed_at": assessed_at})

    def appoint_fast_vardkontakt(self, *, at: dt.datetime, person: str, unit: str) -> Outcome:
        """Appoint the patient's fast vårdkontakt, who is also the coordinator (until
        ``appoint_coordinator`` names someone else). Refuses with:
        ``discharge.fast_vardkontakt_unit``, ``transition.not_allowed`` outside a discharge
        case."""
        return self._run("appoint_fast_vardkontakt", at, {"person": person, "unit": unit})

    def notify_discharge_ready(self, *, at: dt.datetime, to: Ids) -> Outcome:
        """Notify the units that the patient is utskrivningsklar (sent at ``at``). Refuses
        with: ``transition.not_allowed`` outside a discharge case."""
        return self._run("notify_discharge_ready", at, {"to": to})

    def record_discharge(self, *, at: dt.datetime) -> Outcome:
        """The patient leaves inpatient care at ``at`` (the SIP goes on). Refuses with:
        ``transition.not_allowed`` outside a discharge case; bad input before a notice that
        the patient is utskrivningsklar, or a second discharge."""
        return self._run("record_discharge", at, {})

    def transfer_information(self, *, at: dt.datetime, to: Ids) -> Outcome:
        """Transfer the information the units need at discharge (on its day or after it).
        Refuses with: ``transition.not_allowed`` outside a discharge case; bad input before a
        notice that the patient is utskrivningsklar."""
        return self._run("transfer_information", at, {"to": to})

    def adjust_plan(self, *, at: dt.datetime, unit: str) -> Outcome:
        """A unit adjusts the draft of a samordnad vårdplan (not an edit). Refuses with:
        ``plan.locked``, ``transition.not_allowed`` outside a samordnad vårdplan."""
        return self._run("adjust_plan", at, {"unit": unit})

    # --- the people around the person and the whole plan (DOMAIN.md §§11–12) ---------------

    @property
    def people(self) -> People:
        """The relatives, representatives, meeting leader and hand-outs, read from the events
        that record them (as the opening and closing are)."""
        return people_of(self._events)

    @property
    def relatives(self) -> tuple[Relative, ...]:
        """The relatives (närstående) recorded, each as last recorded."""
        return self.people.relatives

    @property
    def representatives(self) -> tuple[Representative, ...]:
        """The representatives (företrädare) registered, each as last registered."""
        return self.people.representatives

    @property
    def meeting_leader(self) -> MeetingLeader | None:
        """The meeting leader appointed, if any."""
        return self.people.meeting_leader

    @property
    def handouts(self) -> tuple[Handout, ...]:
        """Every hand-out of an approved plan version, in order."""
        return self.people.handouts

    def relative(self, relative_id: str) -> Relative | None:
        """The relative recorded under ``relative_id``, if any."""
        return next((r for r in self.relatives if r.id == relative_id), None)

    def representative(self, representative_id: str) -> Representative | None:
        """The representative registered under ``representative_id``, if any."""
        return next((r for r in self.representatives if r.id == representative_id), None)

    def mandate_in_force(self, representative_id: str | None, day: dt.date) -> bool:
        """Whether the representative's mandate holds on ``day``."""
        found = self.representative(representative_id or "")
        return found is not None and found.in_force(day)

    def plan_document(
        self, version: int | None = None, lang: Lang = "sv"
    ) -> PlanDocument:
        """Plan ``version`` (default: the latest) as the person and the units read it, as
        plain text (``.text``) and HTML (``.html``); a voided version renders as voided."""
        return plan_document(self, version, lang)

    def record_relative(
        self, *, at: dt.datetime, id: str, relation: str, person_objects: bool = False
    ) -> Outcome:
        """Record a relative (närstående) and whether the person objects to their taking part;
        a later record for the same ``id`` replaces the earlier."""
        return self._run("record_relative", at, {"id": id, "relation": relation,
                                                 "person_objects": person_objects})

    def register_representative(
        self, *, at: dt.datetime, id: str, kind: RepresentativeKind, valid_until: dt.date,
        covers_consent: bool, journal_ref: str,
    ) -> Outcome:
        """Register a representative (god man, förvaltare, framtidsfullmakt,
        anhörigbehörighet, fullmakt) with the mandate's end and whether it covers consent.
        Bad input: a mandate that has expired (``valid_until`` before ``at``'s date)."""
        return self._run("register_representative", at, {
            "id": id, "kind": kind, "valid_until": valid_until,
            "covers_consent": covers_consent, "journal_ref": journal_ref,
        })

    def appoint_meeting_leader(self, *, at: dt.datetime, person: str, unit: str) -> Outcome:
        """Appoint the meeting leader (mötesledare) before the meeting."""
        return self._run("appoint_meeting_leader", at, {"person": person, "unit": unit})

    def add_action_plan(self, *, at: dt.datetime, text: str) -> Outcome:
        """Add the action plan for possible and expected situations. Refuses with:
        ``plan.locked``."""
        return self._run("add_action_plan", at, {"text": text})

    def add_own_action(self, *, at: dt.datetime, text: str) -> Outcome:
        """Add what the person does themself. Refuses with: ``plan.locked``."""
        return self._run("add_own_action", at, {"text": text})

    def add_contact(self, *, at: dt.datetime, unit: str, person: str, reach: str) -> Outcome:
        """Add a contact person of a unit and how to reach them. Refuses with:
        ``plan.locked``."""
        return self._run("add_contact", at, {"unit": unit, "person": person, "reach": reach})

    def add_coordination(self, *, at: dt.datetime, text: str) -> Outcome:
        """Add how the interventions are coordinated. Refuses with: ``plan.locked``."""
        return self._run("add_coordination", at, {"text": text})

    def hand_out_plan(self, *, at: dt.datetime, version: int, to: Ids) -> Outcome:
        """Hand approved plan ``version`` to ``to``: ``"person"``, ``"guardians"``, relative
        ids and unit ids. Refuses with: ``consent.scope``, ``relatives.objection``."""
        return self._run("hand_out_plan", at, {"version": version, "to": to})


def _stamped(first: Event, known: tuple[Profile, ...], where: str, *, bundled: bool) -> Profile:
    """The profile the opening event names: one given, or (with ``bundled``) a bundled one."""
    stamp = first.decided_under
    for p in (*known, *(bundled_profiles() if bundled else ())):
        if p.accepts(stamp):
            return p
    if not bundled:
        given = known[0]
        raise EventFormatError(
            f"{where}.profile: decided under {stamp.key} ({stamp.content_hash[:12]}), not "
            f"{given.key} ({given.content_hash[:12]})")
    raise EventFormatError(
        f"{where}.profile: {stamp.key} ({stamp.content_hash[:12]}) is neither bundled nor given "
        "(pass it to replay(events, profiles=...))")


def _reopened(first: OpeningEvent, profile: Profile) -> Event:
    """The opening event that :meth:`SipCase.open_case` records for ``first``'s arguments."""
    args = first.args
    raw = {f.name: getattr(args, f.name) for f in parameters("open_case")}
    follows = cast(OpenCase, args).follows
    try:
        opened = SipCase._open(first.at, follows or profile, first.declaration.person,
                               dict(first.declaration.units), raw, first.case_id, named=True)
    except InputError as exc:
        raise EventFormatError(f"events[0].{_opening_field(exc.argument)}: {exc}") from None
    again = opened.events[0]
    if follows is None and again.decided_under != profile.stamp:
        raise EventFormatError("events[0].profile: differs from the profile given")
    return again


_OPENING_FIELDS = {"at": "at", "profile": "profile", "case_id": "case", "person": "declaration",
                   "units": "declaration.units"}


def _opening_field(argument: str) -> str:
    """Where in the opening event's JSON form is the argument of :meth:`SipCase._open` named
    ``argument``: the person and the units are its ``declaration`` (``person.birth_date`` is
    ``declaration.birth_date``, ``units.x`` is ``declaration.units.x``), the command's own
    arguments its ``args``."""
    head, dot, rest = argument.partition(".")
    if head == "person" and dot:
        return f"declaration.{rest}"
    if head in _OPENING_FIELDS:
        return _OPENING_FIELDS[head] + dot + rest
    return f"args.{argument}"


def _verify(expected: Event, recorded: Event, i: int) -> None:
    """Refuse ``recorded`` unless it is exactly ``expected``, naming the first field that
    differs."""
    if expected == recorded and type(expected) is type(recorded):
        return
    for field in attrs.fields(type(expected)):
        want, got = getattr(expected, field.name), getattr(recorded, field.name, None)
        if isinstance(want, Command) and isinstance(got, Command) and type(want) is type(got):
            for arg in attrs.fields(type(want)):
                if getattr(want, arg.name) != getattr(got, arg.name):
                    raise EventFormatError(
                        f"events[{i}].args.{arg.name}: recorded {getattr(got, arg.name)!r}, "
                        f"the engine records {getattr(want, arg.name)!r}")
        if want != got:
            name = {"decided_under": "profile", "case_id": "case"}.get(field.name, field.name)
            raise EventFormatError(
                f"events[{i}].{name}: recorded {_shown(got)}, the engine records {_shown(want)}")
    raise EventFormatError(f"events[{i}]: not the event the engine records")


def _shown(value: object) -> str:
    return repr(str(value)) if isinstance(value, (Phase, Stamp)) else repr(value)


def _profile_of(case: SipCase, event: Event, i: int) -> Profile:
    """The profile a later event names: only a case that follows a profile name moves to
    another version."""
    try:
        profile = case.profile_for_stamp(event.decided_under)
    except EventFormatError as exc:
        raise EventFormatError(f"events[{i}].{exc}") from None
    if case.follows is None and not case.profile.accepts(event.decided_under):
        raise EventFormatError(f"events[{i}].profile: differs from the case's profile")
    return profile


def _command_name(command: object) -> str:
    if not isinstance(command, str) or command == "open_case" or command not in states.COMMANDS:
        raise InputError("command", "a command of an open case", command)
    return command


def _raw(command: str, args: dict[str, Any]) -> Mapping[str, Any]:
    return {"fields": args} if command == "record_preferences" else args


def _checked_person(person: Any) -> Person:
    if not isinstance(person, Person):
        raise InputTypeError("person", "a Person(birth_date, guardians)", person)
    birth = person.birth_date
    if isinstance(birth, dt.datetime) or not isinstance(birth, dt.date):
        raise InputTypeError("person.birth_date", "a date", birth)
    guardians = person.guardians
    if isinstance(guardians, str) or not all(isinstance(g, str) and g.strip() for g in guardians):
        raise InputTypeError("person.guardians", "a list of guardian ids", guardians)
    if len(set(guardians)) != len(tuple(guardians)):
        raise InputError("person.guardians", "a list without repeated ids", guardians)
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
    "admitted_at", "care", "compulsory_care", "plan_type",
)
