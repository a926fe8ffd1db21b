#!/usr/bin/env bash
# Makes sure the pinned Pulumi toolchain exists on this machine, then prints
# shell `export` lines (on stdout) that put it first on PATH:
#
#   exports=$(scripts/ensure-toolchain.sh) && eval "$exports"
#   # (a bare `eval "$(scripts/ensure-toolchain.sh)"` works too, but would
#   #  not stop a `set -e` script if the toolchain could not be made)
#
# or just use scripts/with-toolchain.sh CMD ARGS...
#
# What it provides, cached under ${XDG_CACHE_HOME:-~/.cache}/pulumi-conductorone/:
#   pulumi-v<version>-<hash>/bin/pulumi                  the Pulumi CLI, built from source
#   pulumi-v<version>-<hash>/bin/pulumi-language-nodejs  our own Node.js language host
#                                                        (scripts/pulumi-toolchain/language-host)
#   pulumi-v<version>-<hash>/bin/pulumi-resource-pulumi-nodejs  the dynamic provider plugin shim
#                                                        (<hash>: of go.mod, go.sum and the Go sources)
#   node-v<version>/                                     the pinned Node.js 22 from npm (only
#                                                        if the machine's node is older than 22,
#                                                        or PULUMI_CONDUCTORONE_PINNED_NODE=1)
#
# Why build from source: no prebuilt Pulumi can be downloaded here, but the Go
# module proxy serves Pulumi's Go modules. The version comes from
# .pulumi-version and must match scripts/pulumi-toolchain/go.mod.
#
# A warm run only checks files (no `go` at all). Each cache entry is trusted
# only if its stamp file, written last, matches the current build inputs, and
# every entry is built in a temp dir and moved into place, so an interrupted
# build is never used.
#
# Node.js is pinned to the exact version in scripts/lib/node-pin.sh, and its binary must match the
# SHA-256 recorded there before it is installed: a mismatch fails and leaves nothing behind.
#   scripts/ensure-toolchain.sh --verify-node FILE   checks FILE against that value, installs nothing
#
# One part alone (the test command builds the CLI in the background while npm installs):
#   scripts/ensure-toolchain.sh --part node     Node.js only; exports only its PATH entry
#   scripts/ensure-toolchain.sh --part pulumi   the Pulumi CLI and plugins only
# Each part has its own lock, so a Node.js install never waits on a CLI build.
#
# Escape hatch: PULUMI_CONDUCTORONE_USE_SYSTEM_TOOLCHAIN=1 builds nothing and
# only checks that `pulumi` and node >= 22 are already on PATH.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd "$script_dir/.." && pwd)
module_dir=$script_dir/pulumi-toolchain
node_major_wanted=22
# shellcheck source=scripts/lib/node-pin.sh
source "$script_dir/lib/node-pin.sh"
# Bump when the way we build changes, to invalidate existing caches.
recipe=1

log() { echo "ensure-toolchain: $*" >&2; }
die() {
  echo "ensure-toolchain: error: $*" >&2
  exit 1
}

# Major version of the node binary $1 (0 if it cannot be run).
node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

node_arch() {
  case "$(uname -m)" in
  x86_64 | amd64) echo x64 ;;
  aarch64 | arm64) echo arm64 ;;
  *) die "no Node.js package for architecture $(uname -m); install Node >= $node_major_wanted yourself" ;;
  esac
}

# The SHA-256 that the pinned node binary for this machine must have.
pinned_node_sha256() {
  local name
  name=node_pinned_sha256_$(node_arch)
  [[ -n "${!name:-}" ]] || die "scripts/lib/node-pin.sh has no $name"
  echo "${!name}"
}

# Fails unless file $1 is the pinned node binary for this machine.
verify_node_binary() {
  local expected actual
  expected=$(pinned_node_sha256)
  [[ -f "$1" ]] || die "no file $1"
  actual=$(sha256sum "$1" | cut -d' ' -f1)
  [[ "$actual" == "$expected" ]] ||
    die "$1 is not the pinned Node.js $node_pinned_version for $(node_arch): its SHA-256 is $actual, scripts/lib/node-pin.sh expects $expected"
}

if [[ "${1:-}" == --verify-node ]]; then
  (($# == 2)) || die "usage: $0 --verify-node FILE"
  verify_node_binary "$2"
  log "$2 is the pinned Node.js $node_pinned_version for $(node_arch)"
  exit 0
fi
usage="usage: $0 [--part node|pulumi | --verify-node FILE]"
want_pulumi=1 want_node=1
if [[ "${1:-}" == --part ]]; then
  (($# == 2)) || die "$usage"
  case "$2" in
  node) want_pulumi=0 ;;
  pulumi) want_node=0 ;;
  *) die "$usage" ;;
  esac
  shift 2
fi
(($# == 0)) || die "$usage"

if [[ "${PULUMI_CONDUCTORONE_USE_SYSTEM_TOOLCHAIN:-}" == 1 ]]; then
  command -v pulumi >/dev/null ||
    die "PULUMI_CONDUCTORONE_USE_SYSTEM_TOOLCHAIN=1 but no \`pulumi\` on PATH"
  node_bin=$(command -v node) ||
    die "PULUMI_CONDUCTORONE_USE_SYSTEM_TOOLCHAIN=1 but no \`node\` on PATH (Node >= $node_major_wanted needed)"
  major=$(node_major "$node_bin")
  ((major >= node_major_wanted)) ||
    die "PULUMI_CONDUCTORONE_USE_SYSTEM_TOOLCHAIN=1 but $node_bin is Node $major; Node >= $node_major_wanted is needed"
  log "using the system toolchain: $(command -v pulumi), $node_bin (Node $major)"
  exit 0 # PATH already has everything: nothing to export
fi

version=$(tr -d '[:space:]' <"$repo_root/.pulumi-version")
[[ -n "$version" ]] || die "$repo_root/.pulumi-version is empty"
cache_root=${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-conductorone
node_dir=$cache_root/node-v$node_pinned_version
mkdir -p "$cache_root"

# Everything that goes into the Pulumi build; the stamp records its hash.
pulumi_inputs_hash() {
  {
    echo "recipe=$recipe version=$version"
    cat "$module_dir/go.mod" "$module_dir/go.sum" "$module_dir"/*.go "$module_dir"/language-host/*.go
  } | sha256sum | cut -d' ' -f1
}

# Each build lives in a directory of its own, named for the version and the hash of its inputs:
# two checkouts with different hosts (or a branch switch) never replace a toolchain in use.
inputs_hash=$(pulumi_inputs_hash)
pulumi_dir=$cache_root/pulumi-v$version-${inputs_hash:0:12}

pulumi_ready() {
  local f
  for f in pulumi pulumi-language-nodejs pulumi-resource-pulumi-nodejs; do
    [[ -x "$pulumi_dir/bin/$f" ]] || return 1
  done
  [[ -f "$pulumi_dir/stamp" && "$(cat "$pulumi_dir/stamp")" == "$inputs_hash" ]]
}

# Node: use the machine's node if it is recent enough (unless the pinned one is asked for), else
# the pinned one. Its stamp holds the SHA-256 it was verified against, so moving the pin reinstalls.
need_node=0
if [[ "${PULUMI_CONDUCTORONE_PINNED_NODE:-}" == 1 ]] || ! command -v node >/dev/null ||
  (($(node_major "$(command -v node)") < node_major_wanted)); then
  need_node=1
  node_bin_dir=$node_dir/node_modules/node-linux-$(node_arch)/bin
  node_sha256=$(pinned_node_sha256)
fi
node_ready() { [[ -x "$node_bin_dir/node" && -f "$node_dir/stamp" && "$(cat "$node_dir/stamp")" == "$node_sha256" ]]; }

# Atomically replace directory $2 with the finished temp directory $1.
install_dir() {
  local old=""
  if [[ -e "$2" ]]; then
    old=$(mktemp -d "$2.old.XXXXXX")
    mv "$2" "$old/"
  fi
  mv "$1" "$2"
  [[ -z "$old" ]] || rm -rf "$old"
}

build_pulumi() {
  command -v go >/dev/null || die "\`go\` is not installed, and the Pulumi CLI v$version must be built from source.
  Install Go >= 1.25 (from your package manager or go.dev) and re-run, or use your own
  Pulumi CLI and Node >= $node_major_wanted: put them on PATH and set PULUMI_CONDUCTORONE_USE_SYSTEM_TOOLCHAIN=1."
  grep -q "github.com/pulumi/pulumi/pkg/v3 v$version\$" "$module_dir/go.mod" ||
    die "$module_dir/go.mod does not require github.com/pulumi/pulumi/pkg/v3 v$version (from .pulumi-version); update it with
  (cd scripts/pulumi-toolchain && go get github.com/pulumi/pulumi/pkg/v3@v$version github.com/pulumi/pulumi/sdk/v3@v$version && go mod tidy)"

  local tmp started
  tmp=$(mktemp -d "$cache_root/.pulumi-v$version.tmp.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  mkdir "$tmp/bin"
  started=$SECONDS

  log "building the Pulumi toolchain v$version into $pulumi_dir ($(go version | cut -d' ' -f3))"
  log "[1/3] Pulumi CLI: go build github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
  log "      this takes several minutes (and downloads modules) on a cold Go cache; later runs take seconds"
  (cd "$module_dir" && go build -mod=readonly \
    -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version" \
    -o "$tmp/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi) ||
    die "building the Pulumi CLI failed (see the go output above)"

  log "[2/3] Node.js language host: go build ./language-host"
  (cd "$module_dir" && go build -mod=readonly -ldflags "-X main.version=$version" \
    -o "$tmp/bin/pulumi-language-nodejs" ./language-host) ||
    die "building the Node.js language host failed (see the go output above)"

  log "[3/3] dynamic provider plugin pulumi-resource-pulumi-nodejs"
  # Same as the script shipped in the @pulumi/pulumi npm package: it runs the
  # dynamic provider of the @pulumi/pulumi found from the current directory.
  cat >"$tmp/bin/pulumi-resource-pulumi-nodejs" <<'EOF'
#!/bin/sh
PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH=$(node -e "console.log(require.resolve('@pulumi/pulumi/cmd/dynamic-provider'))")
if [ -n "$PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH" ]; then
    exec node "$PULUMI_DYNAMIC_PROVIDER_SCRIPT_PATH" "$@"
fi
EOF
  chmod +x "$tmp/bin/pulumi-resource-pulumi-nodejs"

  echo "$inputs_hash" >"$tmp/stamp" # written last: marks the build complete
  install_dir "$tmp" "$pulumi_dir"
  trap - EXIT
  # Older builds (another version, or inputs since changed) go once unused for a week.
  find "$cache_root" -maxdepth 1 -name 'pulumi-v*' ! -name "$(basename "$pulumi_dir")" -mtime +7 -exec rm -rf {} + 2>/dev/null || true
  log "Pulumi toolchain v$version ready ($((SECONDS - started))s)"
}

install_node() {
  command -v npm >/dev/null ||
    die "Node >= $node_major_wanted is needed and there is no \`npm\` to fetch it with; install Node >= $node_major_wanted"
  local tmp pkg node version
  pkg=node-linux-$(node_arch)
  tmp=$(mktemp -d "$cache_root/.node-v$node_pinned_version.tmp.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  node=$tmp/node_modules/$pkg/bin/node
  log "installing Node.js $node_pinned_version from the npm package $pkg@$node_pinned_version into $node_dir (about a minute)"
  # The package has no install scripts, and none may run.
  npm install --prefix "$tmp" --no-save --no-package-lock --ignore-scripts --no-audit --no-fund --loglevel=error \
    "$pkg@$node_pinned_version" >&2 || die "npm install $pkg@$node_pinned_version failed"
  # Checked before it ever runs; on a mismatch the trap removes the download and nothing is installed.
  verify_node_binary "$node"
  version=$("$node" --version) || die "the installed node does not run"
  [[ "$version" == "v$node_pinned_version" ]] || die "$pkg@$node_pinned_version installed Node.js $version"
  echo "$node_sha256" >"$tmp/stamp" # written last: marks the install complete and verified
  install_dir "$tmp" "$node_dir"
  trap - EXIT
  # Other pinned versions go once unused for a week.
  find "$cache_root" -maxdepth 1 -name 'node-v*' ! -name "$(basename "$node_dir")" -mtime +7 -exec rm -rf {} + 2>/dev/null || true
  log "Node.js $version ready (SHA-256 verified)"
}

# Cold path: serialise concurrent runs of a part, then check again under its lock.
lock() {
  exec 9>"$cache_root/.lock-$1"
  if command -v flock >/dev/null; then
    flock 9
  fi
}
if ((want_pulumi)) && ! pulumi_ready; then
  (lock pulumi && { pulumi_ready || build_pulumi; })
fi
if ((want_node && need_node)) && ! node_ready; then
  (lock node && { node_ready || install_node; })
fi

path_prefix=()
((want_pulumi)) && path_prefix+=("$(printf '%q' "$pulumi_dir/bin")")
((want_node && need_node)) && path_prefix+=("$(printf '%q' "$node_bin_dir")")
if ((${#path_prefix[@]})); then
  echo "export PATH=$(IFS=:; echo "${path_prefix[*]}"):\"\$PATH\""
fi
