// A host with package dt (only dt.Other used: its linker drops
// dt.Decoder's descriptors) that loads user with OpenPackage and runs
// script with it.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/goload/goload"
	"github.com/goload/goload/testdata/droptypes/dt"
	"github.com/goload/goload/testdata/droptypes/script"
)

const pkg = "github.com/goload/goload/testdata/droptypes/user"

func main() {
	fmt.Println(dt.Other())
	m, err := goload.OpenPackage(context.Background(), pkg, nil)
	if err != nil {
		fmt.Println("FAIL:", err)
		os.Exit(1)
	}
	decode, err := goload.Lookup[func(string) string](m, pkg+".Decode")
	if err != nil {
		fmt.Println("FAIL:", err)
		os.Exit(1)
	}
	script.Run(decode)
}
