"""The ``watch`` commands: saved searches, and the articles each newly matches."""

from __future__ import annotations

import json
import shlex
from datetime import datetime
from typing import Any

import click

from archive.dates import PORTAL_TZ, local_iso
from portal_archive.cli.common import counted, data_dir, fail, read_archive, write_archive
from portal_archive.cli.searching import exact_option, search_filter_options
from search.filters import SearchFilters
from search.watches import (
    CheckResult,
    Watch,
    WatchMatch,
    check_name,
    check_watches,
    current_matches,
    list_watches,
    remove_watch,
    save_watch,
    watch_matches,
)

# How each saved filter is written on the command line, to show a search as it was typed.
FILTER_OPTIONS = {
    "sites": "--site",
    "date_from": "--from",
    "date_to": "--to",
    "author": "--author",
    "category": "--category",
    "language": "--language",
    "document_type": "--document-type",
}


@click.group()
def watch() -> None:
    """Saved searches, and what is new for each of them.

    `watch add` saves a search and records what it matches now as its
    baseline. After every crawl, each saved search is run again and the
    articles it newly matches are recorded with the crawl's run; `watch show`
    lists them, and `serve` publishes them as an Atom feed at
    /feeds/NAME.atom.
    """


@watch.command("add")
@click.argument("name")
@click.argument("query", nargs=-1)
@search_filter_options
@exact_option
@click.pass_context
def add(
    ctx: click.Context, name: str, query: tuple[str, ...], filters: SearchFilters, exact: bool
) -> None:
    """Save the search QUERY, with its filters, as NAME.

    NAME is a short name of letters, digits, '-' and '_' (it is part of the
    feed's URL). QUERY is written as for `search`; without one, the filters
    alone select the articles (`watch add sgd --site sgd`). What the search
    matches now is recorded as its baseline: the articles matching it later
    are what is new.
    """
    check_name(name)
    text = " ".join(query) or None
    if exact and text is None:
        fail("--exact is about the words of a search: give a QUERY")
    baseline = current_matches(data_dir(ctx).index_dir, text, filters, exact=exact)
    save_watch(write_archive(ctx), name, text, filters, exact, baseline)
    click.echo(
        f"saved search {name}: {counted(len(baseline), 'article')} match it now;"
        " every crawl records the new ones"
    )


@watch.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the saved searches as JSON.")
@click.pass_context
def list_command(ctx: click.Context, as_json: bool) -> None:
    """List the saved searches: name, matches (new since saved), newest match, last checked,
    and the search with its filters."""
    summaries = list_watches(read_archive(ctx))
    if as_json:
        rows = [
            {
                **_watch_json(summary.watch),
                "matches": summary.matches,
                "new": summary.new,
                "newest_match": local_iso(summary.newest),
            }
            for summary in summaries
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not summaries:
        click.echo("no saved searches yet: `watch add NAME QUERY` saves one")
        return
    click.echo(_list_row("NAME", "MATCHES", "NEW", "NEWEST MATCH", "CHECKED", "SEARCH"))
    for summary in summaries:
        click.echo(
            _list_row(
                summary.watch.name,
                str(summary.matches),
                str(summary.new),
                _shown(summary.newest),
                _shown(summary.watch.checked_at),
                search_text(summary.watch),
            )
        )


def _list_row(name: str, matches: str, new: str, newest: str, checked: str, searched: str) -> str:
    return f"{name:<20} {matches:>7} {new:>5}  {newest:<16}  {checked:<16}  {searched}"


@watch.command("rm")
@click.argument("name")
@click.pass_context
def rm(ctx: click.Context, name: str) -> None:
    """Remove the saved search NAME and the matches recorded for it."""
    remove_watch(write_archive(ctx), name)
    click.echo(f"removed saved search {name}")


@watch.command("show")
@click.argument("name")
@click.option(
    "-n", "--limit", type=click.IntRange(1, 10_000), default=50, show_default=True,
    help="Show at most this many matches.",
)  # fmt: skip
@click.option(
    "--all", "with_baseline", is_flag=True,
    help="Include the baseline: what the search matched when it was saved.",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the search and its matches as JSON.")
@click.pass_context
def show(ctx: click.Context, name: str, limit: int, with_baseline: bool, as_json: bool) -> None:
    """The articles the saved search NAME newly matched, newest first: when each was found,
    when it was published, its site, title and URL."""
    found, matches = watch_matches(
        read_archive(ctx), name, limit=limit, with_baseline=with_baseline
    )
    if as_json:
        shown = {**_watch_json(found), "matches": [_match_json(match) for match in matches]}
        click.echo(json.dumps(shown, ensure_ascii=False, indent=2))
        return
    click.echo(f"{found.name}: {search_text(found)}")
    click.echo(f"saved {_shown(found.created_at)}, last checked {_shown(found.checked_at)}")
    if not matches:
        click.echo("no new matches yet" if not with_baseline else "no matches")
        return
    click.echo(_show_row("FOUND", "PUBLISHED", "SITE", "TITLE"))
    for match in matches:
        title = match.title or "(no title)"
        click.echo(_show_row(_shown(match.found_at), _shown(match.published), match.site, title))
        click.echo(_show_row("", "", "", match.url))


def _show_row(found: str, published: str, site: str, title: str) -> str:
    return f"{found:<16}  {published:<16}  {site:<12} {title}".rstrip()


@watch.command("check")
@click.argument("names", metavar="[NAME]...", nargs=-1)
@click.pass_context
def check(ctx: click.Context, names: tuple[str, ...]) -> None:
    """Run the saved searches (all, or those named) now and record their new matches.

    Crawls do this by themselves; this is for after a `reindex` or an `import`.
    """
    results = check_watches(write_archive(ctx), data_dir(ctx).index_dir, names=names or None)
    if not results:
        click.echo("no saved searches yet: `watch add NAME QUERY` saves one")
        return
    failed = echo_checks(results)
    if failed:
        fail(f"{failed} of {counted(len(results), 'saved search')} could not be checked")


def echo_checks(results: list[CheckResult]) -> int:
    """A line per saved search checked: how many new matches it got, or on stderr a warning
    why it could not run. Returns how many could not."""
    for result in results:
        if result.error is None:
            matches = "match" if result.new == 1 else "matches"
            click.echo(f"saved search {result.name}: {result.new} new {matches}")
        else:
            click.echo(
                f"Warning: saved search {result.name} was not checked: {result.error}", err=True
            )
    return sum(result.error is not None for result in results)


def search_text(found: Watch) -> str:
    """The saved search as it would be typed: its query, then its filters as options."""
    words = [shlex.quote(found.query)] if found.query else []
    for name, value in found.filters.to_json().items():
        if name == "has_documents":
            words.append("--with-documents" if value else "--without-documents")
            continue
        for each in value if isinstance(value, list) else [value]:
            words += [FILTER_OPTIONS[name], shlex.quote(str(each))]
    if found.exact:
        words.append("--exact")
    return " ".join(words)


def _watch_json(found: Watch) -> dict[str, Any]:
    return {
        "name": found.name,
        "query": found.query,
        "filters": found.filters.to_json(),
        "exact": found.exact,
        "created_at": local_iso(found.created_at),
        "checked_at": local_iso(found.checked_at),
    }


def _match_json(match: WatchMatch) -> dict[str, Any]:
    return {
        "found_at": local_iso(match.found_at),
        "run_id": match.run_id,
        "baseline": match.in_baseline,
        "published": local_iso(match.published),
        "site": match.site,
        "title": match.title,
        "url": match.url,
        "article_id": match.article_id,
    }


def _shown(moment: datetime | None) -> str:
    """A time in Vietnam time to the minute, as the archive's lists show it; "-" for none."""
    return "-" if moment is None else moment.astimezone(PORTAL_TZ).strftime("%Y-%m-%d %H:%M")
