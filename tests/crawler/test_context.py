"""The crawl context in process: what it records, and how the spider and the pipeline read a
family with two template versions through it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler
from sqlalchemy import select

from archive.models import Article, CrawlRun, Site
from archive.profiles import FAMILIES, Family
from archive.profiles.portalfolder import PortalFolderV1
from archive.profiles.xpath import has_class
from archive.sites import SiteConfig, load_sites
from crawler.context import NO_PROFILES_SETTING, CrawlContext, crawl_context
from crawler.extensions import counters_from_stats
from crawler.items import ArticlePage
from crawler.pipelines import ArchivePipeline
from crawler.spiders.portal import PortalSpider
from tests.crawler.extracting import InProcessExtraction
from tests.helpers import write_sites_config

BASE = "http://127.0.0.1:8002"
LISTING_URL = f"{BASE}/stttt/portal/folder/tin-hoat-dong"
OLD_URL = f"{BASE}/stttt/portal/read/tin-hoat-dong/news/bai-cu.html"
NEW_URL = f"{BASE}/stttt/portal/bai-viet/bai-moi.html"
UNTITLED_URL = f"{BASE}/stttt/portal/read/tin-hoat-dong/news/bai-khong-ten.html"
DOCUMENT_URL = f"{BASE}/stttt/tai-ve?id=7"


class PortalFolderV2(PortalFolderV1):
    """A later template: a marked article block, a document list whose links need not name a
    file, and articles at a new URL shape besides the old ones."""

    version = "V2"
    marker = f"//div[{has_class('news_detail')} and {has_class('v2')}]"
    attachments_xpath = f"//div[{has_class('files')}]//a[@href]"
    article_path = re.compile(
        rf"{PortalFolderV1.article_path.pattern}|/portal/bai-viet/[^/]+\.html$", re.IGNORECASE
    )


def article_page(template: str, signoff: str | None) -> str:
    closing = f'<p style="text-align: right;"><strong>{signoff}</strong></p>' if signoff else ""
    return (
        '<html lang="vi"><head><meta charset="utf-8"><title>Bài viết</title></head><body>'
        f'<div class="{template}"><h1 class="news_title">Hội nghị chuyển đổi số</h1>'
        '<p class="news_time">09:04 25/12/2020</p>'
        '<div class="news_content"><p>Đoạn mở đầu của bài viết.</p><p>Nội dung chính.</p>'
        f"{closing}</div>"
        f'<div class="files"><a href="{DOCUMENT_URL}">Kế hoạch</a></div></div></body></html>'
    )


OLD_PAGE = article_page("news_detail", "H.A")
NEW_PAGE = article_page("news_detail v2", None)


@pytest.fixture
def versioned(monkeypatch: pytest.MonkeyPatch) -> Family:
    """portalfolder with a second template version, registered as a family's versions are."""
    family = Family("portalfolder", (PortalFolderV1, PortalFolderV2))
    monkeypatch.setitem(FAMILIES, "portalfolder", family)
    return family


@pytest.fixture
def settings(tmp_path: Path) -> dict[str, Any]:
    config = write_sites_config(
        tmp_path / "sites.toml",
        {
            "stttt": {
                "family": "portalfolder",
                "base_url": f"{BASE}/",
                "start_urls": [f"{BASE}/stttt/portal/folder/home"],
            }
        },
    )
    return {
        "PORTAL_ARCHIVE_DATA": str(tmp_path / "data"),
        "PORTAL_SITES_CONFIG": str(config),
    }


def site_of(settings: dict[str, Any]) -> SiteConfig:
    return load_sites(Path(settings["PORTAL_SITES_CONFIG"]))["stttt"]


def open_spider(settings: dict[str, Any]) -> PortalSpider:
    # As Scrapy creates it: first of the crawl's components, while the settings still change.
    project = Settings()
    project.setmodule("crawler.settings")
    project.update(settings)
    return PortalSpider.from_crawler(Crawler(PortalSpider, project), site="stttt")


def parsed(spider: PortalSpider, url: str, html: str) -> list[Any]:
    response = HtmlResponse(url, body=html.encode("utf-8"), encoding="utf-8", request=Request(url))
    return list(spider.parse(response))


def document_requests(spider: PortalSpider, outputs: list[Any]) -> list[str]:
    return [
        output.url
        for output in outputs
        if isinstance(output, Request) and output.callback == spider.parse_document
    ]


def stored_profiles(context: CrawlContext) -> dict[str, str]:
    with context.store.archive.sessions() as session:
        return {article.url: article.profile for article in session.scalars(select(Article))}


def test_a_context_records_its_site_and_the_run_it_owns(settings: dict[str, Any]) -> None:
    site = site_of(settings)
    own = CrawlContext.open(get_crawler(PortalSpider, settings).settings, site)
    assert (own.site, own.family.name, own.owns_run) == (site, "portalfolder", True)
    with own.store.archive.sessions() as session:
        assert session.get_one(Site, own.site_id).key == "stttt"
        assert session.get_one(CrawlRun, own.run_id).sites == "stttt"
    # A run the command line started for several sites is recorded into, not owned.
    given = {**settings, "PORTAL_RUN_ID": own.run_id, NO_PROFILES_SETTING: True}
    shared = CrawlContext.open(get_crawler(PortalSpider, given).settings, site)
    assert (shared.run_id, shared.site_id, shared.owns_run) == (own.run_id, own.site_id, False)
    assert shared.family.name == "generic"


def test_components_reach_the_context_of_the_portal_spider(settings: dict[str, Any]) -> None:
    spider = open_spider(settings)
    crawler = get_crawler(PortalSpider, settings)
    with pytest.raises(RuntimeError, match="portal spider"):
        crawl_context(crawler)
    crawler.spider = spider
    assert crawl_context(crawler) is spider.context


def test_the_newest_version_gives_the_url_rules(
    versioned: Family, settings: dict[str, Any]
) -> None:
    spider = open_spider(settings)
    assert spider.context.url_rules.name == "portalfolder.V2"
    listing = f'<html><body><a href="{NEW_URL}">Bài mới</a></body></html>'
    assert NEW_URL in [output.url for output in parsed(spider, LISTING_URL, listing)]
    # A page of the old template at the new URL shape is an article all the same.
    pages = [
        output for output in parsed(spider, NEW_URL, OLD_PAGE) if isinstance(output, ArticlePage)
    ]
    assert [page.url for page in pages] == [NEW_URL]


def test_the_spider_reads_each_page_with_the_version_of_its_template(
    versioned: Family, settings: dict[str, Any]
) -> None:
    spider = open_spider(settings)
    old, new = parsed(spider, OLD_URL, OLD_PAGE), parsed(spider, OLD_URL, NEW_PAGE)
    assert [type(output) for output in old if not isinstance(output, Request)] == [ArticlePage]
    # Only V2 knows the document list of its template.
    assert document_requests(spider, old) == []
    assert document_requests(spider, new) == [DOCUMENT_URL]


@pytest.fixture
def pipeline(settings: dict[str, Any]) -> Iterator[tuple[ArchivePipeline, Crawler]]:
    crawler = get_crawler(PortalSpider, settings)
    context = CrawlContext.open(crawler.settings, site_of(settings))
    yield ArchivePipeline(crawler, context, InProcessExtraction()), crawler


def test_the_pipeline_stores_the_version_that_read_each_page(
    versioned: Family, pipeline: tuple[ArchivePipeline, Crawler]
) -> None:
    archive_pipeline, _ = pipeline
    for url, html in ((OLD_URL, OLD_PAGE), (NEW_URL, NEW_PAGE)):
        archive_pipeline.process_item(ArticlePage(url=url, site_key="stttt", html=html))
    assert stored_profiles(archive_pipeline.context) == {
        OLD_URL: "portalfolder.V1",
        NEW_URL: "portalfolder.V2",
    }


def test_the_pipeline_counts_the_archived_articles_without_each_field(
    pipeline: tuple[ArchivePipeline, Crawler],
) -> None:
    archive_pipeline, crawler = pipeline
    untitled = OLD_PAGE.replace("Hội nghị chuyển đổi số", "").replace("Bài viết", "")
    pages = {OLD_URL: OLD_PAGE, NEW_URL: NEW_PAGE, UNTITLED_URL: untitled}
    for url, html in pages.items():
        archive_pipeline.process_item(ArticlePage(url=url, site_key="stttt", html=html))
    assert crawler.stats is not None
    counters = counters_from_stats(crawler.stats)
    assert counters.articles_without == {"title": 1, "published": 0, "author": 1, "body": 0}
    # The author is not required: only the untitled article misses a required field.
    assert counters.articles_missing_fields == 1
