package binding

import (
	"strings"
	"testing"
)

// TestCloseSelfHeld: a module whose own variables reach heap objects that
// point back into it (testdata/unload/selfheap) closes without the heap
// dump: the marking walk (unload_fastmark.go) finds that only the
// module's own roots reach them. Before it, every such Close took the
// dump (the walk reads every allocated object, reached or not). With one
// of those objects in a host global, Close still refuses naming it, and
// closes once it is gone; with a host function as the finalizer of a
// host-typed object that only the module's variable reaches (a *[]any
// of its values), Close refuses naming the finalizer (its record is a
// root: the marking walk marks the object), and closes once it is gone.
func TestCloseSelfHeld(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		out := unloadCheck(t, tc, "selfheld", archiveBy(t, tc, "./testdata/unload/selfheap"))
		t.Log(out)
		if strings.Contains(out, "closed 3 times, 0 without the heap dump") || !strings.Contains(out, "closed 3 times") {
			t.Errorf("every Close of the self-held module took the heap dump (or did not close)")
		}
		if !strings.Contains(out, "refused:") || !strings.Contains(out, "closed once the holder went") {
			t.Errorf("want a refusal naming main.heldSelf, then a Close")
		}
		if !strings.Contains(out, "closed once the finalizer went") {
			t.Errorf("want a refusal naming the finalizer set on a host-typed object the module's variable reaches, then a Close")
		}
	})
}
