"""Tests of ``sipcore deadline`` and ``sipcore workdays``."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sipcore.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit code, stdout, stderr), argparse exits included."""
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["deadline", "2026-12-23", "--working-days", "1"], "2026-12-28"),
        (["deadline", "2026-06-18", "--working-days", "2"], "2026-06-23"),
        (["deadline", "2026-12-28", "--working-days", "-1"], "2026-12-23"),
        (["deadline", "2026-06-19", "--working-days", "0"], "2026-06-22"),
        (["deadline", "2025-12-22", "--calendar-days", "3", "--statutory"], "2025-12-29"),
        (["deadline", "2025-12-22", "--calendar-days", "3"], "2025-12-25"),
        (["workdays", "2025"], "249"),
        (["workdays", "2016"], "253"),
    ],
)
def test_prints_the_answer(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    assert run(capsys, *argv) == (0, expected + "\n", "")


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["deadline", "2026-13-01", "--working-days", "1"], "is not a date"),
        (["deadline", "23/12/2026", "--working-days", "1"], "YYYY-MM-DD"),
        (["deadline", "20261223", "--working-days", "1"], "YYYY-MM-DD"),
        (["deadline", "1989-12-30", "--working-days", "1"], "1990–2100"),
        (["deadline", "2101-01-01", "--calendar-days", "1"], "1990–2100"),
        (["deadline", "2026-12-23"], "one of the arguments --working-days --calendar-days"),
        (["deadline", "2026-12-23", "--working-days", "1", "--calendar-days", "1"], "not allowed"),
        (["deadline", "2026-12-23", "--working-days", "1.5"], "invalid int value"),
        (["deadline", "2026-12-23", "--working-days", "1", "--statutory"], "--statutory"),
        (["deadline", "2100-12-30", "--working-days", "1"], "2100-12-31"),
        (["deadline", "1990-01-02", "--working-days", "-1"], "1990-01-01"),
        (["deadline", "2100-12-25", "--calendar-days", "6", "--statutory"], "2100-12-31"),
        (["deadline", "2026-12-23", "--working-days", "1", "--days", "1"], "unrecognized"),
        (["workdays", "1989"], "1990 to 2100"),
        (["workdays", "twenty"], "invalid int value"),
        (["workdays"], "required"),
    ],
)
def test_errors_are_one_line_on_stderr(
    capsys: pytest.CaptureFixture[str], argv: list[str], says: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code != 0
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert says in err
    assert err.startswith("sipcore")
    assert "Traceback" not in err


def test_help_lists_both_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "deadline" in out and "workdays" in out


def test_python_dash_m() -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "sipcore", "deadline", "2026-12-23", "--working-days", "1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "2026-12-28\n", "")
    bad = subprocess.run(
        [sys.executable, "-m", "sipcore", "deadline", "2026-02-30", "--calendar-days", "3"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
