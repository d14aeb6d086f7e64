"""Benchmark of ``sipcore serve``: decisions per second over HTTP, their latency, and what the
server spends per decision against the library's own decision of the same case.

Run: ``pip install -e ".[serve]"`` then ``python bench/serve.py`` (``--requests 2000`` for a
smaller load). Starts the server on 127.0.0.1 (a free port) and, for each of two requests,
sends ``--requests`` of them from ``--clients`` client processes (each one keep-alive
connection, one request at a time):

* ``invitation``: a case of 6 events (open, consent, coordinator, preferences, an invitation
  and its revocation) and a ``send_invitation`` to decide;
* ``lifecycle``: the 16-command lifecycle of ``bench/lifecycle.py``, its first 15 events
  replayed per request and the 16th command (``close_case``) decided.

Prints, per request: decisions per second, p50 and p99 latency as the clients see it, the
server's CPU time per decision (from ``/proc``, Linux), the library's own decision of the
same case in this process (replay from the same JSON, then ``case.check``: what a stateless
caller does; and ``check`` alone on a case already replayed, for scale), and the ratio of the
first two: the server's overhead.

Targets: at least 1,000 decisions per second with p99 under 20 ms, and the server's CPU per
decision at most 3x the library's. Not a test: nothing here asserts a wall-clock time.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/calendar.py would shadow the standard library's calendar (which http.client imports):
# this folder goes after the standard library on the path.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE] + [str(_HERE)]

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

import lifecycle  # noqa: E402
from sipcore import SipCase, events_from_json, events_to_json, load_profile  # noqa: E402


def _times(n: int) -> list[dt.datetime]:
    return [dt.datetime.fromisoformat(t.isoformat()) for t in lifecycle.ZONED[:n]]


def invitation_request() -> dict[str, Any]:
    """Six events, and the invitation to decide."""
    t = _times(8)
    case = SipCase.open_case(at=t[0], profile=load_profile("vastmanland"),
                             person=lifecycle.PERSON, units=lifecycle.UNITS,
                             initiated_by="staff", unit="vc")
    case.record_consent(at=t[1], given_by="person", form="written",
                        parties=["vc", "hemtjanst"], valid_until=lifecycle.UNTIL)
    case.appoint_coordinator(at=t[2], person=lifecycle.COORDINATOR, unit="vc")
    case.record_preferences(at=t[3], place="hemma", interpreter=False)
    case.send_invitation(at=t[4], meeting_at=t[7], place="Vårdcentralen", form="in_person",
                         invitees=["hemtjanst"])
    case.revoke_invitation(at=t[5])
    assert len(case.events) == 6
    return {
        "events": json.loads(events_to_json(case.events)),
        "command": "send_invitation",
        "at": t[6].isoformat(),
        "args": {"meeting_at": (t[7] + dt.timedelta(days=7)).isoformat(),
                 "place": "Vårdcentralen", "form": "in_person", "invitees": ["hemtjanst"]},
    }


def lifecycle_request() -> dict[str, Any]:
    """The first 15 events of the 16-command lifecycle, and its 16th command."""
    case = lifecycle.engine_lifecycle(load_profile("vastmanland"), _times(16))
    events = json.loads(events_to_json(case.events))
    assert len(events) == 16 and events[-1]["command"] == "close_case"
    last = events[-1]
    return {"events": events[:-1], "command": last["command"], "at": last["at"],
            "args": {"reason": last["args"]["reason"]}}


# --- the library's own decision ------------------------------------------------------------------


def library_per_decision(request: dict[str, Any], repeats: int) -> tuple[float, float]:
    """Seconds per decision in this process: replaying the events from their JSON, then
    deciding (what a stateless caller does); and deciding alone, on a case already replayed."""
    text = json.dumps(request["events"])
    at = dt.datetime.fromisoformat(request["at"])
    args = dict(request["args"])
    if "meeting_at" in args:
        args["meeting_at"] = dt.datetime.fromisoformat(args["meeting_at"])
    command = request["command"]
    live = SipCase.replay(events_from_json(text))

    def stateless() -> None:
        SipCase.replay(events_from_json(text)).check(command, at=at, **args)

    def alone() -> None:
        live.check(command, at=at, **args)

    return _best(stateless, repeats), _best(alone, repeats)


def _best(run: Any, repeats: int) -> float:
    run()
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(repeats):
            run()
        best = min(best, (time.perf_counter() - start) / repeats)
    return best


# --- the load ---------------------------------------------------------------------------------


def _client(port: int, body: bytes, n: int, out: Any) -> None:
    """One client process: ``n`` requests on one keep-alive connection; their latencies."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    headers = {"Content-Type": "application/json"}
    latencies = []
    refused = 0
    for _ in range(n):
        start = time.perf_counter()
        connection.request("POST", "/decide", body, headers)
        answer = connection.getresponse()
        data = answer.read()
        latencies.append(time.perf_counter() - start)
        if answer.status != 200 or b'"allowed":true' not in data:
            refused += 1
    connection.close()
    out.put((latencies, refused))


def _cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load(port: int, pid: int, request: dict[str, Any], total: int, clients: int) -> dict[str, Any]:
    body = json.dumps(request).encode()
    per_client = max(1, total // clients)
    out: Any = multiprocessing.Queue()
    cpu_before = _cpu_seconds(pid)
    start = time.perf_counter()
    workers = [multiprocessing.Process(target=_client, args=(port, body, per_client, out))
               for _ in range(clients)]
    for w in workers:
        w.start()
    results = [out.get() for _ in workers]
    for w in workers:
        w.join()
    wall = time.perf_counter() - start
    cpu_after = _cpu_seconds(pid)
    latencies = sorted(x for lat, _ in results for x in lat)
    refused = sum(r for _, r in results)
    n = len(latencies)
    server_cpu = None if cpu_before is None or cpu_after is None else (
        (cpu_after - cpu_before) / n)
    return {"n": n, "per_second": n / wall, "p50": latencies[n // 2],
            "p99": latencies[min(n - 1, int(n * 0.99))], "server_cpu": server_cpu,
            "refused": refused}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server() -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "sipcore", "serve", "--host", "127.0.0.1",
                               "--port", str(port)])
    deadline = time.monotonic() + 30
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/profiles")
            connection.getresponse().read()
            return server, port
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not start") from None
            time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=20_000,
                        help="requests per kind of decision (default 20000)")
    parser.add_argument("--clients", type=int, default=2, help="client processes (default 2)")
    args = parser.parse_args()
    requests = {"invitation": invitation_request(), "lifecycle": lifecycle_request()}
    server, port = start_server()
    try:
        print(f"sipcore serve on 127.0.0.1:{port}; {args.requests} requests per kind from "
              f"{args.clients} client processes; {os.cpu_count()} cores")
        for name, request in requests.items():
            load(port, server.pid, request, min(200, args.requests), args.clients)  # warm up
            measured = load(port, server.pid, request, args.requests, args.clients)
            own, alone = library_per_decision(request, repeats=200)
            cpu = measured["server_cpu"]
            ratio = "n/a" if cpu is None else f"{cpu / own:.1f}x"
            shown_cpu = "n/a" if cpu is None else f"{cpu * 1e6:.0f} µs"
            print(f"{name:10} ({len(request['events'])} events replayed + 1 decided): "
                  f"{measured['per_second']:,.0f} decisions/s, "
                  f"p50 {measured['p50'] * 1e3:.2f} ms, p99 {measured['p99'] * 1e3:.2f} ms; "
                  f"server CPU {shown_cpu} per decision, library {own * 1e6:.0f} µs "
                  f"(check alone {alone * 1e6:.0f} µs): overhead {ratio}"
                  + (f"; {measured['refused']} not allowed (!)" if measured["refused"] else ""))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
