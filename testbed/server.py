"""HTTP serving: one ThreadingHTTPServer per sub-site on 127.0.0.1, and the Testbed API."""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from email.message import Message
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, unquote, urlsplit

from . import output
from .families import Family
from .families.base import Response
from .faults import SLOW_SECONDS, FaultPlan
from .model import SiteRecord
from .portal import Portal
from .sites import SITES


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], family: Family, faults: FaultPlan | None = None
    ) -> None:
        self.family = family
        self.faults = faults
        super().__init__(address, _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that gave up on a slow, huge or broken answer is no server error.
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


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
        faults = self.server.faults
        if faults is not None and faults.take_over(self, self.server.family, send_body):
            return
        parts = urlsplit(self.path)
        response = self.server.family.handle(unquote(parts.path), parse_qs(parts.query))
        if faults is not None:
            response = faults.transform(self.server.family, self.path, response)
        if _not_modified(response, self.headers):
            response = replace(response, status=304, body=b"")
        self.send_response(response.status)
        # A 304 has no body, and its length would have to be that of the page it stands for.
        if response.status != 304:
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
        if response.location:
            self.send_header("Location", response.location)
        for name, value in response.headers:
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: tests and benchmarks fetch thousands of pages."""


def _not_modified(response: Response, request: Message) -> bool:
    """Whether a conditional GET may be answered 304 (RFC 9110 13.1 and 13.2.2)."""
    validators = dict(response.headers)
    etag = validators.get("ETag")
    if response.status != 200 or etag is None:
        return False
    tags = request.get("If-None-Match")
    if tags is not None:
        # The weak comparison: a W/ prefix on the client's tag does not stop a match.
        return any(tag.strip().removeprefix("W/") in ("*", etag) for tag in tags.split(","))
    since = _http_date(request.get("If-Modified-Since"))
    last = _http_date(validators.get("Last-Modified"))
    return since is not None and last is not None and since >= last


def _http_date(text: str | None) -> datetime | None:
    """An HTTP date header's moment; None if absent or malformed (then it is ignored)."""
    if text is None:
        return None
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


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
        as_of: date | None = None,
        faults: bool = False,
        slow_seconds: float = SLOW_SECONDS,
        random_families: int = 0,
    ) -> None:
        _check_loopback(host)
        self.host = host
        self.port_base = port_base
        self.portal = Portal(
            articles=articles,
            seed=seed,
            revision=revision,
            as_of=as_of,
            random_families=random_families,
        )
        self.faults = FaultPlan(self.portal, slow_seconds) if faults else None
        self._servers: list[_SiteServer] = []
        self._threads: list[threading.Thread] = []

    def start(self) -> Testbed:
        """Bind every site (raises OSError if a port is taken), then serve in the background."""
        if self._servers:
            return self
        try:
            for index, site in enumerate(self.portal.sites):
                port = 0 if self.port_base is None else self.port_base + index
                family = self.portal.families[site.key]
                self._servers.append(_SiteServer((self.host, port), family, self.faults))
        except BaseException:
            self.stop()
            raise
        for site, server in zip(self.portal.sites, self._servers, strict=True):
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
        for site in self.portal.sites:
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

    def fault_manifest(self) -> list[dict[str, str]]:
        """Every permanent failure served (url, kind, reason); empty without faults."""
        if not self.portal.base_urls:
            raise RuntimeError("the testbed is not started")
        return [] if self.faults is None else self.faults.manifest()

    def reachable_gold(self) -> list[dict[str, str]]:
        """The gold a crawler can reach: no article or attachment that fails permanently."""
        if self.faults is None:
            return self.gold()
        return list(self.faults.reachable(self.iter_gold()))

    def write_fault_manifest(self, path: str | os.PathLike[str]) -> None:
        output.write_gold(path, self.fault_manifest())


def free_port_base(count: int = len(SITES), host: str = "127.0.0.1") -> int:
    """A first port P such that P..P+count-1 are free now on ``host``, so a testbed can be
    stopped and started again (a later revision or date) on the same URLs."""
    for base in range(42000, 60000, 97):
        if all(_is_free(host, port) for port in range(base, base + count)):
            return base
    raise RuntimeError(f"no run of {count} free ports on {host}")


def _is_free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True
