"""The researchers' web interface: search with filters, a timeline of matches, and reading.

A plain WSGI application (served by ``portal-archive serve``) over the same
``search`` function as the command line, reading articles
from the archive database, which stays the source of truth.

Routes: ``/`` search form and results, ``/article/<id>`` one article,
``/api/search`` the results as JSON (the same object as ``search --json``). Parameters:
``q``, ``site`` (repeatable), ``from``, ``to``, ``author``, ``category``, ``exact=1``,
``sort`` (relevance, newest, oldest), ``page``; for the API also ``facets=1`` and
``histogram`` (month, year). ``/api/similar?id=<article id>`` the articles most like one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from html import escape
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIServer
from wsgiref.types import StartResponse, WSGIEnvironment

from archive.dates import PORTAL_TZ, DateRangeError
from archive.db import Archive
from archive.export import site_names
from archive.models import Article, Site
from search.errors import IndexNotFoundError, QueryError
from search.filters import SearchFilters
from search.query import PERIODS, SORTS, Hit, SearchResults, more_like, search

PAGE_SIZE = 20
# Ids are SQLite integers (at most 2**63 - 1); 18 digits always fit, longer ones are no article.
_ARTICLE_PATH = re.compile(r"/article/(\d{1,18})")
# What a reader can get wrong: shown on the page (or as a 400), never as a server error.
_READER_ERRORS = (QueryError, DateRangeError, IndexNotFoundError)

WSGIApp = Callable[[WSGIEnvironment, StartResponse], Iterable[bytes]]

_STYLE = """
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#222}
form{display:flex;flex-wrap:wrap;gap:.5rem;margin-bottom:1rem} input[name=q]{flex:1 1 20rem}
.hit{margin:1.2rem 0} .meta{color:#666;font-size:.9rem} mark{background:#fde68a}
.bar{display:inline-block;background:#60a5fa;height:.8rem;vertical-align:middle}
.timeline td{padding:0 .4rem;font-size:.85rem} .error{color:#b91c1c}
article p{margin:.6rem 0}
"""


class Request:
    """What a request asks for: its path and its query parameters (first values, but for
    ``site``, which may be given more than once)."""

    def __init__(self, environ: WSGIEnvironment) -> None:
        self.path: str = environ.get("PATH_INFO", "/") or "/"
        parsed = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        self.params = {name: values[0].strip() for name, values in parsed.items()}
        self._sites = tuple(key for value in parsed.get("site", []) if (key := value.strip()))

    def get(self, name: str) -> str | None:
        return self.params.get(name) or None

    def day(self, name: str) -> date | None:
        value = self.get(name)
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise QueryError(f"{value!r} is not a date like 2020-12-25") from None

    def page(self) -> int:
        value = self.get("page") or "1"
        return int(value) if value.isdigit() and int(value) > 0 else 1

    def flag(self, name: str) -> bool:
        return self.get(name) == "1"

    def choice(self, name: str, choices: tuple[str, ...]) -> str | None:
        value = self.get(name)
        if value is not None and value not in choices:
            raise QueryError(f"{name} is one of {', '.join(choices)}, not {value!r}")
        return value

    def filters(self) -> SearchFilters:
        """The filters, from ``site`` (repeatable), ``from``, ``to``, ``author``, ``category``."""
        return SearchFilters(
            sites=self._sites,
            date_from=self.day("from"),
            date_to=self.day("to"),
            author=self.get("author"),
            category=self.get("category"),
        )

    def search_options(self) -> dict[str, Any]:
        """What ``search`` takes from the parameters: filters, ``exact=1``, ``sort``, ``page``."""
        return {
            "filters": self.filters(),
            "exact": self.flag("exact"),
            "sort": self.choice("sort", SORTS) or "relevance",
            "limit": PAGE_SIZE,
            "page": self.page(),
        }


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    """One thread per request, so a slow search does not hold up the next reader."""

    daemon_threads = True


def make_app(index_dir: Path, archive: Archive) -> WSGIApp:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        status, content_type, body = _route(request, index_dir, archive)
        payload = body.encode("utf-8")
        start_response(
            status,
            [("Content-Type", content_type), ("Content-Length", str(len(payload)))],
        )
        return [payload]

    return app


def _route(request: Request, index_dir: Path, archive: Archive) -> tuple[str, str, str]:
    html = "text/html; charset=utf-8"
    if request.path == "/":
        return "200 OK", html, _search_page(request, index_dir)
    if request.path == "/api/search":
        return _api_search(request, index_dir, archive)
    if request.path == "/api/similar":
        return _api_similar(request, index_dir)
    match = _ARTICLE_PATH.fullmatch(request.path)
    if match:
        page = _article_page(archive, int(match[1]))
        if page is not None:
            return "200 OK", html, page
    return "404 Not Found", html, _layout("Không tìm thấy", "<p>Không có trang này.</p>")


def _api_search(request: Request, index_dir: Path, archive: Archive) -> tuple[str, str, str]:
    """The results as JSON (the object of ``search --json``); ``facets=1`` adds the facets,
    ``histogram=month`` or ``year`` the histogram."""
    content_type = "application/json; charset=utf-8"
    try:
        facets = request.flag("facets")
        results = search(
            index_dir,
            request.get("q") or "",
            **request.search_options(),
            facets=facets,
            histogram=request.choice("histogram", PERIODS),
            site_names=site_names(archive) if facets else None,
        )
    except _READER_ERRORS as exc:
        return "400 Bad Request", content_type, json.dumps({"error": str(exc)})
    return "200 OK", content_type, json.dumps(results.to_dict(), ensure_ascii=False)


def _api_similar(request: Request, index_dir: Path) -> tuple[str, str, str]:
    """The articles most like the one of ``id``, as ``{"hits": [...]}``."""
    content_type = "application/json; charset=utf-8"
    try:
        hits = more_like(index_dir, request.get("id") or "", limit=PAGE_SIZE)
    except _READER_ERRORS as exc:
        return "400 Bad Request", content_type, json.dumps({"error": str(exc)})
    return (
        "200 OK",
        content_type,
        json.dumps({"hits": [hit.to_dict() for hit in hits]}, ensure_ascii=False),
    )


def _search_page(request: Request, index_dir: Path) -> str:
    query = request.get("q")
    form = _search_form(request)
    if query is None:
        return _layout("Tìm kiếm", form)
    try:
        results = search(
            index_dir, query, **request.search_options(), snippet_format="html", histogram="year"
        )
    except _READER_ERRORS as exc:
        return _layout("Tìm kiếm", form + f'<p class="error">{escape(str(exc))}</p>')
    body = (
        form
        + _timeline_table(results.histogram)
        + _results_html(results)
        + _pager(request, results)
    )
    return _layout(f"{query} — tìm kiếm", body)


def _search_form(request: Request) -> str:
    def field(name: str, label: str, kind: str = "text") -> str:
        value = escape(request.get(name) or "", quote=True)
        return f'<input type="{kind}" name="{name}" placeholder="{label}" value="{value}">'

    return (
        '<form method="get" action="/">'
        + field("q", "Từ khóa, có dấu hoặc không dấu", "search")
        + field("site", "Trang (site)")
        + field("from", "Từ ngày", "date")
        + field("to", "Đến ngày", "date")
        + field("author", "Tác giả")
        + field("category", "Chuyên mục")
        + '<button type="submit">Tìm</button></form>'
    )


def _timeline_table(periods: list[tuple[str, int]]) -> str:
    if not periods:
        return ""
    widest = max(count for _, count in periods) or 1
    rows = "".join(
        f'<tr><td>{period}</td><td><span class="bar" style="width:{12 * count // widest}rem">'
        f"</span> {count}</td></tr>"
        for period, count in periods
    )
    return f'<table class="timeline">{rows}</table>'


def _results_html(results: SearchResults) -> str:
    hits = "".join(_hit_html(hit) for hit in results.hits)
    return f"<p>{results.total} bài viết</p>{hits}"


def _hit_html(hit: Hit) -> str:
    copies = (
        f"<div class='meta'>Đăng lại ở: {', '.join(map(_link, hit.copies))}</div>"
        if hit.copies
        else ""
    )
    return (
        f'<div class="hit"><a href="/article/{escape(hit.article_id)}">'
        f"<strong>{escape(hit.title or '(không có tiêu đề)')}</strong></a>"
        f"<div class='meta'>{escape(hit.site)} · {_shown_date(hit.published)} · "
        f"{escape(hit.author or '')}</div>"
        f"<div>{hit.snippet}</div>{copies}</div>"
    )


def _shown_date(moment: datetime | None) -> str:
    """Day first, as Vietnamese readers write dates: "25/12/2020 09:04"."""
    if moment is None:
        return "không rõ ngày"
    return moment.astimezone(PORTAL_TZ).strftime("%d/%m/%Y %H:%M")


def _link(url: str) -> str:
    return f'<a href="{escape(url, quote=True)}">{escape(url)}</a>'


def _pager(request: Request, results: SearchResults) -> str:
    page = request.page()
    last = max(1, results.pages)
    links = []
    for number, label in ((page - 1, "« Trước"), (page + 1, "Tiếp »")):
        if 1 <= number <= last:
            params = {**request.params, "page": str(number)}
            links.append(f'<a href="/?{escape(urlencode(params), quote=True)}">{label}</a>')
    return f"<p>Trang {page}/{last} {' '.join(links)}</p>"


def _article_page(archive: Archive, article_id: int) -> str | None:
    with archive.sessions() as session:
        article = session.get(Article, article_id)
        if article is None:
            return None
        site = session.get_one(Site, article.site_id)
        return _layout(article.title or "(không có tiêu đề)", _article_html(article, site))


def _article_html(article: Article, site: Site) -> str:
    facts = [
        f"{escape(site.name)} ({escape(site.key)})",
        _shown_date(article.published),
        escape(article.author or ""),
        escape(article.category or ""),
    ]
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in _lines(article.body))
    images = "".join(
        f"<li>{_link(image.src)} — {escape(image.caption or '')}</li>" for image in article.images
    )
    attachments = "".join(
        f"<li>{_link(item.url)} {escape(item.name or '')}</li>" for item in article.attachments
    )
    return (
        f"<h1>{escape(article.title or '(không có tiêu đề)')}</h1>"
        f"<p class='meta'>{' · '.join(fact for fact in facts if fact)}</p>"
        f"<p class='meta'>Bản gốc: {_link(article.url)} · {len(article.versions)} phiên bản</p>"
        f"<article>{paragraphs}</article>"
        + (f"<p class='meta'>Nguồn: {escape(article.source)}</p>" if article.source else "")
        + (f"<h2>Ảnh</h2><ul>{images}</ul>" if images else "")
        + (f"<h2>Tệp đính kèm</h2><ul>{attachments}</ul>" if attachments else "")
    )


def _lines(body: str) -> Iterator[str]:
    return (line for line in body.split("\n") if line.strip())


def _layout(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f'<body><p><a href="/">portal-archive</a></p>{body}</body></html>'
    )
