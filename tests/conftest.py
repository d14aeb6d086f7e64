"""Fixtures shared by the engine tests (the builders live in ``helpers.py``)."""

from __future__ import annotations

import pytest

from helpers import Clock, profile
from sipcore.profiles import Profile


@pytest.fixture
def national() -> Profile:
    """The national profile (the statutes' values)."""
    return profile("national")


@pytest.fixture
def vastmanland() -> Profile:
    return profile("vastmanland")


@pytest.fixture
def jonkoping() -> Profile:
    return profile("jonkoping")


@pytest.fixture
def clock() -> Clock:
    """Strictly increasing Europe/Stockholm times from Monday 2026-03-02 09:00."""
    return Clock()
