"""Run bookkeeping: counters that merge over parts and workers, kept as rows, and migrated."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from archive.db import Archive, sqlite_url
from archive.runs import (
    MAIN_WORKER,
    Counting,
    CrawlRuns,
    FailedPage,
    SiteCounters,
    merged,
)
from archive.stats import crawl_runs, run_report

START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
# What happened to each page of a crawl: archived (new, updated, unchanged), or failed why.
Page = tuple[str, str | None]


def counted(pages: Iterable[Page], started: datetime, seconds: float) -> SiteCounters:
    """The counters of a crawl (or a part of one) that saw ``pages`` in ``seconds``."""
    pages = list(pages)
    failed = tuple(
        FailedPage(f"http://127.0.0.1:8002/{n}.html", reason)
        for n, (outcome, reason) in enumerate(pages)
        if outcome == "failed" and reason
    )
    archived = [outcome for outcome, _ in pages]
    return SiteCounters(
        pages_fetched=len(pages),
        articles_new=archived.count("new"),
        articles_updated=archived.count("updated"),
        articles_unchanged=archived.count("unchanged"),
        articles_without={"title": 0, "published": archived.count("new"), "author": 1, "body": 0},
        traps={"long_url": len(pages) % 3},
        failures={page.reason: sum(p.reason == page.reason for p in failed) for page in failed},
        failed=failed,
        bytes=1000 * len(pages),
        started=started,
        finished=started + timedelta(seconds=seconds),
        duration_s=seconds,
        finish_reason="shutdown",
    )


PAGES: list[Page] = [
    *[("new", None)] * 7,
    ("failed", "timeout"),
    *[("unchanged", None)] * 3,
    ("failed", "HTTP 410"),
    ("updated", None),
    ("failed", "timeout"),
]


def test_merging_the_counters_of_two_halves_of_a_crawl_counts_the_whole() -> None:
    first = counted(PAGES[:8], START, 10.0)
    second = counted(PAGES[8:], START + timedelta(hours=1), 30.0)
    whole = first.merge(second)
    assert whole.pages_fetched == len(PAGES)
    assert (whole.articles_new, whole.articles_updated, whole.articles_unchanged) == (7, 1, 3)
    assert whole.failures == {"timeout": 2, "HTTP 410": 1}
    assert whole.errors == 3
    assert [page.reason for page in whole.failed] == ["timeout", "HTTP 410", "timeout"]
    assert whole.articles_without == {"title": 0, "published": 7, "author": 2, "body": 0}
    assert whole.traps == {"long_url": 8 % 3 + 6 % 3}
    assert whole.bytes == 1000 * len(PAGES)
    # The time the site was crawled, not the hour between the parts.
    assert (whole.started, whole.finished) == (START, second.finished)
    assert (whole.duration_s, whole.pages_per_s) == (40.0, 0.35)


def test_merge_is_associative_and_nothing_counted_changes_nothing() -> None:
    parts = [
        counted(PAGES[:5], START + timedelta(hours=2), 12.5),
        counted(PAGES[5:9], START, 7.25),
        counted(PAGES[9:], START + timedelta(hours=1), 3.125),
    ]
    first, second, third = parts
    assert first.merge(second).merge(third) == first.merge(second.merge(third))
    assert SiteCounters().merge(first) == first == first.merge(SiteCounters())
    assert merged(parts) == first.merge(second).merge(third)
    # The finish is the last part's, whichever order the rows come in.
    assert merged(parts).finished == first.finished


def test_counters_come_back_from_their_stored_form() -> None:
    counters = counted(PAGES, START, 20.0)
    stored = json.loads(json.dumps(counters.to_dict()))
    assert SiteCounters.from_dict(stored) == counters
    assert (stored["errors"], stored["pages_per_s"]) == (3, 0.7)
    # Counted before some counters existed: they are zero, and none is lost.
    assert SiteCounters.from_dict({"pages_fetched": 4, "errors": 0}) == SiteCounters(
        pages_fetched=4
    )


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = sqlite_url(tmp_path / "archive.sqlite3")
    Archive(url).create_schema()
    return url


def test_two_workers_saving_the_same_site_of_a_run_never_lose_counts(url: str) -> None:
    assert_two_workers_keep_every_count(url)


def test_two_workers_never_lose_counts_in_postgresql(postgres_url: str) -> None:
    Archive(postgres_url).create_schema()
    assert_two_workers_keep_every_count(postgres_url)


def assert_two_workers_keep_every_count(url: str) -> None:
    """Two workers save their counters of one site of one run at the same time, again and
    again, as crawling processes do."""
    run_id = CrawlRuns(Archive(url)).start(["stttt"])
    saves = 40

    def work(worker: str) -> None:
        # Each worker has its own engine, as a process of its own would.
        runs = CrawlRuns(Archive(url))
        counting = Counting(run_id, "stttt", worker, runs.part(run_id))
        for saved in range(1, saves + 1):
            runs.save_counters(counting, SiteCounters(pages_fetched=saved, failures={"x": 1}))

    workers = [threading.Thread(target=work, args=(name,)) for name in ("a", "b")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    archive = Archive(url)
    [site] = CrawlRuns(archive).site_counters(run_id).values()
    assert (site.pages_fetched, site.errors) == (2 * saves, 2)
    [run] = crawl_runs(archive)
    assert (run["pages_fetched"], run["errors"]) == (2 * saves, 2)


def test_a_resumed_part_counts_in_a_row_of_its_own(url: str) -> None:
    runs = CrawlRuns(Archive(url))
    run_id = runs.start(["stttt", "hatinh"])
    runs.set_site_mode(run_id, "stttt", "incremental")
    first = Counting(run_id, "stttt", MAIN_WORKER, runs.part(run_id))
    runs.save_counters(first, SiteCounters(pages_fetched=3, articles_new=2))
    runs.finish(run_id, "interrupted")
    assert runs.resumable(["hatinh", "stttt"]) == run_id

    runs.reopen(run_id)
    # The part chose the site's mode already: the resumed part keeps it.
    runs.set_site_mode(run_id, "stttt", "full")
    second = Counting(run_id, "stttt", MAIN_WORKER, runs.part(run_id))
    runs.save_counters(second, SiteCounters(pages_fetched=5, articles_new=1))
    runs.save_counters(second, SiteCounters(pages_fetched=6, articles_new=1))
    runs.finish(run_id, "finished")

    assert (first.part, second.part) == (0, 1)
    assert runs.site_mode(run_id, "stttt") == "incremental"
    [site] = runs.site_counters(run_id).values()
    assert (site.pages_fetched, site.articles_new) == (9, 3)
    report = run_report(runs.archive, run_id)
    assert (report["status"], report["mode"], report["pages_fetched"]) == (
        "finished", "incremental", 9,
    )  # fmt: skip
    assert report["sites"]["stttt"]["resumed"] == 1
    assert runs.resumable(["hatinh", "stttt"]) is None


def test_the_last_full_crawl_is_that_of_a_finished_run_crawling_the_site_in_full(
    url: str,
) -> None:
    runs = CrawlRuns(Archive(url))
    full = runs.start(["stttt", "hatinh"])
    runs.set_site_mode(full, "stttt", "full")
    runs.set_site_mode(full, "hatinh", "incremental")
    runs.finish(full, "finished")
    unfinished = runs.start(["stttt"])
    runs.set_site_mode(unfinished, "stttt", "full")
    runs.finish(unfinished, "interrupted")
    assert runs.last_full_crawl("stttt") is not None
    assert runs.last_full_crawl("hatinh") is None
    [mixed, _] = crawl_runs(runs.archive)
    assert mixed["mode"] == "mixed"


# A run as revision 0006 kept it: its counters in one JSON column, totals in columns.
OLD_SITE_STATS = {
    "stttt": {
        "mode": "full",
        "resumed": 1,
        "pages_fetched": 40,
        "articles_new": 18,
        "errors": 3,
        "failures": {"HTTP 404": 2, "timeout": 1},
        "failed": [{"url": "http://127.0.0.1:8002/a.html", "reason": "timeout"}],
        "articles_without": {"title": 0, "published": 2, "author": 5, "body": 0},
        "started": "2026-12-01T08:00:00+00:00",
        "finished": "2026-12-01T08:10:00+00:00",
        "duration_s": 600.0,
        "pages_per_s": 0.07,
        "finish_reason": "finished",
    },
    "hatinh": {"mode": "incremental", "resumed": 1},
}


def test_migration_0007_carries_the_counters_into_rows_and_back(url: str) -> None:
    archive = Archive(url)
    archive.downgrade("0006")
    with archive.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO crawl_run (id, sites, mode, status, started_at, pages_fetched, "
                "articles_new, articles_updated, articles_unchanged, errors, site_stats) "
                "VALUES (1, 'stttt hatinh', 'mixed', 'finished', :now, 40, 18, 0, 0, 3, :stats)"
            ),
            {"now": START.replace(tzinfo=None), "stats": json.dumps(OLD_SITE_STATS)},
        )

    archive.create_schema()
    report = run_report(archive, 1)
    # The report shows times in portal time; the rest comes as it was.
    kept = {
        name: value
        for name, value in OLD_SITE_STATS["stttt"].items()
        if name not in ("started", "finished")
    }
    assert report["sites"]["stttt"].items() >= kept.items()
    assert report["sites"]["stttt"]["finished"] == "2026-12-01T15:10:00+07:00"
    assert report["sites"]["hatinh"]["mode"] == "incremental"
    assert (report["mode"], report["pages_fetched"], report["errors"]) == ("mixed", 40, 3)

    archive.downgrade("0006")
    with archive.engine.connect() as connection:
        row = connection.execute(
            text("SELECT pages_fetched, articles_new, errors, site_stats FROM crawl_run")
        ).one()
    restored = json.loads(row.site_stats)
    assert (row.pages_fetched, row.articles_new, row.errors) == (40, 18, 3)
    assert restored["stttt"].items() >= OLD_SITE_STATS["stttt"].items()
    assert restored["hatinh"] == OLD_SITE_STATS["hatinh"]
