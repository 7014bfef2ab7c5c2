"""Articles republished across sub-sites (RSS imports) are grouped under their original."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from archive.urls import canonical_url
from testbed import Testbed as Replica
from tests.crawler.archived import ARTICLES, CrawledArchive, crawl, crawlable_sites

pytestmark = pytest.mark.e2e


@dataclass
class Crawled:
    archive: CrawledArchive
    # Canonical URL of each crawled article → canonical URL of its original, or None.
    expected: dict[str, str | None]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    data = tmp_path_factory.mktemp("duplicates") / "data"
    with Replica(articles=ARTICLES, seed=1) as testbed:
        crawl(testbed, data)
        sites = set(crawlable_sites(testbed))
        gold = [record for record in testbed.gold() if record["site"] in sites]
    expected = {
        canonical_url(str(record["url"])): (
            canonical_url(str(record["duplicate_of"])) if "duplicate_of" in record else None
        )
        for record in gold
    }
    yield Crawled(CrawledArchive(data, data.parent / "sites.toml", sorted(sites)), expected)


def test_every_republished_article_points_at_its_original_and_nothing_else_does(
    crawled: Crawled,
) -> None:
    copies = {url for url, original in crawled.expected.items() if original}
    if not copies:
        pytest.skip("the testbed republishes no article on the crawlable sites")
    assert crawled.archive.originals() == crawled.expected


def test_search_shows_the_original_with_its_copies(crawled: Crawled) -> None:
    groups: dict[str, set[str]] = {}
    for url, original in crawled.expected.items():
        if original:
            groups.setdefault(original, set()).add(url)
    if not groups:
        pytest.skip("the testbed republishes no article on the crawlable sites")
    original, copies = min(groups.items())
    title = crawled.archive.articles()[original].title
    result = crawled.archive.cli("search", f'"{title}"', "--json")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)["hits"]
    assert [hit["url"] for hit in hits].count(original) == 1
    assert not copies & {hit["url"] for hit in hits}
    assert set(next(hit for hit in hits if hit["url"] == original)["copies"]) == copies
    every = json.loads(
        crawled.archive.cli("search", f'"{title}"', "--json", "--all-copies").stdout
    )["hits"]
    assert copies | {original} <= {hit["url"] for hit in every}
