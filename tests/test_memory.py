"""The garbage-collection extension: start-up objects frozen, young collections rarer, once the engine runs."""

import gc
from collections.abc import Iterator

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from harvester.memory import GarbageCollection


@pytest.fixture
def collector() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("collector")
def test_start_up_objects_are_frozen_and_young_collections_rarer() -> None:
    gc.set_threshold(700, 10, 10)
    extension = GarbageCollection.from_crawler(get_crawler(settings_dict={"MEMORY_GC_THRESHOLD": 50_000}))
    assert gc.get_freeze_count() == 0
    extension.engine_started()
    assert gc.get_threshold() == (50_000, 10, 10)
    assert gc.get_freeze_count() > 1000
    # A crawl's objects, frozen at its start, are collected once it is over.
    extension.engine_stopped()
    assert gc.get_freeze_count() == 0


def test_zero_leaves_the_collector_as_it_is() -> None:
    with pytest.raises(NotConfigured):
        GarbageCollection.from_crawler(get_crawler(settings_dict={"MEMORY_GC_THRESHOLD": 0}))


def test_the_crawl_settings_enable_it() -> None:
    from harvester import settings

    assert settings.EXTENSIONS["harvester.memory.GarbageCollection"] and settings.MEMORY_GC_THRESHOLD > 700
