"""A crawl says how it ended: checked before it starts, non-zero unless it finished, and
honest in `crawls` and `report` about runs that were killed or archived nothing."""

from __future__ import annotations

import json
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from archive.db import open_archive, sqlite_url
from archive.runs import CrawlRuns
from crawler.locks import crawl_lock
from tests.crawler.test_cli_errors import assert_one_error_line, closed_port
from tests.helpers import run_cli, serve_pages, write_sites_config

SITE = {"name": "Sở", "family": "portalfolder", "base_url": "http://127.0.0.1:8002/"}


def config_with(tmp_path: Path, **fields: object) -> Path:
    return write_sites_config(tmp_path / "sites.toml", {"stttt": SITE | fields})


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"family": "wordpress"}, "site 'stttt': family 'wordpress' is unknown"),
        ({"famly": "tandan"}, "site 'stttt' has unknown key famly"),
        ({"start_urls": []}, "site 'stttt': start_urls is empty"),
        ({"start_urls": ["http://127.0.0.1:8003/"]}, "on another host or port than base_url"),
        ({"parent": "hatinh"}, "site 'stttt': parent 'hatinh' is not a site of the config"),
    ],
)
def test_a_wrong_config_stops_the_crawl_before_it_starts(
    tmp_path: Path, fields: dict[str, object], expected: str
) -> None:
    config = config_with(tmp_path, **fields)
    result = run_cli(tmp_path / "data", "crawl", "--config", config)
    assert_one_error_line(result, str(config), expected)
    assert not (tmp_path / "data").exists()


def test_a_binary_config_is_one_error_line(tmp_path: Path) -> None:
    config = tmp_path / "sites.toml"
    config.write_bytes(b"\x00\xff\xfe binary")
    result = run_cli(tmp_path / "data", "crawl", "--config", config)
    assert_one_error_line(result, f"cannot read sites config {config}")
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize(
    ("argument", "expected"),
    [
        ("ftp://127.0.0.1/pub/", "only http and https URLs are crawled, not ftp"),
        ("file:///etc/passwd", "only http and https URLs are crawled, not file"),
        ("http://", "it names no host"),
        ("127.0.0.1:18101/", "no http:// or https:// scheme (write http://127.0.0.1:18101/)"),
        ("http://127.0.0.1:99999/", "its port is not a number from 1 to 65535"),
    ],
)
def test_a_start_url_that_cannot_be_crawled_says_why(
    tmp_path: Path, argument: str, expected: str
) -> None:
    result = run_cli(tmp_path / "data", "crawl", argument)
    assert_one_error_line(result, f"cannot crawl '{argument}'", expected)
    assert not (tmp_path / "data").exists()


def test_a_setting_of_the_wrong_type_stops_the_crawl_before_it_starts(tmp_path: Path) -> None:
    config = config_with(tmp_path)
    result = run_cli(tmp_path / "data", "crawl", "--config", config, "-s", "DOWNLOAD_DELAY=abc")
    assert_one_error_line(result, "-s DOWNLOAD_DELAY=abc: DOWNLOAD_DELAY takes a number")
    assert not (tmp_path / "data").exists()


def test_a_crawl_every_request_of_which_was_refused_is_recorded_failed(tmp_path: Path) -> None:
    config = config_with(tmp_path, base_url=f"http://127.0.0.1:{closed_port()}/")
    result = run_cli(tmp_path / "data", "crawl", "--config", config, "--delay", "0")
    assert result.returncode == 1
    runs = json.loads(run_cli(tmp_path / "data", "crawls", "--json").stdout)
    assert [run["status"] for run in runs] == ["failed"]


def test_a_crawl_that_archived_nothing_says_why_in_crawls_and_report(tmp_path: Path) -> None:
    # The portal's links spell its host another way than the start URL does.
    links = "".join(f'<a href="http://127.0.0.2:1/tin-tuc/{n}.html">{n}</a>' for n in range(5))
    with serve_pages({"/": f"<html><body>{links}</body></html>"}) as (base, _requested):
        config = config_with(tmp_path, family="generic", base_url=f"{base}/")
        result = run_cli(tmp_path / "data", "crawl", "--config", config, "--delay", "0")
    assert result.returncode == 0, result.stderr
    [warning] = [line for line in result.stderr.splitlines() if line.startswith("Warning: ")]
    reason = warning.removeprefix("Warning: ")
    assert re.fullmatch(
        r"stttt: \d pages fetched but no article archived: 5 links led off the site's host and "
        r"port, likely because its base_url or start URL spells the host differently .*",
        reason,
    )
    assert f"       warning: {reason}\n" in run_cli(tmp_path / "data", "crawls").stdout
    assert f"  warning: {reason}\n" in run_cli(tmp_path / "data", "report", "1").stdout
    failures = run_cli(tmp_path / "data", "report", "1", "--failures")
    assert failures.stdout == "no failures in crawl 1\n"


def empty_archive(data: Path) -> CrawlRuns:
    data.mkdir()
    return CrawlRuns(open_archive(sqlite_url(data / "archive.sqlite3")))


def test_crawls_has_a_header_and_a_mode_and_says_when_there_are_none(tmp_path: Path) -> None:
    data = tmp_path / "data"
    runs = empty_archive(data)
    assert run_cli(data, "crawls").stdout == "no crawls yet\n"
    runs.finish(runs.start(["stttt"], mode="incremental"), "finished")
    header, row = run_cli(data, "crawls").stdout.splitlines()
    assert header.split() == [
        "RUN", "STARTED", "FINISHED", "STATUS", "MODE", "PAGES",
        "NEW", "UPDATED", "UNCHANGED", "ERRORS", "SITES",
    ]  # fmt: skip
    assert row.split()[3:5] == ["finished", "incremental"]


def test_a_killed_run_shows_interrupted_with_how_to_resume(tmp_path: Path) -> None:
    data = tmp_path / "data"
    empty_archive(data).start(["stttt", "kyanh"])
    # A crawl still holding one of its sites is running indeed.
    with crawl_lock(data / "jobs", ["kyanh"]):
        [run] = json.loads(run_cli(data, "crawls", "--json").stdout)
        assert run["status"] == "running"
    [run] = json.loads(run_cli(data, "crawls", "--json").stdout)
    assert run["status"] == "interrupted"
    lines = run_cli(data, "crawls").stdout.splitlines()
    assert lines[1].split()[3] == "interrupted"
    assert lines[2].strip() == "run the same crawl command again to resume it"


def test_a_crawl_sharing_a_site_with_a_running_one_is_refused(tmp_path: Path) -> None:
    config = write_sites_config(
        tmp_path / "sites.toml",
        {"stttt": SITE, "kyanh": SITE | {"base_url": "http://127.0.0.1:8003/"}},
    )
    data = tmp_path / "data"
    with crawl_lock(data / "jobs", ["stttt"]):
        result = run_cli(data, "crawl", "--config", config, "stttt", "kyanh")
    assert_one_error_line(result, "another crawl of site stttt is running (pid ")
    assert not (data / "archive.sqlite3").exists()


def test_robots_txt_is_fetched_and_archived_once_and_its_sitemaps_read(tmp_path: Path) -> None:
    pages = {"/": "<html><body>trang chủ</body></html>", "/sitemap.xml": "<urlset/>"}
    with serve_pages(pages) as (base, requested):
        pages["/robots.txt"] = f"User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n"
        config = config_with(tmp_path, family="generic", base_url=f"{base}/")
        result = run_cli(tmp_path / "data", "crawl", "--config", config, "--delay", "0")
    assert result.returncode == 0, result.stderr
    assert requested.count("/robots.txt") == 1
    assert requested.count("/sitemap.xml") == 1
    with closing(sqlite3.connect(tmp_path / "data" / "archive.sqlite3")) as archive:
        robots = archive.execute("SELECT count(*) FROM capture WHERE url LIKE '%/robots.txt'")
        assert robots.fetchone() == (1,)
