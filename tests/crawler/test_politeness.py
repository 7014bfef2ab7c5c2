"""Politeness against real local servers: Crawl-delay, Retry-After, the User-Agent's contact,
a site's own crawl settings, and the watchdog that stops a crawl nobody answers."""

from __future__ import annotations

import time
from email.utils import formatdate
from itertools import pairwise
from pathlib import Path

from scrapy.settings import Settings
from sqlalchemy import select

from archive.db import open_archive, sqlite_url
from archive.models import Article
from archive.sites import CrawlPolicy
from crawler.politeness import apply_crawl_policy, retry_after_seconds, user_agent
from tests.helpers import Hit, Reply, run_cli, serve_script

HOME = "/ctx/portal/folder/home"
ARTICLE = "/ctx/portal/read/tin-tuc/news/bai-{number}.html"
PAGE = (
    '<html lang="vi"><head><meta charset="utf-8"><title>Bài {number}</title></head><body>'
    '<div class="news_detail"><h1 class="news_title">Bài {number}</h1>'
    '<p class="news_time">09:04 25/12/2020</p>'
    '<div class="news_content"><p>Đoạn mở đầu của bài viết.</p><p>Nội dung chính.</p>'
    '<p style="text-align: right;"><strong>H.A</strong></p></div></div></body></html>'
)


def portal_pages(articles: int, robots: str = "") -> dict[str, str]:
    """A home page linking to ``articles`` articles of the portalfolder family."""
    links = " ".join(f'<a href="{ARTICLE.format(number=n)}">{n}</a>' for n in range(articles))
    pages = {HOME: f"<html><body>{links}</body></html>", "/robots.txt": robots}
    pages |= {ARTICLE.format(number=n): PAGE.format(number=n) for n in range(articles)}
    return pages


def static(pages: dict[str, str], path: str) -> Reply:
    return Reply(200, pages[path]) if path in pages else Reply(404, "not found")


def write_config(path: Path, base: str, crawl_table: str = "") -> Path:
    path.write_text(
        f'[sites.site]\nfamily = "portalfolder"\nbase_url = "{base}/"\n'
        f'start_urls = ["{base}{HOME}"]\n{crawl_table}',
        encoding="utf-8",
    )
    return path


def titles(data: Path) -> set[str | None]:
    archive = open_archive(sqlite_url(data / "archive.sqlite3"))
    with archive.sessions() as session:
        return {article.title for article in session.scalars(select(Article))}


def test_crawl_delay_of_robots_txt_spaces_requests_and_site_contact_is_in_user_agent(
    tmp_path: Path,
) -> None:
    pages = portal_pages(3, robots="User-agent: *\nCrawl-delay: 1\n")
    with serve_script(lambda path, _: static(pages, path)) as (base, hits):
        config = write_config(
            tmp_path / "sites.toml", base, '[sites.site.crawl]\ncontact = "archive@example.org"\n'
        )
        # --delay 0 asks for no pause at all: the Crawl-delay must win over it.
        result = run_cli(tmp_path / "data", "crawl", "--config", config, "--delay", "0")
    assert result.returncode == 0, result.stderr
    assert len(titles(tmp_path / "data")) == 3
    gaps = [later.at - earlier.at for earlier, later in pairwise(hits)]
    assert len(gaps) >= 4
    assert min(gaps) >= 0.95, gaps
    assert all("archive@example.org" in hit.user_agent for hit in hits)
    assert all(hit.user_agent.startswith("portal-archive/") for hit in hits)


def test_retry_after_pauses_then_retries_and_the_page_is_archived(tmp_path: Path) -> None:
    pages = portal_pages(1)
    busy = ARTICLE.format(number=0)

    def respond(path: str, hits: list[Hit]) -> Reply:
        if path == busy and sum(hit.path == busy for hit in hits) == 1:
            return Reply(503, "busy", {"Retry-After": "2"})
        return static(pages, path)

    with serve_script(respond) as (base, hits):
        config = write_config(tmp_path / "sites.toml", base)
        result = run_cli(
            tmp_path / "data", "crawl", "--config", config, "--delay", "0",
            "--contact", "https://example.org/archive",
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    first, retried = [hit.at for hit in hits if hit.path == busy]
    assert retried - first >= 1.9
    assert titles(tmp_path / "data") == {"Bài 0"}
    assert all("https://example.org/archive" in hit.user_agent for hit in hits)


def test_a_crawl_nobody_answers_stops_as_stalled(tmp_path: Path) -> None:
    def respond(path: str, _: list[Hit]) -> Reply | None:
        return None if path == HOME else Reply(404, "not found")

    with serve_script(respond) as (base, _):
        config = write_config(tmp_path / "sites.toml", base)
        started = time.monotonic()
        result = run_cli(
            tmp_path / "data", "crawl", "--config", config, "--delay", "0",
            "-s", "PORTAL_STALL_TIMEOUT=2", "-s", "DOWNLOAD_TIMEOUT=60",
        )  # fmt: skip
        elapsed = time.monotonic() - started
    assert result.returncode != 0
    assert elapsed < 30
    [line] = [line for line in result.stderr.splitlines() if "stalled" in line]
    assert line.startswith("Error: crawl 1 stalled: site ")
    crawls = run_cli(tmp_path / "data", "crawls")
    assert " stalled " in crawls.stdout


def test_a_site_crawl_table_overrides_the_crawl_wide_settings() -> None:
    settings = Settings({"DOWNLOAD_DELAY": 1.0, "USER_AGENT": "portal-archive/0.1 (+x)"})
    settings.set("DOWNLOAD_DELAY", 0.0, priority="cmdline")  # --delay 0
    apply_crawl_policy(CrawlPolicy(delay=3.0, concurrency=2, obey_robots=False), settings)
    assert settings.getfloat("DOWNLOAD_DELAY") == 3.0
    assert settings.getfloat("AUTOTHROTTLE_START_DELAY") == 3.0
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2
    assert settings.getbool("ROBOTSTXT_OBEY") is False
    assert user_agent(settings) == "portal-archive/0.1 (+x)"
    apply_crawl_policy(CrawlPolicy(contact="a@b.vn"), settings)
    assert user_agent(settings) == "portal-archive/0.1 (+x; a@b.vn)"


def test_retry_after_is_read_as_seconds_or_as_a_date() -> None:
    now = 1_600_000_000.0
    assert retry_after_seconds(b"120", now) == 120.0
    assert retry_after_seconds(formatdate(now + 30, usegmt=True).encode(), now) == 30.0
    assert retry_after_seconds(formatdate(now - 30, usegmt=True).encode(), now) == 0.0
    assert retry_after_seconds(b"soon", now) is None
    assert retry_after_seconds(None, now) is None
