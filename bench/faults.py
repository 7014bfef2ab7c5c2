"""A crawl of a portal that fails in every way (testbed ``--faults``).

    python -m bench.faults [--articles 5000] [--seed 1] [--timeout 2]

Prints how many of the reachable gold articles were archived (and whether any
unreachable or unknown one was), the crawl's peak resident memory, and whether
the crawl report names every permanent failure the testbed injected, with the
expected reason.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from archive.urls import canonical_url
from bench.runs import peak_child_rss_mb, print_rows, timed_crawl, version_counts
from testbed import Testbed

# What the report calls each kind of permanent failure the testbed injects.
REASONS = {
    "server_error": "HTTP 500",
    "not_found": "HTTP 404",
    "gone": "HTTP 410",
    "reset": "connection reset",
    "truncated": "truncated body",
    "redirect_loop": "redirect loop",
    "redirect_chain": "too many redirects",
    "gzip_bomb": "too large",
    "huge_page": "too large",
}
# The testbed's slow answers take longer than the crawl's download timeout.
SLOW_SECONDS = 3.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=2.0, help="DOWNLOAD_TIMEOUT, seconds")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as workdir,
        Testbed(args.articles, args.seed, faults=True, slow_seconds=SLOW_SECONDS) as testbed,
    ):
        data, config = Path(workdir) / "data", Path(workdir) / "sites.toml"
        testbed.write_sites(config)
        crawl = timed_crawl(data, config, "-s", f"DOWNLOAD_TIMEOUT={args.timeout}")
        archived = set(version_counts(data))
        reachable = {canonical_url(str(g["url"])) for g in testbed.reachable_gold()}
        gold = {canonical_url(str(g["url"])) for g in testbed.gold()}
        injected = {
            canonical_url(entry["url"]): REASONS[entry["kind"]]
            for entry in testbed.fault_manifest()
        }
    reported = {
        canonical_url(failed["url"]): failed["reason"]
        for stats in crawl.report["sites"].values()
        for failed in stats["failed"]
    }
    traps: Counter[str] = Counter()
    for stats in crawl.report["sites"].values():
        traps.update(stats["traps"])
    print_rows(
        f"testbed: {args.articles} articles, seed {args.seed}, faults on",
        [
            ("crawl", f"{crawl.report['status']}, {crawl.pages} requests, {crawl.seconds:.0f} s"),
            ("reachable gold archived", _share(len(archived & reachable), len(reachable))),
            ("unreachable or unknown archived", str(len(archived - reachable))),
            ("gold articles behind a failure", str(len(gold - reachable))),
            ("peak RSS of the crawl", f"{peak_child_rss_mb():.0f} MB"),
            ("permanent failures injected", str(len(injected))),
            ("  reported with its reason", _share(_agreeing(injected, reported), len(injected))),
            ("  reported but not injected", str(len(set(reported) - set(injected)))),
            ("failures by reason", _counts(Counter(reported.values()))),
            ("transient errors retried", str(_retried(crawl.report))),
            ("traps refused", _counts(traps)),
        ],
    )


def _retried(report: dict[str, Any]) -> int:
    return sum(stats["retried"] for stats in report["sites"].values())


def _agreeing(injected: dict[str, str], reported: dict[str, str]) -> int:
    return sum(reported.get(url) == reason for url, reason in injected.items())


def _share(part: int, whole: int) -> str:
    return f"{part} / {whole} ({100 * part / whole:.1f} %)" if whole else "0 / 0"


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{name} {count}" for name, count in counter.most_common()) or "none"


if __name__ == "__main__":
    main()
