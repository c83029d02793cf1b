// Package modv reads and writes hv.n through inlined accessors only, so
// the one dropped host symbol it needs is a variable.
package modv

import "github.com/goload/goload/internal/binding/testdata/dataext/hv"

func Run() int {
	v := hv.Get()
	hv.Set(v + 1)
	return v
}
