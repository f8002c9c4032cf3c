#!/usr/bin/env bash
# Runs every test (unit, integration against the simulator, end-to-end with real Prometheus and
# Alertmanager) after installing what they need. Ends with the line `N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh --with-prometheus || exit 1
mkdir -p .tmp
rm -f .tmp/vitest-results.json
pnpm exec vitest run "$@"
status=$?
node -e '
  const fs = require("node:fs");
  let r = { numPassedTests: 0, numFailedTests: 0 };
  try { r = JSON.parse(fs.readFileSync(".tmp/vitest-results.json", "utf8")); } catch {}
  // A file that fails to load has no tests of its own; count it as one failure.
  const broken = (r.testResults ?? []).filter((t) => t.status === "failed" && t.assertionResults.length === 0).length;
  const failed = r.numFailedTests + broken + (r.numTotalTestSuites === undefined ? 1 : 0);
  console.log(`${r.numPassedTests} passed, ${failed} failed`);
'
exit $status
