"""Incremental crawls: what an unchanged portal costs, and whether a changed one is caught up.

    python -m bench.incremental [--articles 5000] [--seed 1] [--days 7]

1. The testbed as of DAYS before its newest article: a full crawl, then an
   incremental crawl of the unchanged portal; prints both request counts and
   their ratio.
2. The testbed moved forward DAYS days (``--as-of``) and to ``--revision 2``:
   an incremental crawl; prints how many of the new articles and of the edits
   it archived, and its request count.
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from archive.urls import canonical_url
from bench.runs import CrawlFigures, print_rows, timed_crawl, version_counts
from testbed import Testbed, free_port_base


def newest_day(articles: int, seed: int) -> date:
    with Testbed(articles, seed) as testbed:
        return max(datetime.fromisoformat(str(g["published"])) for g in testbed.gold()).date()


def requests_row(name: str, crawl: CrawlFigures) -> tuple[str, str]:
    return name, f"{crawl.pages} requests, {crawl.seconds:.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--days", type=int, default=7)
    args = parser.parse_args()
    later = newest_day(args.articles, args.seed)
    earlier = later - timedelta(days=args.days)
    port_base = free_port_base()
    with tempfile.TemporaryDirectory() as workdir:
        data, config = Path(workdir) / "data", Path(workdir) / "sites.toml"
        with Testbed(args.articles, args.seed, port_base=port_base, as_of=earlier) as testbed:
            testbed.write_sites(config)
            known = {canonical_url(str(g["url"])) for g in testbed.gold()}
            full = timed_crawl(data, config)
            unchanged = timed_crawl(data, config)
        with Testbed(
            args.articles, args.seed, port_base=port_base, as_of=later, revision=2
        ) as testbed:
            gold = {canonical_url(str(g["url"])): g for g in testbed.gold()}
            edited = {canonical_url(url) for url in testbed.edited_urls()} & known
            caught_up = timed_crawl(data, config)
        versions = version_counts(data)
    new = set(gold) - known
    new_found = new & set(versions)
    edits_found = {url for url in edited if versions.get(url, 0) >= 2}
    print_rows(
        f"testbed: {args.articles} articles, seed {args.seed}, as of {earlier} then {later}",
        [
            (
                "modes",
                f"{full.report['mode']}, {unchanged.report['mode']}, {caught_up.report['mode']}",
            ),
            requests_row("full crawl", full),
            requests_row("incremental, portal unchanged", unchanged),
            ("  its share of the full crawl", f"{100 * unchanged.pages / full.pages:.2f} %"),
            requests_row(f"incremental, +{args.days} days, revision 2", caught_up),
            ("  new articles found", f"{len(new_found)} / {len(new)}"),
            ("  edits found", f"{len(edits_found)} / {len(edited)}"),
            ("  articles new / updated", _new_updated(caught_up)),
        ],
    )


def _new_updated(crawl: CrawlFigures) -> str:
    totals = crawl.report["totals"]
    return f"{totals['articles_new']} / {totals['articles_updated']}"


if __name__ == "__main__":
    main()
