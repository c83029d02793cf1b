// A host that links shapes but never calls Area or Perim (its linker
// drops them); it opens moda, modb and modc, which call them, and closes
// them in every order (testdata/closeorder/run).
package main

import (
	"context"

	"github.com/goload/goload"
	"github.com/goload/goload/testdata/closeorder/run"
	"github.com/goload/goload/testdata/closeorder/shapes"
)

const prefix = "github.com/goload/goload/testdata/closeorder/mod"

func main() {
	run.Rounds(func(name string) (*run.Mod, error) {
		m, err := goload.OpenPackage(context.Background(), prefix+name, nil)
		if err != nil {
			return nil, err
		}
		r, err := goload.Lookup[func() string](m, prefix+name+".Run")
		if err != nil {
			return nil, err
		}
		c, err := goload.Lookup[func(shapes.Areaer) int](m, prefix+name+".CallArea")
		if err != nil {
			return nil, err
		}
		return &run.Mod{Run: r, CallArea: c, Close: m.Close}, nil
	})
}
