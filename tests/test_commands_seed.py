"""`harvester seed`: queues a site's start requests once; `--fresh` starts a run anew."""

from __future__ import annotations

import redis

from tests.conftest import run_harvester


def test_seed_leaves_a_seeded_run_and_fresh_starts_anew(redis_url: str) -> None:
    first = run_harvester("seed", "mofa_en", "--redis", redis_url)
    assert first.stdout == "mofa_en: 2 start requests queued\n", first.stderr
    again = run_harvester("seed", "mofa_en", "--redis", redis_url)
    assert again.stdout == "mofa_en: a run is running already; left as it is (--fresh starts a new one)\n"
    client = redis.Redis.from_url(redis_url)
    client.zpopmin("harvester:mofa_en:requests")
    fresh = run_harvester("seed", "mofa_en", "--redis", redis_url, "--fresh")
    assert fresh.stdout == "mofa_en: 2 start requests queued\n"
    assert client.zcard("harvester:mofa_en:requests") == 2 and client.scard("harvester:mofa_en:seen") == 2
    client.close()
