"""A crawl run shared by worker processes: the coordinator that offers it, and the workers.

``run_distributed_crawl`` (``portal-archive crawl --workers N --redis URL``)
starts or resumes the run in the shared archive, offers it as a job in Redis
(crawler/distributed.py), starts N local workers, and is the run's one indexer
while they crawl: workers only queue the articles to index, since Whoosh has
one writer. ``run_worker`` (``portal-archive worker --redis URL``, on any
machine that reaches the database and Redis) crawls every site of the job with
one crawler each until no site has work left.

Killing a worker loses nothing: the requests it held go back to the queues
once its heartbeat expires, and the others fetch them. Killing the
coordinator leaves the run "running" in the database and its queues in
Redis; the same command starts it again, and it resumes.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from redis import Redis
from scrapy.crawler import CrawlerProcess

from archive.datadir import DB_ENV, DataDir
from archive.db import open_archive
from archive.runs import CrawlRuns
from archive.sites import SiteConfig
from crawler.distributed import (
    CrawlJob,
    connect,
    end_job,
    give_back_abandoned,
    held_by_live_workers,
    join_job,
    publish_job,
    work_left,
)
from crawler.frontier import repair_run_warcs
from crawler.locks import crawl_lock
from crawler.runner import CrawlOutcome, add_site_crawlers, crawl_settings, outcome_of, run_status
from search.indexer import ArticleIndex
from search.indexqueue import DRAIN_BATCH, QueueIndexer

logger = logging.getLogger(__name__)

# How often the coordinator indexes what the workers queued.
INDEX_EVERY_S = 2.0
# Given to local workers in their environment, not their command line: the URLs may hold a
# password, which a command line shows to every user of the machine.
REDIS_ENV = "PORTAL_REDIS_URL"


def run_worker(data_dir: DataDir, job: CrawlJob, redis_url: str, worker: str) -> str:
    """Crawls the job's sites as one of its workers; the status of this worker's part."""
    data_dir.create()
    config_path = data_dir.root / f"job-{job.run_id}-{worker}.toml"
    config_path.write_text(job.config_text, encoding="utf-8")
    try:
        settings = crawl_settings(data_dir, config_path, job.run_id, job.settings)
        join_job(settings, redis_url, job, worker)
        process = CrawlerProcess(settings)
        logging.getLogger("scrapy").setLevel(settings.get("LOG_LEVEL"))
        crawlers = add_site_crawlers(process, job.site_keys, config_path)
        process.start()
        return run_status(crawlers, resumed=True)
    finally:
        config_path.unlink(missing_ok=True)


def run_distributed_crawl(
    data_dir: DataDir,
    config_path: Path,
    sites: list[SiteConfig],
    overrides: Mapping[str, Any],
    workers: int,
    redis_url: str,
) -> CrawlOutcome:
    """Crawls ``sites`` with ``workers`` local worker processes (and any started elsewhere),
    indexing what they archive, until no site has work left or every worker has stopped."""
    data_dir.create()
    keys = [site.key for site in sites]
    with crawl_lock(data_dir.jobs_dir, keys):
        archive = open_archive(data_dir.db_url)
        runs = CrawlRuns(archive)
        # Not `resume_run`: workers of a killed coordinator may still be writing their WARC
        # files; they are repaired once the run's workers are done.
        run_id = runs.resumable(keys)
        if run_id is None:
            run_id = runs.start(keys)
        else:
            runs.reopen(run_id)
        job = CrawlJob(run_id, keys, config_path.read_text(encoding="utf-8"), dict(overrides))
        client = connect(redis_url)
        publish_job(client, job)
        indexer = QueueIndexer(archive, ArticleIndex(data_dir.index_dir))
        left = _crawl_in_rounds(client, job, indexer, data_dir, workers, redis_url)
        status = "interrupted" if left else "finished"
        if left:
            logger.warning("crawl %d: %d requests left for a later run of it", run_id, left)
        # A worker killed in this run may have left a torn record too.
        repair_run_warcs(archive, data_dir, run_id, keys)
        runs.finish(run_id, status)
        if status == "finished":
            end_job(client, job)
        indexer.drain()
        return outcome_of(archive, data_dir.index_dir, run_id)


def _crawl_in_rounds(
    client: Redis,
    job: CrawlJob,
    indexer: QueueIndexer,
    data_dir: DataDir,
    workers: int,
    redis_url: str,
) -> int:
    """Starts the local workers again while the run has work left that they can get further
    with; the requests left when it stops (Ctrl-C, or a round that got no further)."""
    left: int | None = None
    while True:
        interrupted = _crawl_with_workers(indexer, data_dir, workers, redis_url)
        # Workers elsewhere may still be crawling, and what a killed worker held goes back to
        # the queues only once its heartbeat has expired.
        while not interrupted and held_by_live_workers(client, job.keys):
            _index_or_wait(indexer)
        give_back_abandoned(client, job.keys)
        previously, left = left, work_left(client, job.keys, job.site_keys)
        if interrupted or not left or left == previously:
            return left
        # A worker died, and the sites its requests belong to were done by the others.
        logger.warning("crawl %d: %d requests given back, crawled again", job.run_id, left)


def _index_or_wait(indexer: QueueIndexer) -> None:
    if indexer.index_batch() < DRAIN_BATCH:
        time.sleep(INDEX_EVERY_S)


def _crawl_with_workers(
    indexer: QueueIndexer, data_dir: DataDir, workers: int, redis_url: str
) -> bool:
    """Starts the local workers and indexes while they run; whether Ctrl-C stopped them."""
    environment = {**os.environ, DB_ENV: data_dir.db_url, REDIS_ENV: redis_url}
    command = [sys.executable, "-m", "portal_archive", "--data", str(data_dir.root), "worker"]
    started = [subprocess.Popen(command, env=environment) for _ in range(workers)]
    interrupted = False
    try:
        while any(process.poll() is None for process in started):
            _index_or_wait(indexer)
    except KeyboardInterrupt:
        # Ctrl-C reached the workers too; each stops cleanly and the run is left to resume.
        logger.warning("stopping the workers")
        interrupted = True
    finally:
        for process in started:
            if process.poll() is None:
                process.terminate()
        codes = [process.wait() for process in started]
    if any(codes):
        logger.warning("workers exited with %s", codes)
    return interrupted
