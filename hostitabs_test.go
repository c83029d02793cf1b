package goload

import (
	"strings"
	"testing"
)

// A host that never asserts its own values to the probe's interfaces (its
// linker dropped those methods, and most of their func types: Mtyp -1)
// loads testdata/hostitabs/probe with OpenPackage: type assertions and
// type switches (each twice: the itab and type-assertion caches), errors.As,
// reflect's Method, Implements and MethodByName on host types, fmt's
// Stringer checks, net.Conn implementations and a directory listing
// through http.FileServer (net/http's dirList asserts *os.File to
// fs.ReadDirFile) must answer as the same code run natively.
func TestHostTypeAssertions(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		want, err := tc.cmd("run", "./testdata/hostitabs/twin").Output()
		if err != nil {
			t.Fatalf("go run twin: %v", err)
		}
		bin := buildHost(t, tc, "./testdata/hostitabs/host", "")
		got, log := runDebug(t, bin, "")
		if got != string(want) {
			t.Fatalf("loaded probe printed\n%s\ngo run twin printed\n%s\nlog (tail):\n%s", diffLines(got, string(want)), want, tail(log, 3000))
		}
		if !strings.Contains(log, "method types of host types supplied by the module through the host's typemap") {
			t.Errorf("no func type of a host method was supplied: the test no longer exercises dropped method types")
		}
		if !strings.Contains(string(want), "stdout fd via assertion: 1") || !strings.Contains(string(want), `GET /: 200 text/html`) {
			t.Errorf("the native run does not show the assertions the test is about:\n%s", want)
		}
		t.Logf("%s: %d lines equal", tc.version, strings.Count(got, "\n"))
	})
}

// diffLines shows the lines of got that differ from want's, with want's.
func diffLines(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	var b strings.Builder
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			b.WriteString("got:  " + tail(gl, 300) + "\nwant: " + tail(wl, 300) + "\n")
		}
	}
	return b.String()
}
