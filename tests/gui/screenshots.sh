#!/usr/bin/env bash
# The console as a person sees it: the real twintrunk on an X server (Xvfb), screen by screen,
# at 1024x768 and 1920x1080, light and dark, captured with ImageMagick's `import -window root`.
# Not a test (nothing here can judge a picture): look at what it writes. The README's pictures
# (resources/screenshots) are copies of its -window.png files at 1024x768.
#   tests/gui/screenshots.sh [BUILD_DIR] [OUT_DIR]     (default: build, build/screenshots)
#   SIZES=1024x768 APPEARANCES=dark VIEWS="down conflict" tests/gui/screenshots.sh    (a subset)
# Needs xvfb-run, xdotool and ImageMagick (apt-get install xvfb xauth xdotool imagemagick).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=$(realpath "${1:-build}")
out=$(mkdir -p "${2:-$build/screenshots}" && realpath "${2:-$build/screenshots}")
for tool in xvfb-run xdotool import; do
    command -v $tool >/dev/null || { echo "screenshots.sh needs $tool (xvfb, xdotool, imagemagick)" >&2; exit 1; }
done
# A short folder: the cards show the servers' URLs, and a picture should not be about /tmp/tmp.x8Q...
work=$(mktemp -d "${TMPDIR:-/tmp}/shots.XXXX")
trap 'rm -rf "$work"' EXIT

# One view in a fresh console on a fresh screen: the demo workspace (listed once while both
# servers are up, so the state database knows them), then, for "down", box2 (the primary) gone.
# $1 view, $2 WIDTHxHEIGHT, $3 light|dark
shoot() {
    local view=$1 size=$2 appearance=$3
    local home=$work/home
    rm -rf "$home" "$work/demo"
    mkdir -p "$home/.config/TwinTrunk"
    [[ $appearance == dark ]] && printf '[General]\nappearance=dark\n' > "$home/.config/TwinTrunk/twintrunk.conf"
    "$build/app/twintrunkctl" demo "$work/demo" >/dev/null
    HOME=$home XDG_CONFIG_HOME=$home/.config XDG_DATA_HOME=$home/.local/share \
        "$build/app/twintrunkctl" status -w "$work/demo/twintrunk.json" >/dev/null || true
    case $view in
        down | repoint) mv "$work/demo/box2" "$work/demo/box2.away" ;;
        history) python3 "$(dirname "$0")/screenshots-history.py" "$work/demo/twintrunk.json.state.sqlite" ;; # an illustrative day
    esac
    HOME=$home XDG_CONFIG_HOME=$home/.config XDG_DATA_HOME=$home/.local/share XDG_RUNTIME_DIR=$home \
        timeout 90 xvfb-run -a -s "-screen 0 ${size}x24" bash "$0.view" "$build/app/twintrunk" \
        "$work/demo/twintrunk.json" "$view" "$out/$view-$size-$appearance.png"
    # The window alone (no window manager: it sits on the black root window), for documents.
    convert "$out/$view-$size-$appearance.png" -trim +repage "$out/$view-$size-$appearance-window.png"
    echo "$out/$view-$size-$appearance.png"
}

for size in ${SIZES:-1024x768 1920x1080}; do
    for appearance in ${APPEARANCES:-light dark}; do
        for view in ${VIEWS:-main down repoint conflict history}; do
            shoot $view $size $appearance
        done
    done
done
