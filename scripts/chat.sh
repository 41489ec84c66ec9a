#!/usr/bin/env bash
# Installs what is needed, builds the chat example and runs it. Flags go to the server:
#   bash scripts/chat.sh [--backend ws|uws] [--port 8080] [--host 127.0.0.1] [--max-message-bytes N]
#                        [--redis redis://127.0.0.1:6379]
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

printf '\n== building the chat example\n' >&2
pnpm exec turbo run build --filter=chat-example... --output-logs=errors-only >&2
exec node apps/chat-example/dist/server.js "$@"
