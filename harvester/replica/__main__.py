"""`python -m harvester.replica [--port N]`: serve the replica until interrupted."""

from harvester.commands.replica import main

main()
