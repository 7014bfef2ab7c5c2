"""Incremental crawls: after a full crawl, only new and changed articles are fetched."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from archive.models import Article, ArticleVersion, Capture
from archive.profiles import get_profile
from archive.sites import load_sites
from archive.urls import canonical_url
from testbed import Testbed as Replica
from testbed import free_port_base
from tests.crawler.archived import CrawledArchive, Database, crawl

pytestmark = pytest.mark.e2e
SEED = 4
NEW_ARTICLES = 6
# Enough for listings of several pages, so paging has somewhere to stop.
ARTICLES = 600


@dataclass
class Crawls:
    archive: CrawledArchive
    gold_before: list[dict[str, object]]
    gold_after: list[dict[str, object]]
    edited: set[str]  # canonical URLs of the articles the later revision edited
    outputs: list[str]  # stdout of the full, the unchanged and the later crawl


def _later_day(gold: list[dict[str, object]]) -> date:
    """A day such that the newest NEW_ARTICLES articles were published after it."""
    published = sorted(datetime.fromisoformat(str(g["published"])) for g in gold)
    return published[-NEW_ARTICLES - 1].date()


@pytest.fixture(scope="module")
def crawls(tmp_path_factory: pytest.TempPathFactory, database: Database) -> Iterator[Crawls]:
    data = tmp_path_factory.mktemp("incremental") / "data"
    port_base = free_port_base()
    with Replica(articles=ARTICLES, seed=SEED) as everything:
        today = max(datetime.fromisoformat(str(g["published"])) for g in everything.gold()).date()
        before = _later_day(everything.gold())
    outputs = []
    with Replica(articles=ARTICLES, seed=SEED, port_base=port_base, as_of=before) as testbed:
        gold_before = testbed.gold()
        outputs.append(crawl(testbed, data, database=database).stdout)
        outputs.append(crawl(testbed, data, database=database).stdout)
    with Replica(
        articles=ARTICLES, seed=SEED, port_base=port_base, as_of=today, revision=2
    ) as testbed:
        gold_after = testbed.gold()
        edited = {canonical_url(url) for url in testbed.edited_urls()}
        outputs.append(crawl(testbed, data, database=database).stdout)
    archive = CrawledArchive(data, data.parent / "sites.toml", [], database)
    yield Crawls(archive, gold_before, gold_after, edited, outputs)


def _run_captures(archived: CrawledArchive, run_id: int) -> list[Capture]:
    with archived.archive.sessions() as session:
        return list(session.scalars(select(Capture).where(Capture.run_id == run_id)))


def _report(archived: CrawledArchive, run_id: int) -> dict[str, object]:
    result = archived.cli("report", str(run_id), "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_first_crawl_is_full_and_the_next_incremental(crawls: Crawls) -> None:
    modes = [_report(crawls.archive, run)["mode"] for run in (1, 2, 3)]
    assert modes == ["full", "incremental", "incremental"]
    assert " full " in crawls.outputs[0] and " incremental " in crawls.outputs[1]


def test_an_unchanged_portal_costs_no_article_fetch(crawls: Crawls) -> None:
    full, unchanged = _run_captures(crawls.archive, 1), _run_captures(crawls.archive, 2)
    article_urls = {canonical_url(str(g["url"])) for g in crawls.gold_before}
    refetched = [c.url for c in unchanged if canonical_url(c.url) in article_urls]
    assert refetched == []
    assert len(unchanged) < len(full) / 3, (len(unchanged), len(full))
    totals = _report(crawls.archive, 2)["totals"]
    assert (totals["articles_new"], totals["articles_updated"]) == (0, 0)


def test_listings_stop_paging_once_they_show_only_known_articles(crawls: Crawls) -> None:
    """Each listing is read to at most its second page (the default margin of one page)."""
    unchanged = _run_captures(crawls.archive, 2)
    profiles = {key: get_profile(family) for key, family in _families(crawls).items()}
    listing_pages = [
        c.url for c in unchanged if any(p.is_listing_url(c.url) for p in profiles.values())
    ]
    full_listing_pages = [
        c.url
        for c in _run_captures(crawls.archive, 1)
        if any(p.is_listing_url(c.url) for p in profiles.values())
    ]
    assert 0 < len(listing_pages) < 0.7 * len(full_listing_pages)


def _families(crawls: Crawls) -> dict[str, str]:
    return {site.key: site.family for site in load_sites(crawls.archive.config).values()}


def test_a_later_crawl_finds_every_new_article_and_every_edit(crawls: Crawls) -> None:
    archived = crawls.archive.articles()
    before = {canonical_url(str(g["url"])) for g in crawls.gold_before}
    after = {canonical_url(str(g["url"])) for g in crawls.gold_after}
    new = after - before
    assert len(new) >= NEW_ARTICLES
    assert new <= set(archived)
    assert crawls.edited, "revision 2 edits articles"
    with crawls.archive.archive.sessions() as session:
        versions = session.execute(select(Article.url, ArticleVersion.id).join(ArticleVersion))
        counts: dict[str, int] = {}
        for url, _ in versions:
            counts[url] = counts.get(url, 0) + 1
    # An article published and edited since the last crawl is new, with its edited text.
    edited_known = crawls.edited & before
    assert {url for url in edited_known if counts.get(url, 0) < 2} == set()
    totals = _report(crawls.archive, 3)["totals"]
    assert totals["articles_new"] == len(new)
    assert totals["articles_updated"] == len(edited_known)


def test_full_forces_a_full_crawl(crawls: Crawls, tmp_path: Path) -> None:
    port_base = free_port_base()
    data = tmp_path / "data"
    with Replica(articles=40, seed=2, port_base=port_base) as testbed:
        crawl(testbed, data)
        again = crawl(testbed, data, "--full")
    assert " full " in again.stdout
    assert _report(CrawledArchive(data, tmp_path / "sites.toml", []), 2)["mode"] == "full"


def test_a_stale_full_crawl_makes_the_next_one_full(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Replica(articles=40, seed=2, port_base=free_port_base()) as testbed:
        crawl(testbed, data)
        again = crawl(testbed, data, "-s", "PORTAL_FULL_RECRAWL_DAYS=0.000001")
    assert " full " in again.stdout


def test_a_known_article_is_revalidated_with_its_validators(crawls: Crawls) -> None:
    """Edited articles were asked for with If-None-Match, so the server could answer 304."""
    asked: dict[str, str | None] = {}
    for path in sorted(crawls.archive.warc_dir.glob("portal-archive-000003-*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "request":
                    url = canonical_url(record.rec_headers.get_header("WARC-Target-URI"))
                    asked[url] = record.http_headers.get_header("If-None-Match")
    before = {canonical_url(str(g["url"])) for g in crawls.gold_before}
    edited_known = crawls.edited & before
    assert edited_known <= set(asked)
    assert all(asked[url] for url in edited_known)
