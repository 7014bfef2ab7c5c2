"""Politeness across sites: the testbed's seven sites, all on 127.0.0.1, crawled together.

    python -m bench.hosts [--articles 21] [--seed 1] [--delay 1.0]

Runs ``portal-archive crawl`` of every site with ``--delay`` and no random
jitter, first as it runs (one host gate for all the sites), then with the gate
off (``PORTAL_HOST_GATE=False``: each site's crawler keeps only its own download
slot). For each it prints, from the fetch times of the archive's captures (all
of one host): the number of captures, the smallest gap between two consecutive
ones, how many gaps are shorter than the delay, the crawl's wall time, and its
ratio to captures × delay, the least time a crawl that polite can take.
Goal with the gate: smallest gap ≥ the delay, ratio ≤ 1.2.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from sqlalchemy import select

from archive.db import open_archive_read_only, sqlite_url
from archive.models import Capture
from bench.runs import cli
from testbed import Testbed


@dataclass(frozen=True)
class HostFigures:
    captures: int
    smallest_gap: float
    short_gaps: int
    seconds: float
    delay: float

    @property
    def ratio(self) -> float:
        return self.seconds / (self.captures * self.delay)

    def line(self, label: str) -> str:
        return (
            f"{label:<9} {self.captures:>4} captures  smallest gap {self.smallest_gap:6.3f} s  "
            f"gaps < {self.delay:g} s: {self.short_gaps:>3}  "
            f"{self.seconds:6.1f} s  ratio {self.ratio:.2f}"
        )


def fetch_times(data: Path) -> list[float]:
    archive = open_archive_read_only(sqlite_url(data / "archive.sqlite3"))
    with archive.sessions() as session:
        return sorted(when.timestamp() for when in session.scalars(select(Capture.fetched_at)))


def crawl_figures(config: Path, data: Path, delay: float, gate: bool) -> HostFigures:
    started = time.perf_counter()
    result = cli(
        data, "crawl", "--config", config, "--delay", str(delay),
        "-s", "RANDOMIZE_DOWNLOAD_DELAY=False", "-s", f"PORTAL_HOST_GATE={gate}",
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"crawl failed: {result.stderr.strip().splitlines()[-1:]}")
    gaps = [later - earlier for earlier, later in pairwise(fetch_times(data))]
    return HostFigures(
        captures=len(gaps) + 1,
        smallest_gap=min(gaps),
        short_gaps=sum(gap < delay for gap in gaps),
        seconds=seconds,
        delay=delay,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=21, help="testbed articles, all sites")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--delay", type=float, default=1.0)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        Testbed(articles=args.articles, seed=args.seed) as testbed,
    ):
        workdir = Path(tmp)
        config = workdir / "sites.toml"
        testbed.write_sites(config)
        print(f"{len(testbed.sites)} sites on 127.0.0.1, --delay {args.delay:g}")
        for label, gate in (("gate", True), ("no gate", False)):
            figures = crawl_figures(config, workdir / label.replace(" ", "-"), args.delay, gate)
            print(figures.line(label), flush=True)


if __name__ == "__main__":
    main()
