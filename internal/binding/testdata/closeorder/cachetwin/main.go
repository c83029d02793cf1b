// testdata/closeorder/cachehost's sequence with cachemod linked in.
package main

import (
	"github.com/goload/goload/internal/binding/testdata/closeorder/cachemod"
	"github.com/goload/goload/internal/binding/testdata/closeorder/cacherun"
)

func main() { cacherun.Sequence(cachemod.Run, func() error { return nil }) }
