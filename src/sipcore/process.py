"""Where the process records lived before they were split by subject: the parties
(:mod:`sipcore.parties`), the invitation and the meeting (:mod:`sipcore.meeting`), declining and
closing (:mod:`sipcore.closing`). The names stay importable from here."""

from __future__ import annotations

from sipcore.meeting import Answer, Invitation, Meeting
from sipcore.parties import PRINCIPALS, Coordinator, Units

__all__ = ["PRINCIPALS", "Answer", "Coordinator", "Invitation", "Meeting", "Units"]
