"""Documents attached to articles are archived with them, their text in Unicode."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

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


def test_text_documents_are_read_in_unicode_legacy_ones_converted(
    crawled: CrawledWithGold,
) -> None:
    names = {
        canonical_url(item["url"]): item["name"]
        for record in crawled.gold
        for item in record["attachments"]
        if item["media_type"] == "application/msword"
    }
    assert names
    archived = documents(crawled)
    for url, name in names.items():
        text = archived[url].text
        assert text is not None
        assert text.splitlines()[0] == name  # "Công văn số …/UBND", TCVN3 bytes or UTF-8
    pdfs = [document for document in archived.values() if document.media_type == "application/pdf"]
    assert pdfs and all(document.text is None for document in pdfs)


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
