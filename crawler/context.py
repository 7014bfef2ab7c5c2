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

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, Self

from lxml.html import HtmlElement
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings

from archive.datadir import DataDir
from archive.db import open_archive
from archive.frontier import FrontierEntry, FrontierStore
from archive.profiles import Family, Profile, get_family
from archive.profiles.sitewide import SiteKnowledge
from archive.runs import MAIN_WORKER, CrawlRuns
from archive.sites import SiteConfig
from archive.store import ArchiveStore

if TYPE_CHECKING:
    from crawler.hostgate import HostGate

# Set by `portal-archive crawl --no-profiles`: every site is read with the generic family.
NO_PROFILES_SETTING = "PORTAL_NO_PROFILES"


class Frontier(Protocol):
    """A run's record of one site's requests (archive.frontier.FrontierStore is one)."""

    def fingerprints(self, run_id: int, site_key: str) -> set[str]: ...
    def pending(self, run_id: int, site_key: str) -> list[FrontierEntry]: ...
    def record(self, run_id: int, site_key: str, entries: Iterable[FrontierEntry]) -> None: ...
    def mark_done(self, run_id: int, site_key: str, fingerprint: str) -> None: ...


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
    # Where the crawl records the requests it schedules and the pages it is done with: the
    # run's rows in the archive, or the shared queues of a distributed run.
    frontier: Frontier
    # What every request waits at, shared by all the crawls of a process or of the workers.
    host_gate: HostGate
    # The process counting the crawl, among those crawling the run; each keeps its own counters.
    worker: str = MAIN_WORKER

    @classmethod
    def open(
        cls, settings: BaseSettings, site: SiteConfig, host_gate: HostGate | None = None
    ) -> Self:
        """Records the site in the archive, and the run unless ``PORTAL_RUN_ID`` names one.

        ``host_gate`` is the one the process shares between its crawls; without it (a bare
        ``scrapy crawl``) the crawl has a gate of its own.
        """
        # Imported here: the host gate's middleware finds its context through this module.
        from crawler.hostgate import host_gate_for

        data_dir = data_dir_from(settings)
        store = ArchiveStore(open_archive(data_dir.db_url))
        given_run: int | None = settings.getint("PORTAL_RUN_ID") or None
        frontier: Frontier
        if settings.getbool("PORTAL_DISTRIBUTED"):
            # Imported here: the distributed components find their context through this module.
            from crawler.distributed import worker_frontier

            frontier = worker_frontier(settings, site.key)
        else:
            frontier = FrontierStore(store.archive)
        return cls(
            site=site,
            family=get_family("generic" if settings.getbool(NO_PROFILES_SETTING) else site.family),
            data_dir=data_dir,
            store=store,
            site_id=store.ensure_site(site),
            run_id=given_run or CrawlRuns(store.archive).start([site.key]),
            owns_run=given_run is None,
            frontier=frontier,
            host_gate=host_gate or host_gate_for(settings),
            worker=settings.get("PORTAL_WORKER_ID") or MAIN_WORKER,
        )

    @cached_property
    def knowledge(self) -> SiteKnowledge:
        """What the crawl learns of the site from its pages (URL shapes, template links)."""
        return SiteKnowledge()

    @cached_property
    def runs(self) -> CrawlRuns:
        return CrawlRuns(self.store.archive)

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
