"""Commands that keep the archive whole: index, import, verify, CDX."""

from __future__ import annotations

from pathlib import Path

import click

from archive.export import iter_articles
from portal_archive.cli.common import data_dir, fail, read_archive, write_archive


@click.command()
@click.pass_context
def reindex(ctx: click.Context) -> None:
    """Rebuild the search index from the database (the source of truth)."""
    from search.indexer import ArticleIndex

    directory = data_dir(ctx)
    archive = write_archive(ctx)
    with archive.sessions() as session:
        count = ArticleIndex(directory.index_dir).rebuild(iter_articles(session))
    click.echo(f"{count} articles indexed in {directory.index_dir}")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def import_command(ctx: click.Context, file: Path) -> None:
    """Load a JSON Lines export (from `export`) into an empty archive, then index it.

    Every record is checked against its content_hash; export → import → export
    gives the same file.
    """
    from archive.importer import import_jsonl

    result = import_jsonl(write_archive(ctx), file)
    click.echo(f"{result.articles} articles of {result.sites} sites imported from {file}")
    ctx.invoke(reindex)


@click.command()
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
    report = verify_archive(read_archive(ctx), indexed, directory.warc_dir)
    for problem in report.problems:
        click.echo(str(problem))
    summary = (
        f"{report.articles} articles, {report.index_entries} index entries, "
        f"{report.captures} WARC records checked"
    )
    if not report.ok:
        fail(f"{len(report.problems)} problems in the archive ({summary})")
    click.echo(f"archive consistent: {summary}")


@click.command()
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
