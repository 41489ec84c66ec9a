#!/usr/bin/env bash
# Installs everything the repo needs on a Debian machine that has only Node (20.19+, 22 or 24) and npm: the pnpm
# release pinned in package.json, the Debian packages other parts of the repo use, and the
# workspace's dependencies. Safe to re-run: each step is skipped when already done.
# Sourced by test.sh and chat.sh (it leaves the shell in the repo root); `bash scripts/setup.sh`
# works too.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export TURBO_TELEMETRY_DISABLED=1

# Debian packages, as "package=the file or command that shows it is installed": chromium for the
# browser tests, redis-server for the Redis scale-out tests.
SYSTEM_PACKAGES=("chromium=/usr/bin/chromium" "redis-server=redis-server")

log() { printf '\n== %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    echo "setup: '$*' needs root; run as root or install sudo" >&2
    return 1
  fi
}

check_node() {
  local version major minor
  version=$(node -p 'process.versions.node')
  major=${version%%.*}
  minor=${version#*.}
  minor=${minor%%.*}
  if [ "$major" -lt 20 ] || { [ "$major" -eq 20 ] && [ "$minor" -lt 19 ]; }; then
    echo "setup: Node $version found; this repo needs Node 20.19 or later (tested on 20, 22 and 24)" >&2
    return 1
  fi
  case "$major" in
    20 | 22 | 24) ;;
    *) echo "setup: Node $version is not a line this repo is tested on (20, 22, 24); going on" >&2 ;;
  esac
}

install_pnpm() {
  local wanted
  wanted=$(node -p 'require("./package.json").packageManager.replace(/^pnpm@/, "")')
  if command -v pnpm >/dev/null && [ "$(pnpm --version)" = "$wanted" ]; then return; fi
  log "installing pnpm $wanted"
  as_root npm install -g --no-audit --no-fund "pnpm@$wanted"
  hash -r
}

install_system_packages() {
  local entry package probe missing=()
  for entry in "${SYSTEM_PACKAGES[@]}"; do
    package=${entry%%=*}
    probe=${entry#*=}
    if [[ $probe == /* ]]; then
      [ -e "$probe" ] || missing+=("$package")
    else
      command -v "$probe" >/dev/null || missing+=("$package")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then return; fi
  log "installing ${missing[*]}"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
}

check_node
install_pnpm
install_system_packages
log "pnpm install"
pnpm install --frozen-lockfile >&2
