"""Plain words answered from arrays match what Whoosh's own matchers match.

The same words in parentheses are no longer plain, so they go through the
query parser and Whoosh's matchers: both paths must find the same articles,
count them alike and put exact spellings first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from search.filters import SearchFilters
from search.plainwords import PlainWords
from search.query import search

from .fakes import VN, FakeArticle

Indexed = Callable[..., Path]

TEXTS = [
    ("Bảo vệ môi trường Hà Tĩnh", "Sở Tài nguyên bảo vệ rừng đầu nguồn."),
    ("Báo Hà Tĩnh số mới", "Báo chí tỉnh Hà Tĩnh đưa tin về bảo hiểm."),
    ("Tin học văn phòng", "Lớp tin học cho cán bộ xã, thông tin về chuyển đổi số."),
    ("Thông tin và truyền thông", "Hội nghị thông tin tỉnh, ha tinh viết không dấu."),
    ("Chuyển đổi số cấp xã", "Chuyển đổi số ở Hà Tĩnh: bảo đảm an toàn thông tin."),
    ("Hòa bình và thủy lợi", "Công trình thuỷ lợi, hoà giải ở cơ sở."),
]
QUERIES = [
    "bảo",
    "bao",
    "ha tinh",
    "Hà Tĩnh",
    "hà tinh",
    "thông tin",
    "tin",
    "chuyển đổi số",
    "hoà thuỷ",
    "không có gì",
]


@pytest.fixture
def varied(indexed: Indexed) -> Path:
    return indexed(
        *(
            FakeArticle(
                number,
                body,
                title=title,
                site_key="stttt" if number % 2 else "syte",
                published=datetime(2020, 1 + number, 1, tzinfo=VN),
            )
            for number, (title, body) in enumerate(TEXTS, start=1)
        ),
        FakeArticle(99, "Bảo vệ môi trường", title="Bảo vệ môi trường Hà Tĩnh",
                    duplicate_of_url="https://stttt.hatinh.gov.vn/a/1"),
    )  # fmt: skip


def _ids(index_dir: Path, query: str, **options: object) -> list[str]:
    return [hit.article_id for hit in search(index_dir, query, limit=50, **options).hits]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("exact", [False, True])
def test_both_paths_find_and_count_the_same_articles(varied: Path, query: str, exact: bool) -> None:
    assert PlainWords.parse(query, exact=exact) is not None
    plain = search(varied, query, exact=exact, limit=50)
    parsed = search(varied, f"({query})", exact=exact, limit=50)
    assert plain.total == parsed.total
    assert sorted(_ids(varied, query, exact=exact)) == sorted(
        _ids(varied, f"({query})", exact=exact)
    )


@pytest.mark.parametrize("query", ["bảo", "hà tinh", "Hà Tĩnh"])
def test_both_paths_rank_exact_spellings_first(varied: Path, query: str) -> None:
    exact = set(_ids(varied, query, exact=True))
    for text in (query, f"({query})"):
        ranked = _ids(varied, text)
        assert set(ranked[: len(exact)]) == exact, text


def test_filters_sort_and_copies_apply_alike(varied: Path) -> None:
    filters = SearchFilters(sites=("syte",))
    for options in (
        {"filters": filters},
        {"sort": "newest"},
        {"sort": "oldest", "all_copies": True},
    ):
        assert _ids(varied, "ha tinh", **options) == _ids(varied, "(ha tinh)", **options)


def test_words_that_are_not_plain_go_to_the_parser() -> None:
    for query in ('"thông tin"', "tin OR báo", "-tin", "thông*", "title:tin", "Covid-19", "4.0"):
        assert PlainWords.parse(query, exact=False) is None, query
    assert PlainWords.parse("Thuỷ lợi", exact=False) == PlainWords(
        ("thủy", "lợi"), exact=False, exact_bonus=True
    )
