package binding

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Close's checks run in testdata/host (unload.go): each prints what Close
// refused and why, and fails unless the refusal names the holder and the
// module's symbol, and Close succeeds once the holder is gone.

const unloadFix = "./testdata/unload/mod"

func TestUnloadGoroutine(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		t.Log(unloadCheck(t, tc, "goroutine", archiveBy(t, tc, unloadFix)))
	})
}

func TestUnloadKeptValue(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		t.Log(unloadCheck(t, tc, "value", archiveBy(t, tc, unloadFix)))
	})
}

func TestUnloadPatched(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		t.Log(unloadCheck(t, tc, "patch", archiveBy(t, tc, unloadFix)))
	})
}

// A cleanup (runtime.AddCleanup, Go 1.24+) running a loaded function on an
// object the host keeps: Close refuses (the heap dump does not list cleanups: Close
// walks the spans' specials), and closes once the cleanup has run.
func TestUnloadCleanup(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		out := unloadCheck(t, tc, "cleanup", archiveBy(t, tc, "./testdata/unload/cleanup"))
		t.Log(out)
		if tc.minor >= "24" && !strings.Contains(out, "refused:") {
			t.Errorf("%s has runtime.AddCleanup: Close must refuse while the object lives", tc.version)
		}
	})
}

// A cleanup of the module queued behind a blocked one (its object died:
// no special is left): Close refuses until it ran (Go 1.24: the
// finalizer queue in the heap dump; 1.25+: the counters of the runtime's
// cleanup queue).
func TestUnloadCleanupQueued(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		out := unloadCheck(t, tc, "cleanupq", archiveBy(t, tc, "./testdata/unload/cleanup"))
		t.Log(out)
		if tc.minor >= "24" && !strings.Contains(out, "refused:") {
			t.Errorf("%s: Close must refuse while the module's cleanup is queued", tc.version)
		}
		if tc.minor >= "24" && !strings.Contains(out, "closed after the queued cleanup ran") {
			t.Errorf("%s: the module did not close after its cleanup ran", tc.version)
		}
	})
}

// Close in a host built -s -w: the holders are named through the host
// symbols recovery gives back, and the module still unloads once free.
func TestUnloadStrippedHost(t *testing.T) {
	tc := newestToolchain(t)
	t.Run(tc.version, func(t *testing.T) {
		bin := testHost(t, tc, "-s -w")
		for _, check := range []string{"goroutine", "value"} {
			t.Log(runHost(t, bin, nil, "unload", check, archiveBy(t, tc, unloadFix)))
		}
	})
}

// A host pointer into a large object whose type only the span records
// (Go 1.22+): Close must see the type; the host then runs the GC.
func TestUnloadLargeObject(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		out := unloadCheck(t, tc, "large", archiveBy(t, tc, unloadFix))
		t.Log(out)
		if tc.minor >= "22" && !strings.Contains(out, "refused:") {
			t.Errorf("%s keeps large objects' types in their spans: Close must refuse", tc.version)
		}
	})
}

// v1 and v2 of one package (example.com/ver, example.com/ver/v2: separate
// Go modules) side by side, closed in both orders.
func TestUnloadVersionsSideBySide(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		v1 := moduleArchive(t, tc, "testdata/unload/ver")
		v2 := moduleArchive(t, tc, "testdata/unload/ver/v2")
		for _, order := range []string{"12", "21"} {
			out := unloadCheck(t, tc, "ver", order, v1, v2)
			t.Log(out)
			for _, want := range []string{"ver v1: ver v1 (call 1)", "ver v2: ver v2 (call 1)"} {
				if !strings.Contains(out, want) {
					t.Errorf("order %s: no %q", order, want)
				}
			}
		}
	})
}

// Cycle bounds: after the warm-up, the lines of /proc/self/maps may grow
// by at most maxMapsGrowth (the single retired reservation and heap
// arenas), plus two for each OS thread the runtime started meanwhile (its
// stack and guard page), and VmRSS by at most maxRSSGrowthKiB.
const (
	maxMapsGrowth   = 8
	maxRSSGrowthKiB = 8 << 10
)

func TestUnloadThousandCycles(t *testing.T) {
	n := 1000
	forEach(t, func(t *testing.T, tc toolchain) {
		out := unloadCheck(t, tc, "cycle", strconv.Itoa(n), archiveBy(t, tc, "./testdata/unload/cycle"))
		t.Log(out)
		fig := func(what string) (int, int) {
			m := regexp.MustCompile(what + `: start (\d+) end (\d+)`).FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("no %q figures", what)
			}
			a, _ := strconv.Atoi(m[1])
			b, _ := strconv.Atoi(m[2])
			return a, b
		}
		t0, t1 := fig("threads")
		bound := maxMapsGrowth + 2*max(0, t1-t0)
		if m0, m1 := fig("maps lines"); m1-m0 > bound {
			t.Errorf("/proc/self/maps grew from %d to %d lines over %d cycles (bound %d: %d, and %d threads started)", m0, m1, n, bound, maxMapsGrowth, t1-t0)
		}
		if r0, r1 := fig("VmRSS KiB"); r1-r0 > maxRSSGrowthKiB {
			t.Errorf("VmRSS grew from %d to %d KiB over %d cycles (bound %d)", r0, r1, n, maxRSSGrowthKiB)
		}
	})
}

// TestOpenUnderForcedGC opens modules while other goroutines force
// collections without pause. Open used to read the module's itabs from C
// while it held runtime.itabLock; a stop-the-world that took the P of
// that cgo call killed the host with "stopm holding locks" (two runs in
// three on Go 1.23 here, under load).
func TestOpenUnderForcedGC(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		out := unloadCheck(t, tc, "opengc", "150", archiveBy(t, tc, "./testdata/unload/cycle"))
		if !strings.Contains(out, "150 opens under") || !strings.HasSuffix(out, "ok\n") {
			t.Fatalf("host printed %q", out)
		}
		t.Log(strings.TrimSpace(out))
	})
}

func unloadCheck(t *testing.T, tc toolchain, args ...string) string {
	t.Helper()
	return runHost(t, testHost(t, tc, ""), nil, append([]string{"unload"}, args...)...)
}

// moduleArchive compiles the package of a Go module of its own (dir has a
// go.mod) with tc and returns its export archive.
func moduleArchive(t *testing.T, tc toolchain, dir string) string {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	cmd := tc.cmd("list", "-export", "-f", "{{.Export}}", ".")
	cmd.Dir = abs
	cmd.Env = append(cmd.Env, "GOWORK=off", "GOFLAGS=-mod=mod")
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Logf("%s", ee.Stderr)
		}
		t.Fatalf("%s list -export in %s: %v", tc.version, dir, err)
	}
	if _, err := os.Stat(strings.TrimSpace(string(out))); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}
