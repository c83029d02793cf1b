package binding

import (
	"os/exec"
	"strings"
	"testing"
)

// Cgo packages load with their C objects (issue 18; src/link/cobj.c):
// testdata/cgo/calls calls C, is called back from C (an exported Go
// function through crosscall2), reads C data holding relocated pointers,
// sees its C constructor's effect and passes its C comparator to libc's
// qsort; testdata/cgo/zlib links -lz (#cgo LDFLAGS, the library opened
// from the package's cgo directives); testdata/cgo/tls has C __thread
// variables (general and local dynamic, -fPIC), one copy per OS thread,
// initialized. Each module closes. The output must equal the native
// twin's. Before, OpenPackage refused every cgo package.
func TestCgoPackages(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		cgoTwinCompare(t, tc, []string{"calls", "zlib", "tls"}, nil, "calls", "zlib", "tls")
	})
}

// cgoTwinCompare runs testdata/cgo/twin with twinArgs and the cgo host
// (built by tc) with hostArgs: their outputs must be equal.
func cgoTwinCompare(t *testing.T, tc toolchain, twinArgs, twinFlags []string, hostArgs ...string) {
	t.Helper()
	want, err := tc.cmd(append(append(append([]string{"run"}, twinFlags...), "./testdata/cgo/twin"), twinArgs...)...).Output()
	if err != nil {
		t.Fatalf("go run twin: %v", err)
	}
	bin := buildHost(t, tc, "./testdata/cgo/host", "", twinFlags...)
	if got := runHost(t, bin, nil, hostArgs...); got != string(want) {
		t.Fatalf("the loaded packages printed\n%s\nthe native twin\n%s", got, want)
	}
}

// A C thread-local variable in the local-exec model (TPOFF32) cannot get
// room in the process's static TLS block: the load is refused, naming the
// variable and the model.
func TestCgoTLSLocalExecRefused(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		bin := buildHost(t, tc, "./testdata/cgo/host", "")
		got := runHost(t, bin, nil, "tlsle")
		for _, w := range []string{"refused: ", "levar", "local-exec"} {
			if !strings.Contains(got, w) {
				t.Fatalf("tlsle: %q lacks %q", got, w)
			}
		}
		t.Log(strings.TrimSpace(got))
	})
}

// A host built with CGO_ENABLED=0 cannot use goload (its C library and
// the host's cgo runtime): the build fails, its first error naming the
// reason and what to do.
func TestCgoDisabledHostBuildError(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		cmd := tc.cmd("build", "-o", t.TempDir()+"/h", "./testdata/cgo/host")
		cmd.Env = append(cmd.Env, "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Fatal("a CGO_ENABLED=0 host built")
		}
		const want = "goload_needs_cgo__build_the_host_with_CGO_ENABLED_1_and_a_C_compiler_gcc_or_clang"
		if !strings.Contains(string(out), want) {
			t.Fatalf("CGO_ENABLED=0 build: %s\nlacks %s", out, want)
		}
		t.Log(strings.TrimSpace(string(out)))
	})
}

// A -race host loads the packages' -race builds: a cgo package works as
// natively, and a data race in loaded code is reported by the host's
// detector (exit status 66). Before, OpenPackage listed the non-race
// archives: the race went unseen.
func TestCgoRaceHost(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		cgoTwinCompare(t, tc, []string{"calls"}, []string{"-race"}, "calls")
		bin := buildHost(t, tc, "./testdata/cgo/host", "", "-race")
		cmd := exec.Command(bin, "racy")
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 66 || !strings.Contains(string(out), "WARNING: DATA RACE") ||
			!strings.Contains(string(out), "racy.Report") {
			t.Fatalf("-race host running racy: %v\n%s\nwant the race detector's report naming racy.Report", err, out)
		}
	})
}

// Go objects compiled with -dynlink reach symbols through the GOT
// (R_GOTPCREL) and, assembled with -shared, g through an initial-exec TLS
// word (R_TLS_IE): both get GOT words in the module (cobj.c) and the
// package runs as natively (Open of the archive against the twin). Before,
// both were refused as unsupported relocation types.
func TestGoDynlinkGOTAndTLSIE(t *testing.T) {
	const pkg = "github.com/goload/goload/internal/binding/testdata/cgo/dynlink"
	forEach(t, func(t *testing.T, tc toolchain) {
		out, err := tc.cmd("list", "-export", "-gcflags="+pkg+"=-dynlink", "-asmflags="+pkg+"=-shared",
			"-f", "{{.Export}}", pkg).Output()
		if err != nil {
			t.Fatalf("go list: %v", err)
		}
		cgoTwinCompare(t, tc, []string{"dynlink"}, nil, "archive="+strings.TrimSpace(string(out))+"="+pkg)
	})
}

// Close of a cgo module is refused while a goroutine is inside the
// module's C code (its Go frames, the _Cfunc_ wrapper, hold the module),
// naming it; once the call returned, Close succeeds. The C constructor ran
// once at the load; the destructor runs at the Close, before the module's
// memory is retired (first version: it ran after, and the host crashed).
func TestCgoCloseWhileInC(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		bin := buildHost(t, tc, "./testdata/cgo/host", "")
		got := runHost(t, bin, nil, "block")
		if strings.Count(got, "block: constructor\n") != 1 || strings.Count(got, "block: destructor\n") != 1 {
			t.Fatalf("block: %q: want the constructor and the destructor once each", got)
		}
		for _, w := range []string{"close while in C: goload: ", "still in use", "block._Cfunc_wait_released",
			"block: destructor\nclose after: <nil>"} {
			if !strings.Contains(got, w) {
				t.Fatalf("block: %q lacks %q", got, w)
			}
		}
	})
}

// The cgo packages of TestCgoPackages on a PIE host and on a host
// stripped with -s -w (C symbols are then found without the host's
// .symtab): the same output as the native twin built alike.
func TestCgoPackagesHostModes(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		for _, flags := range [][]string{{"-buildmode=pie"}, {"-ldflags=-s -w"}} {
			t.Run(strings.Join(flags, " "), func(t *testing.T) {
				cgoTwinCompare(t, tc, []string{"calls", "zlib", "tls"}, flags, "calls", "zlib", "tls")
			})
		}
	})
}
