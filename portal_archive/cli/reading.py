"""Commands of researchers: search, read and export the archive."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

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
    counted,
    data_dir,
    fail,
    output_option,
    read_archive,
)
from portal_archive.cli.searching import exact_option, search_filter_options
from portal_archive.registry import find_province, shipped_provinces
from search.filters import SearchFilters
from search.query import (
    matching_article_ids,
)

F = TypeVar("F", bound=Callable[..., Any])


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
    summary, body, language, missing, profile, images, attachments,
    duplicate_of, content_hash, first_seen, last_seen, record_hash.
    Attachments carry their documents' text. A JSON Lines export can be
    loaded with `import`. The filters select what `search` would, copies
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


@click.group(invoke_without_command=True)
@config_option("List the sites of this config instead of those in the archive.", default=None)
@click.option(
    "--registry",
    "province",
    metavar="[PROVINCE|FILE.toml]",
    is_flag=False,
    flag_value="",
    help="List the registry's provinces, or with a province the sites on record for it.",
)
@click.pass_context
def sites(ctx: click.Context, config_path: Path | None, province: str | None) -> None:
    """List sites: those of a config, of the registry, or those in the archive with their
    article counts. `sites add URL` probes a portal and adds it to a config."""
    if ctx.invoked_subcommand is not None:
        return
    if province is not None:
        _list_registry(province)
        return
    if config_path is not None:
        for site in load_sites(config_path).values():
            click.echo(f"{site.key:<12} {site.family:<13} {site.base_url}  {site.name}")
        return
    archived = archive_stats(read_archive(ctx))["sites"]
    if not archived:
        click.echo("no sites yet: `crawl` or `import` adds them")
    for site in archived:
        click.echo(f"{site['site']:<12} {site['family']:<13} {site['articles']:>7}  {site['name']}")


def _list_registry(province: str) -> None:
    """The provinces of the registry, or one province's sites: key, kind, family (``-``: read
    as generic), evidence, parent, start URL, name."""
    if not province:
        for key, found in shipped_provinces().items():
            click.echo(f"{key:<14} {counted(len(found.sites), 'site'):>9}  {found.name}")
        return
    found = find_province(province)
    click.echo(f"{found.key}: {found.name}, {counted(len(found.sites), 'site')}")
    rows = [("KEY", "KIND", "FAMILY", "EVIDENCE", "PARENT", "URL", "NAME")]
    rows += [
        (s.key, s.kind, s.family or "-", s.evidence, s.parent or "-", s.url, s.name or "")
        for s in found.sites.values()
    ]
    for key, kind, family, evidence, parent, url, name in rows:
        click.echo(
            f"{key:<20} {kind:<12} {family:<13} {evidence:<9} {parent:<18} {url}  {name}".rstrip()
        )


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
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="Also answer requests for this Host name (repeatable), such as a proxy's;"
    " by default only the address listened on, 127.0.0.1 and localhost.",
)
@click.option(
    "--allow-remote", is_flag=True, help="Allow listening on an address other machines reach."
)
@click.pass_context
def serve(
    ctx: click.Context, host: str, port: int, allowed_hosts: tuple[str, ...], allow_remote: bool
) -> None:
    """Serve the web interface for researchers: search with facets, a histogram and exports;
    articles with their versions, copies and archived captures."""
    from portal_archive.web import WebConfig, create_app
    from portal_archive.web.config import LOCAL_HOSTS
    from portal_archive.web.server import is_loopback, listening_socket, run

    if not is_loopback(host):
        if not allow_remote:
            fail(f"{host} is reachable from other machines: add --allow-remote to listen on it")
        click.echo(
            f"warning: serving on {host}: anyone who reaches it can read the archive", err=True
        )
    directory = data_dir(ctx)
    config = WebConfig(
        archive=read_archive(ctx),
        index_dir=directory.index_dir,
        warc_dir=directory.warc_dir,
        jobs_dir=directory.jobs_dir,
        allowed_hosts=tuple(dict.fromkeys((host, *LOCAL_HOSTS, *allowed_hosts))),
    )
    sock = listening_socket(host, port)
    click.echo(f"serving {directory.root} at http://{host}:{sock.getsockname()[1]}/")
    sys.stdout.flush()
    run(create_app(config), sock)
    click.echo("stopped")
