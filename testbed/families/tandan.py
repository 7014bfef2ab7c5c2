"""The SharePoint "Tân Dân" portal family (portal-notes 2A)."""

from __future__ import annotations

import random
import re
import string
from html import escape
from typing import TYPE_CHECKING

from ..model import Article, Block
from ..text import named_entities, tandan_slug
from .base import (
    OUTSIDE_LINKS,
    PER_PAGE,
    Family,
    Query,
    Response,
    dmy,
    html_response,
    pager_pages,
    share_links,
    thousands,
)

if TYPE_CHECKING:
    pass

_PAGES = "/portal/Pages"
_SUFFIX_ALPHABET = string.ascii_lowercase + string.digits
_ARTICLE = re.compile(r"/portal/Pages/\d{4}-\d{1,2}-\d{1,2}/[^/]+\.aspx")
_CATEGORY = re.compile(r"/portal/Pages/([A-Za-z0-9_-]+)\.aspx")
_IMAGE = re.compile(r"/portal/Photos/\d{4}-\d{2}-\d{2}/anh-[0-9a-f]{10}\.jpg")
# SharePoint wraps every page in web-part tables whose ids carry a GUID.
_LIST_GUID = "7a1c5b8e_3f4d_4c2a_9b6e_0d8f2e1a4c37"


class Tandan(Family):
    name = "tandan"

    start_path = f"{_PAGES}/default.aspx"
    search_path = f"{_PAGES}/Tim-kiem.aspx"
    image_route = _IMAGE

    # -- URLs ---------------------------------------------------------------------------

    def assign_path(self, article: Article, rng: random.Random) -> str:
        day = article.published
        folder = f"{_PAGES}/{day.year}-{day.month}-{day.day}"
        slug = tandan_slug(article.title)
        taken = self.portal.by_path[self.site.key]
        while True:
            path = f"{folder}/{slug}{''.join(rng.choices(_SUFFIX_ALPHABET, k=6))}.aspx"
            if path not in taken:
                return path

    def category_path(self, slug: str, page: int | None = None) -> str:
        base = f"{_PAGES}/{slug}.aspx"
        return base if page is None else f"{base}?PageIndex={page}"

    def image_path(self, article: Article, token: str) -> str:
        return f"/portal/Photos/{article.published:%Y-%m-%d}/anh-{token[:10]}.jpg"

    def route(self, path: str, query: Query) -> Response | None:
        if path == self.start_path:
            return html_response(self._home())
        if path == self.search_path:
            return html_response(self._search())
        if _ARTICLE.fullmatch(path):
            article = self.portal.by_path[self.site.key].get(path)
            return self.article_response(article, self._article(article)) if article else None
        match = _CATEGORY.fullmatch(path)
        if match and match[1] in self._categories:
            return html_response(self._category(match[1], _page_index(query)))
        return None

    # -- pages --------------------------------------------------------------------------

    def _home(self) -> str:
        boxes = []
        for category, items in self.newest_by_category():
            top = self._news_top(items[0]) if items else ""
            rest = "".join(
                f'<p class="tandan-p-module-news-second"><a href="{escape(a.path)}">'
                f'{escape(a.title)}</a> <span class="ngay">'
                f"({dmy(self.portal.modified(a))})</span></p>"
                for a in items[1:]
            )
            boxes.append(
                f'<div class="TD-box-news"><div class="TD-box-news-title">'
                f'<a href="{self.category_path(category.slug)}">{escape(category.name)}</a>'
                f"</div>{top}{rest}</div>"
            )
        return self._page(self.site.name, "".join(boxes), stats_key="home")

    def _search(self) -> str:
        main = (
            '<div class="TD-box-news-title">Tìm kiếm</div>'
            f'<form action="{self.search_path}" method="get"><input type="text" name="k">'
            '<input type="submit" value="Tìm kiếm"></form>'
        )
        return self._page("Tìm kiếm", main, stats_key="search")

    def _news_top(self, article: Article) -> str:
        body = self.portal.body(article.id)
        token = next((b.image for b in body.blocks if b.kind == "img"), f"{article.id:010x}")
        return (
            '<div class="tandan-div-module-news-top">'
            f'<div class="tandan-div-module-news-default-left"><a href="{escape(article.path)}">'
            f'<img src="{self.image_path(article, token)}" alt=""></a></div>'
            '<div class="tandan-div-module-news-default-right">'
            f'<p class="tandan-p-module-news-title"><a href="{escape(article.path)}">'
            f"{escape(article.title)}</a></p>"
            f'<span class="ngay">({dmy(self.portal.modified(article))})</span>'
            f'<p class="tandan-p-module-news-summary">{escape(body.summary)}</p></div></div>'
        )

    def _category(self, slug: str, page: int) -> str:
        category = self._categories[slug]
        articles = self.portal.category_listing[(self.site.key, slug)]
        last = max(1, -(-len(articles) // PER_PAGE))
        # Past the last page SharePoint answers 200 with an empty list, not 404.
        items = "".join(
            self._news_top(a) for a in articles[(page - 1) * PER_PAGE : page * PER_PAGE]
        )
        links = []
        if page > 1:
            links.append(f'<a href="{self.category_path(slug, min(page - 1, last))}">&lt;</a>')
        for number in pager_pages(min(page, last), last):
            if number == page:
                links.append(f'<span class="CurrentPage">{number}</span>')
            else:
                links.append(f'<a href="{self.category_path(slug, number)}">{number}</a>')
        if page < last:
            links.append(f'<a href="{self.category_path(slug, page + 1)}">Tiếp</a>')
        main = (
            self._breadcrumb(slug)
            + f'<div class="TD-box-news-title">{escape(category.name)}</div>'
            + f'<table id="ctl00_ctl34_g_{_LIST_GUID}_ctl00_dform">'
            + f"<tr><td>{items}</td></tr></table>"
            + f'<div class="tandan-pager">{" ".join(links)}</div>'
        )
        return self._page(category.name, main, stats_key=f"{slug}/{page}")

    def _article(self, article: Article) -> str:
        body = self.portal.body(article.id)
        url = self.portal.article_url(article)
        blocks = "".join(self._block(article, i, b) for i, b in enumerate(body.blocks))
        others = "".join(
            f'<li><a href="{escape(a.path)}">{escape(a.title)}</a> '
            f'<span class="ngay">({dmy(a.published)})</span></li>'
            for a in self.portal.related(article)
        )
        main = (
            self._breadcrumb(article.category.slug)
            + '<div class="tandan-article">'
            + '<h1 class="tandan-p-article-news-title">'
            + f"{escape(self.shown(article, article.title))}</h1>"
            + '<span class="tandan-span-date-publish">Đăng ngày '
            + f"{article.published:%d/%m/%Y %H:%M}</span>"
            + '<p class="tandan-p-article-news-summary">'
            + f"{named_entities(self.shown(article, body.summary))}</p>"
            + '<div class="tandan-p-article-main ms-rtestate-field"'
            + ' id="ctl00_PlaceHolderMain_ctl02__ControlWrapper_RichHtmlField">'
            + blocks
            + f'<p style="text-align: right;"><strong>{escape(article.author)}</strong></p>'
            + f'<div class="social-share">{share_links(url, article.title)}</div></div>'
            + '<div class="tandan-div-article-other"><p class="tandan-p-article-other">'
            + f"Các tin khác</p><ul>{others}</ul></div></div>"
        )
        return self._page(self.shown(article, article.title), main, stats_key=f"a{article.id}")

    def _block(self, article: Article, index: int, block: Block) -> str:
        text = escape(self.shown(article, block.text))
        if block.kind == "img":
            return (
                f'<p style="text-align:center"><img src="{self.image_path(article, block.image)}"'
                f' alt=""></p><p style="text-align:center"><em>{text}</em></p>'
            )
        if block.kind == "h":
            return f"<p><strong>{text}</strong></p>"
        # The SharePoint rich-text editor leaves zero-width spaces and &nbsp; in paragraphs.
        if (article.id + index) % 4 == 0:
            text = "\u200b" + text.replace(" ", "&nbsp;", 1) + "&nbsp;"
        return f"<p>{text}</p>"

    # -- chrome -------------------------------------------------------------------------

    def _breadcrumb(self, slug: str) -> str:
        return (
            f'<div class="tandan-breadcrumb"><a href="{self.start_path}">Trang chủ</a> '
            f'<a href="{self.category_path(slug)}">{escape(self._categories[slug].name)}</a></div>'
        )

    def _page(self, title: str, main: str, *, stats_key: str) -> str:
        menu = "".join(
            f'<li><a href="{self.category_path(c.slug)}">{escape(c.name)}</a></li>'
            for c in self.site.categories
        )
        links = [*self.other_sites(), *OUTSIDE_LINKS]
        weblinks = "".join(
            f'<li><a href="{escape(url)}" target="_blank">{escape(name)}</a></li>'
            for name, url in links
        )
        votes = self.counter(f"{stats_key}:votes", 3, 60)
        return (
            '<!DOCTYPE html><html dir="ltr" lang="vi-VN"><head><meta charset="utf-8">'
            '<meta http-equiv="X-UA-Compatible" content="IE=10">'
            f"<title>{escape(title)} - {escape(self.site.name.upper())}</title></head>"
            '<body class="v4master"><div id="s4-workspace"><div id="s4-bodyContainer">'
            '<table class="s4-wpTopTable" width="100%"><tr><td><div class="TD-header">'
            f'<a href="{self.start_path}">{escape(self.site.name)}</a></div></td></tr></table>'
            f'<div class="TD-menu-top"><ul><li><a href="{self.start_path}">Trang chủ</a></li>'
            f'{menu}<li><a href="{self.search_path}">Tìm kiếm</a></li></ul></div>'
            '<div class="TD-left"><div class="TD-box-news-title">Chuyên mục</div>'
            f'<ul class="TD-ul-module-menu-left">{menu}</ul></div>'
            f'<div class="TD-center" id="WebPartWPQ1">{main}</div>'
            f'<div class="TD-footer"><div class="rating">Đánh giá: <span class="stars"></span>'
            f" lượt đánh giá: {votes}, trung bình: 4,{votes % 10}</div>"
            f'<div class="weblinks">Liên kết website<ul>{weblinks}</ul></div>'
            f'<div class="counter">Thống kê: '
            f"{thousands(self.counter(f'{stats_key}:total', 5_000_000, 9_000_000))}"
            f" <span>Online: {self.counter(f'{stats_key}:online', 20, 200)}</span></div>"
            f"<p>Cơ quan chủ quản: {escape(self.site.name)}</p></div>"
            "</div></div></body></html>"
        )


def _page_index(query: Query) -> int:
    """SharePoint shows page 1 for a missing or malformed PageIndex rather than failing."""
    try:
        return max(1, int(query.get("PageIndex", ["1"])[0]))
    except ValueError:
        return 1
