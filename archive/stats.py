"""What an archive holds: articles per site, date ranges, and what each crawl did."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from archive.dates import local_iso
from archive.db import Archive, ArchiveError
from archive.models import Article, CrawlRun, Site
from archive.runs import SiteCounters, merged, run_mode, site_counters, site_modes


def archive_stats(archive: Archive) -> dict[str, Any]:
    per_site = (
        select(
            Site.key,
            Site.name,
            Site.family,
            func.count(Article.id),
            func.min(Article.published),
            func.max(Article.published),
        )
        .outerjoin(Article)
        .group_by(Site.id)
        .order_by(Site.key)
    )
    with archive.sessions() as session:
        sites = [
            {
                "site": key,
                "name": name,
                "family": family,
                "articles": count,
                "earliest": local_iso(first),
                "latest": local_iso(last),
            }
            for key, name, family, count, first, last in session.execute(per_site)
        ]
        last_run = session.scalar(select(CrawlRun).order_by(CrawlRun.id.desc()).limit(1))
        return {
            "articles": sum(site["articles"] for site in sites),
            "sites": sites,
            "last_crawl": run_summary(last_run) if last_run else None,
        }


def run_summary(run: CrawlRun) -> dict[str, Any]:
    sites = site_counters(run)
    modes = site_modes(run)
    total = merged(sites.values())
    return {
        "id": run.id,
        "sites": run.sites.split(),
        "mode": run_mode(run),
        "status": run.status,
        "started": local_iso(run.started_at),
        "finished": local_iso(run.finished_at),
        **{name: getattr(total, name) for name in RUN_TOTALS},
        "articles_without": dict(total.articles_without),
        "warnings": [
            f"{key}: {warning}"
            for key, counters in sites.items()
            if (warning := empty_site_warning(counters, modes.get(key)))
        ],
        "site_stats": {
            key: site_figures(counters, modes.get(key), run.resumed)
            for key, counters in sites.items()
        },
    }


# The run's totals that every summary of it shows.
RUN_TOTALS = ("pages_fetched", "articles_new", "articles_updated", "articles_unchanged", "errors")


def site_figures(counters: SiteCounters, mode: str | None, resumed: int) -> dict[str, Any]:
    """A site's counters over a run as reports show them, with its mode (once chosen) and
    how often the run was resumed."""
    return counters.to_dict() | ({"mode": mode} if mode else {}) | {"resumed": resumed}


def empty_site_warning(counters: SiteCounters, mode: str | None) -> str | None:
    """Why a site whose pages were fetched gave no article, with the likely reason; None when
    it gave some, or when an incremental crawl rightly found nothing new."""
    pages = counters.pages_fetched
    archived = counters.articles_new + counters.articles_updated + counters.articles_unchanged
    known = counters.known_skipped + counters.revalidated
    if not pages or archived or known or mode == "incremental":
        return None
    found = f"{pages} pages fetched but no article archived"
    if counters.out_of_scope:
        return (
            f"{found}: {counters.out_of_scope} links led off the site's host and port, likely "
            "because its base_url or start URL spells the host differently from the site's "
            "own links (www., an IP address, another port)"
        )
    if counters.robots_forbidden:
        return f"{found}: robots.txt forbade {counters.robots_forbidden} pages"
    return (
        f"{found}: no page read as an article of its family; check the site's family, or "
        "crawl with --no-profiles"
    )


# Per-site counters that add up to the run's totals in a report.
SUMMED_COUNTERS = (*RUN_TOTALS, "articles_missing_fields", "bytes")


def _in_portal_time(stats: dict[str, Any]) -> dict[str, Any]:
    """A site's counters with its start and finish (kept in UTC) shown as the run's are."""
    times = {
        name: local_iso(datetime.fromisoformat(stats[name]))
        for name in ("started", "finished")
        if stats.get(name)
    }
    return stats | times


def crawl_runs(archive: Archive) -> list[dict[str, Any]]:
    """Every crawl run, oldest first, without the per-site detail."""
    with archive.sessions() as session:
        # Each run's rows in a query for all runs, not two per run.
        rows = (selectinload(CrawlRun.site_modes), selectinload(CrawlRun.site_counters))
        runs = session.scalars(select(CrawlRun).options(*rows).order_by(CrawlRun.id))
        return [
            {name: value for name, value in run_summary(run).items() if name != "site_stats"}
            for run in runs
        ]


def run_report(archive: Archive, run_id: int) -> dict[str, Any]:
    """What crawl ``run_id`` did, per site and in total: pages, articles new / updated /
    unchanged, articles without a title, date, author or body, failures by reason, bytes,
    duration and pages per second."""
    with archive.sessions() as session:
        run = session.get(CrawlRun, run_id)
        if run is None:
            raise ArchiveError(f"no crawl run {run_id}; `portal-archive crawls` lists them")
        summary = run_summary(run)
        counters = site_counters(run).values()
        wall_time = (run.finished_at - run.started_at).total_seconds() if run.finished_at else None
    sites = {key: _in_portal_time(stats) for key, stats in summary.pop("site_stats").items()}
    total = merged(counters)
    totals: dict[str, Any] = {name: getattr(total, name) for name in SUMMED_COUNTERS}
    totals["failures"] = dict(Counter(total.failures).most_common())
    totals["articles_without"] = dict(total.articles_without)
    totals["duration_s"] = round(wall_time, 3) if wall_time is not None else None
    totals["pages_per_s"] = round(totals["pages_fetched"] / wall_time, 2) if wall_time else 0.0
    return {**summary, "sites": sites, "totals": totals}
