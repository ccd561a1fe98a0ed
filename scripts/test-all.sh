#!/usr/bin/env bash
# The whole test suite: format, lint, type checks, build, then vitest and
# Playwright. On Linux the tests run inside a private D-Bus session with a
# throwaway, unlocked gnome-keyring, so keytar talks to a real Secret Service
# without touching the user's own keyring.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== prettier";  npx prettier --check . --log-level warn
echo "== eslint";    npx eslint .
echo "== typecheck"; npm run -s typecheck
echo "== build";     npx electron-vite build >/dev/null

if [ "$(uname -s)" = "Linux" ]; then
  keyring_home="$(mktemp -d)"
  trap 'rm -rf "$keyring_home"' EXIT
  export XDG_DATA_HOME="$keyring_home/data" XDG_RUNTIME_DIR="$keyring_home/run"
  mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
  exec dbus-run-session -- bash scripts/test-in-session.sh
fi
exec bash scripts/test-in-session.sh
