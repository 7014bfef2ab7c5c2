"""The host gate: one request at a time per host and per address, the delay measured from the
end of the previous request, shared by the crawlers of a process and by worker processes."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request, Spider, signals
from scrapy.core.downloader import Downloader, Slot
from scrapy.core.engine import ExecutionEngine
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import HtmlResponse, Response
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler
from sqlalchemy import select
from twisted.internet.error import TimeoutError as DownloadTimeout

from archive.db import open_archive, sqlite_url
from archive.models import Capture
from crawler import settings as crawler_settings
from crawler.hostgate import (
    HostGate,
    HostGateMiddleware,
    LocalHostGate,
    RedisHostGate,
    new_slot_delay,
)
from crawler.spiders.portal import PortalSpider
from testbed import Testbed as Replica
from tests.helpers import run_cli, write_sites_config

HOST_A = frozenset({"host:a.example", "ip:10.0.0.1"})
# Another name of the same server.
HOST_B = frozenset({"host:b.example", "ip:10.0.0.1"})
ELSEWHERE = frozenset({"host:c.example", "ip:10.0.0.2"})
# Redis times the delay by its own clock, which may run a little apart from this one.
CLOCKS_APART = 0.005


def no_delay() -> float:
    return 0.0


def fixed(seconds: float) -> Callable[[], float]:
    return lambda: seconds


async def hold(
    gate: HostGate,
    keys: frozenset[str],
    log: list[tuple[str, float, float]],
    name: str,
    seconds: float = 0.02,
    delay: Callable[[], float] = no_delay,
) -> None:
    """Takes ``keys``, holds them ``seconds`` as a download would, and logs when."""
    lease = await gate.acquire(keys, delay)
    started = time.monotonic()
    await asyncio.sleep(seconds)
    ended = time.monotonic()
    await gate.release(lease, fetched=True)
    log.append((name, started, ended))


def overlapping(log: list[tuple[str, float, float]]) -> bool:
    spans = sorted(log, key=lambda entry: entry[1])
    return any(later[1] < earlier[2] for earlier, later in pairwise(spans))


def gaps(log: list[tuple[str, float, float]]) -> list[float]:
    spans = sorted(log, key=lambda entry: entry[1])
    return [later[1] - earlier[2] for earlier, later in pairwise(spans)]


async def one_at_a_time_in_order(gate: HostGate) -> list[tuple[str, float, float]]:
    log: list[tuple[str, float, float]] = []
    tasks = []
    for name in "abcd":
        tasks.append(asyncio.create_task(hold(gate, HOST_A, log, name)))
        await asyncio.sleep(0.001)
    await asyncio.gather(*tasks)
    return log


async def spaced_by_delay(gate: HostGate, delay: float) -> list[tuple[str, float, float]]:
    log: list[tuple[str, float, float]] = []
    await asyncio.gather(
        *(hold(gate, HOST_A, log, name, delay=fixed(delay)) for name in "abc"),
        hold(gate, HOST_B, log, "same address", delay=fixed(delay)),
    )
    return log


# ----- the gate of one process ----------------------------------------------------------


def test_requests_to_one_host_go_one_at_a_time_in_arrival_order() -> None:
    log = asyncio.run(one_at_a_time_in_order(LocalHostGate()))
    assert [name for name, _, _ in sorted(log, key=lambda entry: entry[1])] == list("abcd")
    assert not overlapping(log)


def test_the_delay_runs_from_the_end_of_the_previous_request_to_the_host_or_address() -> None:
    log = asyncio.run(spaced_by_delay(LocalHostGate(), 0.1))
    assert not overlapping(log)
    assert min(gaps(log)) >= 0.1, gaps(log)


def test_other_servers_are_not_held_up() -> None:
    async def scenario() -> dict[str, float]:
        gate = LocalHostGate()
        log: list[tuple[str, float, float]] = []
        await asyncio.gather(
            hold(gate, HOST_A, log, "slow", seconds=0.2), hold(gate, ELSEWHERE, log, "other")
        )
        return {name: end for name, _, end in log}

    ended = asyncio.run(scenario())
    assert ended["other"] < ended["slow"]


def test_a_request_the_server_never_saw_does_not_delay_the_next() -> None:
    async def scenario() -> float:
        gate = LocalHostGate()
        lease = await gate.acquire(HOST_A, fixed(5.0))
        await gate.release(lease, fetched=False)
        started = time.monotonic()
        await gate.release(await gate.acquire(HOST_A, fixed(5.0)), fetched=True)
        return time.monotonic() - started

    assert asyncio.run(scenario()) < 1.0


def test_the_delay_is_read_when_the_request_may_go() -> None:
    """A slot's delay raised while a request waits (a Crawl-delay just read) holds it longer."""

    async def scenario() -> float:
        gate = LocalHostGate()
        delay = [0.05]
        lease = await gate.acquire(HOST_A, no_delay)
        waiting = asyncio.create_task(gate.acquire(HOST_A, lambda: delay[0]))
        await asyncio.sleep(0.01)
        delay[0] = 0.3
        released = time.monotonic()
        await gate.release(lease, fetched=True)
        await waiting
        return time.monotonic() - released

    assert asyncio.run(scenario()) >= 0.3


def test_a_waiter_cancelled_leaves_the_queue_and_a_later_one_goes() -> None:
    async def scenario() -> None:
        gate = LocalHostGate()
        lease = await gate.acquire(HOST_A, no_delay)
        cancelled = asyncio.create_task(gate.acquire(HOST_A, no_delay))
        later = asyncio.create_task(gate.acquire(HOST_A, no_delay))
        await asyncio.sleep(0.01)
        cancelled.cancel()
        await gate.release(lease, fetched=False)
        await asyncio.wait_for(later, 1.0)
        assert cancelled.cancelled()

    asyncio.run(scenario())


# ----- the middleware ---------------------------------------------------------------------

ONE, TWO = "http://127.0.0.1:8101/", "http://localhost:8102/"
LOOPBACK = frozenset({"host:127.0.0.1", "ip:127.0.0.1"})


@pytest.fixture
def two_sites(tmp_path: Path) -> dict[str, Any]:
    """Settings of a crawl of two sites of one server, under two names of its address."""
    config = write_sites_config(
        tmp_path / "sites.toml",
        {
            key: {"family": "portalfolder", "base_url": base, "start_urls": [base]}
            for key, base in (("one", ONE), ("two", TWO))
        },
    )
    return {
        "PORTAL_ARCHIVE_DATA": str(tmp_path / "data"),
        "PORTAL_SITES_CONFIG": str(config),
        "DOWNLOAD_DELAY": 0.2,
        "AUTOTHROTTLE_ENABLED": False,
        "DOWNLOAD_DELAY_JITTER": 0.0,
        # Scrapy's robots.txt middleware fetches through an open spider, which these lack.
        "ROBOTSTXT_OBEY": False,
    }


async def resolve(host: str) -> str | None:
    """The host's IPv4 address, resolved for real, as the reactor's resolver does in a crawl."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, None, family=socket.AF_INET)
    return str(infos[0][4][0]) if infos else None


# The project's settings for get_crawler, but its extensions and pipelines: they need the
# spider, which get_crawler makes only after them.
PROJECT = {
    name: getattr(crawler_settings, name)
    for name in dir(crawler_settings)
    if name.isupper() and name not in ("EXTENSIONS", "ITEM_PIPELINES")
}


def site_crawler(settings: dict[str, Any], site: str, gate: HostGate) -> Crawler:
    """A crawler of ``site`` with its spider and engine, as Scrapy makes them for a crawl."""
    project = Settings()
    project.setmodule("crawler.settings")
    project.update(settings)
    # The spider changes its crawler's settings, which get_crawler has frozen already.
    spider = PortalSpider.from_crawler(Crawler(PortalSpider, project), site=site, host_gate=gate)
    crawler = get_crawler(PortalSpider, {**PROJECT, **settings})
    crawler.spider, spider.crawler = spider, crawler
    crawler.engine = ExecutionEngine(crawler, lambda _: None)
    return crawler


def gate_middleware(crawler: Crawler) -> HostGateMiddleware:
    assert crawler.engine is not None
    [middleware] = [
        method.__self__
        for method in crawler.engine.downloader.middleware.methods["process_request"]
        if isinstance(getattr(method, "__self__", None), HostGateMiddleware)
    ]
    return middleware


Download = Callable[[Request], Awaitable[Response]]


def downloader_answering(crawler: Crawler, status: int = 200, **headers: str) -> Download:
    """Stands for Scrapy's downloader: announces the request as it does, then answers."""

    async def download(request: Request) -> Response:
        crawler.signals.send_catch_log(signals.request_reached_downloader, request=request)
        await asyncio.sleep(0.01)
        return HtmlResponse(
            request.url, status=status, headers=headers, body=b"<html></html>", request=request
        )

    return download


def downloader_failing(crawler: Crawler, error: Exception, reached: bool = True) -> Download:
    """Stands for Scrapy's downloader failing, or (``reached=False``) for a middleware nearer
    the downloader dropping the request."""

    async def download(request: Request) -> Response:
        if reached:
            crawler.signals.send_catch_log(signals.request_reached_downloader, request=request)
        raise error

    return download


async def through_middlewares(crawler: Crawler, request: Request, download: Download) -> Any:
    """The request through the crawl's real downloader middlewares, whatever comes of it."""
    assert crawler.engine is not None
    try:
        return await crawler.engine.downloader.middleware.download_async(download, request)
    except Exception as error:
        return error


async def is_free(gate: HostGate, keys: frozenset[str]) -> bool:
    try:
        lease = await asyncio.wait_for(gate.acquire(keys, no_delay), 0.5)
    except TimeoutError:
        return False
    await gate.release(lease, fetched=False)
    return True


def test_every_way_out_of_the_downloader_lets_the_host_go(two_sites: dict[str, Any]) -> None:
    async def scenario() -> dict[str, tuple[str, bool]]:
        gate = LocalHostGate()
        crawler = site_crawler(two_sites, "one", gate)
        gate_middleware(crawler).resolve = resolve
        outcomes = {
            "answered": downloader_answering(crawler),
            "retried": downloader_answering(crawler, 503),
            "redirected": downloader_answering(crawler, 302, Location="/elsewhere"),
            "timed out": downloader_failing(crawler, DownloadTimeout()),
            "dropped": downloader_failing(crawler, IgnoreRequest("dropped"), reached=False),
        }
        results = {}
        for outcome, download in outcomes.items():
            result = await through_middlewares(crawler, Request(f"{ONE}page"), download)
            results[outcome] = type(result).__name__, await is_free(gate, LOOPBACK)
        return results

    assert asyncio.run(scenario()) == {
        "answered": ("HtmlResponse", True),
        "retried": ("Request", True),
        "redirected": ("Request", True),
        "timed out": ("Request", True),
        "dropped": ("IgnoreRequest", True),
    }


def test_two_sites_of_one_host_take_turns_the_slot_delay_apart(two_sites: dict[str, Any]) -> None:
    async def scenario() -> list[tuple[str, float, float]]:
        gate = LocalHostGate()
        crawlers = [site_crawler(two_sites, site, gate) for site in ("one", "two")]
        log: list[tuple[str, float, float]] = []

        async def fetch(crawler: Crawler, url: str) -> None:
            download = downloader_answering(crawler)

            async def timed(request: Request) -> Response:
                started = time.monotonic()
                response = await download(request)
                log.append((url, started, time.monotonic()))
                return response

            await through_middlewares(crawler, Request(url), timed)

        for crawler in crawlers:
            gate_middleware(crawler).resolve = resolve
        await asyncio.gather(
            *(
                fetch(crawler, f"{base}{n}")
                for n in range(4)
                for crawler, base in zip(crawlers, (ONE, TWO), strict=True)
            )
        )
        return log

    log = asyncio.run(scenario())
    assert len(log) == 8
    assert not overlapping(log)
    assert min(gaps(log)) >= 0.2, gaps(log)


def test_the_gate_waits_the_delay_of_the_crawler_s_slot(two_sites: dict[str, Any]) -> None:
    """A site's own delay before its slot exists, then whatever AutoThrottle or a
    Crawl-delay makes of the slot's delay."""

    async def scenario() -> tuple[float, float]:
        settings = {**two_sites, "DOWNLOAD_SLOTS": {"127.0.0.1": {"delay": 0.7}}}
        crawler = site_crawler(settings, "one", LocalHostGate())
        middleware = gate_middleware(crawler)
        request = Request(ONE)
        before = middleware.delay(request)
        assert crawler.engine is not None
        # The slot made for the first request, its delay since raised by AutoThrottle.
        crawler.engine.downloader.slots["127.0.0.1"] = Slot(concurrency=1, delay=2.5, jitter=0)
        return before, middleware.delay(request)

    assert asyncio.run(scenario()) == (0.7, 2.5)


# ----- Scrapy's slot defaults ---------------------------------------------------------------


def test_the_delay_of_a_slot_not_made_yet_is_the_one_scrapy_gives_it() -> None:
    """``new_slot_delay`` reads a private attribute of Scrapy's downloader; this fails first
    when Scrapy changes how it makes a slot."""

    async def scenario() -> None:
        settings = {
            "DOWNLOAD_DELAY": 0.25,
            "AUTOTHROTTLE_ENABLED": True,
            "AUTOTHROTTLE_START_DELAY": 1.5,
            "DOWNLOAD_SLOTS": {"slow.example": {"delay": 4.0}},
        }
        crawler = get_crawler(Spider, settings)
        crawler.spider = Spider("probe")
        crawler.engine = ExecutionEngine(crawler, lambda _: None)
        AutoThrottle.from_crawler(crawler)
        crawler.signals.send_catch_log(signals.spider_opened, spider=crawler.spider)
        downloader: Downloader = crawler.engine.downloader
        for url in ("http://plain.example/", "http://slow.example/"):
            request = Request(url)
            key = downloader.get_slot_key(request)
            expected = new_slot_delay(downloader, key)
            # The private way the downloader makes a slot, called only here.
            _, slot = downloader._get_slot(request)
            assert slot.delay == expected
        assert new_slot_delay(downloader, "plain.example") == 1.5

    asyncio.run(scenario())


# ----- the gate of several workers, in Redis ---------------------------------------------------


def worker_gate(url: str, prefix: str = "test:hosts:", ttl: float = 5.0) -> RedisHostGate:
    return RedisHostGate.from_url(url, prefix, ttl)


@pytest.mark.redis
def test_workers_sharing_redis_go_one_at_a_time_in_turn(redis_url: str) -> None:
    async def scenario() -> list[tuple[str, float, float]]:
        first, second = worker_gate(redis_url), worker_gate(redis_url)
        log: list[tuple[str, float, float]] = []
        await asyncio.gather(
            *(
                hold(gate, HOST_A, log, f"{n}", delay=fixed(0.1))
                for n in range(3)
                for gate in (first, second)
            ),
            hold(second, HOST_B, log, "same address", delay=fixed(0.1)),
        )
        return log

    log = asyncio.run(scenario())
    assert len(log) == 7
    assert not overlapping(log)
    assert min(gaps(log)) >= 0.1 - CLOCKS_APART, gaps(log)


@pytest.mark.redis
def test_the_prefix_keeps_crawls_apart(redis_url: str) -> None:
    async def scenario() -> tuple[bool, bool]:
        holder = worker_gate(redis_url, "one:")
        lease = await holder.acquire(HOST_A, no_delay)
        free = (
            await is_free(worker_gate(redis_url, "one:"), HOST_A),
            await is_free(worker_gate(redis_url, "two:"), HOST_A),
        )
        await holder.release(lease, fetched=False)
        return free

    assert asyncio.run(scenario()) == (False, True)


HOLD_AND_DIE = """
import asyncio, sys, time
from crawler.hostgate import RedisHostGate
async def main():
    gate = RedisHostGate.from_url(sys.argv[1], "test:hosts:", ttl=0.5)
    await gate.acquire(frozenset(sys.argv[2:]), lambda: 0.0)
    print("held", flush=True)
    await asyncio.sleep(60)
asyncio.run(main())
"""


@pytest.mark.redis
def test_a_killed_worker_holds_its_host_only_until_its_ttl(redis_url: str) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_AND_DIE, redis_url, *sorted(HOST_A)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"

    async def scenario() -> tuple[bool, float]:
        gate = worker_gate(redis_url)
        # Alive, it renews its hold past the TTL.
        still_held = not await is_free(gate, HOST_A)
        holder.kill()
        holder.wait()
        killed = time.monotonic()
        await gate.release(await gate.acquire(HOST_A, no_delay), fetched=False)
        return still_held, time.monotonic() - killed

    still_held, waited = asyncio.run(scenario())
    assert still_held
    assert waited < 0.5 + 0.5


# ----- a crawl ----------------------------------------------------------------------------


def capture_times(data: Path) -> list[float]:
    archive = open_archive(sqlite_url(data / "archive.sqlite3"))
    with archive.sessions() as session:
        return sorted(
            capture.fetched_at.timestamp() for capture in session.scalars(select(Capture))
        )


@pytest.mark.e2e
def test_sites_of_one_host_crawled_together_are_never_closer_than_the_delay(
    tmp_path: Path,
) -> None:
    """Each site's turns come seconds apart, longer than the stall timeout: a request waiting
    its turn is no stall."""
    with Replica(articles=8, seed=1) as testbed:
        config = tmp_path / "sites.toml"
        testbed.write_sites(config)
        keys = [site.key for site in testbed.sites[:3]]
        result = run_cli(
            tmp_path / "data", "crawl", "--config", config, *keys, "--delay", "0.3",
            "-s", "DOWNLOAD_DELAY_JITTER=0", "-s", "PORTAL_STALL_TIMEOUT=2",
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    times = capture_times(tmp_path / "data")
    assert len(times) >= 20
    assert min(later - earlier for earlier, later in pairwise(times)) >= 0.3
