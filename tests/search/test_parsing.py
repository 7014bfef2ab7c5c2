from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq

from search.errors import QueryError
from search.parsing import MAX_PHRASE_BOOST_WORDS, highlight_terms, parse_query
from search.schema import article_schema
from search.snippets import Marks, snippet, title_snippet

from .fakes import VN, FakeArticle

Indexed = Callable[..., Path]

LONG_BODY = "Nội dung tổng hợp nhiều hoạt động của các sở, ban, ngành trong tỉnh. " * 20


def ranked(index_dir: Path, text: str, *, exact: bool = False) -> list[int]:
    """Article ids matching ``text``, best first."""
    index = whoosh_index.open_dir(str(index_dir))
    with index.searcher() as searcher:
        results = searcher.search(parse_query(text, index.schema, exact=exact), limit=None)
        return [int(hit["article_id"]) for hit in results]


def marks_for(index_dir: Path, text: str, *, exact: bool = False) -> Marks:
    index = whoosh_index.open_dir(str(index_dir))
    with index.searcher() as searcher:
        return highlight_terms(parse_query(text, index.schema, exact=exact), searcher.reader())


def first_ids(order: list[int], count: int) -> set[int]:
    return set(order[:count])


@pytest.fixture
def an_family(indexed: Indexed) -> Path:
    """Four spellings of "an": the unaccented one often and in a short title, the others once
    deep in long bodies, where a match weighs least."""
    return indexed(
        FakeArticle(
            1,
            "Bảo đảm an toàn, an ninh trật tự và an toàn giao thông.",
            title="Hội nghị tổng kết an toàn giao thông",
        ),
        FakeArticle(2, LONG_BODY + "Nhiều góc khuất còn ẩn chứa rủi ro.", title="Tin tổng hợp"),
        FakeArticle(3, LONG_BODY + "Một năm ghi dấu ấn của ngành.", title="Tin tổng hợp"),
        FakeArticle(4, LONG_BODY + "Tòa tuyên án sơ thẩm vụ việc.", title="Tin tổng hợp"),
    )


@pytest.mark.parametrize(("word", "expected"), [("ẩn", 2), ("ấn", 3), ("án", 4), ("an", 1)])
def test_an_accented_word_ranks_its_own_spelling_first(
    an_family: Path, word: str, expected: int
) -> None:
    order = ranked(an_family, word)
    assert order[0] == expected
    assert set(order) == {1, 2, 3, 4}  # the folded match still finds every spelling


@pytest.mark.parametrize(("word", "expected"), [("ẩn", [2]), ("ấn", [3]), ("an", [1])])
def test_exact_mode_matches_only_the_spelling_typed(
    an_family: Path, word: str, expected: list[int]
) -> None:
    assert ranked(an_family, word, exact=True) == expected


@pytest.mark.parametrize(
    ("query", "exact_ids", "folded_ids"),
    [
        ("bảo", {1, 2}, {3, 4}),
        ("báo", {3, 4}, {1, 2}),
        ("đất", {5, 6}, {7}),
        ("dát", {7}, {5, 6}),
        ("Hà Tĩnh", {8, 9}, {10}),
        ("hà tinh", {10}, {8, 9}),
    ],
)
def test_exact_spellings_come_before_folded_ones(
    indexed: Indexed, query: str, exact_ids: set[int], folded_ids: set[int]
) -> None:
    # The folded-only matches carry the word in the title, where it weighs most.
    index_dir = indexed(
        FakeArticle(1, LONG_BODY + "Công tác bảo vệ rừng.", title="Tin tổng hợp"),
        FakeArticle(2, LONG_BODY + "Bảo đảm an ninh.", title="Tin tổng hợp"),
        FakeArticle(3, "Nội dung.", title="Báo cáo tình hình"),
        FakeArticle(4, "Nội dung.", title="Báo chí cách mạng"),
        FakeArticle(5, LONG_BODY + "Giao đất cho dân.", title="Tin tổng hợp"),
        FakeArticle(6, LONG_BODY + "Quỹ đất sạch.", title="Tin tổng hợp"),
        FakeArticle(7, "Nội dung.", title="Nghề dát vàng"),
        FakeArticle(8, LONG_BODY + "Tỉnh Hà Tĩnh.", title="Tin tổng hợp"),
        FakeArticle(9, LONG_BODY + "Về Hà Tĩnh.", title="Tin tổng hợp"),
        FakeArticle(10, "Nội dung.", title="Ha tinh: hà tinh, tên một loài cây"),
    )
    order = ranked(index_dir, query)
    assert first_ids(order, len(exact_ids)) == exact_ids
    assert set(order) == exact_ids | folded_ids


def test_more_exactly_spelled_words_rank_higher(indexed: Indexed) -> None:
    index_dir = indexed(
        FakeArticle(1, "Nội dung.", title="Dầu ăn ngành thông tin"),
        FakeArticle(2, LONG_BODY + "Dấu ấn ngành thông tin.", title="Tin tổng hợp"),
    )
    assert ranked(index_dir, "Dấu ấn ngành thông tin") == [2, 1]
    assert ranked(index_dir, "Dấu ấn ngành thông tin", exact=True) == [2]


@pytest.mark.parametrize(
    ("typed", "written"),
    [("hòa bình", "Hoà Bình"), ("thuỷ lợi", "Thủy lợi"), ("uỳ ban", "ùy ban"), ("khỏe", "khoẻ")],
)
def test_either_tone_placement_matches_exactly(indexed: Indexed, typed: str, written: str) -> None:
    index_dir = indexed(FakeArticle(1, f"Nói về {written}."), FakeArticle(2, "Câu khác."))
    assert ranked(index_dir, typed, exact=True) == [1]
    assert ranked(index_dir, unicodedata.normalize("NFD", typed), exact=True) == [1]


def test_named_fields_search_that_field_only(indexed: Indexed) -> None:
    index_dir = indexed(
        FakeArticle(1, "Bài về chuyển đổi số.", title="Tin tỉnh", author="Lê Hoa"),
        FakeArticle(2, "Bài khác.", title="Chuyển đổi số", site_key="hatinh", category="Tin tức"),
    )
    assert ranked(index_dir, "chuyển đổi số") == [2, 1]
    assert ranked(index_dir, "title:chuyen title:doi") == [2]
    assert ranked(index_dir, 'title:"chuyển đổi số"', exact=True) == [2]
    assert ranked(index_dir, 'author:"le hoa"') == [1]
    assert ranked(index_dir, "bài site:hatinh") == [2]
    assert ranked(index_dir, 'category:"tin tuc"') == [2]
    assert set(ranked(index_dir, "title:(tỉnh OR số) bài")) == {1, 2}
    assert ranked(index_dir, "-title:số bài") == [1]


def test_other_words_before_a_colon_are_plain_words(indexed: Indexed) -> None:
    index_dir = indexed(
        FakeArticle(1, "Ghi chú: nộp hồ sơ trước ngày 5."), FakeArticle(2, "Hồ sơ trực tuyến.")
    )
    assert ranked(index_dir, "Ghi chú: hồ sơ") == [1]
    assert ranked(index_dir, "Title: hồ sơ") == []  # field names are lowercase only


def test_a_minus_starting_a_word_excludes_it(indexed: Indexed) -> None:
    index_dir = indexed(
        FakeArticle(1, "Phòng chống Covid-19 ở xã."),
        FakeArticle(2, "Phòng chống thiên tai ở xã."),
        FakeArticle(3, "Văn hóa - Du lịch ở xã."),
    )
    assert set(ranked(index_dir, "xã -covid")) == {2, 3}
    assert ranked(index_dir, "Covid-19") == [1]
    assert ranked(index_dir, "Văn hóa - Du lịch") == [3]


def test_exact_mode_marks_only_exact_spellings(indexed: Indexed) -> None:
    text = "Đầu năm, đấu giá đất thống nhất về dấu ấn thông tin."
    index_dir = indexed(FakeArticle(1, text))
    exact = snippet(text, marks_for(index_dir, "dấu ấn thông tin", exact=True))
    assert exact.startswith("Đầu năm, đấu giá đất thống nhất về **dấu** **ấn** **thông** **tin**")
    folded = snippet(text, marks_for(index_dir, "dấu ấn thông tin"))
    assert "**Đầu**" in folded and "**thống**" in folded


def test_phrases_are_marked_where_their_words_stand_together(indexed: Indexed) -> None:
    text = "Thông báo: Sở Thông tin và Truyền thông mời họp; tin vắn."
    index_dir = indexed(FakeArticle(1, text))
    marked = snippet(text, marks_for(index_dir, '"thong tin"'))
    assert marked.startswith("Thông báo: Sở **Thông** **tin** và Truyền thông mời họp; tin vắn")


def test_titles_are_marked_and_escaped(indexed: Indexed) -> None:
    title = "Chuyển đổi số <2024> ở Hà Tĩnh"
    index_dir = indexed(FakeArticle(1, "Nội dung.", title=title))
    marks = marks_for(index_dir, "chuyen doi")
    assert title_snippet(title, marks) == "**Chuyển** **đổi** số <2024> ở Hà Tĩnh"
    assert title_snippet(title, marks, "html") == (
        "<mark>Chuyển</mark> <mark>đổi</mark> số &lt;2024&gt; ở Hà Tĩnh"
    )
    assert title_snippet(title, marks_for(index_dir, "nội")) == title


def test_excluded_words_are_not_marked(indexed: Indexed) -> None:
    index_dir = indexed(FakeArticle(1, "nông nghiệp"))
    assert marks_for(index_dir, "nghiep NOT cong").words == frozenset({"nghiep"})


@pytest.fixture
def dated(indexed: Indexed) -> Path:
    return indexed(
        FakeArticle(1, "tin", published=datetime(2019, 12, 31, 23, 30, tzinfo=VN)),
        FakeArticle(2, "tin", published=datetime(2020, 3, 15, 8, 0, tzinfo=VN)),
        FakeArticle(3, "tin", published=datetime(2020, 12, 31, 23, 59, tzinfo=VN)),
        FakeArticle(4, "tin", published=datetime(2021, 1, 1, 0, 10, tzinfo=VN)),
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tin date:2020", {2, 3}),
        ("tin date:2020-03", {2}),
        ("tin date:2020-03-15", {2}),
        ("tin date:2019-12..2020-03", {1, 2}),
        ("tin date:..2020-03-15", {1, 2}),
        ("tin date:2020-04..", {3, 4}),
        ("tin -date:2020", {1, 4}),
        ("date:2021 OR date:2019", {1, 4}),
    ],
)
def test_date_ranges_are_whole_days_in_vietnam_time(
    dated: Path, query: str, expected: set[int]
) -> None:
    assert set(ranked(dated, query)) == expected
    assert set(ranked(dated, query, exact=True)) == expected


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("tin date:2020-13", "not a year, month or day"),
        ("tin date:2020-02-30", "not a year, month or day"),
        ("tin date:2021..2020", "before it starts"),
        ("tin date:..", "needs a year, month or day"),
    ],
)
def test_impossible_dates_are_refused(dated: Path, query: str, problem: str) -> None:
    with pytest.raises(QueryError, match=problem):
        ranked(dated, query)


def test_date_without_a_period_is_a_plain_word(indexed: Indexed) -> None:
    index_dir = indexed(FakeArticle(1, "Update date: 2020"), FakeArticle(2, "2020"))
    assert ranked(index_dir, "date: 2020") == [1]


def test_only_a_query_of_headline_length_also_scores_as_a_phrase() -> None:
    schema = article_schema()

    def phrases(text: str) -> int:
        return sum(isinstance(node, wq.Phrase) for node in _nodes(parse_query(text, schema)))

    headline = "dấu ấn ngành thông tin và truyền thông hà tĩnh năm 2020"
    assert phrases(headline) > 0
    pasted = " ".join([headline] * 2)
    assert len(pasted.split()) > MAX_PHRASE_BOOST_WORDS
    assert phrases(pasted) == 0


def _nodes(node: wq.Query) -> list[wq.Query]:
    return [node, *(leaf for child in node.children() for leaf in _nodes(child))]
