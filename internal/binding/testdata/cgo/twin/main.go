// The native twin: the cgo packages linked in.
package main

import (
	"fmt"
	"os"

	"github.com/goload/goload/internal/binding/testdata/cgo/calls"
	"github.com/goload/goload/internal/binding/testdata/cgo/dynlink"
	"github.com/goload/goload/internal/binding/testdata/cgo/tls"
	"github.com/goload/goload/internal/binding/testdata/cgo/zlib"
)

func main() {
	r := map[string]func() string{"calls": calls.Report, "zlib": zlib.Report, "tls": tls.Report, "dynlink": dynlink.Report}
	for _, p := range os.Args[1:] {
		fmt.Printf("== %s\n%s", p, r[p]())
		fmt.Println("close: <nil>")
	}
}
