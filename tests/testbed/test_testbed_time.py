"""Time and change signals of the testbed: --as-of, modified order, sitemap lastmod,
ETag / Last-Modified and conditional GETs, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlsplit

import pytest

# Aliased so pytest does not mistake the class for a test case.
from testbed import Testbed as Replica
from tests.testbed.test_testbed_cli import REPO
from tests.testbed.test_testbed_http import fetch, portable, without_hosts

Gold = list[dict[str, object]]
ARTICLES = 80
AS_OF, LATER = date(2021, 6, 30), date(2022, 6, 30)
# One listing item per match: its link and the date it shows.
ITEM = {
    "portalfolder": r'class="news_title"><a href="([^"]+)">.*?<p><em>(\d\d/\d\d/\d{4})</em>',
    "tandan": r'news-title"><a href="([^"]+)">.*?class="ngay">\((\d\d/\d\d/\d{4})\)',
    "liferay": r'class="asset-title"><a href="([^"]+)">.*?block_timer"> (\d\d/\d\d/\d{4}) ',
    "nukeviet": r'<h3><a href="([^"]+)" title=.*?fa-clock-o">&nbsp;</em> '
    r"[^<]*? - (\d\d/\d\d/\d{4})",
}


@pytest.fixture(scope="module")
def everything() -> Iterator[Replica]:
    with Replica(articles=ARTICLES, seed=1) as testbed:
        yield testbed


@pytest.fixture(scope="module")
def past() -> Iterator[Replica]:
    with Replica(articles=ARTICLES, seed=1, as_of=AS_OF) as testbed:
        yield testbed


@pytest.fixture(scope="module")
def edited() -> Iterator[Replica]:
    with Replica(articles=ARTICLES, seed=1, revision=2) as testbed:
        yield testbed


def by_path(gold: Gold) -> dict[str, dict[str, object]]:
    return {portable(str(record["url"])): record for record in gold}


def modified(record: dict[str, object]) -> str:
    return str(record.get("modified", record["published"]))


def dmy(iso: str) -> str:
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=10)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def listing_items(tb: Replica) -> Iterator[tuple[str, int, list[tuple[str, str]]]]:
    """(site key, page number, [(article path, shown date)]) of every category listing page."""
    for site in tb.sites:
        family = tb.portal.families[site.key]
        for category in family.site.categories:
            listed = tb.portal.category_listing[(site.key, category.slug)]
            for page in range(1, max(1, -(-len(listed) // 10)) + 1):
                url = tb.portal.url(site.key, family.category_path(category.slug, page))
                status, _, body = fetch(url)
                assert status == 200, url
                items = re.findall(ITEM[site.family], body, re.DOTALL)
                assert len(items) == len(listed[(page - 1) * 10 : page * 10]), url
                yield site.key, page, [(re.sub(r";jsessionid=\w+", "", h), d) for h, d in items]


def test_as_of_hides_articles_published_later(everything: Replica, past: Replica) -> None:
    end_of_day = datetime.combine(AS_OF, datetime.max.time()).isoformat()
    gold, hidden = past.gold(), by_path(everything.gold())
    assert 0 < len(gold) < ARTICLES
    assert all(str(record["published"])[:19] <= end_of_day for record in gold)
    for path in by_path(gold):
        hidden.pop(path)
    assert hidden and all(str(r["published"])[:10] > AS_OF.isoformat() for r in hidden.values())
    for path, record in hidden.items():
        base = past.site(str(record["site"])).base_url
        assert fetch(base + path.lstrip("/"))[0] == 404
        for attachment in record["attachments"]:  # type: ignore[attr-defined]
            assert fetch(base + portable(attachment["url"]).lstrip("/"))[0] == 404
    listed = {path for _, _, items in listing_items(past) for path, _ in items}
    assert listed == {portable(str(record["url"])) for record in gold}


def test_hidden_articles_are_in_no_feed_sitemap_or_home_page(
    everything: Replica, past: Replica
) -> None:
    shown = {portable(str(record["url"])) for record in past.gold()}
    hidden = set(by_path(everything.gold())) - shown
    pages = [site.start_url for site in past.sites]
    pages += [
        past.portal.url(key, p)
        for key in ("nongthonmoi", "xacamhung")
        for p in ("/rss/", "/sitemap.xml")
    ]
    for url in pages:
        status, _, body = fetch(url)
        assert status == 200
        assert not any(path in body for path in hidden), url


def test_urls_and_records_do_not_depend_on_as_of(everything: Replica, past: Replica) -> None:
    now = {record["url"]: record for record in without_hosts(everything.gold())}
    assert all(record == now[record["url"]] for record in without_hosts(past.gold()))


def test_moving_as_of_forward_adds_the_articles_published_in_between(
    everything: Replica, past: Replica
) -> None:
    with Replica(articles=ARTICLES, seed=1, as_of=LATER) as later:
        added = set(by_path(later.gold())) - set(by_path(past.gold()))
        assert set(by_path(past.gold())) <= set(by_path(later.gold()))
    between = {
        path
        for path, record in by_path(everything.gold()).items()
        if AS_OF.isoformat() < str(record["published"])[:10] <= LATER.isoformat()
    }
    assert added == between and between


def test_listings_order_by_modified_and_show_that_date(edited: Replica) -> None:
    gold = by_path(edited.gold())
    revised = {path for path, record in gold.items() if "revision" in record}
    assert revised and all("modified" in gold[path] for path in revised)
    seen = set()
    for _, page, items in listing_items(edited):
        stamps = [modified(gold[path]) for path, _ in items]
        assert stamps == sorted(stamps, reverse=True)
        assert [shown for _, shown in items] == [dmy(stamp) for stamp in stamps]
        seen |= {path for path, _ in items if path in revised and page == 1}
    assert seen == revised
    # The edit moved at least one article's listed date away from its publication day.
    assert any(dmy(modified(gold[p])) != dmy(str(gold[p]["published"])) for p in revised)


def test_sitemap_lastmod_is_the_modified_time(edited: Replica) -> None:
    gold = edited.gold()
    for key in ("nongthonmoi", "xacamhung"):
        _, _, body = fetch(edited.portal.url(key, "/sitemap.xml"))
        lastmod = dict(re.findall(r"<loc>([^<]+)</loc><lastmod>([^<]+)</lastmod>", body))
        own = [record for record in gold if record["site"] == key]
        assert lastmod == {record["url"]: modified(record) for record in own}


def test_article_pages_carry_validators_and_other_pages_none(edited: Replica) -> None:
    gold = edited.gold()
    for site in edited.sites:
        record = next(r for r in gold if r["site"] == site.key)
        status, headers, _ = get(str(record["url"]))
        assert status == 200
        assert re.fullmatch(r'"\d+-r\d+"', headers["ETag"])
        last = parsedate_to_datetime(headers["Last-Modified"])
        assert last == datetime.fromisoformat(modified(record))
        assert headers["Last-Modified"].endswith(" GMT")
        status, headers, _ = get(site.start_url)
        assert status == 200 and "ETag" not in headers and "Last-Modified" not in headers
    revised = next(r for r in gold if r.get("revision") == 2)
    assert get(str(revised["url"]))[1]["ETag"].endswith('-r2"')


def test_nukeviet_copies_carry_the_article_validators(edited: Replica) -> None:
    record = next(r for r in edited.gold() if r["site"] == "nongthonmoi")
    _, article, _ = get(str(record["url"]))
    base = edited.site("nongthonmoi").base_url
    for kind in ("print", "savefile"):
        status, headers, _ = get(f"{base}{kind}{portable(str(record['url']))}")
        assert status == 200 and headers["ETag"] == article["ETag"]


def test_conditional_gets_answer_not_modified(edited: Replica) -> None:
    for record in edited.gold()[:10]:
        url = str(record["url"])
        _, headers, _ = get(url)
        etag, last = headers["ETag"], headers["Last-Modified"]
        status, again, body = get(url, **{"If-None-Match": etag})
        assert (status, body) == (304, b"")
        assert again["ETag"] == etag and again["Last-Modified"] == last
        assert get(url, **{"If-Modified-Since": last})[0] == 304
        earlier = parsedate_to_datetime(last) - timedelta(hours=1)
        assert get(url, **{"If-Modified-Since": format_datetime(earlier, usegmt=True)})[0] == 200
        # If-None-Match decides when both are sent.
        both = {"If-None-Match": '"0-r0"', "If-Modified-Since": last}
        assert get(url, **both)[0] == 200


def test_a_new_revision_answers_200_with_a_new_etag(edited: Replica) -> None:
    with Replica(articles=ARTICLES, seed=1) as first:
        tags = {portable(str(r["url"])): get(str(r["url"]))[1]["ETag"] for r in first.gold()}
    for record in edited.gold():
        url, tag = str(record["url"]), tags[portable(str(record["url"]))]
        status, headers, _ = get(url, **{"If-None-Match": tag})
        if "revision" in record:
            assert status == 200 and headers["ETag"] != tag
        else:
            assert status == 304


@pytest.mark.parametrize("value", ["2021-02-29", "20210630", "30/06/2021", "2021-W26-3", ""])
def test_bad_as_of_is_one_error_line(value: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "testbed", "serve", "--as-of", value],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"python -m testbed serve: error: argument --as-of: not a date (YYYY-MM-DD): {value!r}"
    ]
    assert result.stdout == ""
