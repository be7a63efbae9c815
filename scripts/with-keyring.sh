#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a real, unlocked Secret Service (gnome-keyring),
# isolated from the user's own keyring: every XDG folder points at a temp dir that is removed on exit.
# Usage: bash scripts/with-keyring.sh <command> [args...]
# See ../shared/ci-recipe.md: wait until org.freedesktop.secrets has an owner before any client call,
# or D-Bus auto-starts a second, locked daemon.
set -euo pipefail

if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
  echo "with-keyring: dbus-run-session or gnome-keyring-daemon missing (apt install dbus gnome-keyring); running without a test keyring" >&2
  exec "$@"
fi

if [ -z "${TOKENTRAY_KEYRING_SESSION:-}" ]; then
  exec dbus-run-session -- env TOKENTRAY_KEYRING_SESSION=1 bash "$0" "$@"
fi

tmp=$(mktemp -d -t tokentray-keyring.XXXXXX)
export XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" XDG_RUNTIME_DIR="$tmp/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

printf 'tokentray-test-keyring' | gnome-keyring-daemon --foreground --unlock --components=secrets \
  >"$tmp/daemon.log" 2>&1 &
daemon=$!
cleanup() {
  kill "$daemon" 2>/dev/null || true
  wait "$daemon" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

owned=""
for _ in $(seq 1 100); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; then
    owned=1
    break
  fi
  sleep 0.05
done
if [ -z "$owned" ]; then
  echo "with-keyring: gnome-keyring did not take org.freedesktop.secrets in 5 s" >&2
  cat "$tmp/daemon.log" >&2
  exit 1
fi

export TOKENTRAY_TEST_KEYRING=1
set +e
"$@"
status=$?
set -e
exit $status
