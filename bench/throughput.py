"""How close a crawl comes to the speed of its downloads and of its extraction, and what it costs.

    python -m bench.throughput [--articles 2000] [--seed 1] [--curve 2000,10000,50000]

Over one testbed, with no delay between requests (a benchmark only), in the same run:

* the download rate of a null Scrapy spider: the same politeness settings, following every
  link of the testbed's sites, doing nothing with the pages;
* the extraction rate of the crawl's worker pool (one process per core) over the article pages;
* the real ``portal-archive crawl``: pages/s, CPU seconds per page (the crawl process and
  every process it started: extraction workers, indexer), and the peak resident set of any
  of those processes.

Prints the crawl's rate over the slower of the other two (1.0: the crawl costs nothing beyond
downloading and extracting) and the CPU milliseconds per page. ``--curve`` crawls a new testbed
of each size and prints the wall time per archived article and the peak resident set, to show
whether the cost of an article grows with the archive.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive.profiles import FAMILIES, Family, get_family
from bench.runs import cli, print_rows
from testbed import Testbed

# Article pages the extraction rate is measured on: enough for a steady rate.
EXTRACTION_SAMPLE = 1000
NULL_SPIDER_COMMAND = "null-spider"
# The politeness of `portal-archive crawl --delay 0`, for the null spider too.
NULL_SPIDER_SETTINGS = {
    "ROBOTSTXT_OBEY": True,
    "CONCURRENT_REQUESTS": 8,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
    "DOWNLOAD_DELAY": 0.0,
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 0.1,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
    "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    "LOG_LEVEL": "WARNING",
}


@dataclass(frozen=True)
class ProcessFigures:
    """What one child process (and every process it waited for) took."""

    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    returncode: int


@dataclass(frozen=True)
class CrawlFigures:
    process: ProcessFigures
    pages: int
    articles: int

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.process.seconds

    @property
    def cpu_ms_per_page(self) -> float:
        return 1000 * self.process.cpu_seconds / self.pages


def run_measured(command: list[str], log: Path) -> ProcessFigures:
    """Runs ``command`` to its end, its output in ``log`` (stderr beside it, ``.err``); its wall
    time, CPU time and peak RSS with its children's."""
    started = time.perf_counter()
    with log.open("w") as output, log.with_suffix(".err").open("w") as errors:
        child = subprocess.Popen(command, stdout=output, stderr=errors)
        # wait4 reports the child's usage with that of every process it waited for.
        _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    return ProcessFigures(
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024,  # Linux reports KiB
        returncode=child.returncode,
    )


def null_spider_rate(config: Path, workdir: Path) -> float:
    """Responses per second of a spider that only follows the links of the sites."""
    report = workdir / "null-spider.json"
    command = [sys.executable, "-m", "bench.throughput", NULL_SPIDER_COMMAND, str(config)]
    figures = run_measured([*command, str(report)], workdir / "null-spider.log")
    if figures.returncode != 0:
        raise SystemExit(f"the null spider failed: {_last_line(workdir / 'null-spider.err')}")
    return json.loads(report.read_text())["responses"] / figures.seconds


def article_pages(testbed: Testbed, sample: int) -> Iterator[tuple[str, str, Family]]:
    """(URL, HTML, family) of up to ``sample`` article pages of the sites the archive reads."""
    families = {site.key: site.family for site in testbed.sites}
    records = [record for record in testbed.gold() if families[record["site"]] in FAMILIES]
    for record in records[:sample]:
        with urllib.request.urlopen(record["url"]) as response:
            # Decoded, as the spider hands pages to the pipeline.
            html = response.read().decode("utf-8")
        yield record["url"], html, get_family(families[record["site"]])


def extraction_rate(testbed: Testbed) -> tuple[int, float]:
    """Worker processes, and the article pages per second they extract."""
    # Imported here: the pool needs a reactor to register its shutdown with, and only this
    # measurement needs the pool.
    from crawler.extraction import ExtractionPool, default_processes

    pages = list(article_pages(testbed, EXTRACTION_SAMPLE))
    pool = ExtractionPool(default_processes())
    try:
        # The workers start (and import the extractors) before the clock does.
        pool.submit(*pages[0]).result()
        started = time.perf_counter()
        futures = [pool.submit(html, url, family) for url, html, family in pages]
        for future in futures:
            future.result()
        return pool.processes, len(pages) / (time.perf_counter() - started)
    finally:
        pool.close()


def crawl(data: Path, config: Path, workdir: Path) -> CrawlFigures:
    command = [sys.executable, "-m", "portal_archive", "--data", str(data)]
    log = workdir / "crawl.log"
    # Benchmark only: no delay, and no host gate, since every testbed site is on 127.0.0.1 and
    # one request at a time to it would measure the gate, not the crawl.
    crawl_options = ["--config", str(config), "--delay", "0", "-s", "PORTAL_HOST_GATE=False"]
    figures = run_measured([*command, "crawl", *crawl_options], log)
    if figures.returncode != 0:
        raise SystemExit(f"the crawl failed: {_last_line(log.with_suffix('.err'))}")
    run_id = log.read_text().split()[1].rstrip(":")
    report = json.loads(cli(data, "report", run_id, "--json").stdout)
    totals = report["totals"]
    return CrawlFigures(figures, int(totals["pages_fetched"]), int(totals["articles_new"]))


def _last_line(path: Path) -> str:
    lines = path.read_text().strip().splitlines()
    return lines[-1] if lines else "(no output)"


def compare(articles: int, seed: int) -> None:
    with tempfile.TemporaryDirectory() as directory, Testbed(articles, seed) as testbed:
        workdir = Path(directory)
        config = workdir / "sites.toml"
        testbed.write_sites(config)
        download = null_spider_rate(config, workdir)
        processes, extraction = extraction_rate(testbed)
        crawled = crawl(workdir / "data", config, workdir)
    slower = min(download, extraction)
    print_rows(
        f"testbed: {articles} articles, seed {seed}, delay 0",
        [
            ("null spider download", f"{download:.0f} pages/s"),
            (f"extraction, {processes} processes", f"{extraction:.0f} pages/s"),
            (
                "crawl",
                f"{crawled.pages} pages in {crawled.process.seconds:.1f} s, "
                f"{crawled.pages_per_second:.0f} pages/s",
            ),
            ("crawl / min(download, extraction)", f"{crawled.pages_per_second / slower:.2f}"),
            ("CPU per page (crawl + children)", f"{crawled.cpu_ms_per_page:.1f} ms"),
            ("peak RSS (any crawl process)", f"{crawled.process.peak_rss_mb:.0f} MB"),
        ],
    )


def curve(sizes: list[int], seed: int) -> None:
    rows = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as directory, Testbed(size, seed) as testbed:
            workdir = Path(directory)
            config = workdir / "sites.toml"
            testbed.write_sites(config)
            crawled = crawl(workdir / "data", config, workdir)
        per_article = 1000 * crawled.process.seconds / max(crawled.articles, 1)
        rows.append(
            (
                f"{size} articles",
                f"{per_article:.1f} ms/article, {crawled.pages_per_second:.0f} pages/s, "
                f"{crawled.cpu_ms_per_page:.1f} CPU ms/page, "
                f"peak RSS {crawled.process.peak_rss_mb:.0f} MB",
            )
        )
        # Each size is printed as soon as it is measured: the largest ones take long.
        print_rows("curve", rows[-1:])


def run_null_spider(config: Path, report: Path) -> None:
    """Follows every link within each site of ``config``, one crawler per site as the real
    crawl runs them (so each site has its own download slot); writes how many responses came."""
    from scrapy import Spider
    from scrapy.crawler import CrawlerProcess
    from scrapy.http import Response
    from scrapy.linkextractors import LinkExtractor

    from archive.sites import load_sites

    class NullSpider(Spider):
        name = "null"
        # Not by allow_domains, which never matches an IP address: by host and port below.
        links = LinkExtractor()

        def __init__(self, start: str, base_url: str) -> None:
            super().__init__(start_urls=[start])
            self.base_url = base_url

        def parse(self, response: Response) -> Iterator[Any]:
            if not hasattr(response, "text"):
                return
            for link in self.links.extract_links(response):
                if link.url.startswith(self.base_url):
                    yield response.follow(link.url)

    process = CrawlerProcess(NULL_SPIDER_SETTINGS)
    crawlers = []
    for site in load_sites(config).values():
        crawler = process.create_crawler(NullSpider)
        crawlers.append(crawler)
        process.crawl(crawler, start=site.start_urls[0], base_url=site.base_url)
    process.start()
    responses = sum(
        crawler.stats.get_value("response_received_count", 0)
        for crawler in crawlers
        if crawler.stats is not None
    )
    report.write_text(json.dumps({"responses": responses}))


def main() -> None:
    if sys.argv[1:2] == [NULL_SPIDER_COMMAND]:
        run_null_spider(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--curve",
        type=lambda value: [int(size) for size in value.split(",")],
        help="comma-separated testbed sizes to crawl, e.g. 2000,10000,50000",
    )
    args = parser.parse_args()
    compare(args.articles, args.seed)
    if args.curve:
        curve(args.curve, args.seed)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"bench process (testbed) peak RSS {own:.0f} MB")


if __name__ == "__main__":
    main()
