"""The profile for portals whose CMS no family profile knows.

trafilatura finds the body (see :mod:`archive.profiles.boilerplate`); the rest
is decided from evidence that holds on any site rather than from one CMS's
markup (:class:`PageReading`):

* the main block: where prose with few links gathers (:mod:`archive.profiles.layout`);
* the headline: the heading the page's own title repeats, nearest above that block;
* the publication date: what the page declares for machines (JSON-LD, meta,
  microdata: :mod:`archive.profiles.structured`), else the printed date line
  nearest to the headline inside the block that holds headline and text, so a
  "today" date in the header, dated sidebars, related lists and comments are
  never read first. Dates are day-first and mean Asia/Ho_Chi_Minh unless the
  page gives an offset; a page without a date has none, none is guessed;
* the verdict (article or not, :meth:`GenericProfile.is_article_page`): a
  headline, a date, a main block of prose, and that block not being a list of
  other articles' titles.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import htmldate
from lxml import etree
from lxml.html import HtmlElement

from archive.dates import PORTAL_TZ, DateRole, find_dates
from archive.profiles.base import (
    DOCUMENT_EXTENSION,
    Content,
    Profile,
    document_title,
    strip_site_name,
)
from archive.profiles.boilerplate import CHROME
from archive.profiles.layout import (
    MIN_ARTICLE_CHARS,
    MIN_LISTED_TITLES,
    MainBlock,
    headline,
    holds,
    main_block,
    prose_besides_stories,
    text_owner,
    titled_links,
)
from archive.profiles.signoff import (
    author_from_signoff,
    byline_author,
    is_cms_account,
    is_set_apart,
    labelled_author,
)
from archive.profiles.sitewide import SiteKnowledge
from archive.profiles.structured import Declared, declared
from archive.profiles.xpath import ClassMark, lowered
from archive.text import BLOCK_TAGS, clean_line, inline_text

SUMMARY_MARK = ClassMark(
    "sapo", "summary", "lead", "hometext", "description", "tomtat", "tom-tat", "tom_tat"
)
MIN_SAPO_CHARS = 40
MAX_SAPO_CHARS = 1000
SUMMARY_META = "//meta[@property='og:description' or @name='description']/@content"
BREADCRUMB_MARK = ClassMark("breadcrumb")
# A date line near the headline is short ("Đăng ngày 25/12/2020 09:04 | Lượt xem: 12");
# a long one is a sentence that happens to mention a date.
MAX_DATE_LINE = 80
MAX_META_LINE = 2 * MAX_DATE_LINE
# A piece of the date line that trafilatura kept apart ("| Lượt xem: 12") is still it.
MIN_DATE_LINE_PART = 10

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
MAX_STAMP_CHARS = 60
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

_TEXT_NODES = etree.XPath(
    ".//text()[normalize-space()][not(ancestor::script or ancestor::style"
    " or ancestor::noscript or ancestor::template)]"
)
# A quick look for the labels of author lines, before reading the line they are on.
_AUTHOR_LABEL = re.compile(r"(?:tác\s*giả|bài|tin|ảnh|phóng\s*viên|pv|ctv|btv)\s*:", re.IGNORECASE)
_LEAD_CANDIDATES = etree.XPath(
    ".//*[self::p or self::div or self::h2 or self::h3 or self::h4]"
    "[not(.//a or .//p or .//div or .//img)][normalize-space()]"
)
_META_LINES = etree.XPath(
    ".//*[self::p or self::div or self::span or self::small or self::li]"
    "[not(.//p or .//div)][normalize-space()]"
)
_TITLE_PARTS = re.compile(r"\s+[-|–—·»:]\s+|\s*[|·»]\s*")
_ENDS_SENTENCE = re.compile(r"[.!?…]\W*$")
_AUTHOR_MARK = ClassMark("author", "byline", "tacgia", "tac-gia", "tac_gia")
_DATETIME_ATTRIBUTES = etree.XPath("descendant-or-self::*[@datetime]")
_LIKELY_DATE = re.compile(r"\d{4}")
_DATE_LINE_LIMIT = 2 * MAX_DATE_LINE
# A list item holding a story's stamp is a title and a line or two, a few levels deep.
MAX_STAMP_ITEM_DEPTH = 3
MAX_STAMP_ITEM_CHARS = 400


@dataclass(frozen=True)
class Printed:
    """The date line nearest to the headline, and the dates it gives."""

    published: datetime | None = None
    updated: datetime | None = None
    line: str = ""


@dataclass
class PageReading:
    """What the generic reader concludes about one page, computed once per page."""

    declared: Declared
    main: MainBlock | None
    headline: HtmlElement | None
    title: str | None
    # The innermost block holding the headline and the main text.
    scope: HtmlElement | None
    printed: Printed

    @property
    def published(self) -> datetime | None:
        return _preferred(self.declared.published, self.printed.published)

    @property
    def updated(self) -> datetime | None:
        return _preferred(self.declared.updated, self.printed.updated)


def read_page(tree: HtmlElement) -> PageReading:
    found = declared(tree)
    main = main_block(tree)
    page_title = document_title(tree)
    # The title as the page writes it, site name and all: which end the name takes is
    # what the headline shows.
    written_title = clean_line(tree.xpath("string(//title)")) or page_title
    top = headline(tree, main.element if main else None, written_title or found.headline)
    shared = strip_site_name(
        clean_line(tree.xpath("string(//meta[@property='og:title']/@content)"))
    )
    title = _fuller_title(
        _title(top, (written_title, page_title, found.headline), page_title), shared
    )
    scope = _article_scope(top, main)
    return PageReading(found, main, top, title, scope, _printed_dates(top, main, scope))


class GenericProfile(Profile):
    family = "generic"
    name = "generic"
    next_page_xpath = NEXT_PAGE
    pager_xpath = PAGER
    current_page_xpath = f".//{_CURRENT_PAGE}"

    judges_pages = True

    def __init__(self, knowledge: SiteKnowledge | None = None) -> None:
        super().__init__(knowledge)
        # The fields of one page are read from one reading of it; a page is parsed once.
        self._last: tuple[HtmlElement, PageReading] | None = None

    def breadcrumb_links(self, tree: HtmlElement) -> list[HtmlElement]:
        # A trail inside a trail would give its links twice.
        links = (link for trail in BREADCRUMB_MARK.within(tree) for link in trail.iter("a"))
        return list(dict.fromkeys(links))

    def reading(self, tree: HtmlElement) -> PageReading:
        last = self._last
        if last is not None and last[0] is tree:
            return last[1]
        reading = read_page(tree)
        self._last = (tree, reading)
        return reading

    def is_article_url(self, url: str) -> bool:
        """What URLs articles have: the shape of the site's pages read as articles so far,
        else common article shapes (long slugs, ``chi-tiet``) that no listing shape matches.
        """
        parts = urlsplit(url)
        if self.is_skipped_url(url):
            return False
        if self.knowledge is not None and self.knowledge.is_article_shape(url):
            return True
        if _LISTING_HINTS.search(f"{parts.path}?{parts.query}"):
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
        """A headline, its date, and a main block of prose that is not a list of stories.

        Each is evidence any site gives: a listing has prose too (summaries) but
        its main block is a column of titled links; a static page built with the
        article template has a headline and prose but no date of its own.
        """
        reading = self.reading(tree)
        main = reading.main
        return (
            bool(reading.title)
            and reading.published is not None
            and main is not None
            and main.prose_chars >= MIN_ARTICLE_CHARS
            and not _lists_stories(main)
        )

    def title(self, tree: HtmlElement) -> str | None:
        return self.reading(tree).title

    def dates(self, tree: HtmlElement) -> tuple[datetime | None, datetime | None]:
        """The page's dates; failing any, the day htmldate finds in its markup and text.

        The fallback fills the field of a page read on its own (``extract_article``);
        it is no evidence for the verdict, which only takes what the page states.
        """
        reading = self.reading(tree)
        return reading.published or _day_found_by_htmldate(tree), reading.updated

    def author(self, tree: HtmlElement) -> str | None:
        """When the text ends with no sign-off: a labelled author line by the article
        ("Tác giả: …" after the text, "Bài, ảnh: …" in the date line), else the person
        the page declares. Never a CMS account, the site itself, or a commenter.
        """
        reading = self.reading(tree)
        site = tree.xpath("string(//meta[@property='og:site_name']/@content)").strip().casefold()
        declared_people = [
            name
            for name in reading.declared.authors
            if not is_cms_account(name) and name.casefold() != site
        ]
        return (
            _labelled_author_near(reading.scope)
            or byline_author(reading.printed.line)
            or _byline_before_text(reading)
            or _marked_author_near(reading.scope)
            or next(iter(declared_people), None)
        )

    def page_content(self, tree: HtmlElement, url: str) -> Content:
        """trafilatura's reading of the article's block, less its date line."""
        reading = self.reading(tree)
        content = self.read_content(tree, url, reading.scope)
        # The date line is a field; with its view counter it is no bare date line.
        if reading.printed.line:
            content.lines = [
                line
                for line in content.lines
                if not (len(line) >= MIN_DATE_LINE_PART and line in reading.printed.line)
            ]
        # What trafilatura leaves of a meta line ("| Người đăng: … | Lượt xem: 12") starts
        # with its separator; prose never does, and a table row ends with one too.
        content.lines = [line for line in content.lines if not _meta_remnant(line)]
        return content

    def summary(self, tree: HtmlElement, body_lines: list[str]) -> str | None:
        """The sapo: a short lead set apart by its name or repeated in the description.

        A block named "summary" that holds the main text is the body (Drupal's
        ``field--type-text-with-summary``), not its lead; one outside the article's
        block, or in its chrome, is some other box's.
        """
        reading = self.reading(tree)
        main, scope = reading.main, reading.scope
        marked = [
            inline_text(element)
            for element in SUMMARY_MARK.within(tree)
            if next(element.iter("a"), None) is None
            and (main is None or not holds(element, main.element))
            and (scope is None or holds(scope, element))
            and not CHROME.encloses(element, within=scope)
        ]
        marked = [text for text in marked if len(text) <= MAX_SAPO_CHARS]
        described = [clean_line(value) for value in tree.xpath(SUMMARY_META)]
        lines = set(body_lines)
        repeated = next((text for text in marked + described if text and text in lines), None)
        # A sapo in an element of its own that the main text left out is still the sapo.
        return (
            repeated
            or next((text for text in marked if len(text) >= MIN_SAPO_CHARS), None)
            or _lead_between_headline_and_text(self.reading(tree))
        )

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


def _lead_between_headline_and_text(reading: PageReading) -> str | None:
    """A paragraph set apart between the headline and the main block: the sapo, however
    its markup is named (a bold ``p``, an ``h2``)."""
    for element in _between_headline_and_text(reading, _LEAD_CANDIDATES):
        # Set apart as a lead is: a heading of its own, or all of it in bold or italics.
        if element.tag not in ("h2", "h3", "h4") and not is_set_apart(element):
            continue
        text = inline_text(element)
        if MIN_SAPO_CHARS <= len(text) <= MAX_SAPO_CHARS and _ENDS_SENTENCE.search(text):
            return text if text not in reading.printed.line else None
    return None


def _between_headline_and_text(
    reading: PageReading, candidates: etree.XPath
) -> Iterator[HtmlElement]:
    """The ``candidates`` of the article's block that stand after its headline and before
    its main text, in page order: where a sapo and the meta lines are."""
    if reading.headline is None or reading.main is None or reading.scope is None:
        return
    order = {element: index for index, element in enumerate(reading.scope.iter())}
    start, end = order.get(reading.headline), order.get(reading.main.element)
    if start is None or end is None:
        return
    for element in candidates(reading.scope):
        if start < order.get(element, -1) < end and not holds(element, reading.headline):
            yield element


def _before_text(reading: PageReading, candidates: etree.XPath) -> Iterator[HtmlElement]:
    """The ``candidates`` of the article's block that stand before its main text: its
    headline and the lines around it."""
    if reading.main is None or reading.scope is None:
        return
    main = reading.main.element
    # A main block that holds the headline too begins its text at its first long line.
    text_holds_headline = reading.headline is not None and holds(main, reading.headline)
    for element in candidates(reading.scope):
        if not text_holds_headline and holds(main, element):
            return
        if text_holds_headline and len(inline_text(element)) > MAX_META_LINE:
            return
        yield element


def _byline_before_text(reading: PageReading) -> str | None:
    """A writer named in a meta line by the headline, above or below it ("Minh Châu |
    Người đăng: admin"): a part of a line of parts, a labelled line, or under the
    headline a line that is nothing but initials or a full name ("Q.N")."""
    below = _below_headline(reading)
    for element in _before_text(reading, _META_LINES):
        for line in _meta_lines_of(element, reading.headline):
            alone = element in below and " | " not in line
            name = byline_author(line) if " | " in line or alone else labelled_author(line)
            if name:
                return name
    return None


def _below_headline(reading: PageReading) -> set[HtmlElement]:
    """The elements of the article's block that come after its headline."""
    if reading.headline is None or reading.scope is None:
        return set()
    elements = list(reading.scope.iter())
    start = next((i for i, element in enumerate(elements) if element is reading.headline), None)
    if start is None:
        return set()
    return {e for e in elements[start + 1 :] if not holds(reading.headline, e)}


def _meta_lines_of(element: HtmlElement, headline: HtmlElement | None) -> Iterator[str]:
    """The meta line ``element`` is part of, as a reader sees it: the element, the inline
    parts that follow it on its line (a date in a ``p`` of its own, then "| Q.N |
    Lượt xem: 12"), its parent. Never one holding the headline, never a long one."""
    parent = element.getparent()
    lines = [inline_text(element), _with_inline_followers(element)]
    if parent is not None and (headline is None or not holds(parent, headline)):
        lines.append(inline_text(parent))
    # A meta line is a date line with a few more parts: the writer, the poster, views.
    yield from (line for line in dict.fromkeys(lines) if line and len(line) <= MAX_META_LINE)


def _with_inline_followers(element: HtmlElement) -> str:
    parts = [element.text_content(), element.tail or ""]
    for sibling in element.itersiblings():
        if not isinstance(sibling.tag, str) or sibling.tag in BLOCK_TAGS:
            break
        parts += [sibling.text_content(), sibling.tail or ""]
    return clean_line(" ".join(parts))


def _labelled_author_near(scope: HtmlElement | None) -> str | None:
    """A labelled author line in the article's block, or just around it.

    Comment threads and other chrome-named blocks are left out: their names are
    readers', and a story list's names are other articles'.
    """
    if scope is None:
        return None
    for region in (scope, scope.getparent()):
        if region is None:
            continue
        for text in _TEXT_NODES(region):
            if not _AUTHOR_LABEL.search(text):
                continue
            line_element = _date_line_element(text_owner(text), region)
            if line_element is None or CHROME.encloses(line_element, within=region):
                continue
            line = inline_text(line_element)
            if len(line) <= MAX_DATE_LINE and (name := labelled_author(line)):
                return name
    return None


def _marked_author_near(scope: HtmlElement | None) -> str | None:
    """A name in an element that HTML or its class marks as the author's (``rel=author``,
    ``itemprop=author``, ``byline``, ``tacgia``), outside comment threads."""
    if scope is None:
        return None
    for region in (scope, scope.getparent()):
        for element in _author_marked(region) if region is not None else ():
            name = author_from_signoff(inline_text(element), styled=True)
            if name and not is_cms_account(name):
                return name
    return None


def _meta_remnant(line: str) -> bool:
    return line.startswith("|") and not line.endswith("|")


def _author_marked(region: HtmlElement) -> Iterator[HtmlElement]:
    for element in region.iterdescendants(etree.Element):
        if (
            element.get("rel") == "author"
            or element.get("itemprop") == "author"
            or _AUTHOR_MARK.marks(element)
        ) and not CHROME.encloses(element, within=region):
            yield element


def _lists_stories(main: MainBlock) -> bool:
    """Whether the main block is a list of stories: titled items, and little prose besides.

    An article may end with a related list inside its block; what sets a listing
    apart is that without its items (each a titled link and its summary) hardly
    any prose is left.
    """
    titled = titled_links(main.element)
    return (
        len(titled) >= MIN_LISTED_TITLES
        and prose_besides_stories(main.element, titled) < MIN_ARTICLE_CHARS
    )


def _title(
    top: HtmlElement | None, titles: tuple[str | None, ...], page_title: str | None
) -> str | None:
    """The headline when one of the page's titles names it, else the declared or
    document title (``titles`` ends with the declared headline)."""
    text = inline_text(top) if top is not None else None
    written = titles[0]
    if text and written and page_title and _is_lesser_part(text, written):
        # A heading that is the shorter side of "Headline - Site" is the site's name.
        return page_title if page_title != text else titles[-1] or text
    for named in titles:
        if text and named and text.casefold() in named.casefold():
            return text
    return titles[-1] or page_title or text


def _is_lesser_part(text: str, title: str) -> bool:
    parts = [part.strip() for part in _TITLE_PARTS.split(title) if part.strip()]
    return len(parts) > 1 and text in parts and len(text) < max(map(len, parts))


def _fuller_title(text: str | None, shared: str | None) -> str | None:
    """The title a page shares (og:title) when the headline is a part of it: headlines
    are sometimes printed without their kicker ("Nach Gaetz-Rückzug: …")."""
    if text and shared and text.casefold() in shared.casefold() and len(shared) <= 2 * len(text):
        return shared
    return text


def _day_found_by_htmldate(tree: HtmlElement) -> datetime | None:
    # A page cannot have been published after it was read.
    today = datetime.now(PORTAL_TZ).strftime("%Y-%m-%d")
    found = htmldate.find_date(
        tree, original_date=True, extensive_search=True, outputformat="%Y-%m-%d", max_date=today
    )
    return datetime.fromisoformat(found).replace(tzinfo=PORTAL_TZ) if found else None


def _preferred(declared_value: datetime | None, printed: datetime | None) -> datetime | None:
    """What the page declares to the second, else the date printed by the headline.

    A timestamp declared for machines is the publisher's explicit statement; on
    real pages where it and the printed line disagree it is right more often. A
    declared bare day is weaker than a printed line (an archive or a template's
    default), and the printed line gives the time of day.
    """
    if declared_value is None:
        return printed
    says_only_the_day = declared_value.time() == datetime.min.time()
    return printed if printed is not None and says_only_the_day else declared_value


def _printed_dates(
    top: HtmlElement | None, main: MainBlock | None, scope: HtmlElement | None
) -> Printed:
    """The dates of the date line nearest to the headline.

    Only lines inside the block that holds both the headline and the main text
    count: the header's "today" and the sidebars lie outside it. A line that
    sits in an item beside a story's title is that story's stamp.
    """
    anchor = top if top is not None else (main.element if main is not None else None)
    if anchor is None or scope is None:
        return Printed()
    nodes = _TEXT_NODES(scope)
    if not nodes:
        return Printed()
    start = _first_index(nodes, anchor)
    candidates: list[tuple[int, int, str]] = []
    seen_elements: list[HtmlElement] = []
    for index, node in enumerate(nodes):
        if not _LIKELY_DATE.search(node):
            continue
        element = _date_line_element(text_owner(node), scope)
        if element is None or any(element is other for other in seen_elements):
            continue
        seen_elements.append(element)
        line = inline_text(element)
        if len(line) > MAX_DATE_LINE or _is_story_stamp(element, scope):
            continue
        # After the headline first at equal distance: that is where portals print it.
        # A machine-readable value inside the line gives the time the text may leave out.
        stamped = " ".join(value.get("datetime", "") for value in _DATETIME_ATTRIBUTES(element))
        candidates.append((abs(index - start), 0 if index >= start else 1, f"{stamped} {line}"))
    for element in _DATETIME_ATTRIBUTES(scope):
        inside_a_line = any(holds(line_element, element) for line_element in seen_elements)
        if not inside_a_line and not _is_story_stamp(element, scope):
            index = _first_index(nodes, element)
            after = 0 if index >= start else 1
            candidates.append((abs(index - start), after, element.get("datetime", "")))
    for _, _, line in sorted(candidates, key=lambda c: (c[0], c[1])):
        published = updated = None
        for found in find_dates(line[:_DATE_LINE_LIMIT]):
            if found.role is DateRole.UPDATED:
                updated = updated or found.value
            else:
                published = published or found.value
        if published:
            return Printed(published, updated, line)
        if updated:
            # Some portals print only "Ngày cập nhật …" by the headline: that is the day
            # they stand by, and the only publication time the page gives.
            return Printed(updated, None, line)
    return Printed()


def _article_scope(top: HtmlElement | None, main: MainBlock | None) -> HtmlElement | None:
    """The innermost block holding the headline and the main text."""
    if main is None:
        return top.getparent() if top is not None and top.getparent() is not None else top
    if top is None:
        parent = main.element.getparent()
        return parent if parent is not None else main.element
    for ancestor in (main.element, *main.element.iterancestors()):
        if holds(ancestor, top):
            return ancestor
    return main.element


def _first_index(nodes: list, element: HtmlElement) -> int:
    for index, node in enumerate(nodes):
        owner = text_owner(node)
        if owner is not None and holds(element, owner):
            return index
    return 0


def _date_line_element(element: HtmlElement | None, scope: HtmlElement) -> HtmlElement | None:
    """The largest block around a text that is still a short line (a date split in spans)."""
    if element is None:
        return None
    while element is not scope:
        parent = element.getparent()
        if parent is None or len(clean_line(parent.text_content())) > MAX_DATE_LINE:
            break
        element = parent
    return element


def _is_story_stamp(element: HtmlElement, scope: HtmlElement) -> bool:
    """Whether the date sits in an item with another story's title: a link of a sentence."""
    block = element
    for _ in range(MAX_STAMP_ITEM_DEPTH):
        if titled_links(block):
            return True
        parent = block.getparent()
        if block is scope or parent is None or len(parent.text_content()) > MAX_STAMP_ITEM_CHARS:
            break
        block = parent
    return False


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


def _is_date_line(line: str) -> bool:
    return 0 < len(line) <= MAX_DATE_LINE and next(find_dates(line), None) is not None


VERSIONS = (GenericProfile,)
