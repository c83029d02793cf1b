// Package drive is what the host (through goload) and the twin (natively)
// run. Seq: module A's work, A's Close, then module B's (a later module
// sees the state A left in dropped host code and in the package it needs
// that the host lacks). Overlap: C and D both open, C closed first, D
// still working (the first module's copies of a standard package the host
// lacks need not outlive the later ones').
package drive

import (
	"fmt"

	"github.com/goload/goload/internal/binding/testdata/hostgraph/hg"
)

// Mod is a module's Run and its Close (the twin's returns nil).
type Mod struct {
	Run   func() string
	Close func() error
}

// Kept is a host variable modc stores a value of path's in.
var Kept error

func Seq(openA, openB func() Mod) {
	fmt.Println("host:", hg.Version())
	a := openA()
	fmt.Println(a.Run())
	fmt.Println("a close:", a.Close())
	b := openB()
	fmt.Println(b.Run())
	fmt.Println("b close:", b.Close())
}

func Overlap(openC, openD func() Mod) {
	fmt.Println("host:", hg.Version(), Kept == nil)
	c := openC()
	fmt.Println(c.Run())
	d := openD()
	fmt.Println(d.Run())
	fmt.Println("c close:", c.Close())
	fmt.Println(d.Run())
	fmt.Println("d close:", d.Close())
}
