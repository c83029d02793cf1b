package binding

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Issue 14, patch half: behaviour the speed work must keep, checked by the
// patch host (testdata/patch/host) and, for the architecture rule, here.

// Only amd64 and arm64 code is patched: another GOARCH is refused with
// reason "arch" before any byte is written (on linux/arm64 the x86 jump
// used to be written and the next call died with SIGILL; arm64 now has its
// own planner, TestPatchArm64Qemu).
func TestPatchArchRefused(t *testing.T) {
	for _, arch := range []string{"386", "riscv64", "ppc64le", "s390x", "loong64", ""} {
		err := patchArch(arch)
		var pe *PatchError
		if !errors.As(err, &pe) || pe.Reason != "arch" || !strings.Contains(pe.Msg, "amd64") {
			t.Errorf("patchArch(%q) = %v, want a PatchError with reason arch", arch, err)
		}
	}
	for _, arch := range []string{"amd64", "arm64"} {
		if err := patchArch(arch); err != nil {
			t.Errorf("patchArch(%s) = %v", arch, err)
		}
	}
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		if _, err := NewPatch(double4test, func(x int) int { return x }); err == nil {
			t.Fatalf("NewPatch on %s: no error", runtime.GOARCH)
		}
	}
}

//go:noinline
func double4test(x int) int { return 2 * x }

//go:noinline
func triple4test(x int) int { return 3 * x }

// CheckPatch does the patcher's one-time setup and checks it: it plans a
// function of the binding's own (with a stack check, as the host's
// toolchain built it) without writing it, and a patch made after it
// applies. The stub's perf map line is queued by NewPatch for a writer
// thread (a write can wait for the file system's journal); Apply flushes
// it, so the line is on file before the jump leads there.
func TestCheckPatch(t *testing.T) {
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		if err := CheckPatch(); err == nil {
			t.Fatalf("CheckPatch on %s: no error", runtime.GOARCH)
		}
		return
	}
	for i := 0; i < 2; i++ { // the second call finds the setup done
		if err := CheckPatch(); err != nil {
			t.Fatalf("CheckPatch %d: %v", i+1, err)
		}
	}
	p, err := NewPatch(triple4test, func(x int) int { return 30 * x })
	if err != nil {
		t.Fatal(err)
	}
	if err := Apply(p); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Revert() })
	if got := triple4test(2); got != 60 {
		t.Fatalf("patched triple4test(2) = %d, want 60", got)
	}
	if os.Getenv("GOLOAD_PERFMAP") == "0" {
		return
	}
	f, err := os.Open(fmt.Sprintf("/tmp/perf-%d.map", os.Getpid()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := fmt.Sprintf("%x ", p.info.stub)
	found := false
	for sc := bufio.NewScanner(f); sc.Scan(); {
		l := sc.Text()
		found = found || (strings.HasPrefix(l, want) && strings.HasSuffix(l, " goload.patch:"+p.name))
	}
	if !found {
		t.Errorf("after Apply, the perf map has no line %s... goload.patch:%s", want, p.name)
	}
}

// v1 → v2: Apply of a patch of a function another patch has replaced
// swaps them in one stop, while 8 goroutines check that no call started
// after the first Apply ever runs the original code.
func TestPatchReplace(t *testing.T) { runPatchHost(t, "replace", "500") }

// A host built with -race (which turns on -d=checkptr) patches, calls and
// reverts: goload.peek used to die there with "checkptr: pointer
// arithmetic result points to invalid allocation" on the first Apply
// (reading a runtime.g, a heap object, through a computed address).
func TestPatchRaceHost(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a -race host")
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	syso, _ := filepath.Glob(filepath.Join(strings.TrimSpace(string(goroot)), "src/runtime/race/*"+runtime.GOOS+"*.syso"))
	syso2, _ := filepath.Glob(filepath.Join(strings.TrimSpace(string(goroot)), "src/runtime/race/internal/*/race_"+runtime.GOOS+".syso"))
	if len(syso)+len(syso2) == 0 {
		t.Skipf("no race runtime for %s/%s in this toolchain", runtime.GOOS, runtime.GOARCH)
	}
	bin := filepath.Join(hostDir, "patchhost-race")
	if err := buildPatchHost(t, bin, "-race"); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"torture", "200", "4"}, {"closure"}, {"original"}, {"replace", "200"}} {
		runPatchBin(t, bin, args...)
	}
}

// Functions of a loaded module are patch targets as host functions are:
// NewPatch of a looked-up func, NewPatchSymbol by its name, calls from
// inside the module through the entry jump, inlined copies refused, and
// the module's Close refused while such a patch is applied (the safe rule:
// goload does not revert behind the caller's back).
func TestPatchModuleTarget(t *testing.T) {
	runPatchHost(t, "modtarget", archive(t, "./testdata/patchmod/lib"))
}
