"""PDF text with pypdf: the text layer of the first pages, legacy fonts converted, scans flagged.

pypdf is pure Python (BSD) and reads the text layer three to four times as fast as
pdfminer.six on the testbed's documents (``bench/documents.py``); layout analysis,
pdfminer's strength, is not needed for search.

Old Word files typed in the TCVN3 (``.VnTime``, ``.VnArial`` …) or VNI
(``VNI-Times`` …) fonts become PDFs whose text layer holds the legacy codes as
Latin-1 letters (``KÕ ho¹ch`` for "Kế hoạch"). The text is converted only when
both the fonts and the text say so: a font name alone is no proof (a Unicode
document may name an old font for its page numbers), and neither are the text's
statistics alone.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from archive.doctext.registry import reads
from archive.doctext.result import DocumentText, ReadingLimits, TextStatus, tidy_lines
from archive.legacy import LegacyEncoding, convert_legacy, detect_legacy

# A subset font's name starts with six capitals and "+" ("ABCDEF+.VnTime").
_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")
_FONT_FAMILIES = (
    (LegacyEncoding.TCVN3, re.compile(r"^\.?Vn[A-Z]")),  # .VnTime, .VnTimeH, .VnArial, VnCentury
    (LegacyEncoding.VNI, re.compile(r"^VNI[-_ ]", re.IGNORECASE)),  # VNI-Times, VNI-Helve
)


@reads("pdf")
def read_pdf(body: bytes, limits: ReadingLimits) -> DocumentText:
    reader = PdfReader(io.BytesIO(body))
    if reader.is_encrypted and not reader.decrypt(""):
        return DocumentText.without_text(TextStatus.FAILED)
    page_count = len(reader.pages)
    texts: list[str] = []
    fonts: set[str] = set()
    has_images = False
    characters = 0
    for number in range(min(page_count, limits.max_pages)):
        page = reader.pages[number]
        text = tidy_lines(page.extract_text())
        texts.append(text)
        fonts.update(_font_names(page))
        has_images = has_images or _has_images(page)
        characters += len(text)
        if characters > limits.max_characters:
            break
    text = "\n".join(filter(None, texts))
    if not text and has_images:
        return DocumentText.without_text(TextStatus.SCANNED, page_count)
    encoding = _legacy_encoding(fonts, text)
    cut = len(texts) < page_count or characters > limits.max_characters
    return DocumentText(
        convert_legacy(text, encoding)[: limits.max_characters],
        TextStatus.PARTIAL if cut else TextStatus.TEXT,
        encoding,
        page_count,
    )


def _legacy_encoding(fonts: set[str], text: str) -> LegacyEncoding | None:
    """The legacy encoding of the text layer, when its fonts and its text agree on one."""
    named = {
        encoding
        for font in fonts
        for encoding, family in _FONT_FAMILIES
        if family.match(_SUBSET_PREFIX.sub("", font))
    }
    if len(named) != 1:
        return None
    detected = detect_legacy(text)
    return detected if detected in named else None


def _resources(page: DictionaryObject) -> Iterator[DictionaryObject]:
    """The page's resources, and those of the forms it draws (one level: forms in forms are
    rare, and a hostile file could nest them without end)."""
    resources = page.get("/Resources")
    if not isinstance(resources, DictionaryObject):
        return
    yield resources
    for xobject in _xobjects(resources):
        inner = xobject.get("/Resources")
        if xobject.get("/Subtype") == "/Form" and isinstance(inner, DictionaryObject):
            yield inner


def _xobjects(resources: DictionaryObject) -> Iterator[DictionaryObject]:
    xobjects = resources.get("/XObject")
    if isinstance(xobjects, DictionaryObject):
        for reference in xobjects.values():
            xobject = reference.get_object()
            if isinstance(xobject, DictionaryObject):
                yield xobject


def _font_names(page: DictionaryObject) -> Iterator[str]:
    for resources in _resources(page):
        fonts = resources.get("/Font")
        if isinstance(fonts, DictionaryObject):
            for reference in fonts.values():
                font = reference.get_object()
                if isinstance(font, DictionaryObject) and "/BaseFont" in font:
                    yield str(font["/BaseFont"]).lstrip("/")


def _has_images(page: DictionaryObject) -> bool:
    return any(
        xobject.get("/Subtype") == "/Image"
        for resources in _resources(page)
        for xobject in _xobjects(resources)
    )
