"""Scrapy settings of the harvester: the index of every component and knob.

Harvester knobs carry their layer's prefix (PROFILE_, ARCHIVE_, FETCH_, CAPTURE_, EXTRACTION_, CORPUS_,
STATE_, REPORT_, DISTRIBUTED_). Paths are relative to the folder the crawl runs in; `harvester crawl --out DIR` (or the
spider argument `out=DIR`) points them into DIR (harvester/output.py).
"""

import harvester

BOT_NAME = "harvester"
SPIDER_LOADER_CLASS = "harvester.spiders.loader.ProfileSpiderLoader"

# -- Identity and politeness: the crawler names itself, obeys robots.txt and paces itself.
# Several target sites refuse non-browser user agents (sites/README.md), so the name rides in a
# browser-compatible string, as Googlebot's does.
USER_AGENT = (
    f"Mozilla/5.0 (compatible; harvester/{harvester.__version__}; "
    "+https://github.com/harvester-archive/harvester)"
)
ROBOTSTXT_OBEY = True
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # ±50% around DOWNLOAD_DELAY
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Scrapy starts this many tasks for every response it scrapes; a page here yields one item or a
# few dozen requests, and Scrapy's default of 100 cost a third of its CPU per page (bench/).
CONCURRENT_ITEMS = 8
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
# A host that pushes back is slowed down, and held for its Retry-After (FETCH_SLOWDOWN_*,
# fetch/pacing.py); its requests wait in the scheduler meanwhile, not in the downloader.
SCHEDULER_PRIORITY_QUEUE = "harvester.fetch.hostqueue.SlotReadyPriorityQueue"
# .go.kr hosts reset connections from abroad now and then: retried, with backoff (FETCH_RETRY_*).
RETRY_ENABLED = True
RETRY_TIMES = 3
DOWNLOAD_TIMEOUT = 60
# A response cut short is kept (flagged "dataloss"), retried, and captured, rather than dropped.
DOWNLOAD_FAIL_ON_DATALOSS = False
COOKIES_ENABLED = True
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "ko-KR,ko;q=0.9,en;q=0.8",
}
TELNETCONSOLE_ENABLED = False
# Scrapy's remote control listens on a port and writes job files into the user's profile: an
# unattended crawl opens no port and writes only into its output folder.
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "INFO"
# One periodic line, the harvester's (REPORT_PROGRESS_INTERVAL): Scrapy's own "Crawled N pages" is off.
LOGSTATS_INTERVAL = 0
STATS_CLASS = "harvester.report.stats.CrawlStats"  # Scrapy's in memory, read faster (report/stats.py)
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
# Scrapy reads the source of each callback again for every response to warn of a generator that
# returns a value (its cache holds bound methods weakly, and they die at once): 7.8% of a capture
# crawl's reactor thread. The harvester's callbacks return none (tests/test_spider_callbacks.py).
WARN_ON_GENERATOR_RETURN_VALUE = False
# Objects allocated between two young garbage collections once start-up is over (memory.py;
# 0: Python's 700). A 10,000-page crawl collected for 4.4-4.8 s with Python's, 1.1 s with 10,000
# (+7 MB peak), 0.2-0.3 s with 50,000 (+37 MB).
MEMORY_GC_THRESHOLD = 10_000

DOWNLOADER_MIDDLEWARES = {
    # Scrapy's, with every request it filters told to the skipped report.
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "harvester.fetch.offsite.ReportedOffsiteMiddleware": 50,
    # Scrapy's, with every request waiting for a host's robots.txt checked (fetch/robots.py).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "harvester.fetch.robots.RobotsTxtEveryWaiterMiddleware": 100,
    # Below retries and redirects: decides once per article, sees its final response.
    "harvester.state.incremental.IncrementalMiddleware": 540,
    # Beside it: decides once per source whether it is due; settles the sources' schedule.
    "harvester.state.sources.SourceSchedule": 545,
    # Scrapy's retries, reasons named by error kind; the wait before a retry is its host's (below).
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "harvester.fetch.retry.RetryMiddleware": 550,
    # Follows cookie-gate self-redirects (scrapy#1225) instead of dropping them as duplicates;
    # ends redirect loops.
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "harvester.spiders.redirect.SelfRedirectMiddleware": 600,
    # Scrapy's, reading only pages that spell "refresh" (spiders/redirect.py).
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "harvester.spiders.redirect.QuickMetaRefreshMiddleware": 580,
    # Scrapy's proxy choice, asking urllib about each host's no_proxy once (fetch/proxy.py).
    "scrapy.downloadermiddlewares.httpproxy.HttpProxyMiddleware": None,
    "harvester.fetch.proxy.HostProxyMiddleware": 750,
    # After the proxy middleware (750), whose choice of proxy it reads: no connection to
    # loopback, private or link-local addresses but the seeds'.
    "harvester.fetch.addresses.PrivateAddressMiddleware": 760,
    # The delay of each host: slowed down when it pushes back, robots.txt's Crawl-delay. Near the
    # downloader: sees every failure as it came.
    "harvester.fetch.pacing.HostPacingMiddleware": 900,
    # Last before the downloader: sees requests as sent and responses as received.
    "harvester.capture.middleware.CaptureMiddleware": 950,
    # After it: once the crawl stops, nothing is sent, and what is not goes back to the queue.
    "harvester.state.stopping.GracefulStop": 990,
}
# Scrapy's HTTP/1.1 handler, teeing the bytes of each exchange for the capture middleware.
DOWNLOAD_HANDLERS = {
    "http": "harvester.capture.handler.CaptureDownloadHandler",
    "https": "harvester.capture.handler.CaptureDownloadHandler",
}
EXTENSIONS = {
    # First: refuses a second crawl of the same output folder before anything opens a file.
    "harvester.state.lock.OutputLock": 10,
    # Scrapy's, with a full disk said in one line (state/jobs.py).
    "scrapy.extensions.spiderstate.SpiderState": None,
    "harvester.state.jobs.JobSpiderState": 0,
    "harvester.state.disk.DiskGuard": 100,
    "harvester.fetch.sizecap.PageSizeCap": 100,
    "harvester.fetch.budget.CrawlByteBudget": 100,
    "harvester.report.progress.ProgressLine": 500,
    "harvester.report.extension.CrawlReport": 500,
    "harvester.report.skipped.SkippedReport": 500,
    # Leaves each site's drift in its stats when the spider closes, for the crawl report.
    "harvester.report.drift.DriftAlarm": 500,
    "harvester.memory.GarbageCollection": 500,
}
ADDONS = {
    # With REDIS_URL, names the components of a distributed crawl in place of the *_CLASS settings
    # below, and adds the worker's extension and seed middleware.
    "harvester.distributed.addon.Distributed": 0,
}
SPIDER_MIDDLEWARES = {
    # Nearest the spider: sees every article a sitemap lists, before the duplicate filter.
    "harvester.state.sources.SitemapNews": 950,
    # As near, to see every link it yields: a metadata record per page (CAPTURE_METADATA).
    "harvester.capture.metadata.CaptureMetadata": 950,
    # Archive crawls only (ARCHIVE_TRAPS): session ids dropped, trap and too long URLs skipped and
    # reported. Before Scrapy's UrlLengthMiddleware (800), which would drop them unreported.
    "harvester.spiders.traps.TrapFilter": 850,
}
# Scrapy's, with a full disk said in one line; the job is then not kept (state/jobs.py).
SCHEDULER = "harvester.state.jobs.JobScheduler"
# Scrapy's, in 16 bytes a request seen instead of 95: flat memory on a large site (state/seen.py).
DUPEFILTER_CLASS = "harvester.state.seen.SeenRequests"
ITEM_PIPELINES = {
    "harvester.extraction.pipeline.ExtractionPipeline": 300,
    # `harvester rebuild MANIFEST` puts harvester.rebuild.pipeline.RebuildPipeline in its place.
    "harvester.corpus.pipeline.CorpusPipeline": 800,
    # After the corpus: each record names the document's number and version.
    "harvester.corpus.pipeline.ConversionPipeline": 850,
}

# -- Profiles
PROFILE_SOURCES = ["lists", "feeds", "sitemaps"]  # the kinds of a profile's sources a crawl reads
PROFILE_ROBOTS_SITEMAPS = False  # also read the sitemaps named in robots.txt of every host of the sources
PROFILE_SITEMAP_MAX_SIZE = 50 * 1024 * 1024  # bytes of XML a sitemap is read to, gunzipped or not (the protocol's cap)
PROFILE_MAX_LIST_PAGES = 0  # list pages read per list source; 0: all
PROFILE_SINCE = ""  # ISO date: paging stops at list pages older than it, older feed and sitemap entries skipped

# -- Archive crawls (`harvester archive`, sites no profile knows: spiders/traps.py)
ARCHIVE_TRAPS = False  # drop session ids, skip trap URLs; the archive spider turns it on
ARCHIVE_MAX_URL_LENGTH = 2048  # characters; a longer URL is skipped (too_long); 0: no limit
ARCHIVE_MAX_SEGMENT_REPEATS = 3  # times one path segment may occur; more is a path loop (trap); 0: no limit
ARCHIVE_MAX_PAGES_PER_PATTERN = 1000  # URLs of one calendar or paging pattern; more are a trap; 0: no limit

# -- Fetch
# A host is slowed down by these answers, by a bot-challenge page and by a failure RETRY_EXCEPTIONS lists.
FETCH_SLOWDOWN_HTTP_CODES = [429, 503]
FETCH_RETRY_BACKOFF = 1.0  # seconds: a host's delay after its first slow-down, at least; each next one doubles it
FETCH_RETRY_BACKOFF_MAX = 60.0  # seconds: the longest delay a host is slowed down to
FETCH_SLOWDOWN_RECOVERY = 0.8  # a slowed host's delay is multiplied by this at each other answer, down to the usual
# Seconds a host may push back (429/503, walls, failures) without one good answer before the crawl
# gives it up: its further requests are skipped as rate_limited. 0: never.
FETCH_GIVE_UP_AFTER = 600.0
FETCH_RETRY_AFTER_MAX = 300.0  # seconds: the longest a Retry-After holds its host's requests
FETCH_MAX_CRAWL_DELAY = 60.0  # longest robots.txt Crawl-delay granted
FETCH_MAX_PAGE_SIZE = 10 * 1024 * 1024  # bytes read of a page before it is kept truncated; 0: no cap
FETCH_ALLOW_PRIVATE_ADDRESSES = False  # fetch loopback, private and link-local hosts that are no seed's
FETCH_MAX_CRAWL_BYTES = 0  # response bytes received before the crawl stops (`max_bytes`); 0: no limit

# -- Capture (WARC)
CAPTURE_ENABLED = True
CAPTURE_DIR = "warc"  # folder of the WARC files
CAPTURE_PREFIX = "harvester"  # first part of every WARC file name
CAPTURE_MAX_FILE_SIZE = 1_000_000_000  # bytes before a new file is started
CAPTURE_OPERATOR = ""  # who runs the crawl, for the warcinfo record
CAPTURE_CRAWL_ID = ""  # names the crawl in warcinfo; a new UUID when empty
CAPTURE_DIGEST = "sha1"  # block and payload digest algorithm, base32: sha1 or sha256
CAPTURE_GZIP_LEVEL = 2  # gzip level (0-9, as zlib's) of each record's member; 1-3 by igzip, fast
CAPTURE_DEDUP = True  # write a payload captured before (here or in an earlier crawl) as a revisit
CAPTURE_DEDUP_CLASS = "harvester.capture.dedup.SqliteDedupIndex"  # the payload digest index
CAPTURE_DEDUP_INDEX = "dedup.sqlite3"  # the SQLite index's file, in CAPTURE_DIR
CAPTURE_DEDUP_MIN_SIZE = 1  # payloads smaller than this (empty ones) are always stored in full
CAPTURE_SYNC_EVERY = 100  # exchanges between fsyncs of the WARC (and dedup index commits)
# Where the records are built, gzipped and written: a process of their own, on another core than
# the crawl's (capture/process.py); "harvester.capture.thread.Inline" on the reactor thread (one
# core), "harvester.capture.thread.WriterThread" on a thread (a disk slow to flush).
CAPTURE_WRITES = "harvester.capture.process.WriterProcess"
CAPTURE_INDEX = True  # write indexes/<file>.cdxj of each WARC as it is written
CAPTURE_CONVERSIONS = True  # write each document's text as a conversion record
CAPTURE_METADATA = False  # a metadata record per page (outlinks, hops, fetch time); archive crawls turn it on

# -- Extraction
EXTRACTION_ENABLED = True
# Worker processes that extract pages while the crawl goes on; None: one per CPU core, 0: none (in
# the crawl process).
EXTRACTION_PROCESSES = None
# Seconds a worker may spend on one page before it is killed and the page counted as a timeout; 0:
# no limit. Not kept when EXTRACTION_PROCESSES is 0.
EXTRACTION_TIMEOUT = 60

# -- Corpus
CORPUS_ENABLED = True
CORPUS_DIR = "corpus"  # folder of manifest.jsonl and the NNN_<id>.txt files
CORPUS_STORE_CLASS = "harvester.corpus.store.Corpus"  # where documents go: a corpus folder
# Group commit: documents are made durable together, up to this many at once (1: each on its own)...
CORPUS_SYNC_EVERY = 64
CORPUS_SYNC_INTERVAL = 0.25  # ...or those of this many seconds, whichever comes first

# -- State (incremental crawls, the output folder's lock, free space)
STATE_ENABLED = True
STATE_DIR = "state"  # folder of crawl.sqlite, crawl.lock and the resumable jobs/<site>/
STATE_STORE_CLASS = "harvester.state.store.CrawlState"  # the crawl state: SQLite in STATE_DIR
STATE_LOCK_CLASS = "harvester.state.lock.FolderLock"  # the output folder's lock: one crawl at a time
STATE_REFRESH_AFTER = -1.0  # days after which a known article is fetched again; negative: never (profiles set their own)
STATE_LISTS_EVERY = 0.0  # hours before a list source is read again; 0: every crawl (profiles set their own)
STATE_FEEDS_EVERY = 0.0  # hours before a feed is read again; 0: every crawl
STATE_SITEMAPS_EVERY = 0.0  # hours before a sitemap (or robots.txt for its sitemaps) is read again; 0: every crawl
STATE_SITEMAP_RETIRE_DAYS = 180.0  # a sitemap unchanged this long that leads to nothing new is not read again; negative: never
STATE_MIN_FREE_SPACE = 64 * 1024 * 1024  # bytes free below which the crawl stops (disk_full)
STATE_STOP_TIMEOUT = 10.0  # seconds a stopping crawl waits for downloads in flight before it abandons them

# -- Report
REPORT_ENABLED = True
REPORT_FILE = "crawl-report.json"  # the crawl's report, one section per site
REPORT_RUN_ID = ""  # the run a report gathers sites of; a new one per crawl when empty
REPORT_PROGRESS_INTERVAL = 10.0  # seconds between progress lines; 0: none
REPORT_SKIPPED_FILE = "reports/skipped.jsonl"  # one line per URL not fetched or made no document; empty: none
# Share of a site's articles read by generic extraction or failing sanity checks over which its
# profile looks out of date (the report's `drift`, a warning, exit code 6).
REPORT_DRIFT_THRESHOLD = 0.2

# -- Distributed crawls: workers on one or many machines share one frontier in Redis (scrapy-redis);
# the add-on harvester.distributed.addon.Distributed puts the components in place
REDIS_URL = ""  # redis://HOST:PORT/DB (scrapy-redis's setting); empty: one process, no Redis
DISTRIBUTED_PREFIX = "harvester"  # first part of the crawl's Redis keys
DISTRIBUTED_WORKER_ID = ""  # this worker's name in file names and Redis; empty: <host>_<pid>
DISTRIBUTED_WORKER_TIMEOUT = 30.0  # seconds without a heartbeat before a worker's requests are re-queued
DISTRIBUTED_POLL_INTERVAL = 1.0  # seconds between an idle worker's looks at the shared queue
