"""What an archive holds: articles per site, date ranges, and what each crawl did."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from archive.dates import local_iso
from archive.db import Archive, ArchiveError
from archive.models import Article, CrawlRun, Site
from archive.profiles.records import REPORTED_FIELDS


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
    return {
        "id": run.id,
        "sites": run.sites.split(),
        "mode": run.mode,
        "status": run.status,
        "started": local_iso(run.started_at),
        "finished": local_iso(run.finished_at),
        "pages_fetched": run.pages_fetched,
        "articles_new": run.articles_new,
        "articles_updated": run.articles_updated,
        "articles_unchanged": run.articles_unchanged,
        "errors": run.errors,
        "articles_without": articles_without(run.site_stats.values()),
        "warnings": [
            f"{key}: {warning}"
            for key, stats in run.site_stats.items()
            if (warning := empty_site_warning(stats))
        ],
        "site_stats": run.site_stats,
    }


def empty_site_warning(stats: Mapping[str, Any]) -> str | None:
    """Why a site whose pages were fetched gave no article, with the likely reason; None when
    it gave some, or when an incremental crawl rightly found nothing new."""
    pages = stats.get("pages_fetched", 0)
    archived = sum(
        stats.get(name, 0) for name in ("articles_new", "articles_updated", "articles_unchanged")
    )
    known = stats.get("known_skipped", 0) + stats.get("revalidated", 0)
    if not pages or archived or known or stats.get("mode") == "incremental":
        return None
    found = f"{pages} pages fetched but no article archived"
    if stats.get("out_of_scope"):
        return (
            f"{found}: {stats['out_of_scope']} links led off the site's host and port, likely "
            "because its base_url or start URL spells the host differently from the site's "
            "own links (www., an IP address, another port)"
        )
    if stats.get("robots_forbidden"):
        return f"{found}: robots.txt forbade {stats['robots_forbidden']} pages"
    return (
        f"{found}: no page read as an article of its family; check the site's family, or "
        "crawl with --no-profiles"
    )


def articles_without(site_stats: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Per reported field, how many archived articles of these sites lack it; empty for a run
    recorded before such counts were kept, which must not read as none missing."""
    counted = [stats["articles_without"] for stats in site_stats if "articles_without" in stats]
    if not counted:
        return {}
    tally: Counter[str] = Counter()
    for counts in counted:
        tally.update(counts)
    return {name: tally[name] for name in REPORTED_FIELDS}


# Per-site counters that add up to the run's totals in a report.
SUMMED_COUNTERS = (
    "pages_fetched",
    "articles_new",
    "articles_updated",
    "articles_unchanged",
    "articles_missing_fields",
    "errors",
    "bytes",
)


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
        runs = session.scalars(select(CrawlRun).order_by(CrawlRun.id))
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
        wall_time = (run.finished_at - run.started_at).total_seconds() if run.finished_at else None
    sites = {key: _in_portal_time(stats) for key, stats in summary.pop("site_stats").items()}
    failures: Counter[str] = Counter()
    for stats in sites.values():
        failures.update(stats.get("failures", {}))
    totals: dict[str, Any] = {
        name: sum(stats.get(name, 0) for stats in sites.values()) for name in SUMMED_COUNTERS
    }
    totals["failures"] = dict(failures.most_common())
    totals["articles_without"] = articles_without(sites.values())
    totals["duration_s"] = round(wall_time, 3) if wall_time is not None else None
    totals["pages_per_s"] = round(totals["pages_fetched"] / wall_time, 2) if wall_time else 0.0
    return {**summary, "sites": sites, "totals": totals}
