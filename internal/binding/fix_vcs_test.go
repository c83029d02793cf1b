package binding

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestFixVCSOriginals: a program whose original objects are not in this
// machine's build cache (built elsewhere, as on a CI machine) gets them
// built again from the revision its build info records (vcs.revision,
// vcs.modified=false), when the source tree goload fix runs in is a git
// checkout holding it. The service (examples/fix/service, made unique by
// a nonce in its code so that no other build's archive matches) is
// committed in a temporary git repository and built with vcs stamping;
// its package's archive is then removed from the build cache, so the
// cache search finds nothing. Then, plain, -s -w, and -trimpath PIE
// (its file paths are the checkout's too):
//   - the fix applies (the answer changes, the counter goes on), printing
//     that the originals were built from the revision; no temporary
//     checkout is left;
//   - a parameter type change that keeps the frame (int64 -> uint64) is
//     refused as a changed signature, which only the comparison with the
//     original objects sees: the built originals are used; this second fix
//     reads them from the index (no second build);
//   - a build from a modified tree (vcs.modified=true) is refused with
//     that reason;
//   - a build whose code the revision does not reproduce (an overlay
//     replaced main.go) is refused naming the function, as are a source
//     tree that is no git checkout and a repository without the revision.
//
// Each refusal leaves the service answering as before. Before this change
// every case was refused as "not in the build cache".
//
// GOLOAD_FIX_VCS_COLD=1 builds the services with one empty build cache
// and fixes them with another (a build machine and this one; minutes of
// compiling the standard library and the binding twice per toolchain)
// instead of removing the original from the machine's cache.
func TestFixVCSOriginals(t *testing.T) {
	if testing.Short() {
		t.Skip("builds services")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	variants := []struct {
		name  string
		flags []string
	}{{"plain", nil}, {"stripped", []string{"-ldflags=-s -w"}}, {"trimpath-pie", []string{"-trimpath", "-buildmode=pie"}}}
	first := ""
	forEach(t, func(t *testing.T, tc toolchain) {
		if first == "" {
			first = tc.version
		}
		for _, v := range variants {
			t.Run(v.name, func(t *testing.T) {
				if v.name == "trimpath-pie" && tc.version != first {
					// Its standard library and binding are built once more
					// (a minute per toolchain with a cold cache): one
					// toolchain is enough (passed on 1.21, 1.26, 1.27).
					t.Skipf("-trimpath PIE runs on %s only", first)
				}
				testFixVCS(t, tc, v.flags)
			})
		}
	})
}

// vcsService is examples/fix/service in a fresh git repository, with a
// nonce in main's code, built with vcs stamping (before is called between
// the commit and the build), its original archive removed from the build
// cache, and started.
func vcsService(t *testing.T, tc toolchain, flags []string, before func(s *fixService)) (*fixService, string) {
	t.Helper()
	s := prepareFixService(t, tc, repoRoot+"/examples/fix/service", append([]string{"-buildvcs=true"}, flags...)...)
	b := make([]byte, 8)
	rand.Read(b)
	nonce := hex.EncodeToString(b)
	s.src = strings.Replace(s.src, "\tlog.Fatal(http.Serve(", "\tlog.SetPrefix(\"fixvcs-"+nonce+" \")\n\tlog.Fatal(http.Serve(", 1)
	if !strings.Contains(s.src, nonce) {
		t.Fatal("examples/fix/service: no log.Fatal(http.Serve(")
	}
	s.write(s.src)
	if err := os.WriteFile(filepath.Join(s.dir, ".gitignore"), []byte("/svc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gocache, err := tc.cmd("env", "GOCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	// The goload command's own cache (the index of originals) is new;
	// GOCACHE stays the machine's (XDG_CACHE_HOME would move it).
	s.env = []string{"GOCACHE=" + strings.TrimSpace(string(gocache)), "XDG_CACHE_HOME=" + t.TempDir(), "TMPDIR=" + t.TempDir()}
	git(t, s.dir, "init", "-q")
	git(t, s.dir, "config", "user.name", "goload test")
	git(t, s.dir, "config", "user.email", "test@goload.invalid")
	git(t, s.dir, "add", "-A")
	git(t, s.dir, "commit", "-q", "-m", "service")
	rev := strings.TrimSpace(git(t, s.dir, "rev-parse", "HEAD"))
	if before != nil {
		before(s)
	}
	if os.Getenv("GOLOAD_FIX_VCS_COLD") != "" {
		// Two machines: built with an empty cache A, fixed with an empty
		// cache B (both kept for the toolchain's other services).
		a, b := filepath.Join(hostDir, "gocache-a-"+tc.minor), filepath.Join(hostDir, "gocache-b-"+tc.minor)
		s.env[0] = "GOCACHE=" + a
		s.start()
		s.env[0] = "GOCACHE=" + b
		return s, rev
	}
	s.start()
	// Not in this machine's cache: the archive the build linked is removed
	// (other builds of this code have another nonce).
	list := tc.cmd(append(append([]string{"list", "-overlay=" + treeOverlay(t), "-export", "-f", "{{.Export}}"}, s.flags...), ".")...)
	list.Dir, list.Env = s.dir, append(list.Env, s.env...)
	out, err := list.Output()
	if err != nil || !strings.HasSuffix(strings.TrimSpace(string(out)), "-d") {
		t.Fatalf("go list -export: %v %q", err, out)
	}
	if err := os.Remove(strings.TrimSpace(string(out))); err != nil {
		t.Fatal(err)
	}
	return s, rev
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// svcBuildSetting is the value of key in the build info of s's executable.
func svcBuildSetting(t *testing.T, s *fixService, key string) string {
	t.Helper()
	out, err := s.tc.cmd("version", "-m", filepath.Join(s.dir, "svc")).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if f := strings.Fields(l); len(f) == 2 && f[0] == "build" && strings.HasPrefix(f[1], key+"=") {
			return strings.TrimPrefix(f[1], key+"=")
		}
	}
	return ""
}

// tmpLeft fails when the goload command left a temporary checkout.
func tmpLeft(t *testing.T, s *fixService) {
	t.Helper()
	for _, e := range s.env {
		if d, ok := strings.CutPrefix(e, "TMPDIR="); ok {
			if left, _ := filepath.Glob(filepath.Join(d, "goload-orig-*")); len(left) > 0 {
				t.Errorf("temporary checkouts left: %v", left)
			}
		}
	}
}

func testFixVCS(t *testing.T, tc toolchain, flags []string) {
	s, rev := vcsService(t, tc, flags, nil)
	if m := svcBuildSetting(t, s, "vcs.modified"); svcBuildSetting(t, s, "vcs.revision") != rev || m != "false" {
		t.Fatalf("build info: vcs.revision %q (want %s), vcs.modified %q", svcBuildSetting(t, s, "vcs.revision"), rev, m)
	}
	pid := strconv.Itoa(s.pid)
	c := &http.Client{Timeout: 10 * time.Second}
	n := 0
	get := func(name, want string) {
		t.Helper()
		n++
		b, err := s.get(c, name)
		if err != nil || !strings.HasPrefix(b, strconv.Itoa(n)+" "+want+name+" ") {
			t.Errorf("request %d: %q %v, want %q", n, b, err, strconv.Itoa(n)+" "+want+name)
		}
	}
	get("x", "helo, ")

	s.edit(`"helo, "`, `"hello, "`)
	out, errs, err := s.goload("fix", "-p", pid)
	t.Logf("the first fix: %v\n%s%s", err, out, errs)
	if err != nil || !strings.Contains(out, "patched main.handle\n") {
		t.Fatalf("goload fix: %v\n%s%s", err, out, errs)
	}
	if !strings.Contains(errs, "the original objects were built from revision "+rev[:12]) {
		t.Errorf("goload fix does not say the originals were built from %s:\n%s", rev[:12], errs)
	}
	tmpLeft(t, s)
	get("y", "hello, ")

	// The built originals hold the running signature: uint64 for int64 keeps
	// the frame, and only their DWARF tells it. The index has them: no
	// second build.
	s.edit(`"helo, "`, `"hello, "`, "func status(n int64) string", "func status(n uint64) string",
		"status(n), before", "status(uint64(n)), before")
	out, errs, err = s.goload("fix", "-p", pid)
	if err == nil || !strings.Contains(errs, "main.status: changed signature: (uint64) (string), the running one (int64) (string)") {
		t.Errorf("a changed parameter type was not refused: %v\n%s%s", err, out, errs)
	}
	if strings.Contains(errs, "built from revision") {
		t.Errorf("the second fix built the originals again (the index was not used):\n%s", errs)
	}
	get("z", "hello, ")
	if out, _, err := s.goload("fix", "-p", pid, "--list"); err != nil || strings.Count(out, "\n") != 2 {
		t.Errorf("after the refusal, --list: %v\n%s", err, out)
	}
	tmpLeft(t, s)

	// Built from a modified tree: the revision does not hold its sources.
	d, drev := vcsService(t, tc, flags, func(s *fixService) {
		s.write(strings.Replace(s.src, `"odd"`, `"odd!"`, 1))
	})
	if svcBuildSetting(t, d, "vcs.modified") != "true" {
		t.Fatalf("the dirty build's vcs.modified is %q", svcBuildSetting(t, d, "vcs.modified"))
	}
	d.write(d.src)
	refusedVCS(t, d, "the program was built from a modified tree (vcs.revision "+drev+", vcs.modified=true)",
		"build it from a clean commit", "or keep its build cache")

	// Code the revision does not reproduce: main.go replaced by an overlay
	// at build time (the tree stays clean).
	var o *fixService
	o, orev := vcsService(t, tc, flags, func(s *fixService) {
		alt := filepath.Join(t.TempDir(), "main.go")
		if err := os.WriteFile(alt, []byte(strings.Replace(s.src, `"helo, "`, `"howdy, "`, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		s.flags = append(s.flags, "-overlay="+treeOverlayWith(t, filepath.Join(s.dir, "main.go"), alt)) // the later one wins
	})
	if svcBuildSetting(t, o, "vcs.modified") != "false" {
		t.Fatalf("the overlay build's vcs.modified is %q", svcBuildSetting(t, o, "vcs.modified"))
	}
	// Not a git checkout.
	if err := os.Rename(filepath.Join(o.dir, ".git"), filepath.Join(o.dir, ".git.off")); err != nil {
		t.Fatal(err)
	}
	refusedVCS(t, o, "is not a git checkout", "run goload fix in a clone holding revision "+orev)
	// Another repository, without the revision.
	git(t, o.dir, "init", "-q")
	git(t, o.dir, "-c", "user.name=other", "-c", "user.email=other@goload.invalid", "commit", "-q", "--allow-empty", "-m", "other")
	refusedVCS(t, o, "revision "+orev+", which the program was built from, is not in the git repository", "fetch it")
	os.RemoveAll(filepath.Join(o.dir, ".git"))
	if err := os.Rename(filepath.Join(o.dir, ".git.off"), filepath.Join(o.dir, ".git")); err != nil {
		t.Fatal(err)
	}
	refusedVCS(t, o, "the build of revision "+orev[:12]+" does not reproduce the running code of main.handle")
}

// refusedVCS: the fix of "helo" is refused as its originals could not be
// built, with the reason's words; the service answers as before.
func refusedVCS(t *testing.T, s *fixService, words ...string) {
	t.Helper()
	s.edit(`"helo, "`, `"hello, "`)
	out, errs, err := s.goload("fix", "-p", strconv.Itoa(s.pid))
	t.Logf("refused: %s", strings.TrimSpace(errs))
	want := append([]string{"refused, the program is left untouched", "package example.com/fixsvc: the signatures of its functions and the initial values of its variables cannot be verified: the objects the running program was built from are not in the build cache"}, words...)
	for _, w := range want {
		if err == nil || !strings.Contains(errs, w) {
			t.Errorf("the refusal does not say %q: %v\n%s%s", w, err, out, errs)
		}
	}
	tmpLeft(t, s)
	c := &http.Client{Timeout: 10 * time.Second}
	if b, err := s.get(c, "r"); err != nil || strings.Contains(b, "hello, r") || !strings.Contains(b, ", r ") {
		t.Errorf("after the refusal: %q %v", b, err)
	}
	if out, _, err := s.goload("fix", "-p", strconv.Itoa(s.pid), "--list"); err != nil || strings.Count(out, "\n") != 1 {
		t.Errorf("after the refusal, --list: %v\n%s", err, out)
	}
}
