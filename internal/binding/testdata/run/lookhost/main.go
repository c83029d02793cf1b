// A host for TestRunLookupMain: OpenPackage of a main package, then
// Lookup of its main.main (and the namespaced name) and of main.setup,
// which it calls. It does not run main.main.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/goload/goload"
)

func main() {
	m, err := goload.OpenPackage(context.Background(), os.Args[1], nil)
	if err != nil {
		fmt.Println("FAIL:", err)
		os.Exit(1)
	}
	for _, n := range []string{"main.main", "goload.run/github.com/goload/goload/internal/binding/testdata/run/greet.main"} {
		if _, err := goload.Lookup[func()](m, n); err != nil {
			fmt.Println(n+":", err)
		} else {
			fmt.Println(n + ": ok")
		}
	}
	setup, err := goload.Lookup[func() string](m, "main.setup")
	if err != nil {
		fmt.Println("main.setup:", err)
		return
	}
	fmt.Println("main.setup:", setup())
}
