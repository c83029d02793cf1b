package binding

import (
	"strconv"
	"strings"
	"testing"
)

// An Open reads the host's build settings (GOAMD64, -ldflags: the -X
// values loaded code must see) from goload's parse of the executable's
// build info; the ground truth is runtime/debug's parse of the same
// text. The -X value makes strconv.Quote write every kind of escape.
func TestBuildSettings(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		val := "tab\there \"quoted\" back\\slash é \x01 bell\a nul-ish\x7f ☃ \U0001F600"
		bin := buildHost(t, tc, "./testdata/buildinfo", "-X 'main.v="+val+"'", "-tags=goload_test,extra")
		out := runHost(t, bin, nil)
		if !strings.Contains(out, "differing 0,") || !strings.Contains(out, "v "+strconv.Quote(val)) {
			t.Fatalf("goload's build settings differ from runtime/debug's:\n%s", out)
		}
		if !strings.Contains(out, "settings ") || strings.Contains(out, "settings 0,") {
			t.Fatalf("no build settings compared:\n%s", out)
		}
	})
}
