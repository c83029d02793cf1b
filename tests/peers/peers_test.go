package peers

// The peers' test programs through goload, per Go toolchain: for each
// case of package drive, the host (host/, built by that toolchain) loads
// the case's packages with goload.OpenPackage and runs its assertions;
// the twin (twin/<case>/, -tags goload_native, same toolchain) runs them
// on the packages linked natively. The outputs must be equal, once the
// host's "load: ..." lines are taken out; a "load: FAIL" line fails the
// case. A case whose packages goload refuses for a reason the case
// allows (cgo, until goload loads cgo packages) counts as refused.
//
//	GOLOAD_GO_VERSIONS=21,26,27   toolchains (minors), default 21,26,27
//	GOLOAD_PEERS_CASES=REGEXP     only the cases matching
//
// Each toolchain prints "peers: N passed, M failed of K" and each failure
// with its first error ("peers:   case: ..."); the end prints the matrix
// of cases x toolchains ("peers| ..."). run.sh shows just those lines.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goload/goload/tests/peers/drive"
)

type toolchain struct{ minor, version, gocmd string }

func toolchains(t *testing.T) []toolchain {
	cmd := exec.Command("bash", "../../scripts/gotoolchains.sh")
	if os.Getenv("GOLOAD_GO_VERSIONS") == "" {
		cmd.Env = append(os.Environ(), "GOLOAD_GO_VERSIONS=21,26,27")
	}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("scripts/gotoolchains.sh: %v", err)
	}
	var tcs []toolchain
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] >= "21" && f[0] <= "27" {
			tcs = append(tcs, toolchain{f[0], f[1], f[2]})
		}
	}
	if len(tcs) == 0 {
		t.Fatal("no Go toolchain 1.21-1.27 found")
	}
	return tcs
}

func (tc toolchain) build(ctx context.Context, args ...string) error {
	cmd := exec.CommandContext(ctx, tc.gocmd, append([]string{"build"}, args...)...)
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s build %s: %v\n%s", tc.version, strings.Join(args, " "), err, tail(string(out), 3000))
	}
	return nil
}

type result struct {
	status string // "pass", "FAIL", "refused", "known"
	first  string // the first error
}

// A known failure (known_failures.txt, one per line: case, the Go minors
// it fails on or "*", and text its first error must contain, separated by
// tabs) is a defect goload has not fixed yet. Such a case counts as known
// only while it fails with that very error; failing any other way is a
// failure, and passing is reported so that the line can go.
type known struct{ name, minors, text string }

func knownFailures(t *testing.T) []known {
	b, err := os.ReadFile("known_failures.txt")
	if err != nil {
		t.Fatalf("known_failures.txt: %v", err)
	}
	var ks []known
	for _, line := range strings.Split(string(b), "\n") {
		if line = strings.TrimSpace(line); line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 || f[2] == "" {
			t.Fatalf("known_failures.txt: %q: want case<TAB>minors<TAB>error text", line)
		}
		ks = append(ks, known{f[0], f[1], f[2]})
	}
	return ks
}

// knownFor is the known failure of case name on tc, if any.
func knownFor(ks []known, name string, tc toolchain) *known {
	for i, k := range ks {
		if k.name == name && (k.minors == "*" || strings.Contains(","+k.minors+",", ","+tc.minor+",")) {
			return &ks[i]
		}
	}
	return nil
}

var (
	matrixMu sync.Mutex
	matrix   = map[string]map[string]result{} // case -> version -> result
)

func TestPeers(t *testing.T) {
	names := drive.Names()
	if re := os.Getenv("GOLOAD_PEERS_CASES"); re != "" {
		r := regexp.MustCompile(re)
		var sel []string
		for _, n := range names {
			if r.MatchString(n) {
				sel = append(sel, n)
			}
		}
		names = sel
	}
	tcs := toolchains(t)
	for _, tc := range tcs {
		t.Run(tc.version, func(t *testing.T) { peers(t, tc, names) })
	}
	printMatrix(tcs, names)
}

func peers(t *testing.T, tc toolchain, names []string) {
	dir := t.TempDir()
	host := filepath.Join(dir, "host")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	if err := tc.build(ctx, "-o", host, "./host"); err != nil {
		t.Fatal(err)
	}
	var passed, failed, refused, knowns int
	var failures []string
	ks := knownFailures(t)
	for _, name := range names {
		r := runCase(t, tc, dir, host, name, knownFor(ks, name, tc))
		matrixMu.Lock()
		if matrix[name] == nil {
			matrix[name] = map[string]result{}
		}
		matrix[name][tc.version] = r
		matrixMu.Unlock()
		switch r.status {
		case "pass":
			passed++
		case "refused":
			refused++
		case "known":
			knowns++
			failures = append(failures, fmt.Sprintf("peers:   %s: known failure (known_failures.txt): %s", name, r.first))
		default:
			failed++
			failures = append(failures, fmt.Sprintf("peers:   %s: %s", name, r.first))
		}
	}
	summary := fmt.Sprintf("peers: %d passed, %d failed of %d (%s)", passed, failed, len(names), tc.version)
	if refused > 0 {
		summary += fmt.Sprintf("; %d refused cleanly (cgo, not yet claimed)", refused)
	}
	if knowns > 0 {
		summary += fmt.Sprintf("; %d known failures (known_failures.txt)", knowns)
	}
	fmt.Println(summary)
	for _, f := range failures {
		fmt.Println(f)
	}
}

// runCase builds the twin, runs it and the host, and compares.
func runCase(t *testing.T, tc toolchain, dir, host, name string, k *known) (r result) {
	t.Run(name, func(t *testing.T) {
		defer func() {
			if k != nil && r.status == "FAIL" && strings.Contains(r.first, k.text) {
				r.status = "known"
				t.Logf("known failure (known_failures.txt): %s", r.first)
				return
			}
			if k != nil && r.status == "pass" {
				fmt.Printf("peers:   %s: passes on %s: take it out of known_failures.txt\n", name, tc.version)
			}
			if r.status != "pass" && r.status != "refused" {
				t.Errorf("%s: %s", name, r.first)
			}
		}()
		c := drive.Cases()[name]
		twin := filepath.Join(dir, "twin-"+name)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
		defer cancel()
		if err := tc.build(ctx, "-tags", "goload_native", "-o", twin, "./twin/"+name); err != nil {
			r = result{"FAIL", "twin build: " + firstLine(err.Error())}
			t.Log(err)
			return
		}
		want, werr, err := run(twin, name, 10*time.Minute)
		if err != nil {
			r = result{"FAIL", fmt.Sprintf("the native twin failed: %v: %s", err, crashLine(werr))}
			t.Logf("twin stdout:\n%s\nstderr:\n%s", want, tail(werr, 4000))
			return
		}
		got, gerr, err := run(host, name, 15*time.Minute)
		var loadLines, cmp []string
		for _, l := range strings.SplitAfter(got, "\n") {
			if strings.HasPrefix(l, "load: ") {
				loadLines = append(loadLines, strings.TrimSpace(l))
			} else if l != "" {
				cmp = append(cmp, l)
			}
		}
		t.Logf("host output:\n%s", tail(got, 6000))
		if err != nil {
			r = result{"FAIL", fmt.Sprintf("host %v: %s (after %q)", err, crashLine(gerr), lastLine(got))}
			t.Logf("host stderr:\n%s", tail(gerr, 6000))
			return
		}
		if c != nil && c.Refusable != "" {
			for _, l := range cmp {
				if strings.HasPrefix(l, "refused: ") && strings.Contains(l, c.Refusable) {
					r = result{"refused", strings.TrimSpace(l)}
					return
				}
			}
		}
		if d := firstDiff(strings.SplitAfter(want, "\n"), cmp); d != "" {
			r = result{"FAIL", d}
			t.Logf("twin output:\n%s", tail(want, 6000))
			return
		}
		for _, l := range loadLines {
			if strings.HasPrefix(l, "load: FAIL") {
				r = result{"FAIL", l}
				return
			}
		}
		r = result{"pass", ""}
	})
	return r
}

// run runs a case's program in this directory (the module, where
// OpenPackage resolves the case's packages).
func run(bin, name string, limit time.Duration) (stdout, stderr string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, name)
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("timed out after %v", limit)
	}
	return o.String(), e.String(), err
}

// firstDiff names the first line where got differs from want.
func firstDiff(want, got []string) string {
	if len(want) > 0 && want[len(want)-1] == "" {
		want = want[:len(want)-1]
	}
	for i := 0; i < len(want) || i < len(got); i++ {
		var w, g string
		if i < len(want) {
			w = strings.TrimRight(want[i], "\n")
		}
		if i < len(got) {
			g = strings.TrimRight(got[i], "\n")
		}
		if w != g {
			switch {
			case i >= len(got):
				return fmt.Sprintf("line %d: host ended, twin printed %q", i+1, w)
			case i >= len(want):
				return fmt.Sprintf("line %d: host printed %q, twin ended", i+1, g)
			}
			return fmt.Sprintf("line %d: host printed %q, twin %q", i+1, g, w)
		}
	}
	return ""
}

// crashLine is the first line of stderr that says why a program died.
func crashLine(stderr string) string {
	for _, l := range strings.Split(stderr, "\n") {
		for _, k := range []string{"fatal error", "panic:", "SIGSEGV", "unexpected signal", "runtime: "} {
			if strings.Contains(l, k) {
				return strings.TrimSpace(l)
			}
		}
	}
	return lastLine(stderr)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

func printMatrix(tcs []toolchain, names []string) {
	matrixMu.Lock()
	defer matrixMu.Unlock()
	sort.Strings(names)
	fmt.Printf("peers| %-26s", "case")
	for _, tc := range tcs {
		fmt.Printf(" %-8s", tc.version[2:])
	}
	fmt.Println()
	for _, n := range names {
		fmt.Printf("peers| %-26s", n)
		for _, tc := range tcs {
			s := matrix[n][tc.version].status
			if s == "" {
				s = "-"
			}
			fmt.Printf(" %-8s", s)
		}
		fmt.Println()
	}
}

// The twins are generated from the cases (gentwins): they must be up to
// date, or a twin would assert something else than its case.
func TestTwinsUpToDate(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command("go", "run", "-tags", "goload_native", "./gentwins", "-o", dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gentwins: %v\n%s", err, out)
	}
	for _, name := range drive.Names() {
		want, err := os.ReadFile(filepath.Join(dir, name, "main.go"))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("twin", name, "main.go"))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("twin/%s/main.go is not what gentwins writes (%v): run go run -tags goload_native ./gentwins", name, err)
		}
	}
	if ents, err := os.ReadDir("twin"); err != nil || len(ents) != len(drive.Names()) {
		t.Errorf("twin/ has %d entries (%v), there are %d cases", len(ents), err, len(drive.Names()))
	}
}
