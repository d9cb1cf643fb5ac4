//go:build tools

// Package tools pins the commands this wrapper module builds.
package tools

import (
	_ "golang.stackrox.io/kube-linter/cmd/kube-linter"
)
