// The ground truth for the dropvars tests: fix, bitsfix and genfix
// compiled by the Go toolchain into a normal program, printed the way
// ../host prints the loaded copy of the package named by the argument.
package main

import (
	"fmt"
	"os"

	"github.com/goload/goload/internal/binding/testdata/dropvars/bitsfix"
	"github.com/goload/goload/internal/binding/testdata/dropvars/fix"
	"github.com/goload/goload/internal/binding/testdata/dropvars/genfix"
)

func main() {
	names, funcs := fix.Names, []func() string{fix.Duration, fix.Regexp, fix.Unicode, fix.Strconv, fix.Mime, fix.HTTP, fix.HTML, fix.JSON}
	switch os.Args[1] {
	case "bitsfix":
		names, funcs = bitsfix.Names, []func() string{bitsfix.Bits}
	case "genfix":
		names, funcs = genfix.Names, []func() string{genfix.Generic}
	}
	for i, f := range funcs {
		fmt.Printf("%s: %s\n", names[i], f())
	}
}
