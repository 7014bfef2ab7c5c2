"""Safe with hostile archived pages and hostile requests: inert text and links, strict headers,
Host and method checks, and every bad parameter a 400 in Vietnamese, never a 500."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from portal_archive.web import create_app
from search.parsing import MAX_QUERY_CHARS

from .archive import HOSTILE_LINKS, WebArchive
from .conftest import LOCAL_BASE_URL, web_config


def hrefs_and_srcs(page: str) -> list[str]:
    """The URLs of the page's links, images and stylesheets (not text that looks like them)."""
    return re.findall(r'<(?:a|img|link)\b[^>]*?\s(?:href|src)="([^"]*)"', page)


def test_a_hostile_article_renders_inert(client: TestClient, web_archive: WebArchive) -> None:
    page = client.get(f"/article/{web_archive.hostile_id}").text
    assert "<script" not in page and "onerror=" not in page.replace("onerror=&#34;", "")
    assert "&lt;script&gt;document.title=&#34;pwned&#34;&lt;/script&gt;" in page
    assert "&lt;b onmouseover=&#34;alert(1)&#34;&gt;Kẻ tấn công&lt;/b&gt;" in page
    assert "&lt;/textarea&gt;" in page
    # Its image and documents point at script: shown as text, never a link or an image.
    assert page.count('<span class="inert-url"') == len(HOSTILE_LINKS)
    urls = hrefs_and_srcs(page)
    assert urls
    for url in urls:
        assert url.startswith(("/", "http://127.0.0.1:")), url


def test_hostile_fields_in_results_and_facets_are_inert(client: TestClient) -> None:
    page = client.get("/", params={"q": "doc hai"}).text
    assert "<script" not in page
    assert "<b onmouseover" not in page
    assert "&lt;b onmouseover=&#34;alert(1)&#34;&gt;Kẻ tấn công&lt;/b&gt;</a>" in page  # a facet
    urls = hrefs_and_srcs(page)
    assert urls
    for url in urls:
        assert url.startswith(("/", "http://127.0.0.1:")), url


def test_every_page_carries_the_security_headers(
    client: TestClient, web_archive: WebArchive
) -> None:
    for path in ("/", "/?q=tin", f"/article/{web_archive.seed_id}", "/nowhere", "/?page=x"):
        headers = client.get(path).headers
        policy = headers["content-security-policy"]
        assert "script-src 'none'" in policy and "frame-ancestors 'none'" in policy
        assert "'unsafe-inline'" not in policy
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"


def test_pages_have_no_inline_script_or_style(client: TestClient) -> None:
    page = client.get("/", params={"q": "ban tin"}).text
    assert "<script" not in page and "<style" not in page and " style=" not in page


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "localhost.evil"])
def test_other_host_names_are_refused(client: TestClient, host: str) -> None:
    response = client.get("/api/search?q=tin", headers={"host": host})
    assert response.status_code == 400
    assert "hits" not in response.text


def test_allowed_hosts_are_configurable(web_archive: WebArchive) -> None:
    config = replace(web_config(web_archive.data), allowed_hosts=("archive.lan",))
    with TestClient(create_app(config), base_url="http://archive.lan") as proxied:
        assert proxied.get("/").status_code == 200
        assert proxied.get("/", headers={"host": "127.0.0.1"}).status_code == 400


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_only_get_and_head_are_answered(client: TestClient, method: str) -> None:
    for path in ("/", "/api/search", "/nowhere"):
        response = client.request(method, path)
        assert response.status_code == 405
        assert response.headers["allow"] == "GET, HEAD"
    assert client.head("/").status_code == 200


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ("page=%C2%B2", "Số trang là một số từ 1 đến 500."),
        (f"page={'9' * 5000}", "Số trang là một số từ 1 đến 500."),
        ("page=0", "Số trang là một số từ 1 đến 500."),
        ("page=-1", "Số trang là một số từ 1 đến 500."),
        ("q=tin&to=9999-12-31", "Đến ngày: năm 9999 nằm ngoài khoảng 1900–2100."),
        ("q=tin&from=2020-02-30", "Từ ngày: không có ngày 30/02/2020."),
        ("q=tin&from=h%C3%B4m+qua", "Từ ngày: &#39;hôm qua&#39; không phải là ngày"),
        ("q=tin&from=2021-01-01&to=2020-12-31", "Khoảng ngày kết thúc (31/12/2020) trước"),
        ("q=tin&sort=random", "Tham số sort là một trong relevance, newest, oldest."),
        ("q=tin&exact=maybe", "Tham số exact là 1 hoặc 0."),
        (f"q={'tin+' * 400}", "Câu tìm kiếm quá dài"),
        (f"q={'a' * (MAX_QUERY_CHARS + 1)}", "Câu tìm kiếm quá dài"),
        ("q=tin&site=STTTT", "Kho không có trang STTTT. Các trang: sgd, stttt."),
        ("q=((((", "Không dùng được câu tìm kiếm này"),
        ("q=tin&author=%21%21%21", "Không dùng được câu tìm kiếm này"),
    ],
)
def test_bad_parameters_are_a_400_in_vietnamese(
    client: TestClient, params: str, message: str
) -> None:
    response = client.get(f"/?{params}")
    assert response.status_code == 400, response.text
    assert "<h1>Yêu cầu không hợp lệ</h1>" in response.text
    assert message in response.text
    api = client.get(f"/api/search?{params}")
    assert api.status_code == 400 and api.json()["error"]


def test_day_first_dates_are_read_too(client: TestClient) -> None:
    typed = client.get("/api/search", params={"q": "ban tin", "from": "1/1/2021"}).json()
    iso = client.get("/api/search", params={"q": "ban tin", "from": "2021-01-01"}).json()
    assert typed["total"] == iso["total"] > 0


@pytest.mark.parametrize(
    "path", ["/article/999999", f"/article/{10**30}", "/capture/999999", "/nowhere", "/export.xml"]
)
def test_unknown_things_are_a_404_in_vietnamese(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert "<h1>Không tìm thấy</h1>" in response.text


def test_no_index_yet_is_a_503(tmp_path: Path, web_archive: WebArchive) -> None:
    config = replace(web_config(web_archive.data), index_dir=tmp_path / "index")
    with TestClient(create_app(config), base_url=LOCAL_BASE_URL) as client:
        response = client.get("/", params={"q": "tin"})
        assert response.status_code == 503
        assert "portal-archive reindex" in response.text
        assert client.get("/api/search", params={"q": "tin"}).status_code == 503
