"""Scrapy settings of the harvester: the index of every component and knob.

Harvester knobs carry their layer's prefix (PROFILE_, FETCH_, CAPTURE_, EXTRACTION_, CORPUS_, STATE_,
REPORT_, DISTRIBUTED_). Paths are relative to the folder the crawl runs in; `harvester crawl --out DIR` (or the
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
LOG_LEVEL = "INFO"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"

DOWNLOADER_MIDDLEWARES = {
    # Scrapy's, with every request waiting for a host's robots.txt checked (fetch/robots.py).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "harvester.fetch.robots.RobotsTxtEveryWaiterMiddleware": 100,
    # Below retries and redirects: decides once per article, sees its final response.
    "harvester.state.incremental.IncrementalMiddleware": 540,
    # Scrapy's retries, spaced out with backoff and Retry-After.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "harvester.fetch.retry.BackoffRetryMiddleware": 550,
    # Follows cookie-gate self-redirects (scrapy#1225) instead of dropping them as duplicates;
    # ends redirect loops.
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "harvester.spiders.redirect.SelfRedirectMiddleware": 600,
    # Last before the downloader: sees requests as sent and responses as received.
    "harvester.capture.middleware.CaptureMiddleware": 950,
}
# Scrapy's HTTP/1.1 handler, teeing the bytes of each exchange for the capture middleware.
DOWNLOAD_HANDLERS = {
    "http": "harvester.capture.handler.CaptureDownloadHandler",
    "https": "harvester.capture.handler.CaptureDownloadHandler",
}
EXTENSIONS = {
    # First: refuses a second crawl of the same output folder before anything opens a file.
    "harvester.state.lock.OutputLock": 10,
    "harvester.state.disk.DiskGuard": 100,
    "harvester.fetch.crawldelay.CrawlDelay": 100,
    "harvester.fetch.sizecap.PageSizeCap": 100,
    "harvester.report.progress.ProgressLine": 500,
    "harvester.report.extension.CrawlReport": 500,
    # A distributed crawl's worker (REDIS_URL): heartbeat, re-queueing gone workers' requests, the end.
    "harvester.distributed.worker.Worker": 100,
}
SPIDER_MIDDLEWARES = {
    # A distributed crawl (REDIS_URL) is seeded once, by its first worker.
    "harvester.distributed.seed.SeedMiddleware": 10,
}
ITEM_PIPELINES = {
    "harvester.extraction.pipeline.ExtractionPipeline": 300,
    # `harvester rebuild MANIFEST` puts harvester.rebuild.pipeline.RebuildPipeline in its place.
    "harvester.corpus.pipeline.CorpusPipeline": 800,
    # After the corpus: each record names the document's number and version.
    "harvester.capture.conversion.ConversionPipeline": 850,
}

# -- Profiles
PROFILE_MAX_LIST_PAGES = 0  # list pages read per list source; 0: all
PROFILE_SINCE = ""  # ISO date: paging stops at list pages older than it, older feed entries skipped

# -- Fetch
FETCH_RETRY_BACKOFF = 1.0  # seconds before the first retry; doubles with each next one
FETCH_RETRY_BACKOFF_MAX = 60.0  # longest wait between two tries
FETCH_RETRY_AFTER_MAX = 300.0  # longest wait a Retry-After header is granted
FETCH_MAX_CRAWL_DELAY = 60.0  # longest robots.txt Crawl-delay granted
FETCH_MAX_PAGE_SIZE = 10 * 1024 * 1024  # bytes read of a page before it is kept truncated; 0: no cap

# -- Capture (WARC)
CAPTURE_ENABLED = True
CAPTURE_DIR = "warc"  # folder of the WARC files
CAPTURE_PREFIX = "harvester"  # first part of every WARC file name
CAPTURE_MAX_FILE_SIZE = 1_000_000_000  # bytes before a new file is started
CAPTURE_OPERATOR = ""  # who runs the crawl, for the warcinfo record
CAPTURE_CRAWL_ID = ""  # names the crawl in warcinfo; a new UUID when empty
CAPTURE_DIGEST = "sha1"  # block and payload digest algorithm, base32: sha1 or sha256
CAPTURE_GZIP_LEVEL = 6  # zlib level of each record's gzip member
CAPTURE_DEDUP = True  # write a payload captured before (here or in an earlier crawl) as a revisit
CAPTURE_DEDUP_INDEX = "dedup.sqlite3"  # the payload digest index, in CAPTURE_DIR
CAPTURE_DEDUP_MIN_SIZE = 1  # payloads smaller than this (empty ones) are always stored in full
CAPTURE_SYNC_EVERY = 100  # exchanges between fsyncs of the WARC (and dedup index commits)
CAPTURE_INDEX = True  # write indexes/<file>.cdxj for each WARC at the end of the crawl
CAPTURE_CONVERSIONS = True  # write each document's text as a conversion record

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

# -- State (incremental crawls, the output folder's lock, free space)
STATE_ENABLED = True
STATE_DIR = "state"  # folder of crawl.sqlite, crawl.lock and the resumable jobs/<site>/
STATE_REFRESH_AFTER = -1.0  # days after which a known article is fetched again; negative: never
STATE_MIN_FREE_SPACE = 64 * 1024 * 1024  # bytes free below which the crawl stops (disk_full)

# -- Report
REPORT_ENABLED = True
REPORT_FILE = "crawl-report.json"  # the crawl's report, one section per site
REPORT_RUN_ID = ""  # the run a report gathers sites of; a new one per crawl when empty
REPORT_PROGRESS_INTERVAL = 10.0  # seconds between progress lines; 0: none

# -- Distributed crawls: workers on one or many machines share one frontier in Redis (scrapy-redis)
REDIS_URL = ""  # redis://HOST:PORT/DB (scrapy-redis's setting); empty: one process, no Redis
DISTRIBUTED_PREFIX = "harvester"  # first part of the crawl's Redis keys
DISTRIBUTED_WORKER_ID = ""  # this worker's name in file names and Redis; empty: <host>_<pid>
DISTRIBUTED_WORKER_TIMEOUT = 30.0  # seconds without a heartbeat before a worker's requests are re-queued
DISTRIBUTED_POLL_INTERVAL = 1.0  # seconds between an idle worker's looks at the shared queue
