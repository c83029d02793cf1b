package binding

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const dropvars = "github.com/goload/goload/internal/binding/testdata/dropvars/"

// dropVarsCheck loads testdata/dropvars/<pkg> with OpenPackage into
// testdata/dropvars/host, which imports time, regexp, mime, html (and
// through fmt unicode, strconv, math/bits) but calls none of what the
// package calls, and compares every answer with `go run` of the twin. It
// returns the load's debug log.
func dropVarsCheck(t *testing.T, tc toolchain, pkg string) string {
	t.Helper()
	want, err := tc.cmd("run", "./testdata/dropvars/twin", pkg).Output()
	if err != nil {
		t.Fatalf("go run twin: %v", err)
	}
	bin := buildHost(t, tc, "./testdata/dropvars/host", "")
	nm, err := tc.cmd("tool", "nm", bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{" time.unitMap", " time.ParseDuration", " regexp/syntax.perlGroup", " regexp/syntax.Parse",
		" unicode.Categories", " mime.builtinTypesLower", " math/bits.OnesCount64"} {
		if strings.Contains(string(nm), v) {
			t.Errorf("the host has%s: the test needs it dropped", v)
		}
	}
	out, log := runDebug(t, bin, "", dropvars+pkg)
	first, got, _ := strings.Cut(out, "\n")
	if first != `a\.b &lt; text/plain 1m30s` {
		t.Errorf("host printed %q first", first)
	}
	if got != string(want) {
		t.Fatalf("loaded %s printed\n%s\ngo run twin printed\n%s\nlog (tail):\n%s", pkg, got, want, tail(log, 3000))
	}
	for _, line := range strings.Split(strings.TrimSpace(got), "\n") {
		t.Log(tail(line, 150))
	}
	return log
}

// Variables of host packages that the host's linker dropped, taken from
// the archives: time.unitMap, regexp/syntax.perlGroup/posixGroup,
// unicode.Categories/Scripts/Properties, mime.builtinTypesLower hold what
// a normal build gives them. Go 1.21+ compiles their initializers into
// pkg.map.init.N functions, which the Go linker drops with the variable;
// before, they were zero without a word (ParseDuration("2h") failed with
// unknown unit "h", regexp `\s` was an invalid escape).
func TestDropVarsMapInit(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		log := dropVarsCheck(t, tc, "fix")
		for _, p := range []string{"time", "regexp/syntax", "mime", "unicode"} {
			if !strings.Contains(log, "package "+p+": reused from host\n") {
				t.Errorf("package %s is not reused from the host: the test does not test dropped variables", p)
			}
		}
		for _, v := range []string{"time.unitMap", "regexp/syntax.perlGroup", "unicode.Categories", "mime.builtinTypesLower"} {
			if !strings.Contains(log, "dropped variable "+v+" initialized by ") {
				t.Errorf("the log does not report %s initialized by its map.init function", v)
			}
		}
	})
}

// math/bits' object defines runtime.overflowError and runtime.divideError
// by linkname; the host has those, none of math/bits' own symbols. The
// package was counted as the host's and math/bits.OnesCount64 was
// unresolved; now its functions load (into the host extension: it is of
// the host's build, dropped whole), and the two variables are the host's
// (the loaded Div64 panics with the runtime's errors).
func TestDropVarsOwnSymbols(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		log := dropVarsCheck(t, tc, "bitsfix")
		// math/bits is of the host's build (internal/strconv or strconv
		// imports it): a host package whose code goes into the host
		// extension, where the definition by linkname resolves to the
		// host's variable like any name; loaded by the module itself, the
		// object's content-less definition is the host's.
		if strings.Contains(log, "package math/bits: reused from host\n") {
			t.Errorf("math/bits counted as the host's package")
		}
		if !strings.Contains(log, "runtime.overflowError (defined by linkname, no content) is the host's") &&
			!strings.Contains(log, "resolve runtime.overflowError -> host ") {
			t.Errorf("the log does not report runtime.overflowError as the host's")
		}
	})
}

// Go 1.21 compiles the closures of a generic instantiation
// (gen.Nearby[go.shape.int].func1) as package definitions of every package
// instantiating it; the Go linker keeps both copies (package definitions
// never clash), and so must the load of gena and genb together.
func TestDropVarsGenericClosures(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		log := dropVarsCheck(t, tc, "genfix")
		if tc.minor == "21" && !strings.Contains(log, "gen.Nearby[go.shape.int].func1 also in") {
			t.Errorf("Go 1.21: the log does not report the closure defined in two packages")
		}
	})
}

// A dropped variable that the package's init code sets cannot be given
// the value a normal build gives it (the host ran that init without it):
// the load fails naming the variable and the function. The host is built
// from another version of package hp (testdata/dropvars/hpoverlay, through
// -overlay) whose init leaves hp.Table alone, so its linker drops it; the
// archive OpenPackage builds sets it in hp.init.0.
func TestDropVarsRefused(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		wd, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		treeOverlay(t)
		js, err := json.Marshal(map[string]map[string]string{"Replace": {
			filepath.Join(wd, "zz_tree.go"):                 filepath.Join(hostDir, "zz_tree.go"),
			filepath.Join(wd, "testdata/dropvars/hp/hp.go"): filepath.Join(wd, "testdata/dropvars/hpoverlay/hp.go"),
		}})
		if err != nil {
			t.Fatal(err)
		}
		ov := filepath.Join(hostDir, "hpoverlay"+tc.minor+".json")
		bin := filepath.Join(hostDir, "refusehost"+tc.minor)
		if err := os.WriteFile(ov, js, 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := tc.cmd("build", "-overlay="+ov, "-o", bin, "./testdata/dropvars/refusehost").CombinedOutput(); err != nil {
			t.Fatalf("build refusehost: %v\n%s", err, out)
		}
		nm, err := tc.cmd("tool", "nm", bin).Output()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(nm), "dropvars/hp.Table") || !strings.Contains(string(nm), "dropvars/hp.Other") {
			t.Fatalf("the host must have hp.Other and not hp.Table:\n%s", nm)
		}
		out, _ := runDebug(t, bin, "")
		const hp = dropvars + "hp"
		for _, want := range []string{"ping 2\nerror: goload:", hp + ".Table: a variable the host's linker dropped",
			"is set by the package's init code (" + hp + ".init.0), which the host ran before the load: its value cannot be reproduced"} {
			if !strings.Contains(out, want) {
				t.Errorf("refusehost printed\n%s\nwithout %q", out, want)
			}
		}
	})
}

// The Go linker applies -ldflags -X only to variables it keeps: a host
// that never reads xvar.Version has it dropped and unset, so the archive's
// "source" is not what a normal build of the loaded code would read. The
// load fails naming the variable and the flag; xvar.Kept, which the host
// reads, is the host's and set.
func TestDropVarsLinkerX(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		const xvar = dropvars + "xvar"
		bin := buildHost(t, tc, "./testdata/dropvars/xhost", "-X '"+xvar+".Version=from X' -X="+xvar+".Kept=fromX")
		out, _ := runDebug(t, bin, "")
		for _, want := range []string{"kept fromX\nerror: goload:", xvar + ".Version: a variable the host's linker dropped",
			"is set by the host's -ldflags -X " + xvar + ".Version, which its linker applies only to variables it keeps"} {
			if !strings.Contains(out, want) {
				t.Errorf("xhost printed\n%s\nwithout %q", out, want)
			}
		}
	})
}
