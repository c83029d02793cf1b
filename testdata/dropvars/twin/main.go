// The ground truth for TestDropVars: package fix compiled by the Go
// toolchain into a normal program, printed the way ../host prints the
// loaded copy.
package main

import (
	"fmt"

	"github.com/goload/goload/testdata/dropvars/fix"
)

func main() {
	for i, f := range []func() string{fix.Duration, fix.Regexp, fix.Unicode, fix.Strconv, fix.Bits, fix.Mime, fix.HTTP, fix.HTML, fix.JSON, fix.Generic} {
		fmt.Printf("%s: %s\n", fix.Names[i], f())
	}
}
