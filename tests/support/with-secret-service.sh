#!/bin/sh
# Runs a command inside its own session D-Bus with an unlocked gnome-keyring: a real Secret
# Service for the console's keychain tests, gone when the command ends. Nothing touches the
# user's own keyring: HOME is a fresh folder.
#   tests/support/with-secret-service.sh COMMAND [ARGS...]
set -eu
HOME=$(mktemp -d)
export HOME TWINTRUNK_TEST_SECRET_SERVICE=1
trap 'rm -rf "$HOME"' EXIT
dbus-run-session -- sh -c '
    eval "$(printf twintrunk | gnome-keyring-daemon --unlock --components=secrets)"
    export GNOME_KEYRING_CONTROL
    "$@"
' with-secret-service "$@"
