//go:build !goload_native

package drive

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/goload/goload"
)

// Loaded says whether the case runs on loaded code (the host) or on the
// same packages linked natively (the twin).
const Loaded = true

type modImpl = *goload.Module

func get[T any](m *Mod, name string) (T, error) {
	return goload.Lookup[T](m.impl, m.Pkg+"."+name)
}

func open(pkg string) (*Mod, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	gm, err := goload.OpenPackage(ctx, pkg, nil)
	if err != nil {
		return nil, err
	}
	return &Mod{Pkg: pkg, impl: gm}, nil
}

// CloseErr unloads the module.
func (m *Mod) CloseErr() error { return m.impl.Close() }

// closeRetryable: only goroutines (their stacks, or what only they reach)
// hold the module; they may be on their way out.
func closeRetryable(err error) bool {
	var ue *goload.UnloadError
	if !errors.As(err, &ue) {
		return false
	}
	for _, r := range ue.Reasons {
		if !strings.HasPrefix(r, "goroutine ") && !strings.Contains(r, "reachable from goroutine ") {
			return false
		}
	}
	return true
}

// name is the module's name as goload's errors give it.
func (m *Mod) name() string { return m.impl.Name() }

// Module is the goload module (host only; nil in the twin).
func (m *Mod) Module() *goload.Module { return m.impl }
