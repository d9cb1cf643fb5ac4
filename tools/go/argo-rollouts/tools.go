//go:build tools

// Package tools pins the commands this wrapper module builds.
package tools

import (
	_ "github.com/argoproj/argo-rollouts/cmd/rollouts-controller"
)
