#!/usr/bin/env bash
# Installs what burnrate needs on a fresh machine: pnpm (pinned), the workspace's dependencies and,
# with --with-prometheus, Debian's Prometheus and Alertmanager (for the end-to-end tests).
# Idempotent: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.4.2

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "burnrate: installing pnpm $PNPM_VERSION" >&2
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null
fi

if [ "${1:-}" = "--with-prometheus" ]; then
  if ! command -v promtool >/dev/null || ! command -v prometheus-alertmanager >/dev/null; then
    echo "burnrate: installing Prometheus and Alertmanager (Debian packages)" >&2
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus prometheus-alertmanager >/dev/null
  fi
fi

# The install is skipped when nothing it depends on changed since the last one (a stamp of the
# lockfile, every package.json and the pnpm version), so `./scripts/demo.sh --help` answers at once.
stamp=node_modules/.burnrate-install-stamp
want="$(cat pnpm-lock.yaml package.json examples/package.json packages/*/package.json | sha256sum | cut -d' ' -f1) pnpm@$PNPM_VERSION"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
  pnpm install --frozen-lockfile --reporter=silent
  printf '%s\n' "$want" > "$stamp"
fi
