"""The profile base class: one declarative parser per CMS family and template version.

Following Fundus, a profile is a class whose selectors are class attributes
and whose fields each come from one small method, so a family's next template
(``PortalFolderV2``) is a subclass that overrides the selectors that changed.
A profile also carries the family's URL rules for the crawler.

Body text: the profile selects the body container, drops its noise blocks and
lays the rest out block by block (:func:`archive.text.block_lines`); captions
become lines of their own and the closing sign-off becomes the author. Only
when the container is missing does trafilatura read the whole page.

Why not trafilatura on the container too: on a 300-article testbed run (seed
1) the block layout reproduces every gold body exactly (token F1 1.000, 100%
exact, both families). trafilatura on the very same container has about the
same tokens (F1 0.9997) but only 20% (portalfolder) and 96% (tandan) of the
bodies exact: it renders caption tables as ``| caption |`` rows and merges or
moves lines around them, and the body is what versions and duplicates are
hashed on. On whole pages (the generic profile) it still reaches F1 1.000 and
0.998, which is why it is the fallback.

Listing pages: a profile reads the date each listing item shows beside its
article link and the link to the listing's next page, so an incremental crawl
can stop paging once the dates are older than its last visit.
"""

from __future__ import annotations

import copy
import mimetypes
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import ClassVar
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlElement

from archive.dates import DateRole, find_dates, is_dateline, parse_date
from archive.profiles.boilerplate import CLOSING_LINES, MainText, lines_after, main_text
from archive.profiles.records import (
    REQUIRED_FIELDS,
    AttachmentRef,
    ExtractedArticle,
    ImageRef,
)
from archive.profiles.signoff import (
    SIGNOFF_MAX_CHARS,
    author_from_signoff,
    is_furniture,
    is_set_apart,
    is_source_line,
    source_from_line,
)
from archive.profiles.sitewide import SiteKnowledge
from archive.text import block_lines, clean_line, inline_text
from archive.urls import canonical_url, is_web_url

# Pages no crawler should follow on any portal: accounts, search, print views,
# the citizen-reception calendar (an endless date space).
COMMON_SKIPS = re.compile(
    r"\b(?:login|logout|dang-nhap|dangnhap|signin|search|tim-kiem|timkiem|print|savefile)\b"
    r"|lich-tiep-cong-dan"
    # Print views as Vietnamese CMSs name them ("in bài viết", "bản in"), as a whole segment.
    r"|(?:^|/)(?:in-?bai(?:-?viet)?|ban-?in)(?:[/.?]|$)",
    re.IGNORECASE,
)
DOCUMENT_EXTENSION = r"\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|rtf|zip|rar|7z)"
ATTACHMENT_PATH = re.compile(f"{DOCUMENT_EXTENSION}$", re.IGNORECASE)
HOME_LABELS = frozenset({"trang chủ", "home", "trang chu", "trang nhất"})
# A caption follows its image in a figure, in the next table row, or as an
# italic paragraph right after the image's paragraph.
ANY_CAPTION = (
    "ancestor::figure[1]/figcaption"
    " | ancestor::tr[1]/following-sibling::tr[1]"
    " | ancestor::p[1]/following-sibling::*[1][self::p][em or i]"
)
# How the names of government sites begin, as they trail page titles.
SITE_NAME = re.compile(
    r"(?:cổng|trang)\s+(?:thông\s+tin|ttđt)|[\w.-]+\.gov\.vn|sở\s|ubnd\s|ủy\s+ban\s+nhân\s+dân\s",
    re.IGNORECASE,
)
_TITLE_SEPARATORS = re.compile(r"\s+[-|–—]\s+")


@dataclass
class Content:
    """What the body container yields besides metadata."""

    lines: list[str]
    author: str | None = None
    source: str | None = None
    images: list[ImageRef] = field(default_factory=list)
    attachments: list[AttachmentRef] = field(default_factory=list)


class Profile:
    family: ClassVar[str]
    version: ClassVar[str] = "V1"
    name: ClassVar[str]

    # URL rules, searched in the URL path (skips also in the query).
    article_path: ClassVar[re.Pattern[str] | None] = None
    listing_path: ClassVar[re.Pattern[str] | None] = None
    skipped_path: ClassVar[re.Pattern[str] | None] = None

    # Page selectors: absolute XPath, except where noted.
    marker: ClassVar[str | None] = None  # matches only on pages of this family/version
    # Matches on every page of the family, listings and home included (generator meta, theme).
    site_marker: ClassVar[str | None] = None
    title_xpath: ClassVar[str | None] = None
    date_xpath: ClassVar[str | None] = None
    summary_xpath: ClassVar[str | None] = None
    body_xpath: ClassVar[str | None] = None
    breadcrumb_links_xpath: ClassVar[str | None] = None
    noise_xpaths: ClassVar[tuple[str, ...]] = ()  # relative to the body container
    caption_xpath: ClassVar[str] = ANY_CAPTION  # relative to an <img>
    # Where the family puts what the body container does not hold.
    author_xpath: ClassVar[str | None] = None  # a labelled line, "Tác giả: …"
    source_xpath: ClassVar[str | None] = None  # a labelled line, "Nguồn: …"
    attachments_xpath: ClassVar[str | None] = None  # document links, whatever their URL

    # Listing selectors. Items are absolute, links and dates relative to an item.
    listing_item_xpath: ClassVar[str | None] = None
    listing_link_xpath: ClassVar[str] = ".//a[@href]"
    listing_date_xpath: ClassVar[str | None] = None
    next_page_xpath: ClassVar[str | None] = None  # a labelled "next" link
    # Pagers that show page numbers only: the pager, and its current number within it.
    pager_xpath: ClassVar[str | None] = None
    current_page_xpath: ClassVar[str | None] = None

    # Whether the profile tells articles by reading the page rather than by its URL, so
    # the crawler has every page judged.
    judges_pages: ClassVar[bool] = False

    def __init__(self, knowledge: SiteKnowledge | None = None) -> None:
        # What the crawl has learnt of the site so far, for profiles that use it.
        self.knowledge = knowledge

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "name" not in cls.__dict__ and hasattr(cls, "family"):
            cls.name = f"{cls.family}.{cls.version}"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"

    # ----- URL rules -------------------------------------------------------------

    def is_skipped_url(self, url: str) -> bool:
        parts = urlsplit(url)
        target = f"{parts.path}?{parts.query}"
        return bool(
            COMMON_SKIPS.search(target) or (self.skipped_path and self.skipped_path.search(target))
        )

    def is_article_url(self, url: str) -> bool:
        return _path_matches(self.article_path, url) and not self.is_skipped_url(url)

    def is_listing_url(self, url: str) -> bool:
        return (
            _path_matches(self.listing_path, url)
            and not self.is_article_url(url)
            and not self.is_skipped_url(url)
        )

    # ----- recognition -----------------------------------------------------------

    @classmethod
    def applies_to(cls, tree: HtmlElement) -> bool:
        """Whether the page uses this version's template (picks among versions)."""
        return cls.marker is None or bool(tree.xpath(cls.marker))

    @classmethod
    def shows_markup(cls, tree: HtmlElement) -> bool:
        """Whether the page carries this version's article markup (detects the family)."""
        return cls.marker is not None and bool(tree.xpath(cls.marker))

    @classmethod
    def shows_site_markup(cls, tree: HtmlElement) -> bool:
        """Whether the page carries the family's site-wide markup (detects it from any page)."""
        return cls.site_marker is not None and bool(tree.xpath(cls.site_marker))

    def is_article_page(self, tree: HtmlElement, url: str) -> bool:
        """Whether a page at an article URL is an article; a family's URL rules are trusted."""
        return True

    @classmethod
    def owns_article_url(cls, url: str) -> bool:
        """Whether ``url`` has this family's article shape (detects it without markup)."""
        return _path_matches(cls.article_path, url)

    # ----- the page --------------------------------------------------------------

    def parse(self, tree: HtmlElement, url: str) -> ExtractedArticle:
        content = self.content(tree, url)
        summary = self.summary(tree, content.lines)
        published, updated = self.dates(tree)
        article = ExtractedArticle(
            url=url,
            title=self.title(tree),
            summary=summary,
            body="\n".join(_summary_first(summary, content.lines)),
            published=published,
            updated=updated,
            author=content.author or self.author(tree),
            source=self.source(tree) or content.source,
            category=self.category(tree),
            language=self.language(tree),
            images=content.images,
            attachments=_unique_attachments(
                [*content.attachments, *self.listed_attachments(tree, url)]
            ),
            profile=self.name,
        )
        article.missing = [name for name in REQUIRED_FIELDS if not getattr(article, name)]
        return article

    def title(self, tree: HtmlElement) -> str | None:
        return _first_text(tree, self.title_xpath) or document_title(tree)

    def dates(self, tree: HtmlElement) -> tuple[datetime | None, datetime | None]:
        """(published, updated) from the date line."""
        return dates_in(_first_text(tree, self.date_xpath) or "")

    def summary(self, tree: HtmlElement, body_lines: list[str]) -> str | None:
        return _first_text(tree, self.summary_xpath)

    def author(self, tree: HtmlElement) -> str | None:
        """The author named by a line outside the body, when the body has no sign-off."""
        lines = (inline_text(element) for element in tree.xpath(self.author_xpath or "/.."))
        return next(filter(None, (author_from_signoff(line, styled=True) for line in lines)), None)

    def source(self, tree: HtmlElement) -> str | None:
        """The source named by a labelled line outside the body."""
        lines = (inline_text(element) for element in tree.xpath(self.source_xpath or "/.."))
        return next(filter(None, map(source_from_line, lines)), None)

    def breadcrumb_links(self, tree: HtmlElement) -> list[HtmlElement]:
        return tree.xpath(self.breadcrumb_links_xpath) if self.breadcrumb_links_xpath else []

    def category(self, tree: HtmlElement) -> str | None:
        labels = [inline_text(link) for link in self.breadcrumb_links(tree)]
        sections = [label for label in labels if label and label.lower() not in HOME_LABELS]
        return sections[-1] if sections else None

    def language(self, tree: HtmlElement) -> str:
        declared = tree.xpath("string(/html/@lang)") or tree.xpath(
            "string(//meta[@http-equiv='content-language']/@content)"
        )
        return declared.strip().split("-")[0].lower() or "vi"

    def content(self, tree: HtmlElement, url: str) -> Content:
        container = self.body_container(tree)
        if container is None:
            return self.page_content(tree, url)
        laid_out = block_lines(container)
        lines, author = split_signoff(laid_out, container)
        return Content(
            lines=lines,
            author=author,
            source=trailing_source(laid_out),
            images=self.images(container, url),
            attachments=self.attachments(container, url),
        )

    def page_content(self, tree: HtmlElement, url: str) -> Content:
        """The body read by trafilatura from the whole page, when no container is known."""
        return self.read_content(tree, url)

    def read_content(
        self, tree: HtmlElement, url: str, region: HtmlElement | None = None
    ) -> Content:
        """The body trafilatura reads from ``region`` of the page (all of it by default).

        trafilatura keeps the headline and the date line as text; they are fields here.
        """
        title = self.title(tree)
        text = main_text(tree, url, region)
        lines = [line for line in text.lines if line != title and not is_dateline(line)]
        source = trailing_source(lines)
        lines, author = split_signoff(lines, tree)
        if author is None:
            author = signoff_left_out(text, tree)
        return Content(lines, author, source)

    def body_container(self, tree: HtmlElement) -> HtmlElement | None:
        """A copy of the body element without its noise blocks, or ``None``."""
        found = tree.xpath(self.body_xpath) if self.body_xpath else []
        if not found:
            return None
        container = copy.deepcopy(found[0])
        for noise in (*self.noise_xpaths, "//script", "//style", "//form"):
            for element in container.xpath(_relative(noise)):
                element.drop_tree()
        return container

    def images(self, container: HtmlElement, url: str) -> list[ImageRef]:
        """The body's images with their captions; a ``javascript:`` or ``data:`` source is
        none (see ``is_web_url``)."""
        found = (
            ImageRef(urljoin(url, img.get("src").strip()), _first_text(img, self.caption_xpath))
            for img in container.xpath(".//img[@src]")
        )
        return [image for image in found if is_web_url(image.src)]

    def attachments(self, container: HtmlElement, url: str) -> list[AttachmentRef]:
        """Links in the body whose URL names a document file."""
        links = container.xpath(".//a[@href]")
        return [
            attachment_ref(link, url)
            for link in links
            if ATTACHMENT_PATH.search(urlsplit(urljoin(url, link.get("href"))).path)
        ]

    def document_urls(self, tree: HtmlElement, url: str) -> list[str]:
        """The documents an article page attaches, for the crawler to archive with it."""
        container = self.body_container(tree)
        in_body = self.attachments(container, url) if container is not None else []
        listed = self.listed_attachments(tree, url)
        return [ref.url for ref in _unique_attachments([*in_body, *listed])]

    def listed_attachments(self, tree: HtmlElement, url: str) -> list[AttachmentRef]:
        """The family's document list, whose links need not end in a file extension."""
        links = tree.xpath(self.attachments_xpath) if self.attachments_xpath else []
        return [attachment_ref(link, url) for link in links]

    # ----- listings --------------------------------------------------------------

    def listed_dates(self, tree: HtmlElement, page_url: str) -> dict[str, date]:
        """Each article link of the page's listing items → the date printed next to it.

        Keys are the links as written (made absolute), so a crawler finds them
        under the URLs its link extractor gives.
        """
        listed: dict[str, date] = {}
        for url, shown in self.listing_entries(tree, page_url):
            day = parse_date(shown)
            if day is not None and self.is_article_link(url):
                listed.setdefault(url, day.date())
        return listed

    def listing_entries(self, tree: HtmlElement, page_url: str) -> Iterator[tuple[str, str]]:
        """(absolute link, the text that dates it) for each listing item."""
        for item in tree.xpath(self.listing_item_xpath or "/.."):
            links = item.xpath(self.listing_link_xpath)
            if links:
                url = urljoin(page_url, links[0].get("href").strip())
                yield url, _first_text(item, self.listing_date_xpath) or ""

    def is_article_link(self, url: str) -> bool:
        """Whether a link leads to an article; listings add session ids to some links."""
        return self.is_article_url(canonical_url(url))

    def next_page_url(self, tree: HtmlElement, page_url: str) -> str | None:
        """The next page of this listing: the labelled link, else the pager's current + 1."""
        link = next(iter(tree.xpath(self.next_page_xpath or "/..")), None)
        if link is None:
            link = self.numbered_next_page(tree)
        if link is None or not link.get("href", "").strip():
            return None
        url = urljoin(page_url, link.get("href").strip())
        # A disabled "next" on the last page may point back at the page itself.
        return url if url != page_url else None

    def numbered_next_page(self, tree: HtmlElement) -> HtmlElement | None:
        """The pager link numbered one more than the current page."""
        for pager in tree.xpath(self.pager_xpath or "/.."):
            current = _page_number(_first_text(pager, self.current_page_xpath))
            if current is None:
                continue
            following = pager.xpath(f".//a[@href][normalize-space() = '{current + 1}']")
            if following:
                return following[0]
        return None


def attachment_ref(link: HtmlElement, page_url: str) -> AttachmentRef:
    href = urljoin(page_url, link.get("href").strip())
    return AttachmentRef(href, inline_text(link) or None, media_type_of(href))


def media_type_of(url: str) -> str | None:
    """The media type the file name says; Liferay puts it mid-path (``/x.pdf/<uuid>``)."""
    for segment in reversed(urlsplit(url).path.split("/")):
        media_type, _ = mimetypes.guess_type(segment)
        if media_type:
            return media_type
    return None


def _unique_attachments(found: list[AttachmentRef]) -> list[AttachmentRef]:
    """The first reference to each URL (a document linked in the body and in the list); a
    ``javascript:x//a.pdf`` link names a document file but is none (see ``is_web_url``)."""
    first: dict[str, AttachmentRef] = {}
    for attachment in found:
        if is_web_url(attachment.url):
            first.setdefault(attachment.url, attachment)
    return list(first.values())


def dates_in(text: str) -> tuple[datetime | None, datetime | None]:
    """The first publication and the first update date written in ``text``."""
    published = updated = None
    for found in find_dates(text):
        if found.role is DateRole.UPDATED:
            updated = updated or found.value
        else:
            published = published or found.value
    return published, updated


def split_signoff(
    lines: list[str], scope: HtmlElement | None = None
) -> tuple[list[str], str | None]:
    """Body lines without the closing sign-off, and the author it names.

    ``scope`` is the markup the lines come from: a sign-off set apart there
    (right-aligned or bold) may be a bare name, otherwise it needs a label or
    initials. Trailing furniture (tags, view counts) goes first; a source line
    ("Nguồn: …") right after the sign-off goes with it.
    """
    lines = list(lines)
    while lines and is_furniture(lines[-1]):
        lines.pop()
    for end in (len(lines), len(lines) - 1):
        if end < 1 or (end < len(lines) and not is_source_line(lines[end])):
            continue
        # A line between the text and its source line is set apart by where it stands.
        followed_by_source = end < len(lines)
        styled = followed_by_source or (
            scope is not None and _is_set_apart_line(scope, lines[end - 1])
        )
        author = author_from_signoff(lines[end - 1], styled=styled)
        if author:
            return lines[: end - 1], author
    return lines, None


def signoff_left_out(text: MainText, scope: HtmlElement) -> str | None:
    """The sign-off trafilatura dropped (it drops short closing lines now and then): the
    page line right after the last paragraph, alone or over the source line; failing
    that, the page's last lines.

    The line after the text may be the heading of what follows ("Văn bản đính kèm",
    in bold), so there it must read as a name without its styling.
    """
    prose = [line for line in text.lines if not is_source_line(line)]
    after = lines_after(text.page, prose[-1] if prose else None)
    return (
        split_signoff(after[:2])[1]
        or split_signoff(after[:1])[1]
        or split_signoff(text.page[-CLOSING_LINES:], scope)[1]
    )


def trailing_source(lines: list[str]) -> str | None:
    """The source credited by one of the last lines (a sign-off may come after it)."""
    return next(filter(None, map(source_from_line, reversed(lines[-3:]))), None)


def document_title(tree: HtmlElement) -> str | None:
    """og:title, else ``<title>``, without a trailing site name."""
    for candidate in (
        tree.xpath("string(//meta[@property='og:title']/@content)"),
        tree.xpath("string(//title)"),
    ):
        title = strip_site_name(clean_line(candidate))
        if title:
            return title
    return None


def strip_site_name(title: str) -> str:
    """Drop " - CỔNG THÔNG TIN …"-style site names after the title or before it, and keep
    dashes inside the title."""
    while separators := list(_TITLE_SEPARATORS.finditer(title)):
        last = separators[-1]
        if not SITE_NAME.match(title[last.end() :]):
            break
        title = title[: last.start()]
    first = _TITLE_SEPARATORS.search(title)
    if first and SITE_NAME.match(title) and not SITE_NAME.match(title[first.end() :]):
        title = title[first.end() :]
    return title


def _is_set_apart_line(scope: HtmlElement, line: str) -> bool:
    """Whether an element of ``scope`` showing exactly ``line`` is right-aligned or bold."""
    # Sign-offs are short, so a length filter in lxml keeps whole-page scans cheap; the
    # margin covers labels and raw text that is not yet NFC.
    candidates = scope.xpath(
        ".//*[self::p or self::div or self::strong or self::b]"
        f"[string-length(normalize-space()) <= {2 * SIGNOFF_MAX_CHARS}]"
    )
    return any(
        (element.tag in {"strong", "b"} or is_set_apart(element)) and inline_text(element) == line
        for element in reversed(candidates)
    )


def _summary_first(summary: str | None, lines: list[str]) -> list[str]:
    if not summary:
        return lines
    rest = list(lines)
    if summary in rest:
        rest.remove(summary)
    return [summary, *rest]


def _first_text(context: etree._Element, xpath: str | None) -> str | None:
    if xpath is None:
        return None
    for element in context.xpath(xpath):
        text = inline_text(element) if isinstance(element, etree._Element) else clean_line(element)
        if text:
            return text
    return None


def _relative(xpath: str) -> str:
    # Noise selectors are written like page selectors but must stay inside the body.
    return "." + xpath if xpath.startswith("/") else xpath


def _path_matches(pattern: re.Pattern[str] | None, url: str) -> bool:
    return bool(pattern and pattern.search(urlsplit(url).path))


def _page_number(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None
