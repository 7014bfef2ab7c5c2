"""Listing pages saved from the testbed: the dated article links and the next page.

Each ``<family>/listings/<name>.html`` (a home page, and the first, a middle and
the last page of a category) has a ``<name>.json`` holding the page's URL, the
testbed's own record of what it lists (URL → date shown) and its next page. The
testbed's ports are rewritten to fixed ones, 8000 and up, one per sub-site.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml.html import HtmlElement

from archive.profiles import FAMILIES, Profile, get_profile
from archive.text import parse_html

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class Listing:
    family: str
    name: str
    tree: HtmlElement
    gold: dict[str, object]

    @property
    def url(self) -> str:
        return str(self.gold["url"])


def load_listings() -> list[Listing]:
    return [
        Listing(
            family=path.parent.parent.name,
            name=path.stem,
            tree=parse_html(path.read_bytes()),
            gold=json.loads(path.with_suffix(".json").read_text("utf-8")),
        )
        for path in sorted(FIXTURES.glob("*/listings/*.html"))
    ]


LISTINGS = load_listings()
by_listing = pytest.mark.parametrize("listing", LISTINGS, ids=lambda f: f"{f.family}/{f.name}")
both_profiles = pytest.mark.parametrize("generic", [False, True], ids=["family", "generic"])
ALL_PROFILES = pytest.mark.parametrize("family", sorted(FAMILIES))


def profile_for(listing: Listing, generic: bool) -> Profile:
    return get_profile("generic" if generic else listing.family)


def page(content: str) -> HtmlElement:
    return parse_html(f'<!DOCTYPE html><html lang="vi"><body>{content}</body></html>')


def test_every_family_has_a_home_and_category_pages() -> None:
    pages: dict[str, list[Listing]] = {}
    for listing in LISTINGS:
        pages.setdefault(listing.family, []).append(listing)
    assert set(pages) == set(FAMILIES) - {"generic"}
    for family, listings in pages.items():
        homes = [listing for listing in listings if listing.name.endswith("-home")]
        next_pages = [listing.gold["next_page"] for listing in listings if listing not in homes]
        assert len(homes) == 1 and len(next_pages) >= 3, family
        assert next_pages.count(None) == 1, family  # the last page


@by_listing
@both_profiles
def test_listed_dates_are_the_dates_shown(listing: Listing, generic: bool) -> None:
    listed = profile_for(listing, generic).listed_dates(listing.tree, listing.url)
    assert {url: day.isoformat() for url, day in listed.items()} == listing.gold["listed"]


@by_listing
@both_profiles
def test_next_page_is_the_following_page(listing: Listing, generic: bool) -> None:
    found = profile_for(listing, generic).next_page_url(listing.tree, listing.url)
    assert found == listing.gold["next_page"]


@ALL_PROFILES
def test_a_page_without_pager_has_no_next_page(family: str) -> None:
    tree = page(
        '<ul><li><a href="/a/tin-tuc-moi-nhat-hom-nay-1.html">Tin</a> (02/03/2024)</li></ul>'
    )
    assert get_profile(family).next_page_url(tree, "http://127.0.0.1:8000/a/") is None


@pytest.mark.parametrize("family", ["tandan", "generic"])
def test_past_the_last_page_there_is_no_next_page(family: str) -> None:
    # SharePoint answers a page index past the end with every page number as a link.
    tree = page(
        '<div class="tandan-pager"><a href="?PageIndex=1">&lt;</a> <a href="?PageIndex=1">1</a>'
        ' <a href="?PageIndex=2">2</a></div>'
    )
    url = "http://127.0.0.1:8000/portal/Pages/Tin.aspx?PageIndex=3"
    assert get_profile(family).next_page_url(tree, url) is None


def test_generic_follows_a_labelled_next_link_before_the_pager() -> None:
    tree = page(
        '<div class="paging"><span>2</span> <a href="/tin/trang-3">3</a>'
        ' <a href="/tin/trang-3">Trang sau</a> <a href="/tin/trang-9">»»</a></div>'
    )
    url = get_profile("generic").next_page_url(tree, "http://127.0.0.1:8000/tin/trang-2")
    assert url == "http://127.0.0.1:8000/tin/trang-3"


def test_a_next_link_back_to_the_same_page_is_none() -> None:
    tree = page('<div class="pager"><span class="current">7</span> <a href="7.html">Tiếp</a></div>')
    url = "http://127.0.0.1:8000/x/portal/folder/tin/7.html"
    assert get_profile("portalfolder").next_page_url(tree, url) is None


def test_generic_items_take_the_stamp_beside_the_link_not_in_it() -> None:
    tree = page(
        '<div class="ticker"><a href="/tin/chi-thi-moi-ve-dat-dai-1.html">Chỉ thị mới</a></div>'
        '<ul><li><a href="/tin/thuc-hien-nghi-dinh-ngay-01-02-2020-2.html">Thực hiện nghị định'
        " ngày 01/02/2020</a> <span>(05/06/2021)</span></li>"
        '<li><a href="/tin/tin-khong-co-ngay-dang-3.html">Tin không có ngày</a></li></ul>'
    )
    listed = get_profile("generic").listed_dates(tree, "http://127.0.0.1:8000/tin/")
    assert {url: day.isoformat() for url, day in listed.items()} == {
        "http://127.0.0.1:8000/tin/thuc-hien-nghi-dinh-ngay-01-02-2020-2.html": "2021-06-05"
    }


def test_family_items_without_a_readable_date_are_left_out() -> None:
    items = "".join(
        f'<div><p class="news_title"><a href="/x/portal/read/tin/news/{name}.html">{name}</a></p>'
        f"<p><em>{shown}</em></p></div>"
        for name, shown in (("a", "31/02/2024"), ("b", "29/02/2024"), ("c", "hôm nay"))
    )
    tree = page(f'<div class="page_news">{items}</div>')
    listed = get_profile("portalfolder").listed_dates(tree, "http://127.0.0.1:8000/x/")
    assert list(listed) == ["http://127.0.0.1:8000/x/portal/read/tin/news/b.html"]
