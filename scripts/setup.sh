#!/usr/bin/env bash
# Provisions everything Deckhand needs on this machine, idempotently:
#   - Linux system packages (libsecret to build keytar; with --system also the test
#     tools: Debian's Chromium, gnome-keyring, dbus-x11, xvfb),
#   - Node >= 22.12 (from the npm registry into .tools/ when the system Node is older),
#   - npm dependencies (npm ci) and the build (out/).
# Safe to run repeatedly; each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

quiet=false
system_test_packages=false
for arg in "$@"; do
  case "$arg" in
    --quiet) quiet=true ;;
    --system) system_test_packages=true ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done
say() { $quiet || echo "setup: $*"; }

# 1. System packages (Debian/Ubuntu). Other platforms: see README.
if [ "$(uname -s)" = "Linux" ] && command -v dpkg >/dev/null 2>&1; then
  packages=(libsecret-1-dev python3 make g++)
  if $system_test_packages; then packages+=(chromium gnome-keyring dbus-x11 xvfb); fi
  missing=()
  for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
      if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
        echo "setup: missing system packages: ${missing[*]}; install them with apt-get as root" >&2; exit 1
      fi
    fi
    echo "setup: installing system packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# 2. Node >= 22.12.
node_ok() { "$1" -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)' 2>/dev/null; }
if ! command -v node >/dev/null 2>&1 || ! node_ok node; then
  if [ ! -x .tools/node_modules/.bin/node ] || ! node_ok .tools/node_modules/.bin/node; then
    say "installing Node 22 into .tools/ from the npm registry"
    npm install --silent --no-save --prefix .tools node@22 >/dev/null
  fi
  export PATH="$PWD/.tools/node_modules/.bin:$PATH"
fi
node_ok node || { echo "setup: could not provision Node >= 22.12" >&2; exit 1; }

# 3. Dependencies, reinstalled only when package-lock.json changed.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi

# 4. Build when any source is newer than the last build.
if [ ! -f out/main/cli.js ] || [ -n "$(find src package.json electron.vite.config.ts -newer out/main/cli.js -print -quit)" ]; then
  say "building"
  npx electron-vite build >/dev/null
fi
say "ready (node $(node --version))"
