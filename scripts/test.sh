#!/usr/bin/env bash
# The test command (`npm test`, and CI's .ci/run): on a fresh clone it installs npm dependencies when
# missing or stale and makes sure the pinned toolchain exists (a cold CLI build takes minutes, and
# overlaps the rest), runs the linter, the format and type checks, then every test (unit,
# integration, emulator, end-to-end with the real Pulumi CLI) in vitest. Extra arguments go to
# vitest. Where the time goes, and the budget new tests keep: docs/contributing.md.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

# On a cold machine the Pulumi CLI build (minutes of Go) is the long pole: it starts first, in the
# background, while Node.js and the npm dependencies install and the checks run. Warm, it is a
# check of a few files.
scripts/ensure-toolchain.sh --part pulumi >/dev/null &
pulumi_build=$!

# shellcheck source=scripts/lib/ensure-deps.sh
source scripts/lib/ensure-deps.sh

# Lint, format and types, side by side: a few seconds, and the cheapest failures to read. The type
# check covers the programs and examples too, which the end-to-end tests run transpiled.
echo "Linting (eslint), checking the format (prettier) and the types (tsc)..." >&2
scripts/with-toolchain.sh --part node npm run -s lint &
lint=$!
scripts/with-toolchain.sh --part node npm run -s typecheck &
typecheck=$!
checks=0
wait "$lint" || checks=$?
wait "$typecheck" || checks=$?
((checks == 0)) || exit "$checks"

wait "$pulumi_build" || { echo "error: the Pulumi toolchain could not be built (see ensure-toolchain's output above)" >&2; exit 1; }

# Node.js keeps the code it compiles on disk and reuses it (a quiet cache, keyed by content): an
# engine run starts two or three node processes that load @pulumi/pulumi and TypeScript, and a
# preview of a small stack took 1.26 s with the cache against 1.52 s without.
export NODE_COMPILE_CACHE=${NODE_COMPILE_CACHE:-${TMPDIR:-/tmp}/pulumi-conductorone-node-compile-cache}

# Reporters (vitest.config.mts): the console, test-results/vitest.json for the closing line below, and
# test-results/file-times.json, which `npm run test:times` prints.
results=test-results/vitest.json
rm -f "$results"
status=0
scripts/with-toolchain.sh npx vitest run "$@" || status=$?

# One plain closing line that any CI can read.
if [[ -s "$results" ]]; then
  node -e '
    const r = require(require("path").resolve(process.argv[1]));
    // A file whose set-up failed fails no test of its own: count the files too.
    const files = r.numFailedTestSuites > 0 ? `; ${r.numFailedTestSuites} test file(s) failed` : "";
    console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped${files}`);
  ' "$results"
fi
exit "$status"
