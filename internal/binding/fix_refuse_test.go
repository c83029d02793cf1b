package binding

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestFixRefusals: changes goload fix cannot apply safely are refused,
// naming the function, type or variable and the reason, on plain, -s -w
// and PIE builds; after each one the service answers as before, its state
// goes on (the counter, the global's value, what init set) and no fix is
// listed. The parameter type changes keep the frame size, so only the
// signature comparison with the original objects sees them.
func TestFixRefusals(t *testing.T) {
	forEachServiceBuild(t, testFixRefusals)
}

func testFixRefusals(t *testing.T, tc toolchain, flags []string) {
	s := startFixServiceFrom(t, tc, "testdata/fixrefuse", flags...)
	c := &http.Client{Timeout: 10 * time.Second}
	n := 0
	// The answer of the unchanged service for request n.
	want := func() string { return fmt.Sprintf("%d v1 7 %d %d\n", n, 3*n, n+2) }
	check := func(what string) {
		t.Helper()
		n++
		if b, err := s.get(c, "x"); err != nil || b != want() {
			t.Errorf("after %s: %q %v, want %q", what, b, err, want())
		}
		out, _, err := s.goload("fix", "-p", strconv.Itoa(s.pid), "--list")
		if err != nil || strings.Count(out, "\n") != 1 {
			t.Errorf("after %s, --list: %v\n%s", what, err, out)
		}
	}
	check("start")
	cases := []struct {
		what  string
		edits []string
		want  []string // in the refusal, all of them
	}{
		{"an int64 parameter made float64", []string{
			"func scale(x int64) int64 { return x * 3 }", "func scale(x float64) int64 { return int64(x * 3) }",
			"scale(n)", "scale(float64(n))"},
			[]string{"main.scale: changed signature: (float64) (int64), the running one (int64) (int64)"}},
		{"a struct parameter's field types swapped (same size)", []string{
			"\ta int64\n\tb float64", "\ta float64\n\tb int64",
			"return p.a + int64(p.b)", "return int64(p.a) + p.b",
			"pair{n, 2}", "pair{float64(n), 2}"},
			[]string{"main.pair: changed definition of an existing type"}},
		{"a global's initializer", []string{`var prefix = "v1"`, `var prefix = "v2"`},
			[]string{"main.prefix: changed initializer of an existing package-level variable"}},
		{"a changed init", []string{"boot = 7", "boot = 8"},
			[]string{"main.init.0: a changed package initializer (init) already ran"}},
	}
	for _, k := range cases {
		s.edit(k.edits...)
		out, errs, err := s.goload("fix", "-p", strconv.Itoa(s.pid))
		if err == nil || !strings.Contains(errs, "refused, the program is left untouched") {
			t.Errorf("%s was not refused: %v\n%s%s", k.what, err, out, errs)
		}
		for _, w := range k.want {
			if !strings.Contains(errs, w) {
				t.Errorf("%s: the refusal does not say %q:\n%s", k.what, w, errs)
			}
		}
		t.Logf("%s: %s", k.what, strings.TrimSpace(errs))
		check(k.what)
	}
	// Lines moved, code the same: no function changed, nothing applied
	// (docs/fix.md: tracebacks keep the running lines).
	s.edit("//go:noinline\nfunc scale", "\n\n\n//go:noinline\nfunc scale")
	out, errs, err := s.goload("fix", "-p", strconv.Itoa(s.pid))
	if err != nil || !strings.Contains(out, "no function changed") {
		t.Errorf("a change of lines only: %v\n%s%s", err, out, errs)
	}
	check("a change of lines only")
	testFixRuntimeRefused(t, s, check)
	// The same code with other stack maps (pick's uintptrs made pointers):
	// a change, patched, or the GC would go on reading the running maps.
	pickEdits := []string{"arr := [2]uintptr{uintptr(unsafe.Pointer(a)), uintptr(unsafe.Pointer(b))}", "arr := [2]*int{a, b}",
		"return *(*int)(unsafe.Pointer(arr[idx&1]))", "return *arr[idx&1]", "\t\"unsafe\"\n", ""}
	s.edit(pickEdits...)
	out, errs, err = s.goload("fix", "-p", strconv.Itoa(s.pid), "-v")
	switch {
	case strings.Contains(errs, "main.pick changed: its funcdata"):
		if err != nil || !strings.Contains(out, "patched main.pick\n") {
			t.Errorf("a change of stack maps only: %v\n%s%s", err, out, errs)
		}
	case strings.Contains(errs, "main.pick changed: ") && strings.Contains(errs, " bytes of code"):
		// This toolchain (1.23) compiles the two versions to other code
		// too: the premise does not hold here, and a patch or a refusal
		// with its reason are both right (a -s -w program refuses: the
		// new code uses a variable its running code does not).
		t.Logf("a change of stack maps only: this toolchain's code differs too (%v)", err)
		if err != nil {
			pickEdits = nil
		}
	default:
		t.Errorf("a change of stack maps only: %v\n%s%s", err, out, errs)
	}
	n++
	if b, err := s.get(c, "x"); err != nil || b != want() {
		t.Errorf("after the fix of pick: %q %v, want %q", b, err, want())
	}
	// The same service, fixed for real: the fix applies (the refusals were
	// not a blanket "cannot verify").
	s.edit(append([]string{"return x * 3", "return x * 4"}, pickEdits...)...)
	out, errs, err = s.goload("fix", "-p", strconv.Itoa(s.pid))
	if err != nil || !strings.Contains(out, "patched main.scale\n") {
		t.Fatalf("the fix of scale: %v\n%s%s", err, out, errs)
	}
	n++
	if b, err := s.get(c, "x"); err != nil || b != fmt.Sprintf("%d v1 7 %d %d\n", n, 4*n, n+2) {
		t.Errorf("after the fix of scale: %q %v", b, err)
	}
}

// testFixRuntimeRefused: a change inside the runtime (throw's message,
// through an overlay of runtime/panic.go, `goload fix -p PID runtime`) is
// refused naming the runtime function, and the service is untouched.
func testFixRuntimeRefused(t *testing.T, s *fixService, check func(string)) {
	t.Helper()
	out, err := exec.Command(s.tc.gocmd, "env", "GOROOT", "GOMODCACHE").Output()
	lines := strings.Fields(string(out))
	if err != nil || len(lines) != 2 {
		t.Fatalf("go env: %v %q", err, out)
	}
	goroot, modcache := lines[0], lines[1]
	orig := filepath.Join(goroot, "src", "runtime", "panic.go")
	b, err := os.ReadFile(orig)
	if err != nil || !strings.Contains(string(b), `"fatal error: "`) {
		t.Fatalf("%s: %v (no \"fatal error: \")", orig, err)
	}
	changed := []byte(strings.Replace(string(b), `"fatal error: "`, `"fatal error! "`, 1))
	dir := t.TempDir()
	gobin := filepath.Dir(s.tc.gocmd)
	gofl := "-overlay=" + treeOverlay(t)
	if strings.HasPrefix(goroot, modcache+string(filepath.Separator)) {
		// The go command replaces no file under GOMODCACHE (where a
		// toolchain it downloaded lives): a hard-linked copy of the
		// toolchain with the changed file instead.
		root := filepath.Join(dir, "goroot")
		if out, err := exec.Command("cp", "-al", goroot, root).CombinedOutput(); err != nil {
			t.Fatalf("cp -al: %v\n%s", err, out)
		}
		p := filepath.Join(root, "src", "runtime", "panic.go")
		os.Remove(p)
		if err := os.WriteFile(p, changed, 0o644); err != nil {
			t.Fatal(err)
		}
		gobin = filepath.Join(root, "bin")
	} else {
		file := filepath.Join(dir, "panic.go")
		if err := os.WriteFile(file, changed, 0o644); err != nil {
			t.Fatal(err)
		}
		gofl = "-overlay=" + treeOverlayWith(t, orig, file)
	}
	cmd := exec.Command(fixCLI(t), "fix", "-p", strconv.Itoa(s.pid), "runtime")
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "PATH="+gobin+":"+os.Getenv("PATH"), "GOTOOLCHAIN=local", "GOROOT=",
		"GOLOAD_AGENT_DIR="+s.sock, "GOFLAGS="+gofl)
	var so, se strings.Builder
	cmd.Stdout, cmd.Stderr = &so, &se
	err = cmd.Run()
	if err == nil || !strings.Contains(se.String(), "runtime.throw.func1: a change inside the runtime") {
		t.Errorf("a change inside the runtime was not refused: %v\n%s%s", err, so.String(), se.String())
	}
	t.Logf("a change inside the runtime: %s", strings.TrimSpace(se.String()))
	check("a change inside the runtime")
}

// treeOverlayWith is treeOverlay's file with file also replaced by
// replacement.
func treeOverlayWith(t *testing.T, file, replacement string) string {
	t.Helper()
	var ov struct{ Replace map[string]string }
	b, err := os.ReadFile(treeOverlay(t))
	if err == nil {
		err = json.Unmarshal(b, &ov)
	}
	if err != nil {
		t.Fatal(err)
	}
	ov.Replace[file] = replacement
	b, _ = json.Marshal(ov)
	js := filepath.Join(t.TempDir(), "overlay.json")
	if err := os.WriteFile(js, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return js
}
