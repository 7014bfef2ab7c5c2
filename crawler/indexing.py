"""Who indexes what a crawl stores (the crawl queues it in the database: search/indexqueue.py).

Imports no reactor: the command line starts the indexer before Scrapy installs its reactor.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from scrapy.settings import BaseSettings

from archive.datadir import DataDir
from search.indexqueue import IndexerProcess

# Whether a crawl indexes what it stores: `portal-archive crawl` in an indexer process of its
# own, a bare `scrapy crawl` in-process (crawler.pipelines.IndexPipeline). False: it only
# queues it, for `portal-archive indexer`.
INDEX_IN_CRAWL = "PORTAL_INDEX_IN_CRAWL"


@contextmanager
def crawl_indexer(settings: BaseSettings, data_dir: DataDir) -> Iterator[None]:
    """Indexes what the crawls run within it store, in a process of its own, until everything
    they stored is indexed; ``settings`` then tell the crawls to only queue it."""
    if not settings.getbool(INDEX_IN_CRAWL):
        yield
        return
    settings.set(INDEX_IN_CRAWL, False, priority="cmdline")
    indexer = IndexerProcess(data_dir.db_url, data_dir.index_dir)
    indexer.start()
    try:
        yield
    finally:
        indexer.finish()
