// A small host for scripts/demo.sh: it loads the archive named on its
// command line into itself, calls a function from it, then hot-patches one
// of its own functions with the loaded one while a goroutine keeps calling
// it, reverts the patch and unloads the module.
package main

import (
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/goload/goload"
)

// banner is the host function the demo hot-fixes. noinline: an inlined
// copy could not be patched (goload would refuse and name the callers).
//
//go:noinline
func banner(name string) string { return "hello, " + name + " (built into the host)" }

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: host ARCHIVE")
		os.Exit(2)
	}
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "host:", err)
		os.Exit(1)
	}
	fmt.Printf("host: running %s, loading %s\n", os.Args[0], os.Args[1])
	t0 := time.Now()
	m, err := goload.Open(os.Args[1])
	if err != nil {
		fail(err)
	}
	fmt.Printf("host: linked, registered and initialized in %v (%d bytes mapped)\n", time.Since(t0), m.MappedBytes())
	greet, err := goload.Lookup[func(string) string](m, "example.com/demo/greet.Greet")
	if err != nil {
		fail(err)
	}
	fmt.Println("host: looked up example.com/demo/greet.Greet as func(string) string")
	for _, who := range []string{"gopher", "world"} {
		fmt.Println("host: Greet(" + who + ") = " + greet(who))
	}

	// A goroutine calls banner all the time: the patch is applied while it runs.
	var calls atomic.Int64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
				_ = banner("busy")
				calls.Add(1)
			}
		}
	}()
	time.Sleep(20 * time.Millisecond)

	fmt.Println("host: banner(gopher) = " + banner("gopher"))
	fmt.Println("host: hot-patching main.banner with example.com/demo/greet.Greet")
	patches, err := m.PatchHost(map[string]string{"main.banner": "example.com/demo/greet.Greet"})
	if err != nil {
		fail(err)
	}
	st := goload.LastPause()
	fmt.Printf("host: patched while another goroutine was calling it (world stopped for %v, %d attempt(s))\n", st.Pause, st.Attempts)
	fmt.Println("host: banner(gopher) = " + banner("gopher"))
	for _, p := range patches {
		if err := p.Revert(); err != nil {
			fail(err)
		}
	}
	fmt.Println("host: reverted")
	fmt.Println("host: banner(gopher) = " + banner("gopher"))
	close(stop)
	<-done
	fmt.Printf("host: the busy goroutine made %d calls across the patch and the revert, none failed\n", calls.Load())

	// Nothing holds the module's code or types any more: Close unlinks it
	// from the runtime and retires its memory (it would refuse, naming the
	// holder, while a goroutine, a variable or an applied patch still did).
	t1 := time.Now()
	if err := m.Close(); err != nil {
		fail(err)
	}
	fmt.Printf("host: module closed in %v: unlinked from the runtime, its memory retired\n", time.Since(t1))
}
