"""The engine under the case: the compiled rulebook of a profile, the shared phase machine,
:func:`decide` (pure: a command's decision) and :func:`evolve` (the one code that changes a
case, live and in replay)."""

from __future__ import annotations

from sipcore._engine.decide import Decision, decide
from sipcore._engine.evolve import evolve
from sipcore._engine.rulebook import Rulebook, rulebook

__all__ = ["Decision", "Rulebook", "decide", "evolve", "rulebook"]
