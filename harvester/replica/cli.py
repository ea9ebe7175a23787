"""`python -m harvester.replica` and `harvester replica [--port N]`: serve the site replica and print the
proxy address."""

from __future__ import annotations

import argparse
import asyncio
import sys

from harvester import exitcodes
from harvester.replica.server import ReplicaProxy
from harvester.replica.sites import all_sites


def port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"a port from 0 to 65535, not {text!r}")
    return int(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=port, default=8899, help="port on 127.0.0.1 (0: any free port)")


async def serve(port: int) -> None:
    proxy = ReplicaProxy(all_sites())
    bound = await proxy.start("127.0.0.1", port)
    address = f"http://127.0.0.1:{bound}"
    print(f"replica listening on 127.0.0.1:{bound}", flush=True)
    print(f"  export http_proxy={address} https_proxy={address}", flush=True)
    print(f"  sites: {', '.join(sorted(proxy.sites))}", flush=True)
    await proxy.serve_forever()


def run(args: argparse.Namespace) -> int:
    try:
        asyncio.run(serve(args.port))
    except KeyboardInterrupt:
        pass
    except OSError as error:  # the port is taken, most often
        print(f"harvester replica: cannot listen on 127.0.0.1:{args.port} ({error.strerror or error}); try another --port", file=sys.stderr)
        return exitcodes.REFUSED
    return exitcodes.OK


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m harvester.replica", description=__doc__)
    add_arguments(parser)
    sys.exit(run(parser.parse_args()))
