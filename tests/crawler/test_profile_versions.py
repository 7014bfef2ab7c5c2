"""A crawl reads each page with the family version whose template it uses, and a re-crawl
keeps every article's version."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.request import urlopen

import pytest
from lxml.html import fromstring
from sqlalchemy import func, select

from archive.db import open_archive, sqlite_url
from archive.models import Article, ArticleVersion
from archive.urls import canonical_url
from testbed import Testbed as Replica
from tests.crawler.versioned_cli import PHOTO_TABLE
from tests.helpers import run_cli

pytestmark = pytest.mark.e2e

SITES = ("stttt", "kyanh")  # the testbed's portalfolder sites


@dataclass
class VersionedCrawl:
    data: Path
    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]
    # Each gold article's canonical URL → whether its page uses the V2 template.
    photo_pages: dict[str, bool]

    def profiles(self) -> dict[str, str]:
        with open_archive(sqlite_url(self.data / "archive.sqlite3")).sessions() as session:
            return {article.url: article.profile for article in session.scalars(select(Article))}

    def versions(self) -> int:
        with open_archive(sqlite_url(self.data / "archive.sqlite3")).sessions() as session:
            return session.scalar(select(func.count(ArticleVersion.id)))


def shows_photo(url: str) -> bool:
    with urlopen(url, timeout=30) as response:
        return bool(fromstring(response.read()).xpath(PHOTO_TABLE))


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VersionedCrawl]:
    workdir = tmp_path_factory.mktemp("versions")
    data, config = workdir / "data", workdir / "sites.toml"
    command = ("crawl", "--config", config, "--delay", "0", *SITES)
    with Replica(articles=120, seed=2) as testbed:
        testbed.write_sites(config)
        gold = [record for record in testbed.gold() if record["site"] in SITES]
        photo_pages = {canonical_url(record["url"]): shows_photo(record["url"]) for record in gold}
        first = run_cli(data, *command, module="tests.crawler.versioned_cli")
        second = run_cli(data, *command, "--full", module="tests.crawler.versioned_cli")
    yield VersionedCrawl(data, first, second, photo_pages)


def test_each_page_is_read_by_the_version_of_its_template(crawled: VersionedCrawl) -> None:
    assert crawled.first.returncode == 0, crawled.first.stderr
    expected = {
        url: "portalfolder.V2" if photo else "portalfolder.V1"
        for url, photo in crawled.photo_pages.items()
    }
    # Both templates are met, or the test would prove nothing.
    assert set(expected.values()) == {"portalfolder.V1", "portalfolder.V2"}
    assert crawled.profiles() == expected


def test_a_recrawl_keeps_each_article_and_its_version(crawled: VersionedCrawl) -> None:
    assert crawled.second.returncode == 0, crawled.second.stderr
    total = crawled.second.stdout.splitlines()[-1]
    assert " 0 new" in total
    assert " 0 updated" in total
    assert f"{len(crawled.photo_pages)} unchanged" in total
    assert crawled.versions() == len(crawled.photo_pages)
