"""The `sipcore` command: --version, --help, and no traceback on errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

import sipcore
from sipcore.cli import main


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"sipcore {sipcore.__version__}"


def test_help_lists_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("check", "diff", "docs", "explain", "deadline", "workdays"):
        assert command in out


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    assert "usage: sipcore" in capsys.readouterr().out


def test_unknown_command_is_one_line_without_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sipcore", "frobnicate"], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "frobnicate" in done.stderr


def test_explain_shows_the_level_in_every_profile(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "invitation.substitute", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "jonkoping@4.0: must" in out and "national@2018.1: should" in out
    assert "regelns" not in out


@pytest.mark.parametrize("refusal", ["transition.not_allowed", "case.time_order",
                                     "invitation.not_invited"])
def test_explain_accepts_the_refusal_ids(refusal: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", refusal]) == 0
    assert refusal in capsys.readouterr().out
