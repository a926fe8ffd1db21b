# Sourced by the entry scripts: installs npm dependencies when node_modules is missing or older
# than package-lock.json. Runs with the pinned Node.js (>= 22) alone: it never waits on a CLI build.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "Installing npm dependencies (npm ci)..." >&2
  scripts/with-toolchain.sh --part node npm ci --no-audit --no-fund >&2
fi
