package binding

import (
	"strings"
	"testing"
)

// TestUnloadHolderKinds: the module is held in one way at a time, each a
// kind of root the safety scan reads (unload_fastscan.go lists them): a
// host global's heap object pointing to the module's variable, a host
// global fmt.Stringer whose only tie is the itab the runtime built for a
// module type, the module's function as the finalizer of a host object,
// that finalizer queued behind a blocked one, a parked goroutine's frame
// keeping a pointer. Close must refuse naming the holder (had the
// stopped-world walk missed it, Close would have unloaded the module
// under it), then close once it is gone. Goroutines running module code,
// another module's variables, large objects' types, cleanups and kept
// interface values have their own tests (unload_test.go).
func TestUnloadHolderKinds(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		archive := archiveBy(t, tc, "./testdata/unload/holders")
		for _, kind := range []string{"heap", "itab", "finalizer", "queued", "stack"} {
			t.Run(kind, func(t *testing.T) {
				out := unloadCheck(t, tc, kind, archive)
				t.Log(out)
				if !strings.Contains(out, "refused:") || !strings.Contains(out, "closed once the holder went") {
					t.Errorf("%s: want a refusal, then a Close", kind)
				}
			})
		}
	})
}
