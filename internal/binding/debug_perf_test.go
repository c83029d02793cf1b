package binding

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// perf names loaded code (docs/debugging.md): testdata/debug/host loads
// package hot and spins in hot.Spin; `perf record` then `perf report`
// must put the samples in the function named as the archive names it
// (`go tool nm`), not in "[JIT] 0x...". The map file's lines must be the
// archive's functions with their sizes, at the addresses the host got
// from Lookup.

const debugHost = "./testdata/debug/host"
const debugHot = "github.com/goload/goload/internal/binding/testdata/debug/hot."

// nmFuncs: the archive's defined functions (T) and their sizes, by
// `go tool nm -size`.
func nmFuncs(t *testing.T, tc toolchain, archive string) map[string]uint64 {
	t.Helper()
	out, err := tc.cmd("tool", "nm", "-size", archive).Output()
	if err != nil {
		t.Fatalf("go tool nm: %v", err)
	}
	fs := map[string]uint64{}
	for _, l := range strings.Split(string(out), "\n") {
		f := strings.Fields(l)
		// "ADDR SIZE T NAME"
		if len(f) >= 4 && f[2] == "T" {
			n, err := strconv.ParseUint(f[1], 10, 64)
			if err == nil {
				fs[strings.Join(f[3:], " ")] = n
			}
		}
	}
	if len(fs) == 0 {
		t.Fatalf("go tool nm -size %s lists no functions:\n%s", archive, out)
	}
	return fs
}

// hostValue is the value after "key " in a host's output.
func hostValue(t *testing.T, out, key string) string {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(l, key+" "); ok {
			return v
		}
	}
	t.Fatalf("the host printed no %q:\n%s", key, out)
	return ""
}

type perfLine struct {
	start, size uint64
	name        string
}

// perfMap reads /tmp/perf-PID.map (and removes it); every line must
// parse as "START SIZE name".
func perfMap(t *testing.T, pid string) []perfLine {
	t.Helper()
	path := filepath.Join("/tmp", "perf-"+pid+".map")
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(path)
	defer f.Close()
	var ls []perfLine
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l perfLine
		if _, err := fmt.Sscanf(sc.Text(), "%x %x %s", &l.start, &l.size, &l.name); err != nil {
			t.Fatalf("%s: line %q: %v", path, sc.Text(), err)
		}
		ls = append(ls, l)
	}
	return ls
}

func TestPerfMapLines(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		bin := buildHost(t, tc, debugHost, "")
		ar := archiveBy(t, tc, "./testdata/debug/hot")
		want := nmFuncs(t, tc, ar)
		out := runHost(t, bin, nil, "spin", ar, "0")
		spin, err := strconv.ParseUint(strings.TrimPrefix(hostValue(t, out, "Spin"), "0x"), 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]perfLine{}
		for _, l := range perfMap(t, hostValue(t, out, "pid")) {
			got[l.name] = l
		}
		for name, size := range want {
			l, ok := got[name]
			if !ok {
				t.Errorf("the perf map has no line for %s (go tool nm lists it); it has %v", name, got)
			} else if l.size != size {
				t.Errorf("the perf map gives %s %d bytes, go tool nm -size %d", name, l.size, size)
			}
		}
		if l := got[debugHot+"Spin"]; l.start != spin {
			t.Errorf("the perf map puts hot.Spin at 0x%x, Lookup at 0x%x", l.start, spin)
		}
		// A patch's stub and trampoline are named after the target.
		out = runHost(t, bin, nil, "patch", ar)
		found := false
		for _, l := range perfMap(t, hostValue(t, out, "pid")) {
			found = found || (l.name == "goload.patch:main.banner" && l.size > 0)
		}
		if !found {
			t.Errorf("the perf map of a patching host has no goload.patch:main.banner line")
		}
	})
}

// A perf map left by a dead process whose pid the host now has is
// emptied at the host's first write: perf would otherwise name the
// host's addresses with the dead process's functions.
func TestPerfMapStaleFile(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		bin := buildHost(t, tc, debugHost, "")
		ar := archiveBy(t, tc, "./testdata/debug/hot")
		cmd := exec.Command(bin, "spin", ar, "0")
		cmd.Env = append(os.Environ(), "GOLOAD_TEST_WAIT=1")
		in, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		pr, pw := io.Pipe()
		cmd.Stdout = pw
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		first, err := bufio.NewReader(pr).ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		out.WriteString(first)
		pid := strings.TrimSpace(strings.TrimPrefix(first, "pid "))
		path := filepath.Join("/tmp", "perf-"+pid+".map")
		if err := os.WriteFile(path, []byte("dead 10 stale.deadProcessFunc\n"), 0644); err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-time.Hour)
		if err := os.Chtimes(path, old, old); err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() { io.Copy(&out, pr); close(done) }() //nolint:errcheck
		in.Write([]byte("\n"))                         //nolint:errcheck
		err = cmd.Wait()
		pw.Close()
		<-done
		if err != nil {
			t.Fatalf("host: %v\n%s", err, out.String())
		}
		hot := 0
		for _, l := range perfMap(t, pid) {
			if l.name == "stale.deadProcessFunc" {
				t.Errorf("the perf map still has the dead process's line")
			}
			if strings.HasPrefix(l.name, debugHot) {
				hot++
			}
		}
		if hot == 0 {
			t.Errorf("the perf map has no line for the loaded package")
		}
	})
}

// Opting out: GOLOAD_PERFMAP=0 for every module, OpenOptions.NoPerfMap
// for one OpenPackage.
func TestPerfMapOptOut(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		bin := buildHost(t, tc, debugHost, "")
		ar := archiveBy(t, tc, "./testdata/debug/hot")
		t0 := time.Now().Add(-time.Second) // mtimes may be coarser than the clock
		out := runHost(t, bin, []string{"GOLOAD_PERFMAP=0"}, "spin", ar, "0")
		pid := hostValue(t, out, "pid")
		// A map older than the host is a dead process's that had its pid.
		if st, err := os.Stat(filepath.Join("/tmp", "perf-"+pid+".map")); err == nil && st.ModTime().Before(t0) {
			os.Remove(filepath.Join("/tmp", "perf-"+pid+".map"))
		}
		if ls := perfMap(t, pid); len(ls) != 0 {
			t.Errorf("GOLOAD_PERFMAP=0: the host wrote a perf map: %v", ls)
		}
		wd, _ := os.Getwd()
		out = runHost(t, bin, nil, "spinpkg", wd, "0")
		for _, l := range perfMap(t, hostValue(t, out, "pid")) {
			if strings.HasPrefix(l.name, debugHot) {
				t.Errorf("OpenOptions.NoPerfMap: the perf map names %s", l.name)
			}
		}
	})
}

// perf record of a host spinning in loaded code: perf report names it.
func TestPerfReportNamesLoadedCode(t *testing.T) {
	perf, err := exec.LookPath("perf")
	if err != nil {
		t.Skip("no perf (scripts/setup.sh installs linux-perf)")
	}
	forEach(t, func(t *testing.T, tc toolchain) {
		bin := buildHost(t, tc, debugHost, "")
		ar := archiveBy(t, tc, "./testdata/debug/hot")
		want := debugHot + "Spin"
		if _, ok := nmFuncs(t, tc, ar)[want]; !ok {
			t.Fatalf("go tool nm does not list %s", want)
		}
		data := filepath.Join(t.TempDir(), "perf.data")
		rec := exec.Command(perf, "record", "-e", "cpu-clock", "-o", data, "--", bin, "spin", ar, "1")
		out, err := rec.CombinedOutput()
		if err != nil {
			t.Skipf("perf record cannot run here: %v\n%s", err, out)
		}
		defer perfMap(t, hostValue(t, string(out), "pid"))
		rep, err := exec.Command(perf, "report", "-i", data, "--stdio", "--sort", "sym").CombinedOutput()
		if err != nil {
			t.Fatalf("perf report: %v\n%s", err, rep)
		}
		// "    98.91%  [.] github.com/.../hot.Spin"
		var pct float64
		for _, l := range strings.Split(string(rep), "\n") {
			f := strings.Fields(l)
			if len(f) == 3 && f[1] == "[.]" && f[2] == want {
				pct, _ = strconv.ParseFloat(strings.TrimSuffix(f[0], "%"), 64)
			}
			if strings.Contains(l, "[JIT]") {
				t.Errorf("perf report has an unnamed JIT address: %s", l)
			}
		}
		if pct < 50 {
			t.Fatalf("perf report gives %s %.2f%% of the samples (the host spins in it):\n%s", want, pct, tail(string(rep), 2000))
		}
		t.Logf("perf report: %s %.2f%%", want, pct)
	})
}
