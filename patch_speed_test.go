package goload

import (
	"errors"
	"runtime"
	"strings"
	"testing"
)

// Issue 14, patch half: behaviour the speed work must keep, checked by the
// patch host (testdata/patch/host) and, for the architecture rule, here.

// Only amd64 code is patched: another GOARCH is refused with reason "arch"
// before any byte is written (on linux/arm64 the x86 jump used to be
// written and the next call died with SIGILL).
func TestPatchArchRefused(t *testing.T) {
	for _, arch := range []string{"arm64", "386", "riscv64", "ppc64le", "s390x", "loong64", ""} {
		err := patchArch(arch)
		var pe *PatchError
		if !errors.As(err, &pe) || pe.Reason != "arch" || !strings.Contains(pe.Msg, "amd64") {
			t.Errorf("patchArch(%q) = %v, want a PatchError with reason arch", arch, err)
		}
	}
	if err := patchArch("amd64"); err != nil {
		t.Errorf("patchArch(amd64) = %v", err)
	}
	if runtime.GOARCH != "amd64" {
		if _, err := NewPatch(double4test, func(x int) int { return x }); err == nil {
			t.Fatalf("NewPatch on %s: no error", runtime.GOARCH)
		}
	}
}

//go:noinline
func double4test(x int) int { return 2 * x }

// v1 → v2: Apply of a patch of a function another patch has replaced
// swaps them in one stop, while 8 goroutines check that no call started
// after the first Apply ever runs the original code.
func TestPatchReplace(t *testing.T) { runPatchHost(t, "replace", "2000") }
