"""The command line never shows a traceback: bad paths, malformed files, a closed stdout and
an engine fault each end in one line and an exit code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sipcore.cli import build_parser, main

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE / "scenarios"
ONE = SCENARIOS / "national" / "withdrawal.toml"
MALFORMED = HERE / "bad_scenarios" / "bad_toml.toml"


def _subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)  # type: ignore[arg-type]


def _run(*args: str, stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sipcore", *args], stdout=stdout,
                          stderr=subprocess.PIPE, text=True, check=False, timeout=120,
                          cwd=HERE.parent)


BAD_CALLS = {
    "check": [["/no/such/path.toml"], [str(MALFORMED)]],
    "diff": [["national", "nowhere", str(ONE)], ["national", "vastmanland", "/no/such"]],
    "docs": [["/dev/null/x"], [str(ONE)]],
    "explain": [["no.such_rule"]],
    "deadline": [["2026-13-01", "--working-days", "1"], ["1066-10-14", "--working-days", "1"]],
    "workdays": [["1066"], ["twenty"]],
    "fhir": [["/no/such.toml"], [str(MALFORMED)]],
    "reassess": [["national", "vastmanland", "/no/such.jsonl"],
                 ["national", "nowhere", str(ONE)]],
    "stats": [["/no/such.jsonl"], [str(MALFORMED), "--strict"]],
    "schema": [["/dev/null/x"], [str(ONE)]],
    "serve": [["--port", "not-a-port"]],
}


@pytest.mark.parametrize(
    ("command", "args"),
    [(c, a) for c, calls in BAD_CALLS.items() for a in calls],
)
def test_bad_input_is_one_line_and_exit_code_2(command: str, args: list[str]) -> None:
    if command not in _subcommands():
        pytest.skip(f"{command} is not installed here")
    done = _run(command, *args)
    assert "Traceback" not in done.stderr + done.stdout
    assert done.returncode == 2, (done.returncode, done.stderr, done.stdout)
    # one line, or one line per file or log line at fault for the commands that read many
    assert len(done.stderr.strip().splitlines()) <= 1 or command in ("check", "reassess", "stats")


@pytest.mark.parametrize("command", ["check", "docs", "explain", "workdays"])
def test_every_subcommand_answers_help_without_a_traceback(command: str) -> None:
    done = _run(command, "--help")
    assert done.returncode == 0 and "Traceback" not in done.stderr


def test_output_into_a_closed_pipe_ends_quietly() -> None:
    reader, writer = os.pipe()
    os.close(reader)  # nobody reads: the first write fails with a broken pipe
    try:
        done = subprocess.run([sys.executable, "-m", "sipcore", "check", str(SCENARIOS)],
                              stdout=writer, stderr=subprocess.PIPE, text=True, check=False,
                              timeout=120, cwd=HERE.parent)
    finally:
        os.close(writer)
    assert done.stderr == "" and done.returncode == 141


def test_an_engine_fault_is_one_line_and_exit_code_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sipcore.cli import check

    def broken(*args: object, **kwargs: object) -> object:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(check, "run_scenario", broken)
    code = main(["check", str(ONE)])
    out = capsys.readouterr().out
    assert code == 2 and "internal error (ZeroDivisionError: boom)" in out
    assert "Traceback" not in out


@pytest.mark.parametrize("command", ["diff", "fhir", "liability", "reassess"])
@pytest.mark.parametrize(("text", "message"), [
    ("id = " + "9" * 5000, "an integer of more than 4300 digits"),
    ("id = " + "[" * 5000 + "]" * 5000, "arrays or tables nested more than 100 levels"),
], ids=["huge_integer", "deep_arrays"])
def test_a_profile_file_too_big_to_read_is_named_with_what_is_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, text: str, message: str
) -> None:
    from logtools import write_log

    if command not in _subcommands():
        pytest.skip(f"{command} is not installed here")
    (tmp_path / "bad.toml").write_text(text + "\n", encoding="utf-8")
    scenario = tmp_path / "uses_bad.toml"
    scenario.write_text(ONE.read_text(encoding="utf-8").replace(
        'profile = "national"', 'profile = "bad.toml"'), encoding="utf-8")
    args = {
        "diff": ["national", str(tmp_path / "bad.toml"), str(ONE)],
        "fhir": [str(scenario)],
        "liability": [str(scenario)],
        "reassess": ["national", str(tmp_path / "bad.toml"),
                     str(write_log(tmp_path / "log.jsonl", 2))],
    }[command]
    assert "bad.toml" in scenario.read_text(encoding="utf-8")
    code = main([command, *args])
    captured = capsys.readouterr()
    shown = captured.out + captured.err
    assert code == 2, shown
    assert f"bad.toml: expected valid TOML: {message}" in shown
    assert "internal error" not in shown and "Traceback" not in shown


OUT_OF_RANGE = [
    (["stats", "LOG", "--chunk-size", "0"],
     "argument --chunk-size: expected a number of cases per task (1 or more), got '0'"),
    (["stats", "LOG", "--jobs", "0"],
     "argument --jobs: expected a number of workers (1 or more), got '0'"),
    (["stats", "LOG", "--from", "2027-01-01", "--to", "2026-01-01"],
     "--to: expected a date on or after --from (2027-01-01), got '2026-01-01'"),
    (["stats", "LOG", "--from", "2200-01-01"],
     "argument --from: expected a date in the years 1990–2100, got '2200-01-01'"),
    (["stats", "LOG", "--as-of", "1900-01-01T00:00:00+01:00"],
     "argument --as-of: expected a time in the years 1990–2100, got '1900-01-01T00:00:00+01:00'"),
    (["stats", "LOG", "--as-of", "1900-01-01"],
     "argument --as-of: expected a date in the years 1990–2100, got '1900-01-01'"),
    (["reassess", "national", "vastmanland", "LOG", "--as-of", "2226-01-01T00:00:00+01:00"],
     "argument --as-of: expected a time in the years 1990–2100, got '2226-01-01T00:00:00+01:00'"),
    (["fhir", str(ONE), "--as-of", "2200-01-01T00:00:00+01:00"],
     "--as-of: expected a time in the years 1990–2100, got '2200-01-01T00:00:00+01:00'"),
    (["liability", str(ONE), "--as-of", "2300-01-01T00:00:00+01:00"],
     "--as-of: expected a time in the years 1990–2100, got '2300-01-01T00:00:00+01:00'"),
]


@pytest.mark.parametrize(("argv", "message"), OUT_OF_RANGE,
                         ids=[" ".join(a[:1] + a[-2:]) for a, _ in OUT_OF_RANGE])
def test_an_out_of_range_option_names_the_option_and_echoes_the_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    from logtools import write_log

    if argv[0] not in _subcommands():
        pytest.skip(f"{argv[0]} is not installed here")
    log = str(write_log(tmp_path / "log.jsonl", 2))
    try:
        code = main([log if a == "LOG" else a for a in argv])
    except SystemExit as exit_:  # argparse refuses the value itself
        code = int(str(exit_.code))
    captured = capsys.readouterr()
    shown = (captured.out + captured.err).strip()
    assert code == 2, shown
    assert shown.endswith(message), shown  # before any case is read: no summary, no skips
    assert len(shown.splitlines()) == 1, shown
    assert "datetime." not in shown


@pytest.mark.parametrize("host", ["999.1.1.1", "192.0.2.1", "not-a-host.invalid"])
def test_serve_refuses_a_host_it_cannot_listen_on_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], host: str
) -> None:
    """Not an address; an address of no one's (TEST-NET-1); a name that does not resolve."""
    import socket

    pytest.importorskip("fastapi")
    pytest.importorskip("uvicorn")

    def unknown(*args: object, **kwargs: object) -> object:  # no name server is asked
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    if host.endswith(".invalid"):
        monkeypatch.setattr(socket, "getaddrinfo", unknown)
    code = main(["serve", "--host", host, "--port", "0"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("sipcore serve: --host: expected an address of this machine or a host "
                          f"name that resolves to one, got '{host}"), err
    assert len(err.splitlines()) == 1


def test_serve_refuses_a_port_another_program_listens_on(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import socket

    pytest.importorskip("fastapi")
    pytest.importorskip("uvicorn")
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        code = main(["serve", "--host", "127.0.0.1", "--port", str(port)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"sipcore serve: --port: expected a port free on 127.0.0.1, got "
                          f"'{port} ("), err
    assert len(err.splitlines()) == 1


def test_every_subcommand_is_covered_here() -> None:
    covered = set(BAD_CALLS) | {"liability"}
    assert set(_subcommands()) <= covered, set(_subcommands()) - covered
