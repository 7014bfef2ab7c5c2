"""Crawling the testbed into a data directory, for the archival tests (WARC, versions, verify)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from archive.datadir import DataDir
from archive.db import Archive, open_archive
from archive.models import Article, Capture
from archive.profiles import FAMILIES
from testbed import Testbed
from tests.helpers import run_cli

ARTICLES = 150


@dataclass(frozen=True)
class Database:
    """Where crawls archive: the data directory's own SQLite file (``url`` None), or the
    database ``--db URL`` names."""

    url: str | None = None

    @property
    def options(self) -> tuple[str, ...]:
        """What the command line is given, before the command, to use it."""
        return () if self.url is None else ("--db", self.url)

    def url_of(self, data: Path) -> str:
        return DataDir.resolve(data, self.url).db_url


DATA_DIRECTORY_DATABASE = Database()


@dataclass
class CrawledArchive:
    data: Path
    config: Path
    sites: list[str]
    database: Database = DATA_DIRECTORY_DATABASE

    @property
    def archive(self) -> Archive:
        return open_archive(self.database.url_of(self.data))

    @property
    def warc_dir(self) -> Path:
        return self.data / "warc"

    def articles(self) -> dict[str, Article]:
        with self.archive.sessions() as session:
            return {article.url: article for article in session.scalars(select(Article))}

    def originals(self) -> dict[str, str | None]:
        """Each article's URL → the URL of the article it copies, or None."""
        with self.archive.sessions() as session:
            articles = session.scalars(select(Article))
            return {article.url: article.duplicate_of_url for article in articles}

    def captures(self) -> list[Capture]:
        with self.archive.sessions() as session:
            return list(session.scalars(select(Capture).order_by(Capture.id)))

    def cli(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        return run_cli(self.data, *self.database.options, *args)


def crawlable_sites(testbed: Testbed) -> list[str]:
    """The testbed sites whose CMS family the archive has a profile for."""
    return [site.key for site in testbed.sites if site.family in FAMILIES]


def crawl(
    testbed: Testbed, data: Path, *extra: str, database: Database = DATA_DIRECTORY_DATABASE
) -> subprocess.CompletedProcess[str]:
    """One ``portal-archive crawl`` of every crawlable site of ``testbed`` into ``data`` (and
    ``database``)."""
    config = data.parent / "sites.toml"
    testbed.write_sites(config)
    result = run_cli(data, *database.options, "crawl", "--config", config, "--delay", "0",
                     *extra, *crawlable_sites(testbed))  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result
