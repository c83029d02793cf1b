package binding

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
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
