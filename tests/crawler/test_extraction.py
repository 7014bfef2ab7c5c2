"""Pages are extracted in worker processes: the same articles as in the crawl's own process,
errors counted rather than fatal, and the workers gone once the pool is closed."""

from __future__ import annotations

import multiprocessing
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler
from twisted.internet.defer import Deferred, fail
from twisted.python.failure import Failure

from archive.profiles import Family, ProfileNotFound, get_family
from crawler.context import CrawlContext
from crawler.extensions import counters_from_stats
from crawler.extraction import ExtractionPool, PageExtraction, extract_page, sendable_family
from crawler.items import ArticlePage
from crawler.pipelines import ArchivePipeline
from crawler.spiders.portal import PortalSpider
from testbed import Testbed as Replica
from tests.helpers import STTTT, write_sites_config

Page = tuple[str, bytes, str]  # URL, HTML, family name


@pytest.fixture(scope="module")
def pages() -> Iterator[list[Page]]:
    """A page of each testbed site, with the family of its site."""
    with Replica(articles=14, seed=3) as testbed:
        families = {site.key: site.family for site in testbed.sites}
        first_per_site = {record["site"]: record["url"] for record in reversed(testbed.gold())}
        yield [
            (url, urllib.request.urlopen(url).read(), families[site])
            for site, url in first_per_site.items()
        ]


@pytest.fixture
def pool() -> Iterator[ExtractionPool]:
    extraction = ExtractionPool(2)
    yield extraction
    extraction.close()


def test_the_pool_extracts_each_page_as_the_crawl_process_itself_would(
    pool: ExtractionPool, pages: list[Page]
) -> None:
    futures = [pool.submit(html, url, get_family(family)) for url, html, family in pages]
    extracted = [future.result(timeout=60) for future in futures]
    assert extracted == [extract_page(html, url, family) for url, html, family in pages]
    assert all(extraction.article.title for extraction in extracted)


def test_an_extraction_error_comes_back_from_the_worker_as_it_was_raised(
    pool: ExtractionPool, pages: list[Page]
) -> None:
    url, html, _family = pages[0]
    error = pool.submit(html, url, "no-such-family").exception(timeout=60)
    assert isinstance(error, ProfileNotFound)
    # The worker that raised it goes on working.
    assert pool.submit(html, url, "generic").result(timeout=60).article.url == url


def test_closing_the_pool_stops_its_workers(pool: ExtractionPool, pages: list[Page]) -> None:
    url, html, family = pages[0]
    pool.submit(html, url, family).result(timeout=60)
    assert len(multiprocessing.active_children()) >= 1
    pool.close()
    deadline = time.monotonic() + 30
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert multiprocessing.active_children() == []
    # A crawl that starts after gets workers anew.
    assert pool.submit(html, url, family).result(timeout=60).article.url == url


def test_a_family_is_sent_by_reference_unless_it_cannot_be() -> None:
    assert sendable_family(get_family("tandan")) == get_family("tandan")
    local = type("LocalProfile", (get_family("generic").versions[-1],), {})
    assert sendable_family(Family("generic", (local,))) == "generic"


class FailingExtraction:
    """Extraction that fails, as a worker fails on a page it cannot read."""

    def acquire(self) -> None:
        pass

    def release(self) -> None:
        pass

    def extract(self, html: str | bytes, url: str, family: Family | str) -> Deferred[Any]:
        return fail(ValueError("unreadable page"))


def test_a_page_that_cannot_be_extracted_is_counted_and_dropped(tmp_path: Path) -> None:
    config = write_sites_config(
        tmp_path / "sites.toml",
        {"stttt": {"family": STTTT.family, "base_url": STTTT.base_url,
                   "start_urls": list(STTTT.start_urls)}},
    )  # fmt: skip
    settings = {"PORTAL_ARCHIVE_DATA": str(tmp_path / "data"), "PORTAL_SITES_CONFIG": str(config)}
    crawler = get_crawler(PortalSpider, settings)
    context = CrawlContext.open(crawler.settings, STTTT)
    pipeline = ArchivePipeline(crawler, context, FailingExtraction())
    outcome: list[Failure | PageExtraction] = []
    page = ArticlePage(url=f"{STTTT.base_url}bai-1.html", site_key="stttt", html="<html></html>")
    pipeline.process_item(page).addBoth(outcome.append)
    assert isinstance(outcome[0], Failure) and outcome[0].check(DropItem)
    assert crawler.stats is not None
    assert crawler.stats.get_value("archive/extraction_errors") == 1
    assert counters_from_stats(crawler.stats).articles_new == 0
