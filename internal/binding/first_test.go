package binding

import (
	"regexp"
	"strconv"
	"testing"
)

// The first Open, Close and NewPatch of a process (issue 14), in
// testdata/firsthost built with plugin imported: its linker then exports
// every Go symbol and leaves the words of symbol relocations 0 in the
// file, which goload fills in before it reads moduledata.

const firstFixture = "github.com/goload/goload/internal/binding/testdata/fix/plain"

// TestFirstUseImageNotCopied: a host whose image has relocated words no
// longer copies its whole file (malloc+memcpy of the executable, ~1,700
// page faults): the words are written into the file's private mapping,
// so only their pages are copied. On the old code goload.Check added
// more anonymous memory than the executable's size (11.6 MB for a
// 6.8 MB host on Go 1.26); now about two thirds of it (the indexes).
func TestFirstUseImageNotCopied(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		for _, flags := range [][]string{{"-tags=withplugin"}, {"-tags=withplugin", "-buildmode=pie"}} {
			bin := buildHost(t, tc, "./testdata/firsthost", "", flags...)
			out := runHost(t, bin, nil, "image")
			m := regexp.MustCompile(`check added (-?\d+) kB anonymous memory; the executable is (\d+) kB`).FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("%v: image printed %q", flags, out)
			}
			added, _ := strconv.Atoi(m[1])
			size, _ := strconv.Atoi(m[2])
			t.Logf("%v: Check added %d kB, the executable is %d kB", flags, added, size)
			if added >= size {
				t.Errorf("%v: goload.Check added %d kB of anonymous memory for a %d kB executable: the image was copied whole", flags, added, size)
			}
		}
	})
}

// TestFirstUsePluginHost: load, call, close and patch in a host whose
// image goload relocated in place (each first use in its own process).
func TestFirstUsePluginHost(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		for _, flags := range [][]string{{"-tags=withplugin"}, {"-tags=withplugin", "-buildmode=pie"}, {}} {
			bin := buildHost(t, tc, "./testdata/firsthost", "", flags...)
			loadCheckIn(t, tc, bin, nil, "open", firstFixture)
			if out := runHost(t, bin, nil, "patch"); !regexp.MustCompile(`(?m)^ok$`).MatchString(out) {
				t.Fatalf("%v: patch printed %q", flags, out)
			}
		}
	})
}
