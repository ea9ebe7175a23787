"""Spider loader that makes a spider of every site profile, so `scrapy crawl mofa_en` works."""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.settings import BaseSettings

from harvester.profiles import PROFILES
from harvester.spiders.profile import ProfileSpider


class ProfileSpiderLoader:
    def __init__(self, settings: BaseSettings | None = None) -> None:
        self._spiders = {name: ProfileSpider.for_profile(profile) for name, profile in PROFILES.items()}

    @classmethod
    def from_settings(cls, settings: BaseSettings, **kwargs: Any) -> ProfileSpiderLoader:
        return cls(settings)

    def load(self, spider_name: str) -> type[ProfileSpider]:
        try:
            return self._spiders[spider_name]
        except KeyError:
            raise KeyError(f"Spider not found: {spider_name}") from None

    def find_by_request(self, request: Request) -> list[str]:
        return [name for name, spider in self._spiders.items() if spider.profile.host_match(request.url)]

    def list(self) -> list[str]:
        return sorted(self._spiders)
