// The ground truth for the OpenPackage test: webfix compiled by the Go
// toolchain into a normal program, printed the way testdata/openpkg/host
// prints the loaded copy.
package main

import (
	"fmt"

	"github.com/goload/goload/internal/binding/testdata/openpkg/webfix"
)

func main() {
	for i, f := range []func() string{webfix.JSON, webfix.HTTP, webfix.Regexp, webfix.Gzip, webfix.SHA, webfix.Template} {
		fmt.Printf("%s: %s\n", webfix.Names[i], f())
	}
}
