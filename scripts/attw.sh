#!/usr/bin/env bash
# Checks the package in the current folder as it would be published: pack it (pnpm resolves
# catalog: and workspace: versions), then run attw on the tarball.
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pnpm pack --pack-destination "$tmp" >/dev/null
attw --profile node16 "$tmp"/*.tgz
