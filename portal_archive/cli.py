"""The ``portal-archive`` command line: crawl portals; search, inspect and export the archive."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import click

from archive.datadir import DATA_ENV, DataDir
from archive.db import ArchiveError, open_archive
from archive.export import iter_article_records, iter_articles, write_jsonl
from archive.sites import ConfigError, load_sites, select_sites
from archive.stats import archive_stats
from search.errors import IndexLockedError, QueryError
from search.query import search

# Errors a user can fix; they become one line on stderr and exit code 1.
USER_ERRORS = (ConfigError, ArchiveError, QueryError, IndexLockedError, OSError)


def fail(message: str) -> NoReturn:
    raise click.ClickException(message)


class PortalArchiveGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except USER_ERRORS as exc:
            fail(str(exc))


def data_dir(ctx: click.Context) -> DataDir:
    return ctx.find_object(DataDir)


def parse_overrides(values: tuple[str, ...]) -> dict[str, str]:
    overrides = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name:
            fail(f"-s takes NAME=VALUE, not {value!r}")
        overrides[name] = setting
    return overrides


@click.group(cls=PortalArchiveGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=DATA_ENV,
    help=f"Data directory (database, index, WARCs). Default: ${DATA_ENV} or ./data.",
)
@click.option(
    "--db", metavar="URL", help="SQLAlchemy database URL instead of DATA/archive.sqlite3."
)
@click.version_option(package_name="portal-archive")
@click.pass_context
def main(ctx: click.Context, data: Path | None, db: str | None) -> None:
    """Crawl, archive and search the articles of Vietnamese provincial government portals.

    Archivists run `crawl` over a sites config; researchers use `search`,
    `stats` and `export`. `demo` shows the whole flow on the offline testbed.
    """
    ctx.obj = DataDir.resolve(data, db)


@main.command()
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("sites.toml"),
    show_default=True,
    help="Sites config (TOML) naming each portal, its CMS family and start URLs.",
)
@click.argument("sites", nargs=-1)
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
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log, not only progress.")
@click.pass_context
def crawl(
    ctx: click.Context,
    config_path: Path,
    sites: tuple[str, ...],
    delay: float | None,
    overrides: tuple[str, ...],
    verbose: bool,
) -> None:
    """Crawl SITES of the config (all of them when none is named) into the archive.

    Every article found is extracted, stored and indexed; a crawl run again
    updates changed articles and adds nothing twice. Ctrl-C stops cleanly.
    """
    from crawler.runner import run_crawl  # Scrapy is slow to import; only crawl needs it.

    selected = select_sites(load_sites(config_path), sites)
    settings: dict[str, Any] = {"LOG_LEVEL": "INFO" if verbose else "WARNING"}
    if delay is not None:
        settings |= {"DOWNLOAD_DELAY": delay, "AUTOTHROTTLE_START_DELAY": max(delay, 0.1)}
    settings |= parse_overrides(overrides)
    outcome = run_crawl(data_dir(ctx), config_path, selected, settings)
    print_crawl_summary(outcome.run_id, outcome.status, outcome.site_stats, outcome.totals)
    unreachable = [
        f"{key}: nothing fetched ({', '.join(stats['failures']) or 'no page answered'})"
        for key, stats in outcome.site_stats.items()
        if stats["pages_fetched"] == 0
    ]
    if unreachable:
        fail("could not crawl " + "; ".join(unreachable))
    if outcome.status == "interrupted":
        fail(f"crawl {outcome.run_id} interrupted; run the same command again to continue")


def print_crawl_summary(
    run_id: int, status: str, site_stats: dict[str, dict[str, Any]], totals: dict[str, int]
) -> None:
    click.echo(f"crawl {run_id}: {status}")
    for key, stats in site_stats.items():
        failures = ", ".join(f"{reason} x{count}" for reason, count in stats["failures"].items())
        click.echo(
            f"  {key:<12} {stats['pages_fetched']:>6} pages  {stats['articles_new']:>5} new  "
            f"{stats['articles_updated']:>5} updated  {stats['articles_unchanged']:>5} unchanged  "
            f"{stats['errors']:>4} errors" + (f"  ({failures})" if failures else "")
        )
    click.echo(
        f"  {'total':<12} {totals['pages_fetched']:>6} pages  {totals['articles_new']:>5} new  "
        f"{totals['articles_updated']:>5} updated  {totals['articles_unchanged']:>5} unchanged  "
        f"{totals['errors']:>4} errors"
    )


def parse_day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2020-12-25") from None


@main.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--site", help="Only this site key.")
@click.option(
    "--from",
    "date_from",
    callback=parse_day,
    metavar="YYYY-MM-DD",
    help="Published on or after this day.",
)
@click.option(
    "--to",
    "date_to",
    callback=parse_day,
    metavar="YYYY-MM-DD",
    help="Published on or before this day.",
)
@click.option("--author", help="Only articles signed by this author.")
@click.option("--category", help="Only this category.")
@click.option("-n", "--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the hits as a JSON list.")
@click.pass_context
def search_command(
    ctx: click.Context,
    query: tuple[str, ...],
    site: str | None,
    date_from: date | None,
    date_to: date | None,
    author: str | None,
    category: str | None,
    limit: int,
    page: int,
    as_json: bool,
) -> None:
    """Search the archive. Diacritics are optional: `dau an` finds "Dấu ấn".

    Words are all required; "quoted words" are a phrase.
    """
    results = search(
        data_dir(ctx).index_dir,
        " ".join(query),
        site=site,
        date_from=date_from,
        date_to=date_to,
        author=author,
        category=category,
        limit=limit,
        page=page,
    )
    if as_json:
        click.echo(
            json.dumps([hit.to_dict() for hit in results.hits], ensure_ascii=False, indent=2)
        )
        return
    click.echo(f"{results.total} articles match")
    for rank, hit in enumerate(results.hits, start=(page - 1) * limit + 1):
        published = hit.to_dict()["published"] or "undated"
        click.secho(f"{rank}. {hit.title}", bold=True)
        click.echo(f"   {hit.site} · {published} · {hit.author or 'no author'}")
        click.echo(f"   {hit.url}")
        click.echo(f"   {hit.snippet}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Articles per site, their date range, and the last crawl."""
    figures = archive_stats(open_archive(data_dir(ctx).db_url))
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    click.echo(f"{figures['articles']} articles")
    for site in figures["sites"]:
        span = f"{(site['earliest'] or '?')[:10]} … {(site['latest'] or '?')[:10]}"
        click.echo(f"  {site['site']:<12} {site['family']:<13} {site['articles']:>7}  {span}")
    run = figures["last_crawl"]
    if run:
        click.echo(
            f"last crawl {run['id']} ({run['status']}), started {run['started']}: "
            f"{run['pages_fetched']} pages, {run['articles_new']} new, "
            f"{run['articles_updated']} updated, {run['errors']} errors"
        )


@main.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
@click.option("--site", help="Only this site key.")
@click.pass_context
def export(ctx: click.Context, fmt: str, output: Path | None, site: str | None) -> None:
    """Export articles, one JSON object per line (url, site, title, published, author, body, …)."""
    records = iter_article_records(open_archive(data_dir(ctx).db_url), site=site)
    if output is None:
        write_jsonl(records, sys.stdout)
        return
    with output.open("w", encoding="utf-8") as handle:
        count = write_jsonl(records, handle)
    click.echo(f"{count} articles written to {output}", err=True)


@main.command()
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="List the sites of this config instead of those in the archive.",
)
@click.pass_context
def sites(ctx: click.Context, config_path: Path | None) -> None:
    """List sites: those of a config, or those in the archive with their article counts."""
    if config_path is not None:
        for site in load_sites(config_path).values():
            click.echo(f"{site.key:<12} {site.family:<13} {site.base_url}  {site.name}")
        return
    for site in archive_stats(open_archive(data_dir(ctx).db_url))["sites"]:
        click.echo(f"{site['site']:<12} {site['family']:<13} {site['articles']:>7}  {site['name']}")


@main.command()
@click.pass_context
def reindex(ctx: click.Context) -> None:
    """Rebuild the search index from the database (the source of truth)."""
    from search.indexer import ArticleIndex

    directory = data_dir(ctx)
    archive = open_archive(directory.db_url)
    with archive.sessions() as session:
        count = ArticleIndex(directory.index_dir).rebuild(iter_articles(session))
    click.echo(f"{count} articles indexed in {directory.index_dir}")


@main.command()
@click.option(
    "--articles",
    type=click.IntRange(1, 50_000),
    default=300,
    show_default=True,
    help="Articles in the testbed portal.",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Testbed seed.")
@click.option(
    "--query",
    default="dau an nganh thong tin",
    show_default=True,
    help="The search to run at the end.",
)
@click.pass_context
def demo(ctx: click.Context, articles: int, seed: int, query: str) -> None:
    """Start the offline testbed portal, crawl it, show the stats and a search, stop it."""
    from portal_archive.demo import running_testbed

    directory = data_dir(ctx)
    demo_dir = directory.root / "demo"
    with running_testbed(demo_dir, articles=articles, seed=seed) as sites_config:
        click.echo(f"testbed running; sites config {sites_config}")
        ctx.invoke(
            crawl, config_path=sites_config, sites=(), delay=0.0, overrides=(), verbose=False
        )
    ctx.invoke(stats, as_json=False)
    click.echo(f"\n$ portal-archive search {query}")
    ctx.invoke(
        search_command,
        query=(query,),
        site=None,
        date_from=None,
        date_to=None,
        author=None,
        category=None,
        limit=3,
        page=1,
        as_json=False,
    )
