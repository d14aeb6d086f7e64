"""Random command sequences against one case (Hypothesis ``RuleBasedStateMachine``).

Each command is a rule of its own, so a shrunk failure reads as the commands that ran. Each
step runs one command with arguments that are often valid and sometimes not, at a time that
mostly moves forward and now and then goes back; ``case.check`` is asked first and must agree
with the command. After every step the invariants of
DOMAIN.md §3–§5 must hold: no invitation or meeting without consent in force covering its
units, approved versions never change, a withdrawn case is void and stays closed, replaying the
events gives the same case, a refused command changes nothing, and the phase is in the table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from helpers import ADULT, CHILD, CHILD_ONE_GUARDIAN, START, UNITS, profile
from sipcore import states
from sipcore.case import SipCase
from sipcore.consent import Person, consents_in_force
from sipcore.deadlines import local_date
from sipcore.errors import InputError, Refusal
from sipcore.events import events_from_json, events_to_json
from sipcore.plan import PlanVersion
from sipcore.states import CLOSED, Phase

PROFILES = {name: profile(name) for name in ("national", "vastmanland", "jonkoping")}
TURNING_18 = Person(dt.date(2008, 3, 20), ("g1", "g2"))  # an adult partway through a run
PERSONS = (ADULT, CHILD, CHILD_ONE_GUARDIAN, TURNING_18)

unit_ids = st.sampled_from(["vc", "hemtjanst", "vc", "hemtjanst", "psyk", "soc", "skola", "fk"])
some_unit = st.one_of(unit_ids, unit_ids, unit_ids, st.just("nope"))  # now and then unknown
units = st.lists(unit_ids, max_size=3, unique=True)
texts = st.sampled_from(["Stöd i vardagen", "Boende", "Skola", "", "  ", None])
people = st.sampled_from(["Anna Berg", "Bo Ek"])
days = st.integers(-3, 120)  # a date this many days from the step's local date
# minutes to move on: mostly forward (up to about two weeks), one step in twenty backwards
moves = st.tuples(st.integers(0, 19), st.integers(0, 20_000)).map(
    lambda p: -1 - p[1] % 600 if p[0] == 0 else p[1]
)
GIVERS = st.sampled_from(["person", "guardians", "guardians", "representative"])
GUARDIANS = st.sampled_from([None, [], ["g1"], ["g1", "g2"], ["g2", "g1"], ["g1", "g3"]])


def _well_formed_mostly(args: dict[str, Any]) -> dict[str, Any]:
    if args["given_by"] != "guardians" and args.pop("keep_guardians") < 8:
        args["guardians"] = None  # else bad input: guardians named with given_by != guardians
    args.pop("keep_guardians", None)
    return args


ARGS: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "record_consent": st.fixed_dictionaries({
        "given_by": GIVERS, "guardians": GUARDIANS, "keep_guardians": st.integers(0, 9),
        "form": st.sampled_from(["written", "written", "oral", "email"]),
        "journal_ref": st.sampled_from([None, "J-1", " "]),
        "parties": units, "valid_until": st.one_of(st.none(), days, days),
    }).map(_well_formed_mostly),
    "refuse_consent": st.fixed_dictionaries({"journal_ref": texts}),
    "update_guardians": st.fixed_dictionaries(
        {"guardians": GUARDIANS.filter(bool), "journal_ref": st.just("J-2")}
    ),
    "decline_case": st.fixed_dictionaries({"reason": texts}),
    "appoint_coordinator": st.fixed_dictionaries({"person": people, "unit": some_unit}),
    "record_preferences": st.fixed_dictionaries({"interpreter": st.booleans()}),
    "send_invitation": st.fixed_dictionaries({
        "invitees": units, "form": st.sampled_from(["in_person", "video", "fax"]),
        "place": st.just("Vårdcentralen"), "meeting_at": st.sampled_from([9, 9, 9, -1]),
    }),
    "answer_invitation": st.fixed_dictionaries(
        {"unit": some_unit, "attending": st.booleans(), "substitute": texts}
    ),
    "revoke_invitation": st.just({}),
    "hold_meeting": st.fixed_dictionaries(
        {"participants": units, "child_view": texts, "person_present": st.booleans()}
    ),
    "add_need": st.fixed_dictionaries({"text": texts}),
    "add_goal": st.fixed_dictionaries(
        {"text": texts, "horizon": st.sampled_from(["short", "long", "medium"])}
    ),
    "add_intervention": st.fixed_dictionaries(
        {"text": texts, "unit": some_unit, "responsible": st.sampled_from([None, "Lisa"])}
    ),
    "add_note": st.fixed_dictionaries({"text": texts}),
    "set_follow_up": st.fixed_dictionaries(
        {"date": days, "place": st.sampled_from([None, "Hemma"])}
    ),
    "document_plan": st.just({}),
    "approve_plan": st.fixed_dictionaries({"by": people, "with_person": st.booleans()}),
    "start_follow_up": st.fixed_dictionaries({"participants": units}),
    "withdraw_consent": st.just({}),
    "record_death": st.just({}),
    "close_case": st.fixed_dictionaries(
        {"reason": st.sampled_from(["goals_met", "no_longer_needed", "deceased", None])}
    ),
}
ANY_COMMAND = tuple(ARGS)


class CaseMachine(RuleBasedStateMachine):
    case: SipCase
    now: dt.datetime

    def __init__(self) -> None:
        super().__init__()
        self.approved: dict[int, PlanVersion] = {}
        self.reached: set[Phase] = {states.OPENED}

    @initialize(
        profile_name=st.sampled_from(sorted(PROFILES)),
        person=st.sampled_from(PERSONS),
        discharge=st.booleans(),
    )
    def open(self, profile_name: str, person: Person, discharge: bool) -> None:
        self.now = START
        self.case = SipCase.open_case(
            at=START, profile=PROFILES[profile_name], person=person, units=UNITS,
            initiated_by="staff", unit="vc",
            discharge_notice_at=START - dt.timedelta(hours=3) if discharge else None,
        )

    # --- the steps: one rule per command (added below the class), and advance ----------------

    @rule(move=moves, eager=st.integers(0, 5))
    def advance(self, move: int, eager: int) -> None:
        """The next step of an ordinary case, with valid arguments. An eager step (two in six)
        skips ahead: no new consent when it has expired, a follow-up with no participants, and
        approval before the plan is ready (documented first, or not)."""
        if eager == 1 and self.case.phase is states.DRAFTING:
            self.run("document_plan", move)
            move = 0
        day = local_date(self.now + dt.timedelta(minutes=move))
        command, args = self.next_step(day, eager=eager < 2)
        self.run(command, move, **args)

    def next_step(self, day: dt.date, *, eager: bool) -> tuple[str, dict[str, Any]]:
        case = self.case
        coordinator = case.coordinator.person if case.coordinator else None
        if eager and case.phase is states.DRAFTING:
            return "approve_plan", {"by": coordinator or "Anna Berg"}
        if not eager and not any(c.valid_until >= day for c in case.consents):
            child = case.person.is_child(day, case.profile.child_age_limit)
            by = {"given_by": "guardians", "guardians": list(case.person.guardians)} if child \
                else {"given_by": "person"}
            return "record_consent", by | {"form": "written", "valid_until": 40,
                                           "parties": ["vc", "hemtjanst"]}
        if coordinator is None:
            return "appoint_coordinator", {"person": "Anna Berg", "unit": "vc"}
        draft = case.draft
        if case.phase is states.CONSENTED:
            return "send_invitation", {"invitees": ["hemtjanst"], "form": "video",
                                       "place": "Vårdcentralen", "meeting_at": 7}
        if case.phase is states.INVITED:
            view = {"child_view": "Vill bo hemma"} if case.person.guardians else {}
            return "hold_meeting", {"participants": ["vc", "hemtjanst"], **view}
        if case.phase is states.ACTIVE:
            return "start_follow_up", {"participants": [] if eager else ["hemtjanst"]}
        if draft is None:
            return "record_preferences", {}
        kinds = {n.kind for n in draft.notes}
        horizons = {n.horizon for n in draft.notes}
        if "need" not in kinds:
            return "add_need", {"text": "Stöd i hemmet"}
        if "intervention" not in kinds:
            return "add_intervention", {"text": "Hemtjänst", "unit": "hemtjanst"}
        for horizon in ("short", "long"):
            if horizon not in horizons:
                return "add_goal", {"text": "Mål", "horizon": horizon}
        if draft.follow_up is None or draft.follow_up.date <= day + dt.timedelta(days=1):
            return "set_follow_up", {"date": 30, "place": "Hemma"}
        if draft.documented_at is None:
            return "document_plan", {}
        return "approve_plan", {"by": coordinator}

    def run(self, command: str, move: int, **args: Any) -> None:
        case = self.case
        phase = case.phase
        before = case.snapshot()
        latest = case.events[-1].at
        when = self.now + dt.timedelta(minutes=move)
        self.now = max(self.now, when)
        for name in ("date", "valid_until"):  # days from the step's local date
            if isinstance(args.get(name), int):
                args[name] = local_date(when) + dt.timedelta(days=args[name])
        if isinstance(args.get("meeting_at"), int):  # days from the step's time
            args["meeting_at"] = when + dt.timedelta(days=args["meeting_at"])
        try:
            decision = case.check(command, at=when, **args)
        except InputError:
            decision = None
        assert case.snapshot() == before, "check changed the case"
        try:
            outcome = case.execute(command, at=when, **args)
        except InputError:
            assert decision is None, "check decided what the command found bad input"
            assert case.snapshot() == before
            return
        except Refusal as refusal:
            assert case.snapshot() == before, f"refused {command} changed the case"
            assert decision is not None and not decision.allowed
            assert decision.ids == refusal.ids
            self.check_refusal(refusal, phase, command, when, latest)
            return
        assert decision is not None and decision.allowed
        assert decision.events == outcome.events and decision.advice == outcome.advice
        assert phase is not CLOSED, f"{command} applied to a closed case"
        assert when >= latest
        assert case.phase is states.target(phase, command)
        assert outcome.events == (case.events[-1],)
        assert all(f.level == "should" for f in outcome.advice)
        self.reached.add(case.phase)
        for version in case.versions:
            if version.approved:
                self.approved.setdefault(version.number, version)

    def check_refusal(
        self, refusal: Refusal, phase: Phase, command: str, when: dt.datetime,
        latest: dt.datetime,
    ) -> None:
        """The first check that refuses ends the checking (DOMAIN.md §4)."""
        if phase is CLOSED:
            assert refusal.ids == ("case.closed",)
        elif when < latest:
            assert refusal.ids == ("case.time_order",)
        elif states.row(phase, command) is None:
            assert refusal.ids in (("transition.not_allowed",),
                                   (states.refusal_in(phase, command),))
        elif refusal.ids != ("invitation.not_invited",):
            row = states.row(phase, command)
            assert row is not None and set(refusal.ids) <= set(row.rules)
            assert all(f.level == "must" for f in refusal.findings)

    # --- invariants ----------------------------------------------------------------------------

    @invariant()
    def phase_is_in_the_table(self) -> None:
        case = self.case
        assert case.phase in Phase
        assert case.phase is case.events[-1].phase
        assert (case.phase is CLOSED) == (states.allowed_commands(case.phase) == ())
        assert (case.phase is CLOSED) == (case.closure_reason is not None)

    @invariant()
    def consent_covered_every_invitation_and_meeting(self) -> None:
        case = self.case
        if case.phase in (states.INVITED, states.DRAFTING, states.ACTIVE):
            assert case.invitations and case.consents
        for when, units_in in (
            *((i.sent_at, i.invitees) for i in case.invitations),
            *((m.at, m.participants) for m in case.meetings),
        ):
            in_force = consents_in_force(case, when, local_date(when))
            assert in_force, f"no consent in force at {when}"
            covered = {p for c in in_force for p in c.parties}
            assert set(units_in) <= covered

    @invariant()
    def approved_versions_met_the_rules(self) -> None:
        case = self.case
        for version in case.versions:
            when = version.approved_at
            if when is None:
                continue
            day = local_date(when)
            assert consents_in_force(case, when, day)
            assert version.documented_at is not None and version.documented_at <= when
            assert version.of_kind("need") and version.of_kind("intervention")
            assert version.follow_up is not None and version.follow_up.date > day
            assert version.approved_by in {e.args.person for e in case.events
                                            if e.command == "appoint_coordinator"}

    @invariant()
    def approved_versions_never_change(self) -> None:
        versions = {v.number: v for v in self.case.versions}
        void = self.case.voided_at
        for number, approved in self.approved.items():
            assert versions[number] == (approved if void is None else approved.voided(void))

    @invariant()
    def withdrawal_voids_everything(self) -> None:
        case = self.case
        if case.closure_reason != "consent_withdrawn":
            assert case.voided_at is None and case.voided_notes == 0
            return
        assert case.voided_at == case.closed_at
        assert case.voided_notes == sum(len(v.notes) for v in case.versions)
        coordinator = case.coordinator.unit if case.coordinator else None
        assert coordinator not in case.notified
        for o in case.obligations(case.closed_at):
            assert o.status in ("met", "cancelled")

    @invariant()
    def replay_equals_live(self) -> None:
        again = SipCase.replay(self.case.events, profile=self.case.profile)
        assert again.snapshot() == self.case.snapshot()

    def teardown(self) -> None:
        event(f"reached {max(self.reached, key=list(Phase).index)}")
        event(f"plan versions: {self.case.plan_version}")
        events = events_from_json(events_to_json(self.case.events))
        again = SipCase.replay(events, profile=self.case.profile)
        assert again.snapshot() == self.case.snapshot()


def _command_rule(command: str) -> Any:
    @rule(args=ARGS[command], move=moves)
    def run_command(self: CaseMachine, args: dict[str, Any], move: int) -> None:
        self.run(command, move, **args)

    run_command.__name__ = command
    return run_command


for _command in ANY_COMMAND:
    setattr(CaseMachine, _command, _command_rule(_command))


CaseMachine.TestCase.settings = settings(
    max_examples=150,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestCaseMachine = CaseMachine.TestCase
