#!/usr/bin/env bash
# The HTML report's browser test drives a real Chromium: Debian's package, never a browser
# download of a test tool's own. Install it only when missing (as ensure-moto.sh does for moto).
set -euo pipefail
CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
# Two packages' tests may ask at once (nx runs them in parallel): one installs, the other waits.
exec 9>"${TMPDIR:-/tmp}/orgmeta-ensure-chromium.lock"
flock 9
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
echo "Chromium not found at $CHROMIUM; installing Debian's chromium with apt-get" >&2
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-chromium: apt-get needs root; run: sudo apt-get update && sudo apt-get install -y chromium" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
"$CHROMIUM" --version >&2
