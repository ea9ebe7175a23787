"""Crawl state of an output folder: what each article's last fetch found, when each source was read
(its schedule, dead sitemaps retired), the folder's lock, the resumable job, and the free space the
crawl needs. It is what makes a crawl incremental and safe to stop at any moment."""
