package binding

import (
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The patch checks run in testdata/patch/host, built with a plain
// `go build`: patching by name needs the symbol table go test strips.

var (
	patchHostOnce sync.Once
	patchHostBin  string
	patchHostErr  error
)

func runPatchHost(t *testing.T, args ...string) string {
	t.Helper()
	patchHostOnce.Do(func() {
		patchHostBin = filepath.Join(hostDir, "patchhost")
		patchHostErr = buildPatchHost(t, patchHostBin)
	})
	if patchHostErr != nil {
		t.Fatal(patchHostErr)
	}
	return runPatchBin(t, patchHostBin, args...)
}

func buildPatchHost(t *testing.T, bin string, flags ...string) error {
	cmd := exec.Command("go", append(append([]string{"build", "-o", bin}, flags...), "./testdata/patch/host")...)
	cmd.Env = append(cmd.Environ(), "CGO_CFLAGS=-O2 -g -DGOLOAD_TREE="+treeHash(t)) // see treeHash
	if out, err := cmd.CombinedOutput(); err != nil {
		return &Error{Name: "build", Msg: string(out)}
	}
	return nil
}

func runPatchBin(t *testing.T, bin string, args ...string) string {
	t.Helper()
	var stderr strings.Builder
	cmd := exec.Command(bin, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tail := stderr.String()
		if len(tail) > 4000 {
			tail = tail[:4000] + "\n..."
		}
		t.Fatalf("patch host %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, tail)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if !strings.HasPrefix(line, "ok ") {
			t.Fatalf("patch host %s printed %q", strings.Join(args, " "), line)
		}
		t.Log(line)
	}
	return string(out)
}

// 10,000 patch+revert cycles of two functions (a frameless leaf and one
// with a stack check) while 8 goroutines call both and check every result,
// and another runs runtime.GC().
func TestPatchTorture(t *testing.T) { runPatchHost(t, "torture", "10000", "8") }

// A→B and B→C applied and reverted in turn under 8 callers of A, with
// stack checks in every prologue: no call of A may answer C's code (the
// in-process TestPatchRevertParkedInPrologue, in a plain go-built host).
func TestPatchParkHost(t *testing.T) { runPatchHost(t, "park", "2000", "8") }

// Original() from fresh goroutines whose first call fails the stack check
// (the trampoline's own morestack path), inside a replacement that
// recurses 300 frames deep, while runtime.GC() runs.
func TestPatchOriginal(t *testing.T) { runPatchHost(t, "original") }

func TestPatchMethods(t *testing.T) { runPatchHost(t, "methods") }

func TestPatchUnexported(t *testing.T) { runPatchHost(t, "unexported") }

func TestPatchClosure(t *testing.T) { runPatchHost(t, "closure") }

func TestPatchGeneric(t *testing.T) { runPatchHost(t, "generic") }

// Signature and frame-size mismatches, a method value wrapper, a loop
// that branches back into the bytes the jump would cover, and a function
// inlined into two callers (named from their inline trees).
func TestPatchRefusals(t *testing.T) {
	out := runPatchHost(t, "refusals")
	for _, want := range []string{"signature", "frame size", "method value", "back jump", "inlined"} {
		if !strings.Contains(out, "ok refused "+want+":") {
			t.Errorf("no %q refusal in\n%s", want, out)
		}
	}
}

// The three stopTheWorld shapes: Go 1.21 (no worldStop), 1.22 (two
// fields) and 1.23+ (four; the toolchain running go test). The hosts are
// built by those toolchains when scripts/gotoolchains.sh finds them.
func TestPatchGoVersions(t *testing.T) {
	out, err := exec.Command("bash", repoRoot+"/scripts/gotoolchains.sh").Output()
	if err != nil {
		t.Fatal(err)
	}
	ran := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 || (f[0] != "21" && f[0] != "22") {
			continue
		}
		ran++
		bin := filepath.Join(hostDir, "patchhost-"+f[1])
		cmd := exec.Command(f[2], "build", "-o", bin, "./testdata/patch/host")
		cmd.Env = append(cmd.Environ(), "GOTOOLCHAIN=local", "CGO_CFLAGS=-O2 -g -DGOLOAD_TREE="+treeHash(t))
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s build: %v\n%s", f[1], err, b)
		}
		for _, args := range [][]string{{"torture", "500", "8"}, {"original"}} {
			b, err := exec.Command(bin, args...).CombinedOutput()
			if err != nil || !strings.HasPrefix(string(b), "ok ") {
				if len(b) > 4000 {
					b = b[:4000]
				}
				t.Fatalf("%s host %v: %v\n%s", f[1], args, err, b)
			}
			t.Logf("%s: %s", f[1], strings.TrimSpace(string(b)))
		}
	}
	if ran == 0 {
		t.Skip("no Go 1.21 or 1.22 toolchain installed")
	}
}

// The hot-fix workflow: the host's net/http handler is replaced by code
// loaded from an archive while load generators send requests on loopback;
// no request fails, the responses switch to the new version and back.
func TestPatchHotFix(t *testing.T) {
	runPatchHost(t, "hotfix", archive(t, "./testdata/patch/fix"))
}

// A host linked with -s -w has no symbol table: names and the runtime
// functions the patcher calls come from pclntab.
func TestPatchStripped(t *testing.T) {
	bin := filepath.Join(hostDir, "patchhost-stripped")
	if err := buildPatchHost(t, bin, "-ldflags=-s -w"); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"methods"}, {"unexported"}, {"generic"}, {"original"}, {"torture", "300", "8"}} {
		runPatchBin(t, bin, args...)
	}
}

//go:noinline
func patchInTestBinary(a, b int) int { return a + b }

// go test binaries are stripped too: patching works inside them.
func TestPatchInTestBinary(t *testing.T) {
	p, err := Patch(patchInTestBinary, func(a, b int) int { return a * b })
	if err != nil {
		t.Fatal(err)
	}
	orig := p.Original().(func(int, int) int)
	if got := patchInTestBinary(3, 4); got != 12 {
		t.Errorf("patched: %d, want 12", got)
	}
	if got := orig(3, 4); got != 7 {
		t.Errorf("Original: %d, want 7", got)
	}
	if err := p.Revert(); err != nil {
		t.Fatal(err)
	}
	if got := patchInTestBinary(3, 4); got != 7 {
		t.Errorf("reverted: %d, want 7", got)
	}
	t.Logf("%s: pause %v", p.Name(), LastPause().Pause)
}
