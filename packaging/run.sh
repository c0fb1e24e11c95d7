#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, and launches the TwinTrunk console on
# its embedded default, a demo workspace of two local repositories (no network needed). Without a
# display (a server, CI) it shows the same workspace with twintrunkctl status instead.
set -euo pipefail
cd "$(dirname "$0")/.."
packaging/install-deps.sh build
packaging/build.sh default
demo=${1:-build/demo}
build/app/twintrunkctl demo "$demo"
echo
if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
    exec build/app/twintrunk "$demo/twintrunk.json"
fi
echo "(no display: the console needs one; here is the same workspace from twintrunkctl)"
exec build/app/twintrunkctl status -w "$demo/twintrunk.json"
