"""Workers sharing a crawl run through Redis: requests held until done, given back when a
worker dies, no worker leaving while another may still find work."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider

from archive.datadir import DataDir
from archive.db import open_archive, open_archive_read_only
from archive.errors import ServiceError
from archive.runs import CrawlRuns
from archive.sites import write_sites
from archive.warc import warc_files
from bench.distributed import (
    crawl_command,
    kill_one_worker_when_stored,
    stored_articles,
    worker_environment,
    worker_pids,
)
from bench.resume import census
from crawler.context import crawl_context
from crawler.distributed import (
    CrawlJob,
    HeldQueue,
    RedisFrontier,
    WorkerExtension,
    WorkerPresence,
    connect,
    current_job,
    end_job,
    give_back_abandoned,
    join_job,
    publish_job,
    work_left,
)
from crawler.frontier import FINGERPRINT
from crawler.runner import crawl_settings
from crawler.spiders.portal import PortalSpider
from testbed import Testbed as Replica
from tests.helpers import CLI_TIMEOUT, STTTT, run_cli

SITE = STTTT.key
ARTICLES = 120


@pytest.fixture
def job(tmp_path: Path) -> CrawlJob:
    config = write_sites(tmp_path / "sites.toml", [STTTT])
    data_dir = DataDir.resolve(tmp_path / "data")
    data_dir.create()
    run_id = CrawlRuns(open_archive(data_dir.db_url)).start([SITE])
    return CrawlJob(run_id, [SITE], config.read_text(encoding="utf-8"), {})


def worker_crawler(tmp_path: Path, job: CrawlJob, redis_url: str, worker: str) -> Crawler:
    """A crawler of ``job``'s site as worker ``worker`` would run it, its spider created."""
    config = tmp_path / "sites.toml"
    settings = crawl_settings(DataDir.resolve(tmp_path / "data"), config, job.run_id, {})
    join_job(settings, redis_url, job, worker)
    crawler = Crawler(PortalSpider, settings)
    crawler.spider = PortalSpider.from_crawler(crawler, site=SITE, config=str(config))
    return crawler


def held_queue(crawler: Crawler, job: CrawlJob) -> HeldQueue:
    client = crawl_context(crawler).frontier.presence.client
    return HeldQueue(client, crawler.spider, job.keys.queue(SITE))


def frontier_of(crawler: Crawler) -> RedisFrontier:
    frontier = crawl_context(crawler).frontier
    assert isinstance(frontier, RedisFrontier)
    return frontier


def page(path: str) -> Request:
    return Request(f"{STTTT.base_url}{path}", meta={FINGERPRINT: path.encode().hex()})


def test_a_request_taken_is_held_by_its_worker_until_its_page_is_done(
    tmp_path: Path, job: CrawlJob, redis_url: str
) -> None:
    crawler = worker_crawler(tmp_path, job, redis_url, "w1")
    queue = held_queue(crawler, job)
    client = redis.Redis.from_url(redis_url)
    queue.push(page("a"))
    queue.push(page("b"))

    taken = queue.pop()

    assert taken is not None and len(queue) == 1
    assert client.hlen(job.keys.processing(SITE, "w1")) == 1
    frontier_of(crawler).mark_done(job.run_id, SITE, taken.meta[FINGERPRINT])
    assert client.hlen(job.keys.processing(SITE, "w1")) == 0
    assert work_left(client, job.keys, [SITE]) == 1


def test_the_requests_of_a_worker_without_heartbeat_go_back_to_the_queue(
    tmp_path: Path, job: CrawlJob, redis_url: str
) -> None:
    dead = worker_crawler(tmp_path, job, redis_url, "dead")
    alive = worker_crawler(tmp_path, job, redis_url, "alive")
    client = redis.Redis.from_url(redis_url)
    for presence in (frontier_of(dead).presence, frontier_of(alive).presence):
        presence.beat()
    dead_queue, alive_queue = held_queue(dead, job), held_queue(alive, job)
    for path in ("a", "b", "c"):
        dead_queue.push(page(path))
    assert dead_queue.pop() is not None and dead_queue.pop() is not None
    assert alive_queue.pop() is not None
    # Killed: its heartbeat expires.
    client.delete(job.keys.heartbeat("dead"))

    given_back = give_back_abandoned(client, job.keys)

    assert given_back == 2
    assert len(dead_queue) == 2
    assert client.hlen(job.keys.processing(SITE, "alive")) == 1
    assert work_left(client, job.keys, [SITE]) == 3
    urls = {request.url for request in (alive_queue.pop(), alive_queue.pop())}
    assert urls <= {f"{STTTT.base_url}{path}" for path in "abc"} and len(urls) == 2


def test_an_idle_worker_stays_while_a_live_worker_holds_work_of_its_site(
    tmp_path: Path, job: CrawlJob, redis_url: str
) -> None:
    idle = worker_crawler(tmp_path, job, redis_url, "idle")
    busy = worker_crawler(tmp_path, job, redis_url, "busy")
    busy_presence = frontier_of(busy).presence
    busy_presence.beat()
    busy_queue = held_queue(busy, job)
    busy_queue.push(page("a"))
    taken = busy_queue.pop()
    assert taken is not None
    extension = WorkerExtension.from_crawler(idle)

    with pytest.raises(DontCloseSpider):
        extension.spider_idle()
    frontier_of(busy).mark_done(job.run_id, SITE, taken.meta[FINGERPRINT])
    extension.spider_idle()


def test_an_idle_worker_forgets_what_it_still_holds(
    tmp_path: Path, job: CrawlJob, redis_url: str
) -> None:
    """Nothing is in flight when a worker is idle: a request it holds was dropped before its
    page could be done, and must not keep the others waiting."""
    crawler = worker_crawler(tmp_path, job, redis_url, "w1")
    presence: WorkerPresence = frontier_of(crawler).presence
    presence.beat()
    queue = held_queue(crawler, job)
    queue.push(page("a"))
    assert queue.pop() is not None

    assert presence.work_left() == 0


def test_a_job_is_offered_until_its_run_ends_and_then_leaves_no_key(
    job: CrawlJob, redis_url: str
) -> None:
    client = redis.Redis.from_url(redis_url)
    publish_job(client, job)
    client.set(job.keys.heartbeat("w1"), "1")

    assert current_job(client) == job
    end_job(client, job)
    assert current_job(client) is None
    assert client.keys("*") == []


def test_an_unreachable_redis_is_one_error_without_its_password() -> None:
    with pytest.raises(ServiceError) as raised:
        connect("redis://worker:s3cret@127.0.0.1:1/0")
    assert "s3cret" not in str(raised.value)
    assert "127.0.0.1:1" in str(raised.value)


@pytest.fixture(scope="module")
def testbed() -> Iterator[Replica]:
    with Replica(articles=ARTICLES, seed=4) as served:
        yield served


@dataclass(frozen=True)
class SharedCrawl:
    """`crawl --workers 2` of the testbed into a PostgreSQL archive, its queues in Redis."""

    data: Path
    command: list[str]
    environment: dict[str, str]


@pytest.fixture
def shared_crawl(
    testbed: Replica, postgres_url: str, redis_url: str, tmp_path: Path
) -> SharedCrawl:
    config = tmp_path / "sites.toml"
    testbed.write_sites(config)
    data = tmp_path / "data"
    command = crawl_command(data, config, workers=2)
    return SharedCrawl(data, command, worker_environment(postgres_url, redis_url))


@pytest.mark.e2e
def test_two_workers_one_of_them_killed_archive_exactly_the_gold_once(
    testbed: Replica, shared_crawl: SharedCrawl, postgres_url: str, tmp_path: Path
) -> None:
    data, command, environment = shared_crawl.data, shared_crawl.command, shared_crawl.environment
    with (tmp_path / "crawl.log").open("ab") as log:
        coordinator = subprocess.Popen(command, stdout=log, stderr=log, env=environment)
        killed = kill_one_worker_when_stored(coordinator, postgres_url, ARTICLES // 4)
        assert coordinator.wait(timeout=CLI_TIMEOUT) == 0, (tmp_path / "crawl.log").read_text()
    assert killed

    figures = census(open_archive_read_only(postgres_url), testbed.gold())
    assert (figures.archived, figures.missing, figures.unexpected) == (ARTICLES, 0, 0)
    assert figures.extra_versions == 0
    # Each worker wrote files of its own.
    writers = {path.name.rsplit("-", 1)[0] for path in warc_files(data / "warc")}
    assert len(writers) >= 2
    verified = run_cli(data, "--db", postgres_url, "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    found = run_cli(data, "--db", postgres_url, "search", testbed.gold()[0]["title"], "--json")
    assert found.returncode == 0 and testbed.gold()[0]["title"] in found.stdout
    again = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    assert again.returncode == 0, again.stderr
    assert census(open_archive_read_only(postgres_url), testbed.gold()) == figures


def wait_for_exit(pids: list[int], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(Path(f"/proc/{pid}").exists() for pid in pids):
            return True
        time.sleep(0.2)
    return False


@pytest.mark.e2e
def test_the_same_command_resumes_a_run_whose_coordinator_was_killed(
    testbed: Replica, shared_crawl: SharedCrawl, postgres_url: str
) -> None:
    data, command, environment = shared_crawl.data, shared_crawl.command, shared_crawl.environment
    coordinator = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment
    )
    while stored_articles(postgres_url) < ARTICLES // 4:
        assert coordinator.poll() is None
        time.sleep(0.1)
    orphans = worker_pids(coordinator)
    coordinator.kill()
    coordinator.wait()

    resumed = subprocess.run(
        command, capture_output=True, text=True, env=environment, timeout=CLI_TIMEOUT
    )

    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.splitlines()[0] == "crawl 1: finished"
    assert wait_for_exit(orphans, timeout=60)
    figures = census(open_archive_read_only(postgres_url), testbed.gold())
    assert (figures.archived, figures.missing, figures.unexpected) == (ARTICLES, 0, 0)
    assert figures.extra_versions == 0
    indexed = run_cli(data, "--db", postgres_url, "verify")
    assert indexed.returncode == 0, indexed.stdout + indexed.stderr


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        (("worker",), "Error: worker needs --redis URL"),
        (("worker", "--redis", "redis://u:s3cret@127.0.0.1:1/0"), "Error: cannot use Redis at"),
        (("crawl", "--workers", "2"), "Error: --workers needs --redis URL"),
    ],
)
def test_a_worker_or_crawl_without_its_redis_is_one_error_line(
    tmp_path: Path, arguments: tuple[str, ...], error: str
) -> None:
    result = run_cli(tmp_path / "data", *arguments)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith(error) and "s3cret" not in result.stderr
    assert not (tmp_path / "data").exists()
