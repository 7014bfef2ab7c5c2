"""The testbed over real HTTP on 127.0.0.1: gold, pages, pagination, robots, errors."""

from __future__ import annotations

import html
import re
import tomllib
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

# Aliased so pytest does not mistake the class for a test case.
from testbed import Testbed as Replica
from testbed.output import toml_string
from testbed.text import portalfolder_slug, tandan_slug

GOLD_KEYS = [
    *("url", "site", "title", "published", "author", "category", "summary", "body"),
    "attachments",
    "references",
]
SITE_KEYS = {"hatinh", "stttt", "kyanh", "svhttdl", "stnmt", "nongthonmoi", "xacamhung"}
# The families whose listings _Listing reads; the newer ones have tests of their own.
LISTING_FAMILIES = ("portalfolder", "tandan")
SEED_DATA = Path(__file__).parents[2] / "testbed" / "data" / "seed_article.txt"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, method: str = "GET") -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, method=method)
    try:
        with _opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8")


def portable(url: str) -> str:
    """A URL without its port-bearing host, to compare runs bound to different ports."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def without_hosts(records: list[dict[str, object]]) -> list[dict[str, object]]:
    """Gold records with every URL in them (article, attachments, original) made portable."""
    return [
        {
            **r,
            "url": portable(r["url"]),
            "attachments": [{**a, "url": portable(a["url"])} for a in r["attachments"]],
            **({"duplicate_of": portable(r["duplicate_of"])} if "duplicate_of" in r else {}),
        }
        for r in records
    ]


class _Listing(HTMLParser):
    """Article links of a listing page (items only, not the ticker) and its "Tiếp" link."""

    ITEM_CLASSES = frozenset({"news_title", "tandan-p-module-news-title"})

    def __init__(self) -> None:
        super().__init__()
        self.items: list[str] = []
        self.next: str | None = None
        self._in_item = False
        self._href: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "p" and attributes.get("class") in self.ITEM_CLASSES:
            self._in_item = True
        if tag == "a":
            self._href, self._text = attributes.get("href"), ""
            if self._in_item and self._href:
                self.items.append(self._href)

    def handle_data(self, data: str) -> None:
        self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self._in_item = False
        if tag == "a" and self._text.strip() == "Tiếp":
            self.next = self._href


@pytest.fixture(scope="module")
def tb() -> Iterator[Replica]:
    with Replica(articles=300, seed=1) as testbed:
        yield testbed


@pytest.fixture(scope="module")
def gold(tb: Replica) -> list[dict[str, str]]:
    return tb.gold()


def test_sites_are_the_seven_in_order(tb: Replica) -> None:
    assert [(s.key, s.family, s.parent) for s in tb.sites] == [
        ("hatinh", "tandan", None),
        ("stttt", "portalfolder", "hatinh"),
        ("kyanh", "portalfolder", "hatinh"),
        ("svhttdl", "tandan", "hatinh"),
        ("stnmt", "liferay", "hatinh"),
        ("nongthonmoi", "nukeviet", "hatinh"),
        ("xacamhung", "nukeviet", "hatinh"),
    ]
    assert len({s.base_url for s in tb.sites}) == 7
    for site in tb.sites:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", site.base_url)
        assert site.start_url.startswith(site.base_url)
        assert fetch(site.start_url)[0] == 200


def test_gold_shape(gold: list[dict[str, str]]) -> None:
    assert len(gold) == 300
    originals = [g for g in gold if "duplicate_of" not in g]
    # Titles are unique across the portal, except that a republished copy keeps its title.
    assert len({g["title"] for g in originals}) == len(originals)
    assert len({g["url"] for g in gold}) == 300
    for record in gold:
        assert list(record) in (GOLD_KEYS, [*GOLD_KEYS, "duplicate_of"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00\+07:00", record["published"])
        assert "2017" <= record["published"][:4] <= "2025"
        assert record["body"].split("\n")[0] == record["summary"]
        assert all(line.strip() for line in record["body"].split("\n"))
        for value in record.values():
            if isinstance(value, str):
                assert value == unicodedata.normalize("NFC", value)
                assert "\u200b" not in value and "\xa0" not in value
    by_site: dict[str, set[str]] = {}
    for record in gold:
        stamps = by_site.setdefault(record["site"], set())
        assert record["published"] not in stamps
        stamps.add(record["published"])
    assert set(by_site) == SITE_KEYS


def test_same_seed_same_portal_other_seed_differs(tb: Replica, gold: list[dict[str, str]]) -> None:
    seed_url = gold[0]["url"]
    listing = tb.site("hatinh").base_url + "portal/Pages/Tin-tuc-su-kien.aspx?PageIndex=2"
    with Replica(articles=300, seed=1) as again:
        assert without_hosts(again.gold()) == without_hosts(gold)
        for url in (seed_url, listing):
            mine = fetch(url)[2]
            theirs = fetch(url.replace(url.split("/")[2], _host_of(again, url, tb)))[2]
            assert _strip_ports(mine) == _strip_ports(theirs)
    with Replica(articles=300, seed=2) as other:
        other_gold = other.gold()
    assert without_hosts(other_gold) != without_hosts(gold)
    assert other_gold[0]["title"] == gold[0]["title"]  # the seed article is always there


def _host_of(other: Replica, url: str, tb: Replica) -> str:
    key = next(s.key for s in tb.sites if url.startswith(s.base_url))
    return other.site(key).base_url.split("/")[2]


def _strip_ports(page: str) -> str:
    return re.sub(r"127\.0\.0\.1(%3A|:)\d+", "127.0.0.1:PORT", page)


def test_every_gold_article_is_served_with_its_title(gold: list[dict[str, str]]) -> None:
    for record in gold:
        status, headers, page = fetch(record["url"])
        assert status == 200, record["url"]
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert int(headers["Content-Length"]) == len(page.encode())
        # Inline markup may split a word, so tags go without leaving a space.
        text = unicodedata.normalize("NFC", html.unescape(re.sub(r"<[^>]+>", "", page)))
        assert record["title"] in text
        assert record["body"].split("\n")[-1] in " ".join(text.replace("\u200b", "").split())


def test_every_article_is_reachable_through_category_pagination(
    tb: Replica, gold: list[dict[str, str]]
) -> None:
    for site in [s for s in tb.sites if s.family in LISTING_FAMILIES]:
        _, _, home = fetch(site.start_url)
        menu = re.findall(r'<ul class="(?:menu|TD-ul-module-menu-left)">(.*?)</ul>', home)[0]
        categories = [urljoin(site.start_url, h) for h in re.findall(r'href="([^"]+)"', menu)]
        found: set[str] = set()
        for category in categories:
            url: str | None = category
            pages = 0
            while url:
                status, _, page = fetch(url)
                assert status == 200, url
                parser = _Listing()
                parser.feed(page)
                assert len(parser.items) <= 10
                found.update(urljoin(url, h) for h in parser.items)
                url = urljoin(url, parser.next) if parser.next else None
                pages += 1
                assert pages < 100
        expected = {g["url"] for g in gold if g["site"] == site.key}
        assert found == expected, site.key


def test_listing_items_are_newest_first(tb: Replica, gold: list[dict[str, str]]) -> None:
    published = {g["url"]: g["published"] for g in gold}
    base = tb.site("stttt").base_url
    _, _, page = fetch(base + "stttt/portal/folder/tin-trong-tinh")
    parser = _Listing()
    parser.feed(page)
    dates = [published[urljoin(base, h)] for h in parser.items]
    assert dates == sorted(dates, reverse=True) and len(dates) == 10


def test_seed_article_gold_and_page(gold: list[dict[str, str]]) -> None:
    seed = next(g for g in gold if g["title"].startswith("Dấu ấn ngành thông tin"))
    lines = SEED_DATA.read_text("utf-8").split("\n")
    start = lines.index("09:04 25/12/2020")
    paragraphs = [" ".join(line.split()) for line in lines[start + 1 :] if line.strip()]
    assert paragraphs.pop() == "H.A"
    assert seed["site"] == "stttt"
    assert seed["title"] == "Dấu ấn ngành thông tin và truyền thông Hà Tĩnh năm 2020"
    assert seed["published"] == "2020-12-25T09:04:00+07:00"
    assert seed["author"] == "H.A"
    assert seed["category"] == "Tin hoạt động"
    assert seed["summary"] == paragraphs[0]
    assert seed["summary"].startswith("Xu hướng toàn cầu hóa")
    assert seed["body"].split("\n") == paragraphs
    assert "." in paragraphs and len(paragraphs) == 25
    assert seed["url"].endswith(
        "/stttt/portal/read/tin-hoat-dong/news/"
        "dau-an-nganh-thong-tin-va-truyen-thong-ha-tinh-nam-2020.html"
    )

    _, _, page = fetch(seed["url"])
    for marker in (
        '<div class="ticker">',
        "&nbsp;&nbsp;&nbsp;|&nbsp;&nbsp;&nbsp; ",
        '<p class="news_time">09:04 25/12/2020</p>',
        '<p style="text-align: right;"><strong>H.A</strong></p>',
        "Thêm nhận xét mới",
        "Bình luận của bạn đã được gửi thành công. Cảm ơn bạn!",
        "Lỗi: Vui lòng thử lại",
        "Lượt truy cập: &emsp; 392",
        "Lượt đọc tin: &emsp; 2.139",
        "Tổng số truy cập: &emsp; 27.664.046",
        "Sự kiện",
        "https://www.facebook.com/sharer/sharer.php?u=",
        "https://www.chinhphu.vn/",
    ):
        assert marker in page, marker
    assert page.count('<table class="image">') == 6
    order = ["ticker", "breadcrumb", "news_detail", "related_news", "comment_box", "stats"]
    positions = [page.index(f'class="{name}"') for name in order]
    assert positions == sorted(positions)


def test_tandan_article_markup(gold: list[dict[str, str]]) -> None:
    entity_seen = zero_width_seen = False
    for record in [g for g in gold if g["site"] == "hatinh"][:20]:
        _, _, page = fetch(record["url"])
        assert re.search(
            r"/portal/Pages/\d{4}-\d{1,2}-\d{1,2}/[A-Za-z0-9-]{1,50}[a-z0-9]{6}\.aspx$",
            record["url"],
        )
        sapo = re.search(r'<p class="tandan-p-article-news-summary">(.*?)</p>', page)[1]
        entity_seen |= bool(re.search(r"&[a-z]+;", sapo))
        assert html.unescape(sapo) == record["summary"]
        assert f"Đăng ngày {record['published'][8:10]}/" in page
        zero_width_seen |= "\u200b" in page
        main = page.index('class="tandan-p-article-main ms-rtestate-field"')
        assert main < page.index('class="social-share"') < page.index("Các tin khác")
        assert "Thống kê: " in page and "Online: " in page
    assert entity_seen and zero_width_seen


def test_some_kyanh_pages_are_nfd_but_gold_is_nfc(gold: list[dict[str, str]]) -> None:
    nfd_pages = 0
    for record in [g for g in gold if g["site"] == "kyanh"]:
        _, _, page = fetch(record["url"])
        if unicodedata.normalize("NFD", record["title"]) in page and record["title"] not in page:
            nfd_pages += 1
    assert nfd_pages >= 1


def test_robots_txt(tb: Replica) -> None:
    expected = {
        "hatinh": "/portal/Pages/Tim-kiem.aspx",
        "stttt": "/stttt/portal/search",
        "kyanh": "/kyanh/portal/search",
        "svhttdl": "/portal/Pages/Tim-kiem.aspx",
        "stnmt": "/web/guest/tim-kiem",
    }
    for site in [s for s in tb.sites if s.key in expected]:
        status, headers, text = fetch(site.base_url + "robots.txt")
        assert status == 200 and headers["Content-Type"].startswith("text/plain")
        assert text == f"User-agent: *\nDisallow: /admin/\nDisallow: {expected[site.key]}\n"
        # The disallowed page is linked from the home page and does exist.
        assert f'href="{expected[site.key]}"' in fetch(site.start_url)[2]
        assert fetch(site.base_url + expected[site.key].lstrip("/"))[0] == 200


def test_out_of_range_and_unknown(tb: Replica, gold: list[dict[str, str]]) -> None:
    stttt = tb.site("stttt").base_url + "stttt/portal/folder/tin-hoat-dong"
    count = sum(1 for g in gold if g["site"] == "stttt" and g["category"] == "Tin hoạt động")
    last = -(-count // 10)
    assert fetch(f"{stttt}/{last}.html")[0] == 200
    assert fetch(f"{stttt}/{last + 1}.html")[0] == 404
    assert fetch(f"{stttt}/0.html")[0] == 404
    assert fetch(f"{stttt}/1.html")[2] == fetch(stttt)[2]
    assert fetch(tb.site("stttt").base_url + "stttt/portal/folder/no-such-folder")[0] == 404

    hatinh = tb.site("hatinh").base_url + "portal/Pages/Tin-tuc-su-kien.aspx"
    status, _, page = fetch(hatinh + "?PageIndex=999")
    assert status == 200 and "tandan-p-module-news-title" not in page
    assert fetch(hatinh + "?PageIndex=1")[2] == fetch(hatinh)[2]

    for site in tb.sites:
        status, _, page = fetch(site.base_url + "no/such/page.html")
        assert status == 404 and "404" in page
        assert fetch(site.start_url, method="POST")[0] == 405
        if site.start_url == site.base_url:
            continue  # NukeViet's home is the root itself
        status, headers, _ = fetch(site.base_url)
        assert status == 302 and urljoin(site.base_url, headers["Location"]) == site.start_url
        status, headers, body = fetch(site.start_url, method="HEAD")
        assert status == 200 and body == "" and int(headers["Content-Length"]) > 1000


def test_sites_toml_round_trips(tb: Replica, tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    tb.write_sites(path)
    data = tomllib.loads(path.read_text("utf-8"))
    assert list(data["sites"]) == [s.key for s in tb.sites]
    assert set(data["sites"]) == SITE_KEYS
    stttt = data["sites"]["stttt"]
    assert stttt == {
        "name": "Sở Thông tin và Truyền thông Hà Tĩnh",
        "family": "portalfolder",
        "base_url": tb.site("stttt").base_url,
        "start_urls": [tb.site("stttt").base_url + "stttt/portal/folder/home"],
        "parent": "hatinh",
    }
    assert "parent" not in data["sites"]["hatinh"]
    tricky = 'a "quoted" \\ back\nslash\ttab\x01 Đ'
    assert tomllib.loads(f"v = {toml_string(tricky)}")["v"] == tricky


def test_write_gold_matches_gold(tb: Replica, gold: list[dict[str, str]], tmp_path: Path) -> None:
    import json

    path = tmp_path / "gold.jsonl"
    tb.write_gold(path)
    assert [json.loads(line) for line in path.read_text("utf-8").splitlines()] == gold
    assert not list(tmp_path.glob(".*.tmp"))


def test_slug_rules_match_the_real_urls() -> None:
    assert tandan_slug("VPUB - Năm 2019 ước tính thiệt hại do thiên tai gây ra") == (
        "VPUB--Nam-2019-uoc-tinh-thiet-hai-do-thien-tai-gay"
    )
    assert tandan_slug("Cuốn sách “5 Đại đoàn chủ lực tham gia Chiến dịch Điện Biên Phủ”") == (
        "Cuon-sach-5-Dai-doan-chu-luc-tham-gia-Chien-dich-D"
    )
    assert tandan_slug("Ứng dụng Blockchain trong Chính phủ điện tử") == (
        "Ung-dung-Blockchain-trong-Chinh-phu-dien-tu"
    )
    assert portalfolder_slug("Đồng hành cùng đồng bào") == "ong-hanh-cung-dong-bao"
    assert len(portalfolder_slug("Hội nghị " * 30)) == 80


def test_bad_arguments_are_rejected() -> None:
    for articles in (0, 50_001):
        with pytest.raises(ValueError):
            Replica(articles=articles)
    with pytest.raises(ValueError):
        Replica(articles=10, host="0.0.0.0")
    with pytest.raises(RuntimeError):
        Replica(articles=10).gold()
