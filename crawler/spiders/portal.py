"""The portal spider: start pages → listings (with pagination) → article pages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, Self

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor

from archive.profiles import get_profile
from archive.sites import SiteConfig, load_sites, select_sites
from crawler.items import ArticlePage


class PortalSpider(scrapy.Spider):
    """Crawls one site of the sites config: ``scrapy crawl portal -a site=KEY [-a config=FILE]``.

    The site's profile says which links are listings and articles; scope
    (the site's host and port) is enforced by ``SiteScopeMiddleware``.
    """

    name = "portal"
    site_config: SiteConfig

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        config_path = Path(kwargs.get("config") or crawler.settings["PORTAL_SITES_CONFIG"])
        site_key = kwargs.get("site")
        if not site_key:
            raise ValueError("the portal spider needs a site: -a site=KEY")
        [spider.site_config] = select_sites(load_sites(config_path), (site_key,))
        spider.profile = get_profile(spider.site_config.family)
        spider.link_extractor = LinkExtractor(unique=True)
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.site_config.start_urls:
            yield scrapy.Request(url, callback=self.parse)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[ArticlePage | scrapy.Request]:
        if not isinstance(response, TextResponse):
            return
        if self.profile.is_article_url(response.url):
            yield ArticlePage(
                url=response.url,
                site_key=self.site_config.key,
                html=response.text,
                capture_id=response.meta.get("capture_id"),
            )
        for link in self.link_extractor.extract_links(response):
            if self._worth_following(link.url):
                yield response.follow(link.url, callback=self.parse)

    def _worth_following(self, url: str) -> bool:
        profile = self.profile
        if profile.is_skipped_url(url):
            return False
        return profile.is_article_url(url) or profile.is_listing_url(url)
