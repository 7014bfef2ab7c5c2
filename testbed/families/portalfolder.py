"""The Hà Tĩnh Java "portal/folder" CMS (portal-notes 2C), wearing the seed page's chrome."""

from __future__ import annotations

import math
import random
import re
from html import escape
from typing import TYPE_CHECKING

from ..model import Article, Block, SiteDef
from ..text import portalfolder_slug
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
    from ..portal import Portal

TICKER_SIZE = 5
_TICKER_GAP = "&nbsp;&nbsp;&nbsp;|&nbsp;&nbsp;&nbsp; "
# The seed page's own widget numbers, kept verbatim on the seed article.
_SEED_STATS = (392, 2139, 27_664_046)


def _uuidish(token: str) -> str:
    return f"{token[:8]}-{token[8:12]}-{token[12:16]}-{token[16:20]}-{token[20:32]}"


class PortalFolder(Family):
    name = "portalfolder"

    def __init__(self, portal: Portal, site: SiteDef) -> None:
        super().__init__(portal, site)
        ctx = self.site.context
        self.root = f"/{ctx}/portal"
        self.start_path = f"{self.root}/folder/home"
        self.search_path = f"{self.root}/search"
        self._listing = re.compile(rf"{self.root}/folder/([a-z0-9-]+)(?:/(\d+)\.html?)?")
        self.image_route = re.compile(
            rf"/{ctx}/static/uploads/ckeditor/images\.thumb\.[0-9a-f-]{{36}}\.jpg"
        )
        self._slugs: set[str] = set()

    # -- URLs ---------------------------------------------------------------------------

    def assign_path(self, article: Article, rng: random.Random) -> str:
        base = slug = portalfolder_slug(article.title)
        attempt = 0
        # The 80-character cut makes long titles collide; the id suffix tells them apart.
        while slug in self._slugs:
            suffix = f"-{article.id}" + (f"-{attempt}" if attempt else "")
            slug = base[: 80 - len(suffix)] + suffix
            attempt += 1
        self._slugs.add(slug)
        return f"{self.root}/read/{article.category.slug}/news/{slug}.html"

    def category_path(self, slug: str, page: int = 1) -> str:
        base = f"{self.root}/folder/{slug}"
        return base if page == 1 else f"{base}/{page}.html"

    def image_path(self, token: str) -> str:
        return f"/{self.site.context}/static/uploads/ckeditor/images.thumb.{_uuidish(token)}.jpg"

    def route(self, path: str, query: Query) -> Response | None:
        if path == self.start_path:
            return html_response(self._home())
        if path == self.search_path:
            return html_response(self._search())
        article = self.portal.by_path[self.site.key].get(path)
        if article is not None:
            return self.article_response(article, self._article(article))
        match = self._listing.fullmatch(path)
        if match and match[1] in self._categories:
            return self._category(match[1], int(match[2] or 1))
        return None

    # -- pages --------------------------------------------------------------------------

    def _home(self) -> str:
        boxes = []
        for category, items in self.newest_by_category():
            links = "".join(
                f'<li><a href="{escape(a.path)}">{escape(a.title)}</a>'
                f" <em>{dmy(self.portal.modified(a))}</em>"
                "</li>"
                for a in items
            )
            boxes.append(
                f'<div class="home_box"><h2><a href="{self.category_path(category.slug)}">'
                f"{escape(category.name)}</a></h2><ul>{links}</ul></div>"
            )
        return self._page(self.site.name, "".join(boxes), stats_key="home")

    def _search(self) -> str:
        main = (
            '<h2 class="folder_title">Tìm kiếm</h2>'
            f'<form action="{self.search_path}" method="get"><input type="text" name="q">'
            '<button type="submit">Tìm kiếm</button></form>'
        )
        return self._page("Tìm kiếm", main, stats_key="search")

    def _category(self, slug: str, page: int) -> Response | None:
        category = self._categories[slug]
        articles = self.portal.category_listing[(self.site.key, slug)]
        last = max(1, math.ceil(len(articles) / PER_PAGE))
        if not 1 <= page <= last:
            return None
        items = []
        for article in articles[(page - 1) * PER_PAGE : page * PER_PAGE]:
            body = self.portal.body(article.id)
            token = next((b.image for b in body.blocks if b.kind == "img"), f"{article.id:032x}")
            items.append(
                f'<div><p class="news_title"><a href="{escape(article.path)}">'
                f"{escape(article.title)}</a></p>"
                f'<img src="{self.image_path(token)}" alt="">'
                f'<p class="news_summary">{escape(body.summary)}</p>'
                f"<p><em>{dmy(self.portal.modified(article))}</em></p></div>"
            )
        main = (
            self._breadcrumb(slug)
            + f'<h2 class="folder_title">{escape(category.name)}</h2>'
            + f'<div class="page_news">{"".join(items)}</div>'
            + self._pager(slug, page, last)
        )
        return html_response(self._page(category.name, main, stats_key=f"{slug}/{page}"))

    def _pager(self, slug: str, page: int, last: int) -> str:
        links = []
        if page > 1:
            links.append(f'<a href="{self.category_path(slug, page - 1)}">Trước</a>')
        for number in pager_pages(page, last):
            if number == page:
                links.append(f'<span class="current">{number}</span>')
            else:
                links.append(f'<a href="{self.category_path(slug, number)}">{number}</a>')
        if page < last:
            links.append(f'<a href="{self.category_path(slug, page + 1)}">Tiếp</a>')
        return f'<div class="pager">{" ".join(links)}</div>'

    def _article(self, article: Article) -> str:
        body = self.portal.body(article.id)
        url = self.portal.article_url(article)
        title = escape(self.shown(article, article.title))
        paragraphs = [f"<p>{escape(self.shown(article, body.summary))}</p>"]
        paragraphs += [self._block(article, i, b) for i, b in enumerate(body.blocks)]
        paragraphs.append(
            f'<p style="text-align: right;"><strong>{escape(article.author)}</strong></p>'
        )
        related = "".join(
            f'<li><a href="{escape(a.path)}">{escape(a.title)}</a> <em>({dmy(a.published)})</em>'
            "</li>"
            for a in self.portal.related(article)
        )
        main = (
            self._breadcrumb(article.category.slug)
            + '<div class="news_detail">'
            + f'<h1 class="news_title">{title}</h1>'
            + f'<p class="news_time">{article.published.strftime("%H:%M %d/%m/%Y")}</p>'
            + f'<div class="share_buttons">{share_links(url, article.title)}</div>'
            + f'<div class="news_content">{"".join(paragraphs)}</div>'
            + "</div>"
            + f'<div class="related_news"><h3>Tin liên quan</h3><ul>{related}</ul></div>'
            + self._comment_box(article)
        )
        stats = _SEED_STATS if article.id == 0 else None
        return self._page(
            self.shown(article, article.title), main, stats_key=f"a{article.id}", stats=stats
        )

    def _block(self, article: Article, index: int, block: Block) -> str:
        text = escape(self.shown(article, block.text))
        if block.kind == "img":
            return (
                f'<table class="image"><tr><td><img src="{self.image_path(block.image)}" alt="">'
                f"</td></tr><tr><td>{text}</td></tr></table>"
            )
        if block.kind == "h":
            return f"<p><strong>{text}</strong></p>"
        # Editors restyle a first letter now and then, which splits the word in the markup.
        if article.id and (article.id + index) % 9 == 0 and len(text) > 1 and text[0] != "&":
            text = f'<span style="font-size:14pt">{text[0]}</span>{text[1:]}'
        return f"<p>{text}</p>"

    def _comment_box(self, article: Article) -> str:
        return (
            '<div class="comment_box"><h3>Thêm nhận xét mới</h3>'
            f'<form method="post" action="{self.root}/comment/{article.id}">'
            '<p><input type="text" name="name" placeholder="Họ và tên"></p>'
            '<p><input type="text" name="email" placeholder="Email"></p>'
            '<p><textarea name="content" rows="4"></textarea></p>'
            '<p><button type="submit">Gửi bình luận</button></p></form>'
            '<div class="comment_success" style="display:none">&nbsp;Bình luận của bạn đã được'
            ' gửi thành công. Cảm ơn bạn! &nbsp; <a href="javascript:void(0);">Làm mới</a></div>'
            '<div class="comment_error" style="display:none">Lỗi: Vui lòng thử lại</div></div>'
        )

    # -- chrome -------------------------------------------------------------------------

    def _breadcrumb(self, slug: str) -> str:
        name = escape(self._categories[slug].name)
        return (
            f'<ul class="breadcrumb"><li><a href="{self.start_path}">Trang chủ</a></li>'
            f'<li><a href="{self.category_path(slug)}">{name}</a></li></ul>'
        )

    def _ticker(self) -> str:
        newest = self.portal.site_articles[self.site.key][:TICKER_SIZE]
        items = "".join(
            f'<a href="{escape(a.path)}">{escape(a.title)}</a>{_TICKER_GAP}' for a in newest
        )
        return f'<div class="ticker">{items}</div>'

    def _page(
        self, title: str, main: str, *, stats_key: str, stats: tuple[int, int, int] | None = None
    ) -> str:
        menu = "".join(
            f'<li><a href="{self.category_path(c.slug)}">{escape(c.name)}</a></li>'
            for c in self.site.categories
        )
        visits, reads, total = stats or (
            self.counter(f"{stats_key}:v", 150, 900),
            self.counter(f"{stats_key}:r", 1000, 5000),
            self.counter(f"{stats_key}:t", 20_000_000, 30_000_000),
        )
        events = "".join(
            f'<li><a href="{self.category_path(c.slug)}">{escape(c.name)}</a></li>'
            for c in self.site.categories[:3]
        )
        banners = "".join(
            f'<li><a href="{url}" target="_blank">{escape(name)}</a></li>'
            for name, url in OUTSIDE_LINKS
        )
        siblings = "".join(
            f'<li><a href="{escape(url)}">{escape(name)}</a></li>'
            for name, url in self.other_sites()
        )
        return (
            '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)} - {escape(self.site.name)}</title></head><body>"
            '<div id="wrapper"><div class="header">'
            f'<div class="banner"><a href="{self.start_path}">'
            f'<span class="site_name">{escape(self.site.name)}</span></a></div>'
            f'<form class="search_form" action="{self.search_path}" method="get">'
            '<input type="text" name="q"><button type="submit">Tìm kiếm</button></form>'
            f'<ul class="menu"><li><a href="{self.start_path}">Trang chủ</a></li>{menu}'
            f'<li><a href="{self.search_path}">Tìm kiếm</a></li></ul></div>'
            f'{self._ticker()}<div class="main">{main}</div><div class="sidebar">'
            '<div class="stats"><h3>Thống kê trong ngày</h3>'
            f"<p>Lượt truy cập: &emsp; {thousands(visits)}</p>"
            f"<p>Lượt đọc tin: &emsp; {thousands(reads)}</p>"
            f"<p>Tổng số truy cập: &emsp; {thousands(total)}</p></div>"
            f'<div class="events"><h3>Sự kiện</h3><ul>{events}</ul></div>'
            f'<div class="banners"><ul>{banners}</ul></div></div>'
            f'<div class="footer"><div class="weblinks">Liên kết website<ul>{siblings}</ul></div>'
            f"<p>Bản quyền thuộc {escape(self.site.name)}</p>"
            "<p>Địa chỉ: Thành phố Hà Tĩnh, tỉnh Hà Tĩnh</p></div></div></body></html>"
        )
