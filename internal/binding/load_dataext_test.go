package binding

import "testing"

// A module whose only need of what the host's linker dropped is a
// variable (hv.n, read and written through inlined accessors): the host
// extension holds data and no function. It loads, and the variable is one
// per process: the second load reads what the first wrote, as in the
// native twin. Before, OpenPackage failed ("the archives define no
// functions", Go 1.27).
func TestDataOnlyHostExtension(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		want, err := tc.cmd("run", "./testdata/dataext/twin").Output()
		if err != nil {
			t.Fatalf("go run twin: %v", err)
		}
		bin := buildHost(t, tc, "./testdata/dataext/host", "")
		got, log := runDebug(t, bin, "")
		if got != string(want) {
			t.Fatalf("loaded module printed\n%s\nthe native twin printed\n%s\nlog (tail):\n%s", got, want, tail(log, 3000))
		}
	})
}
