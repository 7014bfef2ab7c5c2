"""Search shows one hit per duplicate group, the original, listing its copies."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from search.query import matching_article_ids, search

from .fakes import FakeArticle

ORIGINAL = "https://baohatinh.vn/a/1"
BODY = "Hai xã nghèo ở Đức Thọ vượt khó đạt chuẩn nông thôn mới"


def _group() -> list[FakeArticle]:
    return [
        FakeArticle(1, BODY, title="Hai xã nghèo đạt chuẩn", url=ORIGINAL),
        FakeArticle(2, BODY, title="Hai xã nghèo đạt chuẩn", duplicate_of_url=ORIGINAL),
        FakeArticle(3, BODY, title="Hai xã nghèo đạt chuẩn", duplicate_of_url=ORIGINAL),
        FakeArticle(4, "Đức Thọ vượt khó trong sản xuất", title="Sản xuất"),
    ]


def test_copies_fold_into_the_original(indexed: Callable[..., Path]) -> None:
    results = search(indexed(*_group()), "duc tho vuot kho")
    assert results.total == 2
    original = next(hit for hit in results.hits if hit.url == ORIGINAL)
    assert original.copies == (_group()[1].url, _group()[2].url)
    assert original.to_dict()["copies"] == list(original.copies)


def test_all_copies_shows_every_copy(indexed: Callable[..., Path]) -> None:
    results = search(indexed(*_group()), "duc tho vuot kho", all_copies=True)
    assert results.total == 4
    assert all(hit.copies == () for hit in results.hits)


def test_exports_match_copies_too(indexed: Callable[..., Path]) -> None:
    assert matching_article_ids(indexed(*_group()), "nong thon moi") == {1, 2, 3}
