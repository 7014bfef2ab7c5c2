"""Item pipelines: extract and store each article page and document, then index what changed."""

from __future__ import annotations

import logging
from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from sqlalchemy import select

from archive.extract import extract_article
from archive.models import Article
from archive.store import ArchiveStore, SaveStatus
from crawler.context import data_dir_from, store_from
from crawler.extensions import STAT_SITE_ID
from crawler.failures import FAILED_URLS, FAILURE_COUNT_PREFIX
from crawler.items import ArticlePage, AttachedDocument, CrawlItem, FetchFailure
from search.indexer import ArticleIndex

logger = logging.getLogger(__name__)


class ArchivePipeline:
    """Saves attached documents, extracts and saves articles (new, updated or unchanged), and
    keeps what could not be fetched with its reason.

    The failed URLs kept per site are capped (``PORTAL_FAILURES_KEPT``); the counts never are.
    """

    def __init__(self, crawler: Crawler, store: ArchiveStore) -> None:
        assert crawler.stats is not None
        self.crawler = crawler
        self.stats = crawler.stats
        self.store = store
        self.failures_kept = crawler.settings.getint("PORTAL_FAILURES_KEPT")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, store_from(crawler.settings))

    def process_item(self, item: CrawlItem) -> CrawlItem:
        if isinstance(item, FetchFailure):
            self._record_failure(item)
            return item
        if isinstance(item, AttachedDocument):
            is_new = self.store.save_document(item.url, item.media_type, item.body, item.capture_id)
            self.stats.inc_value("archive/documents_new" if is_new else "archive/documents_seen")
            return item
        spider = self.crawler.spider
        try:
            extracted = extract_article(item.html, item.url, profile=spider.profile)
        except Exception as exc:
            # One unparsable page must not stop the crawl; it is counted and reported.
            self.stats.inc_value("archive/extraction_errors")
            logger.exception("extraction failed for %s", item.url)
            raise DropItem(f"extraction failed: {exc}") from exc
        if extracted.missing:
            self.stats.inc_value("archive/articles_missing_fields")
            logger.warning("%s: missing %s", item.url, ", ".join(extracted.missing))
        result = self.store.save_article(
            self.stats.get_value(STAT_SITE_ID), extracted, item.capture_id
        )
        self.stats.inc_value(f"archive/articles_{result.status}")
        item.article_id = result.article_id
        item.save_status = result.status
        item.regrouped = result.regrouped
        return item

    def _record_failure(self, failure: FetchFailure) -> None:
        self.stats.inc_value(FAILURE_COUNT_PREFIX + failure.reason)
        failed = self.stats.get_value(FAILED_URLS)
        if failed is None:
            failed = []
            self.stats.set_value(FAILED_URLS, failed)
        if len(failed) < self.failures_kept:
            failed.append({"url": failure.url, "reason": failure.reason})
        logger.info("failed: %s (%s)", failure.url, failure.reason)


class IndexPipeline:
    """Indexes new and updated articles in batches; the database stays the source of truth."""

    def __init__(self, crawler: Crawler, batch_size: int) -> None:
        data_dir = data_dir_from(crawler.settings)
        self.store = store_from(crawler.settings)
        self.index = ArticleIndex(data_dir.index_dir)
        self.batch_size = batch_size
        self.pending: list[int] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, crawler.settings.getint("PORTAL_INDEX_BATCH"))

    def process_item(self, item: CrawlItem) -> CrawlItem:
        if (
            isinstance(item, ArticlePage)
            and item.article_id is not None
            and item.save_status != SaveStatus.UNCHANGED
        ):
            self.pending.append(item.article_id)
            self.pending.extend(item.regrouped)
            if len(self.pending) >= self.batch_size:
                self.flush()
        return item

    def close_spider(self) -> None:
        self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        with self.store.archive.session() as session:
            articles = session.scalars(select(Article).where(Article.id.in_(self.pending))).all()
            self.index.add(articles)
        self.pending.clear()
