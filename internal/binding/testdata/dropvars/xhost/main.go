// A host built with -ldflags=-X for xvar.Version and xvar.Kept that reads
// only Kept: loading ../usexvar, which reads Version, must fail naming it.
package main

import (
	"context"
	"fmt"

	"github.com/goload/goload"
	"github.com/goload/goload/internal/binding/testdata/dropvars/xvar"
)

func main() {
	fmt.Println("kept", xvar.Kept)
	const pkg = "github.com/goload/goload/internal/binding/testdata/dropvars/usexvar"
	m, err := goload.OpenPackage(context.Background(), pkg, nil)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	f, err := goload.Lookup[func() string](m, pkg+".Get")
	if err != nil {
		fmt.Println("FAIL:", err)
		return
	}
	fmt.Println("loaded:", f())
}
