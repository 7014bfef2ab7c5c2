"""NukeViet 4.4 sites (portal-notes 2E): nongthonmoi.hatinh.gov.vn and commune sites."""

from __future__ import annotations

import math
import random
import re
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING

from ..model import Article, Block, Category
from ..text import nukeviet_alias, numeric_entities
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
    sitemap,
    thousands,
)

if TYPE_CHECKING:
    pass

# nv_date('l - d/m/Y H:i'): the weekday comes first, Monday to Sunday.
WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")
# NukeViet's default robots.txt (portal-notes 2E).
_ROBOTS_DISALLOWED = (
    *("/admin/", "/cache/", "/data/", "/includes/", "/install/", "/language/", "/logs/"),
    *("/modules/", "/sess/", "/tmp/", "/web.config"),
)
_IMAGE = re.compile(r"/uploads/news/\d{4}_\d{2}/anh-[0-9a-f]{10}\.jpg")
_LISTING = re.compile(r"/([A-Za-z0-9-]+)/(?:page-(\d+))?")
_FEED = re.compile(r"/rss/(?:([A-Za-z0-9-]+)/)?")


class NukeViet(Family):
    name = "nukeviet"

    start_path = "/"
    search_path = "/seek/"
    image_route = _IMAGE

    # -- URLs ---------------------------------------------------------------------------

    def assign_path(self, article: Article, rng: random.Random) -> str:
        return f"/{article.category.slug}/{nukeviet_alias(article.title)}-{article.id}.html"

    def attachment_path(self, article: Article, filename: str) -> str:
        return f"/uploads/news/{article.published:%Y_%m}/{filename}"

    def category_path(self, slug: str, page: int = 1) -> str:
        return f"/{slug}/" if page == 1 else f"/{slug}/page-{page}"

    def copy_path(self, article: Article, kind: str) -> str:
        """The save-file or print copy of an article."""
        return f"/{kind}{article.path}"

    def image_path(self, article: Article, token: str) -> str:
        return f"/uploads/news/{article.published:%Y_%m}/anh-{token[:10]}.jpg"

    def robots(self) -> str:
        lines = ["User-agent: *", *(f"Disallow: {path}" for path in _ROBOTS_DISALLOWED)]
        lines += [
            f"Disallow: {self.search_path}",
            f"Sitemap: {self.portal.url(self.site.key, '/sitemap.xml')}",
        ]
        return "\n".join(lines) + "\n"

    def route(self, path: str, query: Query) -> Response | None:
        articles = self.portal.by_path[self.site.key]
        if path == self.start_path:
            return html_response(self._home())
        if path == self.search_path:
            return html_response(self._page("Tìm kiếm", "<form><input name='q'></form>", "seek"))
        if path == "/sitemap.xml":
            own = self.portal.site_articles[self.site.key]
            return sitemap([(self.portal.article_url(a), self.portal.modified(a)) for a in own])
        if path in articles:
            return self.article_response(articles[path], self._article(articles[path]))
        for kind in ("savefile", "print"):
            copied = articles.get(path.removeprefix(f"/{kind}"))
            if path.startswith(f"/{kind}/") and copied is not None:
                return self.article_response(copied, self._copy(copied, kind))
        feed = _FEED.fullmatch(path)
        if feed and (feed[1] is None or feed[1] in self._categories):
            return self._feed(self._categories.get(feed[1] or ""))
        listing = _LISTING.fullmatch(path)
        if listing and listing[1] in self._categories:
            return self._category(listing[1], int(listing[2] or 1))
        return None

    # -- pages --------------------------------------------------------------------------

    def _home(self) -> str:
        boxes = []
        for category, items in self.newest_by_category():
            links = "".join(
                f'<li><a href="{escape(a.path)}" title="{escape(a.title)}">{escape(a.title)}'
                f"</a></li>"
                for a in items
            )
            boxes.append(
                f'<div class="panel panel-default news_column"><div class="panel-heading">'
                f'<a href="{self.category_path(category.slug)}">{escape(category.name)}</a></div>'
                f'<ul class="related list-items">{links}</ul></div>'
            )
        return self._page(self.site.name, "".join(boxes), "home")

    def _item(self, article: Article) -> str:
        body = self.portal.body(article.id)
        token = next((b.image for b in body.blocks if b.kind == "img"), f"{article.id:010x}")
        path = escape(article.path)
        stamp = _nv_date(self.portal.modified(article))
        return (
            '<div class="news_column"><div class="panel panel-default clearfix">'
            f'<div class="panel-body"><a href="{path}"><img class="img-thumbnail pull-left imghome"'
            f' src="{self.image_path(article, token)}" alt=""></a>'
            f'<h3><a href="{path}" title="{escape(article.title)}">{escape(article.title)}</a></h3>'
            '<div class="text-muted"><ul class="list-unstyled list-inline">'
            f'<li><em class="fa fa-clock-o">&nbsp;</em> {stamp}</li>'
            f'<li><em class="fa fa-eye">&nbsp;</em> Lượt xem: {self._views(article)}</li></ul>'
            f"</div><p>{escape(body.summary)}</p></div></div></div>"
        )

    def _category(self, slug: str, page: int) -> Response | None:
        category = self._categories[slug]
        articles = self.portal.category_listing[(self.site.key, slug)]
        last = max(1, math.ceil(len(articles) / PER_PAGE))
        if not 1 <= page <= last:
            return None
        items = "".join(self._item(a) for a in articles[(page - 1) * PER_PAGE : page * PER_PAGE])
        pager = "".join(
            f'<li class="active"><a href="#">{n}</a></li>'
            if n == page
            else f'<li><a href="{self.category_path(slug, n)}">{n}</a></li>'
            for n in pager_pages(page, last)
        )
        main = (
            self._breadcrumb(category)
            + items
            + f'<div class="text-center"><ul class="pagination">{pager}</ul></div>'
        )
        return html_response(self._page(category.name, main, f"{slug}/{page}", category))

    def _feed(self, category: Category | None) -> Response:
        return self.feed(category, "/")

    def _article(self, article: Article) -> str:
        body = self.portal.body(article.id)
        url = self.portal.article_url(article)
        blocks = "".join(self._block(article, i, b) for i, b in enumerate(body.blocks))
        if article.original is not None:
            original = self.portal.articles[article.original]
            # An RSS import ends with a link back to the story it came from.
            blocks += (
                f'<p class="text-right"><a href="{escape(self.portal.article_url(original))}"'
                ' class="pull-right">Chi tiết</a></p>'
            )
        downloads = "".join(
            f'<div class="list-group-item"><em class="fa fa-file-o">&nbsp;</em>'
            f'<a href="{escape(path)}" title="{escape(name)}" download>{escape(name)}</a></div>'
            for path, name in self.attachment_links(article)
        )
        source = self._source(article)
        related = "".join(
            f'<li><em class="fa fa-angle-right">&nbsp;</em><h4><a href="{escape(a.path)}">'
            f"{escape(a.title)}</a> <em>({dmy(a.published)})</em></h4></li>"
            for a in self.portal.related(article)
        )
        save = escape(self.copy_path(article, "savefile"))
        print_view = escape(self.copy_path(article, "print"))
        main = (
            self._breadcrumb(article.category)
            + '<div class="news_column panel panel-default" itemscope'
            + ' itemtype="http://schema.org/NewsArticle"><div class="panel-body">'
            + '<h1 class="title margin-bottom-lg" itemprop="headline">'
            + f"{escape(self.shown(article, article.title))}</h1>"
            + '<div class="row margin-bottom-lg"><div class="col-md-12">'
            + f'<span class="h5">{_nv_date(article.published)}</span></div>'
            + '<div class="col-md-12"><ul class="list-inline text-right">'
            + f'<li><a class="dimgray" rel="nofollow" title="Lưu bài viết này" href="{save}">'
            + '<em class="fa fa-save">&nbsp;</em></a></li>'
            + '<li><a class="dimgray" rel="nofollow" title="In ra" href="javascript:void(0);"'
            + f" onclick=\"nv_open_browse('{print_view}','',840,500);return false\">"
            + '<em class="fa fa-print">&nbsp;</em></a></li></ul></div></div>'
            + '<div class="clearfix"><div class="hometext m-bottom" itemprop="description">'
            + f"{escape(self.shown(article, body.summary))}</div></div>"
            + f'<div id="news-bodyhtml" class="bodytext margin-bottom-lg">{blocks}</div>'
            + (
                '<div class="news-download-file"><div class="list-group">'
                + f"{downloads}</div></div>"
                if downloads
                else ""
            )
            + f'<p class="h5 text-right"><strong>Tác giả: </strong>{escape(article.author)}</p>'
            + (
                f'<p class="h5 text-right"><strong>Nguồn: </strong>{escape(source)}</p>'
                if source
                else ""
            )
            + f'<div class="socialicon clearfix">{share_links(url, article.title)}</div>'
            + "</div></div>"
            + '<div class="news_column panel panel-default"><div class="panel-body">'
            + '<div class="keywords"><em class="fa fa-tags">&nbsp;</em> Từ khóa: '
            + f'<a href="/tag/{escape(article.category.slug.lower())}">'
            + f"{escape(article.category.name.lower())}</a></div></div></div>"
            + '<div class="news_column panel panel-default"><div class="panel-body other-news">'
            + '<p class="h3"><strong>Những tin cũ hơn</strong></p>'
            + f'<ul class="detail-related related list-none list-items">{related}</ul></div></div>'
            + '<div class="news_column panel panel-default"><div class="panel-body">'
            + f"Lượt xem: {self._views(article)}</div></div>"
        )
        return self._page(article.title, main, f"a{article.id}", article.category, article)

    def _copy(self, article: Article, kind: str) -> str:
        """The /savefile/ and print copies: the whole article under its own title."""
        body = self.portal.body(article.id)
        blocks = "".join(self._block(article, i, b) for i, b in enumerate(body.blocks))
        canonical = self.portal.article_url(article)
        label = "Lưu bài viết" if kind == "savefile" else "In bài viết"
        return (
            '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
            f"<title>{_title_entities(article.title)} - {label}</title>"
            f'<link rel="canonical" href="{escape(canonical)}"></head><body>'
            f'<div id="print"><h1 class="title">{escape(article.title)}</h1>'
            f'<span class="time">{_nv_date(article.published)}</span>'
            f'<div class="hometext">{escape(body.summary)}</div>'
            f'<div class="bodytext">{blocks}</div>'
            f'<p class="text-right"><strong>Tác giả: </strong>{escape(article.author)}</p>'
            f"<p>{escape(self.site.name)}</p></div></body></html>"
        )

    def _block(self, article: Article, index: int, block: Block) -> str:
        text = escape(self.shown(article, block.text))
        if block.kind == "img":
            return (
                f'<figure class="image"><img src="{self.image_path(article, block.image)}"'
                f' alt=""><figcaption>{text}</figcaption></figure>'
            )
        if block.kind == "h":
            return f"<h3><strong>{text}</strong></h3>"
        if (article.id + index) % 5 == 0:
            text = text.replace(". ", ".&nbsp; ", 1)
        return f'<p style="text-align: justify;">{text}</p>'

    def _source(self, article: Article) -> str | None:
        if article.original is not None:
            return self.portal.families[self.portal.articles[article.original].site].site.name
        return "Báo Hà Tĩnh" if article.id % 4 == 1 else None

    def _views(self, article: Article) -> str:
        return thousands(self.counter(f"a{article.id}:views", 20, 5000))

    # -- chrome -------------------------------------------------------------------------

    def _breadcrumb(self, category: Category) -> str:
        return (
            '<div class="breadcrumbs-wrap"><ul class="breadcrumbs list-none">'
            '<li><a href="/"><span>Trang nhất</span></a></li>'
            f'<li><a href="{self.category_path(category.slug)}"><span>'
            f"{escape(category.name)}</span></a></li></ul></div>"
        )

    def _page(
        self,
        title: str,
        main: str,
        stats_key: str,
        category: Category | None = None,
        article: Article | None = None,
    ) -> str:
        menu = "".join(
            f'<li><a href="{self.category_path(c.slug)}">{escape(c.name)}</a></li>'
            for c in self.site.categories
        )
        feeds = [(self.site.name, "/rss/")]
        if category is not None:
            feeds.append((category.name, f"/rss/{category.slug}/"))
        alternates = "".join(
            f'<link rel="alternate" href="{path}" title="{escape(name)}"'
            ' type="application/rss+xml">'
            for name, path in feeds
        )
        head = (
            f"<title>{_title_entities(title)} - {escape(self.site.name)}</title>"
            '<meta name="generator" content="NukeViet v4.4">'
            f'<meta name="author" content="{escape(self.site.name)}">'
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        )
        if article is not None:
            url = escape(self.portal.article_url(article))
            head += (
                f'<meta property="og:title" content="{_title_entities(article.title)}">'
                '<meta property="og:type" content="article">'
                f'<meta property="og:url" content="{url}"><link rel="canonical" href="{url}">'
            )
        banners = "".join(
            f'<li><a href="{url}" target="_blank">{escape(name)}</a></li>'
            for name, url in [*self.other_sites(), *OUTSIDE_LINKS]
        )
        online = self.counter(f"{stats_key}:online", 5, 90)
        total = thousands(self.counter(f"{stats_key}:total", 100_000, 3_000_000))
        return (
            f'<!DOCTYPE html><html lang="vi" xmlns="http://www.w3.org/1999/xhtml"><head>{head}'
            f"{alternates}</head><body><noscript>Trình duyệt không hỗ trợ JavaScript</noscript>"
            '<div class="body-bg"><div class="wraper"><header><div id="header">'
            f'<a title="{escape(self.site.name)}" href="/">{escape(self.site.name)}</a></div>'
            f'<nav class="second-nav" id="menusite"><ul class="nav navbar-nav">'
            f'<li><a href="/">Trang nhất</a></li>{menu}'
            f'<li><a href="{self.search_path}">Tìm kiếm</a></li></ul></nav></header>'
            f'<section><div class="row"><div class="col-md-16">{main}</div>'
            '<div class="col-md-8"><div class="panel panel-default"><div class="panel-heading">'
            f'Liên kết website</div><ul class="list-none">{banners}</ul></div>'
            '<div class="panel panel-default" id="counter"><div class="panel-heading">'
            f"Thống kê truy cập</div><ul><li>Đang truy cập: {online}</li>"
            f"<li>Tổng lượt truy cập: {total}</li></ul></div></div></div></section>"
            f'<footer id="footer"><p>© {escape(self.site.name)}</p>'
            "<p>Bản quyền thuộc về Ủy ban nhân dân tỉnh Hà Tĩnh</p></footer>"
            "</div></div></body></html>"
        )


def _nv_date(moment: datetime) -> str:
    """`Thứ sáu - 25/12/2020 09:04`."""
    return f"{WEEKDAYS[moment.weekday()]} - {moment:%d/%m/%Y %H:%M}"


def _title_entities(title: str) -> str:
    """NukeViet writes titles with hex character references, ":" included (`&#x3A;`)."""
    return numeric_entities(title, hexadecimal=True).replace(":", "&#x3A;")
