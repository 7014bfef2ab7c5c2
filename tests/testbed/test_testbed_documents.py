"""The testbed's attached documents: real PDF and DOCX files that hold their gold text."""

from __future__ import annotations

import re
import urllib.request
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from io import BytesIO

import pytest

from testbed import Testbed as Replica
from testbed.text import tcvn3_text

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_STREAM = re.compile(rb"<< /Length (\d+) ([^>]*)>>\nstream\n", re.DOTALL)
_BFCHAR = re.compile(r"<([0-9A-F]{4})> <([0-9A-F]+)>")
_SHOWN = re.compile(rb"<([0-9a-f]*)> Tj")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

Attachment = dict[str, str]


@pytest.fixture(scope="module")
def attached() -> Iterator[list[tuple[Attachment, bytes]]]:
    with Replica(articles=300, seed=4) as testbed:
        yield [
            (item, urllib.request.urlopen(item["url"]).read())
            for record in testbed.gold()
            for item in record["attachments"]
        ]


def streams(pdf: bytes) -> Iterator[tuple[bytes, bytes]]:
    """Each stream's dictionary entries and its (inflated) data."""
    for match in _STREAM.finditer(pdf):
        data = pdf[match.end() : match.end() + int(match[1])]
        yield match[2], zlib.decompress(data) if b"/FlateDecode" in match[2] else data


def shown_lines(pdf: bytes, decode: dict[bytes, str] | None) -> list[str]:
    """The strings the pages show, one per line, through the ToUnicode map or as TCVN3."""
    lines = []
    for entries, data in streams(pdf):
        if b"/Subtype" in entries or b"begincmap" in data:
            continue
        for shown in _SHOWN.findall(data):
            raw = bytes.fromhex(shown.decode())
            if decode is None:
                lines.append(tcvn3_text(raw))
            else:
                lines.append("".join(decode[raw[i : i + 2]] for i in range(0, len(raw), 2)))
    return lines


def to_unicode(pdf: bytes) -> dict[bytes, str]:
    cmap = next(data for _, data in streams(pdf) if b"begincmap" in data).decode("ascii")
    return {
        bytes.fromhex(glyph): bytes.fromhex(text).decode("utf-16-be")
        for glyph, text in _BFCHAR.findall(cmap)
    }


def test_every_kind_of_document_is_attached(attached: list[tuple[Attachment, bytes]]) -> None:
    kinds = Counter((item["media_type"], item["text_kind"]) for item, _ in attached)
    assert set(kinds) == {
        (PDF, "text"),
        (PDF, "tcvn3"),
        (PDF, "scanned"),
        (DOCX, "text"),
        ("application/msword", "text"),
        ("application/msword", "tcvn3"),
    }


def test_unicode_pdfs_map_every_glyph_to_the_gold_text(
    attached: list[tuple[Attachment, bytes]],
) -> None:
    pdfs = [
        (item, body)
        for item, body in attached
        if (item["media_type"], item["text_kind"]) == (PDF, "text")
    ]
    for item, body in pdfs:
        assert b"/Encoding /Identity-H" in body and b"/ToUnicode" in body
        assert shown_lines(body, to_unicode(body)) == item["text"].split("\n")
    assert any(body.count(b"/Type /Page ") > 1 for _, body in pdfs), "some plans run to pages"


def test_tcvn3_pdfs_show_tcvn3_bytes_in_a_vntime_font(
    attached: list[tuple[Attachment, bytes]],
) -> None:
    for item, body in attached:
        if (item["media_type"], item["text_kind"]) == (PDF, "tcvn3"):
            assert b"/BaseFont /.VnTime" in body
            assert shown_lines(body, None) == item["text"].split("\n")


def test_scanned_pdfs_hold_images_and_no_text(attached: list[tuple[Attachment, bytes]]) -> None:
    for item, body in attached:
        if item["text_kind"] == "scanned":
            assert item["text"] == ""
            assert body.count(b"/Type /Page ") >= 1 and b"/Subtype /Image" in body
            assert not any(b"Tj" in data for _, data in streams(body))


def test_docx_paragraphs_are_the_gold_lines(attached: list[tuple[Attachment, bytes]]) -> None:
    for item, body in attached:
        if item["media_type"] == DOCX:
            with zipfile.ZipFile(BytesIO(body)) as package:
                assert {"[Content_Types].xml", "_rels/.rels"} <= set(package.namelist())
                root = ET.fromstring(package.read("word/document.xml"))
            paragraphs = [
                "".join(text.text or "" for text in paragraph.iter(f"{_W}t"))
                for paragraph in root.iter(f"{_W}p")
            ]
            assert paragraphs == item["text"].split("\n")


def test_documents_are_the_same_bytes_every_time(attached: list[tuple[Attachment, bytes]]) -> None:
    for item, body in attached[:10]:
        assert urllib.request.urlopen(item["url"]).read() == body
