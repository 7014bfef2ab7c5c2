"""Guards against crawler traps: URL spaces that never end, and redirects that go round.

Real portals have them (portal-notes §9): Liferay's relative language links
make ``…/en/vi/en/…`` URLs grow forever, calendar archives and pagers answer
any month or page number, and redirect chains sometimes loop. A page is only
worth a request when it can hold something new, so:

* a URL whose path goes on after a page name (``bai.html/en/``), repeats a
  segment (``en/vi/en``), nests too deep or is too long is not requested
  (``PORTAL_TRAP_MAX_DEPTH``, ``PORTAL_TRAP_MAX_URL_LENGTH``);
* a listing page that lists no article is the end of its listing: the listing
  links it carries (the next page of a pager that never ends, the month after
  in a calendar) are not followed. Once the site's listings have shown dated
  items, a page without any is empty even if side boxes link to articles;
  until then, a page without any article link is. With the generic profile,
  which knows no URL rules, a page is empty when its links add nothing to the
  site's template but links of its own shape (the next page, the next month)
  or, once the site's article shapes are known, no link of one of them;
* a redirect back to a URL already on the request's redirect chain fails at
  once as a ``redirect loop`` instead of going round until the redirect limit.

Each refusal is counted under ``traps/<kind>`` in the crawl's stats.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from itertools import pairwise
from typing import Any, Self
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawler.context import CrawlContext, crawl_context
from crawler.failures import REDIRECT_LOOP
from crawler.incremental import LISTED
from crawler.pageoutput import PageOutputMiddleware

# A segment may appear twice (``/tin-tuc/2020/tin-tuc``) but not three times.
MAX_SEGMENT_REPEATS = 2
# A page name; a path that goes on after one was made by a relative link resolved against a
# page as if it were a folder (``…/bai-viet.html/en/``). PHP is left out: ``index.php/…``
# is how some CMSs route every page.
_PAGE_NAME = re.compile(r"\.(?:html?|aspx?|jsp)$", re.IGNORECASE)


def trap_kind(url: str, max_length: int, max_depth: int) -> str | None:
    """Why ``url`` looks like a trap, or None."""
    if len(url) > max_length:
        return "long_url"
    segments = [segment for segment in urlsplit(url).path.split("/") if segment]
    if len(segments) > max_depth:
        return "deep_path"
    if any(_PAGE_NAME.search(segment) for segment in segments[:-1]):
        return "path_after_page"
    counts = Counter(segment.lower() for segment in segments)
    if counts and max(counts.values()) > MAX_SEGMENT_REPEATS:
        return "repeated_segment"
    pairs = list(pairwise(segments))
    if len(pairs) != len(set(pairs)):
        return "repeated_segment"
    return None


class TrapGuardMiddleware(PageOutputMiddleware):
    """Spider middleware dropping requests into endless URL spaces (see the module docstring)."""

    def __init__(self, crawler: Crawler, context: CrawlContext) -> None:
        assert crawler.stats is not None
        self.context = context
        self.stats = crawler.stats
        self.max_length = crawler.settings.getint("PORTAL_TRAP_MAX_URL_LENGTH")
        self.max_depth = crawler.settings.getint("PORTAL_TRAP_MAX_DEPTH")
        self.dated_listings = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, crawl_context(crawler))

    def page_output(self, response: Response, outputs: list[Any]) -> Iterator[Any]:
        rules = self.context.url_rules
        requests = [output for output in outputs if isinstance(output, Request)]
        lists_articles = self._lists_articles(response, requests)
        dead_end = (
            response.meta.get("depth", 0) > 0
            and rules.is_listing_url(response.url)
            and not lists_articles
        )
        for output in outputs:
            if not isinstance(output, Request):
                yield output
            elif kind := trap_kind(output.url, self.max_length, self.max_depth):
                self.stats.inc_value(f"traps/{kind}")
            elif dead_end and rules.is_listing_url(output.url):
                self.stats.inc_value("traps/empty_listing")
            else:
                yield output

    def _lists_articles(self, response: Response, requests: list[Request]) -> bool:
        rules = self.context.url_rules
        if rules.judges_pages:
            # Without a CMS's URL rules, what a page lists is what it adds to the site's
            # template, and only links of another shape than its own can be items.
            knowledge = self.context.knowledge
            urls = [request.url for request in requests]
            knowledge.learn_links(urls)
            return knowledge.lists_new_items(response.url, urls)
        listed = any(LISTED in request.meta for request in requests)
        self.dated_listings = self.dated_listings or listed
        if self.dated_listings:
            return listed
        return any(rules.is_article_url(request.url) for request in requests)


class RedirectLoopMiddleware:
    """Downloader middleware, before RedirectMiddleware: a redirect that goes round fails."""

    def process_response(self, request: Request, response: Response) -> Response:
        location = response.headers.get("Location")
        if response.status not in (301, 302, 303, 307, 308) or not location:
            return response
        target = urljoin(request.url, location.decode("latin-1"))
        chain = {request.url, *request.meta.get("redirect_urls", ())}
        if target in chain:
            raise IgnoreRequest(f"{REDIRECT_LOOP}: {request.url} -> {target}")
        return response

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls()
