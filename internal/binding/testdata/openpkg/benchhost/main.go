// Times one load in a fresh process for bench/openpkg.sh:
//
//	benchhost open ARCHIVE...    goload.Open of prebuilt archives
//	benchhost openpkg PATTERN    goload.OpenPackage (build included)
//
// and prints "<ms> ms, <bytes> bytes mapped".
package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/goload/goload"
)

// testdata/fix/plain calls it; a host keeps only what it uses.
var keep = strings.ToUpper

func main() {
	if len(os.Args) < 2 {
		fmt.Println("usage: benchhost open ARCHIVE... | openpkg PATTERN", keep(""))
		os.Exit(2)
	}
	if err := goload.Check(); err != nil { // index the host outside the timing
		fmt.Println("FAIL:", err)
		os.Exit(1)
	}
	t0 := time.Now()
	var m *goload.Module
	var err error
	switch os.Args[1] {
	case "open":
		m, err = goload.Open(os.Args[2:]...)
	case "openpkg":
		m, err = goload.OpenPackage(context.Background(), os.Args[2], nil)
	}
	if err != nil {
		fmt.Println("FAIL:", err)
		os.Exit(1)
	}
	d := time.Since(t0)
	t := m.Timings()
	fmt.Printf("%.1f ms, %d bytes mapped", float64(d.Microseconds())/1000, m.MappedBytes())
	if t.GoList != 0 {
		fmt.Printf("; beyond its go list run: %.1f ms", float64((d-t.GoList).Microseconds())/1000)
	}
	fmt.Printf("\n    phases: %s\n", t.OpenString())
}
