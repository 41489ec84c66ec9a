#!/usr/bin/env bash
# The full check, as CI runs it: install, build, lint, every package's tests (the docs' samples and
# links included), the check that the packed tarballs work in a project outside the workspace, and
# the API reference (TypeDoc, warnings are errors), all on the Node.js found on PATH (and the Bun
# backend under Bun, installed from the npm registry). Then the
# parts that depend on the Node.js line run again on the other supported lines (20, 22, 24),
# installed from the npm registry. Exits non-zero on any failure.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
source scripts/runtimes.sh

# The load tests hold over 2,000 sockets at once; raise the soft limit where the hard one allows.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

step() {
  printf '\n== %s\n' "$1" >&2
  local started=$SECONDS
  "${@:2}"
  printf '== %s: done in %ss\n' "$1" "$((SECONDS - started))" >&2
}

# What differs between Node.js lines: the engines (native builds per ABI), the clients' sockets,
# Redis and the tarballs' install. The browser suite and the docs run once, above.
node_line_checks() {
  pnpm --workspace-concurrency=1 \
    --filter @switchboard/server-ws --filter @switchboard/server-uws \
    --filter @switchboard/client-node --filter @switchboard/pubsub-redis \
    exec vitest run --reporter=verbose
  pnpm --filter chat-example exec vitest run --exclude test/web.test.ts
  pnpm pack-check
}

on_node_line() {
  local line=$1 bin
  install_runtime "node$line"
  bin=$(runtime_bin "node$line")
  printf '\n== on Node.js %s\n' "$("$bin/node" --version)" >&2
  PATH="$bin:$PATH" node_line_checks
}

# Bun runs the Bun backend's conformance suite and the chat example on Bun (found in .runtimes/).
install_runtime bun
step build pnpm build
step lint pnpm lint
step test pnpm test
step "tarball check" pnpm pack-check
step "API reference" pnpm run docs

found=$(node -p 'process.versions.node.split(".")[0]')
for line in 20 22 24; do
  if [ "$line" != "$found" ]; then step "Node.js $line" on_node_line "$line"; fi
done
printf '\nAll checks passed in %ss.\n' "$SECONDS"
