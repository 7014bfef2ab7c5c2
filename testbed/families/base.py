"""What every CMS family shares: responses, robots.txt, redirects, 404s and page bits."""

from __future__ import annotations

import random
import re
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import quote

from ..model import Article, Category, SiteDef

if TYPE_CHECKING:
    from ..portal import Portal

Query = dict[str, list[str]]

PER_PAGE = 10
RSS_ITEMS = 20
HTML = "text/html; charset=utf-8"
# A 1x1 GIF: pages embed photos, and a crawler that fetches page requisites should get one.
PLACEHOLDER_IMAGE = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
OUTSIDE_LINKS = (
    ("Cổng thông tin điện tử Chính phủ", "https://www.chinhphu.vn/"),
    ("Cổng Dịch vụ công quốc gia", "https://dichvucong.gov.vn/"),
    ("Báo Hà Tĩnh", "http://baohatinh.vn/"),
)


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes
    content_type: str = HTML
    location: str | None = None
    # Extra (name, value) header pairs, such as an article page's cache validators.
    headers: tuple[tuple[str, str], ...] = ()


def html_response(page: str, status: int = 200) -> Response:
    return Response(status, page.encode("utf-8"))


def http_date(moment: datetime) -> str:
    """An IMF-fixdate in GMT, as Last-Modified carries it."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def dmy(moment: datetime) -> str:
    return moment.strftime("%d/%m/%Y")


def thousands(number: int) -> str:
    """Vietnamese digit grouping: 27.664.046."""
    return f"{number:,}".replace(",", ".")


def pager_pages(current: int, last: int) -> list[int]:
    """First, last and a window round the current page, like the portals' pagers."""
    window = range(max(1, current - 3), min(last, current + 3) + 1)
    return sorted({1, last, *window})


def share_links(url: str, title: str) -> str:
    quoted = quote(url, safe="")
    return (
        f'<a class="share_fb" href="https://www.facebook.com/sharer/sharer.php?u={quoted}"'
        f' target="_blank">Facebook</a> '
        f'<a class="share_tw" href="https://twitter.com/share?url={quoted}'
        f'&amp;text={quote(title, safe="")}" target="_blank">Twitter</a>'
    )


class Family:
    """One sub-site rendered by one CMS family; subclasses supply URLs and templates."""

    name: ClassVar[str]
    start_path: str
    # Linked from every page and disallowed in robots.txt, so only robots.txt keeps it out.
    search_path: str
    # Photo URLs the family's pages show; each is answered with a placeholder image.
    image_route: re.Pattern[str]
    # Where the family uploads an article's documents; None: its pages carry no attachments.
    attachment_path: Callable[[Article, str], str] | None = None

    def __init__(self, portal: Portal, site: SiteDef) -> None:
        self.portal = portal
        self.site = site
        self._categories = {category.slug: category for category in site.categories}

    def category_path(self, slug: str, page: int = 1) -> str:
        raise NotImplementedError

    def feed(self, category: Category | None, home_path: str) -> Response:
        """The RSS feed of a category's newest articles, or of the whole site's."""
        if category is None:
            articles = self.portal.site_articles[self.site.key][:RSS_ITEMS]
            title, link = self.site.name, self.portal.url(self.site.key, home_path)
        else:
            articles = self.portal.category_articles[(self.site.key, category.slug)][:RSS_ITEMS]
            title = category.name
            link = self.portal.url(self.site.key, self.category_path(category.slug))
        items = [
            (
                a.title,
                self.portal.article_url(a),
                format_datetime(a.published),
                self.portal.body(a.id).summary,
            )
            for a in articles
        ]
        return rss_feed(title, link, items)

    def newest_by_category(self, count: int = 5) -> Iterator[tuple[Category, list[Article]]]:
        """Each category with its ``count`` latest modified articles, for home-page boxes."""
        for category in self.site.categories:
            yield category, self.portal.category_listing[(self.site.key, category.slug)][:count]

    def article_response(self, article: Article, page: str) -> Response:
        """An article page with the validators a CMS sends, so recrawls can be conditional."""
        validators = (
            ("Last-Modified", http_date(self.portal.modified(article))),
            ("ETag", self.portal.etag(article)),
        )
        return Response(200, page.encode("utf-8"), headers=validators)

    def assign_path(self, article: Article, rng: random.Random) -> str:
        raise NotImplementedError

    def gold_author(self, article: Article) -> str | None:
        """The author a reader finds on the page; None where the page names none."""
        return article.author

    def route(self, path: str, query: Query) -> Response | None:
        raise NotImplementedError

    def handle(self, path: str, query: Query) -> Response:
        if path == "/robots.txt":
            return Response(200, self.robots().encode(), "text/plain; charset=utf-8")
        if path == "/" and self.start_path != "/":
            return self.redirect(self.start_path)
        document = self.portal.document(self.site.key, path)
        if document is not None:
            return Response(200, *document)
        if self.image_route.fullmatch(path):
            return Response(200, PLACEHOLDER_IMAGE, "image/gif")
        return self.route(path, query) or self.not_found()

    def robots(self) -> str:
        return f"User-agent: *\nDisallow: /admin/\nDisallow: {self.search_path}\n"

    def attachment_links(self, article: Article) -> list[tuple[str, str]]:
        """(path, link text) of the article's documents."""
        return [(a.path, a.name) for a in self.portal.attachments.get(article.id, [])]

    def redirect(self, path: str) -> Response:
        page = f'<html><body><a href="{escape(path)}">Moved</a></body></html>'
        return Response(302, page.encode(), location=path)

    def not_found(self) -> Response:
        page = (
            '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>404</title>'
            "</head><body><h1>404 - Không tìm thấy trang</h1>"
            f'<p><a href="{escape(self.start_path)}">Về trang chủ</a></p></body></html>'
        )
        return html_response(page, 404)

    def other_sites(self) -> list[tuple[str, str]]:
        """Absolute links to the sibling sub-sites, each on its own port."""
        return [
            (family.site.name, self.portal.url(key, family.start_path))
            for key, family in self.portal.families.items()
            if key != self.site.key
        ]

    def counter(self, key: str, low: int, high: int) -> int:
        """A visit counter that looks live but is a pure function of the page."""
        return low + zlib.crc32(f"{self.portal.seed}:{key}".encode()) % (high - low)

    @staticmethod
    def shown(article: Article, text: str) -> str:
        return unicodedata.normalize("NFD", text) if article.nfd else text


RssItem = tuple[str, str, str, str]  # title, absolute link, RFC-822 date, description


def rss_feed(title: str, link: str, items: list[RssItem]) -> Response:
    entries = "".join(
        f"<item><title>{escape(item_title)}</title><link>{escape(item_link)}</link>"
        f'<guid isPermaLink="true">{escape(item_link)}</guid><pubDate>{date}</pubDate>'
        f"<description>{escape(description)}</description></item>"
        for item_title, item_link, date, description in items
    )
    feed = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>{escape(link)}</link>"
        f"<language>vi</language>{entries}</channel></rss>"
    )
    return Response(200, feed.encode("utf-8"), "application/rss+xml; charset=utf-8")


def sitemap(urls: list[tuple[str, datetime]]) -> Response:
    entries = "".join(
        f"<url><loc>{escape(url)}</loc><lastmod>{moment.isoformat()}</lastmod></url>"
        for url, moment in urls
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    )
    return Response(200, document.encode("utf-8"), "application/xml; charset=utf-8")
