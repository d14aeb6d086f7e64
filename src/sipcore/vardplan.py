"""The samordnad vårdplan (plan type ``SPLPTLRV``, DOMAIN.md §10.4): the plan for a patient
who needs insatser with öppen psykiatrisk tvångsvård or öppen rättspsykiatrisk vård
(Lag 2017:612 4 kap. 1 § 2 st.; LPT 7 a §; LRV 12 a §).

Consent is not its legal basis: the consent rules do not apply to it (the rulebook leaves them
out, :data:`sipcore.states.RULE_PLAN_TYPES`). Its own rules: the patient's view of the
insatser is recorded at the meeting, and the plan is established when every unit that took
part has adjusted it.
"""

from __future__ import annotations

import datetime as dt

import attrs

from sipcore.commands import AdjustPlan, ApprovePlan, Given, HoldMeeting
from sipcore.legal import Cite
from sipcore.rules import Context, Failed, rule

__all__ = ["Adjustment"]


# --- the rules ---------------------------------------------------------------------------------


@rule(
    "meeting.patient_view", "must",
    sv="I en samordnad vårdplan ska patientens inställning till insatserna föras fram på mötet.",
    en="In a samordnad vårdplan the patient's view of the interventions is recorded at the "
       "meeting.",
    sources=(
        Cite("lpt_7a", "1 st.", "beslut om insatser och, så långt möjligt, patientens "
             "inställning till insatserna i vårdplanen"),
        Cite("lrv_12a"),
    ),
)
def meeting_patient_view(ctx: Context[HoldMeeting]) -> Failed | None:
    view = ctx.args.patient_view
    return None if (view or "").strip() else Failed("missing", parts=("patient_view",))


@rule(
    "plan.adjusted_by_units", "must",
    sv="En samordnad vårdplan är upprättad först när varje enhet som deltog har justerat den.",
    en="A samordnad vårdplan is established only when every unit that took part has adjusted "
       "it.",
    sources=(
        Cite("lpt_7a", "2 st.", "Vårdplanen är upprättad när den har justerats av enheterna."),
        Cite("lrv_12a"),
    ),
)
def plan_adjusted_by_units(ctx: Context[ApprovePlan]) -> Failed | None:
    case = ctx.case
    version = case.plan_version
    adjusted = {a.unit for a in case.adjustments if a.version == version}
    missing = tuple(u for u in case.units_of_version(version) if u not in adjusted)
    return Failed("not_adjusted", units=missing) if missing else None


# --- the records -------------------------------------------------------------------------------


@attrs.frozen(weakref_slot=False)
class Adjustment:
    """A unit's adjustment of one version of a samordnad vårdplan (not an edit: the draft and
    its documentation stay as they are)."""

    at: dt.datetime
    args: AdjustPlan
    version: int

    unit = Given[str]()
