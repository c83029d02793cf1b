package binding

import (
	"strings"
	"testing"
)

// TestTypemapAsTypelinksinit: Open builds each module's typemap itself
// (load_typehash.go: the host's types hashed once per process, not at
// every Open); GOLOAD_CHECK_TYPEMAP=1 has runtime.typelinksinit build it
// too and Open fails unless the two are equal. The hosts: two modules
// whose [7]int16 (a type the host lacks) v2 maps to v1's descriptor, in
// both orders and with Closes between (unload ver), and the 1,000-cycle
// host's first cycles (types the host has: fmt, sync, interfaces).
func TestTypemapAsTypelinksinit(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		host := testHost(t, tc, "")
		env := []string{"GOLOAD_CHECK_TYPEMAP=1"}
		v1 := moduleArchive(t, tc, "testdata/unload/ver")
		v2 := moduleArchive(t, tc, "testdata/unload/ver/v2")
		for _, order := range []string{"12", "21"} {
			out := runHost(t, host, env, "unload", "ver", order, v1, v2)
			for _, want := range []string{"ver v1: ver v1 (call 1)", "ver v2: ver v2 (call 1)"} {
				if !strings.Contains(out, want) {
					t.Errorf("order %s: no %q in %s", order, want, out)
				}
			}
		}
		out := runHost(t, host, env, "unload", "cycle", "20", archiveBy(t, tc, "./testdata/unload/cycle"))
		if !strings.Contains(out, "ok") {
			t.Errorf("cycle: %s", out)
		}
	})
}
