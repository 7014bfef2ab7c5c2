"""Commands of researchers: search, read and export the archive."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from archive.dates import PORTAL_TZ, local_iso
from archive.export import (
    EXPORT_FORMATS,
    TEXT_WRITERS,
    iter_article_records,
    site_names,
    write_parquet,
)
from archive.sites import load_sites
from archive.stats import archive_stats
from portal_archive.cli.common import (
    config_option,
    data_dir,
    day_range_options,
    fail,
    output_option,
    read_archive,
)
from search.filters import SearchFilters
from search.query import (
    DEFAULT_TIME_LIMIT,
    PERIODS,
    SORTS,
    Period,
    SearchResults,
    Sort,
    matching_article_ids,
    search,
)

F = TypeVar("F", bound=Callable[..., Any])
# Characters of the longest bar of a histogram.
BAR_WIDTH = 40


def counted(count: int, noun: str) -> str:
    """``count`` and ``noun``, plural unless there is one: "1 version", "2 versions"."""
    return f"{count} {noun if count == 1 else noun + 's'}"


def parse_moment(
    _ctx: click.Context, _param: click.Parameter, value: str | None
) -> datetime | None:
    """An ISO 8601 date or time; without an offset it is portal time, as the archive shows."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a time like 2020-12-25T09:04") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=PORTAL_TZ)


def search_filter_options(command: F) -> F:
    """``--site`` (repeatable), ``--from``/``--to``, ``--author`` and ``--category``, handed to
    the command as one ``filters`` value."""

    @functools.wraps(command)
    def with_filters(
        *args: Any,
        site: tuple[str, ...],
        date_from: date | None,
        date_to: date | None,
        author: str | None,
        category: str | None,
        **kwargs: Any,
    ) -> Any:
        filters = SearchFilters(
            sites=site, date_from=date_from, date_to=date_to, author=author, category=category
        )
        return command(*args, filters=filters, **kwargs)

    for option in reversed(
        (
            click.option(
                "--site", multiple=True, help="Only this site key (repeatable: any of them)."
            ),
            day_range_options,
            click.option("--author", help="Only articles signed by this author (its words)."),
            click.option("--category", help="Only this category."),
        )
    ):
        with_filters = option(with_filters)
    return cast(F, with_filters)


def exact_option(command: F) -> F:
    return click.option(
        "--exact", is_flag=True, help="Only words with the very diacritics typed: `bảo`, not `báo`."
    )(command)


@click.command("search")
@click.argument("query", nargs=-1, required=True)
@search_filter_options
@exact_option
@click.option("--sort", type=click.Choice(SORTS), default="relevance", show_default=True)
@click.option("-n", "--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--facets", is_flag=True, help="Count the matches per site, category, author, year.")
@click.option(
    "--histogram", type=click.Choice(PERIODS), help="Chart the matches per month or year."
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_TIME_LIMIT,
    show_default=True,
    help="Seconds a search may run; then it shows what it has found.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as a JSON object.")
@click.option(
    "--all-copies",
    is_flag=True,
    help="Show republished copies as hits of their own, not listed under the original.",
)
@click.pass_context
def search_command(
    ctx: click.Context,
    query: tuple[str, ...],
    filters: SearchFilters,
    exact: bool,
    sort: Sort,
    limit: int,
    page: int,
    facets: bool,
    histogram: Period | None,
    time_limit: float,
    as_json: bool,
    all_copies: bool = False,
) -> None:
    """Search the archive. Diacritics are optional: `dau an` finds "Dấu ấn".

    Words are all required; "quoted words" are a phrase. An article republished
    on other sites is one hit, with its copies listed under it, and is counted once.
    """
    results = search(
        data_dir(ctx).index_dir,
        " ".join(query),
        filters=filters,
        sort=sort,
        limit=limit,
        page=page,
        all_copies=all_copies,
        exact=exact,
        facets=facets,
        histogram=histogram,
        time_limit=time_limit,
        site_names=site_names(read_archive(ctx)) if facets else None,
    )
    if as_json:
        click.echo(json.dumps(results.to_dict(), ensure_ascii=False, indent=2))
        return
    _echo_results(results, limit)


def _echo_results(results: SearchResults, limit: int) -> None:
    matches = "matches" if results.total == 1 else "match"
    pages = f", page {results.page} of {results.pages}" if results.pages > 1 else ""
    click.echo(f"{counted(results.total, 'article')} {matches}{pages}")
    if results.timed_out:
        click.echo("(the search ran out of time: these are the matches found until then)")
    for rank, hit in enumerate(results.hits, start=(results.page - 1) * limit + 1):
        published = hit.to_dict()["published"] or "undated"
        click.secho(f"{rank}. {hit.title}", bold=True)
        click.echo(f"   {hit.site} · {published} · {hit.author or 'no author'}")
        click.echo(f"   {hit.url}")
        click.echo(f"   {hit.snippet}")
        for copy in hit.copies:
            click.echo(f"   also at {copy}")
    for name, counts in results.facets.items():
        click.echo(f"\n{name}:")
        for facet in counts:
            shown = facet.label if facet.label == facet.value else f"{facet.label} ({facet.value})"
            click.echo(f"  {facet.count:>7}  {shown}")
    if results.histogram:
        click.echo("")
        for line in bar_chart(results.histogram):
            click.echo(line)


def bar_chart(series: list[tuple[str, int]], width: int = BAR_WIDTH) -> list[str]:
    """One line per period: its label, a bar as long as its share of the largest, the count."""
    widest = max(count for _, count in series) or 1
    return [
        f"{period:<7} {'█' * round(width * count / widest):<{width}} {count}"
        for period, count in series
    ]


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Articles per site, their date range, and the last crawl."""
    figures = archive_stats(read_archive(ctx))
    if as_json:
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    click.echo(counted(figures["articles"], "article"))
    for site in figures["sites"]:
        span = f"{(site['earliest'] or '?')[:10]} … {(site['latest'] or '?')[:10]}"
        click.echo(f"  {site['site']:<12} {site['family']:<13} {site['articles']:>7}  {span}")
    run = figures["last_crawl"]
    if run:
        click.echo(
            f"last crawl {run['id']} ({run['status']}), started {run['started']}: "
            f"{counted(run['pages_fetched'], 'page')}, {run['articles_new']} new, "
            f"{run['articles_updated']} updated, {counted(run['errors'], 'error')}"
        )


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="jsonl", show_default=True
)
@output_option("Write to this file instead of standard output (required for parquet).")
@click.option("--query", help="Only articles this search matches (copies included).")
@exact_option
@search_filter_options
@click.pass_context
def export(
    ctx: click.Context,
    fmt: str,
    output: Path | None,
    query: str | None,
    exact: bool,
    filters: SearchFilters,
) -> None:
    """Export articles as JSON Lines, CSV or Parquet, streamed in batches.

    Fields: url, site, title, published, updated, author, source, category,
    summary, body, language, missing, profile, images, duplicate_of,
    content_hash, first_seen, last_seen, record_hash. A JSON Lines export can
    be loaded with `import`. The filters select what `search` would, copies
    included.
    """
    if exact and query is None:
        fail("--exact is about the words of a search: use it with --query")
    archive = read_archive(ctx)
    filters.check_sites(site_names(archive))
    ids = None
    if query is not None or filters.needs_index:
        ids = matching_article_ids(data_dir(ctx).index_dir, query, filters=filters, exact=exact)
    records = iter_article_records(archive, filters, ids)
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
    click.echo(f"{counted(count, 'article')} written to {output}", err=True)


@click.command()
@config_option("List the sites of this config instead of those in the archive.", default=None)
@click.pass_context
def sites(ctx: click.Context, config_path: Path | None) -> None:
    """List sites: those of a config, or those in the archive with their article counts."""
    if config_path is not None:
        for site in load_sites(config_path).values():
            click.echo(f"{site.key:<12} {site.family:<13} {site.base_url}  {site.name}")
        return
    archived = archive_stats(read_archive(ctx))["sites"]
    if not archived:
        click.echo("no sites yet: `crawl` or `import` adds them")
    for site in archived:
        click.echo(f"{site['site']:<12} {site['family']:<13} {site['articles']:>7}  {site['name']}")


@click.command()
@click.argument("url")
@click.option(
    "--raw", is_flag=True, help="Print the archived HTTP response (head and bytes) from its WARC."
)
@click.option(
    "--at",
    callback=parse_moment,
    metavar="TIMESTAMP",
    help="With --raw: the capture nearest this time, like 2020-12-25T09:04 (Vietnam time"
    " unless an offset is given). Default: the last capture.",
)
@click.pass_context
def show(ctx: click.Context, url: str, raw: bool, at: datetime | None) -> None:
    """Show the archived article at URL, or with --raw the bytes the portal sent.

    --raw works for any fetched URL (robots.txt, listings, attachments), not
    only articles; an unchanged re-fetch (a WARC revisit) shows the bytes of
    the capture it repeats.
    """
    if at is not None and not raw:
        fail("--at picks a capture: use it with --raw")
    from archive.inspect import archived_response, find_article

    directory = data_dir(ctx)
    archive = read_archive(ctx)
    if raw:
        stored = archived_response(archive, directory.warc_dir, url, at)
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


@click.command()
@click.argument("url")
@click.pass_context
def history(ctx: click.Context, url: str) -> None:
    """List the versions of the article at URL, with the date each was captured and a diff of
    its text (title and body) against the version before."""
    from archive.inspect import version_history

    article, versions = version_history(read_archive(ctx), url)
    click.echo(f"{article.url}: {counted(len(versions), 'version')}")
    for version in versions:
        click.secho(
            f"version {version.number}  {local_iso(version.captured_at)}  {version.title}",
            bold=True,
        )
        for line in version.diff:
            click.echo(line)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
              help="Port to listen on (0: any free port).")  # fmt: skip
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve the web interface for researchers: search with filters, a timeline, reading."""
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from search.web import ThreadingWSGIServer, make_app

    directory = data_dir(ctx)
    app = make_app(directory.index_dir, read_archive(ctx))
    with make_server(host, port, app, ThreadingWSGIServer, WSGIRequestHandler) as server:
        click.echo(f"serving {directory.root} at http://{host}:{server.server_port}/", nl=True)
        sys.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            click.echo("stopped")
