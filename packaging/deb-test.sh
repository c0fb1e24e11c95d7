#!/usr/bin/env bash
# The .deb as a box-admin gets it: built by CPack from a release build, installed with apt (its
# dependencies from Debian 12), the installed programs run from their installed paths, the
# desktop file validated, then removed, leaving nothing behind. Needs root (it installs).
#   packaging/deb-test.sh [BUILD_DIR]     (default: build, made by packaging/build.sh default)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
[ "$(id -u)" = 0 ] || { echo "deb-test.sh installs a package: run it as root" >&2; exit 1; }

rm -f "$build"/twintrunk_*.deb
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls "$build"/twintrunk_*.deb)
echo "== $deb"
dpkg-deb --field "$deb" Package Version Depends
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "./$deb" >/dev/null

status=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
check() { echo "-- $*"; "$@" || { echo "FAILED: $*"; status=1; }; }
check /usr/bin/twintrunkctl --version
check /usr/bin/twintrunkctl demo "$work/demo"
check /usr/bin/twintrunkctl status -w "$work/demo/twintrunk.json"
check env -u DISPLAY -u WAYLAND_DISPLAY /usr/bin/twintrunk --help
check desktop-file-validate /usr/share/applications/org.squeak.twintrunk.desktop
check test -s /usr/share/icons/hicolor/48x48/apps/org.squeak.twintrunk.png
check test -s /usr/share/bash-completion/completions/twintrunkctl
check test -s /usr/share/man/man1/twintrunkctl.1
check test -s /usr/share/doc/twintrunk/examples/twintrunk-sync.service

DEBIAN_FRONTEND=noninteractive apt-get remove -y -q twintrunk >/dev/null
for left in /usr/bin/twintrunk /usr/bin/twintrunkctl /usr/share/applications/org.squeak.twintrunk.desktop; do
    [ ! -e "$left" ] || { echo "FAILED: $left left after removal"; status=1; }
done
[ $status = 0 ] && echo "== the .deb installs, runs and uninstalls"
exit $status
