"""Scrapy settings of the harvester: the index of every component and knob.

Harvester knobs carry their layer's prefix (PROFILE_, CAPTURE_, EXTRACTION_, CORPUS_). Paths are
relative to the folder the crawl runs in; `harvester crawl --out DIR` points them into DIR.
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
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
# .go.kr hosts reset connections from abroad now and then.
RETRY_ENABLED = True
RETRY_TIMES = 3
DOWNLOAD_TIMEOUT = 60
COOKIES_ENABLED = True
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "ko-KR,ko;q=0.9,en;q=0.8",
}
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"

DOWNLOADER_MIDDLEWARES = {
    # Follows cookie-gate self-redirects (scrapy#1225) instead of dropping them as duplicates.
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
ITEM_PIPELINES = {
    "harvester.extraction.pipeline.ExtractionPipeline": 300,
    "harvester.capture.conversion.ConversionPipeline": 500,
    "harvester.corpus.pipeline.CorpusPipeline": 800,
}

# -- Profiles
PROFILE_MAX_LIST_PAGES = 0  # list pages read per list source; 0: all

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

# -- Corpus
CORPUS_ENABLED = True
CORPUS_DIR = "corpus"  # folder of manifest.jsonl and the NNN_<id>.txt files
