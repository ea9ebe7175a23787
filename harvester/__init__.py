"""harvester: a Scrapy crawler and archival harvester for ministry, archive and news sites."""

import os

__version__ = "0.1.0"

# Nothing but the crawl's own requests may touch the network: Scrapy's cookie middleware splits
# domains with tldextract, which would download the public suffix list at start-up (and print SSL
# tracebacks on a machine without internet). An empty list makes it use the copy it ships. Set
# here, before Scrapy's middleware is imported, and only where the user has not chosen.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
