// A host that links shapes but never calls Area or Perim (its linker
// drops them); it opens moda, modb and modc, which call them, and closes
// them in every order (testdata/closeorder/run).
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/goload/goload"
	"github.com/goload/goload/internal/binding/testdata/closeorder/run"
	"github.com/goload/goload/internal/binding/testdata/closeorder/shapes"
)

const prefix = "github.com/goload/goload/internal/binding/testdata/closeorder/mod"

func main() {
	if len(os.Args) == 3 && os.Args[1] == "plain" {
		plain(os.Args[2])
		return
	}
	// base takes the host extension of what the modules need of the
	// host's build first (see base.go): what is tested is the order of
	// the modules' own Closes.
	if _, err := goload.OpenPackage(context.Background(), "github.com/goload/goload/internal/binding/testdata/closeorder/base", nil); err != nil {
		fmt.Println("FAIL:", err)
		return
	}
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

// plain opens moda (which fills the host's entries), then modplain's
// archive with Open (no copy of Area: it calls moda's through the
// entries): moda's Close refuses, naming modplain, until modplain is
// closed.
func plain(archive string) {
	a, err := goload.OpenPackage(context.Background(), prefix+"a", nil)
	if err != nil {
		fmt.Println("FAIL:", err)
		return
	}
	p, err := goload.Open(archive)
	if err != nil {
		fmt.Println("FAIL:", err)
		return
	}
	area, err := goload.Lookup[func(any) int](p, "github.com/goload/goload/internal/binding/testdata/closeorder/modplain.Area")
	if err != nil {
		fmt.Println("FAIL:", err)
		return
	}
	fmt.Println("plain area", area(shapes.Rect{W: 6, H: 7}))
	fmt.Println("close a:", a.Close())
	fmt.Println("plain area", area(shapes.Rect{W: 6, H: 8}))
	area = nil
	fmt.Println("close plain:", p.Close())
	fmt.Println("close a:", a.Close())
}
