from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from archive.models import Article, Site
from portal_archive.cli.maintenance import PROGRESS_EVERY_SECONDS, IndexingProgress
from search.errors import IndexLockedError
from search.indexer import ArticleIndex
from search.query import search

from .fakes import VN, FakeArticle


def test_creates_the_index_directory(tmp_path: Path) -> None:
    index = ArticleIndex(tmp_path / "data" / "index")
    assert (tmp_path / "data" / "index").is_dir()
    assert index.doc_count() == 0


def test_re_adding_an_article_updates_it_instead_of_duplicating(index_dir: Path) -> None:
    index = ArticleIndex(index_dir)
    index.add([FakeArticle(1, "bản cũ", content_hash="old")])
    index.add([FakeArticle(1, "bản mới", content_hash="new")])

    assert index.doc_count() == 1
    assert index.indexed_hashes() == {"1": "new"}
    assert search(index_dir, "moi").total == 1
    assert search(index_dir, "cu").total == 0


def test_the_same_id_twice_in_one_batch_keeps_the_last(index_dir: Path) -> None:
    index = ArticleIndex(index_dir)
    written = index.add([FakeArticle(7, "một", content_hash="a"), FakeArticle(7, "hai")])
    assert written == 1
    assert index.indexed_hashes() == {"7": "hash"}


def test_delete_removes_only_the_given_articles(index_dir: Path) -> None:
    index = ArticleIndex(index_dir)
    index.add([FakeArticle(1, "một"), FakeArticle(2, "hai"), FakeArticle(3, "ba")])
    assert index.delete([1, "3", 99]) == 2
    assert index.indexed_ids() == {"2"}


def test_rebuild_replaces_everything(index_dir: Path) -> None:
    index = ArticleIndex(index_dir)
    index.add([FakeArticle(1, "cũ"), FakeArticle(2, "cũ")])
    assert index.rebuild([FakeArticle(3, "mới"), FakeArticle(4, "mới")]) == 2
    assert index.indexed_ids() == {"3", "4"}


def test_a_failed_rebuild_leaves_the_old_index(index_dir: Path) -> None:
    index = ArticleIndex(index_dir)
    index.add([FakeArticle(1, "cũ")])

    def articles_then_crash():
        yield FakeArticle(2, "mới")
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        index.rebuild(articles_then_crash())
    assert index.indexed_ids() == {"1"}


def test_optimize_keeps_every_document(index_dir: Path) -> None:
    index = ArticleIndex(index_dir)
    for article_id in range(5):
        index.add([FakeArticle(article_id, "bài")])
    index.optimize()
    assert index.doc_count() == 5
    assert search(index_dir, "bài").total == 5


def test_a_second_writer_gets_a_clear_error(index_dir: Path) -> None:
    index = ArticleIndex(index_dir, lock_timeout=0.1)
    other_writer = whoosh_index.open_dir(index_dir).writer()
    try:
        with pytest.raises(IndexLockedError, match="locked by another writer"):
            index.add([FakeArticle(1, "bài")])
    finally:
        other_writer.cancel()


def test_naive_published_time_is_rejected(index_dir: Path) -> None:
    with pytest.raises(ValueError, match="naive"):
        ArticleIndex(index_dir).add([FakeArticle(1, "bài", published=datetime(2020, 1, 1))])


def test_summary_is_searchable_even_when_the_body_lacks_it(index_dir: Path) -> None:
    article = FakeArticle(1, "Nội dung chính.", summary="Sapo về chuyển đổi số.")
    ArticleIndex(index_dir).add([article])
    assert search(index_dir, "chuyen doi so").total == 1


def test_published_times_are_stored_as_utc(index_dir: Path) -> None:
    published = datetime(2020, 12, 25, 9, 4, tzinfo=VN)
    ArticleIndex(index_dir).add([FakeArticle(1, "bài", published=published)])
    [hit] = search(index_dir, "bài").hits
    assert hit.published == published
    assert hit.published.utcoffset() == VN.utcoffset(None)


def test_the_archive_article_model_can_be_indexed(index_dir: Path) -> None:
    site = Site(key="stttt.hatinh", name="Sở TT&TT", base_url="https://stttt.hatinh.gov.vn/")
    article = Article(
        id=42,
        site=site,
        url="https://stttt.hatinh.gov.vn/tin/1",
        title="Dấu ấn",
        body="Thông tin",
        content_hash="abc",
        published=datetime(2020, 12, 25, 9, 4, tzinfo=VN),
    )
    ArticleIndex(index_dir).add([article])
    [hit] = search(index_dir, "dau an").hits
    assert (hit.article_id, hit.site) == ("42", "stttt.hatinh")


def test_rebuild_reports_its_progress_article_by_article(index_dir: Path) -> None:
    counts: list[int] = []
    ArticleIndex(index_dir).rebuild([FakeArticle(1, "một"), FakeArticle(2, "hai")], counts.append)
    assert counts == [1, 2]


def test_the_indexing_progress_line_comes_every_few_seconds_with_a_speed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    now = [100.0]
    progress = IndexingProgress(total=1000, clock=lambda: now[0])
    for count, moment in ((10, 101.0), (50, 100.0 + PROGRESS_EVERY_SECONDS), (60, 106.0)):
        now[0] = moment
        progress(count)
    assert capsys.readouterr().err == "indexed 50 of 1000 articles (10 articles/s)\n"


def test_the_summary_is_indexed_with_the_body_and_not_stored_twice(index_dir: Path) -> None:
    ArticleIndex(index_dir).add([FakeArticle(1, "Nội dung chính.", summary="Sapo riêng.")])
    with whoosh_index.open_dir(index_dir).searcher() as searcher:
        stored = searcher.stored_fields(0)
    assert "summary" not in stored
    assert stored["body"].startswith("Sapo riêng.")
