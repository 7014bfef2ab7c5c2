"""Extensions: recording the site and the run's counters, and showing progress."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Any, Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.statscollectors import StatsCollector
from twisted.internet.task import LoopingCall

from archive.profiles.records import REPORTED_FIELDS
from archive.runs import Counting, FailedPage, SiteCounters
from crawler.context import CrawlContext, crawl_context
from crawler.failures import FAILED_URLS, FAILURE_COUNT_PREFIX

# Counted per reported field (archive.profiles.records) an archived article lacks.
ARTICLES_WITHOUT_PREFIX = "archive/articles_without/"


def counters_from_stats(stats: StatsCollector) -> SiteCounters:
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
    return SiteCounters(
        pages_fetched=values.get("response_received_count", 0),
        articles_new=values.get("archive/articles_new", 0),
        articles_updated=values.get("archive/articles_updated", 0),
        articles_unchanged=values.get("archive/articles_unchanged", 0),
        articles_missing_fields=values.get("archive/articles_missing_fields", 0),
        # Every field, zeros too: a site whose articles all have an author says so.
        articles_without={
            name: values.get(ARTICLES_WITHOUT_PREFIX + name, 0) for name in REPORTED_FIELDS
        },
        known_skipped=values.get("incremental/known_skipped", 0),
        revalidated=values.get("incremental/revalidated", 0),
        out_of_scope=values.get("scope/dropped", 0),
        traps={
            key.removeprefix("traps/"): count
            for key, count in values.items()
            if key.startswith("traps/")
        },
        robots_forbidden=values.get("robotstxt/forbidden", 0),
        failures=failures,
        failed=tuple(FailedPage(**page) for page in values.get(FAILED_URLS, [])),
        retried=values.get("retry/count", 0),
        bytes=values.get("downloader/response_bytes", 0),
        started=started,
        finished=finished,
        duration_s=round(duration, 3),
        finish_reason=values.get("finish_reason"),
    )


class ArchiveRecorder:
    """Records what this process counted of the site in the run, and ends the run it owns.

    The exchanges themselves (WARC records and ``Capture`` rows) are written by
    ``crawler.middlewares.WarcCaptureMiddleware``, which sees redirects and
    retried errors that never reach a signal handler.

    The run comes from ``PORTAL_RUN_ID`` when the command line started one for
    several sites; a bare ``scrapy crawl`` starts its own (``CrawlContext.open``)
    and it is finished here. The counters are saved every
    ``PORTAL_COUNTERS_INTERVAL`` seconds and at the end, in this process's own
    row of the run's part (``archive.runs``): a killed crawl loses at most the
    counts of its last seconds, and the earlier parts of a resumed run and the
    other workers of a shared one keep theirs.
    """

    def __init__(self, crawler: Crawler, context: CrawlContext) -> None:
        assert crawler.stats is not None
        self.stats = crawler.stats
        self.context = context
        self.runs = context.runs
        self.interval = crawler.settings.getfloat("PORTAL_COUNTERS_INTERVAL")
        self.task: LoopingCall | None = None
        self.shutdown_trigger: Any = None
        self.counting = Counting(
            context.run_id, context.site.key, context.worker, self.runs.part(context.run_id)
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        recorder = cls(crawler, crawl_context(crawler))
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def spider_opened(self) -> None:
        if self.interval > 0:
            self.task = LoopingCall(self.save_counters)
            self.task.start(self.interval, now=False)
        # Imported here: Scrapy installs the reactor it is configured with before extensions
        # exist, and a module-level import would install the default one first.
        from twisted.internet import reactor

        # A second Ctrl-C stops the reactor without closing the spider; its counts are saved
        # all the same.
        self.shutdown_trigger = reactor.addSystemEventTrigger(
            "before", "shutdown", self.save_counters
        )

    def save_counters(self) -> None:
        self.runs.save_counters(self.counting, counters_from_stats(self.stats))

    def spider_closed(self, reason: str) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        if self.shutdown_trigger is not None:
            from twisted.internet import reactor

            reactor.removeSystemEventTrigger(self.shutdown_trigger)
            self.shutdown_trigger = None
        self.save_counters()
        if self.context.owns_run:
            status = "finished" if reason == "finished" else reason
            self.runs.finish(self.context.run_id, status)


class ProgressReporter:
    """Prints one progress line per site every ``PORTAL_PROGRESS_INTERVAL`` seconds on stderr."""

    def __init__(self, crawler: Crawler, site_key: str, interval: float) -> None:
        assert crawler.stats is not None
        self.stats = crawler.stats
        self.site_key = site_key
        self.interval = interval
        self.task: LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        interval = crawler.settings.getfloat("PORTAL_PROGRESS_INTERVAL")
        reporter = cls(crawler, crawl_context(crawler).site.key, interval)
        if reporter.interval > 0:
            crawler.signals.connect(reporter.spider_opened, signal=signals.spider_opened)
            crawler.signals.connect(reporter.spider_closed, signal=signals.spider_closed)
        return reporter

    def spider_opened(self) -> None:
        self.task = LoopingCall(self.report)
        self.task.start(self.interval, now=False)

    def report(self) -> None:
        counters = counters_from_stats(self.stats)
        print(
            f"[{self.site_key}] {counters.pages_fetched} pages, "
            f"{counters.articles_new} new, {counters.articles_updated} updated, "
            f"{counters.articles_unchanged} unchanged articles, {counters.errors} errors",
            file=sys.stderr,
            flush=True,
        )

    def spider_closed(self) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
