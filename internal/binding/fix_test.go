package binding

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The goload CLI, built once per test run from cmd/goload and the unity
// file libgoload.c (the same C library the Go package compiles).
var (
	fixCLIOnce sync.Once
	fixCLIPath string
	fixCLIErr  error
)

func fixCLI(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("GOLOAD_TEST_FIX_CLI"); p != "" {
		return p // another build of the command (checking that a test fails on old code)
	}
	fixCLIOnce.Do(func() {
		srcs, _ := filepath.Glob(repoRoot + "/cmd/goload/*.c")
		fixCLIPath = filepath.Join(hostDir, "goload")
		args := append([]string{"-O1", "-std=gnu11", "-I" + repoRoot + "/include", "-I" + repoRoot + "/src", "-I/usr/include/capstone", "-o", fixCLIPath}, srcs...)
		args = append(args, "libgoload.c", "-lcapstone", "-lpthread")
		if out, err := exec.Command("cc", args...).CombinedOutput(); err != nil {
			fixCLIErr = fmt.Errorf("cc: %v\n%s", err, out)
		}
	})
	if fixCLIErr != nil {
		t.Fatal(fixCLIErr)
	}
	return fixCLIPath
}

// fixService is examples/fix/service copied into a module of its own (the
// user's source tree), built by tc with extra flags and running.
type fixService struct {
	t     *testing.T
	tc    toolchain
	dir   string // the source tree
	sock  string // the agent's directory (its TMPDIR)
	src   string // main.go as built
	pid   int
	addr  string
	cmd   *exec.Cmd
	flags []string
	env   []string // for the build and the goload command (GOCACHE, XDG_CACHE_HOME)
}

func startFixService(t *testing.T, tc toolchain, flags ...string) *fixService {
	return startFixServiceFrom(t, tc, repoRoot+"/examples/fix/service", flags...)
}

// startFixServiceFrom copies the Go files of srcdir (and its
// subfolders) into the module example.com/fixsvc, builds and starts it.
func startFixServiceFrom(t *testing.T, tc toolchain, srcdir string, flags ...string) *fixService {
	t.Helper()
	s := prepareFixService(t, tc, srcdir, flags...)
	s.start()
	return s
}

// prepareFixService writes the source tree of startFixServiceFrom.
func prepareFixService(t *testing.T, tc toolchain, srcdir string, flags ...string) *fixService {
	t.Helper()
	wd, _ := filepath.Abs(repoRoot)
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join(srcdir, "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(srcdir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == filepath.Join(srcdir, "main.go") || !strings.HasSuffix(p, ".go") {
			return err
		}
		b, err := os.ReadFile(p)
		if err == nil {
			rel, _ := filepath.Rel(srcdir, p)
			os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755)
			err = os.WriteFile(filepath.Join(dir, rel), b, 0o644)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	gomod := "module example.com/fixsvc\n\ngo 1.21\n\nrequire github.com/goload/goload v0.0.0\n\nreplace github.com/goload/goload => " + wd + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	s := &fixService{t: t, tc: tc, dir: dir, src: string(src), flags: flags}
	s.write(s.src)
	return s
}

// start builds the source tree (go build -o svc .) and starts it.
func (s *fixService) start() {
	t, tc := s.t, s.tc
	t.Helper()
	bin := filepath.Join(s.dir, "svc")
	cmd := tc.cmd(append(append([]string{"build", "-overlay=" + treeOverlay(t)}, s.flags...), "-o", bin, ".")...)
	cmd.Dir = s.dir
	cmd.Env = append(cmd.Env, s.env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s build: %v\n%s", tc.version, err, out)
	}
	// A short private TMPDIR: the agent's socket goes there.
	var err error
	s.sock, err = os.MkdirTemp("", "fx")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(s.sock) })
	s.cmd = exec.Command(bin, "127.0.0.1:0")
	s.cmd.Env = append(os.Environ(), "TMPDIR="+s.sock)
	s.cmd.Stderr = os.Stderr
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.cmd.Process.Kill(); s.cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if _, err2 := fmt.Sscanf(line, "listening on %s pid %d", &s.addr, &s.pid); err != nil || err2 != nil {
		t.Fatalf("service: %q %v %v", line, err, err2)
	}
	s.addr = strings.TrimSuffix(s.addr, ",")
	go io.Copy(io.Discard, out)
}

func (s *fixService) write(src string) {
	if err := os.WriteFile(filepath.Join(s.dir, "main.go"), []byte(src), 0o644); err != nil {
		s.t.Fatal(err)
	}
}

// edit writes main.go as built with the replacements old, new, ...
func (s *fixService) edit(pairs ...string) {
	s.t.Helper()
	src := s.src
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(src, pairs[i]) {
			s.t.Fatalf("main.go has no %q", pairs[i])
		}
		src = strings.ReplaceAll(src, pairs[i], pairs[i+1])
	}
	s.write(src)
}

// goload runs the CLI in the source tree, with tc's go first on PATH.
func (s *fixService) goload(args ...string) (string, string, error) {
	cmd := exec.Command(fixCLI(s.t), args...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(s.tc.gocmd)+":"+os.Getenv("PATH"), "GOTOOLCHAIN=local",
		"GOLOAD_AGENT_DIR="+s.sock, "GOFLAGS=-overlay="+treeOverlay(s.t))
	cmd.Env = append(cmd.Env, s.env...)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	return out.String(), errb.String(), err
}

func (s *fixService) get(c *http.Client, name string) (string, error) {
	resp, err := c.Get("http://" + s.addr + "/?name=" + name)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != 200 {
		return "", fmt.Errorf("status %d: %s", resp.StatusCode, b)
	}
	return string(b), nil
}

// answer is one request of the load generator.
type answer struct {
	start, end time.Time
	n          int
	body       string
	err        error
}

// load runs a bounded loopback load generator (4 clients, keep-alive,
// back to back) until stop is closed.
func (s *fixService) load(stop chan struct{}) func() []answer { return s.loadAt(stop, 0) }

// loadAt is load with the 4 clients together sending at most rate
// requests a second (0: each sends its next request as soon as the last
// one is answered, which keeps a 2-core machine busy).
func (s *fixService) loadAt(stop chan struct{}, rate int) func() []answer {
	var mu sync.Mutex
	var all []answer
	var wg sync.WaitGroup
	const clients = 4
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &http.Client{Timeout: 10 * time.Second}
			var tick *time.Ticker
			if rate > 0 {
				tick = time.NewTicker(time.Second * clients / time.Duration(rate))
				defer tick.Stop()
			}
			for {
				if tick != nil {
					select {
					case <-stop:
						return
					case <-tick.C:
					}
				}
				select {
				case <-stop:
					return
				default:
				}
				a := answer{start: time.Now()}
				a.body, a.err = s.get(c, "gopher")
				a.end = time.Now()
				if a.err == nil {
					a.n, _ = strconv.Atoi(strings.Fields(a.body)[0])
				}
				mu.Lock()
				all = append(all, a)
				mu.Unlock()
			}
		}()
	}
	return func() []answer { wg.Wait(); return all }
}

// TestFixService is the whole goload fix flow on examples/fix/service,
// built plain, with -s -w and as PIE: under load, the handler's bug (in
// greet, which the compiler inlines into handle) is fixed; no request
// fails, every request sent after the command returns has the fixed
// answer, and the counter (the service's state) goes on. Then a changed
// signature and a changed type layout are refused and leave the service
// as it was; the fix is reverted.
func TestFixService(t *testing.T) {
	forEachServiceBuild(t, testFixService)
}

// forEachServiceBuild runs test on each toolchain for a service built
// plain, with -s -w and as PIE.
func forEachServiceBuild(t *testing.T, test func(t *testing.T, tc toolchain, flags []string)) {
	if testing.Short() {
		t.Skip("builds services")
	}
	variants := []struct {
		name  string
		flags []string
	}{{"plain", nil}, {"stripped", []string{"-ldflags=-s -w"}}, {"pie", []string{"-buildmode=pie"}}}
	forEach(t, func(t *testing.T, tc toolchain) {
		for _, v := range variants {
			t.Run(v.name, func(t *testing.T) { test(t, tc, v.flags) })
		}
	})
}

func testFixService(t *testing.T, tc toolchain, flags []string) {
	s := startFixService(t, tc, flags...)
	c := &http.Client{Timeout: 10 * time.Second}
	if b, err := s.get(c, "x"); err != nil || !strings.Contains(b, "helo, x") {
		t.Fatalf("before the fix: %q %v", b, err)
	}
	// greet is inlined into handle: its copy there is what runs.
	if out, _, _ := s.goload("fix", "-p", strconv.Itoa(s.pid), "-n"); strings.Contains(out, "main.greet") {
		t.Logf("note: greet has an out-of-line copy in this build")
	}

	stop := make(chan struct{})
	wait := s.load(stop)
	time.Sleep(200 * time.Millisecond)
	s.edit(`"helo, "`, `"hello, "`)
	t0 := time.Now()
	out, errs, err := s.goload("fix", "-p", strconv.Itoa(s.pid))
	live := time.Now()
	if err != nil {
		close(stop)
		wait()
		t.Fatalf("goload fix: %v\n%s%s", err, out, errs)
	}
	time.Sleep(300 * time.Millisecond)
	close(stop)
	all := wait()
	t.Logf("goload fix (%v):\n%s", live.Sub(t0).Round(time.Millisecond), out)
	if !strings.Contains(out, "patched main.handle\n") {
		t.Errorf("goload fix did not patch main.handle:\n%s", out)
	}
	var failed, before, after, stale int
	var ns []int
	for _, a := range all {
		if a.err != nil {
			failed++
			t.Errorf("request failed: %v", a.err)
			continue
		}
		ns = append(ns, a.n)
		fixed := strings.Contains(a.body, "hello, gopher")
		if !fixed && !strings.Contains(a.body, "helo, gopher") {
			t.Errorf("unexpected answer %q", a.body)
		}
		if a.end.Before(t0) {
			before++
		}
		if a.start.After(live) {
			after++
			if !fixed {
				stale++
				t.Errorf("request sent after the fix answered %q", a.body)
			}
		}
	}
	t.Logf("%d requests: %d answered before the command, %d sent after it returned (%d stale), %d failed",
		len(all), before, after, stale, failed)
	if before == 0 || after == 0 {
		t.Errorf("the load did not run across the fix (%d before, %d after)", before, after)
	}
	// The counter is the host's: one count per request, never reset.
	sort.Ints(ns)
	for i, n := range ns {
		if n != i+2 { // request 1 was the check above
			t.Fatalf("counter: the %dth answer has %d (state lost or shared)", i, n)
		}
	}

	// Refusals leave the service untouched.
	check := func(what string) {
		t.Helper()
		b, err := s.get(c, "y")
		if err != nil || !strings.Contains(b, "hello, y") {
			t.Errorf("after the refused %s: %q %v", what, b, err)
		}
		out, _, err := s.goload("fix", "-p", strconv.Itoa(s.pid), "--list")
		if err != nil || strings.Count(out, "\n") != 2 || !strings.Contains(out, "applied") {
			t.Errorf("after the refused %s, --list: %v\n%s", what, err, out)
		}
	}
	s.edit(`"helo, "`, `"hello, "`, "func status(n int64) string", "func status(n int64, k int) string",
		"status(n), before", "status(n, 1), before")
	out, errs, err = s.goload("fix", "-p", strconv.Itoa(s.pid))
	if err == nil || !strings.Contains(errs, "main.status: changed signature") {
		t.Errorf("a changed signature was not refused: %v\n%s%s", err, out, errs)
	}
	check("signature change")
	s.edit(`"helo, "`, `"hello, "`, "\tname string\n}", "\tname string\n\tat   int64\n}")
	out, errs, err = s.goload("fix", "-p", strconv.Itoa(s.pid))
	// Refused by goload fix when the type is referenced in the code both
	// builds share, else by the agent's link (the host's type compared).
	// On a stripped host the new frame leaves too little shared code to
	// place main.hits: that refusal may come first.
	stripped := strings.Contains(strings.Join(flags, " "), "-s")
	layout := strings.Contains(errs, "main.visit: changed layout") || strings.Contains(errs, "main.visit: changed definition of an existing type")
	if err == nil || !(layout || stripped && strings.Contains(errs, "variable main.hits: the running program is stripped")) {
		t.Errorf("a changed type layout was not refused: %v\n%s%s", err, out, errs)
	}
	check("layout change")

	s.edit(`"helo, "`, `"hello, "`, "func handle(", "func init() { hits.Add(100) }\n\nfunc handle(")
	out, errs, err = s.goload("fix", "-p", strconv.Itoa(s.pid))
	if err == nil || !strings.Contains(errs, "main.init.0: a new package initializer") {
		t.Errorf("a new init was not refused: %v\n%s%s", err, out, errs)
	}
	check("new init")

	// A second fix of the same function replaces the first.
	s.edit(`"helo, "`, `"hi, "`)
	if out, errs, err = s.goload("fix", "-p", strconv.Itoa(s.pid)); err != nil {
		t.Fatalf("second fix: %v\n%s%s", err, out, errs)
	}
	if b, err := s.get(c, "z"); err != nil || !strings.Contains(b, "hi, z") {
		t.Errorf("after the second fix: %q %v", b, err)
	}
	out, _, _ = s.goload("fix", "-p", strconv.Itoa(s.pid), "--list")
	if !strings.Contains(out, "replaced") || !strings.Contains(out, "applied") {
		t.Errorf("--list after two fixes:\n%s", out)
	}
	if out, errs, err = s.goload("fix", "-p", strconv.Itoa(s.pid), "--revert"); err != nil {
		t.Fatalf("--revert: %v\n%s%s", err, out, errs)
	}
	if b, err := s.get(c, "z"); err != nil || !strings.Contains(b, "helo, z") {
		t.Errorf("after --revert: %q %v", b, err)
	}
	// A function kept out of line (status, //go:noinline) is patched itself.
	s.edit(`"odd"`, `"ODD"`, `"even"`, `"EVEN"`)
	if out, errs, err = s.goload("fix", "-p", strconv.Itoa(s.pid)); err != nil || !strings.Contains(out, "patched main.status\n") {
		t.Fatalf("fix of status: %v\n%s%s", err, out, errs)
	}
	for i := 0; i < 2; i++ {
		if b, err := s.get(c, "w"); err != nil || !strings.Contains(b, "helo, w") || !(strings.Contains(b, "ODD") || strings.Contains(b, "EVEN")) {
			t.Errorf("after the fix of status: %q %v", b, err)
		}
	}
	out, _, _ = s.goload("ps")
	if !strings.Contains(out, strconv.Itoa(s.pid)) {
		// ps looks in GOLOAD_AGENT_DIR too
		t.Errorf("goload ps does not list %d:\n%s", s.pid, out)
	}
}

// TestFixInlinedAcrossPackages: util.Word is inlined into main.handle.
// Fixing package util alone would leave main.handle running the old
// inlined copy: refused, naming the caller, and the service answers as
// before. Rebuilding both (the default, ./...) patches main.handle.
func TestFixInlinedAcrossPackages(t *testing.T) {
	if testing.Short() {
		t.Skip("builds services")
	}
	forEach(t, func(t *testing.T, tc toolchain) {
		s := startFixServiceFrom(t, tc, "testdata/fixinl")
		c := &http.Client{Timeout: 10 * time.Second}
		if b, err := s.get(c, "x"); err != nil || b != "old x\n" {
			t.Fatalf("before: %q %v", b, err)
		}
		util := filepath.Join(s.dir, "util", "util.go")
		b, _ := os.ReadFile(util)
		if err := os.WriteFile(util, []byte(strings.Replace(string(b), `"old "`, `"new "`, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		out, errs, err := s.goload("fix", "-p", strconv.Itoa(s.pid), "./util")
		if err == nil || !strings.Contains(errs, "util.Word is inlined into main.handle") || !strings.Contains(errs, "not rebuilt") {
			t.Errorf("fixing util alone was not refused: %v\n%s%s", err, out, errs)
		}
		if b, err := s.get(c, "x"); err != nil || b != "old x\n" {
			t.Errorf("after the refusal: %q %v", b, err)
		}
		out, errs, err = s.goload("fix", "-p", strconv.Itoa(s.pid))
		if err != nil || !strings.Contains(out, "patched main.handle\n") {
			t.Fatalf("goload fix: %v\n%s%s", err, out, errs)
		}
		if b, err := s.get(c, "x"); err != nil || b != "new x\n" {
			t.Errorf("after the fix: %q %v", b, err)
		}
	})
}

// TestFixWatch: goload fix --watch applies every saved change, keeping
// the process and its state (the counter goes on).
func TestFixWatch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds services")
	}
	forEach(t, func(t *testing.T, tc toolchain) {
		s := startFixService(t, tc)
		cmd := exec.Command(fixCLI(t), "fix", "-p", strconv.Itoa(s.pid), "--watch")
		cmd.Dir = s.dir
		cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(tc.gocmd)+":"+os.Getenv("PATH"), "GOTOOLCHAIN=local",
			"GOLOAD_AGENT_DIR="+s.sock, "GOFLAGS=-overlay="+treeOverlay(t))
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		c := &http.Client{Timeout: 10 * time.Second}
		time.Sleep(500 * time.Millisecond)
		n := 0
		for i, greeting := range []string{"hello, ", "hey, "} {
			time.Sleep(20 * time.Millisecond) // a new modification time
			s.edit(`"helo, "`, `"`+greeting+`"`)
			deadline := time.Now().Add(30 * time.Second)
			for {
				b, err := s.get(c, "w")
				if err != nil {
					t.Fatal(err)
				}
				n++
				if got, _ := strconv.Atoi(strings.Fields(b)[0]); got != n {
					t.Fatalf("counter %d after %d requests: state lost", got, n)
				}
				if strings.Contains(b, greeting+"w") {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("change %d not applied after 30 s: %q\n%s", i, b, out.String())
				}
				time.Sleep(100 * time.Millisecond)
			}
		}
	})
}
