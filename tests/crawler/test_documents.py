"""Documents attached to articles are archived with them, their text read and kept in Unicode."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from archive.db import open_archive, sqlite_url
from archive.models import Article, Document
from archive.urls import canonical_url
from testbed import Testbed as Replica
from tests.crawler.archived import ARTICLES, CrawledArchive, crawl

_SOURCE_LINE = re.compile(r"Nguồn: </strong>([^<]+)</p>")


@dataclass
class CrawledWithGold:
    archive: CrawledArchive
    gold: list[dict]
    pages: dict[str, str]  # article URL -> the HTML the testbed served


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CrawledWithGold]:
    data = tmp_path_factory.mktemp("documents") / "data"
    with Replica(articles=ARTICLES, seed=2) as testbed:
        crawl(testbed, data)
        gold = testbed.gold()
        pages = {
            record["url"]: urllib.request.urlopen(record["url"]).read().decode("utf-8")
            for record in gold
        }
        yield CrawledWithGold(CrawledArchive(data, data.parent / "sites.toml", []), gold, pages)


def documents(crawled: CrawledWithGold) -> dict[str, Document]:
    with crawled.archive.archive.sessions() as session:
        return {document.url: document for document in session.scalars(select(Document))}


def test_every_attached_document_is_archived_with_its_media_type(
    crawled: CrawledWithGold,
) -> None:
    attached = {
        canonical_url(item["url"]): item
        for record in crawled.gold
        for item in record["attachments"]
    }
    assert attached, "the testbed attaches documents to some articles"
    archived = documents(crawled)
    assert set(archived) == set(attached)
    for url, item in attached.items():
        assert archived[url].media_type == item["media_type"]
        assert archived[url].size > 0


def test_every_document_is_stored_with_its_gold_text_and_how_it_was_read(
    crawled: CrawledWithGold,
) -> None:
    attached = [item for record in crawled.gold for item in record["attachments"]]
    archived = documents(crawled)
    for item in attached:
        document = archived[canonical_url(item["url"])]
        if item["text_kind"] == "scanned":
            assert (document.text, document.text_status) == (None, "scanned")
            assert document.pages and document.pages >= 1
            continue
        assert document.text == item["text"], item["url"]
        assert document.text.splitlines()[0] == item["name"]  # "Kế hoạch số 145/KH-UBND"
        assert document.text_status == "text"
        assert document.converted_from == ("tcvn3" if item["text_kind"] == "tcvn3" else None)
    kinds = {(item["media_type"], item["text_kind"]) for item in attached}
    assert {("application/pdf", "tcvn3"), ("application/pdf", "scanned")} <= kinds


def test_document_text_can_be_turned_off(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Replica(articles=40, seed=2) as testbed:
        crawl(testbed, data, "-s", "PORTAL_DOCUMENT_TEXT=False")
        attached = [item for record in testbed.gold() for item in record["attachments"]]
    with open_archive(sqlite_url(data / "archive.sqlite3")).sessions() as session:
        stored = list(session.scalars(select(Document)))
    assert attached and len(stored) == len({canonical_url(item["url"]) for item in attached})
    assert {(document.text, document.text_status) for document in stored} == {(None, "skipped")}


def test_source_lines_are_kept_with_the_article(crawled: CrawledWithGold) -> None:
    shown = {
        canonical_url(url): match[1]
        for url, page in crawled.pages.items()
        if (match := _SOURCE_LINE.search(page))
    }
    assert shown, "some testbed articles name their source"
    with crawled.archive.archive.sessions() as session:
        stored = {
            article.url: article.source
            for article in session.scalars(select(Article).where(Article.url.in_(shown)))
        }
    assert stored == shown
