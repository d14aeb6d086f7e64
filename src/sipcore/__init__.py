"""sipcore: the Swedish samordnad individuell plan (SIP) as executable, auditable rules."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
