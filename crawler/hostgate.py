"""Politeness across sites and workers: one request at a time per host and per address.

Scrapy's download slots belong to one crawler, and each site of a crawl runs
in a crawler of its own, so sub-sites behind one server (``*.hatinh.gov.vn``,
or the testbed's ports of 127.0.0.1) would each get their own stream of
requests. Every request therefore passes a :class:`HostGate` shared by all the
crawlers of a process (:class:`LocalHostGate`), or by every worker process of
a distributed crawl (:class:`RedisHostGate`, selected by ``PORTAL_REDIS_URL``),
before it is downloaded.

A request holds its host's and its address's keys from just before it goes to
the downloader until its exchange is archived, so requests to one server never
overlap, whatever a site's ``concurrency`` allows its own crawler. The next
request to a key waits at least the delay from the end of the previous one (not
from its start): the archive's ``Capture.fetched_at`` is taken when a response
is archived, inside that holding time, so consecutive captures of one host are
never closer than the delay, however slow a response was. The price is that
archiving an exchange (its WARC record and ``Capture`` row) is part of the
host's turn: a slow database slows every site of the host.

The delay is the requesting crawler's current slot delay, so
``DOWNLOAD_DELAY``, a site's own ``[sites.KEY.crawl] delay``, AutoThrottle and
the robots.txt ``Crawl-delay`` keep setting it. The slot's random jitter is
left to Scrapy, which adds it within the crawler.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Protocol, Self
from uuid import uuid4

from redis import RedisError, StrictRedis
from scrapy import Request, signals
from scrapy.core.downloader import Downloader
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.error import DNSLookupError

from crawler.context import crawl_context

logger = logging.getLogger(__name__)

Delay = Callable[[], float]
Resolver = Callable[[str], Awaitable[str | None]]


@dataclass(frozen=True, eq=False)
class Lease:
    """The keys one request holds; ``token`` tells its holder apart in a shared store."""

    keys: frozenset[str]
    token: str = field(default_factory=lambda: uuid4().hex)


class HostGate(Protocol):
    async def acquire(self, keys: frozenset[str], delay: Delay) -> Lease:
        """Waits until no other request holds any of ``keys`` and ``delay()`` seconds have
        passed since the end of the last request that reached the server through them."""
        ...

    async def release(self, lease: Lease, *, fetched: bool) -> None:
        """Frees the keys; ``fetched``: the request reached the server, so the next one waits."""
        ...


@dataclass(eq=False)
class _Waiter:
    keys: frozenset[str]
    delay: Delay
    granted: asyncio.Future[None]


class LocalHostGate:
    """The gate of one process, shared by its crawlers: first come, first served per key."""

    def __init__(self) -> None:
        self._held: set[str] = set()
        self._ended: dict[str, float] = {}
        self._waiters: list[_Waiter] = []
        self._timer: asyncio.TimerHandle | None = None

    async def acquire(self, keys: frozenset[str], delay: Delay) -> Lease:
        waiter = _Waiter(keys, delay, asyncio.get_running_loop().create_future())
        self._waiters.append(waiter)
        self._grant()
        try:
            await waiter.granted
        except asyncio.CancelledError:
            self._withdraw(waiter)
            raise
        return Lease(keys)

    async def release(self, lease: Lease, *, fetched: bool) -> None:
        self._free(lease.keys, fetched=fetched)

    def _free(self, keys: frozenset[str], *, fetched: bool) -> None:
        self._held -= keys
        if fetched:
            now = asyncio.get_running_loop().time()
            self._ended.update(dict.fromkeys(keys, now))
        self._grant()

    def _withdraw(self, waiter: _Waiter) -> None:
        if waiter.granted.cancelled():
            self._grant()
        else:
            # Granted, but cancelled before it could run: nobody else will release it.
            self._free(waiter.keys, fetched=False)

    def _grant(self) -> None:
        """Grants every waiter that may go now, in order; a waiter that may not keeps its
        keys from the waiters behind it, so that no request overtakes an earlier one."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        blocked = set(self._held)
        wake = math.inf
        queued = []
        for waiter in self._waiters:
            if waiter.granted.cancelled():
                continue
            ready = math.inf if waiter.keys & blocked else self._ready_at(waiter)
            if ready <= now:
                self._held |= waiter.keys
                waiter.granted.set_result(None)
            else:
                wake = min(wake, ready)
                queued.append(waiter)
            blocked |= waiter.keys
        self._waiters = queued
        if self._timer is not None:
            self._timer.cancel()
        self._timer = loop.call_at(wake, self._grant) if wake < math.inf else None

    def _ready_at(self, waiter: _Waiter) -> float:
        ended = max(self._ended.get(key, -math.inf) for key in waiter.keys)
        return ended + waiter.delay()


# KEYS: the held keys, then as many ended keys. ARGV: token, holder TTL (ms), delay (µs).
# Returns 0 when granted, the microseconds left of the delay, or -1 while a key is held.
# The server's clock times every worker alike.
_ACQUIRE = """
local n = #KEYS / 2
for i = 1, n do
  if redis.call('EXISTS', KEYS[i]) == 1 then return -1 end
end
local clock = redis.call('TIME')
local now = clock[1] * 1000000 + clock[2]
local ready = 0
for i = n + 1, 2 * n do
  ready = math.max(ready, tonumber(redis.call('GET', KEYS[i]) or '0') + tonumber(ARGV[3]))
end
if now < ready then return ready - now end
for i = 1, n do redis.call('SET', KEYS[i], ARGV[1], 'PX', ARGV[2]) end
return 0
"""
# KEYS: as for acquiring. ARGV: token, 1 if the request reached the server, ended keys' TTL (ms).
# The time is written out in full: Lua would round a number to 14 digits.
_RELEASE = """
local n = #KEYS / 2
local clock = redis.call('TIME')
local now = clock[1] * 1000000 + clock[2]
for i = 1, n do
  if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]) end
  if ARGV[2] == '1' then
    redis.call('SET', KEYS[n + i], string.format('%.0f', now), 'PX', ARGV[3])
  end
end
"""
# KEYS: the held keys. ARGV: token, holder TTL (ms).
_RENEW = """
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
end
"""
# Longer than any delay a server may ask for; the key only saves memory once it is gone.
_ENDED_TTL_MS = 24 * 3600 * 1000


class RedisHostGate:
    """The gate shared by worker processes on any number of machines, in Redis (5 or later).

    A holder's keys expire ``ttl`` seconds after its last renewal (every third of
    the TTL while it holds them), so a killed worker blocks a host for at most
    that long. Within a process the requests queue at a :class:`LocalHostGate`
    first, so only the first of them polls Redis for its keys.
    """

    def __init__(
        self, client: StrictRedis, prefix: str, ttl: float = 30.0, poll: float = 0.05
    ) -> None:
        self._prefix = prefix
        self._ttl_ms = max(1, round(ttl * 1000))
        self._poll = poll
        self._queue = LocalHostGate()
        self._acquire = client.register_script(_ACQUIRE)
        self._release = client.register_script(_RELEASE)
        self._renew = client.register_script(_RENEW)
        self._renewals: dict[Lease, asyncio.Task[None]] = {}

    @classmethod
    def from_url(cls, url: str, prefix: str, ttl: float = 30.0) -> Self:
        return cls(StrictRedis.from_url(url), prefix, ttl)

    async def acquire(self, keys: frozenset[str], delay: Delay) -> Lease:
        lease = await self._queue.acquire(keys, _no_delay)
        try:
            while (wait := await self._try_acquire(lease, delay())) != 0:
                await asyncio.sleep(self._poll if wait < 0 else wait / 1_000_000)
        except BaseException:
            await self._queue.release(lease, fetched=False)
            raise
        self._renewals[lease] = asyncio.get_running_loop().create_task(self._keep(lease))
        return lease

    async def release(self, lease: Lease, *, fetched: bool) -> None:
        self._renewals.pop(lease).cancel()
        try:
            args = [lease.token, int(fetched), _ENDED_TTL_MS]
            await asyncio.to_thread(self._release, keys=self._keys(lease), args=args)
        finally:
            await self._queue.release(lease, fetched=False)

    async def _try_acquire(self, lease: Lease, delay: float) -> int:
        args = [lease.token, self._ttl_ms, math.ceil(delay * 1_000_000)]
        return int(await asyncio.to_thread(self._acquire, keys=self._keys(lease), args=args))

    async def _keep(self, lease: Lease) -> None:
        held = [self._held(key) for key in sorted(lease.keys)]
        while True:
            await asyncio.sleep(self._ttl_ms / 3000)
            try:
                await asyncio.to_thread(self._renew, keys=held, args=[lease.token, self._ttl_ms])
            except RedisError as error:
                logger.warning("could not renew the host gate's lease: %s", error)

    def _keys(self, lease: Lease) -> list[str]:
        ordered = sorted(lease.keys)
        return [self._held(key) for key in ordered] + [
            f"{self._prefix}ended:{key}" for key in ordered
        ]

    def _held(self, key: str) -> str:
        return f"{self._prefix}held:{key}"


def _no_delay() -> float:
    # Within a process the gate only queues; the delay is timed by Redis's clock.
    return 0.0


def host_gate_for(settings: BaseSettings) -> HostGate:
    """The gate a crawl process shares between its crawlers: in Redis when
    ``PORTAL_REDIS_URL`` is set, so that every worker of the crawl shares it too."""
    url = settings.get("PORTAL_REDIS_URL")
    if not url:
        return LocalHostGate()
    return RedisHostGate.from_url(
        url, settings.get("PORTAL_REDIS_PREFIX"), settings.getfloat("PORTAL_HOST_GATE_TTL")
    )


async def resolve_address(host: str) -> str | None:
    """The address ``host`` resolves to, through Scrapy's caching resolver; None if none."""
    # Imported here: importing the reactor at module level would install Twisted's default
    # reactor before Scrapy installs the asyncio one.
    from twisted.internet import reactor

    try:
        return await maybe_deferred_to_future(reactor.resolve(host))
    except DNSLookupError:
        return None


def new_slot_delay(downloader: Downloader, key: str) -> float:
    """The delay the downloader will give the slot ``key`` it has not made yet: the slot's
    ``DOWNLOAD_SLOTS`` delay, else the default that AutoThrottle sets to its start delay.

    Scrapy reads that default from ``Downloader._delay`` and offers no public way
    to it; tests/crawler/test_hostgate.py fails if the attribute changes.
    """
    return float(downloader.per_slot_settings.get(key, {}).get("delay", downloader._delay))


class HostGateMiddleware:
    """Holds each request at the crawl's :class:`HostGate` until its exchange is archived.

    It sits just outside ``WarcCaptureMiddleware``: a response, an error, a
    robots.txt copy or a request a middleware nearer the downloader drops all
    come back through ``process_response`` or ``process_exception`` here,
    before a retry or a redirect is made of them. Only a request that reached
    the downloader makes the next one wait; a copy answered without the server
    passes at once.
    """

    def __init__(self, crawler: Crawler, gate: HostGate, resolve: Resolver) -> None:
        self.crawler = crawler
        self.gate = gate
        self.resolve = resolve
        self.leases: dict[Request, Lease] = {}
        self.fetched: set[Request] = set()
        crawler.signals.connect(self.reached_downloader, signal=signals.request_reached_downloader)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("PORTAL_HOST_GATE"):
            raise NotConfigured("PORTAL_HOST_GATE is off")
        return cls(crawler, crawl_context(crawler).host_gate, resolve_address)

    async def process_request(self, request: Request) -> None:
        keys = await self.keys(request)
        self.leases[request] = await self.gate.acquire(keys, partial(self.delay, request))

    async def process_response(self, request: Request, response: Response) -> Response:
        await self.release(request)
        return response

    async def process_exception(self, request: Request, exception: Exception) -> None:
        await self.release(request)

    async def keys(self, request: Request) -> frozenset[str]:
        host = urlparse_cached(request).hostname or ""
        address = await self.resolve(host)
        return frozenset({f"host:{host}"} | ({f"ip:{address}"} if address else set()))

    def delay(self, request: Request) -> float:
        """The delay the crawler's download slot for ``request`` has now."""
        assert self.crawler.engine is not None
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        return slot.delay if slot is not None else new_slot_delay(downloader, key)

    def reached_downloader(self, request: Request) -> None:
        if request in self.leases:
            self.fetched.add(request)

    async def release(self, request: Request) -> None:
        lease = self.leases.pop(request, None)
        fetched = request in self.fetched
        self.fetched.discard(request)
        if lease is not None:
            await self.gate.release(lease, fetched=fetched)

    async def spider_closed(self) -> None:
        # Whatever a failing middleware kept from coming back must not hold other crawlers.
        for request in list(self.leases):
            await self.release(request)
