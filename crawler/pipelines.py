"""Item pipelines: extract and store each article page and document, then index what changed."""

from __future__ import annotations

import logging
from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from sqlalchemy import select
from twisted.internet.defer import Deferred

from archive.doctext import DocumentText
from archive.extract import ExtractedArticle, extract_article
from archive.models import Article, with_what_the_index_reads
from archive.profiles.records import REPORTED_FIELDS
from archive.store import SaveStatus
from crawler.context import CrawlContext, crawl_context
from crawler.documents import DocumentTextReader
from crawler.extensions import ARTICLES_WITHOUT_PREFIX
from crawler.failures import FAILED_URLS, FAILURE_COUNT_PREFIX
from crawler.items import ArticlePage, AttachedDocument, CrawlItem, FetchFailure
from search.indexer import ArticleIndex

logger = logging.getLogger(__name__)


class ArchivePipeline:
    """Saves attached documents, extracts and saves articles (new, updated or unchanged), and
    keeps what could not be fetched with its reason.

    The failed URLs kept per site are capped (``PORTAL_FAILURES_KEPT``); the counts never are.
    """

    def __init__(self, crawler: Crawler, context: CrawlContext) -> None:
        assert crawler.stats is not None
        self.stats = crawler.stats
        self.context = context
        self.store = context.store
        self.failures_kept = crawler.settings.getint("PORTAL_FAILURES_KEPT")
        self.documents = DocumentTextReader.from_settings(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, crawl_context(crawler))

    def process_item(self, item: CrawlItem) -> CrawlItem | Deferred[CrawlItem]:
        if isinstance(item, FetchFailure):
            self._record_failure(item)
            return item
        if isinstance(item, AttachedDocument):
            return self.documents.read(item).addCallback(self._save_document, item)
        try:
            # Each page is read by the family's version whose template it uses.
            extracted = extract_article(item.html, item.url, profile=self.context.family)
        except Exception as exc:
            # One unparsable page must not stop the crawl; it is counted and reported.
            self.stats.inc_value("archive/extraction_errors")
            logger.exception("extraction failed for %s", item.url)
            raise DropItem(f"extraction failed: {exc}") from exc
        result = self.store.save_article(self.context.site_id, extracted, item.capture_id)
        self.stats.inc_value(f"archive/articles_{result.status}")
        self._count_missing(extracted)
        item.article_id = result.article_id
        item.save_status = result.status
        item.regrouped = result.regrouped
        return item

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
    """Indexes new and updated articles in batches, and again the articles whose attached
    documents' text came or changed; the database stays the source of truth."""

    def __init__(self, context: CrawlContext, batch_size: int) -> None:
        self.store = context.store
        self.index = ArticleIndex(context.data_dir.index_dir)
        self.batch_size = batch_size
        self.pending: list[int] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawl_context(crawler), crawler.settings.getint("PORTAL_INDEX_BATCH"))

    def process_item(self, item: CrawlItem) -> CrawlItem:
        self.pending.extend(self._to_index(item))
        if len(self.pending) >= self.batch_size:
            self.flush()
        return item

    def _to_index(self, item: CrawlItem) -> list[int]:
        """The articles ``item`` changed in what the index holds of them."""
        if isinstance(item, AttachedDocument) and item.text_changed:
            # The index searches a document's text with every article that attaches it.
            return self.store.articles_attaching(item.url)
        if (
            isinstance(item, ArticlePage)
            and item.article_id is not None
            and item.save_status != SaveStatus.UNCHANGED
        ):
            return [item.article_id, *item.regrouped]
        return []

    def close_spider(self) -> None:
        self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        with self.store.archive.session() as session:
            selected = select(Article).where(Article.id.in_(self.pending))
            articles = session.scalars(with_what_the_index_reads(selected)).all()
            self.index.add(articles)
        self.pending.clear()
