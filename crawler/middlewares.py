"""Downloader middlewares of the portal crawler."""

from __future__ import annotations

import logging
from typing import Self
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

logger = logging.getLogger(__name__)


class SiteScopeMiddleware:
    """Drops every request that leaves the site's host and port.

    Scrapy's offsite check compares domains only; testbed sub-sites (and some
    real portals) differ by port, and share buttons and banners point at other
    hosts that an archival crawl of one portal must never touch.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        spider = self.crawler.spider
        allowed = spider.site_config.netloc
        netloc = urlsplit(request.url).netloc.lower()
        if netloc != allowed:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("scope/dropped")
            logger.debug("out of scope (%s): %s", allowed, request.url)
            raise IgnoreRequest(f"out of scope: {request.url}")
