package binding

import (
	"strings"
	"testing"
)

// A loaded package's variable whose type is a host package's type
// the host's linker dropped (testdata/droptypes: the host has dt but uses
// only dt.Other; user has a *dt.Decoder, referenced by nothing but the
// variable): its descriptors come from dt's archive, and
// the loaded code prints what the native twin prints, a GC between calls.
// Before, the load failed with "user.dec: its type type:*…dt.Decoder is
// neither loaded nor in the host" (client-go's util/net.wordDecoder, a
// *mime.WordDecoder): a variable's type was resolved only after the
// symbols were frozen, when the host packages' archives are no longer
// searched.
//
// The same host then loads dvuser, which calls dv.Get: the host dropped
// Get and errs (`var errs = []error{nil, ErrA, ErrB}`) but kept errs's
// backing array dv..stmp_N, which dv's init filled; errs, taken from the
// archive, must point at the host's array. Before, the array was a
// private copy and the load was refused ("is set by the package's init
// code ..., which the host ran before the load"), as every peer program
// using net/http was (vendored x/text/unicode/norm's errs).
func TestDroppedTypeOfLoadedVariable(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		want, err := tc.cmd("run", "./testdata/droptypes/twin").Output()
		if err != nil {
			t.Fatalf("go run twin: %v", err)
		}
		bin := buildHost(t, tc, "./testdata/droptypes/host", "")
		// The premise: the host has dt but not Decoder's descriptor.
		nm, err := tc.cmd("tool", "nm", bin).Output()
		if err != nil {
			t.Fatalf("go tool nm: %v", err)
		}
		if !strings.Contains(string(nm), "droptypes/dt.Other") || strings.Contains(string(nm), "droptypes/dt.Decoder") {
			t.Fatalf("the host should have dt.Other and no dt.Decoder descriptor")
		}
		got := runHost(t, bin, nil)
		if got != string(want) {
			t.Fatalf("the loaded user printed\n%s\nthe native twin\n%s", got, want)
		}
		t.Log(strings.TrimSpace(got))
	})
}
