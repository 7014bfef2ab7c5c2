"""What the components of one crawl share: its site, the site's family, the run, the archive.

A crawl is one ``PortalSpider`` over one site of the sites config. The spider
is the first component Scrapy creates and the only one given the site (``-a
site=KEY``), so it opens the crawl's :class:`CrawlContext` in ``from_crawler``;
every middleware, extension and pipeline created after it takes the context
in its own ``from_crawler`` from :func:`crawl_context` and is constructed with
it, so a test can hand a component any context it likes. Stats are for
counting only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Self

from lxml.html import HtmlElement
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from archive.datadir import DataDir
from archive.db import open_archive
from archive.profiles import Family, Profile, get_family
from archive.profiles.sitewide import SiteKnowledge
from archive.sites import SiteConfig
from archive.store import ArchiveStore

# Set by `portal-archive crawl --no-profiles`: every site is read with the generic family.
NO_PROFILES_SETTING = "PORTAL_NO_PROFILES"


@dataclass(frozen=True)
class CrawlContext:
    """The crawl of one site: what it reads the site with and where it records it.

    ``family`` reads the site. Its newest version speaks for the URL rules
    (``url_rules``), since a site's links are those of its current template;
    each page is read by the version whose template it uses (``page_profile``),
    so pages of an older template keep the version that read them before.
    """

    site: SiteConfig
    family: Family
    data_dir: DataDir
    store: ArchiveStore
    site_id: int
    run_id: int
    # Whether the run was started for this crawl alone (a bare `scrapy crawl`) and ends with it.
    owns_run: bool

    @classmethod
    def open(cls, settings: BaseSettings, site: SiteConfig) -> Self:
        """Records the site in the archive, and the run unless ``PORTAL_RUN_ID`` names one."""
        data_dir = data_dir_from(settings)
        store = ArchiveStore(open_archive(data_dir.db_url))
        given_run: int | None = settings.getint("PORTAL_RUN_ID") or None
        return cls(
            site=site,
            family=get_family("generic" if settings.getbool(NO_PROFILES_SETTING) else site.family),
            data_dir=data_dir,
            store=store,
            site_id=store.ensure_site(site),
            run_id=given_run or store.start_run([site.key]),
            owns_run=given_run is None,
        )

    @cached_property
    def knowledge(self) -> SiteKnowledge:
        """What the crawl learns of the site from its pages (URL shapes, template links)."""
        return SiteKnowledge()

    @cached_property
    def url_rules(self) -> Profile:
        return self.family.latest(self.knowledge)

    def page_profile(self, tree: HtmlElement) -> Profile:
        return self.family.profile_for(tree)


def crawl_context(crawler: Crawler) -> CrawlContext:
    """The context of the crawl ``crawler`` runs, once its spider exists."""
    context = getattr(crawler.spider, "context", None)
    if not isinstance(context, CrawlContext):
        raise RuntimeError("the portal-archive components need the portal spider")
    return context


def data_dir_from(settings: BaseSettings) -> DataDir:
    root = settings.get("PORTAL_ARCHIVE_DATA")
    data_dir = DataDir.resolve(Path(root) if root else None, settings.get("PORTAL_ARCHIVE_DB"))
    data_dir.create()
    return data_dir
