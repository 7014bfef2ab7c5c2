"""Resuming a crawl that was killed: the run's frontier, kept in the archive database.

Scrapy's JOBDIR only survives a clean stop. Here every request a run schedules
is recorded, per site, in ``frontier_request`` as pages produce it, and marked
done once everything its response produced is safe: the requests it found
recorded, its article or document stored. Running the same ``crawl`` command
again after a crash, a SIGKILL or Ctrl-C finds the run (still "running" with
no live process holding its lock, or "interrupted"), cuts a torn last record
off its newest WARC files, replays the pending requests instead of the start
pages and takes every recorded request for seen, so nothing done is fetched
again. A run that ends any other way deletes its frontier.
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, Self

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.dupefilters import RFPDupeFilter
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.request import request_from_dict
from sqlalchemy import select

from archive.datadir import DataDir
from archive.db import Archive
from archive.frontier import FrontierEntry, FrontierStore
from archive.models import Article, with_what_the_index_reads
from archive.runs import CrawlRuns
from archive.warc import last_written, repair_warc, run_warc_files
from crawler.context import Frontier, crawl_context
from crawler.pageoutput import PageOutputMiddleware
from search.indexer import ArticleIndex
from search.indexqueue import QueueIndexer

logger = logging.getLogger(__name__)

# Set on every recorded request (and kept through redirects and retries): its frontier row.
FINGERPRINT = "frontier_fingerprint"


def resume_run(archive: Archive, data_dir: DataDir, site_keys: list[str]) -> int | None:
    """Reopens the resumable run of these sites, its WARC files repaired and the articles it
    stored indexed; None if there is none."""
    runs = CrawlRuns(archive)
    run_id = runs.resumable(site_keys)
    if run_id is None:
        return None
    repair_run_warcs(archive, data_dir, run_id, site_keys)
    catch_up_index(archive, data_dir.index_dir)
    runs.reopen(run_id)
    return run_id


def repair_run_warcs(
    archive: Archive, data_dir: DataDir, run_id: int, site_keys: list[str]
) -> None:
    """Cuts a torn last record off the files the run's writers (one per site, or one per site
    and worker) were writing when they died, and forgets the captures it held; their pages
    become pending again."""
    frontier = FrontierStore(archive)
    for site_key in site_keys:
        for path in last_written(run_warc_files(data_dir.warc_dir, run_id, site_key)):
            kept = repair_warc(path)
            lost = frontier.drop_lost_captures(run_id, path.name, kept)
            if lost:
                logger.warning("%s: cut a torn record off, %d captures lost", path.name, lost)


def catch_up_index(archive: Archive, index_dir: Path) -> int:
    """Indexes the articles a killed crawl stored but had not indexed yet (their pages are
    done: they are not fetched again): what it left in the index queue, and any article whose
    indexed text is not the stored one (an archive older than the queue)."""
    index = ArticleIndex(index_dir)
    cleared = QueueIndexer(archive, index).drain()
    # An index nothing was committed to yet has no columns to read.
    indexed = index.indexed_hashes() if index.doc_count() else {}
    with archive.sessions() as session:
        stale = [
            article_id
            for article_id, digest in session.execute(select(Article.id, Article.content_hash))
            if indexed.get(str(article_id)) != digest
        ]
        selected = select(Article).where(Article.id.in_(stale))
        return cleared + index.add(session.scalars(with_what_the_index_reads(selected)))


def _run_id(settings: BaseSettings) -> int | None:
    return settings.getint("PORTAL_RUN_ID") or None


class FrontierMiddleware(PageOutputMiddleware):
    """Spider middleware: records the requests pages produce and marks each page done.

    It sits nearer the engine than the middlewares that drop requests (scope of
    incremental crawls, depth), so it records only what will be fetched, and
    nearer than HttpErrorMiddleware, so an error page counts as done too. When
    the run already has a frontier for the site, its pending requests replace
    the spider's start requests. A bare ``scrapy crawl`` (no ``PORTAL_RUN_ID``)
    is not resumable and does without.
    """

    def __init__(self, crawler: Crawler, frontier: Frontier, run_id: int) -> None:
        self.crawler = crawler
        self.frontier = frontier
        self.run_id = run_id
        self.recorded: set[str] = set()
        # A page's fingerprint → how many of its items the pipelines have not stored yet.
        self.unsettled: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        run_id = _run_id(crawler.settings)
        if run_id is None:
            raise NotConfigured("resuming needs the run of `portal-archive crawl`")
        middleware = cls(crawler, crawl_context(crawler).frontier, run_id)
        crawler.signals.connect(middleware.item_settled, signal=signals.item_scraped)
        # An item the pipelines dropped on purpose (unreadable page) would be dropped again.
        crawler.signals.connect(middleware.item_settled, signal=signals.item_dropped)
        crawler.signals.connect(middleware.item_failed, signal=signals.item_error)
        return middleware

    @property
    def site_key(self) -> str:
        return crawl_context(self.crawler).site.key

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        self.recorded = self.frontier.fingerprints(self.run_id, self.site_key)
        if self.recorded:
            for request in self._pending():
                yield request
            return
        async for output in start:
            if isinstance(output, Request):
                self._record([output])
            yield output

    def item_settled(self, item: Any, response: Response | None) -> None:
        fingerprint = response.meta.get(FINGERPRINT) if response is not None else None
        if fingerprint not in self.unsettled:
            return
        self.unsettled[fingerprint] -= 1
        if not self.unsettled[fingerprint]:
            del self.unsettled[fingerprint]
            self.frontier.mark_done(self.run_id, self.site_key, fingerprint)

    def item_failed(self, item: Any, response: Response | None) -> None:
        # The page stays pending: a resumed crawl fetches it again.
        if response is not None:
            self.unsettled.pop(response.meta.get(FINGERPRINT), None)

    def page_output(self, response: Response, outputs: list[Any]) -> Iterator[Any]:
        """Records the page's requests; the page is done now, or once its items are stored."""
        self._record([output for output in outputs if isinstance(output, Request)])
        fingerprint = response.meta.get(FINGERPRINT)
        items = sum(not isinstance(output, Request) for output in outputs)
        if fingerprint is not None:
            if items:
                self.unsettled[fingerprint] = self.unsettled.get(fingerprint, 0) + items
            elif fingerprint not in self.unsettled:
                self.frontier.mark_done(self.run_id, self.site_key, fingerprint)
        yield from outputs

    def _record(self, requests: list[Request]) -> None:
        fingerprinter = self.crawler.request_fingerprinter
        new = []
        for request in requests:
            fingerprint = fingerprinter.fingerprint(request).hex()
            request.meta[FINGERPRINT] = fingerprint
            if fingerprint not in self.recorded:
                self.recorded.add(fingerprint)
                serialized = request.to_dict(spider=self.crawler.spider)
                new.append(FrontierEntry(fingerprint, request.url, pickle.dumps(serialized)))
        if new:
            self.frontier.record(self.run_id, self.site_key, new)

    def _pending(self) -> Iterator[Request]:
        pending = self.frontier.pending(self.run_id, self.site_key)
        logger.info("%s: resuming with %d pending requests", self.site_key, len(pending))
        for entry in pending:
            serialized = pickle.loads(entry.request)
            # The duplicate filter takes every request of the frontier for seen.
            serialized["dont_filter"] = True
            request = request_from_dict(serialized, spider=self.crawler.spider)
            request.meta[FINGERPRINT] = entry.fingerprint
            yield request


class FrontierDupeFilter(RFPDupeFilter):
    """Scrapy's duplicate filter, which also takes every request of the run's frontier for seen:
    a resumed crawl fetches nothing it did (or already has pending) again."""

    frontier: frozenset[bytes] = frozenset()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        dupefilter = super().from_crawler(crawler)
        run_id = _run_id(crawler.settings)
        if run_id is not None:
            recorded = crawl_context(crawler).frontier.fingerprints(
                run_id, crawl_context(crawler).site.key
            )
            dupefilter.frontier = frozenset(bytes.fromhex(fingerprint) for fingerprint in recorded)
        return dupefilter

    def request_seen(self, request: Request) -> bool:
        return self.fingerprinter.fingerprint(request) in self.frontier or super().request_seen(
            request
        )
