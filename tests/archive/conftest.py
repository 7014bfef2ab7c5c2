"""Fixtures shared by the archive tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.db import Archive, sqlite_url
from archive.store import ArchiveStore


@pytest.fixture
def store(tmp_path: Path) -> ArchiveStore:
    """A store over a new, empty SQLite archive."""
    archive = Archive(sqlite_url(tmp_path / "archive.sqlite3"))
    archive.create_schema()
    return ArchiveStore(archive)
