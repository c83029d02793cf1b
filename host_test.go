package goload

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// go test links its binaries with -s -w, so the loader is tested inside
// hosts built the way users build them: a plain `go build`.

var (
	hostBuild  sync.Once
	hostBin    string
	hostBinErr error
	hostDir    string
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "goload-test-")
	if err != nil {
		panic(err)
	}
	hostDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func testHost(t *testing.T) string {
	t.Helper()
	hostBuild.Do(func() {
		hostBin = filepath.Join(hostDir, "host")
		out, err := exec.Command("go", "build", "-o", hostBin, "./testdata/host").CombinedOutput()
		if err != nil {
			hostBinErr = &Error{Name: "build", Msg: string(out)}
		}
	})
	if hostBinErr != nil {
		t.Fatal(hostBinErr)
	}
	return hostBin
}

// runHost runs the test host with args and returns its stdout; the test
// fails when the host exits non-zero.
func runHost(t *testing.T, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(testHost(t), args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("host %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}

func TestHostCheck(t *testing.T) {
	if out := runHost(t, nil, "check"); strings.TrimSpace(out) != "ok" {
		t.Fatalf("check printed %q", out)
	}
}
