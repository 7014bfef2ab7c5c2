"""Generated CMS families: deterministic, different from seed to seed, gold true to the pages."""

from __future__ import annotations

import html
import re
import signal
import tomllib
import unicodedata
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from testbed import Portal
from testbed import Testbed as Replica
from testbed.families.randomcms import RandomCms
from testbed.families.randomcms.family import route_key
from testbed.families.randomcms.names import STATIC_PAGES
from tests.testbed.test_testbed_cli import GOLD_KEYS, start, stop, wait_for_lines

SITES = 3
_HREF = re.compile(r'href="([^"#]+)"')
_TAG = re.compile(r"<[^>]+>")
_IMAGE = re.compile(r"\.(?:jpg|png)$")


def served_portal(seed: int, articles: int = 90) -> Portal:
    """A portal whose pages can be rendered without sockets, on made-up ports."""
    portal = Portal(articles=articles, seed=seed, random_families=SITES)
    portal.base_urls = {s.key: f"http://127.0.0.1:{40000 + i}/" for i, s in enumerate(portal.sites)}
    return portal


def get(portal: Portal, url: str) -> tuple[int, str]:
    site = next(key for key, base in portal.base_urls.items() if url.startswith(base))
    parts = urlsplit(url)
    path, pairs = route_key(parts.path + ("?" + parts.query if parts.query else ""))
    query: dict[str, list[str]] = {}
    for name, value in pairs:
        query.setdefault(name, []).append(value)
    response = portal.families[site].handle(path, query)
    return response.status, response.body.decode("utf-8", "replace")


def walk(portal: Portal, site: str) -> dict[str, str]:
    """Every page of ``site`` its links reach from the start page: URL -> HTML."""
    base = portal.base_urls[site]
    todo, pages = [portal.url(site, portal.families[site].start_path)], {}
    while todo:
        url = todo.pop()
        if url in pages:
            continue
        status, page = get(portal, url)
        if status != 200:
            pages[url] = ""
            continue
        pages[url] = page
        for href in _HREF.findall(page):
            target = urljoin(url, html.unescape(href))
            if target.startswith(base) and not _IMAGE.search(target):
                todo.append(target)
    return {url: page for url, page in pages.items() if page}


def text_of(page: str) -> str:
    text = unicodedata.normalize("NFC", html.unescape(_TAG.sub("", page))).replace("\u200b", "")
    return " ".join(text.split())


@pytest.fixture(scope="module")
def portal() -> Portal:
    return served_portal(seed=11)


@pytest.fixture(scope="module")
def pages(portal: Portal) -> dict[str, str]:
    found: dict[str, str] = {}
    for site in portal.sites:
        found |= walk(portal, site.key)
    return found


@pytest.fixture(scope="module")
def tb() -> Iterator[Replica]:
    with Replica(articles=60, seed=12, random_families=2) as testbed:
        yield testbed


def test_same_seed_same_pages_and_gold() -> None:
    first, second = served_portal(seed=5), served_portal(seed=5)
    assert list(first.iter_gold()) == list(second.iter_gold())
    for record in list(first.iter_gold())[::7]:
        assert get(first, record["url"]) == get(second, record["url"])


def test_different_seeds_differ_in_markup_and_urls() -> None:
    specs = [
        family.spec
        for seed in range(1, 7)
        for family in served_portal(seed, articles=20).families.values()
        if isinstance(family, RandomCms)
    ]
    assert len({spec.urls.article for spec in specs}) >= 4
    assert len({spec.dates.format for spec in specs}) >= 4
    assert len({spec.elements["body"] for spec in specs}) >= 8
    assert len({spec.layout for spec in specs}) >= 3
    first, other = served_portal(seed=1), served_portal(seed=2)
    assert [s.name for s in first.sites] != [s.name for s in other.sites]


def test_gold_has_the_shape_of_the_other_families(portal: Portal) -> None:
    gold = list(portal.iter_gold())
    assert len(gold) == 90
    assert {record["site"] for record in gold} == {f"rnd{i}" for i in range(1, SITES + 1)}
    for record in gold:
        assert list(record) == GOLD_KEYS
        assert record["body"].split("\n")[0] == record["summary"]
        assert record["author"] is None or record["author"]


def test_gold_title_and_text_occur_on_the_page(portal: Portal) -> None:
    for record in portal.iter_gold():
        status, page = get(portal, record["url"])
        assert status == 200, record["url"]
        text = text_of(page)
        lines = record["body"].split("\n")
        assert record["title"] in text
        assert lines[0] in text and lines[1] in text
        if record["author"]:
            assert record["author"] in text


def test_every_gold_article_is_linked_from_the_site(portal: Portal, pages: dict[str, str]) -> None:
    gold_urls = {record["url"] for record in portal.iter_gold()}
    assert gold_urls <= set(pages)


def test_static_pages_and_print_views_are_not_gold(portal: Portal, pages: dict[str, str]) -> None:
    gold_urls = {record["url"] for record in portal.iter_gold()}
    static_titles = {title for title, _ in STATIC_PAGES}
    statics = [url for url, page in pages.items() if _page_title(page) in static_titles]
    assert len(statics) >= SITES
    prints = [url for url, page in pages.items() if 'onload="window.print()"' in page]
    with_print = [f for f in portal.families.values() if f.spec.print_view]  # type: ignore[attr-defined]
    assert bool(prints) == bool(with_print)
    assert not (set(statics) | set(prints)) & gold_urls


def _page_title(page: str) -> str:
    heading = re.search(r"<title>(.*?)</title>", page)
    return "" if heading is None else html.unescape(heading[1]).split(" - ")[0].split(" | ")[-1]


def test_outside_links_lead_elsewhere(portal: Portal, pages: dict[str, str]) -> None:
    ours = set(portal.base_urls.values())
    outside = set()
    for url, page in pages.items():
        for href in _HREF.findall(page):
            target = urljoin(url, html.unescape(href))
            if not any(target.startswith(base) for base in ours):
                outside.add(target)
    assert outside
    for target in outside:
        host = urlsplit(target).hostname or ""
        assert target.startswith(("https://", "http://")), target
        assert host not in ("127.0.0.1", "localhost", ""), target


def test_served_over_http_on_loopback_only(tb: Replica) -> None:
    assert [site.key for site in tb.sites] == ["rnd1", "rnd2"]
    for site in tb.sites:
        assert urlsplit(site.base_url).hostname == "127.0.0.1"
        assert site.family == "random"
    for record in tb.gold()[::5]:
        with urllib.request.urlopen(record["url"], timeout=10) as response:
            assert response.status == 200
    with pytest.raises(ValueError):
        Replica(articles=10, host="0.0.0.0", random_families=2)


def test_cli_serves_random_families(tmp_path: Path) -> None:
    sites_path = tmp_path / "sites.toml"
    args = ("--random-families", "2", "--seed", "4", "--articles", "40")
    process, stdout, _ = start(tmp_path, *args, "--sites-out", str(sites_path))
    try:
        lines = wait_for_lines(process, stdout, 2)
    finally:
        assert stop(process, signal.SIGTERM) == 0
    assert [line.split()[:2] for line in lines] == [["rnd1", "random"], ["rnd2", "random"]]
    sites = tomllib.loads(sites_path.read_text("utf-8"))["sites"]
    # The crawler is to read a generated family as an unknown CMS.
    assert {table["family"] for table in sites.values()} == {"generic"}
