"""The archive a crawl writes to, as named by its settings."""

from __future__ import annotations

from pathlib import Path

from scrapy.settings import BaseSettings

from archive.datadir import DataDir
from archive.db import open_archive
from archive.store import ArchiveStore


def data_dir_from(settings: BaseSettings) -> DataDir:
    root = settings.get("PORTAL_ARCHIVE_DATA")
    data_dir = DataDir.resolve(Path(root) if root else None, settings.get("PORTAL_ARCHIVE_DB"))
    data_dir.create()
    return data_dir


def store_from(settings: BaseSettings) -> ArchiveStore:
    return ArchiveStore(open_archive(data_dir_from(settings).db_url))
