#!/usr/bin/env bash
# The .deb as a box-admin gets it: built by CPack from a release build, installed with apt (its
# dependencies from Debian 12), the installed programs run from their installed paths, the
# desktop file validated, then removed, leaving nothing behind. Needs root (it installs).
#   packaging/deb-test.sh [BUILD_DIR]     (default: build, made by packaging/build.sh default)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
[ "$(id -u)" = 0 ] || { echo "deb-test.sh installs a package: run it as root" >&2; exit 1; }

version=$(sed -n 's/^ *VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt | head -1)
rm -f "$build"/twintrunk_*.deb
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(realpath "$build"/twintrunk_*.deb)
echo "== $deb"
dpkg-deb --field "$deb" Package Version Depends

status=0
check() { echo "-- $*"; "$@" || { echo "FAILED: $*"; status=1; }; }
# The dependencies a machine without the build packages needs: this one has them all, so apt
# alone would not notice a missing one.
depends=$(dpkg-deb --field "$deb" Depends)
for needed in libqt6core6 libqt6widgets6 libqt6network6 libqt6sql6 libqt6sql6-sqlite libqt6charts6 libqt6svg6 qt6-qpa-plugins \
    libqt6keychain1 libzip4 libssl3 zlib1g; do
    [[ $depends == *"$needed"* ]] || { echo "FAILED: the package does not depend on $needed"; status=1; }
done
[[ $(dpkg-deb --field "$deb" Version) == "$version" ]] || { echo "FAILED: the package's version is not $version"; status=1; }

# Never the files of an earlier install: removed first, and again however this ends.
DEBIAN_FRONTEND=noninteractive apt-get remove -y -q twintrunk >/dev/null 2>&1 || true
work=$(mktemp -d)
trap 'rm -rf "$work"; DEBIAN_FRONTEND=noninteractive apt-get remove -y -q twintrunk >/dev/null 2>&1 || true' EXIT
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb" >/dev/null

check test "$(/usr/bin/twintrunkctl --version)" = "twintrunkctl $version"
check /usr/bin/twintrunkctl demo "$work/demo"
check /usr/bin/twintrunkctl status -w "$work/demo/twintrunk.json"
check env -u DISPLAY -u WAYLAND_DISPLAY /usr/bin/twintrunk --help
# The console itself starts from the package (platform plugin, SVG icon engine, SQLite): it runs
# until stopped, so a timeout (124) is the success; a crash or a missing plugin is not.
echo "-- twintrunk on the demo, offscreen, for 5 s"
QT_QPA_PLATFORM=offscreen HOME="$work" timeout 5 /usr/bin/twintrunk "$work/demo/twintrunk.json" >"$work/console.log" 2>&1 && started=0 || started=$?
[[ $started == 124 ]] || { echo "FAILED: the console exited with $started:"; cat "$work/console.log"; status=1; }
check desktop-file-validate /usr/share/applications/org.squeak.twintrunk.desktop
check appstreamcli validate --no-net --pedantic /usr/share/metainfo/org.squeak.twintrunk.metainfo.xml
check test -s /usr/share/doc/twintrunk/copyright
check test -s /usr/share/icons/hicolor/48x48/apps/org.squeak.twintrunk.png
check test -s /usr/share/bash-completion/completions/twintrunkctl
check test -s /usr/share/man/man1/twintrunkctl.1
check test -s /usr/share/doc/twintrunk/examples/twintrunk-sync.service

DEBIAN_FRONTEND=noninteractive apt-get remove -y -q twintrunk >/dev/null
for left in /usr/bin/twintrunk /usr/bin/twintrunkctl /usr/share/applications/org.squeak.twintrunk.desktop \
    /usr/share/metainfo/org.squeak.twintrunk.metainfo.xml; do
    [ ! -e "$left" ] || { echo "FAILED: $left left after removal"; status=1; }
done
[ $status = 0 ] && echo "== the .deb installs, runs and uninstalls"
exit $status
