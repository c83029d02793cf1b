package binding

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// linux/arm64 patching, run under qemu-user: testdata/patch/host is
// cross-built for arm64 (cgo with aarch64-linux-gnu-gcc and the arm64
// Capstone, linked statically: dynamically linked programs hung under
// qemu) by Go 1.21 and the newest toolchain found, and runs its checks
// under qemu-aarch64-static. Every check compares with the same code run
// unpatched in the same process (the host's own native results), and the
// host exits non-zero on any difference.
//
// Runs when GOLOAD_ARM64=1 (scripts/test.sh's arm64 step) and needs
// qemu-user-static, gcc-aarch64-linux-gnu and libcapstone-dev:arm64
// (scripts/setup.sh installs them).

var arm64PatchChecks = [][]string{
	{"methods"}, {"unexported"}, {"generic"}, {"closure"},
	// Original from fresh goroutines: the trampoline's own morestack path.
	{"original"},
	{"refusals"},
	// patch+revert cycles under a busy goroutine calling both functions and
	// checking every result. One caller: qemu delivers the stop's
	// preemption signals at translated-block starts, function entries
	// among them, and with 2 to 8 callers one was parked at a patched
	// entry at each of the 200 stops (refused busy).
	{"torture", "300", "1"},
	// With asynchronous preemption off (only the stops' synchronous
	// preemption at prologues), 4 busy callers: that artefact is gone.
	{"GODEBUG=asyncpreemptoff=1", "torture", "300", "4"},
	// A→B, B→C in turn: a call of A parked in B's prologue or at its
	// entry (pushed by an asynchronous preemption: its frames on arm64)
	// must not answer C's code.
	{"park", "200", "2"},
}

func arm64Tools(t *testing.T) (qemu string) {
	t.Helper()
	if runtime.GOARCH != "amd64" {
		t.Skip("cross-builds from linux/amd64")
	}
	need := os.Getenv("GOLOAD_ARM64") == "1"
	if !need {
		// Its own step of scripts/test.sh, with its own time budget.
		t.Skip("set GOLOAD_ARM64=1 (scripts/test.sh's arm64 step)")
	}
	q, err := exec.LookPath("qemu-aarch64-static")
	_, errCC := exec.LookPath("aarch64-linux-gnu-gcc")
	_, errCS := os.Stat("/usr/lib/aarch64-linux-gnu/pkgconfig/capstone.pc")
	if err != nil || errCC != nil || errCS != nil {
		t.Fatalf("GOLOAD_ARM64=1 but the arm64 tools are missing (scripts/setup.sh): qemu %v, gcc %v, capstone %v", err, errCC, errCS)
	}
	return q
}

// arm64Toolchains are Go 1.21 and the newest toolchain, of those
// scripts/gotoolchains.sh finds (GOLOAD_ARM64_VERSIONS=21,27 picks others).
func arm64Toolchains(t *testing.T) [][2]string {
	t.Helper()
	out, err := exec.Command("bash", repoRoot+"/scripts/gotoolchains.sh").Output()
	if err != nil {
		t.Fatal(err)
	}
	var all [][3]string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if f := strings.Fields(line); len(f) == 3 {
			all = append(all, [3]string{f[0], f[1], f[2]})
		}
	}
	want := map[string]bool{}
	if v := os.Getenv("GOLOAD_ARM64_VERSIONS"); v != "" {
		for _, m := range strings.Split(v, ",") {
			want[strings.TrimSpace(m)] = true
		}
	} else if len(all) > 0 {
		want["21"], want[all[len(all)-1][0]] = true, true
	}
	var tcs [][2]string
	for _, tc := range all {
		if want[tc[0]] {
			tcs = append(tcs, [2]string{tc[1], tc[2]})
		}
	}
	if len(tcs) == 0 {
		t.Skip("no toolchain for the arm64 checks")
	}
	return tcs
}

// arm64Env is the environment of the arm64 cross builds: hosts and the
// archives they load get the same settings.
func arm64Env(t *testing.T) []string {
	return append(os.Environ(), "GOTOOLCHAIN=local", "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=1",
		"CC=aarch64-linux-gnu-gcc", "PKG_CONFIG_PATH=/usr/lib/aarch64-linux-gnu/pkgconfig",
		"PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig", "CGO_CFLAGS=-O2 -g -DGOLOAD_TREE="+treeHash(t))
}

func buildArm64(t *testing.T, gobin, out, pkg string) {
	t.Helper()
	cmd := exec.Command(gobin, "build", "-o", out, "-ldflags=-extldflags=-static", pkg)
	cmd.Env = arm64Env(t)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("arm64 build of %s with %s: %v\n%s", pkg, gobin, err, b)
	}
}

// runQemu runs bin under qemu; leading NAME=value arguments go to its
// environment.
func runQemu(t *testing.T, qemu, bin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	env := os.Environ()
	for len(args) > 0 && strings.Contains(args[0], "=") {
		env, args = append(env, args[0]), args[1:]
	}
	cmd := exec.CommandContext(ctx, qemu, append([]string{bin}, args...)...)
	cmd.Env = env
	b, err := cmd.CombinedOutput()
	out := string(b)
	if err != nil {
		if len(out) > 4000 {
			out = out[:4000] + "\n..."
		}
		t.Fatalf("qemu %s %v: %v\n%s", filepath.Base(bin), args, err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.HasPrefix(line, "ok ") {
			t.Fatalf("%s %v printed %q", filepath.Base(bin), args, line)
		}
	}
	return out
}

func TestPatchArm64Qemu(t *testing.T) {
	qemu := arm64Tools(t)
	for _, tc := range arm64Toolchains(t) {
		t.Run(tc[0], func(t *testing.T) {
			bin := filepath.Join(hostDir, "patchhost-arm64-"+tc[0])
			buildArm64(t, tc[1], bin, "./testdata/patch/host")
			for _, args := range arm64PatchChecks {
				t0 := time.Now()
				out := runQemu(t, qemu, bin, args...)
				t.Logf("%s (%v): %s", strings.Join(args, " "), time.Since(t0).Round(time.Millisecond), strings.TrimSpace(out))
			}
		})
	}
}
