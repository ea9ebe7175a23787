"""Crawling with several workers, on one machine or many, that share one frontier in Redis
(scrapy-redis): the request queue and duplicate filter, leases on the requests each worker holds,
the workers' heartbeats, and the rule that ends the crawl. On when REDIS_URL is set."""
