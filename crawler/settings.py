"""Scrapy settings of the portal crawler; every value can be overridden with ``-s NAME=VALUE``.

The defaults are meant for small government servers: one request at a time
per host, a delay between requests, AutoThrottle backing off when the server
slows down, robots.txt obeyed with its Crawl-delay, Retry-After honoured, and a
crawl nobody answers stopped (crawler/politeness.py).
"""

BOT_NAME = "portal-archive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "portal-archive/0.1 (+archival crawler of government portals)"
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
# Items of one response processed at once. An article page yields one item and its
# extraction waits on the worker processes, so the pages in flight (CONCURRENT_REQUESTS)
# already keep every worker busy; Scrapy's default of 100 starts 100 tasks per response.
CONCURRENT_ITEMS = 8
DOWNLOAD_DELAY = 1.0
DOWNLOAD_TIMEOUT = 30
# No attached document comes near this (pages: PORTAL_PAGE_MAXSIZE); gzip bombs do.
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024
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
    # After decompression (590) and before the spider reads the text.
    "crawler.middlewares.CharsetMiddleware": 100,
    # Before RetryMiddleware (550) sees the response: a Retry-After is honoured, not hammered.
    "crawler.politeness.RetryAfterMiddleware": 560,
    # Before RedirectMiddleware (600) follows a redirect back into its own chain.
    "crawler.traps.RedirectLoopMiddleware": 610,
    # Just outside the WARC capture: a request holds its host from before it is archived
    # until its exchange is, and is let go before a retry or redirect is made of it.
    "crawler.hostgate.HostGateMiddleware": 790,
    # Next to the downloader, before redirects, retries and decompression touch
    # the response, so every exchange is archived as it came.
    "crawler.middlewares.WarcCaptureMiddleware": 800,
    # Nearer the downloader still: the copy of a robots.txt fetched already is not archived.
    "crawler.middlewares.RobotsTxtOnceMiddleware": 850,
}
SPIDER_MIDDLEWARES = {
    # Nearer the engine than every middleware that drops requests, and than
    # HttpErrorMiddleware (50), so that an error page is done too.
    "crawler.frontier.FrontierMiddleware": 40,
    # Nearer the engine than DepthMiddleware (900), so responses carry their depth.
    "crawler.incremental.IncrementalMiddleware": 600,
    # Nearer the spider: traps are dropped before they could count as something to fetch.
    "crawler.traps.TrapGuardMiddleware": 650,
}
# Takes the requests a resumed run already recorded for seen (crawler/frontier.py).
DUPEFILTER_CLASS = "crawler.frontier.FrontierDupeFilter"
# Scrapy's HTTP handler, with downloads the stall watchdog can abort.
DOWNLOAD_HANDLERS = {
    "http": "crawler.politeness.AbortableDownloadHandler",
    "https": "crawler.politeness.AbortableDownloadHandler",
}
EXTENSIONS = {
    "crawler.extensions.ArchiveRecorder": 100,
    "crawler.extensions.ProgressReporter": 200,
    # After AutoThrottle (0), which would lower a slot's delay below the robots.txt Crawl-delay.
    "crawler.politeness.CrawlDelay": 300,
    "crawler.politeness.StallWatchdog": 400,
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
PORTAL_INDEX_BATCH = 200  # stored changes per in-process index drain (a bare `scrapy crawl`)
# Whether the crawl indexes what it stores (crawler/pipelines.py); False: it only queues it in
# the database, for `portal-archive indexer` (crawlers on several machines, one index).
PORTAL_INDEX_IN_CRAWL = True
PORTAL_EXTRACT_PROCESSES = (
    0  # worker processes extracting pages (crawler/extraction.py); 0: one per core
)
PORTAL_WARC_MAX_BYTES = 1_000_000_000  # a new WARC file is started past this size
PORTAL_PROGRESS_INTERVAL = 5.0  # seconds between progress lines; 0 turns them off
PORTAL_COUNTERS_INTERVAL = 2.0  # seconds between saves of a site's counters in its run
PORTAL_CONTACT = None  # an email or URL appended to USER_AGENT so webmasters can reach us
PORTAL_RETRY_AFTER_MAX = 600.0  # longest pause a Retry-After header may ask for, in seconds
PORTAL_STALL_TIMEOUT = 300.0  # stop a crawl with no response for this long; 0 turns it off
PORTAL_FAILURES_KEPT = 10_000  # failed URLs kept per site in a run's report (counts are complete)
PORTAL_PAGE_MAXSIZE = 8 * 1024 * 1024  # largest HTML page or feed read, decompressed
PORTAL_TRAP_MAX_URL_LENGTH = 500  # longer URLs are taken for traps (crawler/traps.py)
PORTAL_TRAP_MAX_DEPTH = 12  # so are paths of more segments
# Incremental crawls (crawler/incremental.py).
PORTAL_FULL = False  # crawl every site in full even if it had a full crawl (`crawl --full`)
PORTAL_FULL_RECRAWL_DAYS = 30.0  # a site's next crawl is full when its last one is older; 0: never
PORTAL_INCREMENTAL_MARGIN = 1  # listing pages holding only known articles read before stopping
# Attached documents' text (crawler/documents.py): read in a worker process, at most this many
# seconds per document; False keeps the files in the WARC and the database without their text.
PORTAL_DOCUMENT_TEXT = True
PORTAL_DOCUMENT_TIMEOUT = 30.0
# One request at a time per host and per address, across the sites of a crawl and its workers
# (crawler/hostgate.py); False leaves each site's crawler to its own download slots.
PORTAL_HOST_GATE = True
PORTAL_REDIS_URL = None  # a Redis URL: the gate is shared there by every worker of the crawl
PORTAL_REDIS_PREFIX = "portal-archive:hosts:"  # of the gate's keys in Redis
PORTAL_HOST_GATE_TTL = 30.0  # seconds a killed worker's hold on a host outlasts it
# Distributed crawls (crawler/distributed.py), set by `portal-archive worker` for the crawl it
# joins: the run's queues in Redis instead of the run's frontier in the database.
PORTAL_DISTRIBUTED = False
PORTAL_WORKER_ID = None  # this worker's name in the run: its WARC files, counters, held requests
