"""The parties to a SIP: the units and their principals (huvudmän), and the coordinator
(samordningsansvarig) who holds overall responsibility for the plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

import attrs

from sipcore.commands import AppointCoordinator, Given
from sipcore.legal import Cite
from sipcore.rules import Context, Failed, rule

__all__ = ["PRINCIPALS", "Coordinator", "Units"]

PRINCIPALS = ("region", "municipality", "school", "other")


# --- the rules ---------------------------------------------------------------------------------


@rule(
    "coordinator.principal", "must",
    sv="Samordningsansvarig enhet ska höra till regionen eller kommunen (för barn även skolan, "
       "där profilen gör skolan till huvudman).",
    en="The coordinator's unit must belong to the region or the municipality (for a child also "
       "the school, where the profile makes school a principal).",
    sources=(
        Cite("hsl_16_4", "4 st. 4 p.", "vem av huvudmännen som ska ha det övergripande ansvaret "
             "för planen"),
        Cite("sol_10_8", "2 st. 4 p."),
        Cite("hsl_1982_3f", "3 st. 4 p."),
        Cite("sol_2001_2_7", "3 st. 4 p."),
        Cite("src_002", "Barn under 18 år", "Förskola/skola ingår som jämlik part i Jönköpings "
             "läns överenskommelse om SIP för barn och unga"),
    ),
)
def coordinator_principal(ctx: Context[AppointCoordinator]) -> Failed | None:
    unit = ctx.args.unit
    principal = ctx.case.units[unit]
    school_may = ctx.profile.school_principal_for_children and ctx.child
    if principal in ("region", "municipality") or (principal == "school" and school_may):
        return None
    return Failed("principal", units=(unit,), value=principal)


# --- the records -------------------------------------------------------------------------------


@attrs.frozen(eq=False, weakref_slot=False)
class Units(Mapping[str, str]):
    """The units of a case, each id with its principal, in the order declared (a read-only
    mapping: a case holds a handful, so two short tuples serve better than a dict)."""

    ids: tuple[str, ...]
    principals: tuple[str, ...]

    @classmethod
    def of(cls, pairs: Mapping[str, str]) -> Units:
        return cls(tuple(pairs), tuple(pairs.values()))

    def __getitem__(self, unit: str) -> str:
        try:
            return self.principals[self.ids.index(unit)]
        except ValueError:
            raise KeyError(unit) from None

    def __contains__(self, unit: object) -> bool:
        return unit in self.ids

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __eq__(self, other: object) -> bool:
        return dict(self) == other if isinstance(other, Mapping) else NotImplemented

    def __hash__(self) -> int:
        return hash((self.ids, self.principals))

    def __repr__(self) -> str:
        return f"Units({dict(self)!r})"


@attrs.frozen(weakref_slot=False)
class Coordinator:
    """Samordningsansvarig: a person and the unit that holds overall responsibility, as
    appointed."""

    appointed_at: dt.datetime
    args: AppointCoordinator

    person = Given[str]()
    unit = Given[str]()
