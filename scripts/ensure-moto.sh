#!/usr/bin/env bash
# The tests and the demo talk to moto server, a local AWS emulator. Install it only when missing.
set -euo pipefail
if python3 -c 'import moto.server' >/dev/null 2>&1; then
  exit 0
fi
echo "moto server not found; installing it with pip (moto[server])" >&2
python3 -m pip install --quiet "moto[server]>=5.1,<6"
