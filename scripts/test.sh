#!/usr/bin/env bash
# Every check and test: types, lint, then unit + integration + e2e (the production build in Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
echo "== typecheck"; npx tsc --noEmit
echo "== lint (eslint + prettier --check)"; npm run -s lint
echo "== production build for the e2e tests (.next-test)"
NEXT_DIST_DIR="${SWARMDECK_TEST_DIST_DIR:-.next-test}" npx next build > /tmp/swarmdeck-test-build.log 2>&1 || { cat /tmp/swarmdeck-test-build.log; exit 1; }
echo "== tests"
report=$(mktemp)
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + (r.numTodoTests || 0)} skipped`);
' "$report" || true
exit $status
