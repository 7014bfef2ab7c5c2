"""The pages a researcher reads: search with facets, pages and a histogram, browsing without a
query, articles with their versions, copies and captures, exports, sites and crawls."""

from __future__ import annotations

import csv
import html
import io
import json
import re

import pytest
from starlette.testclient import TestClient

from .archive import BULLETINS, REPORT_WORDS, SEED_TITLE, WebArchive

ALL_ARTICLES = BULLETINS + 2  # the bulletins, the seed and the hostile article; copies fold


def hit_titles(page: str) -> list[str]:
    """The hits' titles as shown, their marked words unmarked."""
    titles = re.findall(r'<article class="hit">\s*<h2><a href="/article/\d+">(.*?)</a>', page)
    return [re.sub(r"</?mark>", "", title) for title in titles]


def test_an_unaccented_query_finds_the_accented_title(client: TestClient) -> None:
    response = client.get("/", params={"q": "dau an nganh thong tin"})
    assert response.status_code == 200
    assert hit_titles(response.text) == [SEED_TITLE]
    assert "<strong>1–1 trong 1</strong> bài viết" in response.text
    assert "<mark>thông</mark>" in response.text
    assert (
        '<a href="/article/' in response.text
        and "<mark>Dấu</mark> <mark>ấn</mark>" in response.text
    )


def test_a_bare_visit_is_the_form_with_a_way_to_browse(client: TestClient) -> None:
    page = client.get("/").text
    assert '<input type="search" id="q" name="q" value=""' in page
    assert 'href="/?sort=newest"' in page
    assert 'class="hit"' not in page


def test_the_page_is_vietnamese_and_fits_a_phone(client: TestClient) -> None:
    page = client.get("/", params={"q": "ban tin"}).text
    assert '<html lang="vi">' in page
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    for label in ("Từ khóa", "Từ ngày (ngày/tháng/năm)", "Sắp xếp", "Đúng dấu như đã gõ"):
        assert label in page


def test_browsing_without_a_query_lists_everything_newest_first(client: TestClient) -> None:
    page = client.get("/", params={"sort": "newest"}).text
    assert f"<strong>1–20 trong {ALL_ARTICLES}</strong>" in page
    dates = re.findall(r'<time datetime="([^"]+)">', page)
    assert len(dates) == 20 and dates == sorted(dates, reverse=True)


def test_browsing_one_site(client: TestClient) -> None:
    data = client.get("/api/search", params={"site": "sgd", "facets": "1"}).json()
    assert [(facet["value"], facet["count"]) for facet in data["facets"]["site"]] == [
        ("sgd", data["total"])
    ]
    assert data["total"] == BULLETINS // 3


def test_the_kind_of_attached_document_and_the_language_filter_and_count(
    client: TestClient,
) -> None:
    with_pdf = client.get("/", params={"type": "pdf"}).text
    assert hit_titles(with_pdf) == [SEED_TITLE]
    assert "Văn bản đính kèm: pdf" in with_pdf
    browsed = client.get("/", params={"sort": "newest"}).text
    assert "Ngôn ngữ" in browsed and "?language=vi&amp;sort=newest" in browsed
    assert "0 trong 0" in client.get("/", params={"language": "en"}).text


def test_numbered_pages_and_the_second_page(client: TestClient) -> None:
    first = client.get("/", params={"q": "ban tin"}).text
    assert f"<strong>1–20 trong {BULLETINS}</strong> bài viết · Trang 1/2" in first
    assert '<span aria-current="page">1</span>' in first
    assert '<a href="/?q=ban+tin&amp;page=2">2</a>' in first
    second = client.get("/", params={"q": "ban tin", "page": "2"}).text
    assert f"<strong>21–{BULLETINS} trong {BULLETINS}</strong>" in second
    assert len(hit_titles(second)) == BULLETINS - 20
    assert not set(hit_titles(first)) & set(hit_titles(second))


def test_facets_are_links_that_narrow_the_search(client: TestClient) -> None:
    page = client.get("/", params={"q": "ban tin"}).text
    assert re.search(
        r'<a href="/\?q=ban\+tin&amp;site=sgd">Sở Giáo dục và Đào tạo Hà Tĩnh</a>'
        r' <span class="facet-count">8</span>',
        page,
    )
    assert '<a href="/?q=ban+tin&amp;author=L%C3%AA+Hoa">Lê Hoa</a>' in page
    category = re.search(r'<a href="(/\?q=ban\+tin&amp;category=[^"]+)">Giáo dục</a>', page)
    assert category is not None
    narrowed = client.get(html.unescape(category[1])).text
    assert f"<strong>1–{BULLETINS // 2} trong {BULLETINS // 2}</strong>" in narrowed
    assert 'aria-label="Bỏ lọc Chuyên mục: ' in narrowed


def test_the_histogram_is_a_chart_of_links_to_each_period(client: TestClient) -> None:
    page = client.get("/", params={"q": "ban tin"}).text
    bars = re.findall(r'<a href="([^"]+)" class="bar" aria-label="(\d{4}): (\d+) bài"', page)
    assert [(period, int(count)) for _, period, count in bars] == [
        ("2019", 6), ("2020", 6), ("2021", 6), ("2022", 6),
    ]  # fmt: skip
    assert bars[1][0] == "/?q=ban+tin&amp;from=2020-01-01&amp;to=2020-12-31"
    # Within a year the chart is per month, and a month's bar narrows to its days.
    year = client.get("/", params={"q": "ban tin", "from": "2020-01-01", "to": "2020-12-31"}).text
    months = re.findall(r'class="bar" aria-label="(\d{4}-\d\d): (\d+) bài"', year)
    assert len(months) >= 2 and sum(int(count) for _, count in months) == 6
    assert "/?q=ban+tin&amp;from=2020-02-01&amp;to=2020-02-29" in year


def test_sort_orders_by_date_both_ways(client: TestClient) -> None:
    def published(sort: str) -> list[str]:
        data = client.get("/api/search", params={"q": "ban tin", "sort": sort}).json()
        return [hit["published"] for hit in data["hits"]]

    assert published("newest") == sorted(published("newest"), reverse=True)
    assert published("oldest") == sorted(published("oldest"))
    assert published("oldest")[0] < published("newest")[0]


def test_exact_mode_matches_only_the_diacritics_typed(client: TestClient) -> None:
    assert client.get("/api/search", params={"q": "thống"}).json()["total"] >= 1
    assert client.get("/api/search", params={"q": "thống", "exact": "1"}).json()["total"] == 0
    page = client.get("/", params={"q": "thống", "exact": "1"}).text
    assert 'name="exact" value="1" checked' in page


def test_copies_fold_into_the_original_and_link_inside_the_archive(
    client: TestClient, web_archive: WebArchive
) -> None:
    page = client.get("/", params={"q": "dau an nganh"}).text
    assert f'Đăng lại ở:\n<a href="/article/{web_archive.copy_id}">' in page
    original = client.get(f"/article/{web_archive.seed_id}").text
    copy_link = f'<a href="/article/{web_archive.copy_id}">Sở Giáo dục và Đào tạo Hà Tĩnh</a>'
    assert copy_link in original
    copy = client.get(f"/article/{web_archive.copy_id}").text
    assert f'đăng lại <a href="/article/{web_archive.seed_id}">bản gốc</a>' in copy


def test_the_article_page_shows_text_provenance_and_versions(
    client: TestClient, web_archive: WebArchive
) -> None:
    page = client.get(f"/article/{web_archive.seed_id}").text
    assert f"<h1>{SEED_TITLE}</h1>" in page
    assert '<dd><time datetime="2020-12-25T02:04:00+00:00">25/12/2020 09:04</time></dd>' in page
    assert "Nguồn: Báo Hà Tĩnh" in page
    assert ">Toàn cảnh hội nghị</a>" in page
    assert ">Báo cáo tổng kết</a>" in page
    assert "<h2>2 phiên bản</h2>" in page
    # Each version with the day-first time it was captured.
    captured = r"Phiên bản [12], thu thập <time [^>]+>\d\d/\d\d/\d{4} \d\d:\d\d<"
    assert len(re.findall(captured, page)) == 2
    assert '<span class="added">+Bài viết được cập nhật số liệu cuối năm.</span>' in page
    captures = re.findall(r'<a href="(/capture/\d+)" rel="noopener">', page)
    assert len(set(captures)) == 2


def test_the_article_page_shows_the_text_of_its_documents(
    client: TestClient, web_archive: WebArchive
) -> None:
    page = client.get(f"/article/{web_archive.seed_id}").text

    assert "<summary>Nội dung tệp</summary>" in page
    assert f"Tổng kết dự án {REPORT_WORDS} năm 2020." in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "· 2 trang" in page


def test_a_hit_in_an_attached_document_says_which(client: TestClient) -> None:
    page = client.get("/", params={"q": "cap quang ngam"}).text

    assert hit_titles(page) == [SEED_TITLE]
    assert "Trong tệp đính kèm: Báo cáo tổng kết" in page
    assert "<mark>cáp</mark> <mark>quang</mark> <mark>ngầm</mark>" in page


def test_the_archived_capture_is_served_sandboxed_from_its_warc(
    client: TestClient, web_archive: WebArchive
) -> None:
    page = client.get(f"/article/{web_archive.seed_id}").text
    link = re.search(r'<dt>Bản lưu</dt><dd><a href="(/capture/\d+)"', page)
    assert link is not None
    response = client.get(link[1])
    assert response.status_code == 200
    assert f"<h1>{SEED_TITLE}</h1>" in response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"].startswith("sandbox;")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "set-cookie" not in response.headers  # the portal's headers are not replayed


def test_export_streams_the_current_result_set(client: TestClient) -> None:
    page = client.get("/", params={"q": "ban tin", "site": "sgd"}).text
    assert '<a href="/export.csv?q=ban+tin&amp;site=sgd">CSV</a>' in page
    response = client.get("/export.csv", params={"q": "ban tin", "site": "sgd"})
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == BULLETINS // 3 and {row["site"] for row in rows} == {"sgd"}
    lines = client.get("/export.jsonl", params={"q": "dau an nganh"}).text.splitlines()
    # An export holds every copy, as `portal-archive export` does.
    assert sorted(json.loads(line)["site"] for line in lines) == ["sgd", "stttt"]


def test_sites_and_crawls_pages(client: TestClient, web_archive: WebArchive) -> None:
    sites = client.get("/sites").text
    assert '<a href="/?site=stttt">Sở Thông tin và Truyền thông Hà Tĩnh</a>' in sites
    assert f"<p>{ALL_ARTICLES + 1} bài viết.</p>" in sites
    crawls = client.get("/crawls").text
    assert f'<td><a href="/crawls/{web_archive.run_id}">{web_archive.run_id}</a></td>' in crawls
    crawl = client.get(f"/crawls/{web_archive.run_id}").text
    assert "<dt>Trạng thái</dt><dd>finished</dd>" in crawl
    assert "<td>HTTP 404: 2, timeout: 1</td>" in crawl
    assert '<tr><td>HTTP 404</td><td class="number">2</td></tr>' in crawl
    assert client.get("/crawls/999").status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2030-01-01"},
        {"to": "1990-01-01"},
        {"author": "Không Ai"},
        {"category": "Không có"},
    ],
)
def test_filters_that_match_nothing_count_nothing(
    client: TestClient, params: dict[str, str]
) -> None:
    data = client.get("/api/search", params={"q": "thong tin", **params}).json()
    assert (data["total"], data["hits"], data["pages"]) == (0, [], 0)
    page = client.get("/", params={"q": "thong tin", **params}).text
    assert "<strong>0 trong 0</strong>" in page and "Không có bài viết nào khớp." in page
