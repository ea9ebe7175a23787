"""What a crawl tells its user: a progress line while it runs, `crawl-report.json` and a short
summary per site at the end."""
