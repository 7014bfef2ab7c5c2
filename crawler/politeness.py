"""Politeness towards small government servers: robots.txt ``Crawl-delay``, ``Retry-After``,
and a watchdog that stops a crawl which makes no progress.

Scrapy's download slots are keyed by hostname without the port, so every site
served from one host (the testbed's ports of 127.0.0.1, or a portal's sub-sites
behind one address) shares a slot within a crawler; each site runs in its own
crawler, so a slot here is always the slot of one site's host.
"""

from __future__ import annotations

import asyncio
import logging
import time
from email.utils import parsedate_to_datetime
from typing import Self

from scrapy import Request, Spider, signals
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.settings import BaseSettings, Settings
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.task import LoopingCall

from archive.sites import CrawlPolicy

logger = logging.getLogger(__name__)

STALLED = "stalled"
# Sent by StallWatchdog when it gives up on the downloads in flight.
stall_detected = object()


def apply_crawl_policy(policy: CrawlPolicy, settings: Settings) -> None:
    """Puts a site's ``[sites.KEY.crawl]`` table into its crawler's settings.

    They are set at command-line priority: a site's own table is more specific
    than the crawl-wide ``--delay`` and ``-s`` values, so it wins over them.
    """
    values: dict[str, object] = {}
    if policy.delay is not None:
        # AutoThrottle starts from its own delay; a slower site must start slow too.
        values |= {"DOWNLOAD_DELAY": policy.delay, "AUTOTHROTTLE_START_DELAY": policy.delay}
    if policy.concurrency is not None:
        values["CONCURRENT_REQUESTS_PER_DOMAIN"] = policy.concurrency
    if policy.user_agent is not None:
        values["USER_AGENT"] = policy.user_agent
    if policy.contact is not None:
        values["PORTAL_CONTACT"] = policy.contact
    if policy.obey_robots is not None:
        values["ROBOTSTXT_OBEY"] = policy.obey_robots
    settings.update(values, priority="cmdline")


def user_agent(settings: BaseSettings) -> str:
    """``USER_AGENT`` with ``PORTAL_CONTACT`` added inside its comment, so a webmaster who
    sees the crawler in a log knows whom to write to."""
    agent: str = settings.get("USER_AGENT", "")
    contact = settings.get("PORTAL_CONTACT")
    if not contact:
        return agent
    if agent.endswith(")"):
        return f"{agent[:-1]}; {contact})"
    return f"{agent} ({contact})"


class CrawlDelay:
    """Keeps each download slot's delay at least the ``Crawl-delay`` its robots.txt asks for.

    AutoThrottle lowers a slot's delay down to ``DOWNLOAD_DELAY`` after fast
    responses; this extension runs after it on every response and raises the
    delay back to the robots.txt floor.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.user_agent = crawler.settings.get("USER_AGENT", "")
        self.floors: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(crawler)
        crawler.signals.connect(extension.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(extension.response_downloaded, signal=signals.response_downloaded)
        return extension

    def robots_parsed(self, robotparser: RobotParser, request: Request) -> None:
        delay = robotparser.crawl_delay(self.user_agent)
        if not delay:
            return
        # Slots are keyed by hostname, so the floor covers every port of the host.
        host = urlparse_cached(request).hostname or ""
        self.floors[host] = float(delay)
        assert self.crawler.stats is not None
        self.crawler.stats.set_value(f"politeness/crawl_delay/{host}", float(delay))
        logger.info("%s asks for a Crawl-delay of %s s", host, delay)
        self.enforce(request.meta.get("download_slot", host))

    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        self.enforce(request.meta.get("download_slot"))

    def enforce(self, key: str | None) -> None:
        floor = self.floors.get(key or "")
        assert self.crawler.engine is not None
        slot = self.crawler.engine.downloader.slots.get(key or "")
        if floor is None or slot is None:
            return
        slot.delay = max(slot.delay, floor)
        # The default jitter (±50 %) would go under the rate the site asked for.
        slot.jitter = 0.0


def retry_after_seconds(value: bytes | None, now: float) -> float | None:
    """The wait a ``Retry-After`` header asks for (seconds or an HTTP date), or None."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        return max(0.0, parsedate_to_datetime(text).timestamp() - now)
    except (TypeError, ValueError):
        return None


class RetryAfterMiddleware:
    """Answers a 429 or 503 that carries ``Retry-After`` by pausing the host's download slot
    for that long (at most ``PORTAL_RETRY_AFTER_MAX`` seconds) and retrying the request.

    Retries are counted by Scrapy's retry machinery (``RETRY_TIMES``); such a
    response without ``Retry-After`` is left to ``RetryMiddleware`` and its
    normal retries.
    """

    STATUSES = (429, 503)

    def __init__(self, crawler: Crawler, max_wait: float) -> None:
        self.crawler = crawler
        self.max_wait = max_wait

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, crawler.settings.getfloat("PORTAL_RETRY_AFTER_MAX"))

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in self.STATUSES or request.meta.get("dont_retry"):
            return response
        wait = retry_after_seconds(response.headers.get("Retry-After"), time.time())
        if wait is None:
            return response
        assert self.crawler.spider is not None
        retry = get_retry_request(
            request, spider=self.crawler.spider, reason=f"HTTP {response.status} Retry-After"
        )
        if retry is None:
            return response
        self.pause_slot(request.meta.get("download_slot"), min(wait, self.max_wait))
        return retry

    def pause_slot(self, key: str | None, seconds: float) -> None:
        assert self.crawler.engine is not None and self.crawler.stats is not None
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(key or "")
        if slot is None:
            return
        self.crawler.stats.inc_value("politeness/retry_after_pauses")
        logger.info("pausing %s for %.1f s as its Retry-After asks", key, seconds)
        # The downloader holds a slot's queue while the slot has a pending call;
        # replacing that call holds every request to the host, not only the retry.
        if slot.latercall is not None:
            slot.latercall.cancel()
        slot.latercall = call_later(seconds, downloader._latercall, slot)


class DownloadAborted(IOError):
    """A download in flight when the crawl stalled, aborted so the spider can close."""


class AbortableDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP(S) download handler, with the downloads in flight abortable on
    ``stall_detected``: a spider only closes once every download has ended, which a
    server that accepts and never answers would delay until ``DOWNLOAD_TIMEOUT``."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.in_flight: set[asyncio.Future[Response]] = set()
        self.aborted = False
        crawler.signals.connect(self.abort_all, signal=stall_detected)

    async def download_request(self, request: Request) -> Response:
        download = asyncio.ensure_future(super().download_request(request))
        self.in_flight.add(download)
        try:
            return await download
        except asyncio.CancelledError:
            if not self.aborted:
                raise
            raise DownloadAborted(f"no response from {request.url}; the crawl stalled") from None
        finally:
            self.in_flight.discard(download)

    def abort_all(self) -> None:
        self.aborted = True
        for download in self.in_flight:
            download.cancel()


class StallWatchdog:
    """Closes the spider with reason ``stalled`` when downloads are in flight but no response
    has arrived, nor a download started, for ``PORTAL_STALL_TIMEOUT`` seconds (0 turns the
    watchdog off)."""

    def __init__(self, crawler: Crawler, timeout: float) -> None:
        self.crawler = crawler
        self.timeout = timeout
        self.last_progress = time.monotonic()
        self.task: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        watchdog = cls(crawler, crawler.settings.getfloat("PORTAL_STALL_TIMEOUT"))
        if watchdog.timeout > 0:
            crawler.signals.connect(watchdog.spider_opened, signal=signals.spider_opened)
            crawler.signals.connect(watchdog.progressed, signal=signals.response_received)
            # A request the host gate let through after a long wait starts now.
            crawler.signals.connect(watchdog.progressed, signal=signals.request_reached_downloader)
            crawler.signals.connect(watchdog.spider_closed, signal=signals.spider_closed)
        return watchdog

    def spider_opened(self, spider: Spider) -> None:
        self.last_progress = time.monotonic()
        self.task = LoopingCall(self.check)
        self.task.start(min(self.timeout / 4, 5.0), now=False)

    def progressed(self) -> None:
        self.last_progress = time.monotonic()

    def check(self) -> None:
        engine = self.crawler.engine
        assert engine is not None
        idle = time.monotonic() - self.last_progress
        slots = engine.downloader.slots.values()
        # A paused slot (Retry-After, Crawl-delay) is waiting on purpose, not stalled; so are
        # requests waiting their turn at the host gate (crawler/hostgate.py), not downloading.
        waiting = any(slot.latercall is not None for slot in slots)
        downloading = any(slot.transferring for slot in slots)
        if idle < self.timeout or waiting or not downloading:
            return
        logger.warning("no response for %.0f s with requests pending: stopping", idle)
        assert self.crawler.stats is not None
        self.crawler.stats.set_value("politeness/stalled_after", round(idle, 1))
        if self.task is not None and self.task.running:
            self.task.stop()
        self.crawler.signals.send_catch_log(stall_detected)
        deferred_from_coro(engine.close_spider_async(reason=STALLED))

    def spider_closed(self) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
