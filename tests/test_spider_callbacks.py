"""The harvester's spider callbacks return no value from a generator, so Scrapy's check of each
response for one (WARN_ON_GENERATOR_RETURN_VALUE, off in harvester/settings.py) has nothing to find."""

from __future__ import annotations

import inspect

import pytest
import scrapy
from scrapy.utils.misc import is_generator_with_return_value

from harvester.spiders.archive import ArchiveSpider
from harvester.spiders.profile import ProfileSpider
from harvester.spiders.urllist import UrlListSpider

CALLBACKS = [
    (spider, name)
    for spider in (ProfileSpider, ArchiveSpider, UrlListSpider)
    for name, function in inspect.getmembers(spider, inspect.isfunction)
    if name.startswith("parse") or name == "failed"
    if function is not vars(scrapy.Spider).get(name)  # Scrapy's own, which none of them uses
]


def test_every_spider_has_its_callbacks_listed() -> None:
    assert {spider for spider, _ in CALLBACKS} == {ProfileSpider, ArchiveSpider, UrlListSpider}
    assert {(ProfileSpider, "parse_list"), (ArchiveSpider, "parse"), (UrlListSpider, "failed")} <= set(CALLBACKS)


@pytest.mark.parametrize(("spider", "name"), CALLBACKS, ids=[f"{s.__name__}.{n}" for s, n in CALLBACKS])
def test_a_callback_returns_no_value_from_a_generator(spider: type[scrapy.Spider], name: str) -> None:
    assert not is_generator_with_return_value(getattr(spider, name))
