"""Liferay 6.2 department sites (portal-notes 2D), modelled on the Hà Nội Sở TT&TT mirror."""

from __future__ import annotations

import hashlib
import random
import re
import zlib
from datetime import datetime
from email.utils import format_datetime
from html import escape
from typing import TYPE_CHECKING

from ..model import Article, Block, Category
from ..text import liferay_slug, numeric_entities
from .base import (
    OUTSIDE_LINKS,
    PER_PAGE,
    Family,
    Query,
    Response,
    dmy,
    html_response,
    pager_pages,
    rss_feed,
    share_links,
    thousands,
)

if TYPE_CHECKING:
    pass

_GUEST = "/web/guest"
_GROUP_ID = 20182
_SESSION = re.compile(r";jsessionid=[0-9A-F]{32}$")
_ARTICLE = re.compile(r"/([a-z0-9-]+)/-/view_content/(\d+)-[a-z0-9-]+\.html")
_RSS = re.compile(rf"{_GUEST}/([a-z0-9-]+)/-/asset_publisher/([A-Za-z0-9]+)/rss")
_IMAGE = re.compile(r"/image/journal/article\.jpg")
_FIRST_CONTENT_ID = 4_418_033
_RSS_ITEMS = 20


class Liferay(Family):
    name = "liferay"

    start_path = f"{_GUEST}/trang-chu"
    search_path = f"{_GUEST}/tim-kiem"
    image_route = _IMAGE

    # -- URLs ---------------------------------------------------------------------------

    def assign_path(self, article: Article, rng: random.Random) -> str:
        content_id = _FIRST_CONTENT_ID + 7 * article.id
        slug = liferay_slug(article.title)
        return f"/{article.category.slug}/-/view_content/{content_id}-{slug}.html"

    def attachment_path(self, article: Article, filename: str) -> str:
        uuid = f"{zlib.crc32(filename.encode()):08x}-5b1e-4c1a-9d2e-{article.id:012x}"
        return f"/documents/{_GROUP_ID}/0/{filename}/{uuid}"

    def category_path(self, slug: str, page: int = 1) -> str:
        base = f"{_GUEST}/{slug}"
        if page == 1:
            return base
        portlet = f"101_INSTANCE_{_instance(slug)}"
        return (
            f"{base}?p_p_id={portlet}&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view"
            f"&p_p_col_id=column-1&p_p_col_count=1&_{portlet}_delta={PER_PAGE}&_{portlet}_cur={page}"
        )

    def rss_path(self, slug: str) -> str:
        return f"{_GUEST}/{slug}/-/asset_publisher/{_instance(slug)}/rss"

    def linked_path(self, article: Article) -> str:
        """Asset publisher links carry the session id on every other item."""
        if article.id % 2:
            return article.path
        session = hashlib.md5(article.path.encode(), usedforsecurity=False).hexdigest()
        return f"{article.path};jsessionid={session.upper()}"

    def image_path(self, token: str) -> str:
        return f"/image/journal/article.jpg?img_id={int(token[:8], 16)}&t={int(token[8:16], 16)}"

    def route(self, path: str, query: Query) -> Response | None:
        path = _SESSION.sub("", path)
        if path == self.start_path:
            return html_response(self._home())
        if path == self.search_path:
            return html_response(self._search())
        article = self.portal.by_path[self.site.key].get(path)
        if article is not None:
            if query.get("p_p_state") == ["pop_up"]:
                return self.article_response(article, self._print_view(article))
            return self.article_response(article, self._article(article))
        if path.startswith(f"{_GUEST}/") and path[len(_GUEST) + 1 :] in self._categories:
            slug = path[len(_GUEST) + 1 :]
            return html_response(self._category(slug, _current_page(slug, query)))
        feed = _RSS.fullmatch(path)
        if feed and feed[1] in self._categories and feed[2] == _instance(feed[1]):
            return self._feed(self._categories[feed[1]])
        return None

    # -- pages --------------------------------------------------------------------------

    def _home(self) -> str:
        boxes = []
        for category, items in self.newest_by_category(4):
            boxes.append(
                f'<div class="portlet-boundary"><h2 class="portlet-title">'
                f'<a href="{self.category_path(category.slug)}">{escape(category.name)}</a></h2>'
                f"{''.join(self._asset(a) for a in items)}</div>"
            )
        return self._page(self.site.name, "".join(boxes), stats_key="home")

    def _search(self) -> str:
        main = (
            f'<form action="{self.search_path}" method="get"><input type="text" name="keywords">'
            '<input type="submit" value="Tìm kiếm"></form>'
        )
        return self._page("Tìm kiếm", main, stats_key="search")

    def _asset(self, article: Article) -> str:
        body = self.portal.body(article.id)
        token = next((b.image for b in body.blocks if b.kind == "img"), f"{article.id:016x}")
        link = escape(self.linked_path(article))
        stamp = _stamp(self.portal.modified(article))
        return (
            '<div class="asset-bounddary"><div class="asset-abstract">'
            '<div class="asset-content normal-news">'
            f'<div class="asset-image"><a href="{link}">'
            f'<img src="{escape(self.image_path(token))}" alt=""></a></div>'
            '<div class="asset-content-custom">'
            f'<h3 class="asset-title"><a href="{link}">{escape(article.title)}</a></h3>'
            f'<div class="assetPublishDate block_timer"> {stamp} </div>'
            f'<div class="asset-summary">{escape(body.summary)}</div></div></div></div></div>'
        )

    def _category(self, slug: str, page: int) -> str:
        category = self._categories[slug]
        articles = self.portal.category_listing[(self.site.key, slug)]
        last = max(1, -(-len(articles) // PER_PAGE))
        page = min(page, last)  # Liferay shows the last page for a cursor past the end
        items = "".join(self._asset(a) for a in articles[(page - 1) * PER_PAGE : page * PER_PAGE])
        buttons = [
            f'<li><a href="{escape(self.category_path(slug, n))}">{n}</a></li>'
            if n != page
            else f'<li class="active"><span>{n}</span></li>'
            for n in pager_pages(page, last)
        ]
        main = (
            self._breadcrumb(category)
            + f'<div id="p_p_id_101_INSTANCE_{_instance(slug)}_" class="portlet-asset-publisher">'
            + f'<h2 class="portlet-title">{escape(category.name)}</h2>{items}'
            + '<div class="taglib-page-iterator" id="_101_ocerSearchContainerPageIterator">'
            + f'<ul class="pager lfr-pagination-buttons">{"".join(buttons)}</ul></div>'
            + f'<a class="rss-link" href="{self.rss_path(slug)}">RSS</a></div>'
        )
        return self._page(category.name, main, stats_key=f"{slug}/{page}")

    def _feed(self, category: Category) -> Response:
        articles = self.portal.category_articles[(self.site.key, category.slug)][:_RSS_ITEMS]
        items = [
            (
                article.title,
                self.portal.url(self.site.key, self.linked_path(article)),
                format_datetime(article.published),
                self.portal.body(article.id).summary,
            )
            for article in articles
        ]
        link = self.portal.url(self.site.key, self.category_path(category.slug))
        return rss_feed(category.name, link, items)

    def _article(self, article: Article) -> str:
        body = self.portal.body(article.id)
        url = self.portal.article_url(article)
        blocks = "".join(self._block(article, i, b) for i, b in enumerate(body.blocks))
        # The sign-off is a bold last paragraph, as Liferay editors type it.
        signoff = f"<p><strong>{escape(article.author)}</strong></p>"
        attachments = "".join(
            f'<li><a href="{escape(path)}" target="_blank">{escape(name)}</a></li>'
            for path, name in self.attachment_links(article)
        )
        others = "".join(
            f'<li><a href="{escape(self.linked_path(a))}">{escape(a.title)}</a>'
            f" <span>({dmy(a.published)})</span></li>"
            for a in self.portal.related(article)
        )
        views = self.counter(f"a{article.id}:views", 40, 3000)
        main = (
            self._breadcrumb(article.category)
            + f'<div id="p_p_id_101_INSTANCE_{_instance(article.category.slug)}_"'
            + ' class="portlet-asset-publisher"><div class="asset-full-content">'
            + '<div class="contentDetail"><div><h3 class="header-title">'
            + f"{numeric_entities(self.shown(article, article.title), hexadecimal=False)}</h3>"
            + "</div></div>"
            + f'<div class="assetPublishDate block_timer">Ngày đăng {_stamp(article.published)}'
            + f" &nbsp;|&nbsp;Lượt xem: {thousands(views)}</div>"
            + '<div class="sapo"><strong>'
            + f"{escape(self.shown(article, body.summary))}</strong></div>"
            + f'<div class="journal-content-article">{blocks}{signoff}</div>'
            + (
                f'<div class="asset-attachments"><p>Tệp đính kèm:</p><ul>{attachments}</ul></div>'
                if attachments
                else ""
            )
            + f'<div class="taglib-social-bookmarks">{share_links(url, article.title)}</div>'
            + f'<a class="print-link" href="{escape(article.path)}?p_p_state=pop_up'
            + '&amp;_101_viewMode=print">In bài viết</a></div></div>'
            + f'<div class="other-news"><h4>Các tin khác</h4><ul>{others}</ul></div>'
        )
        return self._page(self.shown(article, article.title), main, stats_key=f"a{article.id}")

    def _print_view(self, article: Article) -> str:
        """The pop-up print view: the whole article again, without the portal chrome."""
        body = self.portal.body(article.id)
        blocks = "".join(self._block(article, i, b) for i, b in enumerate(body.blocks))
        canonical = self.portal.article_url(article)
        return (
            '<!DOCTYPE html><html lang="vi-VN"><head><meta charset="utf-8">'
            f"<title>{escape(article.title)}</title>"
            f'<link rel="canonical" href="{escape(canonical)}"></head>'
            f'<body class="portal-popup"><h3 class="header-title">{escape(article.title)}</h3>'
            f"<p>Ngày đăng {_stamp(article.published)}</p>"
            f"<p><strong>{escape(body.summary)}</strong></p>"
            f"{blocks}<p><strong>{escape(article.author)}</strong></p>"
            "<script>window.print();</script></body></html>"
        )

    def _block(self, article: Article, index: int, block: Block) -> str:
        text = self.shown(article, block.text)
        if block.kind == "img":
            return (
                f'<p style="text-align:center"><img src="{escape(self.image_path(block.image))}"'
                f' alt=""></p><p style="text-align:center"><em>{escape(text)}</em></p>'
            )
        if block.kind == "h":
            return f"<p><strong>{escape(text)}</strong></p>"
        # A restyled phrase start splits the first word in the markup.
        if (article.id + index) % 7 == 0 and len(text) > 3:
            return (
                f'<p><span style="font-family:Arial">{escape(text[:2])}</span>'
                f"{escape(text[2:])}&nbsp;</p>"
            )
        return f"<p>{escape(text)}</p>"

    # -- chrome -------------------------------------------------------------------------

    def _breadcrumb(self, category: Category) -> str:
        return (
            '<ul class="breadcrumb breadcrumb-horizontal">'
            f'<li class="first"><a href="{self.start_path}">Trang chủ</a></li>'
            f'<li class="last"><a href="{self.category_path(category.slug)}">'
            f"{escape(category.name)}</a></li></ul>"
        )

    def _page(self, title: str, main: str, *, stats_key: str) -> str:
        menu = "".join(
            f'<li><a href="{self.category_path(c.slug)}"><span>{escape(c.name)}</span></a></li>'
            for c in self.site.categories
        )
        links = [*self.other_sites(), *OUTSIDE_LINKS]
        weblinks = "".join(
            f'<option value="{escape(url)}">{escape(name)}</option>' for name, url in links
        )
        footer = numeric_entities(
            f"Bộ phận tiếp nhận hồ sơ: {self.site.name}. Lượt truy cập: "
            f"{thousands(self.counter(f'{stats_key}:visits', 100_000, 900_000))}",
            hexadecimal=False,
        )
        return (
            '<!DOCTYPE html><html class="ltr" dir="ltr" lang="vi-VN"><head>'
            f"<title>{escape(title)} - {escape(self.site.name)}</title>"
            '<meta content="text/html; charset=UTF-8" http-equiv="content-type">'
            "<script>Liferay.authToken = 'aB3dE5fG';"
            " var themeDisplay = Liferay.ThemeDisplay;</script></head>"
            '<body class="so4t_WAR_so4ttheme controls-visible signed-out public-page">'
            f'<header id="banner"><a class="logo" href="{self.start_path}">'
            f"{escape(self.site.name)}</a>"
            f'<nav id="navigation"><ul><li><a href="{self.start_path}">Trang chủ</a></li>'
            f'{menu}<li><a href="{self.search_path}">Tìm kiếm</a></li></ul></nav></header>'
            f'<div id="content"><div class="columns-2"><div id="column-1">{main}</div>'
            '<div id="column-2"><div class="portlet-boundary weblinks">'
            f'<select onchange="window.open(this.value)">{weblinks}</select>'
            "</div></div></div></div>"
            f'<footer id="footer"><p>{footer}</p></footer></body></html>'
        )


def _instance(slug: str) -> str:
    """A Liferay portlet instance id: 12 characters, stable per category."""
    digest = f"{zlib.crc32(slug.encode()):08x}{zlib.crc32(slug[::-1].encode()):08x}"
    return "".join(ch.upper() if i % 3 == 0 else ch for i, ch in enumerate(digest[:12]))


def _stamp(moment: datetime) -> str:
    """` 21/07/2022 | 10:00 AM `: day-first date, 12-hour clock."""
    return f"{dmy(moment)} | {moment:%I:%M %p}"


def _current_page(slug: str, query: Query) -> int:
    values = query.get(f"_101_INSTANCE_{_instance(slug)}_cur", ["1"])
    return max(1, int(values[0])) if values[0].isdigit() else 1
