"""The web interface over a real archive and index, through real HTTP."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from urllib.parse import quote
from wsgiref.simple_server import WSGIRequestHandler

import pytest
from sqlalchemy import select

from archive.datadir import DataDir
from archive.db import open_archive
from archive.extract import ExtractedArticle, ImageRef
from archive.models import Article
from archive.sites import SiteConfig
from archive.store import ArchiveStore
from search.indexer import ArticleIndex
from search.web import ThreadingWSGIServer, make_app

VIETNAM = timezone(timedelta(hours=7))
SEED_TITLE = "Dấu ấn ngành thông tin và truyền thông Hà Tĩnh năm 2020"
SITE = SiteConfig(
    key="stttt",
    name="Sở Thông tin và Truyền thông Hà Tĩnh",
    family="portalfolder",
    base_url="http://127.0.0.1:8002/",
    start_urls=("http://127.0.0.1:8002/",),
)


def article(number: int, title: str, body: str, published: datetime) -> ExtractedArticle:
    return ExtractedArticle(
        url=f"http://127.0.0.1:8002/stttt/portal/read/tin/news/bai-{number}.html",
        title=title,
        summary=body.split("\n")[0],
        body=body,
        published=published,
        updated=None,
        author="H.A",
        category="Tin hoạt động",
        language="vi",
        images=[ImageRef(src="http://127.0.0.1:8002/a.jpg", caption="Toàn cảnh hội nghị")],
        source="Báo Hà Tĩnh" if number == 1 else None,
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> DataDir:
    directory = DataDir.resolve(tmp_path_factory.mktemp("web") / "data")
    directory.create()
    store = ArchiveStore(open_archive(directory.db_url))
    site_id = store.ensure_site(SITE)
    store.save_article(
        site_id,
        article(
            1,
            SEED_TITLE,
            "Năm 2020, ngành thông tin và truyền thông <đạt> nhiều kết quả.\nH.A ghi nhận.",
            datetime(2020, 12, 25, 9, 4, tzinfo=VIETNAM),
        ),
        None,
    )
    store.save_article(
        site_id,
        article(
            2,
            "Hội nghị chuyển đổi số",
            "Tỉnh tổ chức hội nghị về thông tin số.",
            datetime(2022, 3, 1, 8, 0, tzinfo=VIETNAM),
        ),
        None,
    )
    with store.archive.sessions() as session:
        ArticleIndex(directory.index_dir).add(session.scalars(select(Article)).all())
    return directory


@pytest.fixture(scope="module")
def base_url(data_dir: DataDir) -> Iterator[str]:
    app = make_app(data_dir.index_dir, open_archive(data_dir.db_url))
    server = ThreadingWSGIServer(("127.0.0.1", 0), _QuietHandler)
    server.set_app(app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def test_search_page_finds_unaccented_query_with_marked_words(base_url: str) -> None:
    status, page = fetch(f"{base_url}/?q={quote('dau an nganh thong tin')}")
    assert status == 200
    assert "1 bài viết" in page
    assert SEED_TITLE in page
    assert "<mark>thông</mark>" in page
    assert "&lt;đạt&gt;" in page  # article text is escaped, never markup


def test_filters_and_timeline(base_url: str) -> None:
    _, page = fetch(f"{base_url}/?q={quote('thong tin')}&from=2021-01-01")
    assert "1 bài viết" in page and "Hội nghị chuyển đổi số" in page
    _, page = fetch(f"{base_url}/?q={quote('thong tin')}")
    assert "2 bài viết" in page
    assert re.search(r"<td>2020</td>.*<td>2021</td>.*<td>2022</td>", page)


def test_bad_input_is_one_clear_message(base_url: str) -> None:
    _, page = fetch(f"{base_url}/?q=x&from=25%2F12%2F2020")
    assert "is not a date like 2020-12-25" in page
    _, page = fetch(f"{base_url}/?q=%20%20")
    assert 'name="q"' in page and "bài viết" not in page  # a blank search is just the form


def test_article_page_shows_text_and_provenance(base_url: str) -> None:
    _, results = fetch(f"{base_url}/api/search?q={quote('dau an')}")
    [hit] = json.loads(results)["hits"]
    status, page = fetch(f"{base_url}/article/{hit['article_id']}")
    assert status == 200
    assert f"<h1>{SEED_TITLE}</h1>" in page
    assert "25/12/2020 09:04" in page
    assert "Nguồn: Báo Hà Tĩnh" in page
    assert "Toàn cảnh hội nghị" in page
    assert "1 phiên bản" in page


def test_api_returns_the_cli_json_shape_and_errors_as_400(base_url: str) -> None:
    status, body = fetch(f"{base_url}/api/search?q=hoi+nghi")
    assert status == 200
    hits = json.loads(body)["hits"]
    assert {"url", "site", "title", "published", "author", "score", "snippet"} <= set(hits[0])
    status, body = fetch(f"{base_url}/api/search?q=")
    assert status == 400 and "empty" in json.loads(body)["error"]


def test_backwards_dates_and_overlong_queries_are_explained(base_url: str) -> None:
    status, page = fetch(f"{base_url}/?q=tin&from=2021-01-01&to=2020-12-31")
    assert status == 200
    assert "the date range ends (2020-12-31) before it starts (2021-01-01)" in page
    status, body = fetch(f"{base_url}/api/search?q=tin&from=2021-01-01&to=2020-12-31")
    assert status == 400 and "before it starts" in json.loads(body)["error"]
    status, body = fetch(f"{base_url}/api/search?q={'tin+' * 2000}")
    assert status == 400 and "too long" in json.loads(body)["error"]


def api(base_url: str, params: str) -> tuple[int, dict]:
    status, body = fetch(f"{base_url}/api/search?{params}")
    return status, json.loads(body)


@pytest.mark.parametrize(
    "params",
    ["from=2030-01-01", "author=Kh%C3%B4ng+Ai", "category=Kh%C3%B4ng+c%C3%B3", "to=1990-01-01"],
)
def test_filters_that_match_nothing_count_nothing(base_url: str, params: str) -> None:
    status, data = api(base_url, f"q=thong+tin&{params}")
    assert status == 200
    assert (data["total"], data["hits"], data["pages"]) == (0, [], 0)
    _, page = fetch(f"{base_url}/?q=thong+tin&{params}")
    assert "<p>0 bài viết</p>" in page


def test_an_unknown_site_is_explained(base_url: str) -> None:
    status, data = api(base_url, "q=thong+tin&site=nosuch")
    assert status == 400
    assert data["error"] == "unknown site 'nosuch': the sites are stttt"
    _, page = fetch(f"{base_url}/?q=thong+tin&site=STTTT")
    assert "unknown site &#x27;STTTT&#x27;" in page


def test_api_sorts_pages_and_counts_facets_and_histogram(base_url: str) -> None:
    _, newest = api(base_url, "q=thong+tin&sort=newest&site=stttt&site=stttt")
    assert [hit["title"] for hit in newest["hits"]] == ["Hội nghị chuyển đổi số", SEED_TITLE]
    _, oldest = api(base_url, "q=thong+tin&sort=oldest&facets=1&histogram=year")
    assert [hit["title"] for hit in oldest["hits"]] == [SEED_TITLE, "Hội nghị chuyển đổi số"]
    assert (oldest["page"], oldest["pages"], oldest["timed_out"]) == (1, 1, False)
    assert oldest["facets"]["site"] == [
        {"value": "stttt", "label": "Sở Thông tin và Truyền thông Hà Tĩnh", "count": 2}
    ]
    assert oldest["facets"]["category"] == [
        {"value": "tin hoat dong", "label": "Tin hoạt động", "count": 2}
    ]
    assert oldest["histogram"] == [
        {"period": "2020", "count": 1},
        {"period": "2021", "count": 0},
        {"period": "2022", "count": 1},
    ]
    status, data = api(base_url, "q=thong+tin&sort=random")
    assert status == 400 and "sort is one of relevance, newest, oldest" in data["error"]


def test_exact_parameter_matches_only_the_diacritics_typed(base_url: str) -> None:
    assert api(base_url, f"q={quote('thống')}")[1]["total"] == 2  # "thông" folds to it
    assert api(base_url, f"q={quote('thống')}&exact=1")[1]["total"] == 0


def test_api_similar_lists_the_articles_most_like_one(base_url: str) -> None:
    _, found = api(base_url, f"q={quote('dau an nganh')}")
    seed_id = found["hits"][0]["article_id"]
    status, body = fetch(f"{base_url}/api/similar?id={seed_id}")
    titles = [hit["title"] for hit in json.loads(body)["hits"]]
    assert status == 200 and titles == ["Hội nghị chuyển đổi số"]
    status, body = fetch(f"{base_url}/api/similar?id=999")
    assert status == 400 and "no article 999" in json.loads(body)["error"]


def test_unknown_paths_are_404(base_url: str) -> None:
    assert fetch(f"{base_url}/article/999")[0] == 404
    assert fetch(f"{base_url}/article/{10**30}")[0] == 404  # beyond any SQLite integer
    assert fetch(f"{base_url}/nowhere")[0] == 404


def test_serve_command_listens_and_answers(data_dir: DataDir) -> None:
    command = [sys.executable, "-m", "portal_archive", "--data", str(data_dir.root)]
    process = subprocess.Popen(
        [*command, "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        url = re.search(r"http://\S+/", process.stdout.readline())
        assert url is not None
        status, page = fetch(f"{url[0]}?q=chuyen+doi+so")
        assert status == 200 and "Hội nghị chuyển đổi số" in page
    finally:
        process.terminate()
        process.wait(timeout=10)
