"""Declining, closing and the closed case (source 000 steps 1 and 7; 004 "Avsluta SIP")."""

from __future__ import annotations

from sipcore.commands import CloseCase, DeclineCase
from sipcore.legal import Cite
from sipcore.rules import Context, Failed, declare, rule

__all__: list[str] = []


@rule(
    "case.decline_reason", "must",
    sv="Att neka någon en SIP ska motiveras; skälet ska dokumenteras.",
    en="Declining a SIP needs a documented reason.",
    sources=(
        Cite("src_000", "steg 1", "Att neka någon en SIP bör endast ske i undantagsfall och "
             "skälet ska dokumenteras"),
    ),
)
def case_decline_reason(ctx: Context[DeclineCase]) -> Failed | None:
    reason = ctx.args.reason
    return Failed("missing", parts=("reason",)) if not (reason or "").strip() else None


@rule(
    "case.close_reason", "must",
    sv="Avslut ska ange en anledning: målen är uppfyllda (goals_met) eller samordning behövs "
       "inte längre (no_longer_needed).",
    en="Closing needs a reason: goals met (goals_met) or coordination no longer needed "
       "(no_longer_needed).",
    sources=(
        Cite("src_004", "Avsluta SIP", "Ange en anledning och klicka på Avsluta plan"),
        Cite("src_000", "steg 7", "när den enskildes mål är uppfyllda, när det inte längre "
             "finns behov av samordning"),
    ),
)
def case_close_reason(ctx: Context[CloseCase]) -> Failed | None:
    reason = ctx.args.reason
    if reason in ("goals_met", "no_longer_needed"):
        return None
    return Failed("reason", value=repr(reason)) if reason else Failed("missing", parts=("reason",))


declare(
    "case.closed", "must",
    sv="Ett avslutat SIP-ärende kan inte ändras.",
    en="A closed SIP case cannot change.",
    sources=(
        Cite("src_000", "steg 7", "Varje huvudman ansvarar för att dokumentera avslutet"),
        Cite("src_004", "Avsluta SIP", "När samordning inte längre krävs ska planen avslutas"),
    ),
)
