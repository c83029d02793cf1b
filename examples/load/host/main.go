// A small host for scripts/demo.sh: it loads the archive named on its
// command line into itself and calls a function from it.
package main

import (
	"fmt"
	"os"
	"time"

	"github.com/goload/goload"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: host ARCHIVE")
		os.Exit(2)
	}
	fmt.Println(fmt.Sprintf("host: running %s, loading %s", os.Args[0], os.Args[1]))
	t0 := time.Now()
	m, err := goload.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "host:", err)
		os.Exit(1)
	}
	fmt.Printf("host: linked, registered and initialized in %v (%d bytes mapped)\n", time.Since(t0), m.MappedBytes())
	greet, err := goload.Lookup[func(string) string](m, "example.com/demo/greet.Greet")
	if err != nil {
		fmt.Fprintln(os.Stderr, "host:", err)
		os.Exit(1)
	}
	fmt.Println("host: looked up example.com/demo/greet.Greet as func(string) string")
	for _, who := range []string{"gopher", "world"} {
		fmt.Println("host: Greet(" + who + ") = " + greet(who))
	}
}
