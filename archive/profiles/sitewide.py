"""What a crawl learns about one site from its own pages: URL shapes and template links.

A reader that knows no CMS cannot tell an article URL from a listing URL by
its look (``/tin-tuc/78213.html`` is an article on one site and page 78213 of
a listing nowhere, ``/tin-tuc/2.html`` the other way round), but the site
tells: pages whose content reads as an article share a URL shape, which is
how its CMS builds article links. And links that most pages of a site carry
(menus, the "most read" box, the footer) are its template, not what one page
lists. Both are learnt as the crawl reads the site, and are only evidence
once enough pages agree.

A URL's shape keeps what a CMS writes literally (path words, query keys, a
query's words such as ``view=article``) and generalises what varies from one
item to the next: numbers, slugs, dates.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

# A shape is an article's once this many pages of it read as articles, and at least as
# many of its pages read as articles as did not.
MIN_ARTICLES_PER_SHAPE = 2
# The site's article shapes are known once one of them held this many articles.
MIN_ARTICLES_TO_KNOW = 5
# Links on this share of a site's pages are its template; judged after enough pages.
TEMPLATE_SHARE = 0.3
MIN_PAGES_FOR_TEMPLATE = 8
# Bounds the memory of a long crawl: links counted per site.
MAX_COUNTED_LINKS = 200_000

_NUMBER = re.compile(r"\d+")
_EXTENSION = re.compile(r"(\.[A-Za-z0-9]{1,5})$")
# A word a CMS writes literally: short, lower case or a known route; a slug is longer or mixed.
_LITERAL = re.compile(r"^[a-z][a-z.]{0,15}$")

Shape = tuple[str, ...]


def url_shape(url: str) -> Shape:
    """The template of ``url``: literal words kept, numbers and slugs generalised."""
    parts = urlsplit(url)
    segments = [_segment_shape(segment) for segment in parts.path.split("/") if segment]
    query = sorted(
        f"{key}={_segment_shape(value) if value else ''}"
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
    )
    return (*segments, *(["?", *query] if query else []))


def _segment_shape(segment: str) -> str:
    extension = _EXTENSION.search(segment)
    suffix = extension.group(1).lower() if extension else ""
    stem = segment[: -len(suffix)] if suffix else segment
    if _LITERAL.match(stem):
        return stem + suffix
    if stem.isdigit():
        return "{n}" + suffix
    # A slug that ends in an id ("…-77803") is a different CMS route from a bare slug.
    ends_in_number = bool(re.search(r"[-_]\d+$", stem))
    return ("{slug}-{n}" if ends_in_number else "{slug}") + suffix


@dataclass
class SiteKnowledge:
    """The verdicts and links seen on one site's pages so far."""

    verdicts: dict[Shape, Counter[bool]] = field(default_factory=dict)
    link_pages: Counter[str] = field(default_factory=Counter)
    pages_seen: int = 0

    def learn_verdict(self, url: str, is_article: bool) -> None:
        self.verdicts.setdefault(url_shape(url), Counter())[is_article] += 1

    def is_article_shape(self, url: str) -> bool:
        counts = self.verdicts.get(url_shape(url))
        return bool(counts) and counts[True] >= max(MIN_ARTICLES_PER_SHAPE, counts[False])

    def is_known_other_shape(self, url: str) -> bool:
        """Whether pages of this shape were read and none was an article."""
        counts = self.verdicts.get(url_shape(url))
        return bool(counts) and counts[True] == 0

    def knows_article_shapes(self) -> bool:
        """Whether enough pages read as articles for their shapes to speak for the site."""
        return any(counts[True] >= MIN_ARTICLES_TO_KNOW for counts in self.verdicts.values())

    def learn_links(self, urls: Iterable[str]) -> None:
        self.pages_seen += 1
        for url in set(urls):
            if url in self.link_pages or len(self.link_pages) < MAX_COUNTED_LINKS:
                self.link_pages[url] += 1

    def is_template_link(self, url: str) -> bool:
        if self.pages_seen < MIN_PAGES_FOR_TEMPLATE:
            return False
        return self.link_pages[url] >= TEMPLATE_SHARE * self.pages_seen

    def is_bare_view(self, urls: Iterable[str]) -> bool:
        """Whether a page carries none of the site's template links (a print or popup view).

        Only said once the template is known and has links to carry.
        """
        if self.pages_seen < MIN_PAGES_FOR_TEMPLATE:
            return False
        threshold = TEMPLATE_SHARE * self.pages_seen
        if not any(count >= threshold for count in self.link_pages.values()):
            return False
        return not any(self.is_template_link(url) for url in urls)

    def lists_new_items(self, page_url: str, urls: Iterable[str]) -> bool:
        """Whether a page links to anything beyond the site's template that may be an item.

        Once the site's article shapes are known, an item is a link of one of them.
        Before, any link may be one, except a link of the page's own shape (the next
        page of a pager, the next month of a calendar) or of a shape that never held
        an article.
        """
        fresh = [url for url in urls if not self.is_template_link(url)]
        if self.knows_article_shapes():
            return any(self.is_article_shape(url) for url in fresh)
        own = url_shape(page_url)
        return any(url_shape(url) != own and not self.is_known_other_shape(url) for url in fresh)
