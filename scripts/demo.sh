#!/usr/bin/env bash
# Runs the burnrate demo on the embedded local defaults (the LLM simulator, no API key, no network).
# Arguments are passed to the demo: try --help.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh
cd examples && exec ./node_modules/.bin/tsx demo/main.ts "$@"
