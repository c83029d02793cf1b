package goload

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
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
		cmd := exec.Command("go", "build", "-o", hostBin, "./testdata/host")
		cmd.Env = append(os.Environ(), "CGO_CFLAGS=-O2 -g -DGOLOAD_TREE="+treeHash(t))
		out, err := cmd.CombinedOutput()
		if err != nil {
			hostBinErr = &Error{Name: "build", Msg: string(out)}
		}
	})
	if hostBinErr != nil {
		t.Fatal(hostBinErr)
	}
	return hostBin
}

// treeHash digests the C library's sources. The go command does not track
// files a cgo wrapper #includes from other folders, so without this a
// changed src/**.c could be linked from a stale build cache entry; the hash
// in CGO_CFLAGS is part of the cache key.
func treeHash(t *testing.T) string {
	h := sha256.New()
	for _, root := range []string{"src", "include"} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			if err == nil {
				fmt.Fprintf(h, "%s %d\n", p, len(b))
				h.Write(b)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
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

// archive returns the export archive of a fixture package, compiled by the
// toolchain the test host is built with.
func archive(t *testing.T, pkg string) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-export", "-f", "{{.Export}}", pkg).Output()
	if err != nil {
		t.Fatalf("go list -export %s: %v", pkg, err)
	}
	return strings.TrimSpace(string(out))
}

func TestLoadPlain(t *testing.T) {
	out := runHost(t, []string{"GOLOAD_DEBUG=1"}, "plain", archive(t, "./testdata/fix/plain"))
	if strings.TrimSpace(out) != "ok" {
		t.Fatalf("plain printed %q", out)
	}
}

func TestLoadFeatures(t *testing.T) {
	out := runHost(t, []string{"GOLOAD_DEBUG=1", "GOGC=1"}, "feat", archive(t, "./testdata/fix/feat"))
	if !strings.HasSuffix(out, "ok\n") {
		t.Fatalf("feat printed %q", out)
	}
	t.Log(out)
}

func TestLoadStd(t *testing.T) {
	out := runHost(t, []string{"GOLOAD_DEBUG=1"}, "std", archive(t, "./testdata/fix/stdfix"))
	if !strings.HasSuffix(out, "ok\n") {
		t.Fatalf("std printed %q", out)
	}
	t.Log(out)
}

func TestLoadAssembly(t *testing.T) {
	out := runHost(t, []string{"GOLOAD_DEBUG=1"}, "asm", archive(t, "./testdata/fix/asmfix"))
	if !strings.HasSuffix(out, "ok\n") {
		t.Fatalf("asm printed %q", out)
	}
}

func TestLoadInitOrder(t *testing.T) {
	want, err := exec.Command("go", "run", "./testdata/initorder").Output()
	if err != nil {
		t.Fatal(err)
	}
	out := runHost(t, []string{"GOLOAD_DEBUG=1"}, "init", archive(t, "./testdata/fix/inita"), archive(t, "./testdata/fix/initb"))
	if out != string(want)+"ok\n" {
		t.Fatalf("loaded init order %q, go build's %q", out, want)
	}
}

func TestLoadUnrecoveredPanic(t *testing.T) {
	cmd := exec.Command(testHost(t), "crash", archive(t, "./testdata/fix/feat"))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 2 {
		t.Fatalf("crash: %v, want exit status 2\n%s", err, stderr.String())
	}
	tb := stderr.String()
	for _, want := range []string{"panic: wrapped: boom", "github.com/goload/goload/testdata/fix/feat.Panic()", "testdata/fix/feat/feat.go:"} {
		if !strings.Contains(tb, want) {
			t.Errorf("traceback lacks %q:\n%s", want, tb)
		}
	}
}
