"""Reading commands open the database read-only and never migrate it; writing ones do."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.db import Archive, head_revision, open_archive, schema_revision, sqlite_url
from archive.store import ArchiveStore
from tests.archive.test_store import SITE, extracted
from tests.helpers import run_cli

ARTICLE_URL = "http://127.0.0.1:8002/a.html"
READING_COMMANDS = [("stats",), ("show", ARTICLE_URL), ("export",), ("verify",)]
OLDER_REVISION = "0003"


@pytest.fixture(scope="module")
def archive_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("read-only") / "data"
    root.mkdir()
    store = ArchiveStore(open_archive(sqlite_url(root / "archive.sqlite3")))
    store.save_article(store.ensure_site(SITE), extracted(), None)
    assert run_cli(root, "reindex").returncode == 0
    with sqlite3.connect(root / "archive.sqlite3") as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return root


def revision_of(database: Path) -> str | None:
    with Archive(sqlite_url(database)).engine.connect() as connection:
        return schema_revision(connection)


def test_reading_an_older_schema_says_to_migrate_and_changes_nothing(tmp_path: Path) -> None:
    database = tmp_path / "archive.sqlite3"
    Archive(sqlite_url(database)).upgrade(OLDER_REVISION)
    before = database.read_bytes()
    for command in READING_COMMANDS:
        result = run_cli(tmp_path, *command)
        assert result.returncode == 1
        assert result.stderr.startswith("Error: the archive "), result.stderr
        assert "run a writing command" in result.stderr
        assert result.stderr.count("\n") == 1
    assert database.read_bytes() == before
    assert revision_of(database) == OLDER_REVISION
    # A writing command migrates it; then it reads.
    assert run_cli(tmp_path, "reindex").returncode == 0
    assert revision_of(database) == head_revision()
    assert run_cli(tmp_path, "stats").stdout.startswith("0 articles")


@pytest.fixture
def read_only_copy(archive_dir: Path, tmp_path: Path) -> Iterator[Path]:
    """A copy of the archive nobody may write: files and directories without write bits."""
    if os.geteuid() == 0:
        pytest.skip("root writes files whatever their permissions: no read-only copy possible")
    copy = tmp_path / "copy"
    shutil.copytree(archive_dir, copy, ignore=shutil.ignore_patterns("archive.sqlite3-*"))
    paths = [*sorted(copy.rglob("*"), reverse=True), copy]
    for path in paths:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    yield copy
    for path in paths:
        path.chmod(path.stat().st_mode | stat.S_IWUSR)


@pytest.mark.parametrize("command", READING_COMMANDS, ids=lambda command: command[0])
def test_reading_commands_open_a_read_only_copy(
    read_only_copy: Path, command: tuple[str, ...]
) -> None:
    before = sorted(read_only_copy.rglob("*"))
    result = run_cli(read_only_copy, *command)
    assert result.returncode == 0, result.stderr
    assert sorted(read_only_copy.rglob("*")) == before


def test_reading_commands_do_not_write_the_database(archive_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(archive_dir, copy, ignore=shutil.ignore_patterns("archive.sqlite3-*"))
    database = copy / "archive.sqlite3"
    # A database in rollback-journal mode: a writing open would switch it to WAL.
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
    before = database.read_bytes()
    for command in READING_COMMANDS:
        assert run_cli(copy, *command).returncode == 0
    assert database.read_bytes() == before
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
