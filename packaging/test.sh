#!/usr/bin/env bash
# The README's second command (and CI's): installs what is missing, builds, and runs the whole
# test suite with ctest; then the same suite again in the ASan+UBSan debug build, and the GUI and
# engine tests in the ThreadSanitizer build (the console's worker thread, the pool threads); as
# root, the .deb is also built, installed, run and removed (packaging/deb-test.sh).
#   packaging/test.sh            both builds
#   TWINTRUNK_SKIP_SANITIZERS=1 packaging/test.sh    only the release build
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen

packaging/install-deps.sh test

jobs=$(nproc 2>/dev/null || echo 2)
packaging/build.sh default
ctest --preset default --parallel "$jobs"
# The package as installed, where this runs as root (CI, the README's command): see deb-test.sh.
if [ "$(id -u)" = 0 ]; then
    packaging/deb-test.sh build
fi

if [ "${TWINTRUNK_SKIP_SANITIZERS:-0}" != 1 ]; then
    packaging/build.sh asan
    ctest --preset asan --parallel "$jobs"
    packaging/build.sh tsan
    ctest --preset tsan --parallel "$jobs"
fi
