// A host using encoding/json, encoding/xml, encoding/binary and reflect
// loads cachemod, which fills those packages' caches with its types;
// Close drops the entries, closes, and the host goes on using them.
package main

import (
	"context"
	"fmt"

	"github.com/goload/goload"
	"github.com/goload/goload/internal/binding/testdata/closeorder/cacherun"
)

const pkg = "github.com/goload/goload/internal/binding/testdata/closeorder/cachemod"

func main() {
	m, err := goload.OpenPackage(context.Background(), pkg, nil)
	if err != nil {
		fmt.Println("FAIL:", err)
		return
	}
	run, err := goload.Lookup[func() string](m, pkg+".Run")
	if err != nil {
		fmt.Println("FAIL:", err)
		return
	}
	cacherun.Sequence(func() string { s := run(); run = nil; return s }, m.Close)
}
