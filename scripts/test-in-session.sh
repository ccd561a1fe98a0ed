#!/usr/bin/env bash
# Inner half of test-all.sh: unlock a fresh keyring (Linux), then run the tests.
set -euo pipefail
if command -v gnome-keyring-daemon >/dev/null 2>&1 && [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  # The password on stdin creates and unlocks the login keyring without a prompt.
  printf 'deckhand-test' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
fi
echo "== vitest";     npx vitest run
echo "== playwright"; npx playwright test
