"""The whole pipeline on the default testbed: crawl, archive, index, search, crawl again."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from archive.db import open_archive
from archive.models import Article, Capture
from archive.sites import load_sites
from archive.urls import canonical_url
from bench.scoring import token_f1
from search.analysis import fold
from search.filters import SearchFilters
from search.query import search
from testbed import Testbed as Replica
from tests.crawler.archived import Database
from tests.helpers import run_cli

pytestmark = pytest.mark.e2e

SEED_TITLE = "Dấu ấn ngành thông tin và truyền thông Hà Tĩnh năm 2020"


@dataclass
class Crawled:
    data: Path
    config: Path
    gold: list[dict[str, str]]
    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]
    database: Database

    def articles(self) -> dict[str, Article]:
        archive = open_archive(self.database.url_of(self.data))
        with archive.sessions() as session:
            return {article.url: article for article in session.scalars(select(Article))}

    def captures(self) -> list[Capture]:
        archive = open_archive(self.database.url_of(self.data))
        with archive.sessions() as session:
            return list(session.scalars(select(Capture)))

    def cli(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        return run_cli(self.data, *self.database.options, *args)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory, database: Database) -> Iterator[Crawled]:
    workdir = tmp_path_factory.mktemp("e2e")
    data, config = workdir / "data", workdir / "sites.toml"
    crawl = (*database.options, "crawl", "--config", config, "--delay", "0")
    with Replica(articles=300, seed=1) as testbed:
        testbed.write_sites(config)
        gold = testbed.gold()
        first = run_cli(data, *crawl)
        second = run_cli(data, *crawl, "--full")
    yield Crawled(data, config, gold, first, second, database)


def test_crawl_succeeds_and_summarises(crawled: Crawled) -> None:
    assert crawled.first.returncode == 0, crawled.first.stderr
    assert f"{len(crawled.gold)} new" in crawled.first.stdout.splitlines()[-1]
    assert "Traceback" not in crawled.first.stderr


def test_every_gold_article_is_archived_once_with_exact_fields(crawled: Crawled) -> None:
    articles = crawled.articles()
    assert len(articles) == len(crawled.gold)
    for gold in crawled.gold:
        article = articles[canonical_url(gold["url"])]
        assert article.site_key == gold["site"]
        assert article.title == gold["title"]
        assert article.published == datetime.fromisoformat(gold["published"])
        assert article.author == gold["author"]
        assert article.category == gold["category"]
        assert article.missing == ""


def test_bodies_match_the_gold(crawled: Crawled) -> None:
    articles = crawled.articles()
    scores = [
        token_f1(articles[canonical_url(gold["url"])].body, gold["body"]) for gold in crawled.gold
    ]
    assert min(scores) >= 0.98
    assert sum(scores) / len(scores) >= 0.995


def test_recrawl_adds_nothing(crawled: Crawled) -> None:
    assert crawled.second.returncode == 0, crawled.second.stderr
    total = crawled.second.stdout.splitlines()[-1]
    assert " 0 new" in total
    assert " 0 updated" in total
    assert f"{len(crawled.gold)} unchanged" in total
    assert len(crawled.articles()) == len(crawled.gold)


def test_crawl_stays_on_configured_hosts_and_obeys_robots(crawled: Crawled) -> None:
    allowed = {site.netloc for site in load_sites(crawled.config).values()}
    captures = crawled.captures()
    assert {urlsplit(capture.url).netloc for capture in captures} <= allowed
    disallowed = ("/portal/search", "Tim-kiem.aspx", "/admin/")
    assert not [c.url for c in captures if any(part in c.url for part in disallowed)]


def test_every_article_is_found_by_its_unaccented_title(crawled: Crawled) -> None:
    index_dir = crawled.data / "index"
    for gold in crawled.gold:
        # Republished copies (testbed `duplicate_of`) are hits of their own only with all_copies.
        query = f'"{fold(gold["title"])}"'
        only_its_site = SearchFilters(sites=(gold["site"],))
        hits = search(index_dir, query, filters=only_its_site, limit=3, all_copies=True).hits
        assert canonical_url(gold["url"]) in [hit.url for hit in hits], gold["title"]


def test_seed_article_is_first_for_the_demo_query(crawled: Crawled) -> None:
    result = crawled.cli("search", "dau an nganh thong tin", "--json")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)["hits"]
    assert hits[0]["title"] == SEED_TITLE
    assert hits[0]["published"] == "2020-12-25T09:04:00+07:00"
    assert hits[0]["author"] == "H.A"
    assert set(hits[0]) >= {"url", "site", "title", "published", "author", "score", "snippet"}


def test_stats_and_export_cover_the_archive(crawled: Crawled) -> None:
    stats = json.loads(crawled.cli("stats", "--json").stdout)
    assert stats["articles"] == len(crawled.gold)
    assert stats["last_crawl"]["status"] == "finished"
    exported = crawled.cli("export", "--format", "jsonl").stdout.splitlines()
    records = {record["url"]: record for record in map(json.loads, exported)}
    seed = next(record for record in records.values() if record["title"] == SEED_TITLE)
    assert seed["published"] == "2020-12-25T09:04:00+07:00"
    assert len(records) == len(crawled.gold)


def test_crawls_lists_both_runs(crawled: Crawled) -> None:
    runs = json.loads(crawled.cli("crawls", "--json").stdout)
    assert [(run["id"], run["status"]) for run in runs] == [(1, "finished"), (2, "finished")]
    assert runs[0]["articles_new"] == len(crawled.gold)
    assert runs[1]["articles_unchanged"] == len(crawled.gold)
    assert runs[1]["articles_new"] == 0
    header, *lines = crawled.cli("crawls").stdout.splitlines()
    assert header.split()[5:9] == ["PAGES", "NEW", "UPDATED", "UNCHANGED"]
    assert [line.split()[6:9] for line in lines] == [
        [str(len(crawled.gold)), "0", "0"],
        ["0", "0", str(len(crawled.gold))],
    ]


def test_report_gives_each_site_and_the_totals(crawled: Crawled) -> None:
    report = json.loads(crawled.cli("report", "2", "--json").stdout)
    sites = report["sites"]
    assert set(sites) == set(load_sites(crawled.config))
    totals = report["totals"]
    assert totals["articles_unchanged"] == len(crawled.gold)
    assert totals["pages_fetched"] == sum(site["pages_fetched"] for site in sites.values())
    for site in sites.values():
        assert site["bytes"] > 0
        assert site["duration_s"] > 0
        assert site["pages_per_s"] == pytest.approx(
            site["pages_fetched"] / site["duration_s"], 0.01
        )
    assert totals["bytes"] == sum(site["bytes"] for site in sites.values())
    # Every gold article has all its fields, and the re-crawl archived each one again.
    assert totals["articles_without"] == {"title": 0, "published": 0, "author": 0, "body": 0}
    assert totals["pages_per_s"] > 0
    text = crawled.cli("report", "2").stdout.splitlines()
    assert text[0].startswith("crawl 2 (finished), full, started ")
    assert len(text) == 2 + len(sites)
    assert text[-1].split()[:2] == ["total", str(totals["pages_fetched"])]


def test_report_of_an_unknown_run_is_one_error_line(crawled: Crawled) -> None:
    result = crawled.cli("report", "99")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: no crawl run 99; `portal-archive crawls` lists them"
    ]
