"""The Liferay and NukeViet sites of the testbed, and what all families share since they came:
attachments, republished copies, feeds and the sitemap."""

from __future__ import annotations

import html
import re
import unicodedata
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

import pytest

from testbed import Testbed as Replica
from testbed.text import liferay_slug, nukeviet_alias, tcvn3_bytes
from tests.testbed.test_testbed_http import fetch

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

Gold = list[dict[str, object]]


@pytest.fixture(scope="module")
def tb() -> Iterator[Replica]:
    with Replica(articles=300, seed=2) as testbed:
        yield testbed


@pytest.fixture(scope="module")
def gold(tb: Replica) -> Gold:
    return tb.gold()


def of_site(gold: Gold, key: str) -> Gold:
    return [record for record in gold if record["site"] == key]


def fetch_bytes(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers["Content-Type"], response.read()


def text_of(page: str) -> str:
    return unicodedata.normalize("NFC", html.unescape(re.sub(r"<[^>]+>", "", page)))


def test_slug_rules_of_the_new_families() -> None:
    # daklak.gov.vn/-/-ak-lak-cong-bo-ieu-chinh-…-en-nam-2050: Liferay loses every đ and Đ.
    assert liferay_slug("Đắk Lắk công bố điều chỉnh đến năm 2050") == (
        "-ak-lak-cong-bo-ieu-chinh-en-nam-2050"
    )
    assert nukeviet_alias("Hà Tĩnh: Phát huy vai trò đoàn viên") == (
        "Ha-Tinh-Phat-huy-vai-tro-doan-vien"
    )


def test_liferay_pages_follow_the_hanoi_mirror(gold: Gold) -> None:
    record = of_site(gold, "stnmt")[0]
    assert re.fullmatch(
        r"/[a-z-]+/-/view_content/\d+-[a-z0-9-]+\.html", urlsplit(record["url"]).path
    )
    status, _, page = fetch(record["url"])
    assert status == 200
    assert "Liferay.authToken" in page and "asset-full-content" in page
    # Titles as decimal character references, dates on a 12-hour clock.
    assert "&#" in re.search(r'<h3 class="header-title">(.*?)</h3>', page)[1]
    assert re.search(r"Ngày đăng \d\d/\d\d/\d{4} \| \d\d:\d\d [AP]M", page)
    assert record["title"] in text_of(page)


def test_liferay_listings_page_with_p_p_parameters_and_carry_session_ids(
    tb: Replica, gold: Gold
) -> None:
    site = tb.site("stnmt")
    listing = site.base_url + "web/guest/tin-tuc-su-kien"
    found: set[str] = set()
    url: str | None = listing
    while url:
        status, _, page = fetch(url)
        assert status == 200
        links = [html.unescape(h) for h in re.findall(r'href="([^"]+)"', page)]
        items = {urljoin(url, h.split(";jsessionid=")[0]) for h in links if "/view_content/" in h}
        if items <= found:
            break  # Liferay repeats the last page past the end
        found |= items
        assert any(";jsessionid=" in h for h in links)
        pager = [h for h in links if "_cur=" in h]
        assert all("p_p_id=101_INSTANCE_" in h for h in pager)
        current = int(re.search(r"_cur=(\d+)", url)[1]) if "_cur=" in url else 1
        url = next((urljoin(url, h) for h in pager if h.endswith(f"_cur={current + 1}")), None)
    expected = {
        r["url"] for r in gold if r["site"] == "stnmt" and r["category"] == "Tin tức sự kiện"
    }
    assert found == expected
    # A link with a session id serves the same article.
    record = of_site(gold, "stnmt")[0]
    with_session = record["url"] + ";jsessionid=0123456789ABCDEF0123456789ABCDEF"
    assert fetch(with_session)[2] == fetch(record["url"])[2]


def test_liferay_print_view_and_feed(tb: Replica, gold: Gold) -> None:
    record = of_site(gold, "stnmt")[0]
    status, _, page = fetch(record["url"] + "?p_p_state=pop_up&_101_viewMode=print")
    assert status == 200 and "window.print()" in page
    assert f'<link rel="canonical" href="{record["url"]}">' in page
    _, _, listing = fetch(tb.site("stnmt").base_url + "web/guest/tin-tuc-su-kien")
    feed_path = re.search(r'href="([^"]+/-/asset_publisher/[A-Za-z0-9]+/rss)"', listing)[1]
    status, content_type, body = fetch_bytes(urljoin(tb.site("stnmt").base_url, feed_path))
    assert status == 200 and content_type.startswith("application/rss+xml")
    links = [item.findtext("link") for item in ET.fromstring(body).iter("item")]
    assert links and all("/view_content/" in link for link in links)


def test_nukeviet_pages_follow_detail_tpl(gold: Gold) -> None:
    record = of_site(gold, "nongthonmoi")[0]
    assert re.fullmatch(r"/[A-Za-z-]+/[A-Za-z0-9-]+-\d+\.html", urlsplit(record["url"]).path)
    _, _, page = fetch(record["url"])
    assert '<meta name="generator" content="NukeViet v4.4">' in page
    assert re.search(
        r'<span class="h5">(?:Thứ [a-zăâêôơưáàảãạéèẻẽẹíìóòỏõọúùủũụ]+|Chủ nhật) - '
        r"\d\d/\d\d/\d{4} \d\d:\d\d</span>",
        page,
    )
    title = re.search(r"<title>(.*?)</title>", page)[1]
    assert "&#x" in title and ("&#x3A;" in title or ":" not in record["title"])
    assert f"<strong>Tác giả: </strong>{record['author']}" in page
    assert f'href="/savefile{urlsplit(record["url"]).path}"' in page


def test_nukeviet_copies_feeds_sitemap_and_robots(tb: Replica, gold: Gold) -> None:
    site = tb.site("nongthonmoi")
    record = of_site(gold, "nongthonmoi")[0]
    path = urlsplit(record["url"]).path
    for kind in ("savefile", "print"):
        status, _, page = fetch(site.base_url + kind + path)
        assert status == 200 and f'<link rel="canonical" href="{record["url"]}">' in page
        assert record["summary"] in text_of(page)
    robots = fetch(site.base_url + "robots.txt")[2]
    assert "Disallow: /modules/" in robots
    assert f"Sitemap: {site.base_url}sitemap.xml" in robots
    _, content_type, body = fetch_bytes(site.base_url + "sitemap.xml")
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locations = {loc.text for loc in ET.fromstring(body).iter(f"{namespace}loc")}
    assert locations == {r["url"] for r in of_site(gold, "nongthonmoi")}
    for feed in ("rss/", "rss/Tin-trong-tinh/"):
        status, content_type, body = fetch_bytes(site.base_url + feed)
        assert status == 200 and content_type.startswith("application/rss+xml")
        assert ET.fromstring(body).find("channel/item/pubDate") is not None
    assert 'type="application/rss+xml"' in fetch(record["url"])[2]
    # Only one family has a sitemap.
    assert "Sitemap:" not in fetch(tb.site("stnmt").base_url + "robots.txt")[2]


def test_attachments_are_served_and_listed_in_the_gold(gold: Gold) -> None:
    attachments = [a for record in gold for a in record["attachments"]]
    media_types = {a["media_type"] for a in attachments}
    assert media_types == {"application/pdf", "application/msword", DOCX}
    assert {r["site"] for r in gold if r["attachments"]} <= {"stnmt", "nongthonmoi", "xacamhung"}
    legacy = 0
    for attachment in attachments:
        status, content_type, body = fetch_bytes(attachment["url"])
        assert status == 200 and content_type == attachment["media_type"]
        assert attachment["text"].startswith(attachment["name"]) or not attachment["text"]
        if attachment["media_type"] == "application/pdf":
            assert body.startswith(b"%PDF-1.7") and body.rstrip().endswith(b"%%EOF")
        elif attachment["media_type"] == DOCX:
            assert body.startswith(b"PK")
        else:
            try:
                assert attachment["name"] in body.decode("utf-8")
            except UnicodeDecodeError:
                assert tcvn3_bytes(attachment["name"]) in body
                legacy += 1
    assert legacy >= 1


def test_republished_copies_link_back_to_their_original(gold: Gold) -> None:
    by_url = {record["url"]: record for record in gold}
    copies = [record for record in gold if "duplicate_of" in record]
    assert copies and {c["site"] for c in copies} <= {"nongthonmoi", "xacamhung"}
    for copy in copies:
        original = by_url[copy["duplicate_of"]]
        assert "duplicate_of" not in original and original["site"] != copy["site"]
        assert (copy["title"], copy["body"]) == (original["title"], original["body"])
        assert copy["published"] > original["published"]
        page = fetch(copy["url"])[2]
        assert f'<a href="{original["url"]}" class="pull-right">Chi tiết</a>' in page
    sites_per_story: dict[str, set[str]] = {}
    for record in gold:
        story = record.get("duplicate_of", record["url"])
        sites_per_story.setdefault(story, set()).add(record["site"])
    assert max(map(len, sites_per_story.values())) <= 3
