package binding

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestFixBench (bash bench/fix.sh; skipped unless GOLOAD_FIX_BENCH is
// set) fixes examples/fix/service, built by the machine's Go, N times
// (GOLOAD_FIX_BENCH=N, default 20) while the load generator runs, one
// changed package with a warm build cache each time (the fix alternates
// between two answers): time from command to live and the agent's stop
// pause (p50, p99), and the requests that failed (must be 0). It runs
// twice: under a bounded load (4 clients sending together
// GOLOAD_FIX_RATE requests a second, default 2000), the target,
// then with the 4 clients sending as fast as they are answered, which
// keeps both cores of a small machine busy: the stop then waits for the
// kernel to run the threads the runtime must stop. Before them, under the
// bounded load, up to 5 first fixes with a cold index whose original
// objects are not in the build cache (the service is committed in a git
// repository): command to live, and the time spent searching the cache
// and building the originals from the revision.
func TestFixBench(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("GOLOAD_FIX_BENCH"))
	if os.Getenv("GOLOAD_FIX_BENCH") == "" {
		t.Skip("set GOLOAD_FIX_BENCH (bash bench/fix.sh)")
	}
	if n <= 0 {
		n = 20
	}
	rate, _ := strconv.Atoi(os.Getenv("GOLOAD_FIX_RATE"))
	if rate <= 0 {
		rate = 2000
	}
	tc := toolchains(t)[0] // bench/fix.sh selects the machine's Go (GOLOAD_GO_VERSIONS)
	// The service is committed in a git repository and its original
	// archive is not in the build cache (as for a program built on another
	// machine): the first fix of each cold index builds the originals.
	s, _ := vcsService(t, tc, nil, nil)
	re := regexp.MustCompile(`stop pause (\d+) µs, (\d+) ms`)
	answers := []string{`"hello, "`, `"hi, "`}
	// One fix first so that the build cache holds both answers' builds.
	for _, a := range answers {
		s.edit(`"helo, "`, a)
		if out, errs, err := s.goload("fix", "-p", strconv.Itoa(s.pid)); err != nil {
			t.Fatalf("warm-up fix: %v\n%s%s", err, out, errs)
		}
	}
	pct := func(v []float64, p float64) float64 {
		sort.Float64s(v)
		return v[int(float64(len(v)-1)*p)]
	}
	fmt.Printf("goload fix, %s, %d fixes of one changed package (warm cache) under a 4-client loopback load:\n", tc.version, n)
	for _, r := range []int{rate, 0} {
		stop := make(chan struct{})
		wait := s.loadAt(stop, r)
		if r > 0 {
			coldFixes(t, s, n, answers, func() { close(stop); wait() })
		}
		var pauses, lives, stops, starts, recs []float64
		reParts := regexp.MustCompile(`stop the world (\d+), check \d+, write \d+, start (\d+)(?:; the runtime records <= (\d+))?`)
		for i := 0; i < n; i++ {
			s.edit(`"helo, "`, answers[i%2])
			t0 := time.Now()
			out, errs, err := s.goload("fix", "-p", strconv.Itoa(s.pid))
			live := time.Since(t0)
			if err != nil {
				close(stop)
				wait()
				t.Fatalf("fix %d: %v\n%s%s", i, err, out, errs)
			}
			m := re.FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("fix %d: no pause in %q", i, out)
			}
			p, _ := strconv.ParseFloat(m[1], 64)
			pauses = append(pauses, p)
			if pm := reParts.FindStringSubmatch(out); pm != nil {
				a, _ := strconv.ParseFloat(pm[1], 64)
				b, _ := strconv.ParseFloat(pm[2], 64)
				stops, starts = append(stops, a), append(starts, b)
				if pm[3] != "" {
					r, _ := strconv.ParseFloat(pm[3], 64)
					recs = append(recs, r)
				}
			}
			lives = append(lives, float64(live.Microseconds())/1000)
			time.Sleep(50 * time.Millisecond)
		}
		close(stop)
		all := wait()
		failed := 0
		for _, a := range all {
			if a.err != nil {
				failed++
			}
		}
		span := all[len(all)-1].end.Sub(all[0].start).Seconds()
		if r > 0 {
			fmt.Printf("  bounded, %d requests/s asked, %.0f served:\n", r, float64(len(all))/span)
		} else {
			fmt.Printf("  unbounded (the cores saturated), %.0f requests/s served:\n", float64(len(all))/span)
		}
		fmt.Printf("    command to live: p50 %.0f ms, p99 %.0f ms (max %.0f ms)\n", pct(lives, 0.5), pct(lives, 0.99), pct(lives, 1))
		fmt.Printf("    stop pause:      p50 %.0f µs, p99 %.0f µs (max %.0f µs)\n", pct(pauses, 0.5), pct(pauses, 0.99), pct(pauses, 1))
		if len(stops) > 0 {
			fmt.Printf("      of which the runtime's stopTheWorld p50 %.0f µs, p99 %.0f µs; its startTheWorld p50 %.0f µs, p99 %.0f µs\n",
				pct(stops, 0.5), pct(stops, 0.99), pct(starts, 0.5), pct(starts, 0.99))
		}
		if len(recs) > 0 {
			fmt.Printf("      the stop as the runtime records it (request to restart, %s, bucket upper edges): p50 <= %.0f µs, p99 <= %.0f µs\n",
				"/sched/pauses/total/other:seconds", pct(recs, 0.5), pct(recs, 0.99))
		}
		fmt.Printf("    requests: %d, failed: %d\n", len(all), failed)
		if failed > 0 {
			t.Errorf("%d requests failed", failed)
		}
	}
}

// coldFixes runs up to 5 first fixes of the bench's service, each with a
// new index and with the originals the fix before built removed from the
// build cache, so that the search finds none and the fix builds them from
// the revision; it prints their figures. stopLoad is called before a
// failure ends the test.
func coldFixes(t *testing.T, s *fixService, n int, answers []string, stopLoad func()) {
	pct := func(v []float64, p float64) float64 {
		sort.Float64s(v)
		return v[int(float64(len(v)-1)*p)]
	}
	var colds, builds, searches []float64
	reBuilt := regexp.MustCompile(`built from revision .*?(?:searched in ([0-9.]+) s)?\): \d+ packages?, ([0-9.]+) s`)
	for i := 0; i < 5 && i < n; i++ {
		for k, e := range s.env {
			if x, ok := strings.CutPrefix(e, "XDG_CACHE_HOME="); ok {
				idx, _ := filepath.Glob(filepath.Join(x, "goload", "fix-orig-*"))
				for _, f := range idx {
					b, _ := os.ReadFile(f)
					for _, a := range strings.Fields(string(b))[1:] {
						os.Remove(a)
					}
				}
				s.env[k] = "XDG_CACHE_HOME=" + t.TempDir()
			}
		}
		s.edit(`"helo, "`, answers[i%2])
		t0 := time.Now()
		out, errs, err := s.goload("fix", "-p", strconv.Itoa(s.pid))
		live := time.Since(t0)
		m := reBuilt.FindStringSubmatch(errs)
		if err != nil || m == nil {
			stopLoad()
			t.Fatalf("cold-index fix %d did not build the originals: %v\n%s%s", i, err, out, errs)
		}
		sr, _ := strconv.ParseFloat(m[1], 64)
		b, _ := strconv.ParseFloat(m[2], 64)
		builds = append(builds, b*1000)
		searches = append(searches, sr*1000)
		colds = append(colds, float64(live.Microseconds())/1000)
		time.Sleep(50 * time.Millisecond)
	}
	fmt.Printf("  first fix with a cold index, originals not in the build cache, built from vcs.revision (%d fixes):\n", len(colds))
	fmt.Printf("    command to live: p50 %.0f ms (max %.0f ms); of which searching the build cache p50 %.0f ms (max %.0f ms),\n"+
		"    building the originals p50 %.0f ms (max %.0f ms)\n",
		pct(colds, 0.5), pct(colds, 1), pct(searches, 0.5), pct(searches, 1), pct(builds, 0.5), pct(builds, 1))
}
