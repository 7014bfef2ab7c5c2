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
import re
from dataclasses import dataclass

import lxml.html
import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from archive.profiles.layout import MainBlock, holds, main_block, prose_chars, story_lists
from archive.profiles.xpath import ClassMark
from archive.text import BLOCK_TAGS, block_lines, clean_line, normalize_text

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
# A block whose class or id names it as chrome.
CHROME = ClassMark(*CHROME_MARKERS, tags=("div", "ul", "section", "aside", "nav", "form"))
# Blocks that hold both blocks and text of their own between them.
_MIXED_CONTAINERS = etree.XPath(
    "//body//*[self::div or self::section or self::article or self::main or self::td]"
    "[*[self::p or self::div or self::table or self::figure or self::ul or self::ol"
    " or self::h2 or self::h3 or self::h4 or self::blockquote]]"
    "[text()[normalize-space()]]"
)
# Captions as HTML names them, or as editors name them (chú thích: caption).
_CAPTION = ClassMark("caption", "chuthich", "chu-thich", "chu_thich", tags=("div", "span"))
_CELLS = "(./tr | ./*/tr)/*[self::td or self::th]"
_LAYOUT_TABLES = etree.XPath(
    f"//table[{_CELLS}[p or div or table or ul or ol or h1 or h2 or h3 or h4 or section]]"
)
_TABLE_PARTS = etree.XPath("./tbody | ./thead | ./tfoot | ./*/tr | ./tr | (./tr | ./*/tr)/*")
CLOSING_LINES = 6
_ONE_CELL_ROW = re.compile(r"^\|\s*([^|]+?)\s*\|?$")
# A chrome-named block inside the main block with this share of its prose is article.
MAIN_TEXT_SHARE = 0.3


_CAPTIONED_FIGURES = etree.XPath("//figure[figcaption]")
# The headings portals put over comment threads and lists of other stories, whatever the
# markup is named; the words readers see, in Vietnamese and English.
CHROME_HEADINGS = re.compile(
    r"(?:ý\s+kiến(?:\s+bạn\s+đọc)?|bình\s+luận|gửi\s+(?:ý\s+kiến|bình\s+luận)"
    r"|thêm\s+nhận\s+xét|tin\s+(?:liên\s+quan|khác|cùng\s+chuyên\s+mục|đọc\s+nhiều"
    r"|xem\s+nhiều|mới\s+nhất)|bài\s+(?:liên\s+quan|viết\s+khác)|các\s+tin\s+khác"
    r"|đọc\s+nhiều|xem\s+nhiều|comments?|related(?:\s+\w+)?|leave\s+a\s+(?:comment|reply))"
    r"\W*$",
    re.IGNORECASE,
)
_HEADED_BLOCKS = etree.XPath(
    "//*[self::div or self::section or self::aside or self::ul or self::ol]"
    "[*[1][self::h2 or self::h3 or self::h4 or self::h5 or self::p or self::div or self::span"
    " or self::strong or self::b][string-length(normalize-space()) <= 40]]"
)


@dataclass(frozen=True)
class MainText:
    """The article text, one paragraph or caption per line, and the page's lines.

    ``page`` is the page without its chrome as a reader sees it, line by line:
    where a sign-off stands that trafilatura may have left out.
    """

    lines: list[str]
    page: list[str]


def main_text(tree: HtmlElement, url: str, region: HtmlElement | None = None) -> MainText:
    """The article text of a page.

    ``region`` is the part of the page that holds the article, when the reader
    knows it: only that part is read, so a header, sidebar or footer that
    outweighs the article cannot be taken for it.
    """
    pruned = copy.deepcopy(tree) if region is None else _document_of(region)
    prune_chrome(pruned)
    unwrap_layout_tables(pruned)
    for figure in _CAPTIONED_FIGURES(pruned):
        _caption_as_paragraph(figure)
    for caption in _captions(pruned):
        _caption_in_place_of_its_image(caption)
    wrap_loose_text(pruned)
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
    lines = [_single_cell(line) for line in normalize_text(text or "").splitlines()]
    return MainText(lines, block_lines(pruned))


def lines_after(page_lines: list[str], last: str | None) -> list[str]:
    """The page's lines right after ``last``, or its last lines when ``last`` is not one."""
    ends = [index for index, line in enumerate(page_lines) if line == last]
    if not ends:
        return page_lines[-CLOSING_LINES:]
    return page_lines[ends[-1] + 1 : ends[-1] + 1 + CLOSING_LINES]


def _single_cell(line: str) -> str:
    """A table row of one cell (a caption under its photo) as the text it holds."""
    cell = _ONE_CELL_ROW.match(line)
    return cell.group(1) if cell else line


def _document_of(region: HtmlElement) -> HtmlElement:
    document = lxml.html.document_fromstring("<html><body></body></html>")
    document.find("body").append(copy.deepcopy(region))
    return document


def prune_chrome(tree: HtmlElement) -> None:
    """Drop the blocks named like chrome that do not hold the main text, and the lists of
    other stories however they are named."""
    main = main_block(tree)
    for element in [*CHROME.within(tree), *_chrome_headed(tree)]:
        if element.getparent() is not None and not _holds_main_text(element, main):
            element.drop_tree()
    for element in story_lists(tree, main):
        if element.getparent() is not None:
            element.drop_tree()


def wrap_loose_text(tree: HtmlElement) -> None:
    """Put text that runs between blocks into paragraphs of its own.

    Editors type paragraphs straight into a ``div`` or ``section``, between
    images and boxes; trafilatura drops such runs when a block follows them.
    A run is the text before or after a block child with the inline markup in it.
    """
    for container in _MIXED_CONTAINERS(tree):
        runs: list[list[object]] = [[]]
        if container.text and container.text.strip():
            runs[-1].append(container.text)
            container.text = None
        for child in list(container):
            if _is_block(child):
                runs.append([child])
                runs.append([])
            elif _ends_paragraph(child, runs[-1]):
                # Two line breaks in a row are how such text separates its paragraphs.
                runs[-1].pop()
                runs.append([])
            else:
                runs[-1].append(child)
                continue
            if child.tail and child.tail.strip():
                runs[-1].append(child.tail)
            child.tail = None
        _rebuild(container, runs)


def _is_block(node: object) -> bool:
    return (
        isinstance(node, etree._Element)
        and isinstance(node.tag, str)
        and node.tag.lower() in BLOCK_TAGS
    )


def _ends_paragraph(child: HtmlElement, run: list[object]) -> bool:
    previous = run[-1] if run else None
    return (
        child.tag == "br"
        and isinstance(previous, etree._Element)
        and previous.tag == "br"
        and not (previous.tail or "").strip()
    )


def _rebuild(container: HtmlElement, runs: list[list[object]]) -> None:
    """Lay ``runs`` back into ``container``: blocks as they were, inline runs in a ``<p>``."""
    for child in list(container):
        container.remove(child)
    for run in runs:
        if not run:
            continue
        first = run[0]
        if _is_block(first):
            container.append(first)
            continue
        paragraph = lxml.html.Element("p")
        for part in run:
            if isinstance(part, str):
                if len(paragraph):
                    last = paragraph[-1]
                    last.tail = (last.tail or "") + part
                else:
                    paragraph.text = (paragraph.text or "") + part
            else:
                paragraph.append(part)
        container.append(paragraph)


def _captions(tree: HtmlElement) -> list[HtmlElement]:
    """Caption boxes: marked as captions, holding no paragraph or block of their own."""
    return [
        element
        for element in _CAPTION.within(tree)
        if next(element.iterdescendants("p", "div"), None) is None
    ]


def _chrome_headed(tree: HtmlElement) -> list[HtmlElement]:
    """Blocks that open with the heading portals give their chrome ("Ý kiến bạn đọc")."""
    headed = []
    for block in _HEADED_BLOCKS(tree):
        first = next(child for child in block if isinstance(child.tag, str))
        if CHROME_HEADINGS.match(clean_line(first.text_content())):
            headed.append(block)
    return headed


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


def _caption_in_place_of_its_image(caption: HtmlElement) -> None:
    """A named caption becomes a paragraph, standing where its image's box stood.

    trafilatura drops a box that holds an image, and its caption with it.
    """
    caption.tag = "p"
    # trafilatura drops what is named a caption, and the caption is article text here.
    caption.attrib.pop("class", None)
    box = caption.getparent()
    if box is None or box.getparent() is None or not box.xpath(".//img"):
        return
    if clean_line(box.text_content()) == clean_line(caption.text_content()):
        caption.tail = box.tail
        box.getparent().replace(box, caption)


def _caption_as_paragraph(figure: HtmlElement) -> None:
    """trafilatura drops a figure's caption with its image; the caption is article text."""
    caption = figure.find("figcaption")
    paragraph = etree.Element("p")
    paragraph.text = caption.text_content()
    paragraph.tail = figure.tail
    figure.getparent().replace(figure, paragraph)
