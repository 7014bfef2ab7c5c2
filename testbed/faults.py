"""`--faults`: the ways real portals fail a crawler, planned deterministically.

Every decision is a pure function of the seed, the site and the request path
(``zlib.crc32(f"{seed}:{salt}:{site}:{path}")``), so the same run serves the same faults
and the manifest can list them without serving anything. robots.txt and the start pages
are never touched and listings never fail, so the site stays crawlable.

Article and attachment pages (per mille of their paths):

* transient, 60 ‰ (the first one or two attempts at a URL fail, then the page is served):
  ``server_error`` 500/502/503 (12), ``throttled`` 429 with ``Retry-After: 1`` (10),
  ``unavailable`` 503 with an HTTP-date ``Retry-After`` (10), ``reset`` (the connection
  is closed with an RST before any answer, 10), ``slow`` (the answer comes after
  ``slow_seconds``, 8), ``truncated`` (``Content-Length`` promises more than is sent, 10);
* permanent, 9 ‰ (every attempt; listed by `FaultPlan.manifest`): ``server_error``,
  ``reset``, ``truncated``, ``redirect_loop`` (A → A?vong=1 → A), ``redirect_chain``
  (25 hops, more than crawlers follow), ``gzip_bomb`` (about 1 MB of gzip that inflates to
  1 GiB of zeros), ``huge_page`` (40 MB of HTML; articles only, since an archive keeps a
  40 MB attached document), ``not_found`` (404) and ``gone`` (410),
  1 ‰ each.

A fault belongs to the article, so its session-id, language, print and save variants
fail alike; a permanent one can never be dodged through a duplicate URL.

Any HTML page but a start page, independently (per mille of paths):

* quirks the crawler must read through, 20 ‰ each: ``wrong_charset`` (the header says
  ISO-8859-1, the UTF-8 page says ``<meta charset="utf-8">``), ``no_charset`` (neither
  header nor page names one) and ``malformed`` (stray ``</div>``s, unclosed tags, an
  unterminated comment before ``</body>``);
* links injected before ``</body>``, 30 ‰ each, each imitating a real behaviour:

  - ``calendar``: the month-archive widgets of portal calendars (portal-notes, trap 9):
    ``/lich/2024/05`` links to the previous and next month forever, with no articles;
  - ``pager``: CMSs that render an empty page N for any N with a "Tiếp" link to N+1,
    on the family's own listing URL shape for the category ``tin-luu-tru``;
  - ``language`` (Liferay only): relative ``en/`` and ``vi/`` links, which grew into
    ``…/view_content/…html/en/en/vi/en/…`` chains in the HTTrack mirror; any such path
    answers with the page it starts with plus the same relative links;
  - ``session``: Java portals (Liferay, the Hà Tĩnh Java CMS) rewriting links with
    ``;jsessionid=`` for cookie-less clients, PHP and ASP.NET ones with ``?sid=``; the id
    is fresh on every request, so the same page gets a new URL each time;
  - ``moved``: an old URL left over from a CMS migration, ``/tin-cu/<id>.html``, which
    redirects through 2 or 3 hops to an article of the site (not a failure).
"""

from __future__ import annotations

import re
import secrets
import socket
import struct
import threading
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from email.utils import formatdate
from html import escape
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from .families import Family
from .families.base import Response

if TYPE_CHECKING:
    from .portal import Portal

SLOW_SECONDS = 3.0
REDIRECT_CHAIN_HOPS = 25
HUGE_PAGE_BYTES = 40_000_000
BOMB_INFLATED_BYTES = 1 << 30

TRANSIENT_SHARES: tuple[tuple[str, int], ...] = (
    ("server_error", 12),
    ("throttled", 10),
    ("unavailable", 10),
    ("reset", 10),
    ("slow", 8),
    ("truncated", 10),
)
PERMANENT_SHARES: tuple[tuple[str, int], ...] = tuple(
    (kind, 1)
    for kind in (
        "server_error",
        "reset",
        "truncated",
        "redirect_loop",
        "redirect_chain",
        "gzip_bomb",
        "huge_page",
        "not_found",
        "gone",
    )
)
QUIRK_SHARES: tuple[tuple[str, int], ...] = (
    ("wrong_charset", 20),
    ("no_charset", 20),
    ("malformed", 20),
)
TRAP_SHARES: tuple[tuple[str, int], ...] = (
    ("calendar", 30),
    ("pager", 30),
    ("language", 30),
    ("session", 30),
    ("moved", 30),
)
REASONS = {
    "server_error": "500 Internal Server Error on every attempt",
    "reset": "the connection is reset before any answer, on every attempt",
    "truncated": "the body ends before its Content-Length, on every attempt",
    "redirect_loop": "302 to a second URL that redirects back, forever",
    "redirect_chain": f"{REDIRECT_CHAIN_HOPS} redirects before the page, more than crawlers follow",
    "gzip_bomb": f"gzip body that inflates to {BOMB_INFLATED_BYTES:,} bytes of zeros",
    "huge_page": f"an HTML page of {HUGE_PAGE_BYTES:,} bytes",
    "not_found": "404 Not Found",
    "gone": "410 Gone",
}

_LOOP_KEY, _CHAIN_KEY, _MOVED_KEY = "vong", "chuyen", "buoc"
_PAGER_SLUG = "tin-luu-tru"
_JSESSIONID = re.compile(r";jsessionid=[0-9A-Fa-f]+")
_LANGUAGE_TAIL = re.compile(r"(?:/(?:en|vi))+/?$")
_CALENDAR = re.compile(r"/lich/(\d{4,})/(\d{2})")
_MOVED = re.compile(r"/tin-cu/(\d+)\.html")
# NukeViet's save and print copies put a prefix before the article's own path.
_COPY_PREFIXES = ("/savefile", "/print")
_CHUNK = 64 * 1024
_META_CHARSET = re.compile(r"<meta[^>]*charset[^>]*>", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Fault:
    kind: str
    permanent: bool
    # A transient fault spoils this many attempts at a URL; the next one gets the page.
    failures: int = 0


def _hash(seed: int, salt: str, site: str, path: str) -> int:
    return zlib.crc32(f"{seed}:{salt}:{site}:{path}".encode())


def _pick(shares: Iterable[tuple[str, int]], bucket: int) -> str | None:
    for kind, share in shares:
        if bucket < share:
            return kind
        bucket -= share
    return None


def page_fault(seed: int, site: str, path: str, attachment: bool = False) -> Fault | None:
    """The fault of an article or attachment path, if any."""
    bucket = _hash(seed, "fault", site, path) % 1000
    transient = _pick(TRANSIENT_SHARES, bucket)
    if transient is not None:
        return Fault(transient, False, 1 + _hash(seed, "again", site, path) % 2)
    permanent = _pick(PERMANENT_SHARES, bucket - sum(s for _, s in TRANSIENT_SHARES))
    # A 40 MB attached document is one an archive keeps, not a failure.
    if permanent is None or (attachment and permanent == "huge_page"):
        return None
    return Fault(permanent, True)


class FaultPlan:
    """Serves the faults of one portal; shared by every site's server threads."""

    def __init__(self, portal: Portal, slow_seconds: float = SLOW_SECONDS) -> None:
        self.portal = portal
        self.slow_seconds = slow_seconds
        self._attempts: dict[str, int] = {}
        self._lock = threading.Lock()

    # -- the plan -----------------------------------------------------------------------

    def planned(self) -> Iterator[tuple[str, str, Fault]]:
        """(site, path, fault) of every article and attachment page that has a fault."""
        for article in self.portal.articles:
            paths = [
                (article.path, False),
                *((a.path, True) for a in self.portal.attachments.get(article.id, [])),
            ]
            for path, attachment in paths:
                fault = page_fault(self.portal.seed, article.site, path, attachment)
                if fault is not None:
                    yield article.site, path, fault

    def manifest(self) -> list[dict[str, str]]:
        """Every permanent failure: absolute url, kind and reason."""
        return [
            {"url": self.portal.url(site, path), "kind": fault.kind, "reason": REASONS[fault.kind]}
            for site, path, fault in self.planned()
            if fault.permanent
        ]

    def reachable(self, gold: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Gold without the articles, and attachments, that fail permanently."""
        failed = {entry["url"] for entry in self.manifest()}
        for record in gold:
            if record["url"] in failed:
                continue
            attachments = [a for a in record["attachments"] if a["url"] not in failed]
            yield {**record, "attachments": attachments}

    def fault_at(self, family: Family, path: str) -> Fault | None:
        site = family.site.key
        key = self._canonical(family, path)
        if key in self.portal.by_path[site]:
            return page_fault(self.portal.seed, site, key)
        if key in self.portal.by_attachment_path[site]:
            return page_fault(self.portal.seed, site, key, attachment=True)
        return None

    def quirk_at(self, family: Family, path: str) -> str | None:
        key = self._canonical(family, path)
        return _pick(QUIRK_SHARES, _hash(self.portal.seed, "quirk", family.site.key, key) % 1000)

    def trap_at(self, family: Family, path: str) -> str | None:
        key = self._canonical(family, path)
        trap = _pick(TRAP_SHARES, _hash(self.portal.seed, "trap", family.site.key, key) % 1000)
        return None if trap == "language" and family.name != "liferay" else trap

    def _canonical(self, family: Family, path: str) -> str:
        """The page a variant URL (session id, language tail, print/save copy) shows."""
        path = _JSESSIONID.sub("", path)
        if family.name == "liferay":
            path = _LANGUAGE_TAIL.sub("", path) or "/"
        articles = self.portal.by_path[family.site.key]
        for prefix in _COPY_PREFIXES:
            if path.startswith(f"{prefix}/") and path.removeprefix(prefix) in articles:
                return path.removeprefix(prefix)
        return path

    # -- hook 1: taking over the exchange -----------------------------------------------

    def take_over(self, handler: BaseHTTPRequestHandler, family: Family, send_body: bool) -> bool:
        """Answer the request badly if the plan says so; True when it has been answered."""
        parts = urlsplit(handler.path)
        fault = self.fault_at(family, unquote(parts.path))
        if fault is None:
            return False
        if not fault.permanent and self._attempt(family, handler.path) > fault.failures:
            return False
        if fault.kind == "slow":
            time.sleep(self.slow_seconds)
            return False
        exchange = _Exchange(handler, family, send_body)
        query = parse_qs(parts.query)
        if fault.kind == "redirect_loop":
            # A → A?vong=1 → A: the second URL sends the crawler back where it started.
            exchange.redirect(parts.path if _LOOP_KEY in query else f"{parts.path}?{_LOOP_KEY}=1")
            return True
        if fault.kind == "redirect_chain":
            hop = _int(query.get(_CHAIN_KEY, ["0"])[0])
            if hop >= REDIRECT_CHAIN_HOPS:
                return False  # the end of the chain is the page itself
            exchange.redirect(f"{parts.path}?{_CHAIN_KEY}={hop + 1}")
            return True
        if fault.kind == "server_error" and not fault.permanent:
            status = (500, 502, 503)[_hash(self.portal.seed, "status", "", handler.path) % 3]
            exchange.error(status)
        else:
            _ANSWERS[fault.kind](exchange)
        return True

    def _attempt(self, family: Family, target: str) -> int:
        """How many times this URL has now been asked for, this one included."""
        key = f"{family.site.key}:{target}"
        with self._lock:
            self._attempts[key] = self._attempts.get(key, 0) + 1
            return self._attempts[key]

    # -- hook 2: transforming the family's answer ---------------------------------------

    def transform(self, family: Family, target: str, response: Response) -> Response:
        """Serve trap and moved URLs, and add quirks and trap links to HTML pages."""
        parts = urlsplit(target)
        path = unquote(parts.path)
        if path == "/robots.txt":
            return response
        if response.status == 404:
            special = self._special(family, path, parse_qs(parts.query))
            if special is not None:
                return special
            response = self._variant(family, path, parts.query) or response
        return self._decorate(family, path, response)

    def _special(self, family: Family, path: str, query: dict[str, list[str]]) -> Response | None:
        """A trap page or a moved URL's redirect, for paths no family serves."""
        calendar = _CALENDAR.fullmatch(path)
        if calendar and 1 <= int(calendar[2]) <= 12:
            return _calendar_page(family, int(calendar[1]), int(calendar[2]))
        page = self._pager_number(family, path, query)
        if page is not None:
            return _pager_page(family, page)
        moved = _MOVED.fullmatch(path)
        if moved is not None:
            return self._moved(family, int(moved[1]), _int(query.get(_MOVED_KEY, ["0"])[0]))
        return None

    def _variant(self, family: Family, path: str, query: str) -> Response | None:
        """The page behind a session-id or language URL the family itself does not know."""
        base = self._canonical(family, path)
        given = parse_qs(query)
        rest = {key: values for key, values in given.items() if key != "sid"}
        if base == path and rest == given:
            return None
        response = family.handle(base, rest)
        return response if response.status == 200 else None

    def _pager_number(self, family: Family, path: str, query: dict[str, list[str]]) -> int | None:
        """The page number of a never-ending pager URL, in the family's listing shape."""
        sentinel = 987_654_321
        shape = _listing_path(family, sentinel)
        base, _, shape_query = shape.partition("?")
        if not shape_query:
            if path == _listing_path(family, 1):
                return 1
            match = re.fullmatch(re.escape(base).replace(str(sentinel), r"(\d+)"), path)
            return int(match[1]) if match else None
        if path != base:
            return None
        # The page number sits in one query parameter; the others name the portlet.
        for key, values in parse_qs(shape_query).items():
            if values == [str(sentinel)]:
                return _int(query.get(key, ["1"])[0]) or 1
        return None

    def _moved(self, family: Family, number: int, hop: int) -> Response | None:
        articles = self.portal.site_articles[family.site.key]
        if not articles:
            return None
        article = articles[number % len(articles)]
        hops = 2 + _hash(self.portal.seed, "hops", family.site.key, str(number)) % 2
        if hop + 1 < hops:
            location = f"/tin-cu/{number}.html?{_MOVED_KEY}={hop + 1}"
        else:
            location = article.path
        return family.redirect(location)

    def _decorate(self, family: Family, path: str, response: Response) -> Response:
        if response.status != 200 or not response.content_type.startswith("text/html"):
            return response
        canonical = self._canonical(family, path)
        if canonical in (family.start_path, "/"):
            return response
        try:
            page = response.body.decode("utf-8")
        except UnicodeDecodeError:
            return response
        trap = self.trap_at(family, path)
        if family.name == "liferay" and _LANGUAGE_TAIL.search(_JSESSIONID.sub("", path)):
            trap = "language"  # a language URL keeps growing, whatever its page's own trap
        if trap is not None:
            page = _before_body_end(page, self._trap_links(family, trap, path, canonical))
        quirk = self.quirk_at(family, path)
        content_type = response.content_type
        if quirk == "wrong_charset":
            page, content_type = _declare_utf8(page), "text/html; charset=iso-8859-1"
        elif quirk == "no_charset":
            page, content_type = _META_CHARSET.sub("", page), "text/html"
        elif quirk == "malformed":
            page = _malform(page)
        return replace(response, body=page.encode("utf-8"), content_type=content_type)

    def _trap_links(self, family: Family, trap: str, path: str, canonical: str) -> str:
        if trap == "calendar":
            return '<div class="lich"><a href="/lich/2024/05">Lưu trữ tháng 05/2024</a></div>'
        if trap == "pager":
            href = escape(_listing_path(family, 2))
            return f'<div class="luu-tru"><a href="{href}">Tin cũ</a></div>'
        if trap == "language":
            # Relative on purpose: resolved against a language URL they add one more level.
            last = path.rsplit("/", 1)[1]
            prefix = f"{last}/" if last else ""
            return (
                f'<ul class="languages"><li><a href="{escape(prefix)}en/">English</a></li>'
                f'<li><a href="{escape(prefix)}vi/">Tiếng Việt</a></li></ul>'
            )
        if trap == "session":
            return (
                f'<a class="session" href="{escape(_with_session(family, canonical))}">Làm mới</a>'
            )
        number = _hash(self.portal.seed, "moved", family.site.key, canonical) % 10_000
        return f'<a class="tin-cu" href="/tin-cu/{number}.html">Bài viết liên quan</a>'


class _Exchange:
    """Raw answers on the handler's socket, for what a well-behaved server never sends."""

    def __init__(self, handler: BaseHTTPRequestHandler, family: Family, send_body: bool) -> None:
        self.handler = handler
        self.family = family
        self.send_body = send_body

    def head(self, status: int, headers: dict[str, str]) -> None:
        self.handler.send_response(status)
        for name, value in headers.items():
            self.handler.send_header(name, value)
        self.handler.end_headers()

    def answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.head(
            status,
            {
                "Content-Type": "text/html; charset=utf-8",
                "Content-Length": str(len(body)),
                **(headers or {}),
            },
        )
        if self.send_body:
            self.handler.wfile.write(body)

    def error(self, status: int, headers: dict[str, str] | None = None) -> None:
        page = f"<!DOCTYPE html><html><body><h1>{status}</h1></body></html>"
        self.answer(status, page.encode(), headers)

    def redirect(self, location: str) -> None:
        self.answer(302, b"", {"Location": location})

    def throttled(self) -> None:
        self.error(429, {"Retry-After": "1"})

    def unavailable(self) -> None:
        self.error(503, {"Retry-After": formatdate(time.time() + 1, usegmt=True)})

    def server_error(self) -> None:
        self.error(500)

    def not_found(self) -> None:
        response = self.family.not_found()
        self.answer(response.status, response.body)

    def gone(self) -> None:
        self.error(410)

    def reset(self) -> None:
        # Linger 0 turns the close into an RST, as a crashed worker or a firewall sends.
        self.handler.connection.setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
        )
        self.handler.close_connection = True
        self.handler.connection.close()

    def truncated(self) -> None:
        parts = urlsplit(self.handler.path)
        page = self.family.handle(unquote(parts.path), parse_qs(parts.query))
        self.head(200, {"Content-Type": page.content_type, "Content-Length": str(len(page.body))})
        if self.send_body:
            self.handler.wfile.write(page.body[: len(page.body) // 2])
        self.handler.close_connection = True

    def gzip_bomb(self) -> None:
        blob = _bomb()
        self.head(
            200,
            {
                "Content-Type": "text/html; charset=utf-8",
                "Content-Encoding": "gzip",
                "Content-Length": str(len(blob)),
            },
        )
        if self.send_body:
            self.stream(memoryview(blob)[i : i + _CHUNK] for i in range(0, len(blob), _CHUNK))

    def huge_page(self) -> None:
        head, chunk, tail, count = _huge_page_parts()
        length = len(head) + count * len(chunk) + len(tail)
        self.head(200, {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(length)})
        if self.send_body:
            self.stream([head, *(chunk for _ in range(count)), tail])

    def stream(self, chunks: Iterable[bytes | memoryview]) -> None:
        try:
            for chunk in chunks:
                self.handler.wfile.write(chunk)
        except (ConnectionError, TimeoutError):
            # Crawlers are right to give up on these; there is nobody left to answer.
            self.handler.close_connection = True


_ANSWERS = {
    "server_error": _Exchange.server_error,
    "throttled": _Exchange.throttled,
    "unavailable": _Exchange.unavailable,
    "reset": _Exchange.reset,
    "truncated": _Exchange.truncated,
    "gzip_bomb": _Exchange.gzip_bomb,
    "huge_page": _Exchange.huge_page,
    "not_found": _Exchange.not_found,
    "gone": _Exchange.gone,
}

_bomb_blob: bytes | None = None
_bomb_lock = threading.Lock()


def _bomb() -> bytes:
    """The gzip bomb, compressed once per process (about 2 s) and kept at about 1 MB."""
    global _bomb_blob
    with _bomb_lock:
        if _bomb_blob is None:
            compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip framing
            zeros = bytes(1 << 20)
            parts = [compressor.compress(zeros) for _ in range(BOMB_INFLATED_BYTES >> 20)]
            _bomb_blob = b"".join([*parts, compressor.flush()])
        return _bomb_blob


def _huge_page_parts() -> tuple[bytes, bytes, bytes, int]:
    """Head, repeated chunk, tail and repeat count of a page of about HUGE_PAGE_BYTES."""
    head = (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Lưu trữ</title>'
        "</head><body>"
    ).encode()
    paragraph = "<p>Danh mục tài liệu lưu trữ của cơ quan, cập nhật hằng ngày.</p>".encode()
    chunk = paragraph * (_CHUNK // len(paragraph))
    tail = b"</body></html>"
    return head, chunk, tail, -(-HUGE_PAGE_BYTES // len(chunk))


def _int(text: str) -> int:
    return int(text) if text.isdigit() else 0


def _listing_path(family: Family, page: int) -> str:
    # Every family names its listing pages with category_path(slug, page).
    category_path = family.category_path  # type: ignore[attr-defined]
    return category_path(_PAGER_SLUG) if page == 1 else category_path(_PAGER_SLUG, page)


def _with_session(family: Family, path: str) -> str:
    token = secrets.token_hex(16)
    if family.name in ("liferay", "portalfolder"):
        return f"{path};jsessionid={token.upper()}"
    return f"{path}?sid={token}"


def _before_body_end(page: str, html: str) -> str:
    at = page.rfind("</body>")
    return page + html if at < 0 else page[:at] + html + page[at:]


def _declare_utf8(page: str) -> str:
    if '<meta charset="utf-8">' in page.lower():
        return page
    return re.sub(r"(<head[^>]*>)", r'\1<meta charset="utf-8">', page, count=1)


def _malform(page: str) -> str:
    """Tag soup that leaves the text in place: stray closers, unclosed openers, an open comment."""
    page = re.sub(
        r"(<body[^>]*>)", r'\1</div></div><div class="wrapper"><font face="Arial">', page, count=1
    )
    return _before_body_end(page, '<div class="thong-ke"><b>Lượt truy cập<!-- bộ đếm cũ ')


def _trap_page(family: Family, title: str, links: list[tuple[str, str]]) -> Response:
    anchors = "".join(
        f'<li><a href="{escape(href)}">{escape(text)}</a></li>' for href, text in links
    )
    page = (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(title)} - {escape(family.site.name)}</title></head><body>"
        f"<h1>{escape(title)}</h1><p>Không có tin bài nào.</p><ul>{anchors}</ul>"
        f'<p><a href="{escape(family.start_path)}">Trang chủ</a></p></body></html>'
    )
    return Response(200, page.encode("utf-8"))


def _calendar_page(family: Family, year: int, month: int) -> Response:
    before = (year, month - 1) if month > 1 else (year - 1, 12)
    after = (year, month + 1) if month < 12 else (year + 1, 1)
    links = [(f"/lich/{after[0]:04d}/{after[1]:02d}", "Tháng sau")]
    if before[0] >= 1:
        links.insert(0, (f"/lich/{before[0]:04d}/{before[1]:02d}", "Tháng trước"))
    return _trap_page(family, f"Lịch tháng {month:02d}/{year}", links)


def _pager_page(family: Family, page: int) -> Response:
    links = [(_listing_path(family, page + 1), "Tiếp")]
    if page > 1:
        links.insert(0, (_listing_path(family, page - 1), "Trước"))
    return _trap_page(family, f"Tin lưu trữ - Trang {page}", links)
