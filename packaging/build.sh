#!/usr/bin/env bash
# Configures and builds TwinTrunk with a CMake preset (default: "default", into ./build).
#   packaging/build.sh [PRESET]
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-default}
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" --parallel "$(nproc 2>/dev/null || echo 2)"
