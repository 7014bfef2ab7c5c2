"""Where article URLs come from besides links: robots.txt sitemaps, sitemaps, RSS feeds.

Portals that have them list every article in a sitemap (NukeViet) or the newest
ones in RSS (NukeViet ``/rss/<cat>/``, Liferay ``/-/asset_publisher/<id>/rss``);
following them finds articles that deep pagination would reach late or never.
Pages advertise feeds with ``<link rel="alternate">`` or plain links.
"""

from __future__ import annotations

import re
import urllib.request
from datetime import date, datetime
from urllib.parse import urljoin

from lxml import etree
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from archive.profiles import detect_family
from crawler.settings import USER_AGENT

_FEED_URL = re.compile(r"/rss(?:/|$)|\.rss$|/feeds?/?$|rss\.xml$", re.IGNORECASE)
_FEED_TYPES = ("application/rss+xml", "application/atom+xml")
_FEED_LINKS = etree.XPath(
    "//link[@rel='alternate'][@type='application/rss+xml' or @type='application/atom+xml']/@href"
)
_FEED_ITEM_LINKS = etree.XPath(
    "//*[local-name()='item']/*[local-name()='link']/text()"
    " | //*[local-name()='entry']/*[local-name()='link']/@href"
)


def is_feed_url(url: str) -> bool:
    return bool(_FEED_URL.search(url))


def is_feed_type(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() in _FEED_TYPES


def sitemaps_in_robots(robots_txt: bytes, base_url: str) -> list[str]:
    return list(sitemap_urls_from_robots(robots_txt, base_url=base_url))


def sitemap_entries(body: bytes) -> tuple[dict[str, date | datetime | None], list[str]]:
    """({page URL: its lastmod}, nested sitemap URLs) of a sitemap or sitemap index.

    Both are empty if the sitemap is unreadable; a lastmod that is not a W3C date is None.
    """
    try:
        sitemap = Sitemap(body)
    except (etree.XMLSyntaxError, ValueError):
        return {}, []
    entries = [entry for entry in sitemap if entry.get("loc")]
    if sitemap.type == "sitemapindex":
        return {}, [entry["loc"] for entry in entries]
    return {entry["loc"]: _w3c_date(entry.get("lastmod")) for entry in entries}, []


def _w3c_date(text: str | None) -> date | datetime | None:
    """A sitemap lastmod: a day, or a moment with its offset (a moment without one is a day)."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.date()


def feed_links_in_page(tree: etree._Element, page_url: str) -> list[str]:
    return [urljoin(page_url, href.strip()) for href in _FEED_LINKS(tree)]


def feed_item_links(body: bytes, feed_url: str) -> list[str]:
    """The article links of an RSS 2.0 or Atom feed; empty if the feed is unreadable."""
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(recover=True, resolve_entities=False))
    except etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    return [urljoin(feed_url, link.strip()) for link in _FEED_ITEM_LINKS(root) if link.strip()]


FIRST_PAGE_TIMEOUT = 30.0


def detect_site_family(start_url: str) -> str:
    """The CMS family of a site nobody configured, read from its start page.

    ``generic`` when the page shows no known family or cannot be fetched (the
    crawl then reports the site as unreachable).
    """
    request = urllib.request.Request(start_url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=FIRST_PAGE_TIMEOUT) as response:
            body, final_url = response.read(), response.geturl()
    except (OSError, ValueError):
        return "generic"
    return detect_family(body, final_url) or "generic"
