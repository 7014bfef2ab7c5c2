"""Each reader gives the exact text of the testbed's documents, converting only legacy ones."""

from __future__ import annotations

import io
import shutil
import zipfile

import pytest

from archive.doctext import TextStatus, read_document
from archive.legacy import LegacyEncoding
from testbed import documents as files
from tests.archive.doctext.conftest import GoldDocument

PDF = "application/pdf"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LINES = ["Quyết định số 81/2004/QĐ-UB", "Hà Tĩnh, ngày 12 tháng 3 năm 2020", "Ủy ban nhân dân tỉnh"]


def of_kind(documents: list[GoldDocument], media_type: str, kind: str) -> list[GoldDocument]:
    found = [d for d in documents if d.media_type == media_type and d.text_kind == kind]
    assert found, f"the testbed makes {media_type} documents of kind {kind}"
    return found


@pytest.mark.parametrize(
    ("media_type", "kind"),
    [
        (PDF, "text"),
        (PDF, "tcvn3"),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "text"),
        ("application/msword", "text"),
        ("application/msword", "tcvn3"),
    ],
)
def test_documents_read_as_their_gold_text(
    testbed_documents: list[GoldDocument], media_type: str, kind: str
) -> None:
    for document in of_kind(testbed_documents, media_type, kind):
        read = read_document(document.media_type, document.body)
        assert read.text == document.text, document.url
        assert read.text.splitlines()[0] == document.name
        assert read.status == TextStatus.TEXT
        expected = LegacyEncoding.TCVN3 if kind == "tcvn3" else None
        assert read.converted_from == expected


def test_pdfs_of_several_pages_are_read_whole(testbed_documents: list[GoldDocument]) -> None:
    reads = [read_document(PDF, d.body) for d in of_kind(testbed_documents, PDF, "text")]
    assert max(read.pages or 0 for read in reads) >= 2


def test_scanned_pdfs_are_flagged_with_their_page_count(
    testbed_documents: list[GoldDocument],
) -> None:
    for document in of_kind(testbed_documents, PDF, "scanned"):
        read = read_document(PDF, document.body)
        assert (read.text, read.status, read.converted_from) == (None, TextStatus.SCANNED, None)
        assert read.pages == document.body.count(b"/Type /Page ")


def renamed_font(pdf: bytes, old: bytes, new: bytes) -> bytes:
    """``pdf`` with its font called ``new``; padded with spaces so no offset moves."""
    assert len(new) <= len(old)
    return pdf.replace(old, new.ljust(len(old)))


def test_an_old_font_name_alone_never_converts_unicode_text() -> None:
    pdf = renamed_font(files.unicode_pdf(LINES), b"/TimesNewRomanPSMT", b"/ABCDEF+.VnTime")
    read = read_document(PDF, pdf)
    assert read.converted_from is None and read.text == "\n".join(LINES)


def test_legacy_looking_text_in_an_ordinary_font_is_kept_as_it_is() -> None:
    pdf = renamed_font(files.tcvn3_pdf(LINES), b"/.VnTime", b"/Arial")
    read = read_document(PDF, pdf)
    assert read.converted_from is None
    assert read.text is not None and read.text.startswith("QuyÕt ®Þnh")


def test_a_tcvn3_font_with_a_subset_prefix_is_recognised() -> None:
    pdf = files.tcvn3_pdf(LINES * 3).replace(b"/BaseFont /.VnTime", b"/BaseFont /ABCDEF+.VnTimeH")
    read = read_document(PDF, pdf)
    assert read.converted_from == LegacyEncoding.TCVN3
    assert read.text == "\n".join(files.tcvn3_gold(LINES * 3))


def package(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


_ODF = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
)


def test_odt_paragraphs_with_spans_spaces_and_tabs() -> None:
    content = (
        f"<office:document-content {_ODF}><office:body><office:text>"
        "<text:h>Kế hoạch số <text:span>145/KH-UBND</text:span></text:h>"
        "<text:p>Hà Tĩnh,<text:s/>ngày 12<text:tab/>tháng 3</text:p>"
        "<text:p>một<text:line-break/>hai</text:p>"
        "</office:text></office:body></office:document-content>"
    )
    read = read_document(ODT, package({"content.xml": content}))
    assert read.text == "Kế hoạch số 145/KH-UBND\nHà Tĩnh, ngày 12 tháng 3\nmột\nhai"


def test_ods_rows_are_lines_of_cells() -> None:
    content = (
        f"<office:document-content {_ODF}><office:body><office:spreadsheet><table:table>"
        "<table:table-row><table:table-cell><text:p>Xã</text:p></table:table-cell>"
        "<table:table-cell><text:p>Cẩm Hưng</text:p></table:table-cell></table:table-row>"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    assert read_document(ODS, package({"content.xml": content})).text == "Xã Cẩm Hưng"


def test_xlsx_cells_from_shared_and_inline_strings() -> None:
    main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    shared = (
        f"<sst {main}><si><t>Số hộ nghèo</t></si><si><r><t>Kỳ </t></r><r><t>Anh</t></r></si></sst>"
    )
    sheet = (
        f"<worksheet {main}><sheetData>"
        '<row><c t="s"><v>0</v></c><c><v>125</v></c></row>'
        '<row><c t="s"><v>1</v></c><c t="inlineStr"><is><t>ghi chú</t></is></c>'
        '<c t="s"><v>99</v></c></row>'
        "</sheetData></worksheet>"
    )
    body = package({"xl/sharedStrings.xml": shared, "xl/worksheets/sheet1.xml": sheet})
    assert read_document(XLSX, body).text == "Số hộ nghèo 125\nKỳ Anh ghi chú"


def test_xml_entities_are_not_expanded() -> None:
    content = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        f"<office:document-content {_ODF}><office:body><office:text>"
        "<text:p>&b;</text:p></office:text></office:body></office:document-content>"
    )
    read = read_document(ODT, package({"content.xml": content}))
    assert "aaaa" not in (read.text or "")


@pytest.mark.parametrize(
    ("media_type", "body", "status"),
    [
        ("application/zip", b"PK\x03\x04", TextStatus.UNSUPPORTED),
        (None, b"anything", TextStatus.UNSUPPORTED),
        (PDF, b"%PDF-1.4 not really", TextStatus.FAILED),
        (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            b"PK",
            TextStatus.FAILED,
        ),
        ("application/msword", b"\x00\x01WordPerfect", TextStatus.UNSUPPORTED),
    ],
)
def test_what_cannot_be_read_says_why(media_type: str | None, body: bytes, status: str) -> None:
    read = read_document(media_type, body)
    assert (read.text, read.status) == (None, status)


OLE2_NOT_WORD = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(600)


@pytest.mark.skipif(shutil.which("antiword") is None, reason="antiword is not installed")
def test_binary_word_files_go_to_antiword_which_refuses_a_damaged_one() -> None:
    read = read_document("application/msword", OLE2_NOT_WORD)
    assert (read.text, read.status) == (None, TextStatus.FAILED)


def test_without_antiword_binary_word_files_are_unsupported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    read = read_document("application/msword", OLE2_NOT_WORD)
    assert (read.text, read.status) == (None, TextStatus.UNSUPPORTED)
