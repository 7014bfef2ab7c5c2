"""Shared by the suite: running the real command line, small local HTTP servers, and a site
and its plain articles to archive."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from archive.extract import ExtractedArticle
from archive.sites import SiteConfig

CLI_TIMEOUT = 600
VIETNAM = timezone(timedelta(hours=7))
# A site of the testbed's address space; nothing is served there unless a test serves it.
STTTT = SiteConfig(
    key="stttt",
    name="Sở Thông tin và Truyền thông Hà Tĩnh",
    family="portalfolder",
    base_url="http://127.0.0.1:8002/",
    start_urls=("http://127.0.0.1:8002/",),
)


def plain_article(path: str, title: str, body: str, published: datetime) -> ExtractedArticle:
    """An article of :data:`STTTT` at ``path`` with a title, body and date, and nothing else."""
    return ExtractedArticle(
        url=f"{STTTT.base_url}{path}",
        title=title,
        summary=None,
        body=body,
        published=published,
        updated=None,
        author=None,
        category=None,
        language="vi",
    )


def run_cli(
    data: Path, *args: str | Path, module: str = "portal_archive"
) -> subprocess.CompletedProcess[str]:
    """Runs ``portal-archive --data DATA ARGS`` as a user would, in a fresh process; ``module``
    is another entry point to the same command line."""
    command = [sys.executable, "-m", module, "--data", str(data), *map(str, args)]
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

    with _running(Handler) as base:
        yield base, requested


@dataclass(frozen=True)
class Hit:
    """One request a scripted server received."""

    path: str
    at: float  # time.monotonic()
    user_agent: str


@dataclass(frozen=True)
class Reply:
    status: int
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)


# Path and the hits so far (this one included) → the reply, or None to never answer.
Responder = Callable[[str, list[Hit]], Reply | None]


@contextmanager
def serve_script(respond: Responder) -> Iterator[tuple[str, list[Hit]]]:
    """Serves what ``respond`` says on a free 127.0.0.1 port (statuses, headers such as
    Retry-After, or no answer at all); yields its base URL and every request received."""
    hits: list[Hit] = []
    closing = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(Hit(self.path, time.monotonic(), self.headers.get("User-Agent", "")))
            reply = respond(self.path, hits)
            if reply is None:
                closing.wait()
                return
            payload = reply.body.encode("utf-8")
            self.send_response(reply.status)
            for name, value in {
                "Content-Type": "text/html; charset=utf-8",
                **reply.headers,
            }.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    try:
        with _running(Handler) as base:
            yield base, hits
    finally:
        closing.set()


@contextmanager
def _running(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
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
