"""The archive on a real PostgreSQL server: schema, store, searches kept, and the command line.

What PostgreSQL does differently from SQLite (it refuses NUL characters and strings longer
than their column, bounds an index row, counts inserted rows only when asked) is checked on
both, so the two keep the same things.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select

from archive.db import FIRST_REVISION, Archive, sqlite_url
from archive.doctext import DocumentText, TextStatus
from archive.export import iter_article_records
from archive.models import MAX_INDEXED_TEXT_CHARS, Article, Base, Capture, Document
from archive.store import ArchiveStore, CaptureRecord, SaveStatus
from search.filters import SearchFilters
from search.indexer import ArticleIndex
from search.watches import check_watches, current_matches, save_watch
from tests.archive.test_export_import import _article, _site
from tests.archive.test_store import SITE, extracted
from tests.helpers import run_cli

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_store(postgres_url: str) -> ArchiveStore:
    """A store over a new PostgreSQL archive, its schema made by the migrations."""
    archive = Archive(postgres_url)
    archive.create_schema()
    return ArchiveStore(archive)


@pytest.fixture
def any_store(any_database_url: str) -> Iterator[ArchiveStore]:
    """A store over a new archive on each backend in turn."""
    archive = Archive(any_database_url)
    archive.create_schema()
    yield ArchiveStore(archive)
    archive.engine.dispose()


def test_the_migrations_build_exactly_the_models(pg_store: ArchiveStore) -> None:
    with pg_store.archive.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_downgrade_to_the_first_schema_and_up_again(pg_store: ArchiveStore) -> None:
    archive = pg_store.archive
    archive.downgrade(FIRST_REVISION)
    assert "body_hash" not in {
        column["name"] for column in inspect(archive.engine).get_columns("article")
    }
    archive.create_schema()
    assert "body_hash" in {
        column["name"] for column in inspect(archive.engine).get_columns("article")
    }


def test_an_article_keeps_its_text_its_utc_time_and_its_versions(pg_store: ArchiveStore) -> None:
    site_id = pg_store.ensure_site(SITE)
    first = pg_store.save_article(site_id, extracted(), capture_id=None)
    again = pg_store.save_article(site_id, extracted(), capture_id=None)
    changed = pg_store.save_article(site_id, extracted(body="Đoạn một đã sửa."), capture_id=None)
    assert [first.status, again.status, changed.status] == [
        SaveStatus.NEW,
        SaveStatus.UNCHANGED,
        SaveStatus.UPDATED,
    ]
    with pg_store.archive.sessions() as session:
        article = session.get_one(Article, first.article_id)
        assert article.published == datetime(2020, 12, 25, 2, 4, tzinfo=UTC)
        assert article.title == extracted().title
        assert [version.body for version in article.versions] == [
            extracted().body,
            "Đoạn một đã sửa.",
        ]
        assert [image.caption for image in article.images] == ["Ảnh"]


def test_copies_are_grouped_by_their_simhash(pg_store: ArchiveStore) -> None:
    # A SimHash is a signed 64-bit BIGINT and its bands are looked up by index.
    body = " ".join(f"Câu số {n} về chuyển đổi số ở Hà Tĩnh." for n in range(30))
    site_id = pg_store.ensure_site(SITE)
    original = pg_store.save_article(site_id, extracted(body=body), None)
    copy = dataclasses.replace(extracted(body=body + " Thêm."), url="http://127.0.0.1:8002/b.html")
    saved = pg_store.save_article(site_id, copy, None)
    with pg_store.archive.sessions() as session:
        assert session.get_one(Article, saved.article_id).duplicate_of_id == original.article_id


def test_headers_keep_their_json_and_documents_their_text(pg_store: ArchiveStore) -> None:
    headers = {"Content-Type": "text/html; charset=utf-8", "X-Tiêu-Đề": "Hà Tĩnh"}
    url = "http://127.0.0.1:8002/a.pdf"
    record = CaptureRecord(url=url, final_url=url, status=200, headers=headers, body=b"%PDF")
    capture_id = pg_store.record_capture(None, None, record)
    read = DocumentText(text="KẾ HOẠCH số 45", status=TextStatus.TEXT)
    assert pg_store.save_document(url, "application/pdf", 4, read, capture_id).is_new
    assert not pg_store.save_document(url, "application/pdf", 4, read, capture_id).text_changed
    with pg_store.archive.sessions() as session:
        assert session.get_one(Capture, capture_id).headers == headers
        assert session.scalars(select(Document.text)).all() == ["KẾ HOẠCH số 45"]


def test_nul_characters_are_left_out_on_every_backend(any_store: ArchiveStore) -> None:
    site_id = any_store.ensure_site(SITE)
    article = extracted(body="Đoạn\x00 một.")
    saved = any_store.save_article(site_id, dataclasses.replace(article, title="Tin\x00 mới"), None)
    url = "http://127.0.0.1:8002/a.pdf"
    read = DocumentText(text="Trang\x00 một", status=TextStatus.TEXT)
    any_store.save_document(url, "application/pdf", 4, read, None)
    with any_store.archive.sessions() as session:
        stored = session.get_one(Article, saved.article_id)
        assert (stored.title, stored.body) == ("Tin mới", "Đoạn một.")
        assert session.scalars(select(Document.text)).all() == ["Trang một"]


def test_values_longer_than_their_column_keep_its_length_on_every_backend(
    any_store: ArchiveStore,
) -> None:
    site_id = any_store.ensure_site(SITE)
    # Over 2704 bytes, what PostgreSQL's index on titles takes in one row.
    title = "Tiêu đề rất dài của một trang hỏng " * 100
    long = dataclasses.replace(extracted(), title=title, author="H.A " * 100, category="Tin " * 100)
    saved = any_store.save_article(site_id, long, None)
    url = "http://127.0.0.1:8002/a.html"
    content_type = "text/html; " + "x" * 300
    headers = {"Content-Type": content_type}
    record = CaptureRecord(url=url, final_url=url, status=200, headers=headers, body=b"")
    capture_id = any_store.record_capture(None, None, record)
    with any_store.archive.sessions() as session:
        stored = session.get_one(Article, saved.article_id)
        assert stored.title == title[:MAX_INDEXED_TEXT_CHARS]
        assert (stored.author, stored.category) == (long.author[:300], long.category[:300])
        assert session.get_one(Capture, capture_id).content_type == content_type[:200]
    # The same page again is the same article, unchanged.
    assert any_store.save_article(site_id, long, None).status is SaveStatus.UNCHANGED


def test_a_watch_check_counts_the_matches_it_records(
    pg_store: ArchiveStore, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    site_id = pg_store.ensure_site(SITE)

    def add(number: int) -> None:
        article = dataclasses.replace(
            extracted(body=f"Tin số {number}."), url=f"http://127.0.0.1:8002/{number}.html"
        )
        saved = pg_store.save_article(site_id, article, None)
        with pg_store.archive.sessions() as session:
            ArticleIndex(index_dir).add([session.get_one(Article, saved.article_id)])

    add(0)
    baseline = current_matches(index_dir, "tin", SearchFilters())
    save_watch(pg_store.archive, "tin", "tin", SearchFilters(), False, baseline)
    for number in range(1, 4):
        add(number)
    assert [result.new for result in check_watches(pg_store.archive, index_dir)] == [3]


def test_date_filters_take_whole_days_in_portal_time(pg_store: ArchiveStore) -> None:
    site_id = pg_store.ensure_site(_site("stttt", 8001))
    for day in range(1, 6):
        url = f"http://127.0.0.1:8001/tin/{day}.html"
        article = _article(url, f"Tin {day}", f"Bài {day}.", date(2020, 12, day))
        pg_store.save_article(site_id, article, None)
    filters = SearchFilters(date_from=date(2020, 12, 2), date_to=date(2020, 12, 3))
    # Published at 23:30 in Vietnam: 16:30 UTC, still the same day in portal time.
    titles = [record["title"] for record in iter_article_records(pg_store.archive, filters)]
    assert titles == ["Tin 2", "Tin 3"]


def test_an_export_imported_into_postgresql_exports_the_same(
    postgres_url: str, tmp_path: Path
) -> None:
    sqlite_data = tmp_path / "sqlite"
    store = ArchiveStore(Archive(sqlite_url(tmp_path / "archive.sqlite3")))
    store.archive.create_schema()
    site_id = store.ensure_site(_site("stttt", 8001))
    shared = " ".join(f"Câu {n}: Hà Tĩnh đẩy mạnh chuyển đổi số." for n in range(9))
    for day in range(1, 5):
        url = f"http://127.0.0.1:8001/tin/{day}.html"
        body = shared if day % 2 else f"Bài {day}. Nội dung riêng."
        store.save_article(site_id, _article(url, f"Tin {day}", body, date(2020, 12, day)), None)
    sqlite_db = ["--db", store.archive.url]
    exported = tmp_path / "articles.jsonl"
    assert run_cli(sqlite_data, *sqlite_db, "export", "-o", exported).returncode == 0

    pg_data = tmp_path / "postgresql"
    imported = run_cli(pg_data, "--db", postgres_url, "import", exported)

    assert imported.returncode == 0, imported.stderr
    again = run_cli(pg_data, "--db", postgres_url, "export")
    assert again.stdout == exported.read_text(encoding="utf-8")
    found = run_cli(pg_data, "--db", postgres_url, "search", "noi dung rieng")
    assert found.returncode == 0 and "Tin 2" in found.stdout, found.stderr
    verified = run_cli(pg_data, "--db", postgres_url, "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
