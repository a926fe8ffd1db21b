#!/usr/bin/env bash
# Runs the linter, the format check and every test (unit, integration, emulator, end-to-end with the real Pulumi CLI) on a fresh
# clone: installs npm dependencies when missing or stale, makes sure the pinned toolchain exists
# (a cold build takes minutes), then runs vitest. Extra arguments go to vitest.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

# shellcheck source=scripts/lib/ensure-deps.sh
source scripts/lib/ensure-deps.sh

# Lint and format first: a few seconds, and the cheapest failure to read.
echo "Linting (eslint) and checking the format (prettier)..." >&2
scripts/with-toolchain.sh npm run -s lint

results=$(mktemp -t c1-vitest-XXXXXX.json)
trap 'rm -f "$results"' EXIT
status=0
scripts/with-toolchain.sh npx vitest run --reporter=default --reporter=json --outputFile="$results" "$@" || status=$?

# One plain closing line that any CI can read.
if [[ -s "$results" ]]; then
  node -e '
    const r = require(process.argv[1]);
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
  ' "$results"
fi
exit "$status"
