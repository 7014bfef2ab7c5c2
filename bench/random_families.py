"""The generic reader on CMS families nobody wrote a profile for.

    python -m bench.random_families [--dev | --seeds S ...] [--articles N] [--sites K]

For each seed, serves K sites of families generated from it (``Testbed(...,
random_families=K)``), crawls only their start URLs with the real command line
(``portal-archive crawl URL ... --no-profiles --delay 0``) and scores the
archive against the gold: coverage (gold articles archived), non-articles
(archived URLs that are no gold article), duplicates (gold articles archived
under a second URL too), title exact, published to the minute, author exact
(an absent author must stay absent) and body token-F1. One row per seed, then
all seeds pooled, and the worst seed by the mean of its rates.

Without options it runs the held-out seeds below. They measure, they do not
teach: develop on ``--dev`` or ``--seeds``, and never read the held-out pages.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from statistics import mean
from typing import Any

from sqlalchemy import select

from archive.db import open_archive, sqlite_url
from archive.models import Article
from archive.urls import canonical_url
from bench.extraction import same_minute
from bench.runs import cli
from bench.scoring import token_f1
from testbed import Testbed

HELD_OUT_SEEDS = (
    *(22117, 86206, 82144, 81296, 8115, 39098, 94387, 22363, 58412, 8560),
    *(74580, 67450, 31405, 73916, 81522, 92244, 46904, 14401, 89414, 90662),
)
DEV_SEEDS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Archived:
    url: str
    title: str | None
    published: datetime | None
    author: str | None
    body: str


@dataclass
class SeedScore:
    seed: int
    gold: int
    found: int
    non_articles: int
    duplicates: int
    title: int
    published: int
    author: int
    f1: list[float]
    seconds: float
    failure: str = ""

    def rate(self, hits: int) -> float:
        return 100 * hits / self.gold if self.gold else 0.0

    def rates(self) -> list[float]:
        """Coverage, then title, date and author exact and body F1, all over the gold."""
        f1 = 100 * sum(self.f1) / self.gold if self.gold else 0.0
        return [self.rate(self.found), *map(self.rate, (self.title, self.published)), f1]

    def merit(self) -> float:
        return mean([*self.rates(), self.rate(self.author)])


def archived_articles(data: Path) -> list[Archived]:
    database = data / "archive.sqlite3"
    if not database.exists():
        return []
    with open_archive(sqlite_url(database)).sessions() as session:
        return [
            Archived(a.url, a.title, a.published, a.author, a.body)
            for a in session.scalars(select(Article))
        ]


def _signature(text: str | None) -> str:
    return " ".join((text or "").split()).lower()


def score(seed: int, gold: list[dict[str, Any]], archived: list[Archived]) -> SeedScore:
    by_url = {article.url: article for article in archived}
    gold_urls = {canonical_url(record["url"]) for record in gold}
    strays = [article for article in archived if article.url not in gold_urls]
    # A stray capture of a gold article (a print view, a second URL) carries its title or text.
    stray_marks = Counter(_signature(a.title) for a in strays) + Counter(
        _signature(a.body[:200]) for a in strays
    )
    found = [(by_url[url], r) for r in gold if (url := canonical_url(r["url"])) in by_url]
    duplicates = sum(
        1
        for record in gold
        if stray_marks[_signature(record["title"])] or stray_marks[_signature(record["body"][:200])]
    )
    return SeedScore(
        seed=seed,
        gold=len(gold),
        found=len(found),
        non_articles=len(strays),
        duplicates=duplicates,
        title=sum(a.title == r["title"] for a, r in found),
        published=sum(same_minute(a.published, r["published"]) for a, r in found),
        author=sum((a.author or None) == (r["author"] or None) for a, r in found),
        f1=[token_f1(a.body, r["body"]) for a, r in found],
        seconds=0.0,
    )


def run_seed(seed: int, articles: int, sites: int) -> SeedScore:
    with (
        tempfile.TemporaryDirectory() as workdir,
        Testbed(articles=articles, seed=seed, random_families=sites) as testbed,
    ):
        data = Path(workdir) / "data"
        gold = testbed.gold()
        started = time.perf_counter()
        urls = [site.start_url for site in testbed.sites]
        result = cli(data, "crawl", *urls, "--no-profiles", "--delay", "0")
        seconds = time.perf_counter() - started
        figures = score(seed, gold, archived_articles(data))
    figures.seconds = seconds
    if result.returncode != 0:
        figures.failure = (result.stderr.strip().splitlines() or ["no message"])[-1]
    return figures


HEADER = (
    f"{'seed':>6} {'gold':>5} {'found':>7} {'non-art':>7} {'dups':>5} {'title':>7} "
    f"{'date':>7} {'author':>7} {'body F1':>8} {'crawl s':>8}"
)


def row(label: str, s: SeedScore) -> str:
    found, title, published, f1 = s.rates()
    return (
        f"{label:>6} {s.gold:>5} {found:>6.1f}% {s.non_articles:>7} {s.duplicates:>5} "
        f"{title:>6.1f}% {published:>6.1f}% {s.rate(s.author):>6.1f}% {f1 / 100:>8.3f} "
        f"{s.seconds:>8.1f}"
    )


def pooled(scores: list[SeedScore]) -> SeedScore:
    def total(field: str) -> int:
        return sum(getattr(s, field) for s in scores)

    return SeedScore(
        seed=0,
        gold=total("gold"),
        found=total("found"),
        non_articles=total("non_articles"),
        duplicates=total("duplicates"),
        title=total("title"),
        published=total("published"),
        author=total("author"),
        f1=[f for s in scores for f in s.f1],
        seconds=sum(s.seconds for s in scores),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.random_families", description=__doc__.split("\n\n")[0]
    )
    chosen = parser.add_mutually_exclusive_group()
    chosen.add_argument("--dev", action="store_true", help=f"the seeds {DEV_SEEDS}")
    chosen.add_argument("--seeds", type=int, nargs="+", help="these seeds instead")
    parser.add_argument("--articles", type=int, default=120, help="per seed (default 120)")
    parser.add_argument("--sites", type=int, default=2, help="sites per seed (default 2)")
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="seeds crawled at once (default: cores)",
    )
    args = parser.parse_args(argv)
    seeds = args.seeds or (DEV_SEEDS if args.dev else HELD_OUT_SEEDS)
    label = "held-out" if seeds is HELD_OUT_SEEDS else "development"
    print(
        f"random families: {len(seeds)} {label} seeds, {args.sites} sites, {args.articles} articles"
    )
    print("body F1 counts a gold article that was not archived as 0")
    print(HEADER)
    scores = []
    # The crawls are child processes, so threads run several seeds side by side.
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for figures in pool.map(lambda s: run_seed(s, args.articles, args.sites), seeds):
            scores.append(figures)
            print(row(str(figures.seed), figures), flush=True)
            if figures.failure:
                print(f"{'':>6} crawl failed: {figures.failure}")
    print(row("all", pooled(scores)))
    worst = min(scores, key=SeedScore.merit)
    print(f"worst seed: {worst.seed} (mean rate {worst.merit():.1f} %)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
