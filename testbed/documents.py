"""The files of attached documents, written with the standard library, and their gold text.

What portals attach, in the forms an archive meets:

* a PDF with a Unicode text layer, as Word and LibreOffice write it: a Type0 font
  (Identity-H, two-byte glyph ids) whose ToUnicode CMap maps each glyph to its
  letter, so extractors read Vietnamese with its diacritics;
* a PDF in a TCVN3 font (``.VnTime``), as old Word files typed in the ABC fonts
  become: a simple font whose string bytes are TCVN3 codes, read through
  WinAnsiEncoding as Latin-1 letters (``KÕ ho¹ch``) until converted;
* a scanned PDF: pages holding one image each and no text at all;
* a DOCX, a minimal but valid OOXML package (paragraphs split into runs, as Word
  splits them).

Every document's text is a list of lines; the gold text is those lines joined
with ``\\n``, as a reader that keeps the lines of the page (PDF) or the
paragraphs (DOCX) gives them. Nothing here depends on the clock or on
randomness: the bytes are functions of the lines.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable, Iterator
from xml.sax.saxutils import escape

from .text import tcvn3_bytes, tcvn3_text

# A4 in points, the margins and type size of an official letter.
_PAGE_WIDTH, _PAGE_HEIGHT = 595, 842
_MARGIN = 56
_FONT_SIZE, _LEADING = 11, 15
LINE_CHARACTERS = 90
LINES_PER_PAGE = 48


def wrapped(paragraphs: list[str]) -> list[str]:
    """The paragraphs broken into the lines of a page, at spaces (a greedy wrap)."""
    lines: list[str] = []
    for paragraph in paragraphs:
        line = ""
        for word in paragraph.split():
            if line and len(line) + 1 + len(word) > LINE_CHARACTERS:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        if line:
            lines.append(line)
    return lines


def paged(lines: list[str]) -> list[list[str]]:
    return [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[]]


def tcvn3_gold(lines: list[str]) -> list[str]:
    """The lines as a TCVN3 document shows them once converted (toned capitals lowercase)."""
    return [tcvn3_text(tcvn3_bytes(line)) for line in lines]


class _PdfObjects:
    """A PDF's numbered objects, written out with a correct cross-reference table."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    def reserve(self) -> int:
        self.bodies.append(b"")
        return len(self.bodies)

    def set(self, number: int, body: str | bytes) -> int:
        self.bodies[number - 1] = body.encode("latin-1") if isinstance(body, str) else body
        return number

    def add(self, body: str | bytes) -> int:
        return self.set(self.reserve(), body)

    def add_stream(self, data: bytes, entries: str = "") -> int:
        head = f"<< /Length {len(data)} {entries} >>\nstream\n".encode("latin-1")
        return self.add(head + data + b"\nendstream")

    def written(self, catalog: int) -> bytes:
        out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(self.bodies, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(self.bodies) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        out += b"trailer\n<< /Size %d /Root %d 0 R >>\n" % (len(self.bodies) + 1, catalog)
        out += b"startxref\n%d\n%%%%EOF\n" % xref
        return bytes(out)


def _written_pdf(objects: _PdfObjects, pages: list[tuple[bytes, str]]) -> bytes:
    """The PDF of ``objects`` and ``pages``, each a content stream and its resources."""
    catalog, tree = objects.reserve(), objects.reserve()
    kids = []
    for content, resources in pages:
        stream = objects.add_stream(zlib.compress(content), "/Filter /FlateDecode")
        kids.append(
            objects.add(
                f"<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 {_PAGE_WIDTH} {_PAGE_HEIGHT}]"
                f" /Contents {stream} 0 R /Resources {resources} >>"
            )
        )
    objects.set(catalog, f"<< /Type /Catalog /Pages {tree} 0 R >>")
    kid_refs = " ".join(f"{kid} 0 R" for kid in kids)
    objects.set(tree, f"<< /Type /Pages /Kids [{kid_refs}] /Count {len(kids)} >>")
    return objects.written(catalog)


def _text_pdf(
    lines: list[str], encode: Callable[[str], bytes], font: int, objects: _PdfObjects
) -> bytes:
    top = _PAGE_HEIGHT - _MARGIN
    resources = f"<< /Font << /F1 {font} 0 R >> >>"
    pages = []
    for page in paged(lines):
        shows = b"".join(b"<%s> Tj T*\n" % encode(line).hex().encode() for line in page)
        content = b"BT\n/F1 %d Tf %d TL %d %d Td\n%sET" % (
            _FONT_SIZE,
            _LEADING,
            _MARGIN,
            top,
            shows,
        )
        pages.append((content, resources))
    return _written_pdf(objects, pages)


def unicode_pdf(lines: list[str]) -> bytes:
    """A PDF showing ``lines`` in a Type0 font with a ToUnicode map, as Word exports it."""
    # Glyph ids in order of the characters, from 3 as in a subset font (0 is .notdef).
    glyphs = {character: glyph for glyph, character in enumerate(sorted(set("".join(lines))), 3)}
    objects = _PdfObjects()
    font = _type0_font(objects, glyphs)
    return _text_pdf(
        lines,
        lambda line: b"".join(glyphs[character].to_bytes(2, "big") for character in line),
        font,
        objects,
    )


def tcvn3_pdf(lines: list[str]) -> bytes:
    """A PDF showing ``lines`` in the TCVN3 font ``.VnTime``: its strings are TCVN3 bytes."""
    objects = _PdfObjects()
    return _text_pdf(lines, tcvn3_bytes, _vntime_font(objects), objects)


def scanned_pdf(page_count: int) -> bytes:
    """A PDF of ``page_count`` scanned pages: one grey image each, no text layer."""
    objects = _PdfObjects()
    image = objects.add_stream(
        zlib.compress(_scan_pixels()),
        f"/Type /XObject /Subtype /Image /Width {_SCAN_WIDTH} /Height {_SCAN_HEIGHT}"
        " /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
    )
    content = b"q %d 0 0 %d 0 0 cm /Im1 Do Q" % (_PAGE_WIDTH, _PAGE_HEIGHT)
    page = (content, f"<< /XObject << /Im1 {image} 0 R >> >>")
    return _written_pdf(objects, [page] * page_count)


_SCAN_WIDTH, _SCAN_HEIGHT = 210, 297


def _scan_pixels() -> bytes:
    """Dark bands on white, like lines of type seen at a low resolution."""
    blank = b"\xff" * _SCAN_WIDTH
    typed = b"\xff" * 20 + b"\x30\x60\xa0\x40\xff" * 34 + b"\xff" * 20
    rows = (
        typed if 20 <= row < _SCAN_HEIGHT - 20 and row % 6 < 3 else blank
        for row in range(_SCAN_HEIGHT)
    )
    return b"".join(rows)


_FONT_NAME = "TimesNewRomanPSMT"


def _type0_font(objects: _PdfObjects, glyphs: dict[str, int]) -> int:
    to_unicode = objects.add_stream(_to_unicode_cmap(glyphs))
    descriptor = objects.add(
        f"<< /Type /FontDescriptor /FontName /{_FONT_NAME} /Flags 34"
        " /FontBBox [-568 -216 2046 693] /ItalicAngle 0 /Ascent 891 /Descent -216"
        " /CapHeight 662 /StemV 80 >>"
    )
    descendant = objects.add(
        f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{_FONT_NAME}"
        " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
        f" /FontDescriptor {descriptor} 0 R /DW 500 /CIDToGIDMap /Identity >>"
    )
    return objects.add(
        f"<< /Type /Font /Subtype /Type0 /BaseFont /{_FONT_NAME} /Encoding /Identity-H"
        f" /DescendantFonts [{descendant} 0 R] /ToUnicode {to_unicode} 0 R >>"
    )


_BFCHAR_BLOCK = 100  # the most entries one beginbfchar section may hold


def _to_unicode_cmap(glyphs: dict[str, int]) -> bytes:
    entries = [
        f"<{glyph:04X}> <{character.encode('utf-16-be').hex().upper()}>"
        for character, glyph in glyphs.items()
    ]
    sections = "".join(
        f"{len(block)} beginbfchar\n" + "\n".join(block) + "\nendbfchar\n"
        for block in (entries[i : i + _BFCHAR_BLOCK] for i in range(0, len(entries), _BFCHAR_BLOCK))
    )
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{sections}endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode("ascii")


def _vntime_font(objects: _PdfObjects) -> int:
    descriptor = objects.add(
        "<< /Type /FontDescriptor /FontName /.VnTime /Flags 32 /FontBBox [-250 -250 1000 900]"
        " /ItalicAngle 0 /Ascent 891 /Descent -216 /CapHeight 662 /StemV 80 >>"
    )
    widths = " ".join(["500"] * 224)
    return objects.add(
        "<< /Type /Font /Subtype /TrueType /BaseFont /.VnTime /FirstChar 32 /LastChar 255"
        f" /Widths [{widths}] /Encoding /WinAnsiEncoding /FontDescriptor {descriptor} 0 R >>"
    )


_DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels"'
    ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_DOCX_RELATIONSHIPS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


DOCX_TIME = (2020, 1, 1, 0, 0, 0)


def docx(paragraphs: list[str]) -> bytes:
    """A DOCX of ``paragraphs``, the first centred and bold as a document's heading."""
    body = "".join(_docx_paragraph(text, heading=i == 0) for i, text in enumerate(paragraphs))
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{_W}"><w:body>{body}'
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>'
    )
    out = io.BytesIO()
    parts = {
        "[Content_Types].xml": _DOCX_CONTENT_TYPES,
        "_rels/.rels": _DOCX_RELATIONSHIPS,
        "word/document.xml": document,
    }
    with zipfile.ZipFile(out, "w") as package:
        for name, text in parts.items():
            # A fixed time: a zip entry otherwise carries the clock's, and the same document
            # must be the same bytes whenever it is served.
            entry = zipfile.ZipInfo(name, date_time=DOCX_TIME)
            package.writestr(entry, text, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _docx_paragraph(text: str, heading: bool) -> str:
    properties = '<w:pPr><w:jc w:val="center"/></w:pPr>' if heading else ""
    bold = "<w:rPr><w:b/></w:rPr>" if heading else ""
    runs = "".join(
        f'<w:r>{bold}<w:t xml:space="preserve">{escape(run)}</w:t></w:r>' for run in _runs(text)
    )
    return f"<w:p>{properties}{runs}</w:p>"


def _runs(text: str) -> Iterator[str]:
    """``text`` in pieces of a few words, as Word splits a paragraph where it was edited."""
    words = text.split(" ")
    for start in range(0, len(words), 7):
        piece = " ".join(words[start : start + 7])
        yield piece if start + 7 >= len(words) else piece + " "
