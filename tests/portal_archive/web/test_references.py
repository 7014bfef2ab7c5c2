"""The pages of cited legal documents, the references of an article, and their facets."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from archive.datadir import DataDir
from archive.db import open_archive
from archive.extract import ExtractedArticle
from archive.models import Article
from archive.store import ArchiveStore
from portal_archive.web import create_app
from search.indexer import ArticleIndex
from tests.helpers import STTTT, VIETNAM, plain_article

from .conftest import LOCAL_BASE_URL, web_config

# Oldest first by publication, saved newest first: the page orders by date, not by id.
CITING = [
    (2021, "Sơ kết Quyết định 81/2004/QĐ-UB", "Theo Nghị quyết 17/NQ-CP."),
    (2020, "Hội nghị triển khai", "Thực hiện Quyết định số 81/2004/QĐ–UB của tỉnh."),
    (2019, '<script>alert("x")</script> Tin', "Quyet dinh so 81/2004/QD-UB da neu."),
]


def _article(number: int, year: int, title: str, body: str) -> ExtractedArticle:
    return plain_article(
        f"tin/{number}.html", title, body, datetime(year, 3, 1, 8, 0, tzinfo=VIETNAM)
    )


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data = DataDir.resolve(Path(tmp_path_factory.mktemp("refs")) / "data")
    data.create()
    store = ArchiveStore(open_archive(data.db_url))
    site_id = store.ensure_site(STTTT)
    for number, row in enumerate(CITING):
        store.save_article(site_id, _article(number, *row), None)
    with store.archive.sessions() as session:
        ArticleIndex(data.index_dir).add(session.scalars(select(Article)).all())
    with TestClient(create_app(web_config(data)), base_url=LOCAL_BASE_URL) as client:
        yield client


def test_a_documents_page_lists_its_citing_articles_oldest_first(client: TestClient) -> None:
    page = client.get("/ref/" + quote("81/2004/QĐ-UB"))
    assert page.status_code == 200
    html = page.text
    assert "Quyết định số 81/2004/QĐ-UB" in html
    assert "<dt>Năm</dt><dd>2004</dd>" in html
    assert "<dt>Cơ quan ban hành</dt><dd>UB</dd>" in html
    hostile = html.index("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Tin")
    assert hostile < html.index("Hội nghị triển khai") < html.index("Sơ kết Quyết định")
    assert "<script>alert" not in html
    assert "3 bài viết dẫn văn bản này" in html


def test_a_document_is_found_by_its_number_typed_without_diacritics(client: TestClient) -> None:
    page = client.get("/ref/81/2004/qd-ub")
    assert page.status_code == 200
    assert "Quyết định số 81/2004/QĐ-UB" in page.text


def test_an_uncited_or_overlong_number_is_not_found(client: TestClient) -> None:
    assert client.get("/ref/1/QĐ-UBND").status_code == 404
    assert client.get("/ref/" + "1" * 5000).status_code == 404


def test_the_article_page_links_what_it_cites(client: TestClient) -> None:
    search = client.get("/", params={"q": "ref:17/nq-cp"})
    assert "Sơ kết Quyết định" in search.text
    article_href = search.text.split('<h2><a href="/article/')[1].split('"')[0]
    page = client.get(f"/article/{article_href}").text
    assert f'href="/ref/{quote("17/NQ-CP")}"' in page
    assert f'href="/ref/{quote("81/2004/QĐ-UB")}"' in page
    assert "(tiêu đề)" in page


def test_the_search_page_counts_and_filters_by_kind_and_issuer(client: TestClient) -> None:
    page = client.get("/", params={"q": "ref:81/2004/QĐ-UB"}).text
    assert "Loại văn bản được dẫn" in page
    assert "Cơ quan ban hành văn bản được dẫn" in page
    narrowed = client.get("/", params={"q": "ref:81/2004/QĐ-UB", "ref_kind": "NQ"}).text
    assert "Sơ kết Quyết định" in narrowed
    assert "Hội nghị triển khai" not in narrowed
    assert "Loại văn bản được dẫn: NQ" in narrowed
