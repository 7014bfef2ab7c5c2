"""The crawl's counters: read from Scrapy's stats, saved by each process in a row of its own."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.test import get_crawler

from archive.runs import MAIN_WORKER, FailedPage, SiteCounters
from archive.sites import load_sites
from archive.stats import run_report
from crawler.context import CrawlContext
from crawler.extensions import ARTICLES_WITHOUT_PREFIX, ArchiveRecorder, counters_from_stats
from crawler.failures import FAILED_URLS, FAILURE_COUNT_PREFIX
from crawler.spiders.portal import PortalSpider
from tests.helpers import write_sites_config

STARTED = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
TIMEOUT = {"url": "http://127.0.0.1:8002/a.html", "reason": "timeout"}


@pytest.fixture
def settings(tmp_path: Path) -> dict[str, Any]:
    config = write_sites_config(
        tmp_path / "sites.toml",
        {"stttt": {"family": "portalfolder", "base_url": "http://127.0.0.1:8002/"}},
    )
    return {
        "PORTAL_ARCHIVE_DATA": str(tmp_path / "data"),
        "PORTAL_SITES_CONFIG": str(config),
        # Saved when the test says so, not by a timer.
        "PORTAL_COUNTERS_INTERVAL": 0,
    }


def crawled(
    settings: dict[str, Any], pages: int, stats: dict[str, Any], worker: str = MAIN_WORKER
) -> ArchiveRecorder:
    """The recorder of ``worker``'s crawl whose stats say it fetched ``pages`` pages, and
    ``stats``."""
    crawler = get_crawler(PortalSpider, settings)
    assert crawler.stats is not None
    site = load_sites(Path(settings["PORTAL_SITES_CONFIG"]))["stttt"]
    context = CrawlContext.open(crawler.settings, site)
    crawler.stats.set_value("start_time", STARTED)
    crawler.stats.set_value("finish_time", STARTED + timedelta(seconds=pages))
    crawler.stats.set_value("response_received_count", pages)
    for key, value in stats.items():
        crawler.stats.set_value(key, value)
    return ArchiveRecorder(crawler, replace(context, worker=worker))


def test_the_counters_are_read_from_the_crawlers_stats(settings: dict[str, Any]) -> None:
    recorder = crawled(
        settings,
        20,
        {
            "archive/articles_new": 7,
            ARTICLES_WITHOUT_PREFIX + "author": 2,
            FAILURE_COUNT_PREFIX + "timeout": 1,
            "archive/extraction_errors": 2,
            FAILED_URLS: [TIMEOUT],
            "traps/long_url": 3,
            "finish_reason": "finished",
        },
    )
    assert counters_from_stats(recorder.stats) == SiteCounters(
        pages_fetched=20,
        articles_new=7,
        articles_without={"title": 0, "published": 0, "author": 2, "body": 0},
        traps={"long_url": 3},
        failures={"timeout": 1, "extraction error": 2},
        failed=(FailedPage(**TIMEOUT),),
        started=STARTED,
        finished=STARTED + timedelta(seconds=20),
        duration_s=20.0,
        finish_reason="finished",
    )


def test_each_worker_saves_its_own_row_and_the_run_counts_them_all(
    settings: dict[str, Any],
) -> None:
    owner = crawled(settings, 10, {"archive/articles_new": 4})
    shared = {**settings, "PORTAL_RUN_ID": owner.context.run_id}
    other = crawled(shared, 30, {"archive/articles_new": 5}, worker="host-2")
    for _ in range(3):
        # Saved again and again as the crawls go on: neither overwrites the other.
        other.save_counters()
        owner.save_counters()
    owner.spider_closed("finished")

    report = run_report(owner.runs.archive, owner.context.run_id)
    assert (report["status"], report["pages_fetched"], report["articles_new"]) == (
        "finished", 40, 9,
    )  # fmt: skip
    assert report["sites"]["stttt"]["duration_s"] == 40.0


def test_a_resumed_run_counts_its_new_part_besides_the_earlier_one(
    settings: dict[str, Any],
) -> None:
    earlier = crawled(settings, 10, {"archive/articles_new": 4})
    earlier.save_counters()
    run_id = earlier.context.run_id
    earlier.runs.finish(run_id, "interrupted")
    earlier.runs.reopen(run_id)

    resumed = crawled({**settings, "PORTAL_RUN_ID": run_id}, 6, {"archive/articles_new": 1})
    resumed.save_counters()

    assert (earlier.counting.part, resumed.counting.part) == (0, 1)
    [site] = resumed.runs.site_counters(run_id).values()
    assert (site.pages_fetched, site.articles_new) == (16, 5)
