"""harvester: a Scrapy crawler and archival harvester for ministry, archive and news sites."""

__version__ = "0.1.0"
