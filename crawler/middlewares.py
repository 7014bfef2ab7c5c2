"""Downloader middlewares of the portal crawler."""

from __future__ import annotations

import codecs
import logging
from typing import Self
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.http.headers import Headers
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred

from archive.models import utcnow
from archive.runs import MAIN_WORKER
from archive.store import CaptureRecord
from archive.warc import HttpExchange, WarcWriter, payload_digest
from crawler.context import CrawlContext, crawl_context

logger = logging.getLogger(__name__)


class SiteScopeMiddleware:
    """Drops every request that leaves the site's host and port.

    Scrapy's offsite check compares domains only; testbed sub-sites (and some
    real portals) differ by port, and share buttons and banners point at other
    hosts that an archival crawl of one portal must never touch.
    """

    def __init__(self, crawler: Crawler, allowed: str) -> None:
        assert crawler.stats is not None
        self.stats = crawler.stats
        self.allowed = allowed

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, crawl_context(crawler).site.netloc)

    def process_request(self, request: Request) -> None:
        if urlsplit(request.url).netloc.lower() != self.allowed:
            self.stats.inc_value("scope/dropped")
            logger.debug("out of scope (%s): %s", self.allowed, request.url)
            raise IgnoreRequest(f"out of scope: {request.url}")


# Encodings that cannot write Vietnamese: a page declared in one of them that is valid UTF-8
# was mislabelled by its server (legacy TCVN3 bytes are never valid UTF-8 beyond ASCII).
_WESTERN_ENCODINGS = frozenset({"ascii", "iso8859-1", "cp1252"})


class CharsetMiddleware:
    """Reads a UTF-8 page as UTF-8 when its server declared a Western single-byte charset.

    The WARC keeps the response as sent; only how the crawler decodes it changes.
    """

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, TextResponse) or response.encoding in ("utf-8", "utf8"):
            return response
        if _normalised(response.encoding) not in _WESTERN_ENCODINGS or response.body.isascii():
            return response
        try:
            response.body.decode("utf-8")
        except UnicodeDecodeError:
            return response
        return response.replace(encoding="utf-8")


def _normalised(encoding: str) -> str:
    return codecs.lookup(encoding).name if encoding else ""


# Set on a request answered with a copy of a robots.txt response already fetched.
ROBOTS_TXT_COPY = "robots_txt_copy"


def is_robots_txt(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path == "/robots.txt" and not parts.query


class RobotsTxtOnceMiddleware:
    """Fetches each robots.txt once per crawl.

    Scrapy's RobotsTxtMiddleware fetches it for its rules and the spider for the
    sitemaps it names; whichever comes second is answered with a copy of the
    first's response (waiting for it while it is on its way), which is archived
    once. It sits nearer the downloader than ``WarcCaptureMiddleware``.
    """

    def __init__(self) -> None:
        self.fetched: dict[str, Response] = {}
        # robots.txt URL on its way → the requests waiting for its response.
        self.waiting: dict[str, list[Deferred[None]]] = {}

    async def process_request(self, request: Request) -> Response | None:
        url = request.url
        if not is_robots_txt(url):
            return None
        if url in self.waiting:
            waiter: Deferred[None] = Deferred()
            self.waiting[url].append(waiter)
            await maybe_deferred_to_future(waiter)
        fetched = self.fetched.get(url)
        if fetched is None:
            # The first request, or the one after a fetch that failed, goes to the server.
            self.waiting.setdefault(url, [])
            return None
        request.meta[ROBOTS_TXT_COPY] = True
        return fetched.replace(request=request)

    def process_response(self, request: Request, response: Response) -> Response:
        if request.url in self.waiting and not request.meta.get(ROBOTS_TXT_COPY):
            self.fetched[request.url] = response
            self._release(request.url)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if request.url in self.waiting and not request.meta.get(ROBOTS_TXT_COPY):
            self._release(request.url)

    def _release(self, url: str) -> None:
        for waiter in self.waiting.pop(url):
            waiter.callback(None)


class WarcCaptureMiddleware:
    """Writes every HTTP exchange to the run's WARC files and records it as a ``Capture``.

    It sits next to the downloader, where redirects, retries and decompression
    have not touched the response yet: a 302, a 503 that is retried, a gzipped
    body and robots.txt are archived as they came, not only what the spider sees.
    A response whose payload equals the first capture of its URL is written as
    a ``revisit`` record. A request that got no response at all (refused,
    timed out) has no WARC record: its ``Capture`` row has status 0 and the
    error, and the run counts it.
    """

    def __init__(self, crawler: Crawler, context: CrawlContext) -> None:
        self.context = context
        self.store = context.store
        self.max_bytes = crawler.settings.getint("PORTAL_WARC_MAX_BYTES")
        # Workers of one run write side by side, each into files of its own.
        self.worker = "" if context.worker == MAIN_WORKER else context.worker
        self.writer: WarcWriter | None = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, crawl_context(crawler))

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get(ROBOTS_TXT_COPY):
            return response
        exchange = http_exchange(request, response)
        digest = payload_digest(exchange.body)
        revisit = self.store.earlier_capture(exchange.url, digest)
        location = self._writer().write(exchange, revisit)
        record = CaptureRecord(
            url=request.url,
            final_url=response.url,
            status=response.status,
            headers=dict(exchange.response_headers),
            body=exchange.body,
            fetched_at=exchange.fetched_at,
            warc=location,
        )
        request.meta["capture_id"] = self._record(record)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, IgnoreRequest):
            return
        record = CaptureRecord(
            url=request.url,
            final_url=request.url,
            status=0,
            headers={},
            body=b"",
            error=f"{type(exception).__name__}: {exception}",
        )
        self._record(record)

    def spider_closed(self) -> None:
        if self.writer is not None:
            self.writer.close()

    def _record(self, record: CaptureRecord) -> int:
        return self.store.record_capture(self.context.run_id, self.context.site_id, record)

    def _writer(self) -> WarcWriter:
        if self.writer is None:
            self.writer = WarcWriter(
                self.context.data_dir.warc_dir,
                run_id=self.context.run_id,
                site_key=self.context.site.key,
                worker=self.worker,
                max_bytes=self.max_bytes,
            )
        return self.writer


def http_exchange(request: Request, response: Response) -> HttpExchange:
    """The exchange as WARC records need it; header values joined as on the wire."""
    return HttpExchange(
        url=request.url,
        method=request.method,
        request_headers=_decoded_headers(request.headers),
        status=response.status,
        response_headers=_decoded_headers(response.headers),
        body=response.body,
        fetched_at=utcnow(),
        protocol=response.protocol or "HTTP/1.1",
        ip_address=str(response.ip_address) if response.ip_address else None,
    )


def _decoded_headers(headers: Headers) -> dict[str, str]:
    return {
        key.decode("latin-1"): b", ".join(values).decode("latin-1")
        for key, values in headers.items()
    }
