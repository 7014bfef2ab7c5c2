"""Legal document references: the recogniser against the testbed's gold, and ``ref:`` speed.

    python -m bench.references [--gold-articles 3000] [--articles 50000] [--queries 200]

First the recogniser reads every testbed article as the gold gives it (title, body and
the names of its attachments) and its documents are compared with the gold references,
by folded key (a number typed without diacritics is the document the archive links it
to): precision and recall. Then ``--articles`` generated articles (bench.search's
generator, bodies cut short to keep the build quick, references found in the whole
text) are indexed with the project's indexer, and ``ref:`` queries for documents they
cite are timed warm: alone, in either spelling, and with a word. Figures go to stdout.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from archive.references import Citation, distinct_citations, folded_key
from bench.search import BenchArticle, generated_articles, percentile
from testbed.portal import Portal

TARGET_PRECISION = 0.98
TARGET_RECALL = 0.95
TARGET_P95_MS = 50
GOLD_SEED = 1
# What the index keeps of each body: enough to search, short enough to build 50,000 fast.
INDEXED_BODY_CHARS = 400
QUERY_WORDS = ("giáo dục", "chuyen doi so", "hà tĩnh")


@dataclass(frozen=True)
class Link:
    """An article's citation as the index reads it (``reference`` is what it cites)."""

    reference: Citation


@dataclass(frozen=True)
class ReferencedArticle(BenchArticle):
    cited: tuple[Link, ...] = ()

    @property
    def references(self) -> tuple[Link, ...]:  # type: ignore[override]
        return self.cited


def gold_scores(articles: int) -> tuple[float, float, int]:
    """Precision, recall and the number of gold references over the testbed's articles."""
    portal = Portal(articles=articles, seed=GOLD_SEED)
    portal.base_urls = {
        site.key: f"http://127.0.0.1:{8001 + n}/" for n, site in enumerate(portal.sites)
    }
    found = expected = correct = 0
    for record in portal.iter_gold():
        texts = [str(record["title"]), str(record["body"])]
        texts += [str(item["name"]) for item in record["attachments"]]  # type: ignore[attr-defined]
        got = {citation.folded_key for citation in distinct_citations(texts)}
        gold = {folded_key(str(item["key"])) for item in record["references"]}  # type: ignore[attr-defined]
        found += len(got)
        expected += len(gold)
        correct += len(got & gold)
    return correct / max(found, 1), correct / max(expected, 1), expected


def indexed_articles(count: int) -> Iterator[ReferencedArticle]:
    for article in generated_articles(count):
        cited = distinct_citations([article.title, article.summary, article.body])
        fields = dict(article.__dict__, body=article.body[:INDEXED_BODY_CHARS])
        yield ReferencedArticle(**fields, cited=tuple(Link(citation) for citation in cited))


def build_index(count: int, target: Path) -> tuple[list[str], float]:
    """Indexes ``count`` articles into ``target``; the keys they cite and the seconds taken."""
    from search.indexer import ArticleIndex

    keys: dict[str, None] = {}

    def remembered(articles: Iterator[ReferencedArticle]) -> Iterator[ReferencedArticle]:
        for article in articles:
            keys.update(dict.fromkeys(link.reference.key for link in article.cited))
            yield article

    started = time.perf_counter()
    ArticleIndex(target).rebuild(remembered(indexed_articles(count)))
    return list(keys), time.perf_counter() - started


def query_cases(keys: list[str], count: int) -> list[str]:
    rng = random.Random(GOLD_SEED)
    chosen = rng.sample(keys, min(count, len(keys)))
    cases = []
    for number, key in enumerate(chosen):
        spelled = key if number % 2 else folded_key(key)
        cases.append(f"ref:{spelled}")
        cases.append(f"ref:{spelled} {QUERY_WORDS[number % len(QUERY_WORDS)]}")
    return cases


def timed(index_dir: Path, cases: list[str]) -> dict[str, list[float]]:
    from search.query import search

    by_kind: dict[str, list[float]] = {"ref: alone": [], "ref: with words": []}
    for case in cases:
        search(index_dir, case)  # warm: the first search of a key reads its postings
        started = time.perf_counter()
        total = search(index_dir, case).total
        elapsed = (time.perf_counter() - started) * 1000
        by_kind["ref: with words" if " " in case else "ref: alone"].append(elapsed)
        if total == 0 and " " not in case:
            print(f"  no match for {case}", file=sys.stderr)
    return by_kind


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold-articles", type=int, default=3000)
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=200)
    options = parser.parse_args(argv)

    precision, recall, references = gold_scores(options.gold_articles)
    print(
        f"recogniser over {options.gold_articles} testbed articles ({references} gold references):"
    )
    print(f"  precision {precision:.4f} (target >= {TARGET_PRECISION})")
    print(f"  recall    {recall:.4f} (target >= {TARGET_RECALL})")

    with tempfile.TemporaryDirectory() as work:
        index_dir = Path(work) / "index"
        keys, seconds = build_index(options.articles, index_dir)
        print(f"index of {options.articles} articles citing {len(keys)} documents: {seconds:.0f} s")
        for kind, values in timed(index_dir, query_cases(keys, options.queries)).items():
            p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
            print(
                f"  {kind}: {len(values)} queries, p50 {p50:.1f} ms, p95 {p95:.1f} ms"
                f" (target p95 <= {TARGET_P95_MS} ms)"
            )


if __name__ == "__main__":
    main()
