package goload

import (
	"strings"
	"testing"
)

// Variables a host package declares but the host's linker dropped, taken
// from the package's archive by OpenPackage, hold what a normal build
// gives them: time.unitMap and regexp/syntax.perlGroup (Go 1.21+ compile
// their initializers into map.init.N functions, which the Go linker drops
// with the variable), unicode.Categories/Scripts, mime's tables; a package
// the host only partly has (math/bits) gives its dropped functions, and
// its linknamed runtime.divideError/overflowError stay the host's; generic
// closures two packages both compile are accepted as the Go linker does.
// The host (testdata/dropvars/host) imports those packages but never calls
// what the loaded package calls; every answer must equal `go run` of the
// twin.
func TestDropVars(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		want, err := tc.cmd("run", "./testdata/dropvars/twin").Output()
		if err != nil {
			t.Fatalf("go run twin: %v", err)
		}
		bin := buildHost(t, tc, "./testdata/dropvars/host", "")
		nm, err := tc.cmd("tool", "nm", bin).Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{" time.unitMap", " regexp/syntax.perlGroup", " unicode.Categories", " math/bits.OnesCount64"} {
			if strings.Contains(string(nm), v) {
				t.Errorf("the host has%s: the test needs it dropped", v)
			}
		}
		for _, v := range []string{" time.ParseDuration", " regexp/syntax.Parse"} {
			if strings.Contains(string(nm), v) {
				t.Errorf("the host has%s: the test needs it dropped", v)
			}
		}
		out, log := runDebug(t, bin, "", "github.com/goload/goload/testdata/dropvars/fix")
		first, got, _ := strings.Cut(out, "\n")
		if first != `a\.b &lt; text/plain 1m30s` {
			t.Errorf("host printed %q first", first)
		}
		if got != string(want) {
			t.Fatalf("loaded fix printed\n%s\ngo run twin printed\n%s\nlog (tail):\n%s", got, want, tail(log, 3000))
		}
		for _, p := range []string{"time", "regexp/syntax", "mime"} {
			if !strings.Contains(log, "package "+p+": reused from host\n") {
				t.Errorf("package %s is not reused from the host: the test does not test dropped variables", p)
			}
		}
		for _, v := range []string{"time.unitMap", "regexp/syntax.perlGroup"} {
			if !strings.Contains(log, "dropped variable "+v+" initialized by ") {
				t.Errorf("the log does not report %s initialized by its map.init function", v)
			}
		}
		for _, line := range strings.Split(strings.TrimSpace(got), "\n") {
			t.Log(tail(line, 150))
		}
	})
}
