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
# A headline printed without a heading tag repeats most of the page title, from its start.
HEADLINE_SHARE = 0.6
_INVISIBLE = frozenset({"script", "style", "noscript", "template"})


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
        counts[0] += len(text.strip())
        counts[1] += text.count(",")
    return {element: (chars, commas) for element, (chars, commas) in prose.items()}


def prose_chars(element: HtmlElement) -> int:
    """Characters of the element's text that are not link text."""
    return max(0, len(clean_line(element.text_content())) - _link_chars(element))


def link_density(element: HtmlElement) -> float:
    total = len(clean_line(element.text_content()))
    return min(1.0, _link_chars(element) / total) if total else 1.0


def holds(container: HtmlElement, element: HtmlElement) -> bool:
    """Whether ``element`` is ``container`` or inside it."""
    return container is element or any(a is container for a in element.iterancestors())


def headline(tree: HtmlElement, main: HtmlElement | None, title: str | None) -> HtmlElement | None:
    """The heading that names the page: one the page title repeats, nearest above the text.

    Pages also carry headings of other things (the site's name in an ``h1``, box
    titles, related stories), so a heading the page's own title names wins, and
    among those, and failing that among all ``h1``, the last one before the main
    text (or the first inside it).
    """
    headings = _HEADINGS(tree)
    named = [h for h in headings if _names_page(clean_line(h.text_content()), title)]
    if not named:
        named = _elements_reading(tree, title)
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
        if len(line) < max(8, HEADLINE_SHARE * len(wanted)) or not wanted.startswith(line):
            continue
        owner = text_owner(text)
        if owner is not None and not any(a.tag == "a" for a in (owner, *owner.iterancestors())):
            found.append(owner)
    return found


def text_owner(text: etree._ElementUnicodeResult) -> HtmlElement | None:
    """The element whose content a text node is (a tail belongs to its parent's parent)."""
    owner = text.getparent()
    if owner is not None and text.is_tail:
        owner = owner.getparent()
    return owner


def _names_page(text: str, title: str | None) -> bool:
    if not text or not title:
        return False
    text, title = text.casefold(), title.casefold()
    return len(text) >= 8 and (text in title or (title in text and len(text) < 2 * len(title)))


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
    return sum(len(clean_line(text)) for text in _LINK_TEXT(element))


def _is_hidden(element: HtmlElement) -> bool:
    return any(
        isinstance(a.tag, str) and a.tag.lower() in _INVISIBLE for a in element.iterancestors()
    )
