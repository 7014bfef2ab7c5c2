"""The probe against real local servers: families detected on every testbed family and as
generic on generated ones, robots.txt and Crawl-delay obeyed, a request budget, redirects."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise

import pytest

from archive.urls import canonical_url
from bench.random_families import HELD_OUT_SEEDS
from crawler.probe import (
    SAMPLED_ARTICLES,
    PoliteFetcher,
    probe_site,
    robots_rules,
)
from crawler.settings import USER_AGENT
from portal_archive.cli.setup import DEFAULT_MAX_REQUESTS
from testbed import Testbed as Replica
from tests.helpers import Hit, Reply, serve_script

# Development seeds of generated families (never the held-out ones the bench reports).
RANDOM_SEEDS = (3, 9, 62)


def test_every_testbed_family_is_detected_and_its_articles_read() -> None:
    with Replica(articles=120, seed=1) as testbed:
        gold = {canonical_url(record["url"]): record for record in testbed.gold()}
        for site in testbed.sites:
            # From the bare host, as an archivist would type it: `/` redirects to the home page.
            report = probe_site(
                site.base_url, PoliteFetcher(USER_AGENT, delay=0, max_requests=DEFAULT_MAX_REQUESTS)
            )
            assert report.family == site.family, site.key
            assert report.family_source == "detected"
            assert report.home_url == site.start_url
            assert report.requests <= DEFAULT_MAX_REQUESTS
            assert len(report.articles) == SAMPLED_ARTICLES
            assert len(report.recognised) == SAMPLED_ARTICLES, site.key
            assert report.listings and all(sample.articles for sample in report.listings)
            article = report.preview
            truth = gold[canonical_url(article.url)]
            assert article.title == truth["title"]
            assert article.published == datetime.fromisoformat(truth["published"])
            assert article.author == truth["author"]
            assert article.body.splitlines()[0] == truth["body"].splitlines()[0]


def test_the_context_path_and_url_shapes_are_the_sites_own() -> None:
    with Replica(articles=60, seed=2) as testbed:
        report = probe_site(
            testbed.site("kyanh").base_url,
            PoliteFetcher(USER_AGENT, delay=0, max_requests=DEFAULT_MAX_REQUESTS),
        )
    assert report.context_path == "/kyanh/portal/"
    shapes = report.shapes(sample.url for sample in report.recognised)
    assert all(shape.startswith("/kyanh/portal/read/{slug}/news/") for shape, _ in shapes)
    assert report.not_found() == ["no sitemap", "no feed"]


@pytest.mark.parametrize("seed", RANDOM_SEEDS)
def test_generated_families_are_read_as_generic_and_their_articles_recognised(seed: int) -> None:
    assert seed not in HELD_OUT_SEEDS
    with Replica(articles=60, seed=seed, random_families=2) as testbed:
        gold = {canonical_url(record["url"]) for record in testbed.gold()}
        for site in testbed.sites:
            report = probe_site(
                site.start_url,
                PoliteFetcher(USER_AGENT, delay=0, max_requests=DEFAULT_MAX_REQUESTS),
            )
            assert report.family == "generic"
            assert "no known CMS family (read as generic)" in report.not_found()
            assert len(report.recognised) >= SAMPLED_ARTICLES - 1
            assert {canonical_url(sample.url) for sample in report.recognised} <= gold


HOME = "/ctx/portal/folder/home"
ARTICLE = "/ctx/portal/read/tin/news/bai-{n}.html"
ROBOTS = "User-agent: *\nDisallow: /ctx/portal/read/tin/news/bai-0.html\nCrawl-delay: 1\n"


def scripted_portal(robots: str = ROBOTS) -> object:
    links = " ".join(f'<a href="{ARTICLE.format(n=n)}">Bài {n}</a>' for n in range(20))
    pages = {
        "/robots.txt": robots,
        "/": None,
        HOME: f"<html><body><a href='/ctx/portal/folder/tin'>Tin</a> {links}</body></html>",
    }

    def respond(path: str, _hits: list[Hit]) -> Reply:
        if path == "/":
            return Reply(302, headers={"Location": HOME})
        if path in pages:
            return Reply(200, pages[path] or "")
        return Reply(404, "not found")

    return serve_script(respond)


def test_robots_txt_and_its_crawl_delay_are_obeyed_within_the_budget() -> None:
    with scripted_portal() as (base, hits):  # type: ignore[attr-defined]
        report = probe_site(base + "/", PoliteFetcher(USER_AGENT, delay=0, max_requests=6))
    paths = [hit.path for hit in hits]
    assert paths[:3] == ["/robots.txt", "/", HOME]
    assert len(hits) == report.requests == 6
    assert ARTICLE.format(n=0) not in paths
    assert base + ARTICLE.format(n=0) in report.refused
    assert report.robots.crawl_delay == 1.0
    assert report.robots.rules == ["Disallow: /ctx/portal/read/tin/news/bai-0.html"]
    gaps = [later.at - earlier.at for earlier, later in pairwise(hits)]
    assert min(gaps) >= 0.95
    assert {hit.user_agent for hit in hits} == {USER_AGENT}


def test_a_redirect_off_the_site_is_not_followed() -> None:
    def respond(path: str, _hits: list[Hit]) -> Reply:
        return Reply(301, headers={"Location": "http://127.0.0.2:9/elsewhere"})

    with serve_script(respond) as (base, hits):
        report = probe_site(
            base + "/", PoliteFetcher(USER_AGENT, delay=0, max_requests=DEFAULT_MAX_REQUESTS)
        )
    assert report.home_problem == "redirected off the site"
    assert [hit.path for hit in hits] == ["/robots.txt", "/"]
    assert report.failures == [("http://127.0.0.2:9/elsewhere", "redirected off the site")]


def test_robots_rules_shows_the_group_that_applies() -> None:
    text = (
        "User-agent: Googlebot\nDisallow: /g/\n\n"
        "User-agent: portal-archive\nUser-agent: other\nDisallow: /own/\nAllow: /own/ok\n\n"
        "User-agent: *\nDisallow: /all/\n"
    )
    assert robots_rules(text, USER_AGENT) == ["Disallow: /own/", "Allow: /own/ok"]
    assert robots_rules(text, "somebot/1.0") == ["Disallow: /all/"]
    assert robots_rules("", USER_AGENT) == []
