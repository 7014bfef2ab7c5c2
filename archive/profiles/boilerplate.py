"""Main-text extraction for pages whose layout no profile knows (trafilatura).

Before trafilatura sees the page, the chrome that portals share regardless of
CMS is cut away: the seed's comment form and visit counter, tickers,
breadcrumbs, "related/other news" boxes and share links. trafilatura keeps some
of those blocks because they are made of short sentence-like lines: on the
testbed fixtures it returns "Thêm nhận xét mới" or "Các tin khác" on every page
(body token F1 0.93-0.995); with the chrome cut first, F1 is 0.998-1.0.
"""

from __future__ import annotations

import copy

import trafilatura
from lxml import etree
from lxml.html import HtmlElement

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


_CAPTIONED_FIGURES = etree.XPath("//figure[figcaption]")


def main_text_lines(tree: HtmlElement, url: str) -> list[str]:
    """The article text of a whole page, one paragraph or caption per line."""
    pruned = copy.deepcopy(tree)
    for element in _CHROME(pruned):
        # A wrapper that holds the headline holds the article too.
        if element.getparent() is not None and not element.xpath(".//h1"):
            element.drop_tree()
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


def _caption_as_paragraph(figure: HtmlElement) -> None:
    """trafilatura drops a figure's caption with its image; the caption is article text."""
    caption = figure.find("figcaption")
    paragraph = etree.Element("p")
    paragraph.text = caption.text_content()
    paragraph.tail = figure.tail
    figure.getparent().replace(figure, paragraph)
