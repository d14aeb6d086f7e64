"""The errors sipcore raises.

Every error is a :class:`SipError`. Errors about bad input also inherit the matching builtin
(``ValueError`` or ``TypeError``) so that callers who already catch those keep working.
A refused command raises a :class:`Refusal`: :class:`RuleViolation` when ``must`` rules fail,
:class:`TransitionNotAllowed` when the phase does not allow the command, and the two refusals
that are not rules, ``case.time_order`` and ``invitation.not_invited``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from sipcore.findings import Finding

__all__ = [
    "NOT_GIVEN",
    "EventFormatError",
    "Finding",
    "InputError",
    "InputTypeError",
    "OutOfRangeError",
    "ProfileError",
    "Refusal",
    "RuleViolation",
    "ScenarioError",
    "SipError",
    "TransitionNotAllowed",
]


# This module imports nothing of sipcore's or attrs' at import time, so that what raises only
# input errors (sipcore.deadlines) loads without them; Finding is read from sipcore.findings
# when first asked for.


def __getattr__(name: str) -> Any:
    if name == "Finding":
        from sipcore.findings import Finding

        return Finding
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _NotGiven:
    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final[Any] = _NotGiven()
"""The ``got`` of an :class:`InputError` raised without the value it was given."""


class SipError(Exception):
    """Base class of every error sipcore raises."""


class InputError(SipError, ValueError):
    """An argument is not what the command or function expects.

    ``argument`` names the argument, ``expected`` says what was expected, ``got`` is the value
    given (:data:`NOT_GIVEN` when the message shows none).
    """

    def __init__(self, argument: str, expected: str, got: object = NOT_GIVEN) -> None:
        self.argument = argument
        self.expected = expected
        self.got = got
        shown = "" if got is NOT_GIVEN else f", got {got!r}"
        super().__init__(f"{argument}: expected {expected}{shown}")


class InputTypeError(InputError, TypeError):
    """An argument has the wrong type (a datetime where a date is meant, a bool for a count…)."""


class OutOfRangeError(InputError):
    """A value is outside the supported range (e.g. a date outside the calendar's years)."""


class ProfileError(SipError, ValueError):
    """A rule profile is malformed; the message names the file, the key and what was expected."""


class ScenarioError(SipError, ValueError):
    """A scenario file is malformed; the message names the file, the step, the key and what was
    expected."""


class EventFormatError(SipError, ValueError):
    """Serialized events are malformed or of an unknown schema; the message names the field."""


class Refusal(SipError):
    """A command was refused. The case is exactly as it was before the command."""

    def __init__(self, command: str, findings: tuple[Finding, ...]) -> None:
        self.command = command
        self.findings = findings
        lines = "; ".join(str(f) for f in findings)
        super().__init__(f"{command} refused: {lines}")

    @property
    def ids(self) -> tuple[str, ...]:
        """The rule ids (or refusal ids) of every finding, in order."""
        return tuple(f.rule_id for f in self.findings)

    def message(self, lang: str = "sv") -> str:
        """All findings as one text, in Swedish (``"sv"``) or English (``"en"``)."""
        return "\n".join(
            f"{f.rule_id}: {f.message_sv if lang == 'sv' else f.message_en}"
            for f in self.findings
        )


class RuleViolation(Refusal):
    """One or more ``must`` rules failed; ``findings`` lists every one of them."""


class TransitionNotAllowed(Refusal):
    """The case's phase does not allow the command (id ``transition.not_allowed``)."""

    def __init__(self, command: str, phase: str, allowed: tuple[str, ...]) -> None:
        self.phase = phase
        self.allowed = allowed
        listed = ", ".join(allowed) or "inga"
        listed_en = ", ".join(allowed) or "none"
        from sipcore.findings import Finding

        finding = Finding(
            "transition.not_allowed",
            "refusal",
            f"{command} är inte tillåtet i fasen {phase}; tillåtet där: {listed}",
            f"{command} is not allowed in phase {phase}; allowed there: {listed_en}",
        )
        super().__init__(command, (finding,))
