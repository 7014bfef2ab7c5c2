"""The profile for portals whose CMS no family profile knows.

trafilatura finds the body (see :mod:`archive.profiles.boilerplate`); the
metadata comes from Vietnamese-aware rules, because the dates these portals
print are day-first and unlabelled for machines: meta tags first, then an
element whose class or id says "date", then a short date line right after the
headline. A page without any of those has no date; none is guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from archive.dates import find_dates
from archive.profiles.base import DOCUMENT_EXTENSION, Profile, dates_in, document_title
from archive.profiles.boilerplate import CHROME_BLOCK
from archive.profiles.xpath import class_or_id_contains, lowered
from archive.text import clean_line, inline_text

PUBLISHED_META = (
    "//meta[@property='article:published_time' or @name='pubdate' or @name='publishdate'"
    " or @itemprop='datePublished' or @name='date']/@content"
    " | //*[@itemprop='datePublished']/@datetime | //time[@pubdate]/@datetime"
)
UPDATED_META = (
    "//meta[@property='article:modified_time' or @itemprop='dateModified']/@content"
    " | //*[@itemprop='dateModified']/@datetime"
)
DATE_MARKED = f"[{class_or_id_contains('date', 'time', 'ngay', 'publish')}]"
SUMMARY_ELEMENTS = (
    f"//*[{class_or_id_contains('sapo', 'summary', 'lead', 'hometext', 'description')}][not(.//a)]"
)
MIN_SAPO_CHARS = 40
SUMMARY_META = "//meta[@property='og:description' or @name='description']/@content"
BREADCRUMB_LINKS = f"//*[{class_or_id_contains('breadcrumb')}]//a"
# A date line near the headline is short ("Đăng ngày 25/12/2020 09:04 | Lượt xem: 12");
# a long one is a sentence that happens to mention a date.
MAX_DATE_LINE = 80
LINES_AFTER_HEADLINE = 12

_LISTING_HINTS = re.compile(
    r"[?&](?:page|pageindex|p|trang|cur|[\w-]*_cur)=\d+|/page-\d+/?$|/trang-\d+|/\d+\.html?$"
    r"|/(?:tag|tags|chuyen-muc|category|danh-muc|danh-sach[^/]*|rss)(?:/|$)",
    re.IGNORECASE,
)
_ARTICLE_SEGMENT = re.compile(
    r"^(?:[^/]*-){3,}[^/]*\.(?:html?|aspx|php)$|^(?:[^/]*-){5,}[^/.]*$", re.IGNORECASE
)
# Files (images, styles, documents) are neither articles nor listings.
_RESOURCE = re.compile(r"\.(?!(?:html?|aspx?|php|jsp)$)[a-z0-9]{1,5}$", re.IGNORECASE)
_ARTICLE_HINTS = re.compile(r"/-/view_content/\d+|/chi-tiet[^/]*/[^/]+$", re.IGNORECASE)
# Tag, topic and author pages list articles that the sections list too.
_INDEX_PAGES = re.compile(r"/(?:tag|tags|topic|author|tac-gia)/", re.IGNORECASE)
# Documents in a Liferay library end in a uuid, their file name one segment earlier.
_DOCUMENT = re.compile(rf"/documents/\d+/|{DOCUMENT_EXTENSION}(?:/|$)", re.IGNORECASE)
# A listing shows a short date stamp per item; an article shows one, its own.
MAX_STAMP_CHARS = 60
_STAMPS = (
    f"//body//text()[string-length(normalize-space()) <= {MAX_STAMP_CHARS}]"
    f"[not(ancestor::{CHROME_BLOCK})]"
)
# An item's stamp sits beside its links, not in them: a title may quote a decree's date.
_ITEM_STAMPS = f".//text()[string-length(normalize-space()) <= {MAX_STAMP_CHARS}][not(ancestor::a)]"
# How far above its link a listing item's block may begin.
MAX_ITEM_DEPTH = 6
# "Next page" links as portals label them, or as HTML declares them.
NEXT_LABELS = ("sau", "tiếp", "trang sau", "trang tiếp", "tiếp theo", "»", "›", "next")
NEXT_PAGE = (
    "//a[@href][@rel='next' or "
    + " or ".join(f"{lowered('normalize-space()')} = '{label}'" for label in NEXT_LABELS)
    + "] | //link[@rel='next'][@href]"
)
# Pagers that show numbers only: the innermost block holding a numbered link and the
# current number, which is plain text or a link going nowhere.
_NUMBER = "normalize-space() != '' and translate(normalize-space(), '0123456789', '') = ''"
_PAGE_LINK = f"a[@href != '#'][{_NUMBER}]"
_CURRENT_PAGE = f"*[not(*)][{_NUMBER}][not(self::a[@href != '#'])]"
_HOLDS_PAGER = f"[.//{_PAGE_LINK}][.//{_CURRENT_PAGE}]"
PAGER = f"//body//*{_HOLDS_PAGER}[not(*{_HOLDS_PAGER})]"
MAX_ARTICLE_STAMPS = 2
MIN_ARTICLE_CHARS = 200


class GenericProfile(Profile):
    family = "generic"
    name = "generic"
    breadcrumb_links_xpath = BREADCRUMB_LINKS
    next_page_xpath = NEXT_PAGE
    pager_xpath = PAGER
    current_page_xpath = f".//{_CURRENT_PAGE}"

    def is_article_url(self, url: str) -> bool:
        parts = urlsplit(url)
        if self.is_skipped_url(url) or _LISTING_HINTS.search(f"{parts.path}?{parts.query}"):
            return False
        last_segment = parts.path.rstrip("/").rsplit("/", 1)[-1]
        return bool(_ARTICLE_HINTS.search(parts.path) or _ARTICLE_SEGMENT.match(last_segment))

    def is_skipped_url(self, url: str) -> bool:
        return super().is_skipped_url(url) or bool(_INDEX_PAGES.search(urlsplit(url).path))

    def is_listing_url(self, url: str) -> bool:
        # Without the CMS's rules, every page that is not an article may lead to articles.
        path = urlsplit(url).path
        return not (
            self.is_skipped_url(url)
            or self.is_article_url(url)
            or _RESOURCE.search(path)
            or _DOCUMENT.search(path)
        )

    def is_article_page(self, tree: HtmlElement, url: str) -> bool:
        """A headline, its date, a body of some length and no column of date stamps."""
        stamps = sum(1 for text in tree.xpath(_STAMPS) if next(find_dates(text), None))
        paragraphs = sum(len(clean_line(p.text_content())) for p in tree.xpath("//body//p"))
        return (
            bool(self.title(tree))
            and self.dates(tree)[0] is not None
            and stamps <= MAX_ARTICLE_STAMPS
            and paragraphs >= MIN_ARTICLE_CHARS
        )

    def title(self, tree: HtmlElement) -> str | None:
        headlines = [text for h1 in tree.xpath("//h1") if (text := inline_text(h1))]
        page_title = document_title(tree)
        for headline in headlines:
            if page_title and headline.casefold() in page_title.casefold():
                return headline
        return page_title or (headlines[0] if headlines else None)

    def dates(self, tree: HtmlElement) -> tuple[datetime | None, datetime | None]:
        meta_published = _first_date(tree.xpath(PUBLISHED_META))
        meta_updated = _first_date(tree.xpath(UPDATED_META))
        published, updated = dates_in(_date_line(tree))
        return meta_published or published, meta_updated or updated

    def summary(self, tree: HtmlElement, body_lines: list[str]) -> str | None:
        marked = [inline_text(element) for element in tree.xpath(SUMMARY_ELEMENTS)]
        described = [clean_line(value) for value in tree.xpath(SUMMARY_META)]
        lines = set(body_lines)
        repeated = next((text for text in marked + described if text and text in lines), None)
        # A sapo in an element of its own that the main text left out is still the sapo.
        return repeated or next((text for text in marked if len(text) >= MIN_SAPO_CHARS), None)

    def listing_entries(self, tree: HtmlElement, page_url: str) -> Iterator[tuple[str, str]]:
        """Article links with a date stamp in the block that holds them and no other article."""
        links = tree.xpath("//body//a[@href]")
        articles = {
            link: url
            for link in links
            if self.is_article_link(url := urljoin(page_url, link.get("href").strip()))
        }
        for link, url in articles.items():
            stamp = _item_stamp(link, url, articles)
            if stamp:
                yield url, stamp


def _item_stamp(link: HtmlElement, url: str, articles: dict[HtmlElement, str]) -> str | None:
    """The first dated short text of the link's item: the nearest block with a stamp.

    Climbing stops at a block that links to another article too, since that is
    the list itself and its stamps belong to the other items.
    """
    for depth, block in enumerate(link.iterancestors()):
        others = (articles.get(other, url) != url for other in block.iter("a"))
        if depth >= MAX_ITEM_DEPTH or any(others):
            return None
        stamp = next((text for text in block.xpath(_ITEM_STAMPS) if _is_date_line(text)), None)
        if stamp:
            return stamp
    return None


def _first_date(values: list[str]) -> datetime | None:
    for value in values:
        found = next(find_dates(value), None)
        if found:
            return found.value
    return None


def _date_line(tree: HtmlElement) -> str:
    """The first short dated line of the date-marked elements or the text after the h1.

    Both searches start at the headline, so a ticker or a sidebar listing other
    articles' dates above it is never read.
    """
    headline = next(iter(tree.xpath("//h1")), None)
    marked = (
        tree.xpath(f"//*{DATE_MARKED}")
        if headline is None
        else headline.xpath(f"following::*{DATE_MARKED}")
    )
    marked = [inline_text(element) for element in marked]
    lines = marked + _lines_after_headline(headline)
    return next((line for line in lines if _is_date_line(line)), "")


def _lines_after_headline(headline: HtmlElement | None) -> list[str]:
    if headline is None:
        return []
    following = headline.xpath("following::text()[normalize-space()]")
    return [clean_line(text) for text in following[:LINES_AFTER_HEADLINE]]


def _is_date_line(line: str) -> bool:
    return 0 < len(line) <= MAX_DATE_LINE and next(find_dates(line), None) is not None


VERSIONS = (GenericProfile,)
