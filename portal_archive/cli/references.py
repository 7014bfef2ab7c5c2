"""Commands about the legal documents articles cite: which, how often, by whom."""

from __future__ import annotations

import click

from archive.dates import PORTAL_TZ
from archive.references import (
    CitedDocument,
    CitingArticle,
    cited_documents,
    citing_articles,
    find_reference,
    relink_archive,
)
from portal_archive.cli.common import counted, data_dir, fail, read_archive, write_archive
from portal_archive.cli.setup import shown

# Titles and URLs come from crawled pages: shown whole up to this many characters.
TITLE_CHARS = 200
URL_CHARS = 1000


@click.group("refs", invoke_without_command=True)
@click.option("--kind", metavar="ABBR", help="Only documents of this kind: QĐ, NQ, CV, KH, …")
@click.option("--issuer", metavar="ABBR", help="Only documents of this issuer: UBND, CP, TTg, …")
@click.option("--year", type=int, help="Only documents numbered in this year.")
@click.pass_context
def refs(ctx: click.Context, kind: str | None, issuer: str | None, year: int | None) -> None:
    """The legal documents the archive's articles cite, most cited first, with how many
    articles cite each. `refs show KEY` lists those articles."""
    if ctx.invoked_subcommand is not None:
        return
    with read_archive(ctx).sessions() as session:
        documents = cited_documents(session, kind=kind, issuer=issuer, year=year)
        if not documents:
            click.echo("no cited documents")
        for document in documents:
            click.echo(_document_line(document))


@refs.command("show")
@click.argument("key")
@click.pass_context
def show(ctx: click.Context, key: str) -> None:
    """The articles citing the document KEY (as in 81/2004/QĐ-UB; any case, diacritics
    optional), oldest first."""
    with read_archive(ctx).sessions() as session:
        reference = find_reference(session, key)
        if reference is None:
            fail(f"no article cites a document numbered {key!r}")
        articles = citing_articles(session, reference)
        click.echo(
            f"{reference.key}: {reference.kind_name or reference.kind}"
            f" {reference.number}{f' of {reference.year}' if reference.year else ''}"
            f", issued by {reference.issuer or 'unknown'};"
            f" cited by {counted(len(articles), 'article')}"
        )
        for article in articles:
            click.echo(_citing_line(article))


@refs.command("relink")
@click.pass_context
def relink(ctx: click.Context) -> None:
    """Find the documents every archived article cites again, then rebuild the search
    index: for an archive crawled before references were recorded."""
    from portal_archive.cli.maintenance import index_all

    archive = write_archive(ctx)
    click.echo(f"{counted(relink_archive(archive), 'article')} relinked")
    index_all(archive, data_dir(ctx))


def _document_line(document: CitedDocument) -> str:
    reference = document.reference
    return "\t".join(
        [
            reference.key,
            reference.kind,
            str(reference.year or "-"),
            reference.issuer or "-",
            counted(document.articles, "article"),
        ]
    )


def _citing_line(article: CitingArticle) -> str:
    published = (
        article.published.astimezone(PORTAL_TZ).strftime("%Y-%m-%d %H:%M")
        if article.published
        else "undated"
    )
    return "\t".join(
        [
            published,
            article.site_key,
            shown(article.title or "(no title)", TITLE_CHARS),
            shown(article.url, URL_CHARS),
            ",".join(article.places),
        ]
    )
