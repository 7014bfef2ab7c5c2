"""One crawl run shared by several worker processes, on one machine or many, through Redis.

scrapy-redis keeps each site's request queue and duplicate filter in Redis, so
every worker crawling the run takes its next request from the same queue and
never fetches what another already scheduled; PostgreSQL (or any database the
workers share) is the archive. Three things are added to scrapy-redis:

- **A job.** ``portal-archive crawl --workers N --redis URL`` publishes the run
  (its id, its sites config, the command line's settings) under ``JOB_KEY``;
  ``portal-archive worker --redis URL``, here or on another machine, reads it
  and crawls the run's sites until their queues are empty.
- **Requests nobody loses.** A request taken from a queue is moved, in the same
  Redis script, into the taking worker's *processing* hash, and deleted from it
  only once everything its response produced is safe (the frontier's "done",
  ``crawler.frontier.FrontierMiddleware``). A worker announces itself with a
  heartbeat key that expires; the requests of a worker whose heartbeat is gone
  (killed, or its machine lost) go back to the queue, so the others fetch them.
- **No early stop.** A worker whose queue is empty stays while a request of its
  site is still held by a live worker, since that page may yield more links.

The run's keys all start with ``portal-archive:run:ID:``, so finishing a run
deletes exactly its keys.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Self

import redis
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.settings import BaseSettings, Settings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from archive.db import masked_url
from archive.errors import ServiceError
from archive.frontier import FrontierEntry
from crawler.context import crawl_context
from crawler.frontier import FINGERPRINT

logger = logging.getLogger(__name__)

JOB_KEY = "portal-archive:job"
# A worker that has not renewed its heartbeat for this long is taken for dead.
HEARTBEAT_TTL_S = 15
HEARTBEAT_EVERY_S = 3.0

# Takes the first request of a site's queue into the worker's processing hash, atomically,
# so that a worker killed between the two steps cannot lose it.
_TAKE = """
local taken = redis.call('ZRANGE', KEYS[1], 0, 0)
if #taken == 0 then return false end
redis.call('ZREM', KEYS[1], taken[1])
redis.call('HSET', KEYS[2], redis.sha1hex(taken[1]), taken[1])
return taken[1]
"""
# Puts every request a worker held back into the queue, then forgets the hash.
_GIVE_BACK = """
local held = redis.call('HVALS', KEYS[1])
for _, request in ipairs(held) do redis.call('ZADD', KEYS[2], 0, request) end
redis.call('DEL', KEYS[1])
return #held
"""


def connect(url: str) -> redis.Redis:
    """A client of the Redis at ``url``, checked now so that a wrong URL fails at once."""
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=10, socket_timeout=30)
        client.ping()
    except (redis.RedisError, ValueError) as exc:
        raise ServiceError(f"cannot use Redis at {masked_url(url)}: {exc}") from exc
    return client


def worker_name() -> str:
    """This process's name among the workers: host and process id, fit for a file name."""
    host = re.sub(r"[^A-Za-z0-9]+", "-", socket.gethostname()).strip("-") or "host"
    return f"{host}-{os.getpid()}"


@dataclass(frozen=True)
class CrawlJob:
    """A crawl run offered to workers: which run, the sites config they read it with, and
    the settings of the command line that started it."""

    run_id: int
    site_keys: list[str]
    config_text: str
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def keys(self) -> RunKeys:
        return RunKeys(self.run_id)

    def to_json(self) -> str:
        return json.dumps(
            {
                "run_id": self.run_id,
                "site_keys": self.site_keys,
                "config_text": self.config_text,
                "settings": self.settings,
            }
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> Self:
        values = json.loads(text)
        return cls(values["run_id"], values["site_keys"], values["config_text"], values["settings"])


@dataclass(frozen=True)
class RunKeys:
    """The Redis keys of one run."""

    run_id: int

    @property
    def prefix(self) -> str:
        return f"portal-archive:run:{self.run_id}:"

    def queue(self, site_key: str) -> str:
        return f"{self.prefix}{site_key}:requests"

    def seen(self, site_key: str) -> str:
        return f"{self.prefix}{site_key}:seen"

    def processing(self, site_key: str, worker: str) -> str:
        return f"{self.prefix}{site_key}:processing:{worker}"

    def heartbeat(self, worker: str) -> str:
        return f"{self.prefix}alive:{worker}"

    def held(self, site_key: str = "*") -> str:
        """The pattern of the processing hashes of ``site_key`` (of every site by default)."""
        return self.processing(site_key, "*")

    def holder(self, processing: str) -> tuple[str, str]:
        """The site and the worker whose processing hash ``processing`` is."""
        site_key, _, worker = processing.removeprefix(self.prefix).partition(":processing:")
        return site_key, worker


def publish_job(client: redis.Redis, job: CrawlJob) -> None:
    client.set(JOB_KEY, job.to_json())


def current_job(client: redis.Redis) -> CrawlJob | None:
    text = client.get(JOB_KEY)
    return CrawlJob.from_json(text) if text else None


def end_job(client: redis.Redis, job: CrawlJob) -> None:
    """Withdraws the job and deletes every key of its run."""
    if current_job(client) == job:
        client.delete(JOB_KEY)
    keys = list(client.scan_iter(match=f"{job.keys.prefix}*", count=1000))
    if keys:
        client.delete(*keys)


def join_job(settings: Settings, redis_url: str, job: CrawlJob, worker: str) -> None:
    """Makes the crawlers of ``settings`` workers of ``job``."""
    extensions = settings.getdict("EXTENSIONS") | {"crawler.distributed.WorkerExtension": 500}
    values = {
        "SCHEDULER": "crawler.distributed.SiteScheduler",
        "SCHEDULER_QUEUE_CLASS": "crawler.distributed.HeldQueue",
        # The run's queues outlive each worker: that is what lets the others go on.
        "SCHEDULER_PERSIST": True,
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "REDIS_URL": redis_url,
        "EXTENSIONS": extensions,
        "PORTAL_REDIS_URL": redis_url,
        "PORTAL_RUN_ID": job.run_id,
        "PORTAL_WORKER_ID": worker,
        "PORTAL_DISTRIBUTED": True,
        # The crawl's coordinator (or `portal-archive indexer`) is the one indexer.
        "PORTAL_INDEX_IN_CRAWL": False,
    }
    settings.update(values, priority="cmdline")


def worker_frontier(settings: BaseSettings, site_key: str) -> RedisFrontier:
    """The frontier of ``site_key`` in this worker of the run ``settings`` name."""
    presence = WorkerPresence(
        connect(settings.get("PORTAL_REDIS_URL")),
        RunKeys(settings.getint("PORTAL_RUN_ID")),
        site_key,
        settings.get("PORTAL_WORKER_ID"),
    )
    return RedisFrontier(presence)


def _run_keys(crawler: Crawler) -> RunKeys:
    return RunKeys(crawler.settings.getint("PORTAL_RUN_ID"))


class SiteScheduler(Scheduler):
    """scrapy-redis's scheduler with one queue and duplicate filter per site of the run.

    Every site is crawled by a spider of the same name, so the keys cannot come
    from scrapy-redis's ``%(spider)s`` templates; they come from the crawl's site.
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        scheduler = super().from_crawler(crawler)
        keys = _run_keys(crawler)
        site_key = crawl_context(crawler).site.key
        # Site keys are plain names (archive.sites), so scrapy-redis's formatting keeps them.
        scheduler.queue_key = keys.queue(site_key)
        scheduler.df = RFPDupeFilter(scheduler.server, key=keys.seen(site_key))
        return scheduler


class HeldQueue(PriorityQueue):
    """scrapy-redis's priority queue whose pop keeps the request, in the worker's processing
    hash, until the worker says the request is done."""

    def __init__(self, server: redis.Redis, spider: Spider, key: str, serializer: Any = None):
        super().__init__(server, spider, key, serializer)
        frontier = crawl_context(spider.crawler).frontier
        if not isinstance(frontier, RedisFrontier):
            raise TypeError("the held queue is the queue of a distributed crawl's workers")
        self.frontier = frontier
        self._take = server.register_script(_TAKE)

    def pop(self, timeout: int = 0) -> Request | None:
        taken = self._take(keys=[self.key, self.frontier.presence.processing])
        if not taken:
            return None
        request = self._decode_request(taken)
        if FINGERPRINT not in request.meta:
            # Scheduled by a component other than the frontier (none does today).
            fingerprinter = self.spider.crawler.request_fingerprinter
            request.meta[FINGERPRINT] = fingerprinter.fingerprint(request).hex()
        self.frontier.taken(request.meta[FINGERPRINT], hashlib.sha1(taken).hexdigest())
        return request


@dataclass(frozen=True)
class WorkerPresence:
    """What a worker tells the others through Redis: that it is alive, and which requests
    it finished."""

    client: redis.Redis
    keys: RunKeys
    site_key: str
    worker: str

    def beat(self) -> None:
        self.client.set(self.keys.heartbeat(self.worker), "1", ex=HEARTBEAT_TTL_S)

    def leave(self) -> None:
        self.client.delete(self.keys.heartbeat(self.worker))

    def done(self, entries: Iterable[str]) -> None:
        held = list(entries)
        if held:
            self.client.hdel(self.processing, *held)

    @property
    def processing(self) -> str:
        return self.keys.processing(self.site_key, self.worker)

    def work_left(self) -> int:
        """Requests of the site still queued or held by another live worker, once those of
        dead workers have been put back.

        Called when this worker is idle: nothing it took is in flight any more, so
        whatever its own hash still holds (a request another middleware dropped
        before its page could be done) is finished too.
        """
        self.client.delete(self.processing)
        give_back_abandoned(self.client, self.keys)
        return work_left(self.client, self.keys, [self.site_key])


@dataclass
class RedisFrontier:
    """The frontier of one site in a worker: the run's queue in Redis is the record of what
    is to be fetched, and its duplicate filter of what was seen, so there is nothing to
    record or replay here; a page done releases the queue entries it was taken under."""

    presence: WorkerPresence
    held: dict[str, set[str]] = field(default_factory=dict)

    def fingerprints(self, run_id: int, site_key: str) -> set[str]:
        return set()

    def pending(self, run_id: int, site_key: str) -> list[FrontierEntry]:
        return []

    def record(self, run_id: int, site_key: str, entries: Iterable[FrontierEntry]) -> None:
        """Nothing to do: the scheduler puts the requests in the run's queue."""

    def taken(self, fingerprint: str, entry: str) -> None:
        self.held.setdefault(fingerprint, set()).add(entry)

    def mark_done(self, run_id: int, site_key: str, fingerprint: str) -> None:
        self.presence.done(self.held.pop(fingerprint, ()))


def _processing_hashes(client: redis.Redis, keys: RunKeys, site_key: str = "*") -> list[str]:
    return [key.decode() for key in client.scan_iter(match=keys.held(site_key), count=1000)]


def give_back_abandoned(client: redis.Redis, keys: RunKeys) -> int:
    """Puts the requests held by workers without a heartbeat back in their sites' queues."""
    give_back = client.register_script(_GIVE_BACK)
    returned = 0
    for processing in _processing_hashes(client, keys):
        site_key, worker = keys.holder(processing)
        if client.exists(keys.heartbeat(worker)):
            continue
        count = give_back(keys=[processing, keys.queue(site_key)])
        if count:
            logger.warning("%s: %d requests of worker %s given back", site_key, count, worker)
        returned += count
    return returned


def work_left(client: redis.Redis, keys: RunKeys, site_keys: Iterable[str]) -> int:
    """Requests of these sites of the run still queued or held by any worker."""
    total = 0
    for site_key in site_keys:
        total += client.zcard(keys.queue(site_key))
        total += sum(client.hlen(held) for held in _processing_hashes(client, keys, site_key))
    return total


def held_by_live_workers(client: redis.Redis, keys: RunKeys) -> bool:
    """Whether a worker whose heartbeat has not expired yet holds requests."""
    return any(
        client.exists(keys.heartbeat(keys.holder(held)[1]))
        for held in _processing_hashes(client, keys)
    )


class WorkerExtension:
    """Keeps a worker's heartbeat, acknowledges the requests its frontier finishes, and keeps
    its spider open while other workers may still find work for it."""

    def __init__(self, presence: WorkerPresence) -> None:
        self.presence = presence
        self.task: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        frontier = crawl_context(crawler).frontier
        if not isinstance(frontier, RedisFrontier):
            # Not a worker of a distributed crawl; without a message, Scrapy says nothing.
            raise NotConfigured
        presence = frontier.presence
        extension = cls(presence)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        self.presence.beat()
        self.task = LoopingCall(self.presence.beat)
        self.task.start(HEARTBEAT_EVERY_S, now=False)

    def spider_idle(self) -> None:
        left = self.presence.work_left()
        if left:
            logger.debug("%s: %d requests left to other workers", self.presence.site_key, left)
            raise DontCloseSpider

    def spider_closed(self) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        self.presence.leave()


def wait_for_job(client: redis.Redis, poll_s: float = 1.0) -> CrawlJob:
    """The job offered now, or the next one offered."""
    while (job := current_job(client)) is None:
        time.sleep(poll_s)
    return job
