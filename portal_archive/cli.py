"""The ``portal-archive`` command line: crawl portals; search, inspect and export the archive."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import click

from archive.datadir import DATA_ENV, DataDir
from archive.dates import local_iso
from archive.db import ArchiveError, open_archive
from archive.export import (
    EXPORT_FORMATS,
    TEXT_WRITERS,
    ExportFilter,
    iter_article_records,
    iter_articles,
    write_parquet,
)
from archive.sites import (
    ConfigError,
    adhoc_site,
    is_site_url,
    load_sites,
    select_sites,
    write_sites,
)
from archive.stats import archive_stats, articles_without, crawl_runs, run_report
from search.errors import IndexLockedError, QueryError
from search.query import matching_article_ids, search

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
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log, not only progress.")
@click.pass_context
def crawl(
    ctx: click.Context,
    config_path: Path,
    sites: tuple[str, ...],
    no_profiles: bool,
    delay: float | None,
    overrides: tuple[str, ...],
    verbose: bool,
    full: bool,
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
    """
    # Scrapy is slow to import; only crawl needs it.
    from crawler.context import NO_PROFILES_SETTING
    from crawler.discovery import detect_site_family
    from crawler.politeness import STALLED
    from crawler.runner import run_crawl

    start_urls = [site for site in sites if is_site_url(site)]
    keys = tuple(site for site in sites if not is_site_url(site))
    selected = select_sites(load_sites(config_path), keys) if keys or not start_urls else []
    if start_urls:
        selected += [adhoc_site(url, detect_site_family(url)) for url in start_urls]
        # The spiders read their site from a config file, so the ad-hoc sites get one.
        config_path = write_sites(data_dir(ctx).root / "adhoc-sites.toml", selected)
    settings: dict[str, Any] = {
        "LOG_LEVEL": "INFO" if verbose else "WARNING",
        NO_PROFILES_SETTING: no_profiles,
        "PORTAL_FULL": full,
    }
    if delay is not None:
        settings |= {"DOWNLOAD_DELAY": delay, "AUTOTHROTTLE_START_DELAY": max(delay, 0.1)}
    if contact:
        settings["PORTAL_CONTACT"] = contact
    settings |= parse_overrides(overrides)
    outcome = run_crawl(data_dir(ctx), config_path, selected, settings)
    print_crawl_summary(outcome.run_id, outcome.status, outcome.site_stats, outcome.totals)
    if outcome.status == STALLED:
        stalled = [
            key for key, stats in outcome.site_stats.items() if stats["finish_reason"] == STALLED
        ]
        fail(
            f"crawl {outcome.run_id} stalled: {', '.join(stalled)} sent no response for "
            "PORTAL_STALL_TIMEOUT seconds with requests pending, so the crawl stopped"
        )
    unreachable = [
        f"{key}: nothing fetched ({', '.join(stats['failures']) or 'no page answered'})"
        for key, stats in outcome.site_stats.items()
        # A resumed run may have had nothing left to fetch for a site.
        if stats["pages_fetched"] == 0 and not stats.get("resumed")
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
            f"  {key:<12} {stats.get('mode', ''):<11} {stats['pages_fetched']:>6} pages  "
            f"{stats['articles_new']:>5} new  "
            f"{stats['articles_updated']:>5} updated  {stats['articles_unchanged']:>5} unchanged  "
            f"{stats['errors']:>4} errors"
            + _without(stats.get("articles_without", {}))
            + (f"  ({failures})" if failures else "")
        )
    click.echo(
        f"  {'total':<24} {totals['pages_fetched']:>6} pages  {totals['articles_new']:>5} new  "
        f"{totals['articles_updated']:>5} updated  {totals['articles_unchanged']:>5} unchanged  "
        f"{totals['errors']:>4} errors" + _without(articles_without(site_stats.values()))
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
@click.option(
    "--all-copies",
    is_flag=True,
    help="Show republished copies as hits of their own, not listed under the original.",
)
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
    all_copies: bool = False,
) -> None:
    """Search the archive. Diacritics are optional: `dau an` finds "Dấu ấn".

    Words are all required; "quoted words" are a phrase. An article republished
    on other sites is one hit, with its copies listed under it.
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
        all_copies=all_copies,
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
        for copy in hit.copies:
            click.echo(f"   also at {copy}")


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
@click.option("--json", "as_json", is_flag=True, help="Print the runs as a JSON list.")
@click.pass_context
def crawls(ctx: click.Context, as_json: bool) -> None:
    """List the crawl runs: when, how they ended, their sites, pages and articles."""
    runs = crawl_runs(open_archive(data_dir(ctx).db_url))
    if as_json:
        click.echo(json.dumps(runs, ensure_ascii=False, indent=2))
        return
    for run in runs:
        click.echo(
            f"{run['id']:>5}  {run['started']}  {run['finished'] or '-':<25}  "
            f"{run['status']:<11} {run['pages_fetched']:>7} pages  {run['articles_new']:>6} new  "
            f"{run['articles_updated']:>5} updated  {run['articles_unchanged']:>6} unchanged  "
            f"{run['errors']:>5} errors  {' '.join(run['sites'])}"
        )


@main.command()
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
    figures = run_report(open_archive(data_dir(ctx).db_url), run_id)
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    if failures:
        for key, stats in figures["sites"].items():
            for failed in stats.get("failed", []):
                click.echo(f"{key:<12} {failed['reason']:<20} {failed['url']}")
        return
    click.echo(
        f"crawl {figures['id']} ({figures['status']}), {figures['mode']}, "
        f"started {figures['started']}, finished {figures['finished'] or '-'}"
    )
    for key, stats in [*figures["sites"].items(), ("total", figures["totals"])]:
        failures = ", ".join(f"{reason} x{count}" for reason, count in stats["failures"].items())
        # Runs recorded before reports existed have no bytes or duration per site.
        duration = stats.get("duration_s")
        click.echo(
            f"  {key:<12} {stats.get('mode', ''):<11} {stats['pages_fetched']:>6} pages  "
            f"{stats['articles_new']:>5} new  "
            f"{stats['articles_updated']:>5} updated  {stats['articles_unchanged']:>5} unchanged  "
            f"{stats.get('bytes', 0):>10} bytes  "
            f"{'-' if duration is None else f'{duration:.1f}':>7} s  "
            f"{stats.get('pages_per_s', 0.0):>6.1f} pages/s  {stats['errors']:>4} errors"
            + _without(stats.get("articles_without", {}))
            + (f"  ({failures})" if failures else "")
        )


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="jsonl", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output (required for parquet).",
)
@click.option("--query", help="Only articles this search matches (copies included).")
@click.option("--site", help="Only this site key.")
@click.option(
    "--from", "date_from", callback=parse_day, metavar="YYYY-MM-DD", help="Published from this day."
)
@click.option(
    "--to", "date_to", callback=parse_day, metavar="YYYY-MM-DD", help="Published up to this day."
)
@click.pass_context
def export(
    ctx: click.Context,
    fmt: str,
    output: Path | None,
    query: str | None,
    site: str | None,
    date_from: date | None,
    date_to: date | None,
) -> None:
    """Export articles as JSON Lines, CSV or Parquet, streamed in batches.

    Fields: url, site, title, published, updated, author, category, summary,
    body, language, missing, profile, images, duplicate_of, content_hash,
    first_seen, last_seen. A JSON Lines export can be loaded with `import`.
    """
    directory = data_dir(ctx)
    ids = None
    if query is not None:
        ids = matching_article_ids(
            directory.index_dir, query, site=site, date_from=date_from, date_to=date_to
        )
    filters = ExportFilter(site=site, date_from=date_from, date_to=date_to, article_ids=ids)
    records = iter_article_records(open_archive(directory.db_url), filters)
    if fmt == "parquet":
        if output is None:
            fail("parquet is a binary format: name a file with -o FILE")
        count = write_parquet(records, output)
    elif output is None:
        TEXT_WRITERS[fmt](records, sys.stdout)
        return
    else:
        with output.open("w", encoding="utf-8", newline="") as handle:
            count = TEXT_WRITERS[fmt](records, handle)
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
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
              help="Port to listen on (0: any free port).")  # fmt: skip
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve the web interface for researchers: search with filters, a timeline, reading."""
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from search.web import ThreadingWSGIServer, make_app

    directory = data_dir(ctx)
    app = make_app(directory.index_dir, open_archive(directory.db_url))
    with make_server(host, port, app, ThreadingWSGIServer, WSGIRequestHandler) as server:
        click.echo(f"serving {directory.root} at http://{host}:{server.server_port}/", nl=True)
        sys.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            click.echo("stopped")


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


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def import_command(ctx: click.Context, file: Path) -> None:
    """Load a JSON Lines export (from `export`) into an empty archive, then index it.

    Every record is checked against its content_hash; export → import → export
    gives the same file.
    """
    from archive.importer import import_jsonl

    result = import_jsonl(open_archive(data_dir(ctx).db_url), file)
    click.echo(f"{result.articles} articles of {result.sites} sites imported from {file}")
    ctx.invoke(reindex)


@main.command()
@click.argument("url")
@click.option(
    "--raw", is_flag=True, help="Print the archived HTTP response (head and bytes) from its WARC."
)
@click.pass_context
def show(ctx: click.Context, url: str, raw: bool) -> None:
    """Show the archived article at URL, or with --raw the bytes the portal sent.

    --raw works for any fetched URL (robots.txt, listings, attachments), not
    only articles; an unchanged re-fetch (a WARC revisit) shows the bytes of
    the capture it repeats.
    """
    from archive.inspect import archived_response, find_article

    directory = data_dir(ctx)
    archive = open_archive(directory.db_url)
    if raw:
        stored = archived_response(archive, directory.warc_dir, url)
        sys.stdout.buffer.write(stored.http_bytes)
        sys.stdout.buffer.flush()
        return
    with archive.sessions() as session:
        article = find_article(session, url)
        click.secho(article.title or "(no title)", bold=True)
        click.echo(f"{article.site_key} · {local_iso(article.published) or 'undated'}")
        click.echo(f"author: {article.author or '-'}   category: {article.category or '-'}")
        click.echo(f"url: {article.url}")
        if article.duplicate_of_url:
            click.echo(f"copy of: {article.duplicate_of_url}")
        click.echo(f"versions: {len(article.versions)}   content hash: {article.content_hash}")
        click.echo("")
        click.echo(article.body)


@main.command()
@click.argument("url")
@click.pass_context
def history(ctx: click.Context, url: str) -> None:
    """List the versions of the article at URL, with the date each was captured and a diff of
    its text (title and body) against the version before."""
    from archive.inspect import version_history

    article, versions = version_history(open_archive(data_dir(ctx).db_url), url)
    click.echo(f"{article.url}: {len(versions)} versions")
    for version in versions:
        click.secho(
            f"version {version.number}  {local_iso(version.captured_at)}  {version.title}",
            bold=True,
        )
        for line in version.diff:
            click.echo(line)


@main.command()
@click.pass_context
def verify(ctx: click.Context) -> None:
    """Check that database, search index and WARC files agree.

    Every article must be indexed with its current text, every index entry
    must be an article, and every capture's WARC record must be readable with
    the digest recorded for it. Prints each problem; exits 1 if there is any.
    """
    from archive.verify import verify_archive
    from search.indexer import ArticleIndex

    directory = data_dir(ctx)
    indexed = ArticleIndex(directory.index_dir).indexed_hashes()
    report = verify_archive(open_archive(directory.db_url), indexed, directory.warc_dir)
    for problem in report.problems:
        click.echo(str(problem))
    summary = (
        f"{report.articles} articles, {report.index_entries} index entries, "
        f"{report.captures} WARC records checked"
    )
    if not report.ok:
        fail(f"{len(report.problems)} problems in the archive ({summary})")
    click.echo(f"archive consistent: {summary}")


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
@click.pass_context
def cdx(ctx: click.Context, output: Path | None) -> None:
    """Write a CDXJ index of the archive's WARC files (as pywb and OpenWayback read it).

    One line per response or revisit record: SURT key, 14-digit timestamp, and
    JSON with url, mime, status, digest, filename, offset and length.
    """
    from archive.warc import cdxj_lines

    lines = cdxj_lines(data_dir(ctx).warc_dir)
    if output is None:
        for line in lines:
            click.echo(line)
        return
    with output.open("w", encoding="utf-8") as handle:
        count = sum(1 for line in lines if handle.write(line + "\n"))
    click.echo(f"{count} records indexed in {output}", err=True)


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
