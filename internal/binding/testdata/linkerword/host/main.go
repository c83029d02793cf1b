// A host with a global whose linker-written word, right before a pointer
// field, is the number guess (guess.go; the test overlays it with the
// address the module's type got in an earlier run). The heap scan reads
// the word before each pointer word of a global as an interface's type
// word: Close must not take that number for a type of the module (Go
// 1.21's idna..stmp_5: four bools, 0x01010100, were refused as
// type:*func() (uint32, uint64) of a module at 0x1000000).
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/goload/goload"
)

const pkg = "github.com/goload/goload/internal/binding/testdata/linkerword/mod"

var x int

// held: a non-pointer word, then a pointer (as idna.options' bools and
// its trie pointer)
var held = struct {
	w uintptr
	p *int
}{guess, &x}

func main() {
	m, err := goload.OpenPackage(context.Background(), pkg, nil)
	if err != nil {
		fmt.Println("FAIL:", err)
		os.Exit(1)
	}
	f, err := goload.Lookup[func() uintptr](m, pkg+".TypeAddr")
	if err != nil {
		fmt.Println("FAIL:", err)
		os.Exit(1)
	}
	t := f()
	f = nil
	fmt.Printf("type 0x%x word 0x%x\n", t, held.w)
	fmt.Println("close:", m.Close())
}
