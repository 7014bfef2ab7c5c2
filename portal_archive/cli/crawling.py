"""Commands of archivists: crawl portals, and what the crawl runs did."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from archive.sites import (
    adhoc_site,
    check_site_url,
    is_site_url,
    load_sites,
    select_sites,
    write_sites,
)
from archive.stats import crawl_runs, empty_site_warning, run_report, site_figures
from crawler.locks import with_live_status
from portal_archive.cli.common import (
    config_option,
    data_dir,
    fail,
    parse_overrides,
    read_archive,
    redis_option,
)
from portal_archive.cli.setup import (
    check_one_source,
    dry_run,
    max_requests_option,
    politeness_overrides,
    registry_option,
)
from portal_archive.cli.watching import echo_checks
from portal_archive.registry import find_province

if TYPE_CHECKING:
    from crawler.runner import CrawlOutcome


@click.command()
@config_option("Sites config (TOML) naming each portal, its CMS family and start URLs.")
@registry_option
@click.argument("sites", nargs=-1)
@click.option(
    "--no-profiles",
    is_flag=True,
    help="Read every site with the generic profile (trafilatura + Vietnamese rules).",
)
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    help="Seconds between requests to one host (default 1.0; AutoThrottle may wait longer).",
)
@click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy setting, e.g. -s CONCURRENT_REQUESTS=4.",
)
@click.option(
    "--contact",
    metavar="EMAIL|URL",
    help="How the portal's webmaster can reach you; added to the User-Agent.",
)
@click.option(
    "--full",
    is_flag=True,
    help="Crawl in full even the sites that had a full crawl (default: incremental for those).",
)
@click.option(
    "--dry-run",
    "dry_run_only",
    is_flag=True,
    help="Only probe each site politely and say what a crawl would do; archive nothing.",
)
@max_requests_option
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Crawl with this many worker processes sharing queues in Redis (needs --redis); "
    "`portal-archive worker` adds workers on other machines.",
)
@redis_option
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log, not only progress.")
@click.pass_context
def crawl(
    ctx: click.Context,
    config_path: Path,
    province: str | None,
    sites: tuple[str, ...],
    no_profiles: bool,
    delay: float | None,
    overrides: tuple[str, ...],
    verbose: bool,
    full: bool,
    dry_run_only: bool,
    max_requests: int,
    workers: int | None,
    redis_url: str | None,
    contact: str | None = None,
) -> None:
    """Crawl SITES of the config (all of them when none is named) into the archive.

    A SITE may also be a start URL (http://…) of a portal nobody configured: its
    CMS family is detected from that page, and unknown ones are read with the
    generic profile. Every article found is extracted, stored and indexed.

    A site's first crawl is full; later ones are incremental: listings are read
    newest first until they show only known articles, and known articles are
    fetched again (conditionally) only when a listing or sitemap dates them
    later than the archived copy. --full, or PORTAL_FULL_RECRAWL_DAYS (default
    30) since the last full crawl, makes a crawl full again. A crawl run again
    adds nothing twice. Ctrl-C stops cleanly; after Ctrl-C, a crash or a kill,
    the same command resumes the unfinished crawl where it stopped.

    --registry PROVINCE crawls sites of the registry instead of a config: SITES
    are then keys of that province. --dry-run probes each site instead (at most
    --max-requests polite requests): robots.txt rules, sitemaps and feeds, the
    first listings and the articles they yield, a size estimate and the
    politeness the crawl would use; nothing is archived or created.

    --workers N --redis URL shares the crawl among N local worker processes
    through Redis (request queues, duplicate filter, per-host politeness);
    `portal-archive worker --redis URL` on other machines joins it. Every
    worker writes to the archive --db names (PostgreSQL for more than one
    machine); this command indexes what they archive.
    """
    # Scrapy is slow to import; only crawl needs it.
    from crawler.context import NO_PROFILES_SETTING
    from crawler.discovery import detect_site_family
    from crawler.politeness import STALLED
    from crawler.runner import run_crawl, setting_problem

    # Everything is checked before anything is fetched or created.
    if workers is not None and redis_url is None:
        fail("--workers needs --redis URL: the workers share their queues there")
    start_urls = [check_site_url(site) for site in sites if is_site_url(site)]
    keys = tuple(site for site in sites if not is_site_url(site))
    if province is not None and start_urls:
        fail("--registry takes site keys of the province, not start URLs")
    check_one_source(ctx, province)
    registry = find_province(province) if province is not None else None
    if registry is not None:
        selected = registry.select(keys)
    else:
        selected = select_sites(load_sites(config_path), keys) if keys or not start_urls else []
    setting_overrides = parse_overrides(overrides)
    for name, value in setting_overrides.items():
        problem = setting_problem(name, value)
        if problem:
            fail(problem)
    settings: dict[str, Any] = {
        "LOG_LEVEL": "INFO" if verbose else "WARNING",
        NO_PROFILES_SETTING: no_profiles,
        "PORTAL_FULL": full,
    }
    settings |= politeness_overrides(delay, contact) | setting_overrides
    if dry_run_only:
        # The family the crawl would read each site with; None: detected from its home page.
        planned = [(site, "generic" if no_profiles else site.family) for site in selected]
        planned += [
            (adhoc_site(url, "generic"), "generic" if no_profiles else None) for url in start_urls
        ]
        dry_run(planned, settings, max_requests)
        return
    if registry is not None:
        # The spiders read their site from a config file: the whole province, parents included.
        config_path = write_sites(
            data_dir(ctx).root / f"registry-{registry.key}.toml",
            list(registry.site_configs().values()),
        )
    if start_urls:
        selected += [adhoc_site(url, detect_site_family(url)) for url in start_urls]
        # The spiders read their site from a config file, so the ad-hoc sites get one.
        config_path = write_sites(data_dir(ctx).root / "adhoc-sites.toml", selected)
    if workers is None:
        outcome = run_crawl(data_dir(ctx), config_path, selected, settings)
    else:
        from crawler.workers import run_distributed_crawl

        assert redis_url is not None
        outcome = run_distributed_crawl(
            data_dir(ctx), config_path, selected, settings, workers, redis_url
        )
    print_crawl_summary(outcome)
    echo_checks(outcome.watches)
    if outcome.watch_failure:
        click.echo(
            f"Warning: the saved searches were not checked: {outcome.watch_failure};"
            " `portal-archive watch check` records their new matches",
            err=True,
        )
    for key, counters in outcome.sites.items():
        warning = empty_site_warning(counters, outcome.modes.get(key))
        if warning:
            click.echo(f"Warning: {key}: {warning}", err=True)
    if outcome.status == STALLED:
        stalled = [
            key for key, counters in outcome.sites.items() if counters.finish_reason == STALLED
        ]
        fail(
            f"crawl {outcome.run_id} stalled: {', '.join(stalled)} sent no response for "
            "PORTAL_STALL_TIMEOUT seconds with requests pending, so the crawl stopped"
        )
    unreachable = [
        f"{key}: nothing fetched ({', '.join(counters.failures) or 'no page answered'})"
        for key, counters in outcome.sites.items()
        # A resumed run may have had nothing left to fetch for a site.
        if counters.pages_fetched == 0 and not outcome.resumed
    ]
    if unreachable:
        fail("could not crawl " + "; ".join(unreachable))
    if outcome.status == "interrupted":
        fail(f"crawl {outcome.run_id} interrupted; run the same command again to continue")
    if outcome.status != "finished":
        fail(
            f"crawl {outcome.run_id} {outcome.status}; "
            f"`portal-archive report {outcome.run_id} --failures` lists what failed"
        )


@click.command()
@redis_option
@click.pass_context
def worker(ctx: click.Context, redis_url: str | None) -> None:
    """Work on the crawl that `portal-archive crawl --workers N --redis URL` offers.

    The worker takes requests from the crawl's queues in Redis, archives what
    it fetches into the database --db names (the one the crawl uses) and its
    WARC files under --data, and queues the articles for the crawl's indexer.
    It waits until a crawl is offered, and exits when that crawl has no work
    left (a service manager restarting it keeps a machine in the pool). Ctrl-C
    stops it; the requests it held go back to the queues.
    """
    from crawler.distributed import connect, wait_for_job, worker_name
    from crawler.workers import run_worker

    if redis_url is None:
        fail("worker needs --redis URL (or $PORTAL_REDIS_URL): the crawl's queues are there")
    job = wait_for_job(connect(redis_url))
    status = run_worker(data_dir(ctx), job, redis_url, worker_name())
    if status not in ("finished", "interrupted"):
        fail(f"crawl {job.run_id}: this worker's part {status}")
    click.echo(f"crawl {job.run_id}: this worker's part {status}", err=True)


def print_crawl_summary(outcome: CrawlOutcome) -> None:
    click.echo(f"crawl {outcome.run_id}: {outcome.status}")
    for key, counters in outcome.sites.items():
        click.echo(_site_row(key, site_figures(counters, outcome.modes.get(key), outcome.resumed)))
    totals = outcome.totals
    click.echo(
        f"  {'total':<24} {totals.pages_fetched:>6} pages  {totals.articles_new:>5} new  "
        f"{totals.articles_updated:>5} updated  {totals.articles_unchanged:>5} unchanged  "
        f"{totals.errors:>4} errors" + _without(dict(totals.articles_without))
    )


def _site_row(key: str, stats: dict[str, Any], *, measured: bool = False) -> str:
    """One site's line of a crawl summary, or of a report (``measured``: with its bytes,
    duration and speed; runs recorded before reports existed have none)."""
    failures = ", ".join(f"{reason} x{count}" for reason, count in stats["failures"].items())
    duration = stats.get("duration_s")
    speed = (
        f"{stats.get('bytes', 0):>10} bytes  "
        f"{'-' if duration is None else f'{duration:.1f}':>7} s  "
        f"{stats.get('pages_per_s', 0.0):>6.1f} pages/s  "
    )
    return (
        f"  {key:<12} {stats.get('mode', ''):<11} {stats['pages_fetched']:>6} pages  "
        f"{stats['articles_new']:>5} new  "
        f"{stats['articles_updated']:>5} updated  {stats['articles_unchanged']:>5} unchanged  "
        + (speed if measured else "")
        + f"{stats['errors']:>4} errors"
        + _without(stats.get("articles_without", {}))
        + (f"  ({failures})" if failures else "")
    )


# How the text summaries name the archived articles that lack each reported field.
WITHOUT_LABELS = {
    "title": "no title",
    "published": "no date",
    "author": "no author",
    "body": "no body",
}


def _without(counts: dict[str, int]) -> str:
    """Columns of articles archived without each field; such articles are archived all the
    same, so these say how well a site reads. Nothing for runs that did not count them."""
    if not counts:
        return ""
    return "".join(f"  {counts[name]:>4} {label}" for name, label in WITHOUT_LABELS.items())


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the runs as a JSON list.")
@click.pass_context
def crawls(ctx: click.Context, as_json: bool) -> None:
    """List the crawl runs: when, how they ended, their mode, sites, pages and articles.

    A run still recorded running whose sites no crawl holds was killed; it is
    shown interrupted, and the same crawl command resumes it.
    """
    runs = [with_live_status(run, data_dir(ctx).jobs_dir) for run in crawl_runs(read_archive(ctx))]
    if as_json:
        click.echo(json.dumps(runs, ensure_ascii=False, indent=2))
        return
    if not runs:
        click.echo("no crawls yet")
        return
    click.echo(_run_row(CRAWLS_HEADER))
    for run in runs:
        click.echo(_run_row({**run, "finished": run["finished"] or "-"}))
        for warning in run["warnings"]:
            click.echo(f"{'':>7}warning: {warning}")
        if run.get("resume"):
            click.echo(f"{'':>7}{run['resume']}")


CRAWLS_HEADER = {
    "id": "RUN",
    "started": "STARTED",
    "finished": "FINISHED",
    "status": "STATUS",
    "mode": "MODE",
    "pages_fetched": "PAGES",
    "articles_new": "NEW",
    "articles_updated": "UPDATED",
    "articles_unchanged": "UNCHANGED",
    "errors": "ERRORS",
    "sites": ["SITES"],
}


def _run_row(run: dict[str, Any]) -> str:
    return (
        f"{run['id']:>5}  {run['started']:<25}  {run['finished']:<25}  "
        f"{run['status']:<11}  {run['mode']:<11}  {run['pages_fetched']:>7}  "
        f"{run['articles_new']:>6}  {run['articles_updated']:>7}  {run['articles_unchanged']:>9}  "
        f"{run['errors']:>6}  {' '.join(run['sites'])}"
    )


@click.command()
@click.argument("run_id", metavar="RUN", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--failures", is_flag=True, help="List each page that could not be fetched, with the reason."
)
@click.pass_context
def report(ctx: click.Context, run_id: int, as_json: bool, failures: bool) -> None:
    """What crawl RUN did per site and in total: pages, articles new / updated / unchanged,
    errors, articles archived without a title, date, author or body, failures by reason,
    bytes, duration and pages per second.

    A failure is permanent for the run: the page failed after its retries (or
    at once, when retrying could not help). Errors a retry got past are counted
    as `retried` in the JSON report, not as failures.
    """
    figures = run_report(read_archive(ctx), run_id)
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    if failures:
        failed = [
            (key, page)
            for key, stats in figures["sites"].items()
            # Runs recorded before failed pages were kept have none.
            for page in stats.get("failed", [])
        ]
        for key, page in failed:
            click.echo(f"{key:<12} {page['reason']:<20} {page['url']}")
        if not failed:
            click.echo(f"no failures in crawl {figures['id']}")
        return
    click.echo(
        f"crawl {figures['id']} ({figures['status']}), {figures['mode']}, "
        f"started {figures['started']}, finished {figures['finished'] or '-'}"
    )
    for key, stats in [*figures["sites"].items(), ("total", figures["totals"])]:
        click.echo(_site_row(key, stats, measured=True))
    for warning in figures["warnings"]:
        click.echo(f"  warning: {warning}")
