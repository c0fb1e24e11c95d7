#!/usr/bin/env bash
# Installs the Debian 12 packages TwinTrunk needs, and only those that are missing.
#   packaging/install-deps.sh build   compilers, Qt 6, libzip, QtKeychain: enough to build and run
#   packaging/install-deps.sh test    build + what the test suite starts (nginx with WebDAV, openssl, Xvfb)
#   packaging/install-deps.sh bench   test + the benchmark peers (rclone, curl)
# Run as root (or with sudo available). Nothing is downloaded except Debian packages.
set -euo pipefail

mode=${1:-build}

build_packages=(
    cmake ninja-build g++ pkg-config git
    qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite qt6-svg-dev qt6-charts-dev libqt6opengl6-dev qt6-l10n-tools
    qtkeychain-qt6-dev libzip-dev zlib1g-dev libssl-dev libdtl-dev libgl-dev
)
test_packages=(nginx libnginx-mod-http-dav-ext openssl xvfb xauth clang-format dbus gnome-keyring desktop-file-utils appstream dpkg-dev)
bench_packages=(rclone curl time)

case "$mode" in
    build) wanted=("${build_packages[@]}") ;;
    test) wanted=("${build_packages[@]}" "${test_packages[@]}") ;;
    bench) wanted=("${build_packages[@]}" "${test_packages[@]}" "${bench_packages[@]}") ;;
    *) echo "usage: $0 build|test|bench" >&2; exit 2 ;;
esac

missing=()
for package in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$package")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#wanted[@]} packages for '$mode' are installed"
    exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: run as root to install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
fi

echo "install-deps: installing ${missing[*]}"
# Installing nginx must not start a system nginx on port 80: the tests start their own, unprivileged.
# Debian's policy-rc.d convention tells maintainer scripts not to start services.
policy=/usr/sbin/policy-rc.d
added_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod 755 "$policy"
    added_policy=1
fi
cleanup() { if [ "$added_policy" = 1 ]; then "${sudo[@]}" rm -f "$policy"; fi; }
trap cleanup EXIT

"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
