"""``sipcore serve [--host 127.0.0.1] [--port 8000] [--max-body BYTES]``: the decisions over
HTTP (see :mod:`sipcore.serve`); needs the extra: ``pip install "sipcore[serve]"``."""

from __future__ import annotations

import argparse
import importlib.util
import ipaddress
import re
import socket
from typing import Any

from sipcore.errors import InputError

__all__ = ["register"]

DEFAULT_PORT = 8000


def register(subparsers: Any) -> None:
    serve = subparsers.add_parser(
        "serve",
        help="serve the decisions over HTTP (needs the extra: pip install 'sipcore[serve]')",
        description="Serve the decisions over HTTP: stateless, OpenAPI at /openapi.json. "
        "Needs the extra: pip install 'sipcore[serve]'.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on "
                       "(default 127.0.0.1: this machine only)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT,
                       help=f"port to listen on (default {DEFAULT_PORT})")
    serve.add_argument("--max-body", type=int, default=None, metavar="BYTES",
                       help="largest request body accepted (default 1 MiB); larger: 413")
    serve.add_argument("--log-level", default="warning",
                       choices=("critical", "error", "warning", "info", "debug"))
    serve.set_defaults(func=_serve)


_HOST = "an address of this machine or a host name that resolves to one"


def _check_host(host: str, port: int = 0) -> None:
    """Refuse a host the server could not listen on, before it starts: one that does not
    resolve, or an address that is not this machine's. Every address it resolves to is tried
    on a free port, as the server binds them all; then on ``port``, which another program may
    hold."""
    if re.fullmatch(r"[0-9.]+", host):  # digits and dots: an IPv4 address or nothing
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            raise InputError("--host", _HOST, host) from None
    try:
        found = socket.getaddrinfo(host or None, 0, socket.AF_UNSPEC, socket.SOCK_STREAM, 0,
                                   socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, socket.gaierror) else str(exc)
        raise InputError("--host", _HOST, f"{host} ({reason})") from None
    for family, kind, proto, _, address in found:
        try:
            with socket.socket(family, kind, proto) as probe:
                probe.bind((address[0], 0, *address[2:]))
        except OSError as exc:
            raise InputError("--host", _HOST, f"{host} ({exc.strerror})") from None
        if port:
            try:
                with socket.socket(family, kind, proto) as probe:
                    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # (as uvicorn)
                    probe.bind((address[0], port, *address[2:]))
            except OSError as exc:
                raise InputError("--port", f"a port free on {host}", f"{port} "
                                 f"({exc.strerror})") from None


def _serve(args: argparse.Namespace) -> int:
    missing = [m for m in ("fastapi", "uvicorn") if importlib.util.find_spec(m) is None]
    if missing:
        raise InputError("serve", "the serve extra installed: pip install 'sipcore[serve]'",
                         f"missing {', '.join(missing)}")
    if not 0 <= args.port <= 65535:
        raise InputError("--port", "a port number 0–65535", args.port)
    _check_host(args.host, args.port)
    import uvicorn

    from sipcore.serve import MAX_BODY, create_app

    app = create_app(max_body=MAX_BODY if args.max_body is None else args.max_body)
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level,
                access_log=False)
    return 0
