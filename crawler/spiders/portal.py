"""The portal spider: start pages, sitemaps and feeds → listings → articles and their documents."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, Self
from urllib.parse import urljoin

import scrapy
from lxml.html import HtmlElement
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from twisted.python.failure import Failure

from archive.sites import load_sites, select_sites
from archive.text import parse_html
from archive.urls import canonical_url, without_session
from crawler import discovery
from crawler.context import CrawlContext
from crawler.failures import failure_reason
from crawler.incremental import LISTED, NEXT_PAGE
from crawler.items import ArticlePage, AttachedDocument, FetchFailure
from crawler.politeness import apply_crawl_policy, user_agent


class PortalSpider(scrapy.Spider):
    """Crawls one site of the sites config: ``scrapy crawl portal -a site=KEY [-a config=FILE]``.

    The newest version of the site's family says which links are listings and
    articles; each page is read by the version whose template it uses. Scope
    (the site's host and port) is enforced by ``SiteScopeMiddleware``. Besides
    the start pages, the sitemaps named in robots.txt and every RSS feed a page
    advertises are read for article links. A page at an article URL is stored
    unless it names another page as its canonical (a print or save view), or,
    for the generic profile, unless it does not read like an article.
    """

    name = "portal"
    context: CrawlContext

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        config_path = Path(kwargs.get("config") or crawler.settings["PORTAL_SITES_CONFIG"])
        site_key = kwargs.get("site")
        if not site_key:
            raise ValueError("the portal spider needs a site: -a site=KEY")
        [site] = select_sites(load_sites(config_path), (site_key,))
        spider.context = CrawlContext.open(crawler.settings, site, kwargs.get("host_gate"))
        spider.link_extractor = LinkExtractor(unique=True)
        # Documents may be large scans; an HTML page or feed of this size is a fault or a trap.
        spider.page_maxsize = crawler.settings.getint("PORTAL_PAGE_MAXSIZE")
        # Scrapy reads the crawler's settings only after the spider exists, so the site's own
        # politeness settings still reach the downloader, robots.txt and AutoThrottle.
        apply_crawl_policy(site.crawl, crawler.settings)
        # The contact goes into USER_AGENT itself, which the downloader and robots.txt read.
        crawler.settings.set("USER_AGENT", user_agent(crawler.settings), priority="cmdline")
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(
            urljoin(self.context.site.base_url, "/robots.txt"), callback=self.parse_robots
        )
        for url in self.context.site.start_urls:
            yield self._request(url, self.parse)

    # ----- discovery -----------------------------------------------------------------

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        for url in discovery.sitemaps_in_robots(response.body, response.url):
            yield self._request(url, self.parse_sitemap)

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        pages, sitemaps = discovery.sitemap_entries(response.body)
        for url in sitemaps:
            yield self._request(url, self.parse_sitemap)
        yield from self._follow_all(pages, listed=pages)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        yield from self._follow_all(discovery.feed_item_links(response.body, response.url))

    # ----- pages ---------------------------------------------------------------------

    def parse(self, response: Response, **kwargs: Any) -> Iterator[ArticlePage | scrapy.Request]:
        if not isinstance(response, TextResponse):
            return
        if discovery.is_feed_type(response.headers.get("Content-Type", b"").decode("latin-1")):
            yield from self.parse_feed(response)
            return
        tree = parse_html(response.body)
        if tree is None:
            return
        rules = self.context.url_rules
        links = [link.url for link in self.link_extractor.extract_links(response)]
        if rules.is_article_url(response.url) or (
            rules.judges_pages and response.url not in self.context.site.start_urls
        ):
            yield from self._article(response, tree, links)
        yield from self._follow_all(discovery.feed_links_in_page(tree, response.url))
        next_page = rules.next_page_url(tree, response.url)
        if next_page:
            yield from self._follow_all([next_page], meta={NEXT_PAGE: True})
        yield from self._follow_all(links, listed=rules.listed_dates(tree, response.url))

    def _article(
        self, response: TextResponse, tree: HtmlElement, links: list[str]
    ) -> Iterator[ArticlePage | scrapy.Request]:
        canonical = _canonical_link(tree, response.url)
        if canonical and canonical_url(canonical) != canonical_url(response.url):
            # A copy of another page (print or save view): the original is the article.
            yield from self._follow_all([canonical])
            return
        profile = self.context.page_profile(tree)
        if profile.judges_pages and self.context.knowledge.is_bare_view(links):
            # Without the site's template around it, a page is a print or popup view of an
            # article that has a page of its own.
            return
        is_article = profile.is_article_page(tree, response.url)
        if profile.judges_pages:
            self.context.knowledge.learn_verdict(response.url, is_article)
        if is_article:
            yield ArticlePage(
                url=response.url,
                site_key=self.context.site.key,
                html=response.text,
                capture_id=response.meta.get("capture_id"),
            )
            for url in profile.document_urls(tree, response.url):
                yield self._request(url, self.parse_document)

    def parse_document(self, response: Response) -> Iterator[AttachedDocument]:
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        yield AttachedDocument(
            url=response.url,
            media_type=content_type.split(";")[0].strip().lower() or None,
            body=response.body,
            capture_id=response.meta.get("capture_id"),
        )

    def _follow_all(
        self,
        urls: Iterable[str],
        listed: Mapping[str, date | datetime | None] | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> Iterator[scrapy.Request]:
        """Requests for the URLs worth following, each with the date its listing shows."""
        listed = listed or {}
        for found in urls:
            url = without_session(found)
            if discovery.is_feed_url(url):
                yield self._request(url, self.parse_feed)
            elif self._worth_following(url):
                shown = listed.get(found)
                page_meta = {**(meta or {}), **({LISTED: shown} if shown else {})}
                yield self._request(url, self.parse, page_meta)

    def failed(self, failure: Failure) -> Iterator[FetchFailure]:
        """Errback of every request: a failure that is not a refusal on purpose is recorded."""
        reason = failure_reason(failure)
        if reason is not None:
            # A redirect that failed is the failure of the page first asked for.
            asked = failure.request.meta.get("redirect_urls", [failure.request.url])[0]
            yield FetchFailure(url=asked, reason=reason)

    def _request(
        self, url: str, callback: Any, meta: Mapping[str, Any] | None = None
    ) -> scrapy.Request:
        limit = {} if callback == self.parse_document else {"download_maxsize": self.page_maxsize}
        return scrapy.Request(
            url, callback=callback, errback=self.failed, meta={**limit, **(meta or {})}
        )

    def _worth_following(self, url: str) -> bool:
        rules = self.context.url_rules
        if rules.is_skipped_url(url):
            return False
        return rules.is_article_url(url) or rules.is_listing_url(url)


def _canonical_link(tree: HtmlElement, page_url: str) -> str | None:
    hrefs = tree.xpath("//head/link[@rel='canonical']/@href")
    return urljoin(page_url, hrefs[0].strip()) if hrefs and hrefs[0].strip() else None
