"""A crawl killed (SIGKILL) or stopped (Ctrl-C) resumes where it stopped with the same command."""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.db import Archive
from archive.frontier import FrontierEntry, FrontierStore
from archive.models import Article, Capture, CrawlRun
from archive.runs import Counting, CrawlRuns, SiteCounters
from archive.sites import load_sites
from archive.store import ArchiveStore, CaptureRecord
from archive.warc import WarcLocation, warc_files
from bench.resume import (
    census,
    db_count,
    kill_when_stored,
    local_archive,
    start_crawl,
    wait_until_stored,
    warcio_check,
)
from testbed import Testbed as Replica
from tests.archive.test_store import SITE
from tests.helpers import run_cli

ARTICLES = 200


@pytest.fixture(scope="module")
def testbed() -> Iterator[Replica]:
    with Replica(articles=ARTICLES, seed=3) as served:
        yield served


@pytest.fixture
def config(testbed: Replica, tmp_path: Path) -> Path:
    path = tmp_path / "sites.toml"
    testbed.write_sites(path)
    return path


def crawl_again(data: Path, config: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(data, "crawl", "--config", config, "--delay", "0")


def runs(data: Path) -> list[tuple[int, str]]:
    runs = json.loads(run_cli(data, "crawls", "--json").stdout)
    return [(run["id"], run["status"]) for run in runs]


def assert_archive_is_exactly_the_gold(data: Path, testbed: Replica) -> None:
    figures = census(local_archive(data), testbed.gold())
    assert (figures.archived, figures.missing, figures.unexpected) == (ARTICLES, 0, 0)
    assert figures.extra_versions == 0
    files, checked = warcio_check(data / "warc")
    assert files and checked.returncode == 0, checked.stdout
    # A run that finished keeps no frontier.
    assert db_count(data, "frontier_request") == 0
    # Database, search index and WARC records agree.
    verified = run_cli(data, "verify")
    assert verified.returncode == 0, verified.stdout


def tear_newest_warc(data: Path) -> Path:
    """What a kill in the middle of a write leaves: the start of one more gzip member."""
    newest = max(warc_files(data / "warc"), key=lambda path: path.stat().st_mtime)
    with newest.open("ab") as handle:
        handle.write(newest.read_bytes()[:150])
    return newest


@pytest.mark.e2e
def test_a_killed_crawl_resumes_the_same_run_to_exactly_the_gold(
    testbed: Replica, config: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    assert kill_when_stored(start_crawl(data, config, tmp_path / "crawl.log"), data, ARTICLES // 4)
    # Still recorded running, but no live crawl holds its sites.
    assert runs(data) == [(1, "interrupted")]
    torn = tear_newest_warc(data)
    torn_size = torn.stat().st_size

    resumed = crawl_again(data, config)

    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.splitlines()[0] == "crawl 1: finished"
    assert runs(data) == [(1, "finished")]
    assert torn.stat().st_size < torn_size
    assert_archive_is_exactly_the_gold(data, testbed)
    report = json.loads(run_cli(data, "report", "1", "--json").stdout)
    assert {site["resumed"] for site in report["sites"].values()} == {1}
    assert {site["mode"] for site in report["sites"].values()} == {"full"}


@pytest.mark.e2e
def test_ctrl_c_stops_cleanly_and_the_same_command_continues(
    testbed: Replica, config: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    log = tmp_path / "crawl.log"
    first = start_crawl(data, config, log)
    assert wait_until_stored(first, data, ARTICLES // 4), log.read_text()

    second = crawl_again(data, config)
    assert second.returncode == 1
    first_site = min(load_sites(config))
    assert second.stderr.splitlines() == [
        f"Error: another crawl of site {first_site} is running (pid {first.pid}); "
        "wait for it to end or stop it first"
    ]

    first.send_signal(signal.SIGINT)
    assert first.wait(timeout=60) == 1
    assert log.read_text().splitlines()[-1] == (
        "Error: crawl 1 interrupted; run the same command again to continue"
    )
    assert runs(data) == [(1, "interrupted")]

    resumed = crawl_again(data, config)
    assert resumed.returncode == 0, resumed.stderr
    assert runs(data) == [(1, "finished")]
    assert_archive_is_exactly_the_gold(data, testbed)
    # A clean stop saved every count: the run's report covers both parts.
    report = json.loads(run_cli(data, "report", "1", "--json").stdout)
    assert report["totals"]["articles_new"] == ARTICLES


@pytest.fixture
def stores(any_database_url: str) -> tuple[ArchiveStore, CrawlRuns, FrontierStore]:
    archive = Archive(any_database_url)
    archive.create_schema()
    return ArchiveStore(archive), CrawlRuns(archive), FrontierStore(archive)


def test_only_the_newest_run_of_the_same_sites_resumes_unless_it_ended(
    stores: tuple[ArchiveStore, CrawlRuns, FrontierStore],
) -> None:
    _, runs, _ = stores
    interrupted = runs.start(["stttt", "hatinh"])
    runs.finish(interrupted, "interrupted")
    assert runs.resumable(["hatinh", "stttt"]) == interrupted
    assert runs.resumable(["stttt"]) is None
    killed = runs.start(["hatinh", "stttt"])
    assert runs.resumable(["stttt", "hatinh"]) == killed
    runs.finish(killed, "stalled")
    assert runs.resumable(["stttt", "hatinh"]) is None


def test_reopening_a_run_counts_the_resumption_and_keeps_mode_and_counters(
    stores: tuple[ArchiveStore, CrawlRuns, FrontierStore],
) -> None:
    _, runs, _ = stores
    run_id = runs.start(["stttt", "hatinh"])
    runs.set_site_mode(run_id, "stttt", "incremental")
    runs.save_counters(Counting(run_id, "stttt", "main", 0), SiteCounters(pages_fetched=3))
    runs.finish(run_id, "interrupted")
    runs.reopen(run_id)
    runs.reopen(run_id)
    with runs.archive.sessions() as session:
        run = session.get_one(CrawlRun, run_id)
    assert (run.status, run.resumed, run.finished_at) == ("running", 2, None)
    assert runs.part(run_id) == 2
    assert runs.site_mode(run_id, "stttt") == "incremental"
    assert runs.site_counters(run_id) == {"stttt": SiteCounters(pages_fetched=3)}


def capture_at(store: ArchiveStore, run_id: int, url: str, offset: int) -> int:
    record = CaptureRecord(
        url=url,
        final_url=url,
        status=200,
        headers={},
        body=b"x",
        warc=WarcLocation("run.warc.gz", offset, 100, "response"),
    )
    return store.record_capture(run_id, None, record)


def test_captures_cut_off_a_warc_file_are_forgotten_and_their_pages_fetched_again(
    stores: tuple[ArchiveStore, CrawlRuns, FrontierStore],
) -> None:
    store, runs, frontier = stores
    run_id = runs.start(["stttt"])
    url = "http://127.0.0.1:8002/a.html"
    kept = capture_at(store, run_id, "http://127.0.0.1:8002/", 0)
    lost = capture_at(store, run_id, url, 1000)
    frontier.record(run_id, "stttt", [FrontierEntry("ab", url, b"")])
    frontier.mark_done(run_id, "stttt", "ab")
    site_id = store.ensure_site(SITE)
    with store.archive.session() as session:
        session.add(Article(site_id=site_id, url=url, content_hash="h", capture_id=lost))
    assert frontier.drop_lost_captures(run_id, "run.warc.gz", 1050) == 1
    with store.archive.sessions() as session:
        assert session.scalars(select(Capture.id)).all() == [kept]
        assert session.scalar(select(Article.capture_id)) is None
    assert [entry.url for entry in frontier.pending(run_id, "stttt")] == [url]
