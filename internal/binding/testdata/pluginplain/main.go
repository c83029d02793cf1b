// The plain fixture as a Go plugin, for bench/load.sh.
package main

import "github.com/goload/goload/internal/binding/testdata/fix/plain"

// Add is plain.Add itself (a func value, not a wrapper).
var Add = plain.Add
