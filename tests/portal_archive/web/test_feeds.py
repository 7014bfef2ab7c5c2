"""The saved searches page and the Atom feed of each saved search, read by feedparser."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.dom import minidom

import feedparser
import pytest
from lxml import etree
from sqlalchemy import select
from starlette.testclient import TestClient

from archive.datadir import DataDir
from archive.db import open_archive
from archive.extract import ExtractedArticle
from archive.models import Article, Site
from archive.store import ArchiveStore
from portal_archive.web import create_app
from portal_archive.web import feeds as feeds_module
from search.filters import SearchFilters
from search.indexer import ArticleIndex
from search.watches import check_watches, current_matches, save_watch

from .archive import STTTT, VIETNAM, WebArchive, build_web_archive
from .conftest import LOCAL_BASE_URL, web_config

# A title only an attacker or a broken page would write: characters XML 1.0 cannot hold,
# a CDATA end, markup and an entity.
HOSTILE_FEED_TITLE = "Tin\x00 \x08lạ\x0b\x1f ]]> <script>alert(1)</script> &amp; \ufffe"
CLEAN_FEED_TITLE = "Tin lạ ]]> <script>alert(1)</script> &amp;"
HOSTILE_QUERY = "<script>alert(1)</script>"
# Matches of the "chuyen-doi-so" search recorded as new; the rest are its baseline.
NEW_MATCHES = 3


@dataclass(frozen=True)
class FeedArchive:
    web: WebArchive
    new_ids: frozenset[int]  # the new matches of "chuyen-doi-so"
    odd_id: int  # the article with the hostile title and a javascript: URL


def _odd_article(web: WebArchive) -> int:
    """An article as an old archive or an import may hold it: a title with characters XML
    cannot carry and a javascript: URL."""
    archive = open_archive(web.data.db_url)
    with archive.session() as session:
        site = session.scalar(select(Site).where(Site.key == STTTT.key))
        assert site is not None
        site_id = site.id
    article = ExtractedArticle(
        url=f"{STTTT.base_url}stttt/tin/la.html",
        title="Tin lạ",
        summary=None,
        body="Nội dung lạ\x07 về đê điều.\n" + "Một câu rất dài về đê điều. " * 30,
        published=datetime(2022, 3, 1, 8, 0, tzinfo=VIETNAM),
        updated=None,
        author=None,
        category=None,
        language="vi",
    )
    odd_id = ArchiveStore(archive).save_article(site_id, article, None).article_id
    with archive.session() as session:
        odd = session.get_one(Article, odd_id)
        odd.title = HOSTILE_FEED_TITLE
        odd.url = "javascript:alert(document.domain)"
    with archive.sessions() as session:
        ArticleIndex(web.data.index_dir).add([session.get_one(Article, odd_id)])
    return odd_id


def _save(
    data: DataDir, name: str, query: str | None, filters: SearchFilters, held: int
) -> set[int]:
    """Saves a search as if all but ``held`` of its current matches were its baseline; the
    check that follows records those as new. Returns their ids."""
    matches = current_matches(data.index_dir, query, filters)
    new = set(sorted(matches)[:held])
    save_watch(open_archive(data.db_url), name, query, filters, False, matches - new)
    return new


@pytest.fixture(scope="module")
def feed_archive(tmp_path_factory: pytest.TempPathFactory) -> FeedArchive:
    web = build_web_archive(DataDir.resolve(tmp_path_factory.mktemp("feeds") / "data"))
    odd_id = _odd_article(web)
    data = web.data
    new_ids = _save(data, "chuyen-doi-so", "chuyen doi so", SearchFilters(sites=("stttt",)), 3)
    _save(data, "de-dieu", "đê điều", SearchFilters(), held=1)
    _save(data, "tat-ca", None, SearchFilters(sites=("stttt", "sgd")), held=1000)
    _save(data, "khong-co", "xyzzy", SearchFilters(), held=0)
    _save(data, "doc-hai", HOSTILE_QUERY, SearchFilters(), held=0)
    check_watches(open_archive(data.db_url), data.index_dir, run_id=web.run_id)
    return FeedArchive(web, frozenset(new_ids), odd_id)


@pytest.fixture(scope="module")
def client(feed_archive: FeedArchive) -> Iterator[TestClient]:
    app = create_app(web_config(feed_archive.web.data))
    with TestClient(app, base_url=LOCAL_BASE_URL) as client:
        yield client


def _feed(client: TestClient, name: str) -> feedparser.FeedParserDict:
    response = client.get(f"/feeds/{name}.atom")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_a_feed_lists_the_matches_found_after_the_baseline(
    client: TestClient, feed_archive: FeedArchive
) -> None:
    parsed = _feed(client, "chuyen-doi-so")
    assert parsed.feed.title == "chuyen-doi-so — portal-archive"
    assert parsed.feed.id.startswith("tag:portal-archive,")
    assert parsed.feed.author == "portal-archive"
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links["self"] == f"{LOCAL_BASE_URL}/feeds/chuyen-doi-so.atom"
    assert links["alternate"].startswith(f"{LOCAL_BASE_URL}/?q=chuyen+doi+so")
    archived = {f"{LOCAL_BASE_URL}/article/{article_id}" for article_id in feed_archive.new_ids}
    assert {entry.link for entry in parsed.entries} == archived
    assert len(parsed.entries) == NEW_MATCHES


def test_entries_are_newest_first_with_their_original_and_dates(client: TestClient) -> None:
    parsed = _feed(client, "chuyen-doi-so")
    entries = parsed.entries
    published = [entry.published_parsed for entry in entries]
    assert published == sorted(published, reverse=True)
    for entry in entries:
        article_id = entry.link.rsplit("/", 1)[1]
        assert entry.id == f"{parsed.feed.id}/article/{article_id}"
        assert entry.title.startswith("Bản tin hoạt động số")
        assert entry.updated_parsed is not None
        related = [link.href for link in entry.links if link.rel == "related"]
        assert related and related[0].startswith(STTTT.base_url)
        assert entry.summary.startswith("Bản tin số")
        assert entry.tags[0].term == "stttt"


def test_the_feed_ids_stay_the_same(client: TestClient) -> None:
    first, second = _feed(client, "chuyen-doi-so"), _feed(client, "chuyen-doi-so")
    assert first.feed.id == second.feed.id
    assert [entry.id for entry in first.entries] == [entry.id for entry in second.entries]


def test_a_hostile_title_stays_text_in_well_formed_xml(
    client: TestClient, feed_archive: FeedArchive
) -> None:
    body = client.get("/feeds/de-dieu.atom").content
    minidom.parseString(body)  # expat refuses anything that is not well-formed XML 1.0
    tree = etree.fromstring(body)
    assert not tree.xpath("//*[local-name()='script']")
    entry = next(
        entry
        for entry in _feed(client, "de-dieu").entries
        if entry.link.endswith(f"/article/{feed_archive.odd_id}")
    )
    assert entry.title == CLEAN_FEED_TITLE
    assert [link.rel for link in entry.links] == ["alternate"]  # no javascript: link
    assert "\x07" not in entry.summary and entry.summary.endswith("…")
    assert len(entry.summary) <= feeds_module.SUMMARY_CHARS + 2


def test_a_feed_is_bounded(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    every = _feed(client, "tat-ca").entries
    assert len(every) > 5
    monkeypatch.setattr(feeds_module, "FEED_ENTRIES", 5)
    assert [entry.id for entry in _feed(client, "tat-ca").entries] == [
        entry.id for entry in every[:5]
    ]


def test_a_search_with_nothing_new_has_a_valid_empty_feed(client: TestClient) -> None:
    parsed = _feed(client, "khong-co")
    assert parsed.entries == []
    assert parsed.feed.updated_parsed is not None


@pytest.mark.parametrize("name", ["nowhere", "a.b", "%3Cscript%3E", "x" * 65])
def test_an_unknown_feed_is_not_found(client: TestClient, name: str) -> None:
    assert client.get(f"/feeds/{name}.atom").status_code == 404


def test_the_page_lists_the_searches_with_their_feeds(client: TestClient) -> None:
    response = client.get("/watches")
    assert response.status_code == 200
    page = response.text
    for name in ("chuyen-doi-so", "de-dieu", "tat-ca", "khong-co", "doc-hai"):
        assert (
            f'<link rel="alternate" type="application/atom+xml" title="{name}" '
            f'href="/feeds/{name}.atom">'
        ) in page
        assert f'href="/feeds/{name}.atom" type="application/atom+xml"' in page
    assert HOSTILE_QUERY not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Trang: Sở Thông tin và Truyền thông Hà Tĩnh" in page
    assert '<a href="/watches">' in client.get("/").text


def test_the_page_of_an_archive_without_saved_searches(tmp_path: Path) -> None:
    data = DataDir.resolve(tmp_path / "data")
    data.create()
    open_archive(data.db_url)
    with TestClient(create_app(web_config(data)), base_url=LOCAL_BASE_URL) as client:
        page = client.get("/watches").text
    assert "Chưa có tìm kiếm nào được lưu" in page
    assert "application/atom+xml" not in page
