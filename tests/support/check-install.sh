#!/bin/bash
# `cmake --install` into a fresh prefix puts every file a desktop and a shell need in place, and
# the installed programs answer with the project's version, without a display.
set -euo pipefail
build=$1 version=$2 prefix=$3
rm -rf "$prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
status=0
for file in bin/twintrunkctl bin/twintrunk share/man/man1/twintrunkctl.1 share/bash-completion/completions/twintrunkctl \
    share/applications/org.squeak.twintrunk.desktop share/icons/hicolor/scalable/apps/org.squeak.twintrunk.svg \
    share/metainfo/org.squeak.twintrunk.metainfo.xml share/doc/twintrunk/copyright \
    share/doc/twintrunk/examples/twintrunk-sync.service share/doc/twintrunk/examples/twintrunk-verify.timer; do
    [[ -s $prefix/$file ]] || { echo "not installed: $file"; status=1; }
done
for size in 16 22 24 32 48 64 128 256 512; do
    png=$prefix/share/icons/hicolor/${size}x${size}/apps/org.squeak.twintrunk.png
    # A PNG of that size: the signature, then IHDR's width and height (big-endian).
    if [[ ! -s $png ]] || [[ $(od -An -tx1 -j16 -N8 "$png" | tr -d ' \n') != $(printf '%08x%08x' "$size" "$size") ]]; then
        echo "not a ${size}x${size} PNG: $png"
        status=1
    fi
done
grep -q "TwinTrunk $version" "$prefix/share/man/man1/twintrunkctl.1" || { echo "man page without version $version"; status=1; }
[[ $("$prefix/bin/twintrunkctl" --version) == "twintrunkctl $version" ]] || { echo "twintrunkctl --version is not $version"; status=1; }
[[ $(env -u DISPLAY -u WAYLAND_DISPLAY "$prefix/bin/twintrunk" --version) == "twintrunk $version" ]] || { echo "twintrunk --version is not $version"; status=1; }
env -u DISPLAY -u WAYLAND_DISPLAY "$prefix/bin/twintrunk" --help | grep -q WORKSPACE || { echo "twintrunk --help says nothing"; status=1; }
# The validators software centres use (packaging/install-deps.sh test installs them): missing, they
# fail the test rather than let it pass unchecked.
for tool in desktop-file-validate appstreamcli; do
    command -v $tool >/dev/null || { echo "$tool is missing: packaging/install-deps.sh test installs it"; exit 1; }
done
desktop-file-validate "$prefix/share/applications/org.squeak.twintrunk.desktop" || status=1
metainfo=$prefix/share/metainfo/org.squeak.twintrunk.metainfo.xml
appstreamcli validate --no-net --pedantic "$metainfo" || status=1
grep -q "<release version=\"$version\"" "$metainfo" || { echo "metainfo without release $version"; status=1; }
grep -q "<launchable type=\"desktop-id\">org.squeak.twintrunk.desktop<" "$metainfo" || { echo "metainfo does not launch the desktop file"; status=1; }
# The form a release gives it, with a screenshot's address (resources/CMakeLists.txt).
appstreamcli validate --no-net --pedantic "$build/resources/metainfo-screenshot-check.xml" || status=1
grep -q "<screenshot type=\"default\">" "$build/resources/metainfo-screenshot-check.xml" || { echo "no screenshot in the release form of the metainfo"; status=1; }
exit $status
