package binding

import (
	"strings"
	"testing"
)

// A holder in the host's data is named in a stripped host too: the host
// symbol at an address comes from the one host index (gobin's, which
// knows a stripped host's functions through pclntab) and the data symbols
// recovery gave back, no longer from .symtab alone, which a host built
// -s -w lacks ("host global 0x5e1a40" before). reg.Held is a variable of
// a host package that the loaded code uses, so recovery finds it.
func TestUnloadHolderStrippedHost(t *testing.T) {
	const held = "host global github.com/goload/goload/internal/binding/testdata/hostholder/reg.Held"
	forEach(t, func(t *testing.T, tc toolchain) {
		archive := archiveBy(t, tc, "./testdata/hostholder/mod")
		for _, ldflags := range []string{"", "-s -w"} {
			bin := buildHost(t, tc, "./testdata/hostholder/host", ldflags)
			out := runHost(t, bin, variantEnv(t), archive)
			t.Logf("ldflags %q:\n%s", ldflags, out)
			if !strings.Contains(out, "refused: ") || !strings.Contains(out, held) {
				t.Errorf("ldflags %q: Close's refusal does not name %s:\n%s", ldflags, held, out)
			}
			if !strings.Contains(out, "close: <nil>\n") {
				t.Errorf("ldflags %q: the module did not close once reg.Held was cleared:\n%s", ldflags, out)
			}
		}
	})
}
