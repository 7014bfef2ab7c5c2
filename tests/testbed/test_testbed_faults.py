"""`--faults` over real HTTP: every fault's wire behaviour, retries, manifest, quirks, traps."""

from __future__ import annotations

import html
import http.client
import json
import re
import signal
import unicodedata
import zlib
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

# Aliased so pytest does not mistake the class for a test case.
from testbed import Testbed as Replica
from testbed.faults import (
    BOMB_INFLATED_BYTES,
    HUGE_PAGE_BYTES,
    PERMANENT_SHARES,
    REDIRECT_CHAIN_HOPS,
    TRANSIENT_SHARES,
    Fault,
)
from tests.testbed.test_testbed_cli import SITE_FAMILIES, start, stop, wait_for_lines

# Small enough to start in a blink, large enough that the plan has every kind of fault.
ARTICLES, SEED = 2000, 1
SLOW = 0.6


class Answer:
    def __init__(self, response: http.client.HTTPResponse, body: bytes) -> None:
        self.status = response.status
        self.headers = response.headers
        self.body = body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def get(url: str, timeout: float = 10, method: str = "GET") -> Answer:
    """One request on a fresh connection, no redirects followed, the whole body read."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, target)
        response = connection.getresponse()
        return Answer(response, response.read())
    finally:
        connection.close()


@pytest.fixture(scope="module")
def tb() -> Iterator[Replica]:
    with Replica(articles=ARTICLES, seed=SEED, faults=True, slow_seconds=SLOW) as testbed:
        yield testbed


@pytest.fixture(scope="module")
def plain() -> Iterator[Replica]:
    with Replica(articles=ARTICLES, seed=SEED) as testbed:
        yield testbed


def planned(tb: Replica) -> list[tuple[str, str, Fault]]:
    assert tb.faults is not None
    return list(tb.faults.planned())


def first_fault(tb: Replica, kind: str, permanent: bool) -> tuple[str, str, Fault]:
    """Site and path of the first page planned to fail this way (attachments are pages too)."""
    for site, path, fault in planned(tb):
        if (fault.kind, fault.permanent) == (kind, permanent):
            return site, path, fault
    raise AssertionError(f"no {kind} fault planned")


def first_url(tb: Replica, kind: str, permanent: bool) -> tuple[str, Fault]:
    site, path, fault = first_fault(tb, kind, permanent)
    return tb.portal.url(site, path), fault


def html_pages(tb: Replica) -> Iterator[tuple[str, str]]:
    """(site, path) of every article page without a fault of its own."""
    assert tb.faults is not None
    for article in tb.portal.articles:
        family = tb.portal.families[article.site]
        if tb.faults.fault_at(family, article.path) is None:
            yield article.site, article.path


def without_ports(text: str) -> str:
    return re.sub(r"127\.0\.0\.1(%3A|:)\d+", "127.0.0.1:PORT", text)


def test_plan_has_every_kind_at_a_modest_share(tb: Replica) -> None:
    faults = planned(tb)
    kinds = {(fault.kind, fault.permanent) for _, _, fault in faults}
    assert kinds == {(k, False) for k, _ in TRANSIENT_SHARES} | {
        (k, True) for k, _ in PERMANENT_SHARES
    }
    pages = len(tb.portal.articles) + sum(len(a) for a in tb.portal.attachments.values())
    permanent = sum(fault.permanent for _, _, fault in faults)
    assert 0.004 * pages < permanent < 0.02 * pages
    assert 0.04 * pages < len(faults) - permanent < 0.1 * pages
    assert all(1 <= f.failures <= 2 for _, _, f in faults if not f.permanent)


@pytest.mark.parametrize("kind", [k for k, _ in TRANSIENT_SHARES])
def test_transient_fault_then_the_page(tb: Replica, kind: str) -> None:
    url, fault = first_url(tb, kind, permanent=False)
    for _ in range(fault.failures):
        if kind == "reset":
            with pytest.raises(ConnectionResetError):
                get(url)
        elif kind == "slow":
            with pytest.raises(TimeoutError):
                get(url, timeout=SLOW / 3)
        elif kind == "truncated":
            with pytest.raises(http.client.IncompleteRead):
                get(url)
        else:
            answer = get(url)
            if kind == "server_error":
                assert answer.status in (500, 502, 503)
            elif kind == "throttled":
                assert (answer.status, answer.headers["Retry-After"]) == (429, "1")
            else:
                assert answer.status == 503
                assert parsedate_to_datetime(answer.headers["Retry-After"]).tzinfo is not None
    answer = get(url, timeout=SLOW * 5)
    assert answer.status == 200
    assert int(answer.headers["Content-Length"]) == len(answer.body)


@pytest.mark.parametrize("kind", ["server_error", "reset", "truncated", "not_found", "gone"])
def test_permanent_failure_on_every_attempt(tb: Replica, kind: str) -> None:
    url, _ = first_url(tb, kind, permanent=True)
    for _ in range(3):
        if kind == "reset":
            with pytest.raises(ConnectionResetError):
                get(url)
        elif kind == "truncated":
            with pytest.raises(http.client.IncompleteRead):
                get(url)
        else:
            expected = {"server_error": 500, "not_found": 404, "gone": 410}[kind]
            assert get(url).status == expected


def test_redirect_loop_goes_back_and_forth(tb: Replica) -> None:
    url, _ = first_url(tb, "redirect_loop", permanent=True)
    seen = []
    for _ in range(4):
        answer = get(url)
        assert answer.status == 302
        seen.append(url)
        url = urljoin(url, answer.headers["Location"])
    assert seen[0] == seen[2] and seen[1] == seen[3] and seen[0] != seen[1]


def test_redirect_chain_is_too_long(tb: Replica) -> None:
    url, _ = first_url(tb, "redirect_chain", permanent=True)
    hops = 0
    answer = get(url)
    while answer.status == 302:
        hops += 1
        url = urljoin(url, answer.headers["Location"])
        answer = get(url)
    assert hops == REDIRECT_CHAIN_HOPS > 20  # Scrapy and requests follow at most 20 and 30
    assert answer.status == 200


def test_gzip_bomb_is_small_on_the_wire_and_huge_inflated(tb: Replica) -> None:
    url, _ = first_url(tb, "gzip_bomb", permanent=True)
    answer = get(url)
    assert answer.status == 200 and answer.headers["Content-Encoding"] == "gzip"
    assert len(answer.body) < 2_000_000
    # The gzip trailer's ISIZE is the inflated length modulo 2**32.
    assert int.from_bytes(answer.body[-4:], "little") == BOMB_INFLATED_BYTES % 2**32
    head = zlib.decompressobj(31).decompress(answer.body, 1 << 20)
    assert head == bytes(1 << 20)


def test_huge_page_is_streamed_whole(tb: Replica) -> None:
    url, _ = first_url(tb, "huge_page", permanent=True)
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", parts.path)
        response = connection.getresponse()
        length = int(response.headers["Content-Length"])
        received = 0
        while chunk := response.read(1 << 20):
            received += len(chunk)
    finally:
        connection.close()
    assert received == length >= HUGE_PAGE_BYTES


def test_manifest_lists_exactly_the_permanent_failures(tb: Replica) -> None:
    manifest = tb.fault_manifest()
    expected = [
        (tb.portal.url(site, path), fault.kind)
        for site, path, fault in planned(tb)
        if fault.permanent
    ]
    assert [(entry["url"], entry["kind"]) for entry in manifest] == expected
    assert all(list(entry) == ["url", "kind", "reason"] and entry["reason"] for entry in manifest)
    for entry in manifest:
        # Only articles and attachments fail for good, never a listing.
        site = next(s.key for s in tb.sites if entry["url"].startswith(s.base_url))
        path = "/" + entry["url"].removeprefix(tb.site(site).base_url)
        assert path in tb.portal.by_path[site] or path in tb.portal.by_attachment_path[site]


def test_reachable_gold_leaves_out_the_permanent_failures(tb: Replica) -> None:
    failed = {entry["url"] for entry in tb.fault_manifest()}
    gold, reachable = tb.gold(), tb.reachable_gold()
    assert [r["url"] for r in reachable] == [g["url"] for g in gold if g["url"] not in failed]
    assert len(reachable) < len(gold)
    attachments = [a["url"] for r in reachable for a in r["attachments"]]
    assert attachments and not failed & set(attachments)


def test_faults_off_changes_nothing(tb: Replica, plain: Replica) -> None:
    assert plain.faults is None and plain.fault_manifest() == []
    assert plain.reachable_gold() == plain.gold()
    for kind, permanent in [("reset", True), ("gone", True), ("throttled", False)]:
        site, path, _ = first_fault(tb, kind, permanent)
        answer = get(plain.portal.url(site, path))
        assert answer.status == 200 and "Retry-After" not in answer.headers
    assert tb.faults is not None
    site, path = next(
        (site, path)
        for site, path in html_pages(tb)
        if tb.faults.quirk_at(tb.portal.families[site], path) is None
        and tb.faults.trap_at(tb.portal.families[site], path) is None
    )
    faulty, clean = get(tb.portal.url(site, path)), get(plain.portal.url(site, path))
    assert faulty.headers["Content-Type"] == clean.headers["Content-Type"]
    assert without_ports(faulty.text) == without_ports(clean.text)
    assert get(plain.site("hatinh").base_url + "lich/2024/05").status == 404


def test_robots_and_start_pages_are_never_touched(tb: Replica, plain: Replica) -> None:
    for site in tb.sites:
        for path in ("robots.txt", urlsplit(site.start_url).path.lstrip("/")):
            faulty = get(site.base_url + path)
            clean = get(plain.site(site.key).base_url + path)
            assert faulty.status == clean.status
            assert faulty.headers["Content-Type"] == clean.headers["Content-Type"]
            assert without_ports(faulty.text) == without_ports(clean.text)


def _readable(page: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", "", page)).replace("\u200b", "")
    return " ".join(unicodedata.normalize("NFC", text).split())


def _page_with(tb: Replica, attribute: str, value: str) -> str:
    assert tb.faults is not None
    for site, path in html_pages(tb):
        if getattr(tb.faults, attribute)(tb.portal.families[site], path) == value:
            return tb.portal.url(site, path)
    raise AssertionError(f"no page with {attribute} {value}")


@pytest.mark.parametrize("quirk", ["wrong_charset", "no_charset", "malformed"])
def test_quirky_pages_still_carry_the_article(tb: Replica, quirk: str) -> None:
    url = _page_with(tb, "quirk_at", quirk)
    record = next(g for g in tb.gold() if g["url"] == url)
    answer = get(url)
    assert answer.status == 200
    if quirk == "wrong_charset":
        assert answer.headers["Content-Type"] == "text/html; charset=iso-8859-1"
        assert '<meta charset="utf-8">' in answer.text.lower()
    elif quirk == "no_charset":
        assert answer.headers["Content-Type"] == "text/html"
        assert "charset" not in answer.text.lower()
    else:
        assert re.search(r"<body[^>]*></div></div>", answer.text)
        assert answer.text.rfind("<!--") > answer.text.rfind("-->")
    assert record["body"].split("\n")[-1] in _readable(answer.text)


def test_moved_link_redirects_in_two_or_three_hops_to_an_article(tb: Replica) -> None:
    url = _page_with(tb, "trap_at", "moved")
    old = urljoin(url, re.findall(r'href="(/tin-cu/\d+\.html)"', get(url).text)[0])
    hops, answer = 0, get(old)
    while answer.status == 302:
        hops += 1
        old = urljoin(old, answer.headers["Location"])
        answer = get(old)
    assert 2 <= hops <= 3
    assert old in {g["url"] for g in tb.gold()}


def _follow(url: str, pattern: str, steps: int) -> list[str]:
    """Follow the first link matching ``pattern`` from page to page; every URL visited."""
    urls = [url]
    for _ in range(steps):
        answer = get(urls[-1])
        assert answer.status == 200 and answer.text.rstrip().endswith("</html>")
        urls.append(urljoin(urls[-1], html.unescape(re.findall(pattern, answer.text)[0])))
    return urls


def test_calendar_trap_never_ends(tb: Replica) -> None:
    page = get(_page_with(tb, "trap_at", "calendar")).text
    assert 'href="/lich/2024/05"' in page
    urls = _follow(tb.site("kyanh").base_url + "lich/2024/05", r'href="([^"]+)">Tháng sau', 30)
    assert len(set(urls)) == 31 and urls[-1].endswith("/lich/2026/11")
    assert "Không có tin bài" in get(urls[-1]).text


@pytest.mark.parametrize("site", ["hatinh", "stttt", "stnmt", "xacamhung"])
def test_pager_trap_never_ends_in_the_family_listing_shape(tb: Replica, site: str) -> None:
    url = tb.portal.url(site, _trap_page(tb, site, "pager"))
    link = re.findall(r'<a href="([^"]+)">Tin cũ', get(url).text)[0]
    urls = _follow(urljoin(url, html.unescape(link)), r'href="([^"]+)">Tiếp', 25)
    assert len(set(urls)) == 26
    # Page 27 of a listing, spelled exactly as the family spells its own listing pages.
    listing = tb.portal.families[site].category_path("tin-luu-tru", 27)  # type: ignore[attr-defined]
    assert urls[-1] == tb.portal.url(site, listing)
    assert "Không có tin bài" in get(urls[-1]).text


def _trap_page(tb: Replica, site: str, trap: str) -> str:
    """The path of an article page of ``site`` without a fault that carries ``trap``."""
    assert tb.faults is not None
    family = tb.portal.families[site]
    for path in tb.portal.by_path[site]:
        if tb.faults.fault_at(family, path) is None and tb.faults.trap_at(family, path) == trap:
            return path
    raise AssertionError(f"no {trap} trap on {site}")


def test_liferay_language_links_grow_forever(tb: Replica) -> None:
    url = _page_with(tb, "trap_at", "language")
    urls = _follow(url, r'<a href="([^"]*en/)">English', 8)
    assert len(set(urls)) == 9
    assert urlsplit(urls[-1]).path.endswith("/en" * 8 + "/")
    title = next(g["title"] for g in tb.gold() if g["url"] == url)
    assert title in _readable(get(urls[-1]).text)


def test_session_links_are_fresh_on_every_request(tb: Replica) -> None:
    links = set()
    for site in ("stnmt", "stttt", "hatinh", "nongthonmoi"):
        url = tb.portal.url(site, _trap_page(tb, site, "session"))
        first, second = (
            re.findall(r'class="session" href="([^"]+)"', get(url).text)[0] for _ in range(2)
        )
        assert first != second
        assert re.search(r";jsessionid=[0-9A-F]{32}$|\?sid=[0-9a-f]{32}$", first)
        answer = get(urljoin(url, html.unescape(first)))
        assert answer.status == 200 and 'class="session"' in answer.text
        links |= {first, second}
    assert len(links) == 8


def test_cli_writes_the_fault_manifest(tmp_path: Path) -> None:
    out = tmp_path / "faults.jsonl"
    process, stdout, stderr = start(
        tmp_path, "--articles", str(ARTICLES), "--faults", "--faults-out", str(out)
    )
    try:
        wait_for_lines(process, stdout, len(SITE_FAMILIES))
        written = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    finally:
        assert stop(process, signal.SIGTERM) == 0
    assert stderr.read_text("utf-8") == ""
    with Replica(articles=ARTICLES, seed=SEED, faults=True) as replica:
        expected = replica.fault_manifest()
    assert [urlsplit(e["url"]).path for e in written] == [urlsplit(e["url"]).path for e in expected]
    assert written and all(e["kind"] and e["reason"] for e in written)


def test_faults_are_loopback_only(tb: Replica) -> None:
    with pytest.raises(ValueError):
        Replica(articles=5, host="192.0.2.1", faults=True)
    assert all(urlsplit(site.base_url).hostname == "127.0.0.1" for site in tb.sites)
