package binding

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// TestTimings: Open's per-phase breakdown (Module.Timings) is filled by
// the C linker's phases and the binding's, the phases add up to no more
// than the whole call, GOLOAD_DEBUG=time prints the same breakdown to
// stderr, and nothing without it. The host (testdata/openpkg/benchhost)
// calls Check before timing one Open of testdata/fix/plain.
func TestTimings(t *testing.T) {
	forEach(t, func(t *testing.T, tc toolchain) {
		bin := buildHost(t, tc, "./testdata/openpkg/benchhost", "")
		ar := archiveBy(t, tc, "./testdata/fix/plain")
		run := func(debug string) (stdout, stderr string) {
			cmd := exec.Command(bin, "open", ar)
			cmd.Env = append(cmd.Environ(), "GOLOAD_DEBUG="+debug)
			var eb strings.Builder
			cmd.Stderr = &eb
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s open %s: %v\n%s%s", bin, ar, err, out, eb.String())
			}
			return string(out), eb.String()
		}
		out, errOut := run("time")
		_, phases, ok := strings.Cut(out, "phases: ")
		if !ok {
			t.Fatalf("no phases line in\n%s", out)
		}
		phases = strings.TrimSpace(phases)
		if want := "goload: time: Open: " + phases + "\n"; errOut != want {
			t.Errorf("GOLOAD_DEBUG=time printed\n%q\nthe module's Timings say\n%q", errOut, want)
		}
		total, rest, _ := strings.Cut(phases, " ms (")
		whole, err := strconv.ParseFloat(total, 64)
		if err != nil {
			t.Fatalf("phases %q: %v", phases, err)
		}
		sum, got := 0.0, map[string]float64{}
		for _, f := range strings.Split(strings.TrimSuffix(rest, ")"), ", ") {
			i := strings.LastIndexByte(f, ' ')
			v, err := strconv.ParseFloat(f[i+1:], 64)
			if i < 0 || err != nil {
				t.Fatalf("phase %q of %q: %v", f, phases, err)
			}
			got[f[:i]] = v
			sum += v
		}
		for _, p := range []string{"host index", "archives", "resolve", "layout", "relocate", "runtime metadata", "host fills", "register", "inits"} {
			if _, ok := got[p]; !ok {
				t.Errorf("phase %q missing from %q", p, phases)
			}
		}
		// Each is printed to the µs; real work takes at least one.
		for _, p := range []string{"archives", "resolve", "layout", "register"} {
			if got[p] <= 0 {
				t.Errorf("phase %q is %v ms: not measured (%q)", p, got[p], phases)
			}
		}
		if sum > whole+0.001*float64(len(got)) {
			t.Errorf("phases add up to %.3f ms, more than the whole Open's %.3f ms (%q)", sum, whole, phases)
		}
		if _, errOut := run(""); strings.Contains(errOut, "goload: time:") {
			t.Errorf("without GOLOAD_DEBUG=time the host printed\n%s", errOut)
		}
	})
}
