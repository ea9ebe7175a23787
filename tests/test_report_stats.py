"""The crawl's stats collector: Scrapy's, with its methods called directly."""

from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from harvester import settings
from harvester.report.stats import CrawlStats


def test_the_crawl_counts_through_its_own_methods() -> None:
    crawler = get_crawler(settings_dict={"STATS_CLASS": settings.STATS_CLASS})
    stats = crawler.stats
    assert isinstance(stats, CrawlStats)
    # Scrapy's own hands out a deprecation wrapper in the method's place.
    assert stats.inc_value.__func__ is MemoryStatsCollector.inc_value
    stats.inc_value("pages")
    stats.inc_value("pages", 2)
    stats.max_value("longest", 3)
    stats.max_value("longest", 1)
    stats.set_value("reason", "finished")
    assert stats.get_stats() == {"pages": 3, "longest": 3, "reason": "finished"}
    assert stats.get_value("missing", "none") == "none"


def test_scrapys_own_wraps_them() -> None:
    stats = MemoryStatsCollector(get_crawler())
    assert getattr(stats.inc_value, "__func__", None) is not MemoryStatsCollector.inc_value
