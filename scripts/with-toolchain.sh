#!/usr/bin/env bash
# Runs a command with the pinned Pulumi toolchain (see ensure-toolchain.sh):
#
#   scripts/with-toolchain.sh pulumi preview
#   scripts/with-toolchain.sh node my-automation-script.js
#
# It makes sure the toolchain exists (progress goes to stderr), puts it first
# on PATH and then execs CMD ARGS... with:
#   PULUMI_SKIP_UPDATE_CHECK=true  (the CLI cannot reach its update service)
#   PULUMI_BACKEND_URL             if unset: file://<repo>/.pulumi-state, a local
#                                  state directory (created here, git-ignored)
#   PULUMI_CONFIG_PASSPHRASE       if unset (and no PULUMI_CONFIG_PASSPHRASE_FILE):
#                                  "" -- the local backend is for demos and tests, so
#                                  its stack secrets need no real passphrase. Set your
#                                  own for anything that matters.
set -euo pipefail

if (($# == 0)); then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/.." && pwd)

# Assign first so that a failure stops us (eval of a failed $(...) would not).
exports=$("$script_dir/ensure-toolchain.sh")
eval "$exports"

export PULUMI_SKIP_UPDATE_CHECK=true

# The in-repo programs load the provider as an installed package: build it if provider/ changed.
bash "$script_dir/stage-in-repo-package.sh"

if [[ -z "${PULUMI_BACKEND_URL:-}" ]]; then
  mkdir -p "$repo_root/.pulumi-state"
  export PULUMI_BACKEND_URL="file://$repo_root/.pulumi-state"
fi

# Local demo backend: an empty passphrase is enough (see the header).
if [[ -z "${PULUMI_CONFIG_PASSPHRASE+set}" && -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]]; then
  export PULUMI_CONFIG_PASSPHRASE=""
fi

exec "$@"
