"""Indexing and search figures on a generated archive of testbed-like articles.

    python -m bench.search [--articles 100000] [--queries 30]

Generates ``--articles`` articles with the testbed's text generator, then in
one run measures: indexing speed of the project's indexer, of plain Whoosh
with a default schema and of SQLite FTS5 on the same documents (articles per
CPU-second, each in a child process so its peak RSS is its own); index sizes
against the text size; warm query latency (p50/p95) of the project's search
and of FTS5 on the same queries; and the command line's cold start for one
search. Figures go to stdout, progress to stderr.
"""

from __future__ import annotations

import argparse
import inspect
import json
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from testbed import pools
from testbed.content import VN_TZ, article_rng, generate_body, make_title
from testbed.model import Article as TestbedArticle
from testbed.model import Category
from testbed.text import fold

SEED = 12
SITES = tuple(f"site{number:02d}" for number in range(12))
FIRST_DAY = datetime(2015, 1, 1, 8, 0, tzinfo=VN_TZ)
DAYS_SPANNED = 3650
PAGE = 50
# Articles the queries are written from.
SAMPLE_SIZE = 2000
PER_PAGE = 10
# Targets this archive is held to; printed beside each figure.
TARGET_ARTICLES_PER_SECOND = 300
TARGET_RATIO_TO_WHOOSH = 0.5
TARGET_SIZE_RATIO = 1.5
TARGET_P50_MS = 20
TARGET_P95_MS = 100
TARGET_COLD_START_S = 1.0
TARGET_REINDEX_RSS_MB = 500


# What portals attach, and how often: most articles attach nothing.
ATTACHED_MEDIA_TYPES = (
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
ATTACHING_SHARE = 0.25


@dataclass(frozen=True)
class BenchAttachment:
    url: str
    media_type: str
    # The bench measures the articles' own text; documents come without theirs.
    name: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class BenchArticle:
    """One generated article, with the attributes ``search.indexer.ArticleLike`` reads."""

    id: int
    url: str
    site_key: str
    title: str
    summary: str
    body: str
    published: datetime
    author: str
    category: str
    content_hash: str
    duplicate_of_url: str | None = None
    language: str = "vi"
    media_types: tuple[str, ...] = ()

    @property
    def attachments(self) -> tuple[BenchAttachment, ...]:
        return tuple(
            BenchAttachment(f"{self.url}/van-ban-{number}", media_type)
            for number, media_type in enumerate(self.media_types)
        )

    @property
    def references(self) -> tuple[()]:
        return ()

    def to_json(self) -> str:
        fields = dict(self.__dict__, published=self.published.isoformat())
        return json.dumps(fields, ensure_ascii=False)

    @classmethod
    def from_json(cls, line: str) -> BenchArticle:
        fields = json.loads(line)
        fields["published"] = datetime.fromisoformat(fields["published"])
        fields["media_types"] = tuple(fields.get("media_types", ()))
        return cls(**fields)


def generated_articles(count: int) -> Iterator[BenchArticle]:
    topics = list(pools.TITLE_TEMPLATES)
    for article_id in range(1, count + 1):
        rng = article_rng(SEED, article_id)
        topic = rng.choice(topics)
        published = FIRST_DAY + timedelta(days=rng.randrange(DAYS_SPANNED), minutes=article_id)
        category = Category(slug=topic, name=topic, topic=topic)
        title = make_title(rng, topic, published)
        author = rng.choice(pools.LEADERS)
        attached = rng.random() < ATTACHING_SHARE
        media_types = (rng.choice(ATTACHED_MEDIA_TYPES),) if attached else ()
        source = TestbedArticle(article_id, "", category, title, published, author)
        body = generate_body(SEED, source)
        site = SITES[article_id % len(SITES)]
        yield BenchArticle(
            id=article_id,
            url=f"https://{site}.example.vn/tin/{article_id}",
            site_key=site,
            title=title,
            summary=body.summary,
            body="\n\n".join(block.text for block in body.blocks),
            published=published,
            author=author,
            category=topic,
            content_hash=f"{article_id:x}",
            media_types=media_types,
        )


def read_articles(path: Path) -> Iterator[BenchArticle]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield BenchArticle.from_json(line)


# Children: each indexer runs in its own process so its CPU time and peak RSS are its own.


def index_with_project(articles: Path, target: Path) -> None:
    from search.indexer import ArticleIndex

    ArticleIndex(target).rebuild(read_articles(articles))


def index_with_plain_whoosh(articles: Path, target: Path) -> None:
    from whoosh import index
    from whoosh.fields import ID, TEXT, Schema

    target.mkdir(parents=True)
    schema = Schema(
        id=ID(stored=True, unique=True), title=TEXT(stored=True), body=TEXT(stored=True)
    )
    writer = index.create_in(target, schema).writer()
    for article in read_articles(articles):
        writer.add_document(id=str(article.id), title=article.title, body=article.body)
    writer.commit()


FTS5_TABLE = (
    "CREATE VIRTUAL TABLE articles USING fts5(title, body, site UNINDEXED, published UNINDEXED,"
    " tokenize = 'unicode61 remove_diacritics 2')"
)


def index_with_fts5(articles: Path, target: Path) -> None:
    target.mkdir(parents=True)
    connection = sqlite3.connect(target / "fts.sqlite")
    connection.execute(FTS5_TABLE)
    rows = (
        (a.id, a.title, f"{a.summary}\n\n{a.body}", a.site_key, a.published.astimezone(UTC).date())
        for a in read_articles(articles)
    )
    connection.executemany("INSERT INTO articles(rowid, title, body, site, published) "
                           "VALUES (?, ?, ?, ?, ?)", ((r[0], r[1], r[2], r[3], r[4].isoformat())
                                                      for r in rows))  # fmt: skip
    connection.commit()
    connection.close()


INDEXERS: dict[str, Callable[[Path, Path], None]] = {
    "project": index_with_project,
    "whoosh": index_with_plain_whoosh,
    "fts5": index_with_fts5,
}


def run_child(indexer: str, articles: Path, target: Path) -> None:
    started = time.perf_counter()
    INDEXERS[indexer](articles, target)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures = {
        "wall": time.perf_counter() - started,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
    }
    print(json.dumps(figures))


def measure_indexer(indexer: str, articles: Path, target: Path) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.search", "--child", indexer, str(articles), str(target)]
    finished = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(finished.stdout.splitlines()[-1])


# Queries


@dataclass(frozen=True)
class QueryCase:
    kind: str
    text: str  # the project's query syntax
    fts: str  # the same query in FTS5's syntax
    site: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1
    # Further keyword arguments of the project's search (FTS5 runs the plain query).
    options: tuple[tuple[str, Any], ...] = ()


def _words(text: str) -> list[str]:
    return [word for word in "".join(c if c.isalnum() else " " for c in text).split()]


def _fts_and(words: list[str]) -> str:
    return " ".join(f'"{word}"' for word in words)


def query_cases(articles: list[BenchArticle], per_kind: int) -> list[QueryCase]:
    rng = random.Random(SEED)
    cases: list[QueryCase] = []
    for _ in range(per_kind):
        title = _words(rng.choice(articles).title)
        body = _words(rng.choice(articles).body)
        start = rng.randrange(max(1, len(body) - 3))
        word = rng.choice(title)
        pair = rng.sample(body, min(3, len(body)))[: rng.choice((2, 3))]
        adjacent = title[:2] if len(title) > 1 else title
        phrase = body[start : start + 3]
        day = FIRST_DAY.date() + timedelta(days=rng.randrange(DAYS_SPANNED - 365))
        unaccented = [fold(w) for w in adjacent]
        cases += [
            QueryCase("single word", word, _fts_and([word])),
            QueryCase("2-3 word AND", " ".join(pair), _fts_and(pair)),
            QueryCase("unaccented words", " ".join(unaccented), _fts_and(unaccented)),
            QueryCase("phrase", f'"{" ".join(phrase)}"', f'"{" ".join(phrase)}"'),
            QueryCase(
                "site + dates",
                word,
                _fts_and([word]),
                site=rng.choice(SITES),
                date_from=day,
                date_to=day + timedelta(days=365),
            ),
            QueryCase(f"page {PAGE}", "thông tin", _fts_and(["thông", "tin"]), page=PAGE),
            QueryCase("newest first", word, _fts_and([word]), options=(("sort", "newest"),)),
            QueryCase(
                "facets+histogram",
                word,
                _fts_and([word]),
                options=(("facets", True), ("histogram", "month")),
            ),
        ]
    return cases


def project_search(index_dir: Path) -> Callable[[QueryCase], int]:
    """The project's ``search`` on a case, with the options its current signature takes."""
    from search import query

    accepted = inspect.signature(query.search).parameters

    def run(case: QueryCase) -> int:
        options = dict(case.options)
        if case.site or case.date_from:
            options.update(_project_filters(accepted, case))
        unknown = set(options) - set(accepted)
        if unknown:
            raise TypeError(f"search() takes none of {sorted(unknown)}")
        return query.search(index_dir, case.text, limit=PER_PAGE, page=case.page, **options).total

    return run


def _project_filters(accepted: Mapping[str, Any], case: QueryCase) -> dict[str, Any]:
    if "filters" in accepted:
        from search.filters import SearchFilters

        sites = (case.site,) if case.site else ()
        return {"filters": SearchFilters(sites=sites, date_from=case.date_from,
                                         date_to=case.date_to)}  # fmt: skip
    return {"site": case.site, "date_from": case.date_from, "date_to": case.date_to}


def fts5_search(database: Path) -> Callable[[QueryCase], int]:
    connection = sqlite3.connect(database)

    def run(case: QueryCase) -> int:
        where, parameters = "articles MATCH ?", [case.fts]
        if case.site:
            where += " AND site = ?"
            parameters.append(case.site)
        if case.date_from and case.date_to:
            where += " AND published BETWEEN ? AND ?"
            parameters += [case.date_from.isoformat(), case.date_to.isoformat()]
        total = connection.execute(f"SELECT count(*) FROM articles WHERE {where}", parameters)
        offset = (case.page - 1) * PER_PAGE
        order = "published DESC" if ("sort", "newest") in case.options else "rank"
        connection.execute(
            f"SELECT rowid, title, snippet(articles, 1, '**', '**', ' … ', 24) FROM articles"
            f" WHERE {where} ORDER BY {order} LIMIT {PER_PAGE} OFFSET {offset}",
            parameters,
        ).fetchall()
        return total.fetchone()[0]

    return run


def latencies(run: Callable[[QueryCase], int], cases: list[QueryCase]) -> dict[str, list[float]]:
    """Milliseconds per query, by kind, each query run once to warm up and once measured."""
    by_kind: dict[str, list[float]] = {}
    for case in cases:
        try:
            run(case)
        except TypeError as exc:
            print(f"  skipped {case.kind}: {exc}", file=sys.stderr)
            continue
        started = time.perf_counter()
        run(case)
        by_kind.setdefault(case.kind, []).append((time.perf_counter() - started) * 1000)
    return by_kind


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def cold_start(data: Path, word: str) -> float:
    """Seconds for the command line to start, search and print; infinite if it fails."""
    started = time.perf_counter()
    command = [sys.executable, "-m", "portal_archive", "--data", str(data), "search", word]
    finished = subprocess.run(command, capture_output=True, text=True)
    if finished.returncode != 0:
        print(f"  search command failed: {finished.stderr.strip()[-300:]}", file=sys.stderr)
        return float("inf")
    return time.perf_counter() - started


def directory_size(path: Path) -> int:
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def report_target(name: str, value: float, target: float, *, at_most: bool = False) -> None:
    met = value <= target if at_most else value >= target
    print(f"{name}: {value:.2f} (target {'≤' if at_most else '≥'} {target:g}): {verdict(met)}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=30, help="queries of each kind")
    parser.add_argument("--keep", type=Path, help="build in this directory and keep it")
    parser.add_argument(
        "--without-plain-whoosh",
        action="store_true",
        help="skip indexing with plain Whoosh (the slowest part at 100,000 articles)",
    )
    parser.add_argument(
        "--queries-only",
        action="store_true",
        help="only the query figures, on the build kept in --keep by an earlier run",
    )
    parser.add_argument("--child", nargs=3, metavar=("INDEXER", "ARTICLES", "TARGET"))
    options = parser.parse_args(argv)
    if options.child:
        indexer, articles, target = options.child
        run_child(indexer, Path(articles), Path(target))
        return
    if options.queries_only:
        if options.keep is None:
            parser.error("--queries-only needs --keep DIR of an earlier run")
        sample = list(islice(read_articles(options.keep / "articles.jsonl"), SAMPLE_SIZE))
        measure_queries(options.keep, sample, options.queries)
        return
    work = options.keep or Path(tempfile.mkdtemp(prefix="bench-search-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        skipped = {"whoosh"} if options.without_plain_whoosh else set()
        indexers = [name for name in INDEXERS if name not in skipped]
        run_bench(work, options.articles, options.queries, indexers)
    finally:
        if options.keep is None:
            shutil.rmtree(work)


def run_bench(work: Path, count: int, per_kind: int, indexers: list[str]) -> None:
    articles_file = work / "articles.jsonl"
    print(f"generating {count} articles…", file=sys.stderr)
    text_bytes = 0
    sample: list[BenchArticle] = []
    with articles_file.open("w", encoding="utf-8") as handle:
        for article in generated_articles(count):
            handle.write(article.to_json() + "\n")
            text_bytes += len(f"{article.title}{article.summary}{article.body}".encode())
            if len(sample) < SAMPLE_SIZE:
                sample.append(article)
    print(f"articles: {count}, text: {text_bytes / 1e6:.1f} MB (title + summary + body, UTF-8)")

    figures: dict[str, dict[str, float]] = {}
    for indexer in indexers:
        print(f"indexing with {indexer}…", file=sys.stderr)
        figures[indexer] = measure_indexer(indexer, articles_file, work / indexer)
    data = work / "data"
    data.mkdir()
    (work / "project").rename(data / "index")
    sizes = {name: directory_size(work / name) for name in indexers if name != "project"}
    sizes["project"] = directory_size(data / "index")
    for indexer, figure in figures.items():
        print(
            f"indexing {indexer:8s}: {count / figure['cpu']:7.0f} articles/CPU-s,"
            f" {count / figure['wall']:7.0f} articles/s wall, peak RSS {figure['rss_mb']:.0f} MB,"
            f" size {sizes[indexer] / 1e6:.1f} MB ({sizes[indexer] / text_bytes:.2f}x text)"
        )
    project_speed = count / figures["project"]["wall"]
    size_ratio = sizes["project"] / text_bytes
    rss = figures["project"]["rss_mb"]
    report_target("project indexing, articles/s", project_speed, TARGET_ARTICLES_PER_SECOND)
    if "whoosh" in figures:
        ratio = figures["whoosh"]["cpu"] / figures["project"]["cpu"]
        report_target("project / plain Whoosh per CPU-second", ratio, TARGET_RATIO_TO_WHOOSH)
    report_target("project index size / text", size_ratio, TARGET_SIZE_RATIO, at_most=True)
    report_target("project reindex peak RSS, MB", rss, TARGET_REINDEX_RSS_MB, at_most=True)

    measure_queries(work, sample, per_kind)


def measure_queries(work: Path, sample: list[BenchArticle], per_kind: int) -> None:
    data = work / "data"
    cases = query_cases(sample, per_kind)
    for engine, run in (
        ("project", project_search(data / "index")),
        ("fts5", fts5_search(work / "fts5" / "fts.sqlite")),
    ):
        for kind, times in latencies(run, cases).items():
            p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
            met = p50 <= TARGET_P50_MS and p95 <= TARGET_P95_MS
            judged = verdict(met) if engine == "project" else ""
            print(f"query {engine:7s} {kind:16s}: p50 {p50:7.1f} ms, p95 {p95:7.1f} ms"
                  f" ({len(times)} queries) {judged}")  # fmt: skip
    best = min(cold_start(data, "thông") for _ in range(3))
    report_target("CLI cold start for one search, s (best of 3)", best, TARGET_COLD_START_S,
                  at_most=True)  # fmt: skip


if __name__ == "__main__":
    main()
