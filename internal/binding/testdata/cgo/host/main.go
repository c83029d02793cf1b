// A host that loads each cgo package named in its arguments with
// OpenPackage, prints its Report and closes it; the twin prints the same
// with the packages linked in.
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/goload/goload"
)

const base = "github.com/goload/goload/internal/binding/testdata/cgo/"

func main() {
	for _, p := range os.Args[1:] {
		if p == "block" {
			closeWhileInC()
			continue
		}
		var m *goload.Module
		var err error
		pkg := base + p
		if a, ok := strings.CutPrefix(p, "archive="); ok {
			// archive=PATH=PKG: Open(PATH), then PKG.Report.
			var path string
			path, pkg, _ = strings.Cut(a, "=")
			m, err = goload.Open(path)
		} else {
			m, err = goload.OpenPackage(context.Background(), pkg, nil)
		}
		if err != nil {
			fmt.Println("refused:", err)
			continue
		}
		report, err := goload.Lookup[func() string](m, pkg+".Report")
		if err != nil {
			fmt.Println("FAIL:", err)
			os.Exit(1)
		}
		fmt.Printf("== %s\n%s", pkg[strings.LastIndex(pkg, "/")+1:], report())
		fmt.Println("close:", m.Close())
	}
}

// closeWhileInC: Close is refused while a goroutine is in the module's C
// code, then succeeds once it returned.
func closeWhileInC() {
	m, err := goload.OpenPackage(context.Background(), base+"block", nil)
	if err != nil {
		fmt.Println("refused:", err)
		return
	}
	block, _ := goload.Lookup[func()](m, base+"block.Block")
	entered, _ := goload.Lookup[func() bool](m, base+"block.Entered")
	release, err := goload.Lookup[func()](m, base+"block.Release")
	if err != nil {
		fmt.Println("FAIL:", err)
		os.Exit(1)
	}
	done := make(chan bool)
	go func() { block(); done <- true }()
	for !entered() {
		time.Sleep(time.Millisecond)
	}
	fmt.Println("close while in C:", m.Close())
	release()
	<-done
	fmt.Println("close after:", m.Close())
}
