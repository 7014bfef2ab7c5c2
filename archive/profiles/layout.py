"""Where a page's main text is, read from the page itself: text density and link density.

A reader that knows no CMS cannot trust class names (real articles sit in
``div.content-with-sidebar`` or ``div.topicBodyAndFooter``) or count dates
(article pages carry dated sidebars, related lists and comments). What holds
on any site is how text is laid out: the article is the block where long runs
of prose with few links gather, and chrome is short lines and lists of links.
This is the scoring Readability made standard: each paragraph of prose adds to
its parent and, halved, to its grandparent; a candidate's score is scaled by
the share of its text that is not link text, and the best candidate is the
main block. Its headline is the heading that names the page, nearest above it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from lxml import etree
from lxml.html import HtmlElement

from archive.text import BLOCK_TAGS, clean_line

# Text shorter than this is a label, a menu entry or a caption, not prose.
MIN_PROSE_CHARS = 25
_BODY_TEXT = etree.XPath(
    "//body//text()[normalize-space()][not(ancestor::script or ancestor::style"
    " or ancestor::noscript or ancestor::template or ancestor::select)]"
)
_LINK_TEXT = etree.XPath(".//a//text()")
_HEADINGS = etree.XPath(
    "//body//*[self::h1 or self::h2 or self::h3 or @itemprop='headline']"
    "[not(ancestor::a)][normalize-space()]"
)
# A list of stories: this many sentence-long linked titles, and mostly link text or less
# than an article's prose besides its items (their titles, stamps and summaries).
MIN_TITLE_WORDS = 5
MIN_LISTED_TITLES = 3
MIN_LIST_LINK_DENSITY = 0.5
MIN_ARTICLE_CHARS = 200
PROSE_BLOCKS = frozenset({"p", "blockquote", "pre", "dd"})
# A heading names the page when it is this share of its title (the rest a site name).
HEADING_SHARE = 0.5
MIN_HEADLINE_CHARS = 15
_SEPARATOR_AHEAD = re.compile(r"\s*[-|–—:·»]")
_SEPARATOR_BEHIND = re.compile(r"[-|–—:·»]\s*$")


@dataclass(frozen=True)
class MainBlock:
    """The element holding the page's prose, and how much prose it holds."""

    element: HtmlElement
    prose_chars: int
    link_density: float


def main_block(tree: HtmlElement) -> MainBlock | None:
    """The best-scoring block of prose, or ``None`` for a page without any."""
    scores: dict[HtmlElement, float] = defaultdict(float)
    for paragraph, (prose, commas) in _paragraphs(tree).items():
        if prose < MIN_PROSE_CHARS:
            continue
        points = 1 + commas + min(prose / 100, 3)
        parent = paragraph.getparent()
        if parent is None:
            continue
        scores[parent] += points
        grandparent = parent.getparent()
        if grandparent is not None and grandparent.tag != "html":
            scores[grandparent] += points / 2
    best: MainBlock | None = None
    best_score = 0.0
    for element, score in scores.items():
        density = link_density(element)
        if score * (1 - density) > best_score:
            best_score = score * (1 - density)
            best = MainBlock(element, prose_chars(element), density)
    return best


def _paragraphs(tree: HtmlElement) -> dict[HtmlElement, tuple[int, int]]:
    """Each block element → (characters, commas) of the prose it holds itself.

    Text belongs to its nearest block ancestor, so a ``<div>`` whose paragraphs
    are runs of text between ``<br>`` is one paragraph, as a reader sees it;
    link text is not prose.
    """
    prose: dict[HtmlElement, list[int]] = defaultdict(lambda: [0, 0])
    for text in _BODY_TEXT(tree):
        owner = text_owner(text)
        in_link = False
        while owner is not None and owner.tag not in BLOCK_TAGS:
            in_link = in_link or owner.tag == "a"
            owner = owner.getparent()
        if owner is None or in_link:
            continue
        counts = prose[owner]
        counts[0] += _visible_chars(text)
        counts[1] += text.count(",")
    return {element: (chars, commas) for element, (chars, commas) in prose.items()}


def titled_links(element: HtmlElement) -> list[HtmlElement]:
    """Links whose text is a sentence-long title: how lists of stories link."""
    return [
        link
        for link in element.iter("a")
        if link.get("href") and len(link.text_content().split()) >= MIN_TITLE_WORDS
    ]


def story_lists(tree: HtmlElement, main: MainBlock | None) -> list[HtmlElement]:
    """The largest blocks that are lists of other stories: titled links, and little else.

    "Related", "most read" and "same section" boxes are built that way whatever
    their markup is named; a block holding the main text never is one.
    """
    titled = titled_links(tree)
    if len(titled) < MIN_LISTED_TITLES:
        return []
    # Keyed by the elements themselves: an lxml proxy nobody holds may lend its id() to
    # the next one.
    listed = set(titled)
    verdicts: dict[HtmlElement, bool] = {}
    found: dict[HtmlElement, None] = {}
    for link in titled:
        widest = None
        for ancestor in link.iterancestors():
            if ancestor.tag in ("body", "html") or (
                main is not None and holds(ancestor, main.element)
            ):
                break
            if ancestor not in verdicts:
                inside = [a for a in ancestor.iter("a") if a in listed]
                # A paragraph that links the titles it names is prose, however many.
                verdicts[ancestor] = (
                    ancestor.tag not in PROSE_BLOCKS
                    and len(inside) >= MIN_LISTED_TITLES
                    and (
                        link_density(ancestor) >= MIN_LIST_LINK_DENSITY
                        or prose_besides_stories(ancestor, inside) < MIN_ARTICLE_CHARS
                    )
                )
            if verdicts[ancestor]:
                widest = ancestor
        if widest is not None:
            found[widest] = None
    lists = list(found)
    return [block for block in lists if not any(o is not block and holds(o, block) for o in lists)]


def prose_besides_stories(block: HtmlElement, titled: list[HtmlElement]) -> int:
    """The prose of ``block`` outside its story items: each the largest block around one
    of the ``titled`` links that holds no other (the title, its stamp, its summary)."""
    titles_in: dict[HtmlElement, int] = {}
    for link in titled:
        for ancestor in link.iterancestors():
            titles_in[ancestor] = titles_in.get(ancestor, 0) + 1
            if ancestor is block:
                break
    items: dict[HtmlElement, None] = {}
    for link in titled:
        item = link
        for ancestor in link.iterancestors():
            if ancestor is block or titles_in.get(ancestor, 0) > 1:
                break
            item = ancestor
        items[item] = None
    return prose_chars(block) - sum(map(prose_chars, items))


def prose_chars(element: HtmlElement) -> int:
    """Characters of the element's text that are not link text."""
    return max(0, _visible_chars(element.text_content()) - _link_chars(element))


def link_density(element: HtmlElement) -> float:
    total = _visible_chars(element.text_content())
    return min(1.0, _link_chars(element) / total) if total else 1.0


def holds(container: HtmlElement, element: HtmlElement) -> bool:
    """Whether ``element`` is ``container`` or inside it."""
    return container is element or any(a is container for a in element.iterancestors())


def headline(tree: HtmlElement, main: HtmlElement | None, title: str | None) -> HtmlElement | None:
    """The heading that names the page: the one that says most of the page title.

    Pages also carry headings of other things (the site's name in an ``h1``, box
    titles, related stories), so a heading the page's own title names wins, the
    longest of them, and among equals, and failing any among all ``h1``, the last
    one before the main text (or the first inside it).
    """
    headings = _HEADINGS(tree)
    named = [h for h in headings if _names_page(clean_line(h.text_content()), title)]
    if not named:
        named = _elements_reading(tree, title)
    # The site's name is in the title too, and often in a heading (its logo): of the
    # headings the title names, the headline says most of it.
    longest = max((len(clean_line(h.text_content())) for h in named), default=0)
    named = [h for h in named if len(clean_line(h.text_content())) == longest]
    for candidates in (named, [h for h in headings if h.tag == "h1"]):
        chosen = _nearest_before(candidates, main)
        if chosen is not None:
            return chosen
    return None


def _elements_reading(tree: HtmlElement, title: str | None) -> list[HtmlElement]:
    """Elements of any kind whose text is most of the page title: headlines without h1."""
    if not title:
        return []
    wanted = title.casefold()
    found = []
    for text in _BODY_TEXT(tree):
        line = clean_line(text).casefold()
        if len(line) < MIN_HEADLINE_CHARS or not _is_title_part(line, wanted):
            continue
        owner = text_owner(text)
        if owner is not None and not any(a.tag == "a" for a in (owner, *owner.iterancestors())):
            found.append(owner)
    return found


def _is_title_part(line: str, title: str) -> bool:
    """The whole title, or the part of it before or after a separator: titles put the
    site's name after the headline or, as often, before it."""
    if line == title:
        return True
    if title.startswith(line):
        return bool(_SEPARATOR_AHEAD.match(title, len(line)))
    if title.endswith(line):
        return bool(_SEPARATOR_BEHIND.search(title, 0, len(title) - len(line)))
    return False


def text_owner(text: etree._ElementUnicodeResult) -> HtmlElement | None:
    """The element whose content a text node is (a tail belongs to its parent's parent)."""
    owner = text.getparent()
    if owner is not None and text.is_tail:
        owner = owner.getparent()
    return owner


def _names_page(text: str, title: str | None) -> bool:
    """Whether a heading says what the page title says: most of it, or all of it and a bit.

    A box title ("Thông báo", "Tin mới") is a word of many page titles; a
    headline is the title less the site's name, which stands at one end.
    """
    if not text or not title:
        return False
    text, title = text.casefold(), title.casefold()
    if title in text:
        return len(text) < 2 * len(title)
    at_an_end = title.startswith(text) or title.endswith(text)
    return text in title and (
        len(text) >= HEADING_SHARE * len(title) or (at_an_end and len(text) >= MIN_HEADLINE_CHARS)
    )


def _nearest_before(candidates: list[HtmlElement], main: HtmlElement | None) -> HtmlElement | None:
    if not candidates:
        return None
    if main is None:
        return candidates[0]
    order = _document_order(main.getroottree().getroot())
    start = order[main]
    before = [c for c in candidates if order[c] <= start or holds(main, c)]
    inside = [c for c in candidates if holds(main, c)]
    if inside:
        return inside[0]
    return before[-1] if before else candidates[0]


def _document_order(root: HtmlElement) -> dict[HtmlElement, int]:
    return {element: index for index, element in enumerate(root.iter())}


def _link_chars(element: HtmlElement) -> int:
    return sum(map(_visible_chars, _LINK_TEXT(element)))


def _visible_chars(text: str) -> int:
    """Characters a reader sees, spaces aside: the measure of prose and link text."""
    return len("".join(text.split()))
