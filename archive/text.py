"""Text normalisation for Vietnamese portal pages.

Every string the archive keeps goes through :func:`clean_line` or
:func:`normalize_text`: NFC (some publishers emit NFD, and the same word in NFC
and NFD never matches), no zero-width characters (SharePoint rich text is full
of U+200B), NBSP as a plain space, and runs of whitespace collapsed.

:func:`block_lines` turns an lxml element into lines the way a reader sees
them: inline markup never splits a word (editors wrap single letters in
``<span>``, portal-notes 5.2), while block elements and ``<br>`` end a line.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

import lxml.html
from lxml import etree
from lxml.etree import ParserError

from archive.legacy import convert_legacy, detect_legacy

ZERO_WIDTH = "\u200b\u200c\u200d\ufeff"
_ZERO_WIDTH_TABLE = str.maketrans("", "", ZERO_WIDTH)
# \s covers NBSP (U+00A0) and the other Unicode spaces, so collapsing also
# turns them into ordinary spaces.
_WHITESPACE_RUN = re.compile(r"\s+")

BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center",
        "dd", "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption",
        "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "summary",
        "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
LINE_BREAK_TAGS = frozenset({"br"})
# Their text is code or markup, never reader-visible prose.
INVISIBLE_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title"})

_BREAK = "\n"


def clean_line(text: str) -> str:
    """One line of reader text: NFC, no zero-width characters, spaces collapsed."""
    text = unicodedata.normalize("NFC", text).translate(_ZERO_WIDTH_TABLE)
    return _WHITESPACE_RUN.sub(" ", text).strip()


def normalize_text(text: str) -> str:
    """Clean every line of ``text`` and drop the empty ones."""
    return "\n".join(line for line in map(clean_line, text.splitlines()) if line)


def block_lines(element: etree._Element) -> list[str]:
    """The non-empty, cleaned lines of ``element`` as a browser lays them out."""
    raw = "".join(_text_fragments(element, is_root=True))
    return [line for line in map(clean_line, raw.split(_BREAK)) if line]


def inline_text(element: etree._Element) -> str:
    """All text of ``element`` on one cleaned line (for titles, dates, names)."""
    return " ".join(block_lines(element))


def _text_fragments(element: etree._Element, is_root: bool = False) -> Iterator[str]:
    tag = element.tag if isinstance(element.tag, str) else None
    if tag is not None and tag.lower() not in INVISIBLE_TAGS:
        tag = tag.lower()
        is_block = tag in BLOCK_TAGS
        if is_block or tag in LINE_BREAK_TAGS:
            yield _BREAK
        yield _source_whitespace_as_space(element.text)
        for child in element:
            yield from _text_fragments(child)
        if is_block:
            yield _BREAK
    # Comments, processing instructions and invisible tags still own the text
    # that follows them in their parent.
    if not is_root:
        yield _source_whitespace_as_space(element.tail)


def _source_whitespace_as_space(text: str | None) -> str:
    # A newline in the HTML source is plain whitespace; only markup breaks lines.
    return text.replace("\r", " ").replace("\n", " ") if text else ""


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
# Vietnamese pages that are not UTF-8 are Windows-1258 far more often than Latin-1.
FALLBACK_ENCODING = "windows-1258"


def decode_html(data: bytes) -> str:
    """Decode an HTML payload, trusting valid UTF-8 over a declared charset.

    Portals sometimes declare a charset their pages do not use; a payload that
    decodes as strict UTF-8 is UTF-8 in practice, whatever the markup says.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _DECLARED_CHARSET.search(data[:4096])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    return data.decode(FALLBACK_ENCODING, errors="replace")


# lxml refuses str input that still declares an encoding.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def parse_html(html: str | bytes) -> lxml.html.HtmlElement | None:
    """The document tree of a page, or ``None`` for a payload without markup or text."""
    text = _XML_DECLARATION.sub("", decode_html(html) if isinstance(html, bytes) else html, count=1)
    if not text.strip():
        return None
    tree = _document(text)
    if tree is None or not _may_be_legacy(tree):
        return tree
    # Markup is ASCII, so a page typed in TCVN3 or VNI converts whole; whether it is one
    # is decided on what a reader sees, never on scripts or attribute values.
    visible = " ".join(block_lines(tree.find("body") if tree.find("body") is not None else tree))
    return _document(convert_legacy(text, detect_legacy(visible))) if visible else tree


def _document(text: str) -> lxml.html.HtmlElement | None:
    try:
        return lxml.html.document_fromstring(text)
    except ParserError:
        return None


def _may_be_legacy(tree: lxml.html.HtmlElement) -> bool:
    """Pages that declare a language other than Vietnamese are Unicode in that language."""
    declared = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    return declared.strip().lower().split("-")[0] in {"", "vi"}
