//go:build go1.24

package main

import "runtime"

// addCleanup registers f (a loaded function) to run once p dies.
func addCleanup(p *[64]byte, f func(int32)) bool {
	runtime.AddCleanup(p, f, 1)
	return true
}
