"""The text of attached documents is searched with the article, and a hit says which
document matched when the article's own text does not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from search.indexer import MAX_DOCUMENT_CHARS, ArticleIndex, article_document
from search.query import search

from .fakes import FakeArticle, FakeAttachment

Indexed = Callable[..., Path]

PLAN = FakeAttachment(
    "application/pdf",
    name="Kế hoạch số 145/KH-UBND",
    text="Kế hoạch triển khai hạ tầng viễn thông thụ động trên địa bàn tỉnh năm 2021.",
)
FORM = FakeAttachment(
    "application/msword",
    name=None,
    text="Mẫu đơn đề nghị cấp giấy phép xây dựng trạm thu phát sóng.",
    url="https://stttt.hatinh.gov.vn/Upload/mau-don%20xin.doc",
)


def _articles() -> list[FakeArticle]:
    return [
        FakeArticle(
            1,
            "Sở ban hành kế hoạch mới về chuyển đổi số.",
            title="Ban hành kế hoạch",
            attachments=(PLAN, FORM),
        ),
        FakeArticle(2, "Hạ tầng viễn thông được nâng cấp ở huyện Kỳ Anh.", title="Viễn thông"),
        FakeArticle(
            3, "Bài không có tệp đính kèm nào về xây dựng nông thôn mới.", title="Nông thôn"
        ),
    ]


@pytest.mark.parametrize("query", ["thụ động", "thu dong", '"hạ tầng viễn thông thụ động"'])
def test_a_word_only_in_a_document_finds_the_article_and_names_the_document(
    indexed: Indexed, query: str
) -> None:
    results = search(indexed(*_articles()), query)

    assert [hit.article_id for hit in results.hits] == ["1"]
    hit = results.hits[0]
    assert hit.document == "Kế hoạch số 145/KH-UBND"
    assert "**thụ**" in hit.snippet and "**động**" in hit.snippet


def test_a_document_without_a_name_is_named_by_its_file(indexed: Indexed) -> None:
    hit = search(indexed(*_articles()), "giấy phép trạm").hits[0]

    assert hit.document == "mau-don xin.doc"


def test_a_match_in_the_article_itself_keeps_its_own_snippet(indexed: Indexed) -> None:
    results = search(indexed(*_articles()), "hạ tầng viễn thông")

    by_id = {hit.article_id: hit for hit in results.hits}
    assert set(by_id) == {"1", "2"}
    assert by_id["2"].document is None
    # The article whose own text holds the words ranks above the one whose document does.
    assert results.hits[0].article_id == "2"


def test_words_split_between_the_body_and_a_document_match(indexed: Indexed) -> None:
    results = search(indexed(*_articles()), "chuyển đổi số viễn thông thụ động")

    assert [hit.article_id for hit in results.hits] == ["1"]


def test_exact_mode_searches_documents_by_their_spelling(indexed: Indexed) -> None:
    index_dir = indexed(*_articles())

    assert [hit.article_id for hit in search(index_dir, "thụ động", exact=True).hits] == ["1"]
    assert search(index_dir, "thu dong", exact=True).total == 0


def test_an_article_whose_document_has_no_text_yet_is_indexed_without_it(
    index_dir: Path,
) -> None:
    unread = FakeAttachment("application/pdf", name="Quyết định", text=None)
    ArticleIndex(index_dir).add([FakeArticle(1, "Nội dung bài.", attachments=(unread,))])

    assert search(index_dir, "nội dung").hits[0].document is None
    assert "documents" not in article_document(FakeArticle(1, "x", attachments=(unread,)))


def test_the_documents_indexed_per_article_are_bounded() -> None:
    huge = FakeAttachment("application/pdf", name="Phụ lục", text="chữ " * MAX_DOCUMENT_CHARS)
    more = FakeAttachment("application/pdf", name="Phụ lục 2", text="thêm nữa")

    fields = article_document(FakeArticle(1, "Bài.", attachments=(huge, more)))

    assert len(fields["documents"]) <= MAX_DOCUMENT_CHARS
    assert [name for name, _text in fields["attached_documents"]] == ["Phụ lục"]
