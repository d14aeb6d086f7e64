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
