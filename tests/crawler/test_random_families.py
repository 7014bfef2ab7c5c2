"""CMS families nobody wrote a profile for, crawled from their start URLs with profiles off.

The families are generated at random from the seed (markup, URL schemes, date
formats and positions, dated chrome, static pages, print views); the crawl is
the real command line, scored against the testbed's gold by the same code as
``python -m bench.random_families``. The seeds here are development seeds, not
the held-out ones the bench reports.
"""

from __future__ import annotations

import pytest

from bench.random_families import HELD_OUT_SEEDS, SeedScore, run_seed

pytestmark = pytest.mark.e2e

SEEDS = (3, 9)
MIN_FOUND = 0.98
MIN_TITLE = 0.99
MIN_DATE = 0.97
MIN_AUTHOR = 0.90
MIN_BODY_F1 = 0.97


@pytest.fixture(scope="module", params=SEEDS)
def crawled(request: pytest.FixtureRequest) -> SeedScore:
    assert request.param not in HELD_OUT_SEEDS
    return run_seed(request.param, articles=60, sites=2)


def test_the_crawl_finishes(crawled: SeedScore) -> None:
    assert not crawled.failure


def test_every_article_is_archived_once_and_nothing_else(crawled: SeedScore) -> None:
    assert crawled.gold > 0
    assert crawled.found >= MIN_FOUND * crawled.gold
    assert crawled.non_articles == 0
    assert crawled.duplicates == 0


def test_the_fields_are_read_right(crawled: SeedScore) -> None:
    assert crawled.title >= MIN_TITLE * crawled.found
    assert crawled.published >= MIN_DATE * crawled.found
    assert crawled.author >= MIN_AUTHOR * crawled.found
    assert sum(crawled.f1) >= MIN_BODY_F1 * crawled.found
