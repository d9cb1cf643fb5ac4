//go:build tools

// Package tools pins the commands this wrapper module builds.
package tools

import (
	_ "github.com/kyverno/kyverno/cmd/cli/kubectl-kyverno"
)
