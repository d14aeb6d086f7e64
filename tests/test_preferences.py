"""record_preferences: free fields (source 003's preparation questions), lists included."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from helpers import walk
from sipcore.case import SipCase
from sipcore.errors import EventFormatError, InputError
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


@pytest.mark.parametrize("value", [2**53, -(2**53), 10**30, [1, 10**400]])
def test_an_integer_json_does_not_carry_exactly_is_bad_input(value: object) -> None:
    """A field's integer must read back as it was written: JSON exchanges integers exactly
    within ±(2**53 − 1) (RFC 8259 §6); beyond, a parser may read 10**30 as 1e+30, and
    10**400 as no number at all."""
    case, clock = walk("consented")
    before = case.snapshot()
    with pytest.raises(InputError, match=r"fields\.count.*2\*\*53"):
        case.record_preferences(at=clock(), count=value)
    assert case.snapshot() == before
    case.record_preferences(at=clock(), count=[2**53 - 1, -(2**53 - 1)], ratio=1e300)
    again = events_from_json(events_to_json(case.events))
    assert SipCase.replay(again).snapshot() == case.snapshot()


def test_a_stored_event_with_such_an_integer_is_refused_when_read_and_written() -> None:
    case, clock = walk("consented")
    case.record_preferences(at=clock(), count=7)
    text = events_to_json(case.events)
    assert '["count", 7]' in text
    with pytest.raises(EventFormatError, match=r"args\.fields"):
        events_from_json(text.replace('["count", 7]', f'["count", {2**60}]'))
    forged = attrs.evolve(case.events[-1], args=attrs.evolve(case.events[-1].args,
                                                             fields=(("count", 2**60),)))
    with pytest.raises(EventFormatError, match="2\\*\\*53"):
        events_to_json([*case.events[:-1], forged])
