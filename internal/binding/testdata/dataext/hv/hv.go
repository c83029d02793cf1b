// Package hv: a host package whose variable n the host's linker drops (the
// host calls only Used); Get is inlined into whoever calls it.
package hv

var n = 5

func Get() int { return n }

func Set(v int) { n = v }

//go:noinline
func Used() int { return 1 }
