"""Fetching, politely and through faults: each host's delay (slowed down when it pushes back, held
for a Retry-After, robots.txt's Crawl-delay), retries, robots.txt, a page size cap, and the kinds of
error a request can end in."""
