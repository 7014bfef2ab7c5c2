"""No document can stall or exhaust the crawl: bombs refused, long files cut, hangs killed."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterator

import pytest

from archive.doctext import IsolatedReader, ReadingLimits, TextStatus, read_document
from testbed import documents as files
from tests.archive.doctext.hostile import HANG, HOG, misbehaving_reader

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def zip_bomb(unpacked_bytes: int) -> bytes:
    """A DOCX whose main part inflates to ``unpacked_bytes`` of spaces, about 1000:1."""
    out = io.BytesIO()
    chunk = b" " * (1024 * 1024)
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package,
        package.open("word/document.xml", "w", force_zip64=True) as part,
    ):
        for _ in range(unpacked_bytes // len(chunk)):
            part.write(chunk)
    return out.getvalue()


def test_a_decompression_bomb_is_refused_from_the_zip_directory() -> None:
    bomb = zip_bomb(200 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024
    started = time.perf_counter()
    read = read_document(DOCX, bomb)
    assert (read.text, read.status) == (None, TextStatus.TOO_LARGE)
    assert time.perf_counter() - started < 1.0  # refused before anything was inflated


def test_a_long_pdf_is_read_up_to_the_page_limit_and_its_pages_counted() -> None:
    lines = [f"Dòng {number} của văn bản dài" for number in range(500 * files.LINES_PER_PAGE)]
    pdf = files.unicode_pdf(lines)
    read = read_document(PDF, pdf, ReadingLimits(max_pages=20))
    assert (read.status, read.pages) == (TextStatus.PARTIAL, 500)
    assert read.text is not None
    assert read.text.splitlines() == lines[: 20 * files.LINES_PER_PAGE]


def test_text_is_cut_at_the_character_limit() -> None:
    read = read_document(
        "text/plain", "Nông thôn mới\n".encode() * 1000, ReadingLimits(max_characters=100)
    )
    assert read.status == TextStatus.PARTIAL
    assert read.text is not None and len(read.text) <= 100


def test_a_file_over_the_size_limit_is_not_read() -> None:
    read = read_document(PDF, files.unicode_pdf(["x"]), ReadingLimits(max_file_bytes=100))
    assert (read.text, read.status) == (None, TextStatus.TOO_LARGE)


@pytest.fixture
def reader() -> Iterator[IsolatedReader]:
    with IsolatedReader(timeout=2.0, memory_bytes=512 * 1024 * 1024, read=misbehaving_reader) as it:
        yield it


def test_a_reader_that_hangs_is_killed_at_the_timeout_and_replaced(reader: IsolatedReader) -> None:
    started = time.perf_counter()
    assert reader.read(PDF, HANG).status == TextStatus.TIMEOUT
    assert time.perf_counter() - started < 10  # the timeout, and the worker's start
    read = reader.read("text/plain", "Kỳ Anh".encode())
    assert (read.text, read.status) == ("Kỳ Anh", TextStatus.TEXT)


def test_a_reader_that_runs_out_of_memory_fails_alone(reader: IsolatedReader) -> None:
    assert reader.read(PDF, HOG).status == TextStatus.FAILED
    assert reader.read("text/plain", b"Cam Hung").text == "Cam Hung"


def test_documents_read_in_the_worker_as_in_the_caller(reader: IsolatedReader) -> None:
    pdf = files.tcvn3_pdf(["Kế hoạch số 145/KH-UBND", "Hà Tĩnh, ngày 12 tháng 3 năm 2020"])
    assert reader.read(PDF, pdf) == read_document(PDF, pdf)
