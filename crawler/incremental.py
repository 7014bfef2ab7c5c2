"""Incremental crawls: once a site has a full crawl, fetch only what is new or changed.

A provincial archive is crawled in full once and then every day for years;
re-reading thousands of unchanged articles every day would be rude to small
government servers. In an incremental crawl:

* listings are read newest first, and a listing's next page is only read while
  its pages still show something to fetch: paging stops after
  ``PORTAL_INCREMENTAL_MARGIN`` further pages that hold only known articles;
* an article the archive already holds is fetched again only when a listing or
  a sitemap shows a date later than what the archive knows of it, and then with
  a conditional request (``If-None-Match`` / ``If-Modified-Since``), so an
  unchanged page costs a ``304 Not Modified``;
* documents already archived are not fetched again.

A site is crawled in full when it never had a completed full crawl, when
``PORTAL_FULL`` is set (``crawl --full``), or when its last full crawl is older
than ``PORTAL_FULL_RECRAWL_DAYS``: only a full crawl sees edits no listing or
sitemap announces.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any, Self

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response

from archive.dates import PORTAL_TZ
from archive.models import utcnow
from archive.runs import CrawlRuns
from archive.store import KnownArticle
from archive.urls import canonical_url
from crawler.context import CrawlContext, crawl_context
from crawler.pageoutput import PageOutputMiddleware

logger = logging.getLogger(__name__)

FULL, INCREMENTAL = "full", "incremental"
STAT_MODE = "archive/mode"
# Set by the spider on requests: the date a listing or sitemap shows for the page…
LISTED = "listed"
# …and on the request for the next page of the listing being read.
NEXT_PAGE = "next_page"
# How many pages in a row of this listing held nothing to fetch.
QUIET_PAGES = "quiet_pages"
REVALIDATED = "revalidated"
NOT_MODIFIED = 304


def crawl_mode(runs: CrawlRuns, site_key: str, force_full: bool, recrawl_days: float) -> str:
    """Whether a new crawl of the site is full or incremental (see the module docstring)."""
    if force_full:
        return FULL
    last_full = runs.last_full_crawl(site_key)
    if last_full is None:
        return FULL
    if recrawl_days > 0 and utcnow() - last_full > timedelta(days=recrawl_days):
        return FULL
    return INCREMENTAL


def is_newer(listed: date | datetime, known: KnownArticle) -> bool:
    """Whether a listed date says the article changed after the archive's copy.

    Listings print days only: a day later than the known one's is news, the same
    day is not (an edit on the day of publication is left to the full recrawl).
    """
    if known.modified is None:
        return True
    if isinstance(listed, datetime):
        return listed > known.modified
    return listed > known.modified.astimezone(PORTAL_TZ).date()


class IncrementalMiddleware(PageOutputMiddleware):
    """Spider middleware: in incremental mode, drops what the archive already holds.

    Sits closer to the engine than the spider, so it sees every request a page
    produced before deciding whether the listing's next page is worth reading.
    In full mode it only records the mode.
    """

    def __init__(self, crawler: Crawler, context: CrawlContext) -> None:
        assert crawler.stats is not None
        self.crawler = crawler
        self.stats = crawler.stats
        self.context = context
        self.store = context.store
        self.force_full = crawler.settings.getbool("PORTAL_FULL")
        self.recrawl_days = crawler.settings.getfloat("PORTAL_FULL_RECRAWL_DAYS")
        self.margin = crawler.settings.getint("PORTAL_INCREMENTAL_MARGIN")
        self.mode = FULL
        self.known: dict[str, KnownArticle] = {}
        self.known_documents: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler, crawl_context(crawler))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self) -> None:
        site_key = self.context.site.key
        run_id = self.context.run_id
        # A resumed run keeps the mode it started with.
        runs = self.context.runs
        self.mode = runs.site_mode(run_id, site_key) or crawl_mode(
            runs, site_key, self.force_full, self.recrawl_days
        )
        runs.set_site_mode(run_id, site_key, self.mode)
        self.stats.set_value(STAT_MODE, self.mode)
        if self.mode == INCREMENTAL:
            self.known = self.store.known_articles(self.context.site_id)
            # The archive's articles show the site's article URLs before any page is read.
            for url in self.known:
                self.context.knowledge.learn_verdict(url, True)
            self.known_documents = self.store.known_documents()
        logger.info("%s: %s crawl, %d articles known", site_key, self.mode, len(self.known))

    def page_output(self, response: Response, outputs: list[Any]) -> Iterator[Any]:
        if self.mode == FULL:
            yield from outputs
            return
        if response.status == NOT_MODIFIED:
            self._not_modified(response)
        rules = self.context.url_rules
        on_listing = response.meta.get("depth", 0) > 0 and rules.is_listing_url(response.url)
        fresh, next_pages = 0, []
        for output in outputs:
            if not isinstance(output, Request):
                yield output
            elif rules.is_article_url(output.url):
                request = self._article_request(output)
                if request is not None:
                    fresh += 1
                    yield request
            elif output.callback == self.crawler.spider.parse_document:
                if canonical_url(output.url) not in self.known_documents:
                    yield output
            elif output.meta.get(NEXT_PAGE):
                next_pages.append(output)
            elif not on_listing or not rules.is_listing_url(output.url):
                # Listings reached from the start page, articles, sitemaps and feeds are read;
                # from a listing only its next page is, below.
                yield output
        quiet = 0 if fresh else response.meta.get(QUIET_PAGES, 0) + 1
        if quiet > self.margin:
            self.stats.inc_value("incremental/listings_stopped", len(next_pages))
            return
        for request in next_pages:
            yield request.replace(meta={**request.meta, QUIET_PAGES: quiet})

    def _article_request(self, request: Request) -> Request | None:
        known = self.known.get(canonical_url(request.url))
        if known is None:
            return request
        listed = request.meta.get(LISTED)
        if listed is None or not is_newer(listed, known):
            self.stats.inc_value("incremental/known_skipped")
            return None
        self.stats.inc_value("incremental/revalidated")
        headers = dict(request.headers.to_unicode_dict())
        if known.etag:
            headers["If-None-Match"] = known.etag
        if known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        meta = {**request.meta, REVALIDATED: True, "handle_httpstatus_list": [NOT_MODIFIED]}
        return request.replace(headers=headers, meta=meta)

    def _not_modified(self, response: Response) -> None:
        if self.store.touch_article(response.url):
            self.stats.inc_value("archive/articles_unchanged")
