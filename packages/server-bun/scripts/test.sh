#!/usr/bin/env bash
# Runs the conformance suite under Bun: the `bun` on PATH, else the one `scripts/runtimes.sh bun`
# installs. Without Bun there is nothing to test against, and that is a failure, not a pass.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bun_bin=$(command -v bun || true)
if [ -z "$bun_bin" ]; then
  dir=$(bash -c 'source ../../scripts/runtimes.sh && runtime_bin bun')
  if [ -x "$dir/bun" ]; then bun_bin="$dir/bun"; fi
fi
if [ -z "$bun_bin" ]; then
  echo "server-bun: Bun is not installed; install it with 'bash scripts/runtimes.sh bun' from the repository root" >&2
  exit 1
fi
echo "server-bun: bun $("$bun_bin" --version) ($bun_bin)"
exec "$bun_bin" test --timeout 30000 "$@" test/
