"""Notes as a reader sees them: after withdrawal every note is void and its text unreadable,
while the versions and the events keep the audit trail."""

from __future__ import annotations

import pytest

from helpers import walk
from sipcore.errors import InputError


def test_notes_are_readable_until_consent_is_withdrawn() -> None:
    case, clock = walk("follow_up")
    before = case.notes()
    assert before and all(n.text and n.voided_at is None for n in before)
    assert [n.version for n in before] == [2] * len(before)
    first = case.notes(1)
    assert [n.text for n in first] == [n.text for n in before]  # version 2 copies version 1
    versions = case.versions

    case.withdraw_consent(at=clock())

    for number in (1, 2):
        views = case.notes(number)
        assert views and all(n.text is None and n.voided_at == case.voided_at for n in views)
    assert case.voided_notes == len(case.notes(1)) + len(case.notes(2))
    # The versions keep each note's kind and place, not what it said: the events keep the trail.
    assert case.versions == tuple(v.voided(case.voided_at) for v in versions)
    for version in case.versions:
        for note in version.notes:
            assert note.text is None and note.heading is None and note.responsible is None
            assert not getattr(note.args, "text", "")
    assert [[n.kind for n in v.notes] for v in case.versions] == [
        [n.kind for n in v.notes] for v in versions]
    assert any(e.command == "add_need" and e.args.text for e in case.events)


def test_notes_of_an_unknown_version_are_refused() -> None:
    case, _ = walk("drafting")
    assert case.notes() == ()
    for version in (3, 0, "1", True, 1.0):
        with pytest.raises(InputError, match="version: expected a plan version from 1 to 1"):
            case.notes(version)  # type: ignore[arg-type]
    before, _ = walk("consented")  # no version before the meeting: only the latest, none
    assert before.notes() == ()
    for version in (1, 99, "x"):
        with pytest.raises(InputError, match="none before its meeting"):
            before.notes(version)  # type: ignore[arg-type]
