#!/usr/bin/env bash
# npm's `prepare` hook: after `npm install` or `npm ci` in this repo (the GitOps workflows run
# `npm ci`, then the Pulumi CLI directly), build provider/ into node_modules/pulumi-conductorone-owners,
# which the root stack and the examples import. npm runs `prepare` for this repo only, never for
# users who install the package from the registry or a tarball.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/ensure-in-repo-package.sh
source "$repo/scripts/lib/ensure-in-repo-package.sh"
ensure_in_repo_package "$repo"
