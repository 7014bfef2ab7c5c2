from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest

from archive.dates import DateRangeError
from search.errors import EmptyQueryError, IndexNotFoundError, QueryError
from search.parsing import MAX_QUERY_CHARS, MAX_QUERY_WORDS
from search.query import search, timeline

from .fakes import VN, FakeArticle

Indexed = Callable[..., Path]

HA_TINH_TITLE = "Dấu ấn ngành thông tin và truyền thông Hà Tĩnh năm 2020"


def ids(results) -> list[str]:
    return [hit.article_id for hit in results.hits]


def test_unaccented_query_finds_the_accented_title_first(indexed: Indexed) -> None:
    index_dir = indexed(
        FakeArticle(1, "Các hoạt động nổi bật của năm.", title=HA_TINH_TITLE),
        FakeArticle(2, "Ngành y tế ghi dấu ấn trong công tác thông tin.", title="Y tế Hà Tĩnh"),
        FakeArticle(3, "Dầu ăn giảm giá, thông tin thị trường.", title="Giá cả"),
    )
    results = search(index_dir, "dau an nganh thong tin")
    assert ids(results)[0] == "1"
    assert set(ids(results)) == {"1", "2"}  # every word is required


def test_accented_query_ranks_the_exact_spelling_first(indexed: Indexed) -> None:
    index_dir = indexed(
        FakeArticle(1, "Bàn giao thiết bị cho các xã.", title="Tin huyện"),
        FakeArticle(2, "Bán đấu giá tài sản công.", title="Tin huyện"),
        FakeArticle(3, "Ban chỉ đạo họp phiên thứ nhất.", title="Tin huyện"),
    )
    assert ids(search(index_dir, "bán"))[0] == "2"
    assert ids(search(index_dir, "bàn"))[0] == "1"
    assert ids(search(index_dir, "ban"))[0] == "3"
    assert set(ids(search(index_dir, "ban"))) == {"1", "2", "3"}


def test_title_matches_outrank_body_matches(indexed: Indexed) -> None:
    index_dir = indexed(
        FakeArticle(1, "Bài viết về nhiều chủ đề, có nhắc chuyển đổi số.", title="Tin tổng hợp"),
        FakeArticle(2, "Bài viết về nhiều chủ đề.", title="Chuyển đổi số"),
    )
    assert ids(search(index_dir, "chuyển đổi số")) == ["2", "1"]


@pytest.mark.parametrize("word", ["an", "to", "can", "a", "the"])
def test_short_syllables_are_findable(indexed: Indexed, word: str) -> None:
    index_dir = indexed(FakeArticle(1, f"Câu có chữ {word} ở giữa."), FakeArticle(2, "Câu khác."))
    assert ids(search(index_dir, word)) == ["1"]


def test_covid_19_is_findable_whole_and_in_parts(indexed: Indexed) -> None:
    index_dir = indexed(FakeArticle(1, "Phòng chống dịch Covid-19 và chuyển đổi số 4.0."))
    for query in ("Covid-19", "covid", "19", "4.0", '"covid 19"'):
        assert ids(search(index_dir, query)) == ["1"], query


@pytest.mark.parametrize("phrase", ['"thông tin"', '"thong tin"', '"THÔNG TIN"'])
def test_phrases_work_with_and_without_diacritics(indexed: Indexed, phrase: str) -> None:
    index_dir = indexed(
        FakeArticle(1, "Sở Thông tin và Truyền thông."),
        FakeArticle(2, "Tin nhắn thông báo."),  # both words, not side by side
    )
    assert ids(search(index_dir, phrase)) == ["1"]


def test_nfd_query_matches_nfc_text(indexed: Indexed) -> None:
    index_dir = indexed(FakeArticle(1, "Truyền thông"))
    assert ids(search(index_dir, unicodedata.normalize("NFD", "truyền thông"))) == ["1"]


def test_or_not_and_prefix_operators(indexed: Indexed) -> None:
    index_dir = indexed(
        FakeArticle(1, "nông nghiệp"), FakeArticle(2, "công nghiệp"), FakeArticle(3, "dịch vụ")
    )
    assert set(ids(search(index_dir, "nong OR dich"))) == {"1", "3"}
    assert ids(search(index_dir, "nghiep NOT cong")) == ["1"]
    assert set(ids(search(index_dir, "ngh*"))) == {"1", "2"}


def test_question_mark_is_not_a_wildcard(indexed: Indexed) -> None:
    index_dir = indexed(FakeArticle(1, "Chuyển đổi số là gì"))
    assert ids(search(index_dir, "chuyển đổi số là gì?")) == ["1"]


@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
def test_empty_query_raises(indexed: Indexed, query: str) -> None:
    index_dir = indexed(FakeArticle(1, "bài"))
    with pytest.raises(EmptyQueryError, match="empty"):
        search(index_dir, query)


@pytest.mark.parametrize("query", ["!!!", "()", "-"])
def test_query_without_words_raises(indexed: Indexed, query: str) -> None:
    index_dir = indexed(FakeArticle(1, "bài"))
    with pytest.raises(QueryError):
        search(index_dir, query)


def test_missing_index_raises(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFoundError):
        search(tmp_path / "nowhere", "bài")


def test_site_author_and_category_filters(indexed: Indexed) -> None:
    index_dir = indexed(
        FakeArticle(1, "hội nghị", site_key="stttt", author="Nguyễn Văn Hùng", category="Tin tức"),
        FakeArticle(2, "hội nghị", site_key="syte", author="H.A", category="Tin tức - Sự kiện"),
        FakeArticle(3, "hội nghị", site_key="stttt", author="Trần Thị Lan", category="Tin tức"),
    )
    assert ids(search(index_dir, "hoi nghi", site="syte")) == ["2"]
    assert ids(search(index_dir, "hoi nghi", author="nguyen van hung")) == ["1"]
    assert ids(search(index_dir, "hoi nghi", author="H.A")) == ["2"]
    assert set(ids(search(index_dir, "hoi nghi", category="tin tuc"))) == {"1", "3"}
    assert ids(search(index_dir, "hoi nghi", category="Tin tức - Sự kiện")) == ["2"]
    assert ids(search(index_dir, "hoi nghi", site="stttt", author="Lan")) == ["3"]


def test_date_filters_are_whole_days_in_vietnam_time(indexed: Indexed) -> None:
    index_dir = indexed(
        # 00:30 on 1 Dec in Hà Nội is still 30 Nov in UTC.
        FakeArticle(1, "bài", published=datetime(2020, 12, 1, 0, 30, tzinfo=VN)),
        FakeArticle(2, "bài", published=datetime(2020, 12, 31, 23, 59, tzinfo=VN)),
        FakeArticle(3, "bài", published=datetime(2021, 1, 1, 0, 0, tzinfo=VN)),
        FakeArticle(4, "bài"),
    )
    december = search(index_dir, "bài", date_from=date(2020, 12, 1), date_to=date(2020, 12, 31))
    assert set(ids(december)) == {"1", "2"}
    assert set(ids(search(index_dir, "bài", date_from=date(2021, 1, 1)))) == {"3"}
    assert set(ids(search(index_dir, "bài", date_to=date(2020, 12, 1)))) == {"1"}
    with pytest.raises(DateRangeError, match=r"ends \(2021-01-01\) before it starts"):
        search(index_dir, "bài", date_from=date(2021, 1, 2), date_to=date(2021, 1, 1))


def test_the_first_and_last_days_of_the_calendar_bound_nothing(indexed: Indexed) -> None:
    index_dir = indexed(
        FakeArticle(1, "bài", published=datetime(2020, 12, 1, 0, 30, tzinfo=VN)),
        FakeArticle(2, "bài"),
    )
    widest = {"date_from": date.min, "date_to": date.max}
    assert ids(search(index_dir, "bài", **widest)) == ["1"]  # undated articles stay out
    assert timeline(index_dir, "bài", **widest, by="year") == [("2020", 1)]


def test_a_backwards_date_range_is_refused_before_the_index_is_opened(tmp_path: Path) -> None:
    with pytest.raises(DateRangeError):
        search(tmp_path / "none", "bài", date_from=date(2021, 1, 2), date_to=date(2021, 1, 1))


@pytest.mark.parametrize(
    "query",
    ["a" * (MAX_QUERY_CHARS + 1), " ".join(["bài"] * (MAX_QUERY_WORDS + 1))],
    ids=["characters", "words"],
)
def test_an_overlong_query_is_refused_before_the_index_is_opened(
    tmp_path: Path, query: str
) -> None:
    with pytest.raises(QueryError, match="too long"):
        search(tmp_path / "none", query)


def test_a_query_at_the_limits_is_searched(indexed: Indexed) -> None:
    index_dir = indexed(FakeArticle(1, "bài"))
    assert ids(search(index_dir, " ".join(["bài"] * MAX_QUERY_WORDS))) == ["1"]


def test_paging(indexed: Indexed) -> None:
    index_dir = indexed(*(FakeArticle(n, "bài " * (n + 1)) for n in range(5)))
    first, last = search(index_dir, "bài", limit=2), search(index_dir, "bài", limit=2, page=3)
    assert (first.total, last.total) == (5, 5)
    assert len(first.hits) == 2
    assert len(last.hits) == 1
    assert search(index_dir, "bài", limit=2, page=4).hits == []
    with pytest.raises(ValueError):
        search(index_dir, "bài", page=0)


def test_snippets_mark_matches_in_the_accented_text(indexed: Indexed) -> None:
    index_dir = indexed(FakeArticle(1, "Năm 2020, ngành Thông tin và Truyền thông đạt kết quả."))
    for query in ("thong tin", "thông tin", '"thong tin"'):
        [hit] = search(index_dir, query).hits
        assert "**Thông** **tin**" in hit.snippet, query


def test_html_snippets_escape_the_text_and_use_mark(indexed: Indexed) -> None:
    index_dir = indexed(FakeArticle(1, "Giá <b>xăng</b> & dầu tăng"))
    [hit] = search(index_dir, "xang", snippet_format="html").hits
    assert hit.snippet == "Giá &lt;b&gt;<mark>xăng</mark>&lt;/b&gt; &amp; dầu tăng"


def test_prefix_queries_mark_the_expanded_words(indexed: Indexed) -> None:
    index_dir = indexed(FakeArticle(1, "Hội nghị tổng kết công tác thông tin"))
    [hit] = search(index_dir, "thon*").hits
    assert "**thông**" in hit.snippet


def test_snippet_falls_back_to_the_opening_when_only_the_title_matches(indexed: Indexed) -> None:
    index_dir = indexed(FakeArticle(1, "Nội dung bài viết. " * 40, title="Chuyển đổi số"))
    [hit] = search(index_dir, "chuyen doi so").hits
    assert hit.snippet.startswith("Nội dung bài viết.")
    assert hit.snippet.endswith("…")


def test_hit_to_dict_is_json_with_vietnam_time(indexed: Indexed) -> None:
    published = datetime(2020, 12, 25, 2, 4, tzinfo=VN)
    index_dir = indexed(
        FakeArticle(
            1,
            "Thông tin",
            title=HA_TINH_TITLE,
            published=published,
            author="H.A",
            category="Tin tức",
        )
    )
    results = search(index_dir, "thong tin")
    data = json.loads(json.dumps(results.to_dict()))
    hit = data["hits"][0]
    assert hit["published"] == "2020-12-25T02:04:00+07:00"
    assert hit["title"] == HA_TINH_TITLE
    assert (hit["author"], hit["category"], hit["site"]) == ("H.A", "Tin tức", "stttt.hatinh")
    assert isinstance(hit["score"], float)


def test_timeline_counts_matches_per_month_and_year(indexed: Indexed) -> None:
    index_dir = indexed(
        FakeArticle(1, "bão lũ", published=datetime(2020, 10, 15, tzinfo=VN)),
        FakeArticle(2, "bão lũ", published=datetime(2020, 10, 20, tzinfo=VN)),
        FakeArticle(3, "bão lũ", published=datetime(2021, 1, 1, 0, 10, tzinfo=VN)),
        FakeArticle(4, "bão lũ"),
        FakeArticle(5, "nắng", published=datetime(2020, 11, 1, tzinfo=VN)),
    )
    assert timeline(index_dir, "bao lu") == [
        ("2020-10", 2),
        ("2020-11", 0),
        ("2020-12", 0),
        ("2021-01", 1),
    ]
    assert timeline(index_dir, "bao lu", by="year") == [("2020", 2), ("2021", 1)]
    assert timeline(index_dir, "bao lu", date_from=date(2021, 1, 1)) == [("2021-01", 1)]
    assert timeline(index_dir, "mưa") == []
