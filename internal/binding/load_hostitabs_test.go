package binding

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
		want := hostitabsTwin(t, tc)
		_, log := hostitabsRun(t, tc, "./testdata/hostitabs/host", want)
		if !strings.Contains(log, "method types of host types supplied by the module through the host's typemap") {
			t.Errorf("no func type of a host method was supplied: the test no longer exercises dropped method types")
		}
	})
}

// The same probe in a host that has net/http but not its file server:
// dirList and the descriptors it asserts with come from net/http's
// archive, and their type offsets name types the host has. They name
// copies in the module now (typelinksinit maps them to the host's); they
// were function trampolines' text offsets, and on Go 1.27 the host died in
// itabInit with "runtime: type offset out of range".
func TestHostTypeOffsets(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		want := hostitabsTwin(t, tc)
		_, log := hostitabsRun(t, tc, "./testdata/hostitabs/nethost", want)
		if !strings.Contains(log, "package net/http: reused from host") {
			t.Fatalf("net/http is not the host's: the test needs it reused\n%s", tail(log, 2000))
		}
		if !strings.Contains(log, "dropped symbol net/http.dirList taken from archive") {
			t.Errorf("net/http.dirList was not taken from the archive: the test no longer exercises it")
		}
		t.Logf("%s: %d type copies for offsets", tc.version, strings.Count(log, "a copy for type offsets"))
	})
}

// hostitabsTwin is what the probe prints natively.
func hostitabsTwin(t *testing.T, tc toolchain) string {
	t.Helper()
	want, err := tc.cmd("run", "./testdata/hostitabs/twin").Output()
	if err != nil {
		t.Fatalf("go run twin: %v", err)
	}
	if !strings.Contains(string(want), "stdout fd via assertion: 1") || !strings.Contains(string(want), `GET /: 200 text/html`) {
		t.Fatalf("the native run does not show the assertions the test is about:\n%s", want)
	}
	return string(want)
}

// hostitabsRun runs the host (which loads the probe) and compares.
func hostitabsRun(t *testing.T, tc toolchain, host, want string) (got, log string) {
	t.Helper()
	bin := buildHost(t, tc, host, "")
	got, log = runDebug(t, bin, "")
	if got != want {
		t.Fatalf("%s: loaded probe printed\n%s\ngo run twin printed\n%s\nlog (tail):\n%s", host, diffLines(got, want), want, tail(log, 3000))
	}
	t.Logf("%s %s: %d lines equal", tc.version, host, strings.Count(got, "\n"))
	return got, log
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
