"""Search filters: one value for the index and the export, and totals that are right in every
combination, including filters that match nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.datadir import DataDir
from archive.dates import DateRangeError
from archive.db import open_archive
from archive.extract import ExtractedArticle
from archive.models import Article
from archive.sites import SiteConfig
from archive.store import ArchiveStore
from search.filters import SearchFilters, UnknownSiteError
from search.indexer import ArticleIndex
from search.query import matching_article_ids, search
from tests.helpers import run_cli

from .fakes import VN, FakeArticle, FakeAttachment

Indexed = Callable[..., Path]


def ids(results) -> list[str]:
    return [hit.article_id for hit in results.hits]


@pytest.fixture
def meetings(indexed: Indexed) -> Path:
    return indexed(
        FakeArticle(1, "hội nghị", site_key="stttt", author="Nguyễn Văn Hùng", category="Tin tức",
                    published=datetime(2020, 12, 1, 9, 0, tzinfo=VN)),
        FakeArticle(2, "hội nghị", site_key="syte", author="H.A", category="Tin tức - Sự kiện",
                    published=datetime(2021, 6, 1, 9, 0, tzinfo=VN)),
        FakeArticle(3, "hội nghị", site_key="stttt", author="Trần Thị Lan", category="Tin tức"),
        FakeArticle(4, "tổng kết", site_key="sgd", author="H.A", category="Giáo dục",
                    published=datetime(2021, 6, 2, 9, 0, tzinfo=VN)),
    )  # fmt: skip


def test_site_author_and_category_filters(meetings: Path) -> None:
    def found(**filters: object) -> list[str]:
        return sorted(ids(search(meetings, "hoi nghi", filters=SearchFilters(**filters))))

    assert found(sites=("syte",)) == ["2"]
    assert found(sites=("syte", "stttt")) == ["1", "2", "3"]
    assert found(author="nguyen van hung") == ["1"]
    assert found(author="H.A") == ["2"]
    assert found(category="tin tuc") == ["1", "3"]
    assert found(category="Tin tức - Sự kiện") == ["2"]
    assert found(sites=("stttt",), author="Lan") == ["3"]


NOTHING = [
    pytest.param(SearchFilters(date_from=date(2030, 1, 1)), id="future-dates"),
    pytest.param(SearchFilters(date_to=date(1990, 1, 1)), id="past-dates"),
    pytest.param(SearchFilters(author="Không Ai"), id="unknown-author"),
    pytest.param(SearchFilters(category="Không có"), id="unknown-category"),
    # The site exists, but none of its articles has the query's words.
    pytest.param(SearchFilters(sites=("sgd",)), id="site-without-matches"),
    pytest.param(SearchFilters(sites=("syte",), author="Lan"), id="site-and-author"),
    pytest.param(SearchFilters(category="Tin tức", date_from=date(2021, 1, 1)), id="category-days"),
]


@pytest.mark.parametrize("filters", NOTHING)
def test_filters_that_match_nothing_report_no_matches(
    meetings: Path, filters: SearchFilters
) -> None:
    results = search(meetings, "hoi nghi", filters=filters, facets=True, histogram="month")
    assert (results.total, results.hits, results.pages, results.histogram) == (0, [], 0, [])
    assert all(counts == [] for counts in results.facets.values())
    assert matching_article_ids(meetings, "hoi nghi", filters=filters) == set()


SOMETHING = [
    pytest.param(SearchFilters(), 3, id="none"),
    pytest.param(SearchFilters(sites=("stttt",)), 2, id="site"),
    pytest.param(SearchFilters(sites=("stttt", "syte")), 3, id="sites"),
    pytest.param(SearchFilters(date_from=date(2021, 1, 1)), 1, id="from"),
    pytest.param(SearchFilters(date_to=date(2020, 12, 31)), 1, id="to"),
    pytest.param(SearchFilters(author="H.A"), 1, id="author"),
    pytest.param(SearchFilters(category="tin tuc"), 2, id="category"),
    pytest.param(SearchFilters(sites=("stttt",), category="Tin tức", author="Lan"), 1, id="all"),
]


@pytest.mark.parametrize(("filters", "expected"), SOMETHING)
def test_the_total_counts_what_the_filters_let_through(
    meetings: Path, filters: SearchFilters, expected: int
) -> None:
    results = search(meetings, "hoi nghi", filters=filters, limit=1)
    assert results.total == expected
    assert len(matching_article_ids(meetings, "hoi nghi", filters=filters)) == expected


def test_an_unknown_site_is_an_error_naming_the_known_ones(meetings: Path) -> None:
    with pytest.raises(UnknownSiteError, match=r"unknown site 'nosuch': the sites are sgd, stttt"):
        search(meetings, "hoi nghi", filters=SearchFilters(sites=("stttt", "nosuch")))
    with pytest.raises(UnknownSiteError, match="'STTTT'"):  # keys are case-sensitive
        matching_article_ids(meetings, "hoi nghi", filters=SearchFilters(sites=("STTTT",)))


def test_date_filters_are_whole_days_in_vietnam_time(indexed: Indexed) -> None:
    index_dir = indexed(
        # 00:30 on 1 Dec in Hà Nội is still 30 Nov in UTC.
        FakeArticle(1, "bài", published=datetime(2020, 12, 1, 0, 30, tzinfo=VN)),
        FakeArticle(2, "bài", published=datetime(2020, 12, 31, 23, 59, tzinfo=VN)),
        FakeArticle(3, "bài", published=datetime(2021, 1, 1, 0, 0, tzinfo=VN)),
        FakeArticle(4, "bài"),
    )

    def found(date_from: date | None = None, date_to: date | None = None) -> set[str]:
        filters = SearchFilters(date_from=date_from, date_to=date_to)
        return set(ids(search(index_dir, "bài", filters=filters)))

    assert found(date(2020, 12, 1), date(2020, 12, 31)) == {"1", "2"}
    assert found(date_from=date(2021, 1, 1)) == {"3"}
    assert found(date_to=date(2020, 12, 1)) == {"1"}
    assert found(date.min, date.max) == {"1", "2", "3"}  # undated articles stay out


def test_a_backwards_date_range_is_refused_when_the_filters_are_made() -> None:
    with pytest.raises(DateRangeError, match=r"ends \(2021-01-01\) before it starts"):
        SearchFilters(date_from=date(2021, 1, 2), date_to=date(2021, 1, 1))


def test_copies_are_counted_once_by_the_total_the_facets_and_the_histogram(
    indexed: Indexed,
) -> None:
    published = datetime(2021, 3, 1, 9, 0, tzinfo=VN)
    original = FakeArticle(1, "nông thôn mới", published=published, site_key="stttt")
    copies = [
        FakeArticle(n, "nông thôn mới", published=published, site_key="baohatinh",
                    duplicate_of_url=original.url)
        for n in (2, 3)
    ]  # fmt: skip
    index_dir = indexed(original, *copies)
    folded = search(index_dir, "nong thon", facets=True, histogram="month")
    assert (folded.total, len(folded.hits), folded.histogram) == (1, 1, [("2021-03", 1)])
    assert [(f.value, f.count) for f in folded.facets["site"]] == [("stttt", 1)]
    every = search(index_dir, "nong thon", all_copies=True, histogram="month")
    assert (every.total, every.histogram) == (3, [("2021-03", 3)])


# Through the command line: the filters are parsed once, and `export` applies them as `search`.

SITE = SiteConfig(
    key="stttt", name="Sở Thông tin và Truyền thông", family="portalfolder",
    base_url="http://127.0.0.1:8002/", start_urls=("http://127.0.0.1:8002/",),
)  # fmt: skip


@pytest.fixture(scope="module")
def archive_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three indexed articles of site stttt by two authors, in two categories."""
    directory = DataDir.resolve(tmp_path_factory.mktemp("filters") / "data")
    directory.create()
    store = ArchiveStore(open_archive(directory.db_url))
    site_id = store.ensure_site(SITE)
    for number, author, category in ((1, "H.A", "Tin tức"), (2, "Trần Lan", "Tin tức"),
                                     (3, "H.A", "Chuyển đổi số")):  # fmt: skip
        extracted = ExtractedArticle(
            url=f"http://127.0.0.1:8002/stttt/bai-{number}.html", title=f"Hội nghị {number}",
            summary="", body="Hội nghị về thông tin.", updated=None, author=author,
            category=category, language="vi", images=[],
            published=datetime(2021, 1, number, 9, 0, tzinfo=VN),
        )  # fmt: skip
        store.save_article(site_id, extracted, None)
    with store.archive.sessions() as session:
        ArticleIndex(directory.index_dir).add(session.scalars(select(Article)).all())
    return directory.root


def exported_titles(data: Path, *args: str) -> list[str]:
    result = run_cli(data, "export", *args)
    assert result.returncode == 0, result.stderr
    return sorted(json.loads(line)["title"] for line in result.stdout.splitlines())


def test_export_filters_by_author_and_category_with_and_without_a_query(
    archive_data: Path,
) -> None:
    assert exported_titles(archive_data, "--query", "hoi nghi", "--author", "h.a") == [
        "Hội nghị 1",
        "Hội nghị 3",
    ]
    assert exported_titles(archive_data, "--category", "tin tuc", "--author", "Lan") == [
        "Hội nghị 2"
    ]
    assert exported_titles(archive_data, "--site", "stttt", "--to", "2021-01-02") == [
        "Hội nghị 1",
        "Hội nghị 2",
    ]


def test_search_and_export_select_the_same_articles(archive_data: Path) -> None:
    filters = ("--category", "Tin tức", "--from", "2021-01-02")
    searched = run_cli(archive_data, "search", "hoi nghi", *filters, "--json")
    titles = sorted(hit["title"] for hit in json.loads(searched.stdout)["hits"])
    assert titles == exported_titles(archive_data, "--query", "hoi nghi", *filters)
    assert titles == ["Hội nghị 2"]


@pytest.fixture
def attaching(indexed: Indexed) -> Path:
    pdf, docx = FakeAttachment("application/pdf"), FakeAttachment(DOCX)
    return indexed(
        FakeArticle(1, "kế hoạch", attachments=(pdf,)),
        FakeArticle(2, "kế hoạch", attachments=(pdf, FakeAttachment(DOCX))),
        FakeArticle(3, "kế hoạch", attachments=(docx,), language="en"),
        FakeArticle(4, "kế hoạch"),
        FakeArticle(5, "kế hoạch", attachments=(FakeAttachment(None),)),
    )


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_language_and_document_filters(attaching: Path) -> None:
    def found(**filters: object) -> list[str]:
        return sorted(ids(search(attaching, "ke hoach", filters=SearchFilters(**filters))))

    assert found(language="en") == ["3"]
    assert found(language="vi") == ["1", "2", "4", "5"]
    assert found(has_documents=True) == ["1", "2", "3", "5"]
    assert found(has_documents=False) == ["4"]
    assert found(document_type="pdf") == ["1", "2"]
    assert found(document_type="DOCX") == ["2", "3"]
    assert found(document_type="other") == ["5"]
    assert found(document_type="pdf", language="en") == []
    assert found(document_type="xls") == []


def test_language_and_document_facets(attaching: Path) -> None:
    facets = search(attaching, "ke hoach", facets=True).facets
    assert [(f.value, f.count) for f in facets["language"]] == [("vi", 4), ("en", 1)]
    assert [(f.value, f.count) for f in facets["document_type"]] == [
        ("docx", 2), ("pdf", 2), ("other", 1)
    ]  # fmt: skip


def test_without_a_query_every_article_the_filters_let_through(meetings: Path) -> None:
    everything = search(meetings, None, sort="newest", facets=True)
    assert (everything.total, ids(everything)) == (4, ["4", "2", "1", "3"])
    assert [(f.value, f.count) for f in everything.facets["site"]] == [
        ("stttt", 2), ("sgd", 1), ("syte", 1)
    ]  # fmt: skip
    one_site = search(meetings, None, filters=SearchFilters(sites=("stttt",)))
    assert sorted(ids(one_site)) == ["1", "3"]
    assert search(meetings, None, filters=SearchFilters(date_from=date(2030, 1, 1))).total == 0
