"""Damaged, empty and missing archives: one `Error:` line or an honest report, never a
traceback, and reading commands never create anything."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from archive.db import open_archive, sqlite_url
from archive.store import ArchiveStore
from search.indexer import ArticleIndex
from tests.archive.test_store import SITE, extracted
from tests.helpers import run_cli
from tests.search.test_index_swap import index_with_a_retired_analyzer

ARTICLE_URL = "http://127.0.0.1:8002/a.html"
# Every command that reads the database, with the arguments it needs.
DATABASE_COMMANDS = [
    ("stats",),
    ("verify",),
    ("export",),
    ("crawls",),
    ("sites",),
    ("show", ARTICLE_URL),
    ("history", ARTICLE_URL),
    ("reindex",),
]


@pytest.fixture(scope="module")
def archive_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory holding two indexed articles."""
    root = tmp_path_factory.mktemp("damaged") / "data"
    root.mkdir()
    store = ArchiveStore(open_archive(sqlite_url(root / "archive.sqlite3")))
    site_id = store.ensure_site(SITE)
    store.save_article(site_id, extracted(), None)
    store.save_article(site_id, extracted("Bài thứ hai.", "http://127.0.0.1:8002/b.html"), None)
    assert run_cli(root, "reindex").returncode == 0
    # Everything into the database file, as in a copy of an archive at rest.
    with sqlite3.connect(root / "archive.sqlite3") as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return root


@pytest.fixture
def copy(archive_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(archive_dir, target, ignore=shutil.ignore_patterns("archive.sqlite3-*"))
    return target


def assert_one_error_line(result: subprocess.CompletedProcess[str], starting: str) -> None:
    assert result.returncode == 1, result.stdout
    assert result.stderr.startswith(f"Error: {starting}"), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr


@pytest.mark.parametrize("command", DATABASE_COMMANDS, ids=lambda command: command[0])
def test_a_truncated_database_is_reported_damaged_by_every_command(
    copy: Path, command: tuple[str, ...]
) -> None:
    database = copy / "archive.sqlite3"
    os.truncate(database, database.stat().st_size // 2)
    result = run_cli(copy, *command)
    assert_one_error_line(result, "the archive database is damaged (")
    assert "rebuild" in result.stderr


def test_verify_reports_pages_sqlite_finds_damaged(copy: Path) -> None:
    """Damage in a page no query of the check reads is found by SQLite's own check."""
    database = copy / "archive.sqlite3"
    index_page = _page_of_index(database, "ix_article_content_hash")
    with database.open("r+b") as handle:
        # The page header: its type and cell count.
        handle.seek(index_page * 4096)
        handle.write(b"\xff" * 16)
    result = run_cli(copy, "verify")
    assert result.returncode == 1
    assert result.stdout.startswith("database: sqlite:///"), result.stdout
    assert "see `rebuild`" in result.stdout
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr


def _page_of_index(database: Path, name: str) -> int:
    with sqlite3.connect(database) as connection:
        (root_page,) = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)
        ).fetchone()
        (page_size,) = connection.execute("PRAGMA page_size").fetchone()
    assert page_size == 4096
    return root_page - 1


@pytest.mark.parametrize(
    "damage",
    ["deleted", "never committed"],
)
def test_verify_and_searches_without_an_index_say_so(copy: Path, damage: str) -> None:
    shutil.rmtree(copy / "index")
    if damage == "never committed":
        # What a crawl stopped before its first batch leaves: an index without segments.
        ArticleIndex(copy / "index")
    verified = run_cli(copy, "verify")
    assert verified.returncode == 1
    assert "Traceback" not in verified.stderr
    assert verified.stdout.count("not indexed: ") == 2, verified.stdout
    for command in (("search", "đoạn"), ("export", "--query", "đoạn")):
        result = run_cli(copy, *command)
        assert_one_error_line(result, "")
        assert "search index" in result.stderr
    assert (copy / "index").exists() == (damage == "never committed")


def test_an_empty_archive_verifies_and_its_empty_index_is_no_match(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run_cli(data, "reindex").returncode == 0
    verified = run_cli(data, "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "archive consistent: 0 articles, 0 index entries" in verified.stdout
    result = run_cli(data, "export", "--query", "đoạn")
    assert_one_error_line(result, "the search index in ")


@pytest.mark.parametrize(
    "command",
    [*DATABASE_COMMANDS[:-1], ("search", "đoạn"), ("export", "--query", "đoạn")],
    ids=lambda command: " ".join(command[:2]),
)
def test_reading_a_missing_data_directory_creates_nothing(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    missing = tmp_path / "nowhere"
    result = run_cli(missing, *command)
    assert_one_error_line(result, "no ")
    assert not missing.exists()


def test_reindex_reports_its_speed(copy: Path) -> None:
    result = run_cli(copy, "reindex")
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(
        r"2 articles indexed in \S+ in \d+\.\d s \(\d+ articles/s\)\n", result.stdout
    ), result.stdout


def test_verify_finds_an_article_indexed_twice_and_reindex_repairs_it(copy: Path) -> None:
    index = whoosh_index.open_dir(copy / "index")
    with index.searcher() as searcher:
        first = searcher.stored_fields(0)
    writer = index.writer()
    writer.add_document(**first)
    writer.commit()

    verified = run_cli(copy, "verify")
    assert verified.returncode == 1
    assert f"duplicate index entry: article id {first['article_id']}: indexed 2 times" in (
        verified.stdout
    )
    assert "3 index entries" in verified.stderr
    assert run_cli(copy, "reindex").returncode == 0
    assert run_cli(copy, "verify").returncode == 0


def test_an_index_of_another_version_asks_for_reindex_which_replaces_it(
    copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.rmtree(copy / "index")
    index_with_a_retired_analyzer(copy / "index", monkeypatch)
    for command in (("verify",), ("search", "đoạn")):
        result = run_cli(copy, *command)
        assert_one_error_line(result, "the search index in ")
        assert result.stderr.rstrip().endswith("run reindex"), result.stderr
    assert run_cli(copy, "reindex").returncode == 0
    assert run_cli(copy, "verify").returncode == 0
