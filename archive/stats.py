"""What an archive holds: articles per site, date ranges, the last crawl."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from archive.dates import local_iso
from archive.db import Archive
from archive.models import Article, CrawlRun, Site


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
        "site_stats": run.site_stats,
    }
