"""`harvester replica [--port N]`: serve the site replica and print the proxy address."""

from harvester.replica.cli import add_arguments, run

__all__ = ["add_arguments", "run"]
