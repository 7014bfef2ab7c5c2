"""The text of zip-and-XML office files: DOCX and XLSX (OOXML), ODT and ODS (OpenDocument).

A package is checked before anything is unpacked: the parts read must be in
the zip directory, and their sizes there must fit ``max_unpacked_bytes`` in
all; reading stops at the sizes the directory states, so a part that lies about
its size cannot inflate further. XML is parsed without DTDs, entities or
network access.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Iterator

from lxml import etree

from archive.doctext.registry import Reader, reads
from archive.doctext.result import (
    DocumentText,
    ReadingLimits,
    TextStatus,
    tidy_lines,
    within_characters,
)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
# The lines of text of one parsed part.
_LinesOf = Callable[[etree._Element], Iterable[str]]
_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)


class TooLarge(Exception):
    """The package unpacks to more than the limits allow: a decompression bomb, or near it."""


def _parts(body: bytes, names: Iterable[str], limits: ReadingLimits) -> Iterator[etree._Element]:
    """The parsed XML of the named parts that the package has, after checking their sizes."""
    with zipfile.ZipFile(io.BytesIO(body)) as package:
        members = [package.getinfo(name) for name in names if name in package.NameToInfo]
        if sum(member.file_size for member in members) > limits.max_unpacked_bytes:
            raise TooLarge
        for member in members:
            with package.open(member) as part:
                data = part.read(member.file_size + 1)
            if len(data) > member.file_size:
                raise TooLarge
            yield etree.fromstring(data, _XML_PARSER)


def _zip_reader(names: Iterable[str], lines_of: _LinesOf) -> Reader:
    def read(body: bytes, limits: ReadingLimits) -> DocumentText:
        try:
            lines = [line for root in _parts(body, names, limits) for line in lines_of(root)]
        except TooLarge:
            return DocumentText.without_text(TextStatus.TOO_LARGE)
        return within_characters(tidy_lines("\n".join(lines)), limits)

    return read


def _docx_lines(root: etree._Element) -> Iterator[str]:
    """A line per paragraph (table cells included), runs joined, tabs and breaks kept."""
    line: list[str] = []
    for element in root.iter(f"{_W}p", f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
        if element.tag == f"{_W}p":
            yield "".join(line)
            line = []
        elif element.tag == f"{_W}t":
            line.append(element.text or "")
        else:
            line.append("\t" if element.tag == f"{_W}tab" else "\n")
    yield "".join(line)


def _odf_text(element: etree._Element) -> str:
    """The text of an OpenDocument paragraph, with its space, tab and line-break elements."""
    pieces = [element.text or ""]
    for child in element:
        if child.tag == f"{_TEXT}s":
            pieces.append(" " * min(int(child.get(f"{_TEXT}c", "1") or 1), 100))
        elif child.tag == f"{_TEXT}tab":
            pieces.append("\t")
        elif child.tag == f"{_TEXT}line-break":
            pieces.append("\n")
        elif isinstance(child.tag, str):
            pieces.append(_odf_text(child))
        pieces.append(child.tail or "")
    return "".join(pieces)


def _odt_lines(root: etree._Element) -> Iterator[str]:
    for element in root.iter(f"{_TEXT}p", f"{_TEXT}h"):
        yield _odf_text(element)


def _ods_lines(root: etree._Element) -> Iterator[str]:
    """A line per row, its cells' text joined with tabs (repeated cells once)."""
    for row in root.iter(f"{_TABLE}table-row"):
        cells = (
            " ".join(_odf_text(paragraph) for paragraph in cell.iter(f"{_TEXT}p"))
            for cell in row.iter(f"{_TABLE}table-cell")
        )
        yield "\t".join(cell for cell in cells if cell)


def _xlsx_lines(shared: list[str]) -> _LinesOf:
    """A line per row of a worksheet, its cells joined with tabs: shared strings looked up."""

    def lines(root: etree._Element) -> Iterator[str]:
        for row in root.iter(f"{_S}row"):
            yield "\t".join(_xlsx_cell(cell, shared) for cell in row.iter(f"{_S}c"))

    return lines


def _xlsx_cell(cell: etree._Element, shared: list[str]) -> str:
    if cell.get("t") == "inlineStr":
        return "".join(text.text or "" for text in cell.iter(f"{_S}t"))
    value = cell.findtext(f"{_S}v") or ""
    if cell.get("t") == "s":
        index = int(value) if value.isdigit() else -1
        return shared[index] if 0 <= index < len(shared) else ""
    return value


def _shared_strings(root: etree._Element) -> Iterator[str]:
    for item in root.iter(f"{_S}si"):
        yield "".join(text.text or "" for text in item.iter(f"{_S}t"))


@reads("xlsx")
def read_xlsx(body: bytes, limits: ReadingLimits) -> DocumentText:
    with zipfile.ZipFile(io.BytesIO(body)) as package:
        sheets = sorted(
            name
            for name in package.namelist()
            if name.startswith("xl/worksheets/sheet") and name.endswith(".xml")
        )
    names = ["xl/sharedStrings.xml", *sheets]
    try:
        roots = list(_parts(body, names, limits))
    except TooLarge:
        return DocumentText.without_text(TextStatus.TOO_LARGE)
    has_shared = bool(roots) and roots[0].tag == f"{_S}sst"
    shared = list(_shared_strings(roots[0])) if has_shared else []
    rows = _xlsx_lines(shared)
    lines = [line for root in roots[1 if has_shared else 0 :] for line in rows(root)]
    return within_characters(tidy_lines("\n".join(lines)), limits)


reads("docx")(_zip_reader(["word/document.xml"], _docx_lines))
reads("odt")(_zip_reader(["content.xml"], _odt_lines))
reads("ods")(_zip_reader(["content.xml"], _ods_lines))
