"""Runs an `async def main()` under Twisted's select reactor, without asyncio, in a process of its
own (a reactor is installed once per process), and returns what `main()` returned, as JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

_HEAD = """
import json, threading
from twisted.internet import selectreactor
selectreactor.install()
from twisted.internet import reactor
from twisted.internet.defer import Deferred
from scrapy.utils.asyncio import is_asyncio_available
"""

_TAIL = """
def report(found):
    print(json.dumps(found))
    reactor.stop()

def failed(failure):
    print(json.dumps({"error": repr(failure.value)}))
    reactor.stop()

reactor.callWhenRunning(lambda: Deferred.fromCoroutine(main()).addCallbacks(report, failed))
reactor.run()
"""


def run_main(source: str) -> dict[str, Any]:
    """`source` defines `main()`; `reactor`, `threading`, `is_asyncio_available` are at hand."""
    run = subprocess.run([sys.executable, "-c", _HEAD + source + _TAIL], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)
