// Package reg is a host package with a global that loaded code fills.
package reg

// Held is set by the loaded module (testdata/hostholder/mod).
var Held any

// Clear lets the module go. Not inlined: recovery finds a stripped host's
// data symbols through its packages' code (main's is not matched).
//
//go:noinline
func Clear() { Held = nil }
