#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, and launches TwinTrunk on its
# embedded default, a demo workspace of two local repositories (no network needed).
set -euo pipefail
cd "$(dirname "$0")/.."
packaging/install-deps.sh build
packaging/build.sh default
demo=${1:-build/demo}
build/app/twintrunkctl demo "$demo"
echo
exec build/app/twintrunkctl status -w "$demo/twintrunk.json"
