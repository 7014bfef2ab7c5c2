"""Running a crawl of several sites in one process, recorded as one ``CrawlRun``."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from archive.datadir import DataDir
from archive.db import Archive, open_archive
from archive.frontier import FrontierStore
from archive.models import CrawlRun
from archive.runs import RESUMABLE, CrawlRuns, SiteCounters, merged, site_counters, site_modes
from archive.sites import SiteConfig
from crawler.frontier import resume_run
from crawler.hostgate import host_gate_for
from crawler.indexing import crawl_indexer
from crawler.locks import crawl_lock
from crawler.politeness import STALLED
from crawler.spiders.portal import PortalSpider
from search.watches import CheckResult, check_watches


@dataclass(frozen=True)
class CrawlOutcome:
    run_id: int
    status: str
    # Each site's counters over the run (all its parts and workers), and its mode.
    sites: dict[str, SiteCounters]
    modes: dict[str, str]
    # How often the run was resumed.
    resumed: int
    # What each saved search newly matched in the articles the run indexed.
    watches: list[CheckResult] = field(default_factory=list)
    # Why the saved searches could not be checked at all; the crawl's outcome stands.
    watch_failure: str | None = None

    @property
    def totals(self) -> SiteCounters:
        return merged(self.sites.values())


def crawl_settings(
    data_dir: DataDir, config_path: Path, run_id: int, overrides: Mapping[str, Any]
) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("PORTAL_ARCHIVE_DATA", str(data_dir.root), priority="cmdline")
    settings.set("PORTAL_ARCHIVE_DB", data_dir.db_url, priority="cmdline")
    settings.set("PORTAL_SITES_CONFIG", str(config_path), priority="cmdline")
    settings.set("PORTAL_RUN_ID", run_id, priority="cmdline")
    # The command line owns logging; Scrapy's root handler would print every request.
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    settings.update(dict(overrides), priority="cmdline")
    return settings


def setting_problem(name: str, value: str) -> str | None:
    """Why ``-s NAME=VALUE`` cannot work, checked against the type of the setting's default so
    that a typo stops the crawl before it starts rather than inside Scrapy; None if it can."""
    default = crawl_settings_defaults().get(name)
    readers = {bool: "getbool", int: "getint", float: "getfloat"}
    reader = next((readers[kind] for kind in readers if type(default) is kind), None)
    if reader is None:
        return None
    try:
        getattr(Settings({name: value}), reader)(name)
    except ValueError:
        kind = "true or false" if reader == "getbool" else f"a number like {default!r}"
        return f"-s {name}={value}: {name} takes {kind}"
    return None


def crawl_settings_defaults() -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    return settings


def _finish_reason(crawler: Crawler) -> str | None:
    try:
        return crawler.stats.get_value("finish_reason")
    except RuntimeError:
        # A crawler whose spider could not even be created has no stats.
        return "failed"


def _fetched_nothing(crawler: Crawler) -> bool:
    return crawler.stats is not None and not crawler.stats.get_value("response_received_count")


def run_status(crawlers: list[Crawler], resumed: bool) -> str:
    """How a run's crawlers ended, as the run's status."""
    reasons = {_finish_reason(crawler) for crawler in crawlers}
    # None: the spider never closed, because a second Ctrl-C stopped the reactor at once.
    if "shutdown" in reasons or None in reasons:
        return "interrupted"
    if STALLED in reasons:
        return STALLED
    if reasons - {"finished"}:
        return "failed"
    # A site that answered nothing was not crawled, however cleanly its spider ended; a resumed
    # run may have had nothing left to fetch.
    if not resumed and any(_fetched_nothing(crawler) for crawler in crawlers):
        return "failed"
    return "finished"


def run_crawl(
    data_dir: DataDir,
    config_path: Path,
    sites: list[SiteConfig],
    overrides: Mapping[str, Any] | None = None,
) -> CrawlOutcome:
    """Crawls ``sites`` concurrently, one spider each, until done or interrupted (Ctrl-C).

    The unfinished run of the same sites, if any (killed or interrupted), is
    resumed rather than a new one started; a crawl of them still running is an error.
    """
    data_dir.create()
    keys = [site.key for site in sites]
    with crawl_lock(data_dir.jobs_dir, keys):
        return _run(data_dir, config_path, keys, overrides or {})


def _run(
    data_dir: DataDir, config_path: Path, keys: list[str], overrides: Mapping[str, Any]
) -> CrawlOutcome:
    archive = open_archive(data_dir.db_url)
    runs = CrawlRuns(archive)
    frontier = FrontierStore(archive)
    resumed = resume_run(archive, data_dir, keys)
    run_id = resumed or runs.start(keys)
    settings = crawl_settings(data_dir, config_path, run_id, overrides)
    # However the crawl ends, search finds every article it stored once this returns.
    with crawl_indexer(settings, data_dir):
        process = CrawlerProcess(settings)
        logging.getLogger("scrapy").setLevel(settings.get("LOG_LEVEL"))
        crawlers = add_site_crawlers(process, keys, config_path)
        status = "failed"
        try:
            process.start()
            status = run_status(crawlers, resumed is not None)
        finally:
            runs.finish(run_id, status)
            if status not in RESUMABLE:
                frontier.clear(run_id)
    return outcome_of(archive, data_dir.index_dir, run_id)


def add_site_crawlers(process: CrawlerProcess, keys: list[str], config_path: Path) -> list[Crawler]:
    """One crawler per site, to be started with the process, all behind one host gate."""
    gate = host_gate_for(process.settings)
    crawlers = []
    for key in keys:
        crawler = process.create_crawler(PortalSpider)
        crawlers.append(crawler)
        process.crawl(crawler, site=key, config=str(config_path), host_gate=gate)
    return crawlers


def outcome_of(archive: Archive, index_dir: Path, run_id: int) -> CrawlOutcome:
    """What the ended run did, once its saved searches are checked."""
    watches, watch_failure = _check_saved_searches(archive, index_dir, run_id)
    with archive.sessions() as session:
        run = session.get_one(CrawlRun, run_id)
        return CrawlOutcome(
            run_id,
            run.status,
            site_counters(run),
            site_modes(run),
            run.resumed,
            watches,
            watch_failure,
        )


def _check_saved_searches(
    archive: Archive, index_dir: Path, run_id: int
) -> tuple[list[CheckResult], str | None]:
    """The new matches of every saved search once the run's articles are indexed, or why
    they could not be checked."""
    try:
        return check_watches(archive, index_dir, run_id=run_id), None
    except Exception as exc:
        # Whatever went wrong, the crawl itself is done and archived: its outcome is
        # reported as it is, and `watch check` can record these matches later.
        return [], str(exc) or type(exc).__name__
