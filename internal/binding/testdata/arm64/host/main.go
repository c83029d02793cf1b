// The arm64 load check, run under qemu-aarch64 by TestLoadArm64Qemu: it
// loads testdata/arm64/lib (strings, strconv, encoding/json, sort) from the
// archive named on its command line, compares every result with the same
// source linked natively (testdata/arm64/twin), hot-patches a host function
// with a loaded one while a goroutine keeps calling and checking it,
// reverts, and closes the module. Prints "ok ..." lines; exits 1 on any
// difference.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/goload/goload"
	twin "github.com/goload/goload/internal/binding/testdata/arm64/twin"
)

const libPkg = "github.com/goload/goload/internal/binding/testdata/arm64/lib"

//go:noinline
func banner(name string) string { return "hello, " + name + " (host)" }

func fail(format string, args ...any) {
	fmt.Printf("FAIL: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 2 {
		fail("usage: host ARCHIVE")
	}
	t0 := time.Now()
	m, err := goload.Open(os.Args[1])
	if err != nil {
		fail("open: %v", err)
	}
	fmt.Printf("ok open: %s linked and initialized in %v\n", runtime.GOARCH, time.Since(t0).Round(time.Millisecond))
	run, err := goload.Lookup[func(string) string](m, libPkg+".Run")
	if err != nil {
		fail("lookup: %v", err)
	}
	inputs := []string{"", "gopher", "the quick brown fox jumps over the lazy dog", "a e i o u xyz zz 42 ü"}
	for _, in := range inputs {
		if got, want := run(in), twin.Run(in); got != want {
			fail("Run(%q): loaded %q, native %q", in, got, want)
		}
	}
	fmt.Printf("ok std: Run on %d inputs equals the native twin (strings, strconv, encoding/json, sort)\n", len(inputs))
	run = nil

	// Patch the host's banner with the loaded Banner under a busy goroutine
	// that checks every answer: the native banner's or the twin's.
	var calls, bad atomic.Int64
	var stop atomic.Bool
	done := make(chan struct{})
	native, before := banner("busy"), banner("gopher")
	go func() {
		defer close(done)
		for !stop.Load() {
			if got := banner("busy"); got != native && got != twin.Banner("busy") {
				bad.Add(1)
			}
			calls.Add(1)
		}
	}()
	time.Sleep(20 * time.Millisecond)
	ps, err := m.PatchHost(map[string]string{"main.banner": libPkg + ".Banner"})
	if err != nil {
		fail("patch: %v", err)
	}
	if got, want := banner("gopher"), twin.Banner("gopher"); got != want {
		fail("patched banner: %q, want %q", got, want)
	}
	time.Sleep(20 * time.Millisecond)
	if err := goload.Revert(ps...); err != nil {
		fail("revert: %v", err)
	}
	if got := banner("gopher"); got != before {
		fail("reverted banner: %q, before the patch %q", got, before)
	}
	stop.Store(true)
	<-done
	if bad.Load() != 0 || calls.Load() == 0 {
		fail("busy goroutine: %d calls, %d wrong", calls.Load(), bad.Load())
	}
	fmt.Printf("ok patch: main.banner replaced by the loaded Banner and reverted while a goroutine made %d calls, none wrong\n", calls.Load())
	runtime.GC()
	if err := m.Close(); err != nil {
		fail("close: %v", err)
	}
	fmt.Println("ok close: module unlinked and its memory retired")
}
