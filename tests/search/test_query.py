from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from search.errors import EmptyQueryError, IndexNotFoundError, QueryError
from search.parsing import MAX_QUERY_CHARS, MAX_QUERY_WORDS
from search.query import search
from tests.helpers import run_cli

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


@pytest.fixture
def dated(indexed: Indexed) -> Path:
    return indexed(
        FakeArticle(1, "bài", published=datetime(2020, 1, 2, tzinfo=VN)),
        FakeArticle(2, "bài"),
        FakeArticle(3, "bài bài bài", published=datetime(2021, 3, 2, tzinfo=VN)),
        FakeArticle(4, "bài", published=datetime(2019, 3, 2, tzinfo=VN)),
    )


def test_sort_by_date_keeps_undated_articles_last(dated: Path) -> None:
    assert ids(search(dated, "bài", sort="newest")) == ["3", "1", "4", "2"]
    assert ids(search(dated, "bài", sort="oldest")) == ["4", "1", "3", "2"]
    assert ids(search(dated, "bài", sort="oldest", limit=2, page=2)) == ["3", "2"]
    assert ids(search(dated, "bài"))[0] == "3"  # relevance: the most occurrences
    with pytest.raises(ValueError, match="sort is one of"):
        search(dated, "bài", sort="random")  # type: ignore[arg-type]


def test_pages_counts_the_pages_the_total_fills(dated: Path) -> None:
    assert [search(dated, "bài", limit=n).pages for n in (1, 3, 4, 10)] == [4, 2, 1, 1]
    assert search(dated, "không có").pages == 0


@pytest.fixture
def crowded(indexed: Indexed) -> Path:
    """Enough matches that collecting them outlasts a microsecond's time limit."""
    return indexed(*(FakeArticle(n, f"bài số {n}") for n in range(2000)))


def test_a_search_out_of_time_returns_what_it_found_with_a_flag(crowded: Path) -> None:
    index_dir = crowded
    hurried = search(index_dir, "bài", time_limit=1e-6)
    assert hurried.timed_out
    assert hurried.total < 2000 and len(hurried.hits) <= hurried.total
    assert json.loads(json.dumps(hurried.to_dict()))["timed_out"] is True
    patient = search(index_dir, "bài")
    assert (patient.timed_out, patient.total) == (False, 2000)


def test_exact_matches_only_the_diacritics_typed(indexed: Indexed) -> None:
    index_dir = indexed(FakeArticle(1, "Bảo vệ môi trường"), FakeArticle(2, "Báo Hà Tĩnh"))
    assert set(ids(search(index_dir, "bảo"))) == {"1", "2"}
    assert ids(search(index_dir, "bảo", exact=True)) == ["1"]


def test_cli_sorts_and_shows_the_pages(dated: Path) -> None:
    data = dated.parent
    newest = run_cli(data, "search", "bài", "--sort", "newest", "-n", "3")
    assert newest.returncode == 0, newest.stderr
    assert newest.stdout.startswith("4 articles match, page 1 of 2\n")
    assert "2021-03-02" in newest.stdout.splitlines()[2]


def test_cli_notes_a_search_out_of_time(crowded: Path) -> None:
    hurried = run_cli(crowded.parent, "search", "bài", "--time-limit", "0.000001")
    assert hurried.returncode == 0, hurried.stderr
    assert "(the search ran out of time: these are the matches found until then)" in hurried.stdout


def test_cli_exact_flag_reaches_the_search(indexed: Indexed) -> None:
    index_dir = indexed(FakeArticle(1, "Bảo vệ môi trường"), FakeArticle(2, "Báo Hà Tĩnh"))
    result = run_cli(index_dir.parent, "search", "bảo", "--exact")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("1 article matches\n")
