#!/usr/bin/env bash
# The full check, as CI runs it: install, build, lint, every package's tests (the docs' samples and
# links included), the check that the packed tarballs work in a project outside the workspace, and
# the API reference (TypeDoc, warnings are errors). Exits non-zero on any failure.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

# The load tests hold over 2,000 sockets at once; raise the soft limit where the hard one allows.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

step() {
  printf '\n== %s\n' "$1" >&2
  local started=$SECONDS
  "${@:2}"
  printf '== %s: done in %ss\n' "$1" "$((SECONDS - started))" >&2
}

step build pnpm build
step lint pnpm lint
step test pnpm test
step "tarball check" pnpm pack-check
step "API reference" pnpm run docs
printf '\nAll checks passed in %ss.\n' "$SECONDS"
