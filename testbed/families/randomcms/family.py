"""A sub-site rendered by a generated CMS family: routes and page templates from its spec."""

from __future__ import annotations

import math
import random
import re
import threading
import zlib
from collections.abc import Callable
from datetime import timedelta
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from ...model import Article, Block, Category, SiteDef
from ...text import named_entities, numeric_entities
from ..base import (
    Family,
    Query,
    Response,
    html_response,
    pager_pages,
    share_links,
    sitemap,
    thousands,
)
from . import names
from .spec import Spec, draw_spec

if TYPE_CHECKING:
    from ...portal import Portal

RouteKey = tuple[str, tuple[tuple[str, str], ...]]
_TICKER_SIZE = 5
_HOME_ITEMS = 5


def route_key(url_path: str) -> RouteKey:
    """A request as the server hands it over: the unquoted path and the sorted query pairs."""
    parts = urlsplit(url_path)
    return unquote(parts.path), tuple(sorted(parse_qsl(parts.query)))


class RandomCms(Family):
    name = "random"

    def __init__(self, portal: Portal, site: SiteDef) -> None:
        super().__init__(portal, site)
        self.spec: Spec = draw_spec(site.family_seed)
        urls = self.spec.urls
        self.start_path = urls.start_path
        self.search_path = urls.search_path
        prefix = self.spec.image_prefix
        self.image_route = re.compile(rf"{prefix}/\d{{4}}/\d{{2}}/[0-9a-f]{{12}}\.jpg")
        if self.spec.attachments:
            self.attachment_path = self._attachment_path
        self._segments = {c.slug: urls.slug(c.name) for c in site.categories}
        self._numbers = {c.slug: i + 1 for i, c in enumerate(site.categories)}
        self._taken: set[str] = set()
        self._statics = [
            (title, paragraphs, urls.static_path(title, urls.external_id(900_000 + i)))
            for i, (title, paragraphs) in enumerate(names.STATIC_PAGES[: self.spec.statics])
        ]
        self._lock = threading.Lock()
        self._table: dict[RouteKey, Callable[[], Response]] | None = None

    # -- URLs ---------------------------------------------------------------------------

    def assign_path(self, article: Article, rng: random.Random) -> str:
        urls = self.spec.urls
        segment = self._segments[article.category.slug]
        number = urls.external_id(article.id)
        path = urls.article_path(article.title, number, segment, article.published)
        # Slugs cut short can collide; the CMS then tells them apart with the id.
        if path in self._taken:
            tail = f"{urls.separator}{article.id}"
            path = urls.article_path(article.title, number, segment, article.published, tail)
        self._taken.add(path)
        return path

    def _attachment_path(self, article: Article, filename: str) -> str:
        return f"{self.spec.file_prefix}/{article.published:%Y/%m}/{filename}"

    def category_path(self, slug: str, page: int = 1) -> str:
        segment = self._segments.get(slug, slug)
        return self.spec.urls.category_path(segment, self._numbers.get(slug, 0), page)

    def image_path(self, article: Article, token: str) -> str:
        return f"{self.spec.image_prefix}/{article.published:%Y/%m}/{token[:12]}.jpg"

    def print_path(self, article: Article) -> str:
        return self.spec.urls.print_path(article.path, self.spec.urls.external_id(article.id))

    def _feed_path(self, category: Category | None) -> str:
        return "/rss.xml" if category is None else f"/rss/{self._segments[category.slug]}.rss"

    # -- routing ------------------------------------------------------------------------

    def handle(self, path: str, query: Query) -> Response:
        if path == "/robots.txt" and not self.spec.robots:
            return self.not_found()
        # `/?id=12` is an article of a query scheme, not the bare root to redirect.
        if path == "/" and query:
            return self.route(path, query) or self.not_found()
        return super().handle(path, query)

    def robots(self) -> str:
        lines = super().robots()
        if self.spec.sitemap:
            lines += f"Sitemap: {self.portal.url(self.site.key, '/sitemap.xml')}\n"
        return lines

    def route(self, path: str, query: Query) -> Response | None:
        if path == self.search_path:
            return html_response(self._page(self.spec.search_label, self._search(), "search"))
        pairs = tuple(sorted((k, v) for k, values in query.items() for v in values))
        page = self._routes().get((path, pairs))
        return page() if page else None

    def _routes(self) -> dict[RouteKey, Callable[[], Response]]:
        """Every URL the site links to, built once the portal has placed every article."""
        with self._lock:
            if self._table is None:
                self._table = self._build_routes()
            return self._table

    def _build_routes(self) -> dict[RouteKey, Callable[[], Response]]:
        table: dict[RouteKey, Callable[[], Response]] = {
            route_key(self.start_path): lambda: html_response(self._home())
        }
        for category in self.site.categories:
            listed = self.portal.category_listing[(self.site.key, category.slug)]
            last = max(1, math.ceil(len(listed) / self.spec.urls.per_page))
            for page in range(1, last + 1):
                table[route_key(self.category_path(category.slug, page))] = (
                    lambda c=category, p=page, n=last: html_response(self._listing(c, p, n))
                )
            if self.spec.rss:
                table[route_key(self._feed_path(category))] = lambda c=category: self._feed(c)
        for article in self.portal.site_articles[self.site.key]:
            table[route_key(article.path)] = lambda a=article: self.article_response(
                a, self._article(a)
            )
            if self.spec.print_view:
                table[route_key(self.print_path(article))] = lambda a=article: html_response(
                    self._print(a)
                )
        for index, (*_, path) in enumerate(self._statics):
            table[route_key(path)] = lambda i=index: html_response(self._static(i))
        if self.spec.rss:
            table[route_key(self._feed_path(None))] = lambda: self._feed(None)
        if self.spec.sitemap:
            table[route_key("/sitemap.xml")] = self._sitemap
        return table

    # -- per-article choices ------------------------------------------------------------

    def _chance(self, *key: object) -> float:
        """A fraction in [0, 1) that is a pure function of the family and ``key``."""
        text = ":".join(map(str, (self.site.family_seed, *key)))
        return zlib.crc32(text.encode()) / 2**32

    def names_author(self, article: Article) -> bool:
        if self.spec.author_style == "none":
            return False
        return self._chance("author", article.id) < self.spec.author_share

    def gold_author(self, article: Article) -> str | None:
        return article.author if self.names_author(article) else None

    # -- text ---------------------------------------------------------------------------

    def _title_html(self, article: Article, title: str) -> str:
        shown = self.shown(article, title)
        encoding = self.spec.title_encoding
        if encoding == "named":
            return named_entities(shown)
        if encoding in ("hex", "decimal"):
            return numeric_entities(shown, hexadecimal=encoding == "hex")
        return escape(shown)

    def _paragraph(self, article: Article, index: int, text: str) -> str:
        spec = self.spec
        if spec.nbsp and (article.id + index) % 3 == 0:
            text = text.replace(" ", "&nbsp;", 1).replace(". ", ".&nbsp; ", 1)
        if spec.zero_width and (article.id + index) % 4 == 1:
            text = "\u200b" + text
        # Editors restyle first letters, which splits a word in the markup.
        if spec.split_spans and (article.id + index) % 5 == 2 and text[:1].isalpha():
            text = f'<span style="font-size:15px">{text[0]}</span>{text[1:]}'
        style = spec.paragraph_style
        if style == "p_justify":
            return f'<p style="text-align: justify;">{text}</p>'
        if style == "div":
            return f"<div>{text}</div>"
        if style == "br":
            return f"{text}<br><br>"
        return f"<p>{text}</p>"

    def _block(self, article: Article, index: int, block: Block) -> str:
        text = escape(self.shown(article, block.text))
        if block.kind == "p":
            return self._paragraph(article, index, text)
        if block.kind == "h":
            style = self.spec.heading_style
            if style == "p_strong":
                return f"<p><strong>{text}</strong></p>"
            if style == "p_b":
                return f"<p><b>{text}</b></p>"
            return f"<{style}>{text}</{style}>"
        src = self.image_path(article, block.image)
        style = self.spec.caption_style
        if style == "figure":
            return (
                f'<figure class="image"><img src="{src}" alt="">'
                f"<figcaption>{text}</figcaption></figure>"
            )
        if style == "table":
            return (
                f'<table class="image" align="center"><tr><td><img src="{src}" alt=""></td></tr>'
                f'<tr><td class="caption">{text}</td></tr></table>'
            )
        if style == "div":
            return (
                f'<div class="img"><img src="{src}" alt=""><div class="caption">{text}</div></div>'
            )
        if style == "p_center":
            return f'<p style="text-align:center"><img src="{src}" alt=""><br>{text}</p>'
        return (
            f'<p style="text-align:center"><img src="{src}" alt=""></p>'
            f'<p style="text-align:center"><em>{text}</em></p>'
        )

    def _sapo(self, article: Article, summary: str) -> tuple[str, str]:
        """The lead as (before the body, first thing in the body)."""
        text = escape(self.shown(article, summary))
        style = self.spec.sapo_style
        if style == "first_p":
            return "", f"<p>{text}</p>"
        if style == "strong_p":
            return "", f"<p><strong>{text}</strong></p>"
        if style == "em":
            return "", f"<p><em>{text}</em></p>"
        inner = f"<strong>{text}</strong>" if style == "bold" else text
        return self.spec.elements["sapo"].wrap(inner), ""

    def _signoff(self, article: Article) -> str:
        style = self.spec.author_style
        if not self.names_author(article) or style in ("tacgia", "byline"):
            return ""
        author = escape(article.author)
        if style == "signoff_right":
            return f'<p style="text-align: right;"><strong>{author}</strong></p>'
        if style == "signoff_bold":
            return f"<p><b>{author}</b></p>"
        return self.spec.elements["author"].wrap(author)

    # -- pages --------------------------------------------------------------------------

    def _article(self, article: Article) -> str:
        spec = self.spec
        body = self.portal.body(article.id)
        url = self.portal.article_url(article)
        before, lead = self._sapo(article, body.summary)
        blocks = "".join(self._block(article, i, b) for i, b in enumerate(body.blocks))
        tail = self._signoff(article)
        if spec.source_line and article.id % 3 == 0:
            tail += '<p style="text-align: right;"><em>Nguồn: Báo Hà Tĩnh</em></p>'
        content = lead + blocks + tail
        for box in reversed(spec.inner):
            content = box.wrap(content)
        after = ""
        if spec.author_style == "tacgia" and self.names_author(article):
            after += spec.elements["author"].wrap(f"Tác giả: {escape(article.author)}")
        after += self._attachments(article) + self._tools(article, url)
        title = self.shown(article, article.title)
        head = spec.dates.head(article.published, title) + self._canonical(url)
        if spec.og_title:
            head += f'<meta property="og:title" content="{escape(title)}">'
        return self._article_page(
            article.category,
            self._title_html(article, article.title),
            self._meta(article),
            before + spec.elements["body"].wrap(content) + after,
            title,
            head,
            f"a{article.id}",
            article,
        )

    def _static(self, index: int) -> str:
        title, paragraphs, _ = self._statics[index]
        body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        return self._article_page(
            None, escape(title), "", self.spec.elements["body"].wrap(body), title, "", f"s{index}"
        )

    def _article_page(
        self,
        category: Category | None,
        title_html: str,
        meta: str,
        content: str,
        title: str,
        head: str,
        key: str,
        article: Article | None = None,
    ) -> str:
        """The article template, which the pages about the site wear too."""
        spec = self.spec
        heading = spec.elements["title"].wrap(title_html)
        top = meta + heading if spec.date_before_title else heading + meta
        related = self._related(article) if "related" in spec.chrome else ""
        inside = top + content + (related if spec.related_inside else "")
        main = spec.elements["article"].wrap(inside)
        for box in reversed(spec.outer):
            main = box.wrap(main)
        main = self._breadcrumb(category) + main
        if not spec.related_inside:
            main += related
        if "comments" in spec.chrome and article is not None:
            main += self._comments(article)
        return self._page(title, main, key, head)

    def _meta(self, article: Article) -> str:
        spec = self.spec
        parts = [spec.dates.visible(article.published, *self._date_element())]
        if spec.author_style == "byline" and self.names_author(article):
            label = ("", "Tác giả: ", "Bài, ảnh: ")[article.id % 3]
            parts.append(f'<span class="by">{label}{escape(article.author)}</span>')
        if "poster" in spec.chrome:
            parts.append(f"<span>Người đăng: {escape(spec.poster)}</span>")
        if "views" in spec.chrome:
            parts.append(f"<span>Lượt xem: {self._views(article)}</span>")
        shown = [part for part in parts if part]
        return spec.elements["meta"].wrap(" | ".join(shown)) if shown else ""

    def _date_element(self) -> tuple[str, str]:
        element = self.spec.elements["date"]
        return element.tag, element.attrs

    def _views(self, article: Article) -> str:
        return thousands(self.counter(f"a{article.id}:views", 15, 9000))

    def _canonical(self, url: str) -> str:
        return f'<link rel="canonical" href="{escape(url)}">' if self.spec.canonical else ""

    def _attachments(self, article: Article) -> str:
        links = "".join(
            f'<li><a href="{escape(path)}">{escape(name)}</a></li>'
            for path, name in self.attachment_links(article)
        )
        if not links:
            return ""
        return (
            f'<div class="attachments"><b>{self.spec.attachment_heading}</b><ul>{links}</ul></div>'
        )

    def _tools(self, article: Article, url: str) -> str:
        spec = self.spec
        tools = []
        if "share" in spec.chrome:
            zalo = f"https://sp.zalo.me/share_inline?url={quote(url, safe='')}"
            tools.append(
                f"<span>{spec.share_label}:</span> {share_links(url, article.title)}"
                f' <a href="{zalo}" target="_blank">Zalo</a>'
            )
        if spec.print_view:
            tools.append(f'<a href="{escape(self.print_path(article))}">{spec.print_label}</a>')
        if "tags" in spec.chrome:
            tag = quote(self._segments[article.category.slug])
            tools.append(f'Từ khóa: <a href="/tag/{tag}">{escape(article.category.name)}</a>')
        return f'<div class="tools">{" ".join(tools)}</div>' if tools else ""

    def _print(self, article: Article) -> str:
        body = self.portal.body(article.id)
        blocks = "".join(self._block(article, i, b) for i, b in enumerate(body.blocks))
        canonical = ""
        if self.spec.print_canonical:
            canonical = f'<link rel="canonical" href="{escape(self.portal.article_url(article))}">'
        author = f"<p><b>{escape(article.author)}</b></p>" if self.names_author(article) else ""
        return (
            '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
            f"<title>{escape(article.title)}</title>{canonical}</head>"
            f'<body onload="window.print()"><div class="print">'
            f"<h1>{escape(article.title)}</h1><p>{self.spec.dates.labelled(article.published)}</p>"
            f"<p><b>{escape(body.summary)}</b></p>{blocks}{author}</div></body></html>"
        )

    def _item(self, article: Article, summary: bool) -> str:
        text = ""
        if summary:
            text = f"<p>{escape(self.portal.body(article.id).summary)}</p>"
        return self.spec.elements["item"].wrap(
            f'<a href="{escape(article.path)}">{escape(article.title)}</a> '
            f"<span>{escape(self.spec.list_dates.text(self.portal.modified(article)))}</span>"
            + text
        )

    def _listing(self, category: Category, page: int, last: int) -> str:
        per_page = self.spec.urls.per_page
        listed = self.portal.category_listing[(self.site.key, category.slug)]
        items = "".join(
            self._item(a, True) for a in listed[(page - 1) * per_page : page * per_page]
        )
        main = (
            self._breadcrumb(category)
            + f"<h2>{escape(category.name)}</h2>"
            + self.spec.elements["list"].wrap(items)
            + self._pager(category.slug, page, last)
        )
        head = ""
        if self.spec.rel_next and page < last:
            head = f'<link rel="next" href="{escape(self.category_path(category.slug, page + 1))}">'
        return self._page(category.name, main, f"{category.slug}/{page}", head, category)

    def _pager(self, slug: str, page: int, last: int) -> str:
        if last == 1:
            return ""
        style, links = self.spec.pager_style, []
        if style != "next":
            for number in pager_pages(page, last):
                href = escape(self.category_path(slug, number))
                links.append(
                    f"<b>{number}</b>" if number == page else f'<a href="{href}">{number}</a>'
                )
        if style != "numbers" and page < last:
            rel = ' rel="next"' if self.spec.rel_next else ""
            href = escape(self.category_path(slug, page + 1))
            links.append(f'<a href="{href}"{rel}>{escape(self.spec.next_label)}</a>')
        return self.spec.elements["pager"].wrap(" ".join(links))

    def _home(self) -> str:
        boxes = []
        for category, items in self.newest_by_category(_HOME_ITEMS):
            href = escape(self.category_path(category.slug))
            entries = "".join(self._item(a, index == 0) for index, a in enumerate(items))
            boxes.append(
                f'<div class="box"><h2><a href="{href}">{escape(category.name)}</a></h2>'
                f"{entries}</div>"
            )
        return self._page(self.site.name, "".join(boxes), "home")

    def _search(self) -> str:
        return (
            f'<form action="{escape(self.search_path)}" method="get"><input type="text" name="q">'
            f"<button>{escape(self.spec.search_label)}</button></form><p>Không có kết quả.</p>"
        )

    def _feed(self, category: Category | None) -> Response:
        return self.feed(category, self.start_path)

    def _sitemap(self) -> Response:
        own = self.portal.site_articles[self.site.key]
        entries = [(self.portal.article_url(a), self.portal.modified(a)) for a in own]
        # A sitemap lists every page, the pages about the site included.
        entries += [
            (self.portal.url(self.site.key, path), self.portal.now) for *_, path in self._statics
        ]
        return sitemap(entries)

    # -- chrome -------------------------------------------------------------------------

    def _breadcrumb(self, category: Category | None) -> str:
        if not self.spec.breadcrumb:
            return ""
        crumbs = [f'<a href="{escape(self.start_path)}">{self.spec.home_label}</a>']
        if category is not None:
            href = escape(self.category_path(category.slug))
            crumbs.append(f'<a href="{href}">{escape(category.name)}</a>')
        return self.spec.elements["breadcrumb"].wrap(" » ".join(crumbs))

    def _dated_links(self, articles: list[Article], summaries: bool = False) -> str:
        return (
            "<ul>"
            + "".join(
                f'<li><a href="{escape(a.path)}">{escape(a.title)}</a> '
                f"<span>{escape(self.spec.list_dates.text(a.published))}</span>"
                + (f"<p>{escape(self.portal.body(a.id).summary)}</p>" if summaries else "")
                + "</li>"
                for a in articles
            )
            + "</ul>"
        )

    def _related(self, article: Article | None) -> str:
        spec = self.spec
        if article is None:
            chosen = self.portal.site_articles[self.site.key][: spec.related_count]
        else:
            chosen = self.portal.related(article, spec.related_count)
        links = self._dated_links(chosen, spec.related_summaries)
        return spec.elements["related"].wrap(f"<h3>{spec.related_heading}</h3>{links}")

    def _comments(self, article: Article) -> str:
        entries = []
        for k in range(self.spec.comment_count):
            who = names.COMMENTERS[(article.id + k) % len(names.COMMENTERS)]
            said = names.COMMENTS[(article.id * 3 + k) % len(names.COMMENTS)]
            when = article.published + timedelta(hours=5 + 17 * k, minutes=7 * k)
            entries.append(
                f'<div class="comment-item"><strong>{escape(who)}</strong> '
                f"<span>{escape(self.spec.dates.text(when))}</span><p>{escape(said)}</p></div>"
            )
        form = (
            '<form method="post" action="/binh-luan"><textarea name="noidung"></textarea>'
            '<input name="hoten" placeholder="Họ tên"><button>Gửi ý kiến</button></form>'
        )
        return self.spec.elements["comments"].wrap(
            f"<h3>Ý kiến bạn đọc</h3>{''.join(entries)}{form}"
        )

    def _today(self) -> str:
        day = self.portal.now.date() + timedelta(days=self.spec.today_offset)
        weekday = self.spec.dates.weekdays[day.weekday()]
        return f'<span class="today">{weekday}, {day:%d/%m/%Y}</span>'

    def _ticker(self) -> str:
        newest = self.portal.site_articles[self.site.key][:_TICKER_SIZE]
        links = " | ".join(f'<a href="{escape(a.path)}">{escape(a.title)}</a>' for a in newest)
        return f'<div class="marquee"><b>{self.spec.ticker_heading}:</b> {links}</div>'

    def _sidebar(self) -> str:
        spec = self.spec
        if "sidebar_news" not in spec.chrome:
            return spec.elements["sidebar"].wrap(self._weblinks())
        newest = self.portal.site_articles[self.site.key][: spec.sidebar_count]
        ranked = sorted(
            self.portal.site_articles[self.site.key], key=lambda a: self._chance("read", a.id)
        )[: spec.sidebar_count]
        first, second = spec.sidebar_headings
        boxes = (
            f"<h3>{first}</h3>{self._dated_links(newest)}"
            f"<h3>{second}</h3>{self._dated_links(ranked)}"
        )
        return spec.elements["sidebar"].wrap(boxes + self._weblinks())

    def _weblinks(self) -> str:
        links = "".join(
            f'<li><a href="{escape(url)}" target="_blank">{escape(name)}</a></li>'
            for name, url in [*self.other_sites(), *names.OUTSIDE]
        )
        return f'<div class="weblinks"><h3>Liên kết website</h3><ul>{links}</ul></div>'

    def _menu(self) -> str:
        entries = [(self.spec.home_label, self.start_path)]
        entries += [(c.name, self.category_path(c.slug)) for c in self.site.categories]
        entries += [(title, path) for title, _, path in self._statics]
        entries.append((self.spec.search_label, self.search_path))
        items = "".join(f'<li><a href="{escape(p)}">{escape(n)}</a></li>' for n, p in entries)
        return self.spec.elements["nav"].wrap(f"<ul>{items}</ul>")

    def _footer(self, key: str) -> str:
        stats = ""
        if "stats" in self.spec.chrome:
            online = self.counter(f"{key}:online", 5, 150)
            total = thousands(self.counter(f"{key}:total", 100_000, 9_000_000))
            stats = f"<p>Đang online: {online} - Tổng lượt truy cập: {total}</p>"
        return self.spec.elements["footer"].wrap(
            f"<p>© {escape(self.site.name)}</p><p>Địa chỉ: thành phố Hà Tĩnh, tỉnh Hà Tĩnh."
            f" Điện thoại: 0239.3855.{self.counter(key, 100, 999)}</p>{stats}"
        )

    def _page(
        self, title: str, main: str, key: str, head: str = "", category: Category | None = None
    ) -> str:
        spec = self.spec
        site = escape(self.site.name)
        page_title = {
            "title_site": f"{escape(title)} - {site}",
            "site_title": f"{site} | {escape(title)}",
            "title": escape(title),
        }[spec.title_tag]
        if spec.rss:
            feeds = [(self.site.name, self._feed_path(None))]
            if category is not None:
                feeds.append((category.name, self._feed_path(category)))
            head += "".join(
                f'<link rel="alternate" type="application/rss+xml" title="{escape(n)}"'
                f' href="{escape(p)}">'
                for n, p in feeds
            )
        today = self._today() if "today" in spec.chrome else ""
        header = (
            spec.elements["header"].wrap(
                f'<a href="{escape(self.start_path)}">'
                f'<img src="{spec.image_prefix}/logo.png" alt="">{site}</a>{today}'
            )
            + self._menu()
        )
        if "ticker" in spec.chrome:
            header += self._ticker()
        body = _layout(spec, header, main, self._sidebar(), self._footer(key))
        return (
            '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{page_title}</title>{head}</head><body>{body}</body></html>"
        )


def _layout(spec: Spec, header: str, main: str, sidebar: str, footer: str) -> str:
    """The page skeleton: the theme's grid round the header, main column, sidebar, footer."""
    if spec.layout == "table":
        side, column = (
            f'<td width="250" valign="top">{sidebar}</td>',
            f'<td valign="top">{main}</td>',
        )
        row = side + column if spec.sidebar_first else column + side
        return (
            f'<table width="1000" align="center"><tr><td colspan="2">{header}</td></tr>'
            f'<tr>{row}</tr><tr><td colspan="2">{footer}</td></tr></table>'
        )
    if spec.layout == "html5":
        main, sidebar = f"<main>{main}</main>", f"<aside>{sidebar}</aside>"
    elif spec.layout == "bootstrap":
        main = f'<div class="col-md-8">{main}</div>'
        sidebar = f'<div class="col-md-4">{sidebar}</div>'
    columns = sidebar + main if spec.sidebar_first else main + sidebar
    return f'<div class="container">{header}<div class="row">{columns}</div>{footer}</div>'
