"""Distributed crawl figures: 1 worker against 2 on PostgreSQL and Redis, and a worker killed.

    python -m bench.distributed --db URL --redis URL [--articles 2000] [--seed 1] [--no-host-gate]

``--db`` names an empty PostgreSQL database (each crawl gets a fresh schema in
it, dropped afterwards) and ``--redis`` a Redis database that is flushed.
Crawls the testbed at delay 0 three times with the real command line: with one
worker, with two, and with two of which one is SIGKILLed once a quarter of the
articles is stored. For each it prints the wall time, pages per second, and the
gold articles against the archive (missing, unexpected, extra versions); for
the killed crawl, also what a second run of the same command added (nothing,
if no article was archived twice).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis
from sqlalchemy import create_engine, func, make_url, select, text

from archive.db import open_archive_read_only
from archive.errors import ArchiveError
from archive.models import Article
from bench.resume import Census, census
from testbed import Testbed

POLL_SECONDS = 0.2


def crawl_command(
    data: Path, config: Path, workers: int, settings: tuple[str, ...] = ()
) -> list[str]:
    """``portal-archive crawl --workers N`` as a user runs it; the database and Redis URLs come
    from the environment (``worker_environment``)."""
    overrides = [argument for setting in settings for argument in ("-s", setting)]
    return [sys.executable, "-m", "portal_archive", "--data", str(data),
            "crawl", "--config", str(config), "--delay", "0",
            "--workers", str(workers), *overrides]  # fmt: skip


def worker_environment(db_url: str, redis_url: str) -> dict[str, str]:
    return {**os.environ, "PORTAL_ARCHIVE_DB": db_url, "PORTAL_REDIS_URL": redis_url}


@contextmanager
def fresh_database(admin_url: str, name: str) -> Iterator[str]:
    """A new database ``name`` on the server of ``admin_url``, dropped afterwards."""
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def stored_articles(db_url: str) -> int:
    try:
        archive = open_archive_read_only(db_url)
    except ArchiveError:
        # The coordinator has not created the schema yet.
        return 0
    with archive.sessions() as session:
        return session.scalar(select(func.count(Article.id))) or 0


def worker_pids(coordinator: subprocess.Popen[bytes]) -> list[int]:
    """The processes the coordinator started (Linux: read from /proc)."""
    return [pid for pid, parent in _parents() if parent == coordinator.pid]


def _parents() -> Iterator[tuple[int, int]]:
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name, in parentheses, may hold spaces; the parent id follows the state.
        parent = stat.rsplit(")", 1)[1].split()[1]
        yield int(entry.name), int(parent)


def kill_one_worker_when_stored(
    coordinator: subprocess.Popen[bytes], db_url: str, articles: int
) -> bool:
    """SIGKILLs one worker of the crawl once it stored ``articles``; False if it ended before."""
    while coordinator.poll() is None:
        if stored_articles(db_url) >= articles:
            pids = worker_pids(coordinator)
            if pids:
                os.kill(pids[0], signal.SIGKILL)
                return True
        time.sleep(POLL_SECONDS)
    return False


@dataclass(frozen=True)
class Crawled:
    seconds: float
    pages: int
    census: Census
    returncode: int
    added_by_rerun: int | None = None


def pages_fetched(data: Path, db_url: str) -> int:
    reported = subprocess.run(
        [sys.executable, "-m", "portal_archive", "--data", str(data), "--db", db_url,
         "crawls", "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return sum(run["pages_fetched"] for run in json.loads(reported.stdout))


def crawl(
    testbed: Testbed,
    admin_url: str,
    redis_url: str,
    workers: int,
    *,
    kill: bool = False,
    settings: tuple[str, ...] = (),
) -> Crawled:
    redis.Redis.from_url(redis_url).flushdb()
    # A name of its own per crawl: archives are opened once per URL and process.
    name = f"bench_distributed_{workers}{'_killed' if kill else ''}"
    with tempfile.TemporaryDirectory() as tmp, fresh_database(admin_url, name) as db:
        config = Path(tmp) / "sites.toml"
        testbed.write_sites(config)
        data = Path(tmp) / "data"
        environment = worker_environment(db, redis_url)
        started = time.perf_counter()
        with (Path(tmp) / "crawl.log").open("ab") as log:
            coordinator = subprocess.Popen(
                crawl_command(data, config, workers, settings),
                stdout=log,
                stderr=log,
                env=environment,
            )
            if kill:
                kill_one_worker_when_stored(coordinator, db, len(testbed.gold()) // 4)
            returncode = coordinator.wait()
        seconds = time.perf_counter() - started
        counted = census(open_archive_read_only(db), testbed.gold())
        added = None
        if kill:
            before = stored_articles(db)
            again = crawl_command(data, config, workers, settings)
            subprocess.run(again, env=environment, capture_output=True, check=False)
            added = stored_articles(db) - before
        return Crawled(seconds, pages_fetched(data, db), counted, returncode, added)


def report(label: str, crawled: Crawled) -> None:
    figures = crawled.census
    line = (
        f"{label:<22} {crawled.seconds:7.1f} s  {crawled.pages / crawled.seconds:6.1f} pages/s  "
        f"exit {crawled.returncode}  gold {figures.gold}  archived {figures.archived}  "
        f"missing {figures.missing}  unexpected {figures.unexpected}  "
        f"extra versions {figures.extra_versions}"
    )
    if crawled.added_by_rerun is not None:
        line += f"  added by a second run {crawled.added_by_rerun}"
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="admin URL of a PostgreSQL server")
    parser.add_argument("--redis", required=True, help="URL of a Redis database to flush")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--no-host-gate",
        action="store_true",
        help="measure the workers, not politeness: the testbed's sites share one host, whose "
        "one request at a time would bound every figure",
    )
    args = parser.parse_args()
    settings = ("PORTAL_HOST_GATE=False",) if args.no_host_gate else ()
    with Testbed(articles=args.articles, seed=args.seed) as testbed:
        one = crawl(testbed, args.db, args.redis, 1, settings=settings)
        report("1 worker", one)
        two = crawl(testbed, args.db, args.redis, 2, settings=settings)
        report("2 workers", two)
        killed = crawl(testbed, args.db, args.redis, 2, kill=True, settings=settings)
        report("2 workers, 1 killed", killed)
        print(f"throughput 2 workers / 1: {one.seconds / two.seconds:.2f}x")


if __name__ == "__main__":
    main()
