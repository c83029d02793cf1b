package binding

import (
	"regexp"
	"strings"
	"testing"
)

// hostgraphRun runs testdata/hostgraph/host in a mode ("seq", "overlap")
// and compares its output with the native twin's; the host must keep hg's
// Version and io/fs, and drop hg's other code, io/fs.Glob, all of lackdep
// and all of path (the test's premise). It returns the debug log.
func hostgraphRun(t *testing.T, tc toolchain, mode string, args ...string) string {
	t.Helper()
	want, err := tc.cmd("run", "./testdata/hostgraph/twin", mode).Output()
	if err != nil {
		t.Fatalf("go run twin %s: %v", mode, err)
	}
	bin := buildHost(t, tc, "./testdata/hostgraph/host", "")
	nm, err := tc.cmd("tool", "nm", bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	const hg = "github.com/goload/goload/internal/binding/testdata/hostgraph/"
	for re, need := range map[string]bool{
		`(?m) ` + regexp.QuoteMeta(hg) + `hg\.Version$`:       true,
		`(?m) ` + regexp.QuoteMeta(hg) + `hg\.(Record|kept)$`: false,
		`(?m) ` + regexp.QuoteMeta(hg) + `lackdep\.`:          false,
		`(?m) path\.`:              false,
		`(?m) io/fs\.`:             true,
		`(?m) io/fs\.(Glob|glob)$`: false,
	} {
		if has := regexp.MustCompile(re).Match(nm); has != need {
			t.Fatalf("the host has %s: %v; the test needs %v", re, has, need)
		}
	}
	got, log := runDebug(t, bin, "", append([]string{mode}, args...)...)
	if got != string(want) {
		t.Fatalf("%s: loaded modules printed\n%s\nthe native twin printed\n%s\nlog (tail):\n%s", mode, got, want, tail(log, 4000))
	}
	t.Logf("%s: %s", mode, strings.ReplaceAll(strings.TrimSpace(got), "\n", "; "))
	return log
}

// Dropped host code that needs a package the host lacks whole (webfix's
// class: io/fs.Glob calls path.Match, and the host has io/fs but none of
// path; hg.Record calls lackdep.Add, lackdep dropped whole): module A uses
// both, leaves state in lackdep's variables and in hg's dropped variable
// (Glob's error, path.ErrBadPattern), and closes; module B, opened
// afterwards, sees that state, as the native program doing A's then B's
// work does. path and lackdep are of the host's build (io/fs and hg, which
// the host has, import them), so they are host packages: what the modules
// need of them goes into the host extension, one copy per process. Before,
// no extension could hold Record or Glob, each module kept its own copies
// of them and of lackdep and path ("host extension: ... needs ..., of a
// package the host lacks"), and B printed "record 1, records b, kept:
// <nil>, ... false, ... false".
func TestHostGraphDroppedCodeState(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		log := hostgraphRun(t, tc, "seq")
		for _, s := range []string{
			"package path: of the host's build (imported by io/fs)",
			"package github.com/goload/goload/internal/binding/testdata/hostgraph/lackdep: of the host's build (imported by github.com/goload/goload/internal/binding/testdata/hostgraph/hg)",
			"goload: host extension goload.hostext.",
		} {
			if !strings.Contains(log, s) {
				t.Errorf("the log lacks %q", s)
			}
		}
	})
}

// Two modules using a standard package the host lacks whole (path, of its
// build: io/fs imports it): module C, opened first, stores path's error
// value in a host variable; D opens while C is open; C closes first; D
// still works and sees the same path.ErrBadPattern. Everything printed
// equals the native twin. Before, C loaded path and D reused C's copy, so
// C's Close was refused while D was open ("module ... uses its copy of
// path ...: close it first", and the host variable held C's value): the
// first module's standard copies had to close last.
func TestHostGraphFirstModuleClosesFirst(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		log := hostgraphRun(t, tc, "overlap")
		if strings.Contains(log, "reused from module") {
			t.Errorf("a module reused another's packages: %s", tail(log, 3000))
		}
	})
}

// Open and OpenPackage mixed on a package of the host's build (lackdep,
// dropped whole by the host's linker): one copy of its state either way,
// as the native program has. "openfirst": module E, opened with
// goload.Open and lackdep's archive, loads lackdep itself; module F,
// opened with OpenPackage afterwards, reuses E's copy (it is this build)
// rather than take a second one into a host extension. "pkgfirst": F puts
// lackdep into the host extension and closes; E, opened with Open and the
// same archive, binds to the extension's copy rather than load its own.
// Before, each printed "record 1" for the second module: two copies.
func TestHostGraphOpenAndOpenPackage(t *testing.T) {
	const hg = "github.com/goload/goload/internal/binding/testdata/hostgraph/"
	forEach(t, func(t *testing.T, tc toolchain) {
		out, err := tc.cmd("list", "-export", "-f", "{{.Export}}", hg+"lackdep", hg+"mode").Output()
		if err != nil {
			t.Fatal(err)
		}
		archives := strings.Fields(string(out))
		if len(archives) != 2 {
			t.Fatalf("go list: %q", out)
		}
		log := hostgraphRun(t, tc, "openfirst", archives...)
		if !strings.Contains(log, "package "+hg+"lackdep: of the host's build (imported by "+hg+"hg), but module ") {
			t.Errorf("openfirst: the log does not say OpenPackage reused the Open module's lackdep: %s", tail(log, 3000))
		}
		log = hostgraphRun(t, tc, "pkgfirst", archives...)
		if !strings.Contains(log, "package "+hg+"lackdep ("+archives[0]+"): of the host's build, as OpenPackage found") {
			t.Errorf("pkgfirst: the log does not say Open bound lackdep to the host extension: %s", tail(log, 3000))
		}
	})
}
