"""Running the real command line from a benchmark and reading what the crawl reported."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from archive.db import open_archive, sqlite_url
from archive.models import Article, ArticleVersion


@dataclass(frozen=True)
class CrawlFigures:
    seconds: float
    report: dict[str, Any]

    @property
    def pages(self) -> int:
        return int(self.report["totals"]["pages_fetched"])

    @property
    def speed(self) -> str:
        return f"{self.seconds:.1f} s, {self.pages / self.seconds:.1f} pages/s"


def cli(data: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "portal_archive", "--data", str(data), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def timed_crawl(data: Path, config: Path, *extra: str) -> CrawlFigures:
    """One ``portal-archive crawl`` of every site in ``config``, and its report."""
    started = time.perf_counter()
    result = cli(data, "crawl", "--config", config, "--delay", "0", *extra)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"crawl failed: {result.stderr.strip().splitlines()[-1:]}")
    run_id = result.stdout.split()[1].rstrip(":")
    report = json.loads(cli(data, "report", run_id, "--json").stdout)
    return CrawlFigures(seconds, report)


def peak_child_rss_mb() -> float:
    """The largest resident set any finished child process had (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def version_counts(data: Path) -> dict[str, int]:
    """Each archived article's canonical URL → how many versions of it the archive holds."""
    statement = (
        select(Article.url, func.count(ArticleVersion.id)).join(ArticleVersion).group_by(Article.id)
    )
    with open_archive(sqlite_url(data / "archive.sqlite3")).sessions() as session:
        return dict(session.execute(statement).tuples().all())


def print_rows(title: str, rows: list[tuple[str, str]]) -> None:
    print(title)
    for name, value in rows:
        print(f"  {name:<34} {value}")
