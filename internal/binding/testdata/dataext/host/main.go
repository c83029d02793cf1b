// A host that has package hv but none of its variable n: modw first,
// then modv, loaded twice (closed in between), needs only that variable of hv. A normal
// program has one n: the second load reads what the first wrote.
package main

import (
	"context"
	"fmt"

	"github.com/goload/goload"
	"github.com/goload/goload/internal/binding/testdata/dataext/hv"
)

const modv = "github.com/goload/goload/internal/binding/testdata/dataext/modv"

func main() {
	fmt.Println("used", hv.Used())
	// modw first: the host extension it makes has no hv.n, so modv's
	// extension holds that variable alone.
	w, err := goload.OpenPackage(context.Background(), "github.com/goload/goload/internal/binding/testdata/dataext/modw", nil)
	if err != nil {
		fmt.Println("FAIL:", err)
		return
	}
	runW, err := goload.Lookup[func() int](w, "github.com/goload/goload/internal/binding/testdata/dataext/modw.Run")
	if err != nil {
		fmt.Println("FAIL:", err)
		return
	}
	fmt.Println("w", runW())
	for i := 0; i < 2; i++ {
		m, err := goload.OpenPackage(context.Background(), modv, nil)
		if err != nil {
			fmt.Println("FAIL:", err)
			return
		}
		run, err := goload.Lookup[func() int](m, modv+".Run")
		if err != nil {
			fmt.Println("FAIL:", err)
			return
		}
		fmt.Println("run", run())
		run = nil
		fmt.Println("close:", m.Close())
	}
}
