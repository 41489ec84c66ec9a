#!/usr/bin/env bash
# Runs the benchmark CLI with as many file descriptors as the system allows: 10,000 idle
# connections need that many in the server and again in the load process.
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec node dist/cli.js "$@"
