"""The ``search`` command and the options it shares with ``export``.

Kept apart from the other commands of researchers, with only what a search
needs imported: a search from the command line starts in well under a second.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar, cast

import click

from portal_archive.cli.common import counted, data_dir, day_range_options, read_archive
from search.filters import SearchFilters
from search.query import (
    DEFAULT_TIME_LIMIT,
    PERIODS,
    SORTS,
    Period,
    SearchResults,
    Sort,
    search,
)

F = TypeVar("F", bound=Callable[..., Any])
# Characters of the longest bar of a histogram.
BAR_WIDTH = 40


def search_filter_options(command: F) -> F:
    """``--site`` (repeatable), ``--from``/``--to``, ``--author``, ``--category``,
    ``--language``, ``--with-documents``/``--without-documents`` and ``--document-type``,
    handed to the command as one ``filters`` value."""

    @functools.wraps(command)
    def with_filters(
        *args: Any,
        site: tuple[str, ...],
        date_from: date | None,
        date_to: date | None,
        author: str | None,
        category: str | None,
        language: str | None,
        has_documents: bool | None,
        document_type: str | None,
        **kwargs: Any,
    ) -> Any:
        filters = SearchFilters(
            sites=site,
            date_from=date_from,
            date_to=date_to,
            author=author,
            category=category,
            language=language,
            has_documents=has_documents,
            document_type=document_type,
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
            click.option("--language", help="Only articles in this language (vi, en, …)."),
            click.option(
                "--with-documents/--without-documents",
                "has_documents",
                default=None,
                help="Only articles that attach documents, or only those that attach none.",
            ),
            click.option(
                "--document-type",
                help="Only articles attaching a document of this kind (pdf, doc, docx, xls, …).",
            ),
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
@click.option(
    "--facets",
    is_flag=True,
    help="Count the matches per site, category, author, year, language and document kind.",
)
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
    names = None
    if facets:
        # Only facets show site names, and only they need the database.
        from archive.export import site_names

        names = site_names(read_archive(ctx))
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
        site_names=names,
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
        if hit.document:
            click.echo(f"   in the attached file {hit.document}:")
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
