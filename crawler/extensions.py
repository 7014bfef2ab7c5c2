"""Extensions: recording the site and the run's counters, and showing progress."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from twisted.internet.task import LoopingCall

from crawler.context import store_from
from crawler.failures import FAILED_URLS, FAILURE_COUNT_PREFIX

STAT_RUN_ID = "archive/run_id"
STAT_SITE_ID = "archive/site_id"


def site_counters(stats: StatsCollector) -> dict[str, Any]:
    """A site's crawl counters and failure reasons, read from the crawler's stats."""
    values = stats.get_stats()
    failures = {
        key.removeprefix(FAILURE_COUNT_PREFIX): count
        for key, count in values.items()
        if key.startswith(FAILURE_COUNT_PREFIX)
    }
    if values.get("archive/extraction_errors"):
        failures["extraction error"] = values["archive/extraction_errors"]
    started: datetime | None = values.get("start_time")
    # finish_time is only set once the spider closes; progress lines use the time so far.
    finished: datetime = values.get("finish_time") or datetime.now(UTC)
    duration = (finished - started).total_seconds() if started else 0.0
    pages = values.get("response_received_count", 0)
    return {
        "pages_fetched": pages,
        "articles_new": values.get("archive/articles_new", 0),
        "articles_updated": values.get("archive/articles_updated", 0),
        "articles_unchanged": values.get("archive/articles_unchanged", 0),
        "articles_missing_fields": values.get("archive/articles_missing_fields", 0),
        "known_skipped": values.get("incremental/known_skipped", 0),
        "revalidated": values.get("incremental/revalidated", 0),
        "out_of_scope": values.get("scope/dropped", 0),
        "traps": {
            key.removeprefix("traps/"): count
            for key, count in values.items()
            if key.startswith("traps/")
        },
        "robots_forbidden": values.get("robotstxt/forbidden", 0),
        "errors": sum(failures.values()),
        "failures": failures,
        "failed": values.get(FAILED_URLS, []),
        # Transient errors that a later attempt got past.
        "retried": values.get("retry/count", 0),
        "bytes": values.get("downloader/response_bytes", 0),
        "started": started.isoformat() if started else None,
        "finished": finished.isoformat(),
        "duration_s": round(duration, 3),
        "pages_per_s": _pages_per_second(pages, duration),
        "finish_reason": values.get("finish_reason"),
    }


# Counters that add up over the parts of a run that was killed or stopped and resumed.
SUMMED_COUNTERS = (
    "pages_fetched",
    "articles_new",
    "articles_updated",
    "articles_unchanged",
    "articles_missing_fields",
    "known_skipped",
    "revalidated",
    "out_of_scope",
    "robots_forbidden",
    "errors",
    "retried",
    "bytes",
)
TALLIED_COUNTERS = ("failures", "traps")


def merge_counters(earlier: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    """A site's counters over the whole run: those saved by earlier processes plus this one's."""
    merged = dict(current)
    for name in SUMMED_COUNTERS:
        merged[name] = earlier.get(name, 0) + current[name]
    for name in TALLIED_COUNTERS:
        merged[name] = dict(Counter(earlier.get(name, {})) + Counter(current[name]))
    merged["failed"] = [*earlier.get("failed", []), *current["failed"]]
    merged["started"] = earlier.get("started") or current["started"]
    # The time the site was being crawled, not the time between its parts.
    duration = earlier.get("duration_s", 0.0) + current["duration_s"]
    merged["duration_s"] = round(duration, 3)
    merged["pages_per_s"] = _pages_per_second(merged["pages_fetched"], duration)
    return merged


def _pages_per_second(pages: int, seconds: float) -> float:
    return round(pages / seconds, 2) if seconds > 0 else 0.0


class ArchiveRecorder:
    """Records the site and the site's counters in its ``CrawlRun``.

    The exchanges themselves (WARC records and ``Capture`` rows) are written by
    ``crawler.middlewares.WarcCaptureMiddleware``, which sees redirects and
    retried errors that never reach a signal handler.

    The run comes from ``PORTAL_RUN_ID`` when the command line started one for
    several sites; a bare ``scrapy crawl`` starts and finishes its own. The
    counters are saved every ``PORTAL_COUNTERS_INTERVAL`` seconds and at the
    end, added to what earlier processes of a resumed run saved: a killed crawl
    loses at most the counts of its last seconds.
    """

    def __init__(self, crawler: Crawler) -> None:
        assert crawler.stats is not None
        self.crawler = crawler
        self.stats = crawler.stats
        self.store = store_from(crawler.settings)
        self.run_id: int | None = crawler.settings.getint("PORTAL_RUN_ID") or None
        self.owns_run = self.run_id is None
        self.site_id: int | None = None
        self.interval = crawler.settings.getfloat("PORTAL_COUNTERS_INTERVAL")
        self.task: LoopingCall | None = None
        self.earlier: dict[str, Any] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        recorder = cls(crawler)
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def spider_opened(self, spider: Spider) -> None:
        site = spider.site_config
        self.site_id = self.store.ensure_site(site)
        if self.run_id is None:
            self.run_id = self.store.start_run([site.key])
        self.stats.set_value(STAT_RUN_ID, self.run_id)
        self.stats.set_value(STAT_SITE_ID, self.site_id)
        self.earlier = self.store.site_counters(self.run_id, site.key)
        if self.interval > 0:
            self.task = LoopingCall(self.save_counters, spider)
            self.task.start(self.interval, now=False)

    def save_counters(self, spider: Spider) -> None:
        assert self.run_id is not None
        counters = merge_counters(self.earlier, site_counters(self.stats))
        self.store.save_site_counters(self.run_id, spider.site_config.key, counters)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        if self.run_id is None:
            return
        self.save_counters(spider)
        if self.owns_run:
            self.store.finish_run(self.run_id, "finished" if reason == "finished" else reason)


class ProgressReporter:
    """Prints one progress line per site every ``PORTAL_PROGRESS_INTERVAL`` seconds on stderr."""

    def __init__(self, crawler: Crawler, interval: float) -> None:
        assert crawler.stats is not None
        self.stats = crawler.stats
        self.interval = interval
        self.task: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        reporter = cls(crawler, crawler.settings.getfloat("PORTAL_PROGRESS_INTERVAL"))
        if reporter.interval > 0:
            crawler.signals.connect(reporter.spider_opened, signal=signals.spider_opened)
            crawler.signals.connect(reporter.spider_closed, signal=signals.spider_closed)
        return reporter

    def spider_opened(self, spider: Spider) -> None:
        self.task = LoopingCall(self.report, spider)
        self.task.start(self.interval, now=False)

    def report(self, spider: Spider) -> None:
        counters = site_counters(self.stats)
        print(
            f"[{spider.site_config.key}] {counters['pages_fetched']} pages, "
            f"{counters['articles_new']} new, {counters['articles_updated']} updated, "
            f"{counters['articles_unchanged']} unchanged articles, {counters['errors']} errors",
            file=sys.stderr,
            flush=True,
        )

    def spider_closed(self, spider: Spider) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
