"""Scrapy settings of the portal crawler; every value can be overridden with ``-s NAME=VALUE``.

The defaults are meant for small government servers: one request at a time
per host, a delay between requests, AutoThrottle backing off when the server
slows down, and robots.txt obeyed.
"""

BOT_NAME = "portal-archive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "portal-archive/0.1 (+archival crawler of government portals)"
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
DOWNLOAD_TIMEOUT = 30
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_TIMES = 3
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"

DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.SiteScopeMiddleware": 50,
    # Next to the downloader, before redirects, retries and decompression touch
    # the response, so every exchange is archived as it came.
    "crawler.middlewares.WarcCaptureMiddleware": 800,
}
EXTENSIONS = {
    "crawler.extensions.ArchiveRecorder": 100,
    "crawler.extensions.ProgressReporter": 200,
}
ITEM_PIPELINES = {
    "crawler.pipelines.ArchivePipeline": 100,
    "crawler.pipelines.IndexPipeline": 200,
}

# portal-archive's own settings.
PORTAL_SITES_CONFIG = "sites.toml"
PORTAL_ARCHIVE_DATA = None  # data directory; None: $PORTAL_ARCHIVE_DATA or ./data
PORTAL_ARCHIVE_DB = None  # SQLAlchemy URL; None: DATA/archive.sqlite3
PORTAL_RUN_ID = None  # the CrawlRun to record into; None: the crawl starts its own
PORTAL_INDEX_BATCH = 200  # articles per index commit
PORTAL_WARC_MAX_BYTES = 1_000_000_000  # a new WARC file is started past this size
PORTAL_PROGRESS_INTERVAL = 5.0  # seconds between progress lines; 0 turns them off
