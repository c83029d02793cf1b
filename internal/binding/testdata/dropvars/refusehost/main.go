// A host with package hp (built from ../hpoverlay/hp.go) that loads
// ../usehp, which needs hp.Table, dropped by this host's linker and set by
// hp's init in the archive: the load must fail naming it.
package main

import (
	"context"
	"fmt"

	"github.com/goload/goload"
	"github.com/goload/goload/internal/binding/testdata/dropvars/hp"
)

func main() {
	fmt.Println("ping", hp.Ping())
	const pkg = "github.com/goload/goload/internal/binding/testdata/dropvars/usehp"
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
