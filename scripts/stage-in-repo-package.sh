#!/usr/bin/env bash
# Makes sure this checkout's provider is built and staged as an installed package at
# node_modules/pulumi-conductorone-owners, rebuilding it when anything under src/ (or
# package.json, tsconfig.json) is newer than the last build. The in-repo programs (the root stack,
# examples/, the demo, test/e2e/programs/) import "pulumi-conductorone-owners" from there, so Pulumi
# stores each resource's provider as one small `require` (the state contract, see README), exactly
# as for users who install the package, instead of inlining about 60 KB of provider code into every
# resource's state.
#
# Run by npm's `prepare` (after `npm install` / `npm ci` in this repo, never for users installing
# the package), by scripts/with-toolchain.sh (npm run pulumi, npm test, demo, bench) and by vitest's
# global setup. It is a real directory, not a link: Pulumi's serializer keeps a module as a
# `require` only when its real path lies under node_modules. npm ci or npm install may remove it;
# the next run restages it.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
staged=$repo/node_modules/pulumi-conductorone-owners
stamp=$staged/.in-repo-build

# Dependencies not installed yet: nothing can run a program, and there is no tsc.
[[ -x $repo/node_modules/typescript/bin/tsc ]] || exit 0

is_fresh() {
  [[ -f $stamp ]] && [[ -z $(find "$repo/src" "$repo/package.json" "$repo/tsconfig.json" -newer "$stamp" -print -quit) ]]
}
is_fresh && exit 0

exec 8>"$repo/node_modules/.in-repo-package.lock"
if command -v flock >/dev/null; then flock 8; fi
is_fresh && exit 0 # another run staged it while we waited

echo "Building the provider for the in-repo programs (node_modules/pulumi-conductorone-owners)..." >&2
tmp=$(mktemp -d "$repo/node_modules/.pulumi-conductorone-owners.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
touch "$tmp/.in-repo-build" # before the build: an edit made during it triggers the next one
node "$repo/node_modules/typescript/bin/tsc" -p "$repo/tsconfig.json" --outDir "$tmp/dist" >&2 ||
  { echo "error: building src/ failed (see tsc's output above)" >&2; exit 1; }
cp "$repo/package.json" "$tmp/package.json"
rm -rf "$staged.old"
[[ ! -e $staged ]] || mv "$staged" "$staged.old"
mv "$tmp" "$staged"
rm -rf "$staged.old"
trap - EXIT
