// The twin: drive's sequences on the modules linked natively.
package main

import (
	"fmt"
	"os"

	"github.com/goload/goload/internal/binding/testdata/hostgraph/drive"
	"github.com/goload/goload/internal/binding/testdata/hostgraph/moda"
	"github.com/goload/goload/internal/binding/testdata/hostgraph/modb"
	"github.com/goload/goload/internal/binding/testdata/hostgraph/modc"
	"github.com/goload/goload/internal/binding/testdata/hostgraph/modd"
	"github.com/goload/goload/internal/binding/testdata/hostgraph/mode"
	"github.com/goload/goload/internal/binding/testdata/hostgraph/modf"
)

func mod(run func() string) func() drive.Mod {
	return func() drive.Mod { return drive.Mod{Run: run, Close: func() error { return nil }} }
}

func main() {
	switch os.Args[1] {
	case "seq":
		drive.Seq(mod(moda.Run), mod(modb.Run))
	case "overlap":
		drive.Overlap(mod(modc.Run), mod(modd.Run))
	case "openfirst":
		fmt.Println(mode.Run())
		fmt.Println(modf.Run())
		fmt.Println("closed")
	case "pkgfirst":
		fmt.Println(modf.Run())
		fmt.Println("closed")
		fmt.Println(mode.Run())
		fmt.Println("closed")
	}
}
