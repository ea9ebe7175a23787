"""`python -m harvester.replica [--port N]`: serve the replica until interrupted."""

from harvester.replica.cli import main

main()
