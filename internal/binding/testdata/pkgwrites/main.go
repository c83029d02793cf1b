// A host that loads testdata/fix/plain with OpenPackage (its host
// extension fills ~1,450 method-table words of the host's types) and
// prints the package's answers, the writes into its own memory that took
// (binding.MemWrites) and any recorded fill that does not hold its value.
package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/goload/goload/internal/binding"
)

const pkg = "github.com/goload/goload/internal/binding/testdata/fix/plain"

// plain calls it; a host keeps only what it uses.
var keep = strings.ToUpper

func main() {
	w0, n0 := binding.MemWrites()
	m, err := binding.OpenPackage(context.Background(), pkg, nil)
	if err != nil {
		fmt.Println("FAIL:", err)
		os.Exit(1)
	}
	w1, n1 := binding.MemWrites()
	greet, err := binding.Lookup[func(string) string](m, pkg+".Greet")
	if err != nil {
		fmt.Println("FAIL:", err)
		os.Exit(1)
	}
	fib, err := binding.Lookup[func(int) int](m, pkg+".Fib")
	if err != nil {
		fmt.Println("FAIL:", err)
		os.Exit(1)
	}
	fmt.Printf("%s %d %s\n", greet("gopher"), fib(20), keep("x"))
	fmt.Printf("writes %d words %d\n", w1-w0, n1-n0)
	fmt.Printf("not holding:%s\n", binding.HostFillsHold(m))
}
