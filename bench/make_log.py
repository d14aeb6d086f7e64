"""A seeded generator of realistic SIP event logs (JSON Lines, one case per line).

Run: ``python bench/make_log.py OUT --cases N [--seed S] [--jobs J]``; ``OUT`` ending in ``.gz``
is written gzip-compressed. The same seed and size give the same file, byte for byte, however
many jobs write it.

Every case is made by the engine (:class:`sipcore.SipCase`), command by command, under one of
the bundled profiles (national, Jönköping, Värmland, Västmanland, VGR), so every line replays.
The mix a region's export holds:

* adults and children (a child's guardians consent, the child's view is recorded at the
  meeting; some turn 18 while the case runs);
* discharge cases (``discharge_notice_at``), most invited within the three days, some late;
* declined cases, refused consent, consent withdrawn in any phase, deaths;
* invitations answered on time or late, some not at all, some revoked and sent again;
* plans documented on time or late, approved, followed up once or twice (new versions);
* cases closed (goals met, no longer needed) and cases still open at the export date
  (2026-11-30), with open and overdue obligations.

A command that the profile refuses is left out of the log, as a journal system stores only
what applied.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import io
import random
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, BinaryIO

if __name__ == "__main__":  # bench/calendar.py must not shadow the standard library's calendar
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]

from sipcore import Person, Refusal, SipCase, events_to_json, load_profile
from sipcore.profiles import Profile

EXPORT = dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
FIRST_OPEN = dt.date(2024, 6, 3)  # Jönköping 4.0 is valid from 2024-05-29
LAST_OPEN = dt.date(2026, 11, 20)

# The bundled profiles and how much of the log each holds.
PROFILES = (("national", 10), ("jonkoping", 20), ("varmland", 15), ("vastmanland", 35),
            ("vgr", 20))

# Each region's units (id → principal); a case declares a few of them.
_REGION = ("vc_centrum", "vc_norra", "vc_sodra", "psykiatri", "bup", "habilitering")
_MUNICIPALITY = ("hemtjanst", "socialtjanst", "lss", "aldreomsorg", "missbruk")
UNITS: dict[str, str] = {
    **dict.fromkeys(_REGION, "region"),
    "medicin_avd3": "region",  # inpatient ward: opens discharge cases
    **dict.fromkeys(_MUNICIPALITY, "municipality"),
    "skola": "school",
    "fk": "other",
}
COORDINATORS = ("Anna Berg", "Erik Lind", "Maria Holm", "Johan Ek", "Sara Nyström",
                "Ali Hassan", "Karin Sjö", "Lena Dahl")
NEEDS = ("Stöd i hemmet", "Samordnad psykiatrisk vård", "Stöd i skolan", "Boendestöd",
         "Hjälp med ekonomi", "Rehabilitering efter utskrivning")
PLACES = ("Vårdcentralen", "Socialkontoret", "Skolan", "Hemmet", "Mottagningen")

_HOUR = dt.timedelta(hours=1)
_ZONES = (dt.timezone(dt.timedelta(hours=1)), dt.timezone(dt.timedelta(hours=2)))


class _Case:
    """One case being generated: runs commands, keeps time moving forward, drops refusals."""

    def __init__(self, rng: random.Random, profile: Profile) -> None:
        self.rng = rng
        self.profile = profile
        self.case: SipCase | None = None
        self.now = dt.datetime(2000, 1, 1, tzinfo=_ZONES[0])
        self.ended = False

    def time(self, after: dt.datetime, days: float = 0.0, hours: float = 0.0) -> dt.datetime:
        """A working-hours time ``days`` and ``hours`` after ``after`` (and after the last)."""
        when = after + dt.timedelta(days=days, hours=hours)
        if when.hour < 8 or when.hour >= 17:
            when = when.replace(hour=8 + self.rng.randrange(8), minute=self.rng.randrange(60))
            if when <= after:
                when += dt.timedelta(days=1)
        when = max(when, self.now + dt.timedelta(minutes=5))
        return _at_offset(when)

    def run(self, command: str, at: dt.datetime, **args: Any) -> bool:
        """Run ``command`` unless the case is past the export date; whether it applied."""
        if self.ended or self.case is None:
            return False
        if at > EXPORT:
            self.ended = True  # the export was taken before this: the case is still open
            return False
        try:
            self.case.execute(command, at=at, **args)
        except Refusal:
            return False
        self.now = at
        return True


def _at_offset(when: dt.datetime) -> dt.datetime:
    """``when`` at Stockholm's offset of its date (as a journal system writes ISO times)."""
    summer = dt.date(when.year, 3, 25) <= when.date() < dt.date(when.year, 10, 25)
    return when.replace(tzinfo=_ZONES[1 if summer else 0])


def _pick(rng: random.Random, items: tuple[str, ...], k: int) -> list[str]:
    return rng.sample(items, k)


def make_case(rng: random.Random) -> SipCase:
    """One realistic case, drawn with ``rng``."""
    names = [name for name, _ in PROFILES]
    weights = [w for _, w in PROFILES]
    profile = load_profile(rng.choices(names, weights)[0])
    g = _Case(rng, profile)
    opened = FIRST_OPEN + dt.timedelta(days=rng.randrange((LAST_OPEN - FIRST_OPEN).days))
    start = g.time(dt.datetime.combine(opened, dt.time(8 + rng.randrange(8), rng.randrange(60)),
                                       _ZONES[0]))
    child = rng.random() < 0.3
    discharge = not child and rng.random() < 0.2
    if child:
        age = rng.randrange(3, 18)
        guardians = ("vh1", "vh2") if rng.random() < 0.7 else ("vh1",)
        born = dt.date(opened.year - age, opened.month, min(opened.day, 28))
        person = Person(born - dt.timedelta(days=rng.randrange(300)), guardians)
        units = ["bup", *_pick(rng, _MUNICIPALITY[:3], rng.randint(1, 2)), "skola"]
    else:
        person = Person(dt.date(1935 + rng.randrange(70), 1 + rng.randrange(12),
                                1 + rng.randrange(28)))
        units = [*_pick(rng, _REGION[:5], rng.randint(1, 2)),
                 *_pick(rng, _MUNICIPALITY, rng.randint(1, 2))]
        if rng.random() < 0.15:
            units.append("fk")
    opener = "medicin_avd3" if discharge else units[0]
    if discharge:
        units.insert(0, opener)
    declared = {u: UNITS[u] for u in units}
    extra = {"discharge_notice_at": start} if discharge else {}
    g.case = SipCase.open_case(
        at=start, profile=profile, person=person, units=declared,
        initiated_by=rng.choice(("staff", "staff", "person", "relative", "guardian")
                                if child else ("staff", "staff", "person", "relative")),
        unit=opener, **extra,
    )
    g.now = start
    _lifecycle(g, child=child, discharge=discharge, units=units, opener=opener)
    return g.case


def _lifecycle(g: _Case, *, child: bool, discharge: bool, units: list[str], opener: str) -> None:
    rng, case = g.rng, g.case
    assert case is not None
    roll = rng.random()
    if roll < 0.03:
        g.run("decline_case", g.time(g.now, days=rng.uniform(0, 5)), reason="Behovet tillgodoses")
        return
    if roll < 0.06:
        g.run("refuse_consent", g.time(g.now, days=rng.uniform(0, 5)), journal_ref="J-avböjt")
        return
    consent_at = g.time(g.now, hours=rng.uniform(0.5, 4)) if discharge else g.time(
        g.now, days=rng.expovariate(1 / 4))
    form = "oral" if rng.random() < 0.25 else "written"
    consent: dict[str, Any] = {
        "form": form, "parties": list(units),
        "valid_until": (consent_at + dt.timedelta(days=365 + rng.randrange(365))).date(),
    }
    if form == "oral":
        consent["journal_ref"] = f"J-{rng.randrange(10**6)}"
    if child:
        consent.update(given_by="guardians", guardians=list(case.person.guardians))
    else:
        consent["given_by"] = "person"
    if not g.run("record_consent", consent_at, **consent):
        return
    if rng.random() < 0.2:
        g.run("record_preferences", g.time(g.now, hours=rng.uniform(0.2, 5)),
              place=rng.choice(PLACES), time_of_day=rng.choice(("förmiddag", "eftermiddag")),
              interpreter=rng.random() < 0.2, languages=["svenska", "arabiska"])
    regional = [u for u in units if UNITS[u] in ("region", "municipality") and u != "medicin_avd3"]
    coordinator_unit = rng.choice(regional) if not discharge else rng.choice(
        [u for u in units if UNITS[u] == "region"])
    coordinator = rng.choice(COORDINATORS)
    g.run("appoint_coordinator", g.time(g.now, hours=rng.uniform(0.2, 30)),
          person=coordinator, unit=coordinator_unit)
    if _withdraws(g, 0.02):
        return
    invitees = [u for u in units if u != coordinator_unit]
    for attempt in range(2):
        delay = rng.choice((0.5, 1, 2, 2, 3, 5)) if discharge else rng.expovariate(1 / 6)
        sent = g.time(g.now, days=delay)
        meeting_at = g.time(sent, days=rng.uniform(4, 20))
        if not g.run("send_invitation", sent, meeting_at=meeting_at,
                     place=rng.choice(PLACES), form=rng.choice(("in_person", "in_person", "video")),
                     invitees=invitees):
            return
        attending = _answers(g, invitees, meeting_at)
        if attempt == 0 and rng.random() < 0.05:
            g.run("revoke_invitation", g.time(g.now, hours=rng.uniform(1, 30)))
            continue
        break
    if _withdraws(g, 0.03):
        return
    meeting: dict[str, Any] = {"participants": [coordinator_unit, *attending]}
    if child:
        meeting["child_view"] = "Barnet vill ha stöd i skolan"
    if not g.run("hold_meeting", g.time(max(g.now, meeting_at)), **meeting):
        return
    version = 1
    while True:
        if not _draw_up(g, coordinator, coordinator_unit, attending, version):
            return
        if _withdraws(g, 0.03):
            return
        follow = case.versions[-1].follow_up
        if follow is None or version > 2 or rng.random() < 0.45:
            break
        late = rng.choice((-3, 0, 0, 2, 10, 40))
        at = g.time(dt.datetime.combine(follow.date, dt.time(10), g.now.tzinfo),
                    days=late)
        if not g.run("start_follow_up", at, participants=[coordinator_unit, *attending]):
            return
        version += 1
    roll = rng.random()
    end_at = g.time(g.now, days=rng.uniform(30, 400))
    if roll < 0.45:
        g.run("close_case", end_at, reason=rng.choice(("goals_met", "no_longer_needed")))
    elif roll < 0.5:
        g.run("record_death", end_at)


def _withdraws(g: _Case, chance: float) -> bool:
    if g.rng.random() >= chance:
        return False
    return g.run("withdraw_consent", g.time(g.now, days=g.rng.uniform(0.1, 10)))


def _answers(g: _Case, invitees: list[str], meeting_at: dt.datetime) -> list[str]:
    """Each invitee answers (most within a day, some late, a few never); who attends."""
    rng = g.rng
    attending = []
    for unit in rng.sample(invitees, len(invitees)):
        if rng.random() < 0.08:
            attending.append(unit)  # no answer, but comes anyway
            continue
        at = g.time(g.now, hours=rng.choice((1, 3, 6, 20, 30, 60, 100)))
        if at >= meeting_at:
            continue
        if rng.random() < 0.85:
            if g.run("answer_invitation", at, unit=unit, attending=True,
                     attendee=rng.choice(COORDINATORS)):
                attending.append(unit)
        else:
            g.run("answer_invitation", at, unit=unit, attending=False,
                  substitute=f"Ersättare på {unit}")
    return attending


# The plan parts a profile may require (plan_parts), each with its command and a text.
PART_COMMANDS: dict[str, tuple[str, str]] = {
    "action_plan": ("add_action_plan", "Vid försämring: kontakta vårdcentralen"),
    "own_action": ("add_own_action", "Promenerar varje dag"),
    "coordination": ("add_coordination", "Samordningsansvarig stämmer av varje månad"),
}


def _draw_up(g: _Case, coordinator: str, coordinator_unit: str, attending: list[str],
             version: int) -> bool:
    """Write the version's plan, document it and approve it; whether it was approved."""
    rng, case = g.rng, g.case
    assert case is not None
    g.run("add_need", g.time(g.now, hours=0.3), text=rng.choice(NEEDS))
    g.run("add_goal", g.time(g.now, hours=0.2), text="Klara vardagen", horizon="short")
    if g.profile.id == "jonkoping" or rng.random() < 0.8:
        g.run("add_goal", g.time(g.now, hours=0.2), text="Eget boende", horizon="long")
    unit = rng.choice([coordinator_unit, *attending])
    g.run("add_intervention", g.time(g.now, hours=0.2), text="Insats enligt plan", unit=unit,
          responsible=rng.choice(COORDINATORS))
    if rng.random() < 0.3:
        g.run("add_note", g.time(g.now, hours=0.2), text="Anteckning från mötet")
    for part in g.profile.plan_parts:  # the parts the routine asks for (Jönköping's action plan)
        if part in PART_COMMANDS:
            command, text = PART_COMMANDS[part]
            g.run(command, g.time(g.now, hours=0.1), text=text)
    follow_date = (g.now + dt.timedelta(days=rng.randrange(60, 200))).date()
    follow: dict[str, Any] = {"date": follow_date}
    if g.profile.id == "jonkoping" or rng.random() < 0.5:
        follow["place"] = rng.choice(PLACES)
    g.run("set_follow_up", g.time(g.now, hours=0.2), **follow)
    documented = g.time(g.now, days=rng.choice((0, 0.5, 1, 1, 2, 3, 6)))
    if not g.run("document_plan", documented):
        return False
    approved = g.time(g.now, days=rng.choice((0, 0.2, 1, 3)))
    return g.run("approve_plan", approved, by=coordinator, with_person=rng.random() < 0.9)


def case_line(seed: int, index: int) -> str:
    """The log line of case ``index`` (from 0) of the log seeded ``seed``."""
    rng = random.Random(seed * 1_000_003 + index)
    return events_to_json(make_case(rng).events)


def lines(n: int, seed: int = 1, start: int = 0) -> Iterator[str]:
    """The lines of cases ``start`` … ``start + n - 1`` of the log seeded ``seed``."""
    for i in range(start, start + n):
        yield case_line(seed, i)


def _block(seed: int, start: int, n: int) -> bytes:
    return "".join(line + "\n" for line in lines(n, seed, start)).encode("utf-8")


def write(path: str | Path, n: int, seed: int = 1, *, jobs: int = 1,
          compress: bool | None = None) -> Path:
    """Write a log of ``n`` cases to ``path`` (gzip when ``compress``, or by default when the
    name ends in ``.gz``)."""
    path = Path(path)
    compress = path.suffix == ".gz" if compress is None else compress
    blocks = [(start, min(2_000, n - start)) for start in range(0, n, 2_000)]
    part = path.with_name(path.name + ".part")  # a log cut short by an error is not left
    with open(part, "wb") as raw:
        out: BinaryIO = gzip.GzipFile(filename="", fileobj=raw, mode="wb",
                                                  mtime=0) if compress else raw
        try:
            if jobs <= 1:
                for start, size in blocks:
                    out.write(_block(seed, start, size))
            else:
                with ProcessPoolExecutor(jobs) as pool:
                    written: Callable[..., Iterator[bytes]] = pool.map
                    for block in written(_block, [seed] * len(blocks),
                                         *zip(*blocks, strict=True)):
                        out.write(block)
        finally:
            if out is not raw:
                out.close()
    part.replace(path)
    return path


def text(n: int, seed: int = 1) -> str:
    """A whole (small) log as text: for tests."""
    buffer = io.StringIO()
    for line in lines(n, seed):
        buffer.write(line + "\n")
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--cases", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--gzip", action="store_true", help="compress (default: by suffix .gz)")
    args = parser.parse_args(argv)
    write(args.out, args.cases, args.seed, jobs=args.jobs, compress=args.gzip or None)
    print(f"{args.out}: {args.cases} cases, seed {args.seed}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
