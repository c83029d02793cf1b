// A host whose own code imports only fmt and context: it never asserts
// its os, bytes, time, syscall or reflect values to the probe's
// interfaces, so its linker drops most of the methods the probe needs.
// It loads ../probe with OpenPackage and prints what Run returns.
package main

import (
	"context"
	"fmt"

	"github.com/goload/goload"
)

const pkg = "github.com/goload/goload/testdata/hostitabs/probe"

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
	fmt.Print(run())
}
