//go:build tools

// Package tools pins the Pulumi CLI so that `go build` can build it from this
// module (see scripts/ensure-toolchain.sh).
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
