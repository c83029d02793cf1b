package binding

import (
	"debug/elf"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// runDebug runs a host with GOLOAD_DEBUG=1 in dir ("" for the repo) and
// returns its stdout and the debug log; the test fails on a non-zero exit.
func runDebug(t *testing.T, bin, dir string, args ...string) (stdout, log string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOLOAD_DEBUG=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr (tail):\n%s", bin, strings.Join(args, " "), err, out, tail(stderr.String(), 4000))
	}
	return string(out), stderr.String()
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// A host whose own code imports only fmt loads a package using
// encoding/json, net/http (server and client on loopback), regexp,
// compress/gzip, crypto/sha256 and text/template with OpenPackage; each
// answer must equal the same code run by `go run` (testdata/openpkg/twin).
func TestOpenPackageStd(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) { openPackageStd(t, tc) })
}

// The same in a position-independent host (its image, and the module near
// it, mapped high), with the newest toolchain: the layout does not depend
// on the version.
func TestOpenPackagePIE(t *testing.T) {
	last := newestToolchain(t)
	t.Run(last.version, func(t *testing.T) { openPackageStd(t, last, "-buildmode=pie") })
}

// The same in a host built -s -w: host packages' data symbols come from
// recovery (src/recover), functions from pclntab (an assembly function and
// its ABIInternal wrapper share a name there: reflect.call jumps to the
// ABI0 runtime.reflectcall, which text/template's function calls reach).
func TestOpenPackageStripped(t *testing.T) {
	last := newestToolchain(t)
	t.Run(last.version, func(t *testing.T) { openPackageStd(t, last, "-ldflags=-s -w") })
}

// newestToolchain is the newest toolchain the loader supports.
func newestToolchain(t *testing.T) toolchain {
	var last toolchain
	for _, tc := range toolchains(t) {
		if tc.supported() {
			last = tc
		}
	}
	return last
}

func openPackageStd(t *testing.T, tc toolchain, flags ...string) {
	want, err := tc.cmd("run", "./testdata/openpkg/twin").Output()
	if err != nil {
		t.Fatalf("go run twin: %v", err)
	}
	bin := buildHost(t, tc, "./testdata/openpkg/host", "", flags...)
	if slices.Contains(flags, "-buildmode=pie") {
		if f, err := elfType(bin); err != nil || f != "DYN" {
			t.Fatalf("%s %v: ELF type %s, %v: not a PIE", bin, flags, f, err)
		}
	}
	out, log := runDebug(t, bin, "")
	got, mapped, _ := strings.Cut(out, "mapped ")
	if got != string(want) {
		t.Fatalf("loaded webfix printed\n%s\ngo run twin printed\n%s\nlog (tail):\n%s", got, want, tail(log, 3000))
	}
	// The host's caches (internal/godebug, reflect's layoutCache) no
	// longer keep the module: Close succeeds and the host runs on, or
	// refuses for a real holder only and the module keeps working.
	switch {
	case strings.Contains(mapped, "close: <nil>\n"):
		if !strings.Contains(mapped, `after close: host [{1 2 a}] map[k:{X:3 Y:4 L:b}] "3.5 true"`) {
			t.Errorf("the host after Close:\n%s", mapped)
		}
	case !strings.Contains(mapped, "close: goload") || !strings.Contains(mapped, "is still in use: ") ||
		!strings.Contains(mapped, "after close: [["):
		t.Errorf("a refused Close must leave the module working:\n%s", mapped)
	case strings.Contains(mapped, "internal/godebug.cache") || strings.Contains(mapped, "reflect.layoutCache"):
		t.Errorf("Close names a standard cache it drops entries from:\n%s", mapped)
	}
	mapped, _, _ = strings.Cut(mapped, "\n")
	loaded := strings.Count(log, ": loaded from archive ")
	reused := strings.Count(log, ": reused from host\n")
	dropped := strings.Count(log, "goload: dropped symbol ")
	if loaded == 0 || reused == 0 || !strings.Contains(log, "package net/http: loaded from archive") ||
		!strings.Contains(log, "package fmt: reused from host") {
		t.Fatalf("%d packages loaded, %d reused: net/http must be loaded, fmt reused\n%s", loaded, reused, tail(log, 3000))
	}
	if strings.Contains(log, "left dropped") {
		t.Errorf("method-table entries of the host were left dropped (the module is not above the host's text)")
	}
	if !strings.Contains(log, "building with -tags netgo") {
		t.Errorf("the log does not say net is built with netgo")
	}
	t.Logf("%s: %d packages loaded from archives, %d reused from the host, %d dropped symbols taken from archives, %s",
		tc.version, loaded, reused, dropped, strings.TrimSpace(mapped))
	for _, line := range strings.Split(strings.TrimSpace(got), "\n") {
		t.Log(tail(line, 150))
	}
}

// elfType is the executable's ELF type as debug/elf names it ("EXEC", "DYN").
func elfType(bin string) (string, error) {
	f, err := elf.Open(bin)
	if err != nil {
		return "", err
	}
	defer f.Close()
	return strings.TrimPrefix(f.Type.String(), "ET_"), nil
}

// A function of a host package that the host's linker dropped is taken
// from the package's archive; the package's variable stays the host's.
func TestOpenPackageDroppedSymbol(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		bin := buildHost(t, tc, "./testdata/openpkg/drophost", "")
		nm, err := tc.cmd("tool", "nm", bin).Output()
		if err != nil {
			t.Fatal(err)
		}
		const scaled = "github.com/goload/goload/internal/binding/testdata/openpkg/hostpkg.Scaled"
		if strings.Contains(string(nm), scaled) {
			t.Fatalf("the host has %s: the test needs it dropped", scaled)
		}
		if !strings.Contains(string(nm), "hostpkg.Counter") {
			t.Fatalf("the host has no hostpkg.Counter")
		}
		for _, meth := range []string{"hostpkg.Meter.Scale", "hostpkg.(*Meter).Scale"} {
			if strings.Contains(string(nm), meth) {
				t.Fatalf("the host has %s: the test needs it dropped", meth)
			}
		}
		out, log := runDebug(t, bin, "")
		// The host set Counter to 21, then the loaded code adds 100: the
		// loaded Scaled reads the host's variable both times.
		m := regexp.MustCompile(`^unit m\ncounter (\d+) twice (\d+)\ncounter (\d+) twice (\d+)\n`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("drophost printed %q", out)
		}
		n := func(s string) int {
			v := 0
			for _, c := range s {
				v = v*10 + int(c-'0')
			}
			return v
		}
		if c1, t1, c2, t2 := n(m[1]), n(m[2]), n(m[3]), n(m[4]); t1 != 2*c1 || c2 != c1+100 || t2 != 2*c2 {
			t.Fatalf("drophost printed %q: Scaled does not see the host's Counter, or Add100 did not write it", out)
		}
		if !regexp.MustCompile(`dropped symbol ` + regexp.QuoteMeta(scaled) + ` taken from archive \S+ \(package github.com/goload/goload/internal/binding/testdata/openpkg/hostpkg\)`).MatchString(log) {
			t.Fatalf("the log does not report %s as taken from the archive:\n%s", scaled, tail(log, 3000))
		}
		if !strings.Contains(log, "package github.com/goload/goload/internal/binding/testdata/openpkg/hostpkg: reused from host") {
			t.Fatalf("hostpkg is not reused from the host:\n%s", tail(log, 3000))
		}
		// The dropped method Meter.Scale, called by the loaded code through
		// the host's own itab (its slot filled at load) and through one the
		// runtime builds; Close refuses while the host keeps an interface
		// with the runtime-built itab, then writes the host's entries back:
		// the host still runs, and the package loads and works again. A
		// module opened while the first supplies the method calls into it:
		// the first closes only after it. Since host extensions Scale is
		// the extension's (never closed): round 1's Close with keptS set
		// succeeds, as nothing of the module is held. Round 4: the host's own type
		// assertion builds an itab with the module's Scale and caches it
		// (Go 1.22+); after Close, round 5 loads the package again and
		// calls Scale through the cached itab: the new module's.
		after := "after close: unit m, Meter(4) is a Scaler2: true, kept 3\n"
		rest := "round 1: via host itab 15, via runtime itab 28\n" +
			"round 1: close with keptS set: <nil>\n" + after +
			"round 2: via host itab 15, via runtime itab 28\n" +
			"round 2: close with keptS set: <nil>\n" + after +
			"round 3: the later module via host itab 18\n" +
			"round 3: close the first: <nil>\n" +
			"round 3: the later module via host itab 18\n" +
			"round 3: close the later: <nil>\n" +
			"round 4: via the host's cached assertion 40\n" +
			"round 4: close: <nil>\n" +
			"round 5: via the host's cached assertion 50\n" +
			"round 5: close: <nil>\n"
		if got := out[len(m[0]):]; regexp.MustCompile(`goload\.module\.[0-9a-f]+`).ReplaceAllString(got, "goload.module.1000000") != rest {
			t.Fatalf("drophost printed\n%s\nwant\n%s\nlog (tail):\n%s", got, rest, tail(log, 3000))
		}
		if !regexp.MustCompile(`itab slot at 0x[0-9a-f]+: dropped method at 0x[0-9a-f]+ filled`).MatchString(log) {
			t.Fatalf("the log does not report the host itab's slot filled:\n%s", tail(log, 3000))
		}
	})
}

// A dependency the host has at another module version is an error naming
// them; a package needing cgo that the host lacks loads.
func TestOpenPackageErrors(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		vmods, err := filepath.Abs("testdata/openpkg/vmods")
		if err != nil {
			t.Fatal(err)
		}
		bin := filepath.Join(hostDir, "vhost"+tc.minor)
		cmd := tc.cmd("build", "-overlay="+treeOverlay(t), "-o", bin, ".")
		cmd.Dir = filepath.Join(vmods, "vhost")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("build vhost: %v\n%s", err, out)
		}
		bi, err := tc.cmd("version", "-m", bin).Output()
		if err != nil || !strings.Contains(string(bi), "example.com/vmod\tv1.0.0") {
			t.Fatalf("vhost's build info lacks example.com/vmod v1.0.0: %v\n%s", err, bi)
		}
		out, _ := runDebug(t, bin, "", filepath.Join(vmods, "vuser"), "example.com/vuser")
		for _, want := range []string{"error: goload:", "package example.com/vmod:", "v1.0.0", "v1.1.0"} {
			if !strings.Contains(out, want) {
				t.Errorf("version mismatch: %q lacks %q", out, want)
			}
		}
		t.Log(strings.TrimSpace(out))
		// A cgo package loads since issue 18 (cgo_test.go has the cases).
		out, _ = runDebug(t, bin, "", ".", "./testdata/openpkg/cgofix")
		if !strings.Contains(out, "error: <nil>") {
			t.Errorf("cgo package: %q, want it loaded", out)
		}
		t.Log(strings.TrimSpace(out))
	})
}

// The go list decoder agrees with encoding/json on every document both
// accept, and never panics.
func FuzzListJSON(f *testing.F) {
	for _, s := range []string{
		`{"ImportPath":"a/b","Export":"/x/y-d","Standard":true,"Module":{"Path":"m","Version":"v1.0.0","Replace":{"Path":"../m"}}}`,
		`{"CgoFiles":["a.go","b \u00e9\\\"c.go"],"DepOnly":false,"Error":{"Err":"no\nway"}} {"ImportPath":"c"}`,
		`[1, -2.5e3, null, true, {"": []}]`,
		`{"a":`,
		`"unterminated`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var want any
		d := jsonDecoder{b: b}
		got, err := d.value()
		if json.Unmarshal(b, &want) != nil || err != nil {
			return
		}
		if d.skipSpace(); d.i != len(b) {
			return // a stream of documents: encoding/json took only one too
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: decoded %#v, encoding/json %#v", b, got, want)
		}
	})
}
