"""Extraction quality and speed on the testbed's gold: profiles, the generic profile, trafilatura.

    python -m bench.extraction [--articles 300] [--seed 1]

Starts the testbed in-process, fetches every gold article page once, then runs
three extractors over the same bytes and scores each against the gold, per CMS
family and overall:

* ``profiles``: ``extract_article`` with the site's family profile;
* ``generic``: ``extract_article`` with the generic profile (profiles off);
* ``trafilatura``: vanilla ``trafilatura.extract(..., with_metadata=True)``.

Columns: body token-F1 (mean), title exact, published exact to the minute,
author exact (% of pages), and pages per second of extraction alone.

Last, the generic profile's article verdict (URL rules, canonical link, page
test) over the gold pages and over pages that are not articles: every page
the home pages link to on their own site, and the print and save views.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from statistics import mean
from typing import Any
from urllib.parse import urljoin, urlsplit

import trafilatura

from archive.dates import PORTAL_TZ, parse_date
from archive.extract import extract_article, parse_html
from archive.profiles import get_profile
from archive.urls import canonical_url
from bench.scoring import token_f1
from testbed import Testbed


@dataclass(frozen=True)
class Page:
    family: str
    html: bytes
    gold: dict[str, Any]


@dataclass(frozen=True)
class Found:
    """What one extractor made of one page, reduced to the scored fields."""

    title: str | None
    published: datetime | None
    author: str | None
    body: str


Extractor = Callable[[Page], Found]


def with_profile(profile: str | None) -> Extractor:
    def extract(page: Page) -> Found:
        article = extract_article(page.html, page.gold["url"], profile=profile or page.family)
        return Found(article.title, article.published, article.author, article.body)

    return extract


def vanilla_trafilatura(page: Page) -> Found:
    result = trafilatura.extract(
        page.html.decode("utf-8"), url=page.gold["url"], with_metadata=True, output_format="json"
    )
    data = json.loads(result) if result else {}
    published = parse_date(data.get("date"))
    return Found(data.get("title"), published, data.get("author"), data.get("text") or "")


def same_minute(found: datetime | None, gold: str) -> bool:
    if found is None:
        return False
    expected = datetime.fromisoformat(gold).astimezone(PORTAL_TZ)
    return found.astimezone(PORTAL_TZ).replace(second=0, microsecond=0) == expected


@dataclass(frozen=True)
class Result:
    page: Page
    found: Found
    seconds: float


@dataclass
class Score:
    pages: int
    body_f1: float
    title: float
    published: float
    author: float
    pages_per_second: float

    @classmethod
    def of(cls, results: list[Result]) -> Score:
        def share(hits: Iterable[bool]) -> float:
            values = list(hits)
            return 100 * sum(values) / len(values)

        seconds = sum(result.seconds for result in results)
        return cls(
            pages=len(results),
            body_f1=mean(token_f1(r.found.body, r.page.gold["body"]) for r in results),
            title=share(r.found.title == r.page.gold["title"] for r in results),
            published=share(
                same_minute(r.found.published, r.page.gold["published"]) for r in results
            ),
            author=share(r.found.author == r.page.gold["author"] for r in results),
            pages_per_second=len(results) / seconds if seconds else 0.0,
        )


def fetch_pages(testbed: Testbed) -> list[Page]:
    families = {site.key: site.family for site in testbed.sites}
    pages = []
    for record in testbed.iter_gold():
        with urllib.request.urlopen(record["url"], timeout=30) as response:
            pages.append(Page(families[record["site"]], response.read(), record))
    return pages


_HREF = re.compile(r'href="([^"#]+)"')
_SESSION_ID = re.compile(r";jsessionid=[^/?#]*", re.IGNORECASE)

EXTRACTORS: dict[str, Extractor] = {
    "profiles": with_profile(None),
    "generic": with_profile("generic"),
    "trafilatura": vanilla_trafilatura,
}


def run(pages: list[Page]) -> dict[str, list[Result]]:
    """Every extractor over every page, each page timed on its own."""
    results: dict[str, list[Result]] = {}
    for name, extract in EXTRACTORS.items():
        results[name] = []
        for page in pages:
            started = time.perf_counter()
            found = extract(page)
            results[name].append(Result(page, found, time.perf_counter() - started))
    return results


def table(results: dict[str, list[Result]]) -> list[str]:
    families = sorted({result.page.family for result in results["profiles"]})
    header = f"{'family':<13} {'extractor':<12} {'pages':>5} {'body F1':>8} {'title':>7} "
    header += f"{'date':>7} {'author':>7} {'pages/s':>8}"
    lines = [header, "-" * len(header)]
    for family in [*families, "overall"]:
        for name in EXTRACTORS:
            chosen = [r for r in results[name] if family in ("overall", r.page.family)]
            score = Score.of(chosen)
            lines.append(
                f"{family:<13} {name:<12} {score.pages:>5} {score.body_f1:>8.3f} "
                f"{score.title:>6.1f}% {score.published:>6.1f}% {score.author:>6.1f}% "
                f"{score.pages_per_second:>8.0f}"
            )
    return lines


def non_article_pages(testbed: Testbed, gold_urls: set[str]) -> dict[str, bytes]:
    """Listings, search and print/save views: what a crawl without profiles must not keep."""
    urls: set[str] = set()
    for site in testbed.sites:
        with urllib.request.urlopen(site.start_url, timeout=30) as response:
            home = response.read().decode("utf-8")
        links = {urljoin(site.start_url, html.unescape(h)) for h in _HREF.findall(home)}
        urls |= {url for url in links if url.startswith(site.base_url)} | {site.start_url}
    for url in sorted(gold_urls)[::10]:
        parts = urlsplit(url)
        urls.add(f"{parts.scheme}://{parts.netloc}/savefile{parts.path}")
        urls.add(f"{url}?p_p_state=pop_up&_101_viewMode=print")
    pages = {}
    # A session id makes no new page; a /savefile/ path does, however canonical_url spells it.
    for url in sorted(url for url in urls if _SESSION_ID.sub("", url) not in gold_urls):
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                pages[url] = response.read()
        except urllib.error.HTTPError:
            continue  # not served by this family
    return pages


def taken_for_article(html_bytes: bytes, url: str) -> bool:
    """The spider's verdict with profiles off, without the crawl."""
    generic = get_profile("generic")
    tree = parse_html(html_bytes)
    if tree is None or not generic.is_article_url(url):
        return False
    canonical = tree.xpath("string(//head/link[@rel='canonical']/@href)").strip()
    if canonical and canonical_url(urljoin(url, canonical)) != canonical_url(url):
        return False
    return generic.is_article_page(tree, url)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.extraction", description=__doc__)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with Testbed(articles=args.articles, seed=args.seed) as testbed:
        pages = fetch_pages(testbed)
        others = non_article_pages(testbed, {page.gold["url"] for page in pages})
    results = run(pages)
    print(f"testbed: {len(pages)} articles, seed {args.seed}")
    print("\n".join(table(results)))
    vanilla = Score.of(results["trafilatura"]).pages_per_second
    for name in ("profiles", "generic"):
        speed = Score.of(results[name]).pages_per_second / vanilla
        print(f"{name}: {100 * speed:.0f} % of vanilla trafilatura's pages per second")
    kept = sum(taken_for_article(page.html, page.gold["url"]) for page in pages)
    wrongly_kept = [url for url, body in others.items() if taken_for_article(body, url)]
    print(
        f"generic verdict: {kept}/{len(pages)} article pages taken, "
        f"{len(wrongly_kept)}/{len(others)} listing, search, print and save pages taken"
    )
    for url in wrongly_kept:
        print(f"  taken by mistake: {url}")


if __name__ == "__main__":
    main()
