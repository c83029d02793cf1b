// Package hx is the host's; the host calls Used only, so its linker drops
// Lookup and table: a module calling Lookup gets them from a host
// extension (linked then, after any module opened before).
package hx

var table = map[string]int{"one": 1, "two": 2}

//go:noinline
func Used() int { return 7 }

//go:noinline
func Lookup(k string) int { return table[k] }
