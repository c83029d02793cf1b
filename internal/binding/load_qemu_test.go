package binding

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// linux/arm64 loading under qemu-user (see TestPatchArm64Qemu for the
// setup): testdata/arm64/host, cross-built for arm64 by Go 1.21 and the
// newest toolchain, loads testdata/arm64/lib's archive (built by the same
// toolchain for arm64), compares its results (strings, strconv,
// encoding/json, sort) with testdata/arm64/twin, the same file linked
// natively, patches a host function with a loaded one under a busy
// goroutine, reverts, and closes the module.
func TestLoadArm64Qemu(t *testing.T) {
	qemu := arm64Tools(t)
	lib, err := os.ReadFile("testdata/arm64/lib/lib.go")
	if err != nil {
		t.Fatal(err)
	}
	tw, err := os.ReadFile("testdata/arm64/twin/lib.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(lib, tw) {
		t.Fatal("testdata/arm64/lib/lib.go and twin/lib.go differ: the twin is no longer the same code")
	}
	for _, tc := range arm64Toolchains(t) {
		t.Run(tc[0], func(t *testing.T) {
			bin := filepath.Join(hostDir, "loadhost-arm64-"+tc[0])
			buildArm64(t, tc[1], bin, "./testdata/arm64/host")
			cmd := exec.Command(tc[1], "list", "-export", "-f", "{{.Export}}", "./testdata/arm64/lib")
			cmd.Env = arm64Env(t)
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("go list -export for arm64: %v", err)
			}
			t0 := time.Now()
			res := runQemu(t, qemu, bin, strings.TrimSpace(string(out)))
			t.Logf("(%v)\n%s", time.Since(t0).Round(time.Millisecond), strings.TrimSpace(res))
		})
	}
}

// The demo (scripts/demo.sh's examples/load) on linux/arm64 under qemu:
// its host, cross-built statically, loads the greet package's arm64
// archive, calls it, hot-patches main.banner with it while a goroutine
// keeps calling banner, reverts and closes the module (the host exits
// non-zero on any error). Its lines that do not carry times or counts
// equal those of the same demo built for and run on this machine
// (banner's call number after the patch is masked: the busy goroutine's
// calls count too).
func TestDemoArm64Qemu(t *testing.T) {
	qemu := arm64Tools(t)
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, d := range []string{"host", "greet"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
		files, _ := filepath.Glob(filepath.Join(root, "examples/load", d, "*.go"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, d, filepath.Base(f)), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	mod := "module example.com/demo\ngo 1.21\nrequire github.com/goload/goload v0.0.0\nreplace github.com/goload/goload => " + root + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644); err != nil {
		t.Fatal(err)
	}
	stable := func(out string) string {
		var keep []string
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "host: banner(") {
				// the busy goroutine's calls count too: the number varies
				l = regexp.MustCompile(`call #[0-9]+`).ReplaceAllString(l, "call #N")
			}
			if strings.Contains(l, " = ") || strings.HasPrefix(l, "host: reverted") || strings.HasPrefix(l, "host: looked up") {
				keep = append(keep, l)
			}
		}
		return strings.Join(keep, "\n")
	}
	for _, tc := range arm64Toolchains(t) {
		t.Run(tc[0], func(t *testing.T) {
			// env: arm64Env (a static arm64 build, run under qemu), or nil
			// (this machine's, run directly).
			run := func(env []string, bin string, exe ...string) string {
				args := []string{"build", "-o", bin}
				if env != nil {
					args = append(args, "-ldflags=-extldflags=-static")
				} else {
					env = append(os.Environ(), "CGO_CFLAGS=-O2 -g -DGOLOAD_TREE="+treeHash(t))
				}
				build := exec.Command(tc[1], append(args, "./host")...)
				list := exec.Command(tc[1], "list", "-export", "-f", "{{.Export}}", "./greet")
				for _, c := range []*exec.Cmd{build, list} {
					c.Dir = dir
					c.Env = append(env, "GOTOOLCHAIN=local", "GOFLAGS=-mod=mod")
				}
				if b, err := build.CombinedOutput(); err != nil {
					t.Fatalf("%v: %v\n%s", build.Args, err, b)
				}
				archive, err := list.Output()
				if err != nil {
					t.Fatalf("%v: %v", list.Args, err)
				}
				cmd := exec.Command(exe[0], append(exe[1:], bin, strings.TrimSpace(string(archive)))...)
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("%v: %v\n%s", cmd.Args, err, out)
				}
				return string(out)
			}
			arm := run(arm64Env(t), filepath.Join(dir, "host-arm64"), qemu)
			native := run(nil, filepath.Join(dir, "host-native"), "env")
			if stable(arm) == "" || stable(arm) != stable(native) {
				t.Fatalf("the demo under qemu printed\n%s\nthe demo on this machine printed\n%s", arm, native)
			}
			t.Logf("%s", strings.TrimSpace(arm))
		})
	}
}
