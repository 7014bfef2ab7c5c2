"""Shared by the suite: running the real command line, and small local HTTP servers."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CLI_TIMEOUT = 600


def run_cli(data: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """Runs ``portal-archive --data DATA ARGS`` as a user would, in a fresh process."""
    command = [sys.executable, "-m", "portal_archive", "--data", str(data), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=CLI_TIMEOUT)


Pages = dict[str, str]


@contextmanager
def serve_pages(pages: Pages) -> Iterator[tuple[str, list[str]]]:
    """Serves ``pages`` (path -> HTML) on a free 127.0.0.1 port; yields its base URL and a log
    of every path requested."""
    requested: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requested.append(self.path)
            body = pages.get(self.path)
            self.send_response(200 if body is not None else 404)
            payload = (body or "not found").encode("utf-8")
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requested
    finally:
        server.shutdown()
        server.server_close()


def write_sites_config(path: Path, sites: dict[str, dict[str, object]]) -> Path:
    lines = []
    for key, fields in sites.items():
        lines.append(f"[sites.{key}]")
        for name, value in fields.items():
            rendered = (
                "[" + ", ".join(f'"{item}"' for item in value) + "]"
                if isinstance(value, list)
                else f'"{value}"'
            )
            lines.append(f"{name} = {rendered}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
