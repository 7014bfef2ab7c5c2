"""Ctrl-C pressed twice stops the crawl at once, yet leaves what one Ctrl-C leaves: every
stored article searchable, the run interrupted, and the same command resuming it."""

from __future__ import annotations

import json
import signal
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.resume import census, db_count, local_archive, start_crawl, wait_until_stored
from search.indexer import indexed_hashes
from testbed import Testbed as Replica
from tests.helpers import run_cli

ARTICLES = 60


@pytest.fixture(scope="module")
def testbed() -> Iterator[Replica]:
    with Replica(articles=ARTICLES, seed=11) as served:
        yield served


def stored_hashes(data: Path) -> dict[str, str]:
    with sqlite3.connect(f"file:{data / 'archive.sqlite3'}?mode=ro", uri=True) as connection:
        return {
            str(i): digest
            for i, digest in connection.execute("SELECT id, content_hash FROM article")
        }


@pytest.mark.e2e
def test_a_second_ctrl_c_leaves_the_run_resumable_and_every_article_searchable(
    testbed: Replica, tmp_path: Path
) -> None:
    config = tmp_path / "sites.toml"
    testbed.write_sites(config)
    data = tmp_path / "data"
    log = tmp_path / "crawl.log"
    crawl = start_crawl(data, config, log)
    assert wait_until_stored(crawl, data, ARTICLES // 4), log.read_text()
    crawl.send_signal(signal.SIGINT)
    # Before the first stop could finish the downloads in flight.
    time.sleep(0.05)
    crawl.send_signal(signal.SIGINT)
    assert crawl.wait(timeout=60) == 1
    output = log.read_text()
    assert "Traceback" not in output
    assert output.splitlines()[-1] == (
        "Error: crawl 1 interrupted; run the same command again to continue"
    )
    runs = json.loads(run_cli(data, "crawls", "--json").stdout)
    assert [(run["id"], run["status"]) for run in runs] == [(1, "interrupted")]
    assert db_count(data, "frontier_request") > 0
    assert indexed_hashes(data / "index") == stored_hashes(data)

    resumed = run_cli(data, "crawl", "--config", config, "--delay", "0")
    assert resumed.returncode == 0, resumed.stderr
    runs = json.loads(run_cli(data, "crawls", "--json").stdout)
    assert [(run["id"], run["status"]) for run in runs] == [(1, "finished")]
    figures = census(local_archive(data), testbed.gold())
    assert (figures.archived, figures.missing, figures.unexpected) == (ARTICLES, 0, 0)
    assert indexed_hashes(data / "index") == stored_hashes(data)
