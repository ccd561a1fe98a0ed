#!/usr/bin/env bash
# Runs a command with the project's Node (>= 22) first on PATH.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ -x "$root/.tools/node_modules/.bin/node" ]; then export PATH="$root/.tools/node_modules/.bin:$PATH"; fi
export PATH="$root/node_modules/.bin:$PATH"
exec "$@"
