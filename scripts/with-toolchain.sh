#!/usr/bin/env bash
# Runs a command with the pinned Pulumi toolchain (see ensure-toolchain.sh):
#
#   scripts/with-toolchain.sh pulumi preview
#   scripts/with-toolchain.sh node my-automation-script.js
#   scripts/with-toolchain.sh --part node npm ci   # Node.js only: never waits on a CLI build
#
# It makes sure the toolchain exists (progress goes to stderr), puts it first
# on PATH and then execs CMD ARGS... with:
#   PULUMI_SKIP_UPDATE_CHECK=true  (the CLI cannot reach its update service)
#   NODE_COMPILE_CACHE             if unset: ${XDG_CACHE_HOME:-~/.cache}/pulumi-conductorone/node-compile-cache,
#                                  Node's on-disk code cache, for the program, the dynamic provider
#                                  processes and every other node the engine starts (they inherit it);
#                                  set it empty to turn the cache off
#   PULUMI_BACKEND_URL             if unset: file://<repo>/.pulumi-state, the repo's
#                                  local demo backend (created here, git-ignored)
#   PULUMI_CONFIG_PASSPHRASE       on the demo backend only, if empty or unset (and no
#                                  PULUMI_CONFIG_PASSPHRASE_FILE): "" -- its stacks are
#                                  demos and tests, their secrets need no real passphrase.
# On any other backend it refuses to run without a passphrase (PULUMI_CONFIG_PASSPHRASE
# or PULUMI_CONFIG_PASSPHRASE_FILE), so that a real stack's secrets, such as
# conductorone:clientSecret in a committed Pulumi.<stack>.yaml, are never encrypted
# with an empty one. PULUMI_CONDUCTORONE_ALLOW_NO_PASSPHRASE=1 lets it run anyway, for a
# stack whose secrets provider is not a passphrase (Pulumi Cloud, a KMS, Vault) or a
# throwaway one (PULUMI_CONFIG_PASSPHRASE is then passed on as it is, even empty).
set -euo pipefail

toolchain_args=()
if [[ "${1:-}" == --part ]]; then
  toolchain_args=(--part "${2:-}")
  shift 2 || true
fi
if (($# == 0)); then
  echo "usage: $0 [--part node|pulumi] CMD [ARGS...]" >&2
  exit 2
fi

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/.." && pwd)

# Backend and passphrase first: a refusal costs no toolchain build.
demo_backend="file://$repo_root/.pulumi-state"
if [[ -z "${PULUMI_BACKEND_URL:-}" ]]; then
  mkdir -p "$repo_root/.pulumi-state"
  export PULUMI_BACKEND_URL=$demo_backend
fi

if [[ -n "${PULUMI_CONFIG_PASSPHRASE:-}" || -n "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" || "${PULUMI_CONDUCTORONE_ALLOW_NO_PASSPHRASE:-}" == 1 ]]; then
  : # the user's own passphrase or secrets provider
elif [[ "$PULUMI_BACKEND_URL" == "$demo_backend" ]]; then
  export PULUMI_CONFIG_PASSPHRASE="" # the demo backend only (see the header)
else
  # The URL itself is not printed: a backend URL may carry credentials.
  cat >&2 <<EOF
with-toolchain: error: PULUMI_BACKEND_URL is not this repo's demo backend ($demo_backend),
and no passphrase is set: the stack's secrets (such as conductorone:clientSecret) would be
encrypted with an empty one. Either
  - set a passphrase: PULUMI_CONFIG_PASSPHRASE_FILE=<a file holding it> (or PULUMI_CONFIG_PASSPHRASE), or
  - use a secrets provider that is not a passphrase (Pulumi Cloud's own, or one chosen with
    \`pulumi stack init STACK --secrets-provider=awskms://...\` (or azurekeyvault://, gcpkms://,
    hashivault://) or \`pulumi stack change-secrets-provider\`), and set PULUMI_CONDUCTORONE_ALLOW_NO_PASSPHRASE=1.
The empty passphrase is the default only on the demo backend, used when PULUMI_BACKEND_URL is unset.
EOF
  exit 1
fi

# Assign first so that a failure stops us (eval of a failed $(...) would not).
exports=$("$script_dir/ensure-toolchain.sh" ${toolchain_args[@]+"${toolchain_args[@]}"}) # (bash 3.2-safe when empty)
eval "$exports"

export PULUMI_SKIP_UPDATE_CHECK=true
# Node >= 22.1 keeps compiled code of the modules it loads (@pulumi/pulumi, TypeScript, gRPC: about
# 0.5 s of compiling in each node process of a command) and reuses it on the next command.
if [[ -z "${NODE_COMPILE_CACHE+set}" ]]; then
  export NODE_COMPILE_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-conductorone/node-compile-cache
fi

# The in-repo programs load the provider as an installed package: build it if provider/ changed.
bash "$script_dir/stage-in-repo-package.sh"

exec "$@"
