"""Portals nobody wrote a profile for: the whole testbed crawled with profiles switched off,
and sites given only by a start URL, their family detected from the first page."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from statistics import mean

import pytest
from sqlalchemy import select

from archive.db import open_archive, sqlite_url
from archive.models import Article, Capture, Site
from archive.urls import canonical_url
from bench.scoring import token_f1
from testbed import Testbed as Replica
from tests.helpers import run_cli

pytestmark = pytest.mark.e2e

# Targets with profiles off (the generic profile on every site).
MIN_FOUND = MIN_TITLE = MIN_DATE = 0.97
MIN_BODY_F1 = 0.95


@dataclass
class Crawl:
    data: Path
    gold: list[dict[str, object]]
    result: subprocess.CompletedProcess[str]

    def articles(self) -> dict[str, Article]:
        with open_archive(sqlite_url(self.data / "archive.sqlite3")).sessions() as session:
            return {article.url: article for article in session.scalars(select(Article))}

    def captured_urls(self) -> list[str]:
        with open_archive(sqlite_url(self.data / "archive.sqlite3")).sessions() as session:
            return list(session.scalars(select(Capture.url)))

    def families(self) -> dict[str, str]:
        with open_archive(sqlite_url(self.data / "archive.sqlite3")).sessions() as session:
            return {site.key: site.family for site in session.scalars(select(Site))}


@pytest.fixture(scope="module")
def crawls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Crawl]]:
    workdir = tmp_path_factory.mktemp("no-profiles")
    config = workdir / "sites.toml"
    # Another seed than the other end-to-end tests: the targets must not depend on one portal.
    with Replica(articles=300, seed=3) as testbed:
        testbed.write_sites(config)
        gold = testbed.gold()
        generic = run_cli(
            workdir / "generic", "crawl", "--config", config, "--delay", "0", "--no-profiles"
        )
        adhoc_sites = ("stnmt", "nongthonmoi", "hatinh")
        start_urls = [testbed.site(key).start_url for key in adhoc_sites]
        adhoc = run_cli(workdir / "adhoc", "crawl", *start_urls, "--delay", "0")
    adhoc_gold = [record for record in gold if record["site"] in adhoc_sites]
    yield {
        "generic": Crawl(workdir / "generic", gold, generic),
        "adhoc": Crawl(workdir / "adhoc", adhoc_gold, adhoc),
    }


def test_no_listing_print_or_savefile_page_is_stored(crawls: dict[str, Crawl]) -> None:
    crawl = crawls["generic"]
    assert crawl.result.returncode == 0, crawl.result.stderr
    gold_urls = {canonical_url(record["url"]) for record in crawl.gold}
    archived = set(crawl.articles())
    assert archived <= gold_urls, sorted(archived - gold_urls)[:5]
    assert len(archived) >= MIN_FOUND * len(gold_urls)


def test_generic_extraction_meets_its_targets(crawls: dict[str, Crawl]) -> None:
    crawl = crawls["generic"]
    articles = crawl.articles()
    pairs = [
        (articles[url], record)
        for record in crawl.gold
        if (url := canonical_url(record["url"])) in articles
    ]
    assert mean(token_f1(article.body, record["body"]) for article, record in pairs) >= MIN_BODY_F1
    titles = [article.title == record["title"] for article, record in pairs]
    dates = [
        article.published == datetime.fromisoformat(record["published"])
        for article, record in pairs
    ]
    assert sum(titles) >= MIN_TITLE * len(pairs)
    assert sum(dates) >= MIN_DATE * len(pairs)
    assert {article.profile for article, _ in pairs} == {"generic"}


def test_sitemaps_and_feeds_are_read(crawls: dict[str, Crawl]) -> None:
    captured = crawls["generic"].captured_urls()
    assert any(url.endswith("/sitemap.xml") for url in captured)
    assert any("/rss/" in url for url in captured)
    assert any(url.endswith("/rss") and "/-/asset_publisher/" in url for url in captured)


def test_start_urls_alone_crawl_with_the_detected_family(crawls: dict[str, Crawl]) -> None:
    crawl = crawls["adhoc"]
    assert crawl.result.returncode == 0, crawl.result.stderr
    assert sorted(crawl.families().values()) == ["liferay", "nukeviet", "tandan"]
    articles = crawl.articles()
    for record in crawl.gold:
        article = articles[canonical_url(record["url"])]
        assert (article.title, article.author) == (record["title"], record["author"])
        assert article.body == record["body"]
