// A host for TestBuildSettings: every build setting runtime/debug's
// parser gives must read the same through goload's (C) parse of the
// executable's build info, which an Open uses for GOAMD64 and -ldflags.
package main

import (
	"fmt"
	"os"
	"runtime/debug"

	"github.com/goload/goload/internal/binding"
)

var v string // set by -X, with escapes strconv.Quote writes

func main() {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		fmt.Println("no build info")
		os.Exit(1)
	}
	// The host opens (its build info parsed) before any comparison: a
	// setting goload cannot parse would otherwise fail every load.
	if err := binding.Check(); err != nil {
		fmt.Println("check:", err)
		os.Exit(1)
	}
	seen := map[string]bool{}
	bad := 0
	for _, s := range bi.Settings {
		if seen[s.Key] {
			continue // the first of a key, as both parsers give it
		}
		seen[s.Key] = true
		if got := binding.HostBuildSetting(s.Key); got != s.Value {
			fmt.Printf("setting %q: goload reads %q, runtime/debug %q\n", s.Key, got, s.Value)
			bad++
		}
	}
	if got := binding.HostBuildSetting("no-such-setting"); got != "" {
		fmt.Printf("an absent setting reads %q\n", got)
		bad++
	}
	fmt.Printf("settings %d, differing %d, v %q\n", len(seen), bad, v)
}
