"""Alembic migrations: a database made by the first schema opens with the current code."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from archive.db import (
    FIRST_REVISION,
    Archive,
    open_archive,
    schema_revision,
    sqlite_url,
)
from archive.dedup import body_hash, simhash
from archive.models import Article, Base

BODY = " ".join(f"Câu số {n} về chuyển đổi số tại Hà Tĩnh." for n in range(20))


@pytest.fixture
def first_schema_db(tmp_path: Path) -> str:
    """A database at revision 0001 holding one site, run, capture and article."""
    url = sqlite_url(tmp_path / "archive.sqlite3")
    Archive(url).upgrade(FIRST_REVISION)
    now = datetime(2021, 1, 1, tzinfo=UTC).replace(tzinfo=None)
    statements = [
        "INSERT INTO site (id, key, name, base_url, family, created_at) "
        "VALUES (1, 'stttt', 'Sở TTTT', 'http://127.0.0.1:8002/', 'portalfolder', :now)",
        "INSERT INTO crawl_run (id, sites, mode, status, started_at, pages_fetched, "
        "articles_new, articles_updated, articles_unchanged, errors, site_stats) "
        "VALUES (1, 'stttt', 'full', 'finished', :now, 1, 1, 0, 0, 0, '{}')",
        "INSERT INTO capture (id, run_id, site_id, url, final_url, status, headers, fetched_at, "
        "payload_digest, size) VALUES (1, 1, 1, 'http://127.0.0.1:8002/a.html', "
        "'http://127.0.0.1:8002/a.html', 200, '{}', :now, 'sha1:X', 10)",
        "INSERT INTO article (id, site_id, url, title, body, language, missing, profile, "
        "content_hash, capture_id, first_seen, last_seen) VALUES (1, 1, "
        "'http://127.0.0.1:8002/a.html', 'Tiêu đề', :body, 'vi', '', 'portalfolder.V1', "
        "'abc', 1, :now, :now)",
    ]
    with Archive(url).engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement), {"now": now, "body": BODY})
    return url


def _columns(archive: Archive, table: str) -> set[str]:
    return {column["name"] for column in inspect(archive.engine).get_columns(table)}


def test_opening_a_first_schema_archive_upgrades_it_and_keeps_the_data(
    first_schema_db: str,
) -> None:
    archive = open_archive(first_schema_db)
    with archive.engine.connect() as connection:
        assert schema_revision(connection) != FIRST_REVISION
    assert {"warc_length", "warc_type", "error"} <= _columns(archive, "capture")
    assert {"body_hash", "simhash_band0", "simhash_band3"} <= _columns(archive, "article")
    with archive.sessions() as session:
        article = session.scalars(select(Article)).one()
        assert (article.title, article.site_key, article.capture_id) == ("Tiêu đề", "stttt", 1)
        # Articles from before the upgrade can be grouped with their copies.
        assert (article.body_hash, article.simhash) == (body_hash(BODY), simhash(BODY))
        assert article.simhash_band0 == simhash(BODY) % (1 << 16)


def test_a_database_made_before_alembic_is_taken_for_the_first_schema(
    first_schema_db: str,
) -> None:
    archive = Archive(first_schema_db)
    with archive.engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
    archive.create_schema()
    assert "body_hash" in _columns(archive, "article")
    with archive.sessions() as session:
        assert session.scalars(select(Article.title)).all() == ["Tiêu đề"]


def test_the_migrations_build_exactly_the_models(tmp_path: Path) -> None:
    archive = Archive(sqlite_url(tmp_path / "new.sqlite3"))
    archive.create_schema()
    with archive.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_downgrade_to_the_first_schema_and_up_again(first_schema_db: str) -> None:
    archive = Archive(first_schema_db)
    archive.create_schema()
    archive.downgrade(FIRST_REVISION)
    assert "body_hash" not in _columns(archive, "article")
    archive.create_schema()
    assert "body_hash" in _columns(archive, "article")
