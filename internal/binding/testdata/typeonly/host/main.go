// A host with package tdef (types only) that loads maker with OpenPackage
// and runs script with it. GOFLAGS=-overlay=... gives maker another
// layout of tdef.Thing: the load must be refused.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/goload/goload"
	"github.com/goload/goload/internal/binding/testdata/typeonly/script"
	"github.com/goload/goload/internal/binding/testdata/typeonly/tdef"
)

const pkg = "github.com/goload/goload/internal/binding/testdata/typeonly/maker"

func main() {
	m, err := goload.OpenPackage(context.Background(), pkg, nil)
	if err != nil {
		fmt.Println("refused:", err)
		return
	}
	newThing, err1 := goload.Lookup[func() *tdef.Thing](m, pkg+".New")
	newAny, err2 := goload.Lookup[func() any](m, pkg+".NewAny")
	kindAny, err3 := goload.Lookup[func() any](m, pkg+".KindAny")
	is, err4 := goload.Lookup[func(any) bool](m, pkg+".Is")
	for _, err := range []error{err1, err2, err3, err4} {
		if err != nil {
			fmt.Println("FAIL:", err)
			os.Exit(1)
		}
	}
	script.Run(newThing, newAny, kindAny, is)
}
