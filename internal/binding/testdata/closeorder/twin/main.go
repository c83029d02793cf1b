// The same sequence as testdata/closeorder/host, the packages linked in.
package main

import (
	"github.com/goload/goload/internal/binding/testdata/closeorder/moda"
	"github.com/goload/goload/internal/binding/testdata/closeorder/modb"
	"github.com/goload/goload/internal/binding/testdata/closeorder/modc"
	"github.com/goload/goload/internal/binding/testdata/closeorder/run"
)

func main() {
	run.Rounds(func(name string) (*run.Mod, error) {
		m := map[string]*run.Mod{
			"a": {Run: moda.Run, CallArea: moda.CallArea},
			"b": {Run: modb.Run, CallArea: modb.CallArea},
			"c": {Run: modc.Run, CallArea: modc.CallArea},
		}[name]
		m.Close = func() error { return nil }
		return m, nil
	})
}
