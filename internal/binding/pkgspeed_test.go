package binding

import (
	"fmt"
	"strings"
	"testing"
)

// The host words an OpenPackage fills (the host extension's method-table
// entries for what the host's linker dropped, itab slots, method types)
// are written in batches: one write to /proc/self/mem per run of nearby
// words, not one per word (before: ~1,450 writes for a package using
// strings alone). Every fill a module recorded holds its value, and the
// loaded code answers as the same code built natively does.
//
// The same run checks that each module's pclntab, built once at a
// provisional address and moved to the mapping's (gl_rt_pcln_move), is
// byte for byte the one built there (GOLOAD_CHECK_PCLN=1 builds both).
func TestOpenPackageBatchedHostWrites(t *testing.T) {
	t.Setenv("GOLOAD_CHECK_PCLN", "1")
	forEach(t, func(t *testing.T, tc toolchain) {
		bin := buildHost(t, tc, "./testdata/pkgwrites", "")
		out, log := runDebug(t, bin, "")
		if n := strings.Count(log, "the same bytes as built there (GOLOAD_CHECK_PCLN)"); n < 2 {
			t.Errorf("%d pclntabs checked, want the extension's and the module's\nlog (tail):\n%s", n, tail(log, 3000))
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		// fix/plain: Greet is "hello, " + strings.ToUpper(name).
		if want := fmt.Sprintf("hello, GOPHER %d X", fib(20)); len(lines) != 3 || lines[0] != want {
			t.Fatalf("host printed\n%s\nwant first line %q\nlog (tail):\n%s", out, want, tail(log, 3000))
		}
		var writes, words int
		if _, err := fmt.Sscanf(lines[1], "writes %d words %d", &writes, &words); err != nil {
			t.Fatalf("%q: %v", lines[1], err)
		}
		if lines[2] != "not holding:" {
			t.Errorf("recorded host fills that do not hold what was written:%s", strings.TrimPrefix(lines[2], "not holding:"))
		}
		filled := strings.Count(log, "host method table entry at ") + strings.Count(log, "itab slot at ")
		t.Logf("%s: %d host words written in %d writes (%d method-table entries and itab slots filled per the log)",
			tc.version, words, writes, filled)
		if words < 100 || words < filled {
			t.Fatalf("%d host words written, %d fills logged: the fixture no longer fills the host's method tables", words, filled)
		}
		if writes*4 > words {
			t.Errorf("%d writes for %d host words: not batched", writes, words)
		}
	})
}

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

// The pclntab move on webfix (net/http and the rest: ~12,000 functions in
// the module, ~1,500 in its host extension) in a plain and a
// position-independent host: with GOLOAD_CHECK_PCLN=1 a moved pclntab
// that differs from the one built at its address fails the load; the
// answers must equal the native twin's (openPackageStd).
func TestOpenPackagePclnMoved(t *testing.T) {
	t.Setenv("GOLOAD_CHECK_PCLN", "1")
	last := newestToolchain(t)
	t.Run(last.version, func(t *testing.T) { openPackageStd(t, last) })
	t.Run(last.version+"/pie", func(t *testing.T) { openPackageStd(t, last, "-buildmode=pie") })
}
