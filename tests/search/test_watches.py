"""Saved searches: the baseline recorded when a search is saved, and only new matches after."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from archive.datadir import DataDir
from archive.db import Archive, open_archive
from archive.extract import ExtractedArticle
from archive.models import Article, SavedSearch, SavedSearchMatch
from archive.runs import CrawlRuns
from archive.sites import SiteConfig
from archive.store import ArchiveStore
from search import watches
from search.errors import QueryError
from search.filters import SearchFilters, UnknownSiteError
from search.indexer import ArticleIndex
from search.watches import (
    WatchError,
    check_watches,
    current_matches,
    list_watches,
    remove_watch,
    save_watch,
    watch_matches,
)

VIETNAM = timezone(timedelta(hours=7))
SITES = ("stttt", "sgd")


@dataclass
class SmallArchive:
    """An archive of a few articles on two sites, each indexed as it is added."""

    data: DataDir
    store: ArchiveStore
    site_ids: dict[str, int] = field(default_factory=dict)
    added: int = 0

    @property
    def archive(self) -> Archive:
        return self.store.archive

    @property
    def index_dir(self) -> Path:
        return self.data.index_dir

    def add(self, title: str, site: str = "stttt") -> int:
        self.added += 1
        article = ExtractedArticle(
            url=f"http://127.0.0.1:8002/{site}/tin/{self.added}.html",
            title=title,
            summary=None,
            body=f"{title}. Nội dung bài số {self.added}.",
            published=datetime(2021, 1, self.added, 8, 0, tzinfo=VIETNAM),
            updated=None,
            author=None,
            category=None,
            language="vi",
        )
        article_id = self.store.save_article(self.site_ids[site], article, None).article_id
        with self.archive.sessions() as session:
            ArticleIndex(self.index_dir).add([session.get_one(Article, article_id)])
        return article_id

    def search(self, name: str, query: str | None, filters: SearchFilters | None = None) -> None:
        filters = filters or SearchFilters()
        baseline = current_matches(self.index_dir, query, filters)
        save_watch(self.archive, name, query, filters, False, baseline)

    def match_count(self) -> int:
        with self.archive.sessions() as session:
            return session.scalar(select(func.count(SavedSearchMatch.id))) or 0


@pytest.fixture
def small(tmp_path: Path) -> SmallArchive:
    data = DataDir.resolve(tmp_path / "data")
    data.create()
    store = ArchiveStore(open_archive(data.db_url))
    archived = SmallArchive(data, store)
    for key in SITES:
        archived.site_ids[key] = store.ensure_site(
            SiteConfig(key=key, name=f"Sở {key}", family="portalfolder",
                       base_url="http://127.0.0.1:8002/", start_urls=("http://127.0.0.1:8002/",))
        )  # fmt: skip
    return archived


def test_filters_survive_their_json() -> None:
    filters = SearchFilters(
        sites=("stttt", "sgd"),
        date_from=date(2020, 1, 1),
        date_to=date(2020, 12, 31),
        author="Lê Hoa",
        category="Tin tức",
        language="vi",
        has_documents=False,
        document_type="pdf",
    )
    assert SearchFilters.from_json(filters.to_json()) == filters
    assert filters.to_json()["date_from"] == "2020-01-01"
    assert SearchFilters().to_json() == {}
    assert SearchFilters.from_json({}) == SearchFilters()


def test_a_saved_search_starts_from_what_it_matches_now(small: SmallArchive) -> None:
    first = small.add("Chuyển đổi số tại Hà Tĩnh")
    small.add("Lễ hội mùa xuân")
    small.search("chuyen-doi-so", "chuyen doi so")

    watch, baseline = watch_matches(small.archive, "chuyen-doi-so", limit=10, with_baseline=True)
    assert watch.query == "chuyen doi so"
    assert [(match.article_id, match.in_baseline, match.run_id) for match in baseline] == [
        (first, True, None)
    ]
    assert watch_matches(small.archive, "chuyen-doi-so", limit=10)[1] == []


def test_a_check_records_only_new_matches_with_their_run(small: SmallArchive) -> None:
    small.add("Chuyển đổi số tại Hà Tĩnh")
    small.search("chuyen-doi-so", "chuyen doi so")
    run_id = CrawlRuns(small.archive).start(["stttt"])
    later = [small.add("Chuyển đổi số ở xã"), small.add("Hội thảo chuyển đổi số")]
    small.add("Lễ hội mùa xuân")

    results = check_watches(small.archive, small.index_dir, run_id=run_id)
    assert [(result.name, result.new, result.error) for result in results] == [
        ("chuyen-doi-so", 2, None)
    ]
    _watch, new = watch_matches(small.archive, "chuyen-doi-so", limit=10)
    assert sorted(match.article_id for match in new) == later
    assert {match.run_id for match in new} == {run_id}
    assert not any(match.in_baseline for match in new)

    again = check_watches(small.archive, small.index_dir, run_id=run_id + 1)
    assert [result.new for result in again] == [0]
    assert small.match_count() == 3


def test_the_saved_filters_apply_to_every_check(small: SmallArchive) -> None:
    small.add("Tin ngày 1", site="sgd")
    small.search("sgd-only", None, SearchFilters(sites=("sgd",), date_from=date(2021, 1, 2)))
    kept = small.add("Tin ngày 2", site="sgd")
    small.add("Tin ngày 3", site="stttt")

    check_watches(small.archive, small.index_dir)
    assert [match.article_id for match in watch_matches(small.archive, "sgd-only", limit=9)[1]] == [
        kept
    ]


def test_matches_are_written_in_batches(
    small: SmallArchive, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watches, "INSERT_BATCH", 2)
    small.add("Tin đầu tiên")
    small.search("tin", "tin")
    for number in range(5):
        small.add(f"Tin thứ {number}")
    assert [result.new for result in check_watches(small.archive, small.index_dir)] == [5]
    assert small.match_count() == 6


def test_an_indexed_article_gone_from_the_database_is_not_recorded(small: SmallArchive) -> None:
    small.add("Tin đầu")
    small.search("tin", "tin")
    kept = small.add("Tin còn lại")
    gone = small.add("Tin đã xoá")
    with small.archive.session() as session:
        session.delete(session.get_one(Article, gone))
    check_watches(small.archive, small.index_dir)
    assert [match.article_id for match in watch_matches(small.archive, "tin", limit=9)[1]] == [kept]


def test_a_search_that_cannot_run_does_not_stop_the_others(small: SmallArchive) -> None:
    small.add("Tin ở sở giáo dục", site="sgd")
    small.search("a-sgd", None, SearchFilters(sites=("sgd",)))
    small.search("b-tin", "tin")
    # The index rebuilt without the site, as after a reindex of an archive that lost it.
    shutil.rmtree(small.index_dir)
    small.add("Tin mới", site="stttt")

    results = check_watches(small.archive, small.index_dir)
    assert [(result.name, result.new) for result in results] == [("a-sgd", 0), ("b-tin", 1)]
    assert results[0].error is not None and "unknown site 'sgd'" in results[0].error
    assert results[1].error is None


def test_the_list_counts_matches_and_new_ones(small: SmallArchive) -> None:
    small.add("Tin cũ")
    small.search("tin", "tin")
    small.search("hoi-nghi", "hội nghị")
    small.add("Tin mới")
    check_watches(small.archive, small.index_dir)

    summaries = {summary.watch.name: summary for summary in list_watches(small.archive)}
    assert (summaries["tin"].matches, summaries["tin"].new) == (2, 1)
    assert summaries["tin"].newest is not None and summaries["tin"].newest.tzinfo is not None
    assert (summaries["hoi-nghi"].matches, summaries["hoi-nghi"].newest) == (0, None)
    assert summaries["tin"].watch.checked_at is not None


@pytest.mark.parametrize("name", ["", "có dấu", "a/b", "a.atom", "x" * 65, "a b"])
def test_a_name_must_fit_in_a_feed_url(small: SmallArchive, name: str) -> None:
    with pytest.raises(WatchError, match="letters, digits"):
        save_watch(small.archive, name, "tin", SearchFilters(), False, [])


def test_a_duplicate_name_writes_nothing(small: SmallArchive) -> None:
    first = small.add("Tin một")
    small.search("tin", "tin")
    second = small.add("Tin hai")
    with pytest.raises(WatchError, match="already a saved search named 'tin'"):
        save_watch(small.archive, "tin", "hai", SearchFilters(), False, {second})
    _watch, matches = watch_matches(small.archive, "tin", limit=9, with_baseline=True)
    assert [match.article_id for match in matches] == [first]


def test_a_query_or_filter_search_would_refuse_is_refused(small: SmallArchive) -> None:
    small.add("Tin một")
    with pytest.raises(QueryError, match="empty"):
        current_matches(small.index_dir, "   ", SearchFilters())
    with pytest.raises(QueryError, match="needs a query or at least one filter"):
        current_matches(small.index_dir, None, SearchFilters())
    with pytest.raises(UnknownSiteError):
        current_matches(small.index_dir, "tin", SearchFilters(sites=("nowhere",)))


def test_removing_a_search_removes_its_matches(small: SmallArchive) -> None:
    small.add("Tin một")
    small.search("tin", "tin")
    remove_watch(small.archive, "tin")
    with small.archive.sessions() as session:
        assert session.scalar(select(func.count(SavedSearch.id))) == 0
    assert small.match_count() == 0
    with pytest.raises(WatchError, match="no saved search named 'tin'"):
        remove_watch(small.archive, "tin")
