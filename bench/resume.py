"""Crash figures: SIGKILL the crawl at random points, resume it each time, and check the archive.

    python -m bench.resume [--articles 5000] [--seed 1] [--kills 3] [--no-baseline]

Crawls the testbed with the real command line in a subprocess, kills it
(SIGKILL, no chance to clean up) once a random number of articles is stored,
runs the same command again, and so on ``--kills`` times before letting it
finish. Prints the gold articles against what the archive holds (missing,
unexpected, extra versions), the WARC files and whether ``warcio check``
passes on all of them, the wall time, and the requests made against an
uninterrupted crawl of the same testbed.
"""

from __future__ import annotations

import argparse
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from archive.db import Archive, open_archive_read_only, sqlite_url
from archive.models import Article, ArticleVersion
from archive.stats import crawl_runs
from archive.urls import canonical_url
from archive.warc import warc_files
from testbed import Testbed

WARCIO = Path(sys.executable).with_name("warcio")
POLL_SECONDS = 0.05


def crawl_command(data: Path, config: Path) -> list[str]:
    """``portal-archive crawl`` of every site of ``config``, as a user would run it."""
    return [sys.executable, "-m", "portal_archive", "--data", str(data),
            "crawl", "--config", str(config), "--delay", "0"]  # fmt: skip


def start_crawl(data: Path, config: Path, log: Path) -> subprocess.Popen[bytes]:
    """The crawl in the background, its output going to ``log`` (a pipe nobody reads fills up)."""
    with log.open("ab") as output:
        return subprocess.Popen(crawl_command(data, config), stdout=output, stderr=output)


def reported_new(data: Path) -> int:
    """The new articles the report of the (one) run counts, over all its parts."""
    archive = open_archive_read_only(sqlite_url(data / "archive.sqlite3"))
    [run] = crawl_runs(archive)
    return int(run["articles_new"])


def db_count(data: Path, table: str) -> int:
    """Rows of ``table`` now, read-only; 0 while the crawl has not created it."""
    path = data / "archive.sqlite3"
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as connection:
            return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def wait_until_stored(process: subprocess.Popen[bytes], data: Path, articles: int) -> bool:
    """Waits until the crawl stored ``articles``; False if it ended before."""
    while process.poll() is None:
        if db_count(data, "article") >= articles:
            return True
        time.sleep(POLL_SECONDS)
    return False


def kill_when_stored(process: subprocess.Popen[bytes], data: Path, articles: int) -> bool:
    """SIGKILLs the crawl once it stored ``articles``; False if it ended before."""
    if not wait_until_stored(process, data, articles):
        return False
    process.send_signal(signal.SIGKILL)
    process.wait()
    return True


@dataclass(frozen=True)
class Census:
    gold: int
    archived: int
    missing: int
    unexpected: int
    extra_versions: int


def census(archive: Archive, gold: list[dict[str, Any]]) -> Census:
    """The gold articles against the archive's: each exactly once, with one version."""
    with archive.sessions() as session:
        archived = set(session.scalars(select(Article.url)))
        versions = Counter(session.scalars(select(ArticleVersion.article_id)))
    wanted = {canonical_url(record["url"]) for record in gold}
    return Census(
        gold=len(wanted),
        archived=len(archived),
        missing=len(wanted - archived),
        unexpected=len(archived - wanted),
        extra_versions=sum(count - 1 for count in versions.values()),
    )


def local_archive(data: Path) -> Archive:
    """The SQLite archive of the data directory ``data``, read-only."""
    return open_archive_read_only(sqlite_url(data / "archive.sqlite3"))


def warcio_check(warc_dir: Path) -> tuple[int, subprocess.CompletedProcess[str]]:
    """How many WARC files there are, and ``warcio check`` run on all of them."""
    files = warc_files(warc_dir)
    checked = subprocess.run(
        [str(WARCIO), "check", *map(str, files)], capture_output=True, text=True
    )
    return len(files), checked


def crawl_with_kills(
    data: Path, config: Path, kill_points: list[int]
) -> tuple[list[int], subprocess.CompletedProcess[str]]:
    """Kills the crawl at each number of stored articles, then lets it finish; returns the
    points it was really killed at and the last run."""
    killed = []
    for point in kill_points:
        if kill_when_stored(start_crawl(data, config, data.parent / "killed.log"), data, point):
            killed.append(point)
    last = subprocess.run(crawl_command(data, config), capture_output=True, text=True)
    return killed, last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--no-baseline", action="store_true", help="Skip the uninterrupted crawl.")
    options = parser.parse_args()
    rng = random.Random(options.seed)
    kill_points = sorted(rng.randrange(1, options.articles) for _ in range(options.kills))
    with tempfile.TemporaryDirectory() as tmp, Testbed(options.articles, options.seed) as testbed:
        workdir = Path(tmp)
        config = workdir / "sites.toml"
        testbed.write_sites(config)
        gold = testbed.gold()
        data = workdir / "killed"
        started = time.perf_counter()
        killed, last = crawl_with_kills(data, config, kill_points)
        wall = time.perf_counter() - started
        figures = census(local_archive(data), gold)
        files, checked = warcio_check(data / "warc")
        print(f"killed at {killed} stored articles (planned {kill_points})")
        print(f"last run: exit {last.returncode}, {last.stdout.strip().splitlines()[:1]}")
        print(f"gold articles   {figures.gold}")
        print(f"archived        {figures.archived}")
        print(f"missing         {figures.missing}")
        print(f"unexpected      {figures.unexpected}")
        print(f"extra versions  {figures.extra_versions}")
        print(f"WARC files      {files}")
        print(f"warcio check    {'ok' if checked.returncode == 0 else checked.stdout[-500:]}")
        print(f"wall time       {wall:.1f} s")
        print(f"requests        {db_count(data, 'capture')}")
        print(f"report counts   {reported_new(data)} new articles (saved every 2 s)")
        if not options.no_baseline:
            baseline = workdir / "baseline"
            started = time.perf_counter()
            subprocess.run(crawl_command(baseline, config), capture_output=True, check=True)
            print(
                f"uninterrupted   {time.perf_counter() - started:.1f} s, "
                f"{db_count(baseline, 'capture')} requests"
            )


if __name__ == "__main__":
    main()
