"""Main-text extraction for pages whose layout no profile knows (trafilatura).

Before trafilatura sees the page, the chrome that portals share regardless of
CMS is cut away: the seed's comment form and visit counter, tickers,
breadcrumbs, "related/other news" boxes and share links. trafilatura keeps some
of those blocks because they are made of short sentence-like lines: on the
testbed fixtures it returns "Thêm nhận xét mới" or "Các tin khác" on every page
(body token F1 0.93-0.995); with the chrome cut first, F1 is 0.998-1.0.

A class or id is only a hint, and real sites put their articles in blocks
named ``content-with-sidebar``, ``topicBodyAndFooter`` or ``eventDetails``. So
a block named like chrome is cut only when it does not hold the page's main
text (:func:`archive.profiles.layout.main_block`): not the main block, not one
of its ancestors, and not a large part of its prose. A wrong name can then cost
a box of chrome left in, never the article.
"""

from __future__ import annotations

import copy

import lxml.html
import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from archive.profiles.layout import MainBlock, holds, main_block, prose_chars
from archive.profiles.xpath import class_or_id_contains
from archive.text import normalize_text

# Class or id fragments of blocks that are never article text on a portal.
CHROME_MARKERS = (
    "breadcrumb",
    "comment",
    "ticker",
    "marquee",
    "related",
    "other",
    "share",
    "social",
    "stats",
    "thongke",
    "counter",
    "sukien",
    "event",
    "footer",
    "menu",
    "sidebar",
)
# A block whose class or id names it as chrome (an XPath step without its axis).
CHROME_BLOCK = (
    "*[self::div or self::ul or self::section or self::aside or self::nav or self::form]"
    f"[{class_or_id_contains(*CHROME_MARKERS)}]"
)
_CHROME = etree.XPath(f"//{CHROME_BLOCK}")
_CELLS = "(./tr | ./*/tr)/*[self::td or self::th]"
_LAYOUT_TABLES = etree.XPath(
    f"//table[{_CELLS}[p or div or table or ul or ol or h1 or h2 or h3 or h4 or section]]"
)
_TABLE_PARTS = etree.XPath("./tbody | ./thead | ./tfoot | ./*/tr | ./tr | (./tr | ./*/tr)/*")
# A chrome-named block inside the main block with this share of its prose is article.
MAIN_TEXT_SHARE = 0.3


_CAPTIONED_FIGURES = etree.XPath("//figure[figcaption]")


def main_text_lines(tree: HtmlElement, url: str, region: HtmlElement | None = None) -> list[str]:
    """The article text of a page, one paragraph or caption per line.

    ``region`` is the part of the page that holds the article, when the reader
    knows it: only that part is read, so a header, sidebar or footer that
    outweighs the article cannot be taken for it.
    """
    pruned = copy.deepcopy(tree) if region is None else _document_of(region)
    prune_chrome(pruned)
    unwrap_layout_tables(pruned)
    for figure in _CAPTIONED_FIGURES(pruned):
        _caption_as_paragraph(figure)
    text = trafilatura.extract(
        pruned,
        url=url,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        deduplicate=False,
        favor_recall=True,
        with_metadata=False,
        output_format="txt",
    )
    return normalize_text(text or "").splitlines()


def _document_of(region: HtmlElement) -> HtmlElement:
    document = lxml.html.document_fromstring("<html><body></body></html>")
    document.find("body").append(copy.deepcopy(region))
    return document


def prune_chrome(tree: HtmlElement) -> None:
    """Drop the blocks named like chrome that do not hold the main text."""
    main = main_block(tree)
    for element in _CHROME(tree):
        if element.getparent() is not None and not _holds_main_text(element, main):
            element.drop_tree()


def unwrap_layout_tables(tree: HtmlElement) -> None:
    """Turn tables that lay out the page into plain blocks.

    Old portals put the whole page in nested tables; trafilatura would render
    such a table row by row with ``|`` between header, article and sidebar. A
    table whose cells hold paragraphs, blocks or tables is layout; a table of
    data or an image with its caption keeps its rows.
    """
    for table in _LAYOUT_TABLES(tree):
        for part in _TABLE_PARTS(table):
            part.tag = "div"
        table.tag = "div"


def _holds_main_text(element: HtmlElement, main: MainBlock | None) -> bool:
    if main is None:
        # Without prose to protect, the headline marks where the article is.
        return bool(element.xpath(".//h1"))
    if holds(element, main.element):
        return True
    return holds(main.element, element) and prose_chars(element) >= (
        MAIN_TEXT_SHARE * main.prose_chars
    )


def _caption_as_paragraph(figure: HtmlElement) -> None:
    """trafilatura drops a figure's caption with its image; the caption is article text."""
    caption = figure.find("figcaption")
    paragraph = etree.Element("p")
    paragraph.text = caption.text_content()
    paragraph.tail = figure.tail
    figure.getparent().replace(figure, paragraph)
