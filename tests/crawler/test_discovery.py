"""Finding articles through robots.txt sitemaps, sitemaps and feeds."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from archive.sites import adhoc_site, is_site_url, load_sites, write_sites
from archive.text import parse_html
from crawler import discovery
from tests.helpers import serve_pages

SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>http://h/Tin-trong-tinh/Bai-mot-1.html</loc><lastmod>2020-12-25T09:04:00+07:00</lastmod></url>
<url><loc>http://h/Tin-trong-tinh/Bai-hai-2.html</loc></url>
<url><loc>http://h/Tin-trong-tinh/Bai-ba-3.html</loc><lastmod>2021-01-04</lastmod></url>
<url><loc>http://h/Tin-trong-tinh/Bai-bon-4.html</loc><lastmod>hôm qua</lastmod></url>
</urlset>""".encode()
SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>http://h/sitemap-news.xml</loc></sitemap></sitemapindex>"""
RSS = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin</title>
<item><title>Một</title><link>http://h/Tin/Mot-1.html</link></item>
<item><title>Hai</title><link> /Tin/Hai-2.html </link></item></channel></rss>""".encode()
ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<entry><title>Ba</title><link href="http://h/tin/ba"/></entry></feed>"""


def test_sitemaps_come_from_robots_txt() -> None:
    robots = b"User-agent: *\nDisallow: /admin/\nSitemap: http://h/sitemap.xml\n"
    assert discovery.sitemaps_in_robots(robots, "http://h/robots.txt") == ["http://h/sitemap.xml"]


def test_sitemap_pages_with_their_lastmod_and_nested_sitemaps() -> None:
    vietnam = timezone(timedelta(hours=7))
    assert discovery.sitemap_entries(SITEMAP) == (
        {
            "http://h/Tin-trong-tinh/Bai-mot-1.html": datetime(2020, 12, 25, 9, 4, tzinfo=vietnam),
            "http://h/Tin-trong-tinh/Bai-hai-2.html": None,
            "http://h/Tin-trong-tinh/Bai-ba-3.html": date(2021, 1, 4),
            "http://h/Tin-trong-tinh/Bai-bon-4.html": None,
        },
        [],
    )
    assert discovery.sitemap_entries(SITEMAP_INDEX) == ({}, ["http://h/sitemap-news.xml"])
    assert discovery.sitemap_entries(b"<html>not a sitemap</html>") == ({}, [])


def test_feed_items_of_rss_and_atom() -> None:
    assert discovery.feed_item_links(RSS, "http://h/rss/") == [
        "http://h/Tin/Mot-1.html",
        "http://h/Tin/Hai-2.html",
    ]
    assert discovery.feed_item_links(ATOM, "http://h/feed") == ["http://h/tin/ba"]
    assert discovery.feed_item_links(b"", "http://h/rss/") == []


def test_feeds_advertised_by_pages() -> None:
    tree = parse_html(
        '<html><head><link rel="alternate" type="application/rss+xml" href="/rss/Tin/">'
        '<link rel="stylesheet" href="/s.css"></head><body></body></html>'
    )
    assert discovery.feed_links_in_page(tree, "http://h/Tin/") == ["http://h/rss/Tin/"]
    assert discovery.is_feed_url("http://h/web/guest/tin/-/asset_publisher/AB12/rss")
    assert discovery.is_feed_url("http://h/rss/Tin-trong-tinh/")
    assert not discovery.is_feed_url("http://h/Tin/Bai-viet-ve-rss-1.html")
    assert discovery.is_feed_type("application/rss+xml; charset=utf-8")


def test_the_family_of_an_unconfigured_site_is_read_from_its_first_page() -> None:
    nukeviet = '<html><head><meta name="generator" content="NukeViet v4.4"></head></html>'
    unknown = "<html><head><title>Trang chủ</title></head><body><p>Xin chào</p></body></html>"
    with serve_pages({"/": nukeviet, "/other": unknown}) as (base, _):
        assert discovery.detect_site_family(base + "/") == "nukeviet"
        assert discovery.detect_site_family(base + "/other") == "generic"
        assert discovery.detect_site_family(base + "/missing") == "generic"


def test_adhoc_sites_round_trip_through_a_config(tmp_path: Path) -> None:
    assert is_site_url("http://127.0.0.1:8005/") and not is_site_url("stttt")
    site = adhoc_site("http://www.Nongthonmoi.hatinh.gov.vn:8080/Tin-trong-tinh/", "nukeviet")
    assert site.key == "nongthonmoi-hatinh-gov-vn-8080"
    assert site.base_url == "http://www.nongthonmoi.hatinh.gov.vn:8080/"
    path = write_sites(tmp_path / "sites.toml", [site])
    assert load_sites(path) == {site.key: site}
