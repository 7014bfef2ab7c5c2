"""Serving the interface with uvicorn, on a socket bound before the server starts (so that
``--port 0`` can say which port it got)."""

from __future__ import annotations

import ipaddress
import socket

import uvicorn
from starlette.types import ASGIApp

# More connections at once are answered 503 rather than queued without end.
MAX_CONCURRENT = 64
LISTEN_BACKLOG = 128
# Seconds an idle keep-alive connection is kept, and given to requests running at a stop.
KEEP_ALIVE_S = 5
GRACEFUL_SHUTDOWN_S = 5


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=LISTEN_BACKLOG)


def run(app: ASGIApp, sock: socket.socket) -> None:
    """Serves ``app`` on ``sock`` until Ctrl-C or SIGTERM."""
    config = uvicorn.Config(
        app,
        log_level="warning",
        server_header=False,
        limit_concurrency=MAX_CONCURRENT,
        backlog=LISTEN_BACKLOG,
        timeout_keep_alive=KEEP_ALIVE_S,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
    )
    uvicorn.Server(config).run(sockets=[sock])
