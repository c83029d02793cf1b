package binding

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
// hosts built the way users build them: a plain `go build` of testdata/host
// by the Go toolchains scripts/gotoolchains.sh finds (see defaultVersions),
// with archives compiled by the same toolchain.

type toolchain struct {
	minor   string // "26"
	version string // "go1.26.8"
	gocmd   string
}

var (
	hostDir   string
	toolsOnce sync.Once
	tools     []toolchain
	hostsMu   sync.Mutex
	hosts     = map[string]string{}
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "goload-test-")
	if err != nil {
		panic(err)
	}
	hostDir = dir
	// The hosts' index caches live with them, and every index a host
	// reads from its cache is compared with a fresh build
	// (src/link/hostcache.c).
	os.Setenv("GOLOAD_CACHE", filepath.Join(dir, "cache"))
	os.Setenv("GOLOAD_CHECK_INDEX", "1")
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// defaultVersions keeps go test within its time budget: every host is
// rebuilt when the C sources change (about 40 s per toolchain here). Set
// GOLOAD_GO_VERSIONS=21,22,23,24,25,26,27 for the whole matrix.
const defaultVersions = "23,26,27"

func toolchains(t *testing.T) []toolchain {
	toolsOnce.Do(func() {
		cmd := exec.Command("bash", repoRoot+"/scripts/gotoolchains.sh")
		if os.Getenv("GOLOAD_GO_VERSIONS") == "" {
			cmd.Env = append(os.Environ(), "GOLOAD_GO_VERSIONS="+defaultVersions)
		}
		out, err := cmd.Output()
		if err != nil {
			return
		}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if f := strings.Fields(line); len(f) == 3 {
				tools = append(tools, toolchain{f[0], f[1], f[2]})
			}
		}
	})
	if len(tools) == 0 {
		t.Fatal("scripts/gotoolchains.sh found no Go toolchain")
	}
	return tools
}

// supported reports whether goload loads into hosts of this Go version;
// the others must fail with a clear error (TestUnsupportedVersion).
func (tc toolchain) supported() bool { return tc.minor >= "21" && tc.minor <= "27" }

// forEach runs f as a subtest per supported toolchain.
func forEach(t *testing.T, f func(t *testing.T, tc toolchain)) {
	for _, tc := range toolchains(t) {
		if !tc.supported() {
			continue
		}
		t.Run(tc.version, func(t *testing.T) { f(t, tc) })
	}
}

func (tc toolchain) cmd(args ...string) *exec.Cmd {
	cmd := exec.Command(tc.gocmd, args...)
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	return cmd
}

var (
	overlayOnce sync.Once
	overlayPath string
)

// treeOverlay returns a go build -overlay file that adds a Go file holding
// a digest of the C sources to package goload. The go command does not
// track files a cgo wrapper #includes from other folders, so without it a
// changed src/**.c could be linked from a stale build cache entry; only
// this package is rebuilt when the digest changes.
func treeOverlay(t *testing.T) string {
	overlayOnce.Do(func() {
		wd, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		src := filepath.Join(hostDir, "zz_tree.go")
		if err := os.WriteFile(src, []byte("package binding\n\n// C sources: "+treeHash(t)+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		js := fmt.Sprintf(`{"Replace":{%q:%q}}`, filepath.Join(wd, "zz_tree.go"), src)
		overlayPath = filepath.Join(hostDir, "overlay.json")
		if err := os.WriteFile(overlayPath, []byte(js), 0o644); err != nil {
			t.Fatal(err)
		}
	})
	return overlayPath
}

// repoRoot is the repository's top from this package's folder (go test's
// working directory): src/, include/ and scripts/ are there.
const repoRoot = "../.."

// treeHash digests the C library's sources.
func treeHash(t *testing.T) string {
	h := sha256.New()
	for _, root := range []string{repoRoot + "/src", repoRoot + "/include"} {
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

// testHost builds testdata/host with the toolchain (once per test run);
// flags are further go build flags ("-buildmode=pie").
func testHost(t *testing.T, tc toolchain, ldflags string, flags ...string) string {
	t.Helper()
	return buildHost(t, tc, "./testdata/host", ldflags, flags...)
}

// buildHost builds a host program with the toolchain and extra go build
// flags (once per test run).
func buildHost(t *testing.T, tc toolchain, pkg, ldflags string, flags ...string) string {
	t.Helper()
	key := tc.minor + " " + pkg + " " + ldflags + " " + strings.Join(flags, " ")
	hostsMu.Lock()
	defer hostsMu.Unlock()
	if bin, ok := hosts[key]; ok {
		if bin == "" {
			t.Fatal("building the host failed earlier")
		}
		return bin
	}
	bin := filepath.Join(hostDir, fmt.Sprintf("host%d", len(hosts)))
	hosts[key] = ""
	if strings.Contains(ldflags, "-linkmode=internal") {
		// The Go linker cannot link Capstone's static archive: such a
		// host links its shared library (capstone_static.go).
		flags = append([]string{"-tags=goload_capstone_shared"}, flags...)
	}
	cmd := tc.cmd(append(append([]string{"build", "-overlay=" + treeOverlay(t), "-ldflags=" + ldflags}, flags...), "-o", bin, pkg)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s build %s: %v\n%s", tc.version, pkg, err, out)
	}
	hosts[key] = bin
	return bin
}

// archive returns the export archive of a package compiled by the go
// command on PATH (the one go test runs with).
func archive(t *testing.T, pkg string) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-export", "-f", "{{.Export}}", pkg).Output()
	if err != nil {
		t.Fatalf("go list -export %s: %v", pkg, err)
	}
	return strings.TrimSpace(string(out))
}

// archiveBy returns the export archive of a package compiled by tc.
func archiveBy(t *testing.T, tc toolchain, pkg string) string {
	t.Helper()
	out, err := tc.cmd("list", "-export", "-f", "{{.Export}}", pkg).Output()
	if err != nil {
		t.Fatalf("%s list -export %s: %v", tc.version, pkg, err)
	}
	return strings.TrimSpace(string(out))
}

// runHost runs a host with args and returns its stdout; the test fails
// when the host exits non-zero.
func runHost(t *testing.T, bin string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("host %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}

// loadCheck loads fixture packages into a host and runs one of its checks.
func loadCheck(t *testing.T, tc toolchain, ldflags string, env []string, check string, pkgs ...string) string {
	t.Helper()
	return loadCheckIn(t, tc, testHost(t, tc, ldflags), env, check, pkgs...)
}

// loadCheckIn is loadCheck in a host already built (bin).
func loadCheckIn(t *testing.T, tc toolchain, bin string, env []string, check string, pkgs ...string) string {
	t.Helper()
	args := []string{check}
	for _, p := range pkgs {
		args = append(args, archiveBy(t, tc, p))
	}
	out := runHost(t, bin, env, args...)
	if !strings.HasSuffix(out, "ok\n") {
		t.Fatalf("%s printed %q", check, out)
	}
	return out
}

func TestHostCheck(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) { loadCheck(t, tc, "", nil, "check") })
}

func TestLoadPlain(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		loadCheck(t, tc, "", []string{"GOLOAD_DEBUG=1"}, "plain", "./testdata/fix/plain")
	})
}

func TestLoadFeatures(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		t.Log(loadCheck(t, tc, "", []string{"GOGC=1"}, "feat", "./testdata/fix/feat"))
	})
}

// The binding uses cgo, so a plain host is linked externally by default;
// this one is linked by the Go linker (g at %fs:-8, no runtime.tlsg). Only
// the newest toolchain: the TLS placement does not depend on the version.
func TestLoadInternallyLinkedHost(t *testing.T) {
	var last toolchain
	for _, tc := range toolchains(t) {
		if tc.supported() {
			last = tc
		}
	}
	t.Run(last.version, func(t *testing.T) {
		tc := last
		loadCheck(t, tc, "-linkmode=internal", []string{"GOGC=1"}, "feat", "./testdata/fix/feat")
		loadCheck(t, tc, "-linkmode=internal", nil, "asm", "./testdata/fix/asmfix")
	})
}

func TestLoadStd(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) { t.Log(loadCheck(t, tc, "", nil, "std", "./testdata/fix/stdfix")) })
}

func TestLoadAssembly(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) { loadCheck(t, tc, "", nil, "asm", "./testdata/fix/asmfix") })
}

func TestLoadInitOrder(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		want, err := tc.cmd("run", "./testdata/initorder").Output()
		if err != nil {
			t.Fatal(err)
		}
		out := loadCheck(t, tc, "", []string{"GOLOAD_DEBUG=1"}, "init", "./testdata/fix/inita", "./testdata/fix/initb")
		if out != string(want)+"ok\n" {
			t.Fatalf("loaded init order %q, go build's %q", out, want)
		}
	})
}

func TestLoadUnrecoveredPanic(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		cmd := exec.Command(testHost(t, tc, ""), "crash", archiveBy(t, tc, "./testdata/fix/feat"))
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 2 {
			t.Fatalf("crash: %v, want exit status 2\n%s", err, stderr.String())
		}
		tb := stderr.String()
		for _, want := range []string{"panic: wrapped: boom", "github.com/goload/goload/internal/binding/testdata/fix/feat.Panic()", "testdata/fix/feat/feat.go:"} {
			if !strings.Contains(tb, want) {
				t.Errorf("traceback lacks %q:\n%s", want, tb)
			}
		}
	})
}

// Three modules in one process: each registration rebuilds the runtime's
// module list and typemaps over the modules before it.
func TestLoadSeveralModules(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		loadCheck(t, tc, "", []string{"GOGC=1"}, "multi", "./testdata/fix/plain", "./testdata/fix/feat", "./testdata/fix/stdfix")
	})
}

// Lookup checks a function's whole signature (from its DWARF info) against
// T, with the host's twin of each function as the ground truth.
func TestLookupSignatures(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) { t.Log(loadCheck(t, tc, "", nil, "sigs", "./testdata/fix/sigs")) })
}

// A package the host contains is reused even when its archive is passed:
// loaded code reads and writes the host's variables.
func TestLoadReusesHostPackages(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		loadCheck(t, tc, "", []string{"GOLOAD_DEBUG=1"}, "reuse", "./testdata/fix/usestwin", "./testdata/fix/twin/feat")
	})
}
