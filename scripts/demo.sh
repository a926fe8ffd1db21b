#!/usr/bin/env bash
# npm run demo: the journey of ownership as code against a local C1 emulator, with the real Pulumi
# CLI and c1-ownership: export, up, drift, the guarded preview, repair, destroy (see scripts/demo.ts). Needs no
# ConductorOne account; installs npm dependencies and the pinned toolchain when missing.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

# shellcheck source=scripts/lib/ensure-deps.sh
source scripts/lib/ensure-deps.sh

exec scripts/with-toolchain.sh npx ts-node --transpile-only scripts/demo.ts
