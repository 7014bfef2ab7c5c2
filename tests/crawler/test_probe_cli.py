"""`sites add URL`: a probe whose entry, written into the config, crawls the site in full; its
requests archived like any capture; mistakes refused before the portal is asked."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.db import open_archive, sqlite_url
from archive.models import Article, Capture
from archive.sites import load_sites
from bench.random_families import HELD_OUT_SEEDS, archived_articles, score
from testbed import Testbed as Replica
from tests.helpers import Reply, run_cli, serve_script

MIN_FOUND = 0.98
HEADER = "# Hà Tĩnh portals, probed one by one\n"


def add(data: Path, config: Path, url: str, *options: str) -> str:
    added = run_cli(data, "sites", "add", url, "--config", config, "--delay", "0", *options)
    assert added.returncode == 0, added.stderr
    assert "Traceback" not in added.stderr
    return added.stdout


@pytest.mark.e2e
def test_entries_added_from_bare_hosts_crawl_every_family_in_full(tmp_path: Path) -> None:
    data, config = tmp_path / "data", tmp_path / "sites.toml"
    config.write_text(HEADER, encoding="utf-8")
    with Replica(articles=120, seed=5) as testbed:
        outputs = {}
        for site in testbed.sites:
            parent = ["--parent", site.parent] if site.parent else []
            outputs[site.key] = add(data, config, site.base_url, "--key", site.key, *parent)
        gold = testbed.gold()
        crawled = run_cli(data, "crawl", "--config", config, "--delay", "0")
    assert crawled.returncode == 0, crawled.stderr
    sites = load_sites(config)
    for site in testbed.sites:
        assert f"added site {site.key} ({site.family}) to {config}" in outputs[site.key]
        assert "article pages recognised: 5 of 5 sampled" in outputs[site.key]
        assert sites[site.key].family == site.family
        assert sites[site.key].start_urls == (site.start_url,)
        assert sites[site.key].parent == site.parent
    # The rest of the file is left as it was.
    assert config.read_text(encoding="utf-8").startswith(HEADER)
    archive = open_archive(sqlite_url(data / "archive.sqlite3"))
    with archive.sessions() as session:
        archived = Counter(article.site_key for article in session.scalars(select(Article)))
    wanted = Counter(record["site"] for record in gold)
    for key, count in wanted.items():
        assert archived[key] >= MIN_FOUND * count, key


@pytest.mark.e2e
def test_the_probe_is_archived_as_a_run_of_its_own(tmp_path: Path) -> None:
    data, config = tmp_path / "data", tmp_path / "sites.toml"
    with Replica(articles=40, seed=6) as testbed:
        output = add(data, config, testbed.site("nongthonmoi").base_url, "--key", "ntm")
    requests = int(
        next(line for line in output.splitlines() if "requests made" in line).split()[-1]
    )
    runs = json.loads(run_cli(data, "crawls", "--json").stdout)
    assert [(run["mode"], run["status"], run["sites"]) for run in runs] == [
        ("probe", "finished", ["ntm"])
    ]
    archive = open_archive(sqlite_url(data / "archive.sqlite3"))
    with archive.sessions() as session:
        captures = list(session.scalars(select(Capture)))
    assert len(captures) == requests
    assert {capture.run_id for capture in captures} == {runs[0]["id"]}
    assert all(capture.warc_file and capture.status == 200 for capture in captures)
    assert any(capture.url.endswith("/robots.txt") for capture in captures)
    verified = run_cli(data, "verify")
    assert verified.returncode == 0, verified.stdout
    raw = run_cli(data, "show", "--raw", captures[-1].url)
    assert raw.returncode == 0 and raw.stdout.startswith("HTTP/1.1 200")


@pytest.mark.e2e
def test_entries_of_generated_families_are_generic_and_crawl_in_full(tmp_path: Path) -> None:
    seed = 62
    assert seed not in HELD_OUT_SEEDS
    data, config = tmp_path / "data", tmp_path / "sites.toml"
    with Replica(articles=60, seed=seed, random_families=2) as testbed:
        for site in testbed.sites:
            assert "(generic)" in add(data, config, site.start_url, "--key", site.key)
        gold = testbed.gold()
        crawled = run_cli(data, "crawl", "--config", config, "--delay", "0")
    assert crawled.returncode == 0, crawled.stderr
    assert {site.family for site in load_sites(config).values()} == {"generic"}
    result = score(seed, gold, archived_articles(data))
    assert result.found >= MIN_FOUND * result.gold
    assert result.non_articles == 0


def test_a_taken_key_or_unknown_parent_is_refused_before_the_portal_is_asked(
    tmp_path: Path,
) -> None:
    data, config = tmp_path / "data", tmp_path / "sites.toml"
    config.write_text(
        '[sites.stttt]\nbase_url = "http://127.0.0.1:9/"\nfamily = "portalfolder"\n',
        encoding="utf-8",
    )
    with serve_script(lambda path, hits: Reply(200, "<html></html>")) as (base, hits):
        taken = run_cli(data, "sites", "add", base + "/", "--config", config, "--key", "stttt")
        orphan = run_cli(data, "sites", "add", base + "/", "--config", config, "--parent", "x")
    assert taken.returncode == 1
    assert taken.stderr == f"Error: {config} already has a site 'stttt'; choose another --key\n"
    assert orphan.returncode == 1
    assert orphan.stderr == f"Error: --parent 'x' is not a site of {config}\n"
    assert hits == []
    assert not data.exists()


def test_a_portal_that_does_not_answer_adds_nothing(tmp_path: Path) -> None:
    data, config = tmp_path / "data", tmp_path / "sites.toml"
    with serve_script(lambda path, hits: Reply(200, "<html></html>")) as (base, _):
        pass
    # The server is gone: its port refuses connections.
    failed = run_cli(data, "sites", "add", base + "/", "--config", config, "--delay", "0")
    assert failed.returncode == 1
    [line] = failed.stderr.splitlines()
    assert line.startswith(f"Error: cannot add {base}/: its home page could not be read (")
    assert "refused" in line.lower()
    assert not config.exists()


def test_a_home_page_robots_txt_forbids_is_not_fetched(tmp_path: Path) -> None:
    data, config = tmp_path / "data", tmp_path / "sites.toml"

    def respond(path: str, _hits: object) -> Reply:
        return Reply(200, "User-agent: *\nDisallow: /\n" if path == "/robots.txt" else "<p>x</p>")

    with serve_script(respond) as (base, hits):
        refused = run_cli(data, "sites", "add", base + "/", "--config", config, "--delay", "0")
    assert refused.returncode == 1
    assert refused.stderr == (
        f"Error: cannot add {base}/: its home page could not be read (robots.txt disallows it)\n"
    )
    assert [hit.path for hit in hits] == ["/robots.txt"]
    assert f"not fetched, robots.txt disallows it: {base}/" in refused.stdout


def test_what_a_page_says_cannot_drive_the_terminal(tmp_path: Path) -> None:
    data, config = tmp_path / "data", tmp_path / "sites.toml"
    escape = "\x1b]0;owned\x07\x1b[2J"
    pages = {
        "/robots.txt": f"User-agent: *\nDisallow: /admin/{escape}\n",
        "/": f"<html><head><title>Cổng {escape}thông tin</title></head><body></body></html>",
    }
    with serve_script(lambda path, hits: Reply(200, pages.get(path, ""))) as (base, _):
        added = run_cli(data, "sites", "add", base + "/", "--config", config, "--delay", "0")
    assert added.returncode == 0, added.stderr
    assert "\x1b" not in added.stdout and "\x07" not in added.stdout
    assert "Disallow: /admin/?]0;owned??[2J" in added.stdout
    [site] = load_sites(config).values()
    assert site.name == "Cổng ]0;owned[2Jthông tin"
