package binding

import (
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
	pkgs := []string{"calls", "zlib", "tls"}
	forEach(t, func(t *testing.T, tc toolchain) {
		want, err := tc.cmd(append([]string{"run", "./testdata/cgo/twin"}, pkgs...)...).Output()
		if err != nil {
			t.Fatalf("go run twin: %v", err)
		}
		bin := buildHost(t, tc, "./testdata/cgo/host", "")
		got := runHost(t, bin, nil, pkgs...)
		if got != string(want) {
			t.Fatalf("the loaded packages printed\n%s\nthe native twin\n%s", got, want)
		}
	})
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
