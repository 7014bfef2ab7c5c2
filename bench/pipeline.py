"""End-to-end figures: crawl the testbed with the real command line, then score the archive.

    python -m bench.pipeline [--articles 300] [--seed 1]

Prints the crawl's speed (pages per second, first crawl and full recrawl) and how
faithfully the archive holds the testbed's gold truth: articles found exactly
once, exact title / publication time / author / category, body token-F1.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from statistics import mean
from typing import Any

from sqlalchemy import select

from archive.db import open_archive, sqlite_url
from archive.models import Article
from archive.urls import canonical_url
from bench.runs import timed_crawl
from bench.scoring import token_f1
from testbed import Testbed

FIELD_CHECKS: dict[str, Callable[[Article, dict[str, Any]], bool]] = {
    "title": lambda article, gold: article.title == gold["title"],
    "published": lambda article, gold: (
        article.published == datetime.fromisoformat(gold["published"])
    ),
    "author": lambda article, gold: article.author == gold["author"],
    "category": lambda article, gold: article.category == gold["category"],
}


def percent(hits: Iterable[bool]) -> str:
    values = list(hits)
    return f"{100 * sum(values) / len(values):.1f} %" if values else "n/a"


def score(data: Path, gold: list[dict[str, Any]]) -> list[tuple[str, str]]:
    with open_archive(sqlite_url(data / "archive.sqlite3")).sessions() as session:
        archived = {article.url: article for article in session.scalars(select(Article))}
    pairs = [(archived.get(canonical_url(record["url"])), record) for record in gold]
    found = [(article, record) for article, record in pairs if article is not None]
    f1 = [token_f1(article.body, record["body"]) for article, record in found]
    rows = [
        ("gold articles", str(len(gold))),
        ("archived articles", str(len(archived))),
        ("gold articles found", percent(article is not None for article, _ in pairs)),
    ]
    rows += [
        (f"{name} exact", percent(check(article, record) for article, record in found))
        for name, check in FIELD_CHECKS.items()
    ]
    rows += [
        ("body token-F1 mean", f"{mean(f1):.4f}"),
        ("body token-F1 min", f"{min(f1):.4f}"),
    ]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir, Testbed(args.articles, args.seed) as testbed:
        data, config = Path(workdir) / "data", Path(workdir) / "sites.toml"
        testbed.write_sites(config)
        gold = testbed.gold()
        first = timed_crawl(data, config)
        second = timed_crawl(data, config, "--full")
        rows = [
            ("first crawl", f"{first.seconds:.1f} s, {first.pages / first.seconds:.1f} pages/s"),
            (
                "full recrawl",
                f"{second.seconds:.1f} s, {second.pages / second.seconds:.1f} pages/s",
            ),
            *score(data, gold),
        ]
    print(f"testbed: {args.articles} articles, seed {args.seed}")
    for name, value in rows:
        print(f"  {name:<22} {value}")


if __name__ == "__main__":
    main()
