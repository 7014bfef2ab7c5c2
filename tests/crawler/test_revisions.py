"""A recrawl after the portal's editors changed some articles (testbed ``--revision 2``)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from archive.models import ArticleVersion, Capture
from archive.urls import canonical_url
from archive.warc import payload_digest
from testbed import Testbed as Replica
from testbed import free_port_base
from tests.crawler.archived import ARTICLES, CrawledArchive, crawl

pytestmark = pytest.mark.e2e


@dataclass
class Recrawled:
    archive: CrawledArchive
    edited: set[str]  # canonical URLs of the articles revision 2 edited, on the crawled sites
    gold: list[dict[str, object]]  # the gold of revision 2
    summary: str  # the recrawl's total line


@pytest.fixture(scope="module")
def recrawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recrawled]:
    data = tmp_path_factory.mktemp("revisions") / "data"
    port_base = free_port_base()
    with Replica(articles=ARTICLES, seed=1, port_base=port_base) as testbed:
        crawl(testbed, data)
    with Replica(articles=ARTICLES, seed=1, port_base=port_base, revision=2) as testbed:
        second = crawl(testbed, data, "--full")
        crawled = {site.key for site in testbed.sites if site.key in second.stdout}
        gold = testbed.gold()
        sites = {record["url"]: record["site"] for record in gold}
        edited = {canonical_url(url) for url in testbed.edited_urls() if sites[url] in crawled}
    yield Recrawled(
        CrawledArchive(data, data.parent / "sites.toml", sorted(crawled)),
        edited,
        gold,
        second.stdout.splitlines()[-1],
    )


def _version_counts(archived: CrawledArchive) -> dict[str, int]:
    with archived.archive.sessions() as session:
        rows = session.execute(
            select(ArticleVersion.article_id, func.count()).group_by(ArticleVersion.article_id)
        )
        counts = dict(rows.all())
    return {url: counts[article.id] for url, article in archived.articles().items()}


def test_revision_2_edits_about_five_percent_and_the_gold_says_which() -> None:
    with Replica(articles=ARTICLES, seed=1, revision=2) as testbed:
        edited = set(testbed.edited_urls())
        revised = {record["url"] for record in testbed.gold() if record.get("revision") == 2}
    with Replica(articles=ARTICLES, seed=1, revision=2) as again:
        edited_again = set(again.edited_urls())
    assert revised == edited
    assert {urlsplit(url).path for url in edited_again} == {urlsplit(url).path for url in edited}
    assert 0.03 * ARTICLES <= len(edited) <= 0.07 * ARTICLES


def test_recrawl_updates_exactly_the_edited_articles(recrawled: Recrawled) -> None:
    assert recrawled.edited
    counts = _version_counts(recrawled.archive)
    assert {url for url, count in counts.items() if count == 2} == recrawled.edited
    assert set(counts.values()) == {1, 2}
    assert f" {len(recrawled.edited)} updated" in recrawled.summary
    assert " 0 new" in recrawled.summary


def test_updated_articles_hold_the_revised_text(recrawled: Recrawled) -> None:
    articles = recrawled.archive.articles()
    for record in recrawled.gold:
        url = canonical_url(str(record["url"]))
        if url in recrawled.edited:
            assert articles[url].title == record["title"]
            assert "cập nhật, bổ sung lần thứ 1" in articles[url].body


def test_unchanged_pages_are_revisits_in_the_second_run(recrawled: Recrawled) -> None:
    with recrawled.archive.archive.sessions() as session:
        kinds = dict(
            session.execute(
                select(Capture.warc_type, func.count())
                .where(Capture.run_id == 2)
                .group_by(Capture.warc_type)
            ).all()
        )
    # Listings and neighbours of edited articles show new titles; most pages do not change.
    assert kinds["revisit"] > kinds["response"] > 0


def test_history_lists_both_versions_with_a_diff(recrawled: Recrawled) -> None:
    url = min(recrawled.edited)
    result = recrawled.archive.cli("history", url)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"{url}: 2 versions"
    assert [line.split()[:2] for line in lines if line.startswith("version ")] == [
        ["version", "1"],
        ["version", "2"],
    ]
    added = [line for line in lines if line.startswith("+") and not line.startswith("+++")]
    assert any("cập nhật, bổ sung lần thứ 1" in line for line in added)


def test_verify_passes_after_the_recrawl(recrawled: Recrawled) -> None:
    result = recrawled.archive.cli("verify")
    assert result.returncode == 0, result.stdout + result.stderr


def test_history_of_an_unknown_url_is_one_error_line(recrawled: Recrawled) -> None:
    result = recrawled.archive.cli("history", "http://127.0.0.1:1/none.html")
    assert result.returncode == 1
    assert result.stderr == (
        "Error: no article archived at http://127.0.0.1:1/none.html: it was never fetched\n"
    )


def test_show_raw_follows_a_revisit_to_the_bytes_it_repeats(recrawled: Recrawled) -> None:
    captures = recrawled.archive.captures()
    revisited = next(c for c in captures if c.run_id == 2 and c.warc_type == "revisit")
    result = subprocess.run(
        [sys.executable, "-m", "portal_archive", "--data", str(recrawled.archive.data),
         "show", "--raw", revisited.url],
        capture_output=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"HTTP/1.1 200 OK\r\n")
    assert payload_digest(result.stdout.partition(b"\r\n\r\n")[2]) == revisited.payload_digest


def test_show_prints_the_current_article(recrawled: Recrawled) -> None:
    url = min(recrawled.edited)
    result = recrawled.archive.cli("show", url)
    assert result.returncode == 0, result.stderr
    article = recrawled.archive.articles()[url]
    assert result.stdout.splitlines()[0] == article.title
    assert "versions: 2" in result.stdout
