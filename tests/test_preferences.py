"""record_preferences: free fields (source 003's preparation questions), lists included."""

from __future__ import annotations

import datetime as dt

import pytest

from helpers import walk
from sipcore.case import SipCase
from sipcore.errors import InputError
from sipcore.events import events_from_json, events_to_json


def test_free_fields_merge_and_survive_json() -> None:
    case, clock = walk("consented")
    case.record_preferences(at=clock(), place="Hemma", tolk=True, languages=["arabiska", "sv"])
    case.record_preferences(at=clock(), max_minutes=60, place="Biblioteket")
    assert dict(case.preferences) == {
        "place": "Biblioteket",
        "tolk": True,
        "languages": ("arabiska", "sv"),
        "max_minutes": 60,
    }
    replayed = SipCase.replay(events_from_json(events_to_json(case.events)))
    assert replayed.snapshot() == case.snapshot()


def test_a_value_that_is_not_text_number_or_list_is_bad_input() -> None:
    case, clock = walk("consented")
    before = case.snapshot()
    with pytest.raises(InputError, match=r"fields\.when"):
        case.record_preferences(at=clock(), when=dt.date(2026, 5, 1))
    assert case.snapshot() == before
