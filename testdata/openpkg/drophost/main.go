// A host that links hostpkg but never calls hostpkg.Scaled; it loads
// dropfix, which does.
package main

import (
	"context"
	"fmt"

	"github.com/goload/goload"
	"github.com/goload/goload/testdata/openpkg/hostpkg"
)

const pkg = "github.com/goload/goload/testdata/openpkg/dropfix"

func main() {
	hostpkg.Counter = 20
	hostpkg.Bump()
	m, err := goload.OpenPackage(context.Background(), pkg, nil)
	if err != nil {
		fmt.Println("FAIL:", err)
		return
	}
	twice, err := goload.Lookup[func() int](m, pkg+".Twice")
	if err != nil {
		fmt.Println("FAIL:", err)
		return
	}
	add, err := goload.Lookup[func()](m, pkg+".Add100")
	if err != nil {
		fmt.Println("FAIL:", err)
		return
	}
	fmt.Printf("counter %d twice %d\n", hostpkg.Counter, twice())
	add()
	fmt.Printf("counter %d twice %d\n", hostpkg.Counter, twice())
}
