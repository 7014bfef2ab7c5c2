"""HTTP serving: one ThreadingHTTPServer per sub-site on 127.0.0.1, and the Testbed API."""

from __future__ import annotations

import ipaddress
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, unquote, urlsplit

from . import output
from .families import Family
from .model import SiteRecord
from .portal import Portal
from .sites import SITES


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], family: Family) -> None:
        self.family = family
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "testbed"
    # Idle keep-alive connections must not pin handler threads forever.
    timeout = 30
    server: _SiteServer

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def _refuse(self) -> None:
        self.send_response(405)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse

    def _serve(self, send_body: bool) -> None:
        parts = urlsplit(self.path)
        response = self.server.family.handle(unquote(parts.path), parse_qs(parts.query))
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        if response.location:
            self.send_header("Location", response.location)
        self.end_headers()
        if send_body:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: tests and benchmarks fetch thousands of pages."""


def _check_loopback(host: str) -> None:
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"the testbed only serves on loopback addresses, not {host!r}")


class Testbed:
    """All sub-sites of the replica portal, served from background threads.

    >>> with Testbed(articles=300, seed=1) as tb:
    ...     urls = [site.start_url for site in tb.sites]
    """

    def __init__(
        self,
        articles: int = 300,
        seed: int = 1,
        host: str = "127.0.0.1",
        port_base: int | None = None,
        revision: int = 1,
    ) -> None:
        _check_loopback(host)
        self.host = host
        self.port_base = port_base
        self.portal = Portal(articles=articles, seed=seed, revision=revision)
        self._servers: list[_SiteServer] = []
        self._threads: list[threading.Thread] = []

    def start(self) -> Testbed:
        """Bind every site (raises OSError if a port is taken), then serve in the background."""
        if self._servers:
            return self
        try:
            for index, site in enumerate(SITES):
                port = 0 if self.port_base is None else self.port_base + index
                family = self.portal.families[site.key]
                self._servers.append(_SiteServer((self.host, port), family))
        except BaseException:
            self.stop()
            raise
        for site, server in zip(SITES, self._servers, strict=True):
            self.portal.base_urls[site.key] = f"http://{self.host}:{server.server_port}/"
            thread = threading.Thread(
                target=server.serve_forever,
                # A short poll keeps stop() quick: shutdown() waits for the next poll.
                kwargs={"poll_interval": 0.05},
                name=f"testbed-{site.key}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        for server, thread in zip(self._servers, self._threads, strict=False):
            server.shutdown()
            thread.join()
        for server in self._servers:
            server.server_close()
        self._servers.clear()
        self._threads.clear()

    def __enter__(self) -> Testbed:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def sites(self) -> list[SiteRecord]:
        if not self.portal.base_urls:
            raise RuntimeError("the testbed is not started")
        records = []
        for site in SITES:
            family = self.portal.families[site.key]
            records.append(
                SiteRecord(
                    key=site.key,
                    name=site.name,
                    family=site.family,
                    base_url=self.portal.base_urls[site.key],
                    start_url=self.portal.url(site.key, family.start_path),
                    parent=site.parent,
                )
            )
        return records

    def site(self, key: str) -> SiteRecord:
        for record in self.sites:
            if record.key == key:
                return record
        raise KeyError(key)

    def iter_gold(self) -> Iterator[dict[str, str]]:
        if not self.portal.base_urls:
            raise RuntimeError("the testbed is not started")
        return self.portal.iter_gold()

    def edited_urls(self, step: int | None = None) -> list[str]:
        """URLs of the articles that revision ``step`` (default: the one served) edited."""
        if not self.portal.base_urls:
            raise RuntimeError("the testbed is not started")
        return self.portal.edited_urls(step)

    def gold(self) -> list[dict[str, str]]:
        return list(self.iter_gold())

    def write_gold(self, path: str | os.PathLike[str]) -> None:
        output.write_gold(path, self.iter_gold())

    def write_sites(self, path: str | os.PathLike[str]) -> None:
        output.write_sites(path, self.sites)
