package binding

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// goload run (run.go, cmd/goload/runhost): a main package loaded into a
// small host runs as the same package built natively does: the same
// stdout, stderr and exit code for each argument list, with its inits,
// its flags and os.Args as given. Before, OpenPackage of a main package
// took it for the host's own ("reused from the host") and Lookup found no
// main.main.

const runProg = "./testdata/run/greet"

type runResult struct {
	stdout, stderr string
	code           int
}

// runArgv runs path with argv (argv[0] is the program's name).
func runArgv(t *testing.T, dir, path string, argv ...string) runResult {
	t.Helper()
	cmd := &exec.Cmd{Path: path, Args: argv, Dir: dir, Env: append(os.Environ(), "GOTOOLCHAIN=local")}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return runResult{out.String(), errb.String(), code}
}

var runCases = [][]string{
	{},
	{"-name", "gopher", "-n", "3", "-upper", "a", "b"},
	{"-exit", "3"},
	{"-n", "0", "--", "-x"},
	{"-nosuchflag"},
	{"-h"},
}

func TestRunMainPackage(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		host := buildHost(t, tc, repoRoot+"/cmd/goload/runhost", "")
		native := buildHost(t, tc, runProg, "")
		wd, _ := os.Getwd()
		for _, args := range runCases {
			want := runArgv(t, wd, native, append([]string{"greet"}, args...)...)
			got := runArgv(t, wd, host, append([]string{"goload-runhost", runProg}, args...)...)
			if got != want {
				t.Errorf("args %q: goload run gave\n%+v\nthe native build\n%+v", args, got, want)
			}
		}
		// An unrecovered panic: exit code 2 and the panic's message, as
		// natively (the traceback names the namespaced package).
		want := runArgv(t, wd, native, "greet", "-panic")
		got := runArgv(t, wd, host, "goload-runhost", runProg, "-panic")
		if got.code != 2 || want.code != 2 || got.stdout != want.stdout || !strings.Contains(got.stderr, "panic: boom") {
			t.Errorf("-panic: goload run gave\n%+v\nthe native build\n%+v", got, want)
		}
		// And go run itself prints the same.
		gr := tc.cmd("run", runProg, "-name", "gopher", "x")
		out, err := gr.Output()
		if err != nil {
			t.Fatalf("go run: %v", err)
		}
		got = runArgv(t, wd, host, "goload-runhost", runProg, "-name", "gopher", "x")
		if !strings.HasPrefix(string(out), "init: init ran\n") || !sameLinesButArgv0(got.stdout, string(out)) {
			t.Errorf("goload run printed\n%s\ngo run\n%s", got.stdout, out)
		}
	})
}

// sameLinesButArgv0 compares outputs line by line, the "args:" line up to
// its argv0 (go run's is a temporary file).
func sameLinesButArgv0(a, b string) bool {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	if len(la) != len(lb) {
		return false
	}
	for i := range la {
		x, y := la[i], lb[i]
		if strings.HasPrefix(x, "args:") {
			x, _, _ = strings.Cut(x, "argv0:")
			y, _, _ = strings.Cut(y, "argv0:")
		}
		if x != y {
			return false
		}
	}
	return true
}

// Lookup of "main.main" in a module OpenPackage loaded from a main
// package, and of the namespaced name.
func TestRunLookupMain(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		host := buildHost(t, tc, "./testdata/run/lookhost", "")
		wd, _ := os.Getwd()
		got := runArgv(t, wd, host, "lookhost", runProg)
		if got.code != 0 || got.stdout != "init: init ran\nmain.main: ok\ngoload.run/github.com/goload/goload/internal/binding/testdata/run/greet.main: ok\nmain.setup: init ran\n" {
			t.Fatalf("lookhost: %+v", got)
		}
	})
}
