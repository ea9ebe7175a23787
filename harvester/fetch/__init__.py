"""Fetching, politely and through faults: retries with backoff and Retry-After, robots.txt
crawl-delay, a page size cap, and the kinds of error a request can end in."""
