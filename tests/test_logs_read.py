"""Reading a region's log (DOMAIN.md §14): JSON Lines, plain or gzip, one case per line; every
malformed line reported with its file and line number, never a traceback."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from logtools import make_log, write_lines
from sipcore import events_from_json, events_to_json
from sipcore.cli import main
from sipcore.logs import LogCase, LogError, LogProblem, read
from sipcore.logs.progress import bar

LINES = list(make_log.lines(6, seed=3))


def _problems(path: Path) -> tuple[list[LogCase], list[LogProblem]]:
    problems: list[LogProblem] = []
    return list(read(path, on_problem=problems.append)), problems


@pytest.mark.parametrize("name", ["log.jsonl", "log.jsonl.gz"])
def test_reads_every_case_plain_or_gzip(tmp_path: Path, name: str) -> None:
    path = write_lines(tmp_path / name, LINES)
    cases = list(read(path))
    assert [c.line for c in cases] == [1, 2, 3, 4, 5, 6]
    for found, line in zip(cases, LINES, strict=True):
        assert events_to_json(found.events) == line
        assert found.case.events == tuple(events_from_json(line))
        assert found.where == f"{path}:{found.line}"


def test_the_generator_writes_what_the_engine_reads_back(tmp_path: Path) -> None:
    path = make_log.write(tmp_path / "g.jsonl.gz", 40, seed=5)
    assert path.read_bytes()[:2] == b"\x1f\x8b"
    again = make_log.write(tmp_path / "h.jsonl.gz", 40, seed=5, jobs=2)
    assert path.read_bytes() == again.read_bytes()  # seeded: the same bytes, however written
    cases = list(read(path))
    assert len(cases) == 40
    profiles = {c.case.profile.id for c in cases}
    assert profiles >= {"vastmanland", "jonkoping", "vgr"}


def test_blank_lines_are_skipped_and_numbers_stay_the_files(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "log.jsonl", [LINES[0], "", "   ", LINES[1]])
    assert [c.line for c in read(path)] == [1, 4]


def _bad_lines() -> dict[str, tuple[str, str]]:
    first = json.loads(LINES[0])
    schema3 = [dict(e, schema=3) for e in first]
    gotland = [dict(e, profile="gotland@1") for e in first]
    wrong_phase = [dict(e) for e in first]
    wrong_phase[1]["phase"] = "active"
    return {
        "garbage": ("this is not json {", "not JSON"),
        "schema": (json.dumps(schema3), "schema version 3; this sipcore reads schema 1, 2"),
        "profile": (json.dumps(gotland), "profile gotland@1, which is not installed"),
        "object": ('{"a": 1}', "expected a JSON array"),
        "empty case": ("[]", "an empty case"),
        "no replay": (json.dumps(wrong_phase), "do not replay"),
    }


@pytest.mark.parametrize("kind", sorted(_bad_lines()))
def test_a_malformed_line_is_named_by_file_and_line_and_skipped(
    tmp_path: Path, kind: str
) -> None:
    bad, message = _bad_lines()[kind]
    path = write_lines(tmp_path / "log.jsonl", [LINES[0], bad, LINES[1]])
    cases, problems = _problems(path)
    assert [c.line for c in cases] == [1, 3]
    assert [(p.path, p.line) for p in problems] == [(str(path), 2)]
    assert message in problems[0].message
    assert str(problems[0]).startswith(f"{path}:2: ")
    with pytest.raises(LogError, match=f"{path.name}:2: "):
        list(read(path))


def test_a_line_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_bytes(LINES[0].encode() + b"\n\xff\xfe[1]\n")
    cases, problems = _problems(path)
    assert len(cases) == 1 and problems[0].line == 2 and "UTF-8" in problems[0].message


def test_an_empty_log(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"\n")
    cases, problems = _problems(path)
    assert cases == [] and [str(p) for p in problems] == [f"{path}: empty log: no cases"]


def test_a_truncated_gzip_keeps_the_cases_before_the_cut(tmp_path: Path) -> None:
    whole = gzip.compress("".join(line + "\n" for line in LINES).encode(), mtime=0)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) * 2 // 3])
    cases, problems = _problems(path)
    assert 0 < len(cases) < len(LINES)
    assert [c.line for c in cases] == list(range(1, len(cases) + 1))
    assert len(problems) == 1 and "truncated" in problems[0].message
    assert problems[0].line == len(cases) + 1 or problems[0].line == len(cases) + 2


def test_a_missing_file(tmp_path: Path) -> None:
    cases, problems = _problems(tmp_path / "nowhere.jsonl")
    assert cases == [] and "cannot be read" in problems[0].message


# --- the command line: one line per problem, exit code 2 for a malformed log -------------------


def _mixed_log(tmp_path: Path) -> Path:
    return write_lines(tmp_path / "mixed.jsonl", [LINES[0], "garbage", LINES[1], LINES[2]])


@pytest.mark.parametrize("command", [["reassess", "vastmanland", "vastmanland@1"], ["stats"]])
def test_cli_skips_a_malformed_line_and_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    path = _mixed_log(tmp_path)
    assert main([*command, str(path), "--jobs", "1"]) == 0
    out, err = capsys.readouterr()
    assert len(err.strip().splitlines()) == 1
    assert err.startswith(f"sipcore {command[0]}: {path}:2: ")
    assert "not JSON" in err and "skipped" in err and "Traceback" not in err
    assert "3 cases" in out and "1 lines skipped" in out


@pytest.mark.parametrize("command", [["reassess", "vastmanland", "vastmanland@1"], ["stats"]])
def test_cli_strict_stops_at_the_first_malformed_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    path = _mixed_log(tmp_path)
    assert main([*command, str(path), "--strict", "--jobs", "1"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and f"{path}:2:" in err and "not JSON" in err


@pytest.mark.parametrize("command", [["reassess", "vastmanland", "vastmanland@1"], ["stats"]])
def test_cli_exit_code_2_when_nothing_could_be_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    garbage = write_lines(tmp_path / "garbage.jsonl", ["x", "[1, 2"])
    for path in (empty, garbage):
        assert main([*command, str(path), "--jobs", "1"]) == 2
        err = capsys.readouterr().err
        assert str(path) in err and "Traceback" not in err


def test_cli_bad_arguments_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_lines(tmp_path / "log.jsonl", LINES[:1])
    for argv in (["reassess", "vastmanland", "nowhere", str(path)],
                 ["reassess", "vastmanland", "vastmanland", str(path), "--out", "x.txt"],
                 ["stats", str(path), "--from", "2026-13-01"],
                 ["stats", str(path), "--as-of", "2026-11-30T10:00"],
                 ["stats", str(path), "--jobs", "0"],
                 ["stats", str(path), "--html", str(tmp_path / "r.pdf")]):
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse refuses the value itself
            code = int(str(exit_.code))
        assert code == 2, argv
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, argv


def test_progress_bar_only_on_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    with bar(100, "test") as advance:  # stderr is captured here: not a terminal
        assert advance is None
    with bar(100, "test", enabled=True) as advance:
        assert advance is not None
        advance(50)
    assert "test" in capsys.readouterr().err
