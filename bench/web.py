"""Latency and memory of the web interface on a generated archive, as researchers load it.

    python -m bench.web [--articles 20000] [--requests 200] [--concurrency 20]

Stores ``--articles`` testbed-like articles (the text generator of
``bench.search``) in a fresh archive, indexes them, starts ``portal-archive
serve`` on 127.0.0.1 and measures: search pages and article pages one request
at a time and ``--concurrency`` at a time (p50/p95), the answer to a 60 KB
query, and the server's peak RSS. Figures go to stdout, progress to stderr.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select

from archive.datadir import DataDir
from archive.db import open_archive
from archive.export import iter_articles
from archive.extract import ExtractedArticle
from archive.models import Article
from archive.profiles.records import AttachmentRef
from archive.sites import SiteConfig
from archive.store import ArchiveStore
from bench.search import SITES, BenchArticle, generated_articles, percentile
from search.indexer import ArticleIndex

TARGET_SEARCH_P95_MS = 300
TARGET_ARTICLE_P95_MS = 50
TARGET_LONG_QUERY_S = 1.0
TARGET_RSS_MB = 300
QUERIES = (
    "chuyen doi so",
    "hội nghị",
    "giáo dục",
    "thong tin truyen thong",
    "nông nghiệp",
    "văn hóa du lịch",
    "ủy ban nhân dân",
    "an toan giao thong",
)
LONG_QUERY = "tin " * 15_000
STOP_TIMEOUT = 10


def build_archive(data: DataDir, count: int) -> None:
    data.create()
    store = ArchiveStore(open_archive(data.db_url))
    site_ids = {key: store.ensure_site(_site(key)) for key in SITES}
    for article in generated_articles(count):
        store.save_article(site_ids[article.site_key], _extracted(article), None)
    with store.archive.sessions() as session:
        ArticleIndex(data.index_dir).rebuild(iter_articles(session))


def _site(key: str) -> SiteConfig:
    base_url = f"https://{key}.example.vn/"
    return SiteConfig(key, f"Sở {key}", "generic", base_url, (base_url,))


def _extracted(article: BenchArticle) -> ExtractedArticle:
    return ExtractedArticle(
        url=article.url,
        title=article.title,
        summary=article.summary,
        body=article.body,
        published=article.published,
        updated=None,
        author=article.author,
        category=article.category,
        language=article.language,
        attachments=[
            AttachmentRef(f"{article.url}/van-ban-{number}", "Văn bản", media_type)
            for number, media_type in enumerate(article.media_types)
        ],
    )


@contextmanager
def serving(data: Path) -> Iterator[tuple[str, int]]:
    """``portal-archive serve`` on a free port of 127.0.0.1: its base URL and pid."""
    command = [sys.executable, "-m", "portal_archive", "--data", str(data), "serve", "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+", line)
        if found is None:
            raise SystemExit(f"serve did not start: {line!r}")
        yield found[0], process.pid
    finally:
        process.terminate()
        process.wait(timeout=STOP_TIMEOUT)


def fetch_seconds(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url) as response:
        response.read()
    return time.perf_counter() - started


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"VmHWM:\s+(\d+)", status)
    return int(found[1]) / 1024 if found else float("nan")


def report(name: str, seconds: list[float], target_ms: float | None = None) -> None:
    p50, p95 = percentile(seconds, 0.5) * 1000, percentile(seconds, 0.95) * 1000
    judged = "" if target_ms is None else f" (p95 target ≤ {target_ms:g}: "
    judged += "" if target_ms is None else ("met)" if p95 <= target_ms else "NOT met)")
    print(f"{name}: p50 {p50:.0f} ms, p95 {p95:.0f} ms over {len(seconds)} requests{judged}")


def long_query_seconds(base: str) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(f"{base}/?q={urllib.parse.quote(LONG_QUERY)}") as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.perf_counter() - started


def run(data: DataDir, count: int, requests: int, concurrency: int) -> None:
    rng = random.Random(count)
    print(f"storing and indexing {count} articles…", file=sys.stderr)
    started = time.perf_counter()
    build_archive(data, count)
    print(f"archive of {count} articles built in {time.perf_counter() - started:.0f} s")
    with open_archive(data.db_url).sessions() as session:
        article_ids = list(session.scalars(select(Article.id)))
    with serving(data.root) as (base, pid):
        pages = {
            "search page": [
                f"{base}/?q={urllib.parse.quote(rng.choice(QUERIES))}&page={rng.randint(1, 5)}"
                for _ in range(requests)
            ],
            "article page": [f"{base}/article/{rng.choice(article_ids)}" for _ in range(requests)],
        }
        targets = {"search page": TARGET_SEARCH_P95_MS, "article page": TARGET_ARTICLE_P95_MS}
        for name, urls in pages.items():
            fetch_seconds(urls[0])
            report(f"{name}, one at a time", [fetch_seconds(url) for url in urls[: requests // 4]])
            with ThreadPoolExecutor(concurrency) as pool:
                report(f"{name}, {concurrency} at a time", list(pool.map(fetch_seconds, urls)),
                       targets[name])  # fmt: skip
        status, seconds = long_query_seconds(base)
        met = "met" if seconds < TARGET_LONG_QUERY_S else "NOT met"
        print(f"60 KB query: HTTP {status} in {seconds * 1000:.0f} ms (target < 1 s: {met})")
        rss = peak_rss_mb(pid)
        met = "met" if rss < TARGET_RSS_MB else "NOT met"
        print(f"server peak RSS: {rss:.0f} MB (target < {TARGET_RSS_MB} MB: {met})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    options = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-web-"))
    try:
        run(DataDir.resolve(work / "data"), options.articles, options.requests, options.concurrency)
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
