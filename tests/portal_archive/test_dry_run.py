"""`crawl --dry-run`: what a crawl would do, from a few polite requests, with nothing archived
and nothing created in the data directory."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from testbed import Testbed as Replica
from tests.helpers import Hit, Reply, run_cli, serve_script
from tests.portal_archive.test_registry import write_testbed_registry

pytestmark = pytest.mark.e2e


def sections(stdout: str) -> dict[str, str]:
    """The output of each site, by key."""
    parts = stdout.split("== ")[1:]
    return {part.split(":")[0]: part for part in parts}


def test_a_dry_run_of_configured_sites_reports_and_creates_nothing(tmp_path: Path) -> None:
    data, config = tmp_path / "data", tmp_path / "sites.toml"
    with Replica(articles=60, seed=6) as testbed:
        testbed.write_sites(config)
        ran = run_cli(data, "crawl", "--config", config, "--dry-run", "--delay", "0",
                      "stttt", "nongthonmoi")  # fmt: skip
        nukeviet = testbed.site("nongthonmoi").base_url
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.endswith("dry run: nothing was archived\n")
    by_site = sections(ran.stdout)
    assert set(by_site) == {"stttt", "nongthonmoi"}
    stttt = by_site["stttt"]
    assert "family: portalfolder (as configured)" in stttt
    assert "  Disallow: /stttt/portal/search" in stttt
    assert "article pages recognised: 5 of 5 sampled" in stttt
    assert "not found: no sitemap; no feed" in stttt
    assert "politeness: 1 request(s) at a time per host, 0 s between requests" in stttt
    assert "robots.txt obeyed" in stttt
    ntm = by_site["nongthonmoi"]
    assert f"sitemap: {nukeviet}sitemap.xml lists " in ntm
    assert f"feed: {nukeviet}rss/ lists " in ntm
    assert "not found: nothing missing" in ntm
    assert not data.exists()


def test_a_dry_run_of_start_urls_and_of_a_registry_detects_and_creates_nothing(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    with Replica(articles=40, seed=7) as testbed:
        liferay = testbed.site("stnmt").base_url
        by_url = run_cli(data, "crawl", "--dry-run", "--delay", "0", liferay)
        registry = write_testbed_registry(tmp_path / "tinh.toml", testbed, ("hatinh", "kyanh"))
        by_registry = run_cli(
            data, "crawl", "--registry", registry, "--dry-run", "--delay", "0", "kyanh"
        )
    assert by_url.returncode == 0, by_url.stderr
    assert "family: liferay (shown by the home page)" in by_url.stdout
    assert by_registry.returncode == 0, by_registry.stderr
    assert list(sections(by_registry.stdout)) == ["kyanh"]
    assert "context path: /kyanh/portal/" in by_registry.stdout
    assert not data.exists()


HOME = "/ctx/portal/folder/home"


def test_a_dry_run_keeps_to_the_sites_politeness_and_its_budget(tmp_path: Path) -> None:
    data, config = tmp_path / "data", tmp_path / "sites.toml"
    links = " ".join(f'<a href="/ctx/portal/read/tin/news/bai-{n}.html">{n}</a>' for n in range(9))

    def respond(path: str, _hits: list[Hit]) -> Reply:
        if path == "/robots.txt":
            return Reply(200, "User-agent: *\nCrawl-delay: 1\n")
        return Reply(200, f"<html><body>{links}</body></html>")

    with serve_script(respond) as (base, hits):
        config.write_text(
            f'[sites.tinh]\nfamily = "portalfolder"\nbase_url = "{base}/"\n'
            f'start_urls = ["{base}{HOME}"]\n[sites.tinh.crawl]\ndelay = 0.5\nconcurrency = 2\n'
            'contact = "archive@example.org"\n',
            encoding="utf-8",
        )
        ran = run_cli(data, "crawl", "--config", config, "--dry-run", "--max-requests", "4")
    assert ran.returncode == 0, ran.stderr
    assert len(hits) == 4
    assert min(later.at - earlier.at for earlier, later in pairwise(hits)) >= 0.95
    assert {hit.user_agent for hit in hits} == {
        "portal-archive/0.1 (+archival crawler of government portals; archive@example.org)"
    }
    assert (
        "politeness: 2 request(s) at a time per host, 0.5 s between requests, "
        "Crawl-delay 1 s: at least 1 s" in ran.stdout
    )
    assert "requests made: 4" in ran.stdout
    assert not data.exists()


def test_a_site_whose_home_page_cannot_be_read_fails_the_dry_run(tmp_path: Path) -> None:
    data, config = tmp_path / "data", tmp_path / "sites.toml"
    with serve_script(lambda path, hits: Reply(503, "busy")) as (base, _):
        config.write_text(f'[sites.tinh]\nbase_url = "{base}/"\n', encoding="utf-8")
        ran = run_cli(data, "crawl", "--config", config, "--dry-run", "--delay", "0")
    assert ran.returncode == 1
    assert "home page: could not be read (HTTP 503)" in ran.stdout
    assert ran.stderr == "Error: the home page of tinh (HTTP 503) could not be read\n"
    assert not data.exists()
