#!/usr/bin/env bash
# Runs the burnrate demo on the embedded local defaults (the LLM simulator, no API key, no network).
# Arguments are passed to the demo: try --help. Relative paths (--card) are taken from where you ran it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/bootstrap.sh"
exec "$root/examples/node_modules/.bin/tsx" "$root/examples/demo/main.ts" "$@"
