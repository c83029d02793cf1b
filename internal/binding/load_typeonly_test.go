package binding

import (
	"os"
	"strings"
	"testing"
)

// A package that declares only types (testdata/typeonly/tdef: no function
// or variable of its own) and that the host has is the host's: the loaded
// maker boxes the host's *tdef.Thing and tdef.Kind, so the host's type
// assertions and switches, reflect.Type equality and maker's own
// assertion on a host value hold, as in the native twin. Before, the
// host was asked for tdef's functions and variables only, had none,
// tdef was loaded again and the module's type:…tdef.Thing (same layout)
// was its own: NewAny().(*tdef.Thing) was false with no error. A maker
// compiled against another layout of tdef.Thing is refused ("two layouts
// under one name"); before, it loaded with its own Thing.
func TestTypeOnlyPackageIsTheHosts(t *testing.T) {
	src, err := os.ReadFile("testdata/typeonly/tdef/tdef.go")
	if err != nil {
		t.Fatal(err)
	}
	other := strings.Replace(string(src), "\tA int\n", "\tA int32\n", 1)
	if other == string(src) {
		t.Fatal("tdef.go has no field A int")
	}
	ov := overlayFile(t, "testdata/typeonly/tdef/tdef.go", other)
	forEach(t, func(t *testing.T, tc toolchain) {
		want, err := tc.cmd("run", "./testdata/typeonly/twin").Output()
		if err != nil {
			t.Fatalf("go run twin: %v", err)
		}
		if !strings.Contains(string(want), "NewAny().(*tdef.Thing): true") {
			t.Fatalf("the twin printed\n%s", want)
		}
		bin := buildHost(t, tc, "./testdata/typeonly/host", "")
		if got := runHost(t, bin, nil); got != string(want) {
			t.Fatalf("the loaded maker printed\n%s\nthe native twin\n%s", got, want)
		}
		got := runHost(t, bin, []string{"GOFLAGS=-overlay=" + ov})
		if !strings.HasPrefix(got, "refused: ") || !strings.Contains(got, "two layouts under one name") ||
			!strings.Contains(got, "tdef.Thing") {
			t.Fatalf("maker built against another layout of tdef.Thing: %q, want a refusal naming it", got)
		}
		t.Log(strings.TrimSpace(got))
	})
}
