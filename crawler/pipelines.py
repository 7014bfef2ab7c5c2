"""Item pipelines: extract and store each article page and document, then index what changed.

Pages are extracted in worker processes (crawler/extraction.py) and stored on the reactor
thread; storing queues what the index must update in the database, and the crawl's indexer
(search/indexqueue.py) indexes it from there.
"""

from __future__ import annotations

import logging
from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from archive.doctext import DocumentText
from archive.extract import ExtractedArticle
from archive.profiles.records import REPORTED_FIELDS
from archive.store import SaveStatus
from crawler.context import CrawlContext, crawl_context
from crawler.documents import DocumentTextReader
from crawler.extensions import ARTICLES_WITHOUT_PREFIX
from crawler.extraction import PageExtraction, PageExtractor, sendable_family, shared_pool
from crawler.failures import FAILED_URLS, FAILURE_COUNT_PREFIX
from crawler.indexing import INDEX_IN_CRAWL
from crawler.items import ArticlePage, AttachedDocument, CrawlItem, FetchFailure
from search.indexer import ArticleIndex
from search.indexqueue import QueueIndexer

logger = logging.getLogger(__name__)


class ArchivePipeline:
    """Saves attached documents, extracts and saves articles (new, updated or unchanged), and
    keeps what could not be fetched with its reason.

    The failed URLs kept per site are capped (``PORTAL_FAILURES_KEPT``); the counts never are.
    """

    def __init__(self, crawler: Crawler, context: CrawlContext, extraction: PageExtractor) -> None:
        assert crawler.stats is not None
        self.stats = crawler.stats
        self.context = context
        self.store = context.store
        self.failures_kept = crawler.settings.getint("PORTAL_FAILURES_KEPT")
        self.documents = DocumentTextReader.from_settings(crawler.settings)
        self.extraction = extraction
        self.family = sendable_family(context.family)
        extraction.acquire()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        pool = shared_pool(crawler.settings.getint("PORTAL_EXTRACT_PROCESSES"))
        return cls(crawler, crawl_context(crawler), pool)

    def process_item(self, item: CrawlItem) -> CrawlItem | Deferred[CrawlItem]:
        if isinstance(item, FetchFailure):
            self._record_failure(item)
            return item
        if isinstance(item, AttachedDocument):
            return self.documents.read(item).addCallback(self._save_document, item)
        # Each page is read by the family's version whose template it uses.
        extracting = self.extraction.extract(item.html, item.url, self.family)
        return extracting.addCallbacks(
            self._save_article,
            self._extraction_failed,
            callbackArgs=(item,),
            errbackArgs=(item,),
        )

    def _save_article(self, extraction: PageExtraction, item: ArticlePage) -> ArticlePage:
        extracted = extraction.article
        result = self.store.save_article(
            self.context.site_id, extracted, item.capture_id, extraction.prints
        )
        self.stats.inc_value(f"archive/articles_{result.status}")
        self._count_missing(extracted)
        item.article_id = result.article_id
        item.save_status = result.status
        return item

    def _extraction_failed(self, failure: Failure, item: ArticlePage) -> None:
        # One unparsable page must not stop the crawl; it is counted and reported.
        self.stats.inc_value("archive/extraction_errors")
        # The worker's traceback comes chained to the error it raised.
        logger.error("extraction failed for %s", item.url, exc_info=failure.value)
        raise DropItem(f"extraction failed: {failure.value}") from failure.value

    def _save_document(self, read: DocumentText, document: AttachedDocument) -> AttachedDocument:
        saved = self.store.save_document(
            document.url, document.media_type, len(document.body), read, document.capture_id
        )
        document.text_changed = saved.text_changed
        self.stats.inc_value("archive/documents_new" if saved.is_new else "archive/documents_seen")
        self.stats.inc_value(f"archive/documents_text/{read.status}")
        return document

    def close_spider(self) -> None:
        self.documents.close()
        self.extraction.release()

    def _count_missing(self, article: ExtractedArticle) -> None:
        """Counts the archived article under each reported field it lacks."""
        if article.missing:
            self.stats.inc_value("archive/articles_missing_fields")
            logger.warning("%s: missing %s", article.url, ", ".join(article.missing))
        for name in REPORTED_FIELDS:
            if not getattr(article, name):
                self.stats.inc_value(ARTICLES_WITHOUT_PREFIX + name)

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
    """Indexes, in-process, what the crawl queued for the index: every ``PORTAL_INDEX_BATCH``
    stored changes and all of it at the end. Only for a crawl nobody indexes for (a bare
    ``scrapy crawl``); ``portal-archive crawl`` has its own indexer process."""

    def __init__(self, indexer: QueueIndexer, batch_size: int) -> None:
        self.indexer = indexer
        self.batch_size = batch_size
        self.queued = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool(INDEX_IN_CRAWL):
            # An indexer outside the crawl indexes what it stores; without a message, Scrapy
            # says nothing of it.
            raise NotConfigured
        context = crawl_context(crawler)
        indexer = QueueIndexer(context.store.archive, ArticleIndex(context.data_dir.index_dir))
        return cls(indexer, crawler.settings.getint("PORTAL_INDEX_BATCH"))

    def process_item(self, item: CrawlItem) -> CrawlItem:
        if _queued_changes(item):
            self.queued += 1
        if self.queued >= self.batch_size:
            self.indexer.drain()
            self.queued = 0
        return item

    def close_spider(self) -> None:
        self.indexer.drain()


def _queued_changes(item: CrawlItem) -> bool:
    """Whether storing ``item`` queued articles for the index."""
    if isinstance(item, AttachedDocument):
        # The index searches a document's text with every article that attaches it.
        return item.text_changed
    return isinstance(item, ArticlePage) and item.save_status not in (None, SaveStatus.UNCHANGED)
