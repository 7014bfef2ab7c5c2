"""URL schemes of the generated families: article paths, listings and their pagination.

A real portal's article URL may carry a slug (folded or not, case kept or
lowered, cut short), a numeric id in the path or the query, or the date in
folders; listings page by query parameter, path segment or offset. Nothing
here promises that a URL names what it holds, as on real sites.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from ...text import fold

ARTICLE_SCHEMES = (
    "cat_slug", "slug_id", "cat_id_slug", "dated", "numeric", "query", "joomla", "unixtime",
    "laravel",
)  # fmt: skip
PREFIXES = ("", "", "/tin-tuc", "/portal", "/news", "/vi", "/web", "/chuyen-muc")
EXTENSIONS = (".html", ".html", ".htm", ".aspx", ".php", "")
QUERY_PAGES = ("chi-tiet-tin.aspx", "news.php", "tin-tuc/chi-tiet.aspx", "NewsDetail.aspx", "")
ID_PARAMS = ("id", "ItemID", "newsid", "p", "nid")
PAGINATIONS = ("query", "path_page", "trang", "start", "numbered")
PAGE_PARAMS = ("page", "p", "trang", "PageIndex", "pg")
_WORD_RUN = re.compile(r"[^\w]+|_+")
_UNRESERVED = "/-_.~"


@dataclass(frozen=True, slots=True)
class UrlScheme:
    article: str
    prefix: str
    ext: str
    fold: bool
    lower: bool
    cut: int | None
    separator: str
    query_page: str
    id_param: str
    id_base: int
    id_step: int
    pagination: str
    page_param: str
    # Listings named by a query id rather than a path segment (`?catid=3`).
    query_listing: bool
    print_style: str
    per_page: int
    start_path: str
    search_path: str

    def slug(self, text: str) -> str:
        text = unicodedata.normalize("NFC", text)
        if self.fold:
            text = fold(text)
        if self.lower:
            text = text.lower()
        slug = _WORD_RUN.sub(self.separator, text).strip(self.separator)
        return slug[: self.cut].rstrip(self.separator) if self.cut else slug

    def external_id(self, article_id: int) -> int:
        return self.id_base + article_id * self.id_step

    def article_path(
        self, title: str, number: int, segment: str, moment: datetime, tail: str = ""
    ) -> str:
        """``tail`` follows the slug's cut, to tell apart titles that the cut made equal."""
        slug, ext, pre = self.slug(title) + tail, self.ext, self.prefix
        if self.article == "cat_slug":
            path = f"{pre}/{segment}/{slug}{ext}"
        elif self.article == "slug_id":
            path = f"{pre}/{slug}-{number}{ext or '.html'}"
        elif self.article == "cat_id_slug":
            path = f"{pre}/{segment}/{number}/{slug}{ext}"
        elif self.article == "dated":
            path = f"{pre}/{moment:%Y/%m/%d}/{slug}{ext}"
        elif self.article == "numeric":
            path = f"{pre}/{segment}/{number}{ext or '.html'}"
        elif self.article == "query":
            path = f"/{self.query_page}?{self.id_param}={number}"
        elif self.article == "joomla":
            path = f"/index.php?option=com_content&view=article&id={number}&Itemid=101"
        elif self.article == "unixtime":
            path = f"/{slug}-{int(moment.timestamp())}.html"
        else:
            path = f"/chi-tiet-tin-tuc/{slug}"
        return quote(path, safe=_UNRESERVED + "?&=")

    def static_path(self, title: str, number: int) -> str:
        """A page outside the news: the same address shapes as the articles, without a date."""
        if self.article in ("dated", "unixtime"):
            return quote(f"{self.prefix}/{self.slug(title)}{self.ext or '.html'}", safe=_UNRESERVED)
        return self.article_path(title, number, self.slug("gioi thieu"), datetime(2020, 1, 1))

    def category_path(self, segment: str, number: int, page: int = 1) -> str:
        if self.query_listing:
            base = f"/index.php?option=com_content&view=category&id={number}"
            if page == 1:
                return base
            if self.pagination == "start":
                return f"{base}&start={(page - 1) * self.per_page}"
            return f"{base}&{self.page_param}={page}"
        stem = f"{self.prefix}/{segment}"
        first = f"{stem}{self.ext}" if self.ext else f"{stem}/"
        if page == 1:
            return first
        if self.pagination == "path_page":
            return f"{stem}/page/{page}"
        if self.pagination == "trang":
            return f"{stem}/trang-{page}.html"
        if self.pagination == "numbered":
            return f"{stem}/{page}.html"
        if self.pagination == "start":
            return f"{first}?start={(page - 1) * self.per_page}"
        return f"{first}?{self.page_param}={page}"

    def print_path(self, article_path: str, number: int) -> str:
        joiner = "&" if "?" in article_path else "?"
        if self.print_style == "query":
            return f"{article_path}{joiner}print=1"
        if self.print_style == "component":
            return f"{article_path}{joiner}tmpl=component&print=1"
        return f"/in-bai-viet/{number}.html"


def draw_scheme(rng: random.Random) -> UrlScheme:
    article = rng.choice(ARTICLE_SCHEMES)
    ext = rng.choice(EXTENSIONS)
    return UrlScheme(
        article=article,
        prefix=rng.choice(PREFIXES),
        ext=ext,
        fold=rng.random() < 0.8,
        lower=rng.random() < 0.7,
        cut=rng.choice((None, None, 50, 60, 80, 100)),
        separator=rng.choice(("-", "-", "-", "_")),
        query_page=rng.choice(QUERY_PAGES),
        id_param=rng.choice(ID_PARAMS),
        id_base=rng.randrange(10, 90_000),
        id_step=rng.randint(1, 13),
        # A query listing pages by query; the others take any pagination.
        pagination=rng.choice(PAGINATIONS),
        page_param=rng.choice(PAGE_PARAMS),
        query_listing=article == "joomla" or rng.random() < 0.15,
        print_style=rng.choice(("query", "component", "path")),
        per_page=rng.choice((5, 8, 10, 10, 12, 15, 20)),
        start_path=rng.choice(("/", "/index.php", "/trang-chu.html", "/Default.aspx", "/home")),
        search_path=rng.choice(("/tim-kiem", "/tim-kiem.html", "/search", "/Search.aspx")),
    )
