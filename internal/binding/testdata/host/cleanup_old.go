//go:build !go1.24

package main

// runtime.AddCleanup exists from Go 1.24 on.
func addCleanup(p *[64]byte, f func(int32)) bool { return false }
