"""Commands that keep the archive whole: reindex, indexer, import, verify, rebuild, CDX."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from pathlib import Path

import click
from sqlalchemy import func, select

from archive.datadir import DataDir
from archive.db import Archive
from archive.export import iter_articles
from archive.models import Article
from portal_archive.cli.common import (
    config_option,
    data_dir,
    fail,
    output_option,
    read_archive,
    write_archive,
)

# Often enough to show a long reindex is alive, rarely enough not to flood a log.
PROGRESS_EVERY_SECONDS = 5.0
# How soon the indexer notices it was asked to stop while it waits for the queue to fill.
STOP_CHECK_SECONDS = 0.1


class IndexingProgress:
    """A line on stderr every few seconds while articles are indexed, with the speed so far."""

    def __init__(self, total: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.total = total
        self.clock = clock
        self.started = clock()
        self.shown = self.started

    def __call__(self, count: int) -> None:
        now = self.clock()
        if now - self.shown < PROGRESS_EVERY_SECONDS:
            return
        self.shown = now
        click.echo(
            f"indexed {count} of {self.total} articles ({self.speed(count):.0f} articles/s)",
            err=True,
        )

    def elapsed(self) -> float:
        return self.clock() - self.started

    def speed(self, count: int) -> float:
        return count / max(self.elapsed(), 1e-9)


def index_all(archive: Archive, directory: DataDir) -> None:
    """Replaces the index of ``directory`` with every article of ``archive``."""
    from search.indexer import ArticleIndex

    with archive.sessions() as session:
        progress = IndexingProgress(session.scalar(select(func.count(Article.id))) or 0)
        count = ArticleIndex(directory.index_dir).rebuild(iter_articles(session), progress)
    click.echo(
        f"{count} articles indexed in {directory.index_dir} in {progress.elapsed():.1f} s"
        f" ({progress.speed(count):.0f} articles/s)"
    )


@click.command()
@click.pass_context
def reindex(ctx: click.Context) -> None:
    """Rebuild the search index from the database (the source of truth)."""
    index_all(write_archive(ctx), data_dir(ctx))


class SignalledStop:
    """Set by SIGINT or SIGTERM once installed; waits sleep in short steps, since a signal
    handler must not take the lock a ``threading.Event`` waits on."""

    def __init__(self) -> None:
        self.requested = False

    def install(self) -> None:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._request)

    def _request(self, _signum: int, _frame: object) -> None:
        self.requested = True

    def is_set(self) -> bool:
        return self.requested

    def wait(self, timeout: float | None = None) -> bool:
        deadline = time.monotonic() + (timeout or 0.0)
        while not self.requested and time.monotonic() < deadline:
            time.sleep(STOP_CHECK_SECONDS)
        return self.requested


@click.command()
@click.pass_context
def indexer(ctx: click.Context) -> None:
    """Index what crawls store, as they store it, until Ctrl-C or SIGTERM.

    Every crawl queues the articles it stores or changes in the database.
    `crawl` indexes them itself; crawls started with -s PORTAL_INDEX_IN_CRAWL=false (for
    example on several machines sharing one --db) leave them to this command: run one per
    archive, where its index is. Stopping it commits the batch it is writing; the rest stays
    queued for the next indexer.
    """
    from search.indexer import ArticleIndex
    from search.indexqueue import QueueIndexer

    stop = SignalledStop()
    stop.install()
    queue = QueueIndexer(write_archive(ctx), ArticleIndex(data_dir(ctx).index_dir))
    click.echo(f"indexing the queue of {queue.archive.display_url}; Ctrl-C stops", err=True)
    click.echo(f"{queue.follow(stop)} queued articles indexed")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def import_command(ctx: click.Context, file: Path) -> None:
    """Load a JSON Lines export (from `export`) into an empty archive, then index it.

    Every record is checked against its record_hash (all its fields) and its
    content_hash (title and body); export → import → export gives the same file.
    """
    from archive.importer import import_jsonl

    result = import_jsonl(write_archive(ctx), file)
    click.echo(f"{result.articles} articles of {result.sites} sites imported from {file}")
    ctx.invoke(reindex)


@click.command()
@click.pass_context
def verify(ctx: click.Context) -> None:
    """Check that database, search index and WARC files agree.

    Every article must be indexed once with its current text, every index
    entry must be an article, and every capture's WARC record must be
    readable with the digest recorded for it. Prints each problem; exits 1 if
    there is any; `reindex` repairs every index problem.
    """
    from archive.verify import verify_archive
    from search.indexer import index_entries

    directory = data_dir(ctx)
    archive = read_archive(ctx)
    report = verify_archive(archive, index_entries(directory.index_dir), directory.warc_dir)
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
    "--into",
    "target",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="New data directory to build (must not exist or be empty).",
)
@config_option("Sites config the archive was crawled with (each site's CMS family).")
@click.pass_context
def rebuild(ctx: click.Context, target: Path, config_path: Path) -> None:
    """Re-extract the archive from its WARC files into a new data directory.

    For a damaged or lost database: the WARC files are the ground truth. They
    are copied into TARGET with a new database and index; the data directory
    itself is left as it is. Crawl runs and their counters are not in the WARC
    files and are not rebuilt.
    """
    from archive.db import open_archive
    from archive.rebuild import rebuild_archive
    from archive.sites import load_sites

    sites = load_sites(config_path)
    new = DataDir.resolve(target)
    result = rebuild_archive(data_dir(ctx).warc_dir, new, sites)
    for url in result.unreadable:
        click.echo(f"unreadable article page: {url}", err=True)
    click.echo(
        f"{result.articles} articles, {result.documents} documents and {result.captures} "
        f"captures rebuilt from {result.warc_files} WARC files into {new.root}"
    )
    index_all(open_archive(new.db_url), new)


@click.command()
@output_option()
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
