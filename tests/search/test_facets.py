"""Facets and the histogram: counted in the same pass as the hits, over what the hits count."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest

from archive.datadir import DataDir
from search.errors import QueryError
from search.filters import SearchFilters
from search.indexer import ArticleIndex
from search.query import FacetCount, more_like, search
from tests.helpers import run_cli

from .fakes import VN, FakeArticle

Indexed = Callable[..., Path]


@pytest.fixture
def storms(indexed: Indexed) -> Path:
    return indexed(
        FakeArticle(1, "bão lũ", site_key="stttt", author="H.A", category="Tin tức",
                    published=datetime(2020, 10, 15, tzinfo=VN)),
        FakeArticle(2, "bão lũ", site_key="stttt", author="H.A", category="tin tuc",
                    published=datetime(2020, 10, 20, tzinfo=VN)),
        FakeArticle(3, "bão lũ", site_key="syte", author="Trần Lan", category="Y tế",
                    published=datetime(2021, 1, 1, 0, 10, tzinfo=VN)),
        FakeArticle(4, "bão lũ", site_key="syte"),
        FakeArticle(5, "nắng", site_key="sgd", published=datetime(2020, 11, 1, tzinfo=VN)),
    )  # fmt: skip


def test_facets_count_the_matches_per_site_category_author_and_year(storms: Path) -> None:
    names = {"stttt": "Sở Thông tin và Truyền thông", "syte": "Sở Y tế"}
    results = search(storms, "bao lu", facets=True, site_names=names)
    assert results.facets == {
        "site": [
            FacetCount("stttt", "Sở Thông tin và Truyền thông", 2),
            FacetCount("syte", "Sở Y tế", 2),
        ],
        # Spelled as in an article; the value is what the category filter takes.
        "category": [FacetCount("tin tuc", "Tin tức", 2), FacetCount("y te", "Y tế", 1)],
        "author": [FacetCount("H.A", "H.A", 2), FacetCount("Trần Lan", "Trần Lan", 1)],
        "year": [FacetCount("2020", "2020", 2), FacetCount("2021", "2021", 1)],
        "language": [FacetCount("vi", "vi", 4)],
        "document_type": [],
        "ref_kind": [],
        "ref_issuer": [],
    }
    [tin_tuc, _] = results.facets["category"]
    narrowed = search(storms, "bao lu", filters=SearchFilters(category=tin_tuc.value))
    assert narrowed.total == tin_tuc.count


def test_facets_and_histogram_are_only_computed_when_asked(storms: Path) -> None:
    results = search(storms, "bao lu")
    assert (results.facets, results.histogram) == ({}, [])


def test_histogram_counts_matches_per_month_and_year(storms: Path) -> None:
    def histogram(by: str, **filters: object) -> list[tuple[str, int]]:
        return search(storms, "bao lu", histogram=by, filters=SearchFilters(**filters)).histogram

    assert histogram("month") == [("2020-10", 2), ("2020-11", 0), ("2020-12", 0), ("2021-01", 1)]
    assert histogram("year") == [("2020", 2), ("2021", 1)]
    assert histogram("month", date_from=date(2021, 1, 1)) == [("2021-01", 1)]
    assert histogram("year", date_from=date.min, date_to=date.max) == [("2020", 2), ("2021", 1)]
    assert search(storms, "mưa", histogram="month").histogram == []


def test_histogram_and_facets_cover_every_page_not_just_the_shown_one(storms: Path) -> None:
    results = search(storms, "bao lu", limit=1, page=2, facets=True, histogram="year")
    assert (results.total, len(results.hits), results.pages) == (4, 1, 4)
    assert sum(count for _, count in results.histogram) == 3  # one undated
    assert sum(facet.count for facet in results.facets["site"]) == 4


def test_results_to_dict_carries_paging_facets_and_histogram(storms: Path) -> None:
    data = json.loads(
        json.dumps(search(storms, "bao lu", limit=3, facets=True, histogram="year").to_dict())
    )
    assert (data["total"], data["page"], data["pages"], data["timed_out"]) == (4, 1, 2, False)
    assert data["facets"]["site"][0] == {"value": "stttt", "label": "stttt", "count": 2}
    assert data["histogram"] == [{"period": "2020", "count": 2}, {"period": "2021", "count": 1}]


@pytest.fixture
def cli_data(tmp_path: Path) -> Path:
    """A data directory with an index only: searching needs no database without --facets."""
    directory = DataDir.resolve(tmp_path / "data")
    ArticleIndex(directory.index_dir).add(
        FakeArticle(n, "bão lũ", published=datetime(2020 + n % 2, 10, 15, tzinfo=VN))
        for n in range(1, 4)
    )
    return directory.root


def test_search_histogram_prints_a_bar_chart(cli_data: Path) -> None:
    result = run_cli(cli_data, "search", "bao lu", "--histogram", "year")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("3 articles match\n")
    chart = result.stdout.splitlines()[-2:]
    assert chart == [f"2020    {'█' * 20:<40} 1", f"2021    {'█' * 40} 2"]


def test_search_json_is_the_results_object(cli_data: Path) -> None:
    result = run_cli(cli_data, "search", "bao lu", "--json", "--histogram", "month", "-n", "2")
    data = json.loads(result.stdout)
    assert (data["total"], data["pages"], len(data["hits"])) == (3, 2, 2)
    assert data["histogram"][0] == {"period": "2020-10", "count": 1}
    assert data["histogram"][-1] == {"period": "2021-10", "count": 2}


def test_more_like_an_article_ranks_its_subject_first_and_leaves_its_story_out(
    indexed: Indexed,
) -> None:
    storm = "Bão số 9 gây lũ lớn, ngập úng nhiều xã ven sông Lam; tỉnh sơ tán dân."
    original = FakeArticle(1, storm, title="Bão số 9 gây lũ lớn")
    index_dir = indexed(
        original,
        FakeArticle(2, storm, title="Bão số 9 gây lũ lớn", duplicate_of_url=original.url),
        FakeArticle(3, "Lũ lớn sau bão số 9: các xã ven sông Lam khắc phục ngập úng."),
        FakeArticle(4, "Hội nghị chuyển đổi số của tỉnh, các xã tham dự."),
    )
    like_the_original = [hit.article_id for hit in more_like(index_dir, "1")]
    assert like_the_original[0] == "3"
    assert not {"1", "2"} & set(like_the_original)
    assert not {"1", "2"} & {hit.article_id for hit in more_like(index_dir, "2")}
    with pytest.raises(QueryError, match="no article 99"):
        more_like(index_dir, "99")
