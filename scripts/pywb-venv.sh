#!/usr/bin/env bash
# Install pywb (wb-manager, wayback) into its own venv, default /opt/pywb, for the replay tests.
# pywb 2.10 pins redis 2.x and fakeredis 0.x, so it stays out of the harvester's environment.
set -euo pipefail
venv="${1:-${PYWB_VENV:-/opt/pywb}}"
here="$(cd "$(dirname "$0")" && pwd)"
if [ -x "$venv/bin/wayback" ] && [ -x "$venv/bin/wb-manager" ]; then
    exit 0
fi
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --no-deps -r "$here/pywb-requirements.txt"
"$venv/bin/wayback" --help >/dev/null
echo "pywb installed in $venv"
