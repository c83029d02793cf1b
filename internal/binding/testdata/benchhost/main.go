// Load benchmark (bench/load.sh): the plain fixture loaded by goload
// against the same package built with -buildmode=plugin, and a call into
// loaded code against a call into the same code linked into the host.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"plugin"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/goload/goload"
	twin "github.com/goload/goload/internal/binding/testdata/fix/twin/plain"
)

const pkg = "github.com/goload/goload/internal/binding/testdata/fix/plain"

// sink keeps the call loops from being optimized away; it also holds
// strings.ToUpper, which the loaded package calls and a host keeps only
// when something references it.
var sink int
var keep = strings.ToUpper

// perCall is the mean ns per call, unrounded (a call is 1-2 ns: a
// Duration per call would round it to whole ns).
func perCall(f func(int, int) int, n int) float64 {
	t0 := time.Now()
	s := 0
	for i := 0; i < n; i++ {
		s = f(s, i)
	}
	sink += s
	return float64(time.Since(t0).Nanoseconds()) / float64(n)
}

func main() {
	if mode := os.Getenv("GOLOAD_BENCH_FIRST"); mode != "" {
		firstChild(mode, os.Args[1], os.Args[2])
		return
	}
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: benchhost ARCHIVE PLUGIN.so")
		os.Exit(2)
	}
	archive, so := os.Args[1], os.Args[2]
	_ = keep("")

	m, add, tLoad := openAdd(archive)

	t0 := time.Now()
	p, err := plugin.Open(so)
	if err != nil {
		panic(err)
	}
	sym, err := p.Lookup("Add")
	if err != nil {
		panic(err)
	}
	padd := *sym.(*func(int, int) int)
	tPlugin := time.Since(t0)

	const n = 200_000_000
	var linked func(int, int) int = twin.Add // an indirect call, like the loaded one
	perCall(add, n/10)                       // warm up
	dLoaded, dLinked, dPlugin := perCall(add, n), perCall(linked, n), perCall(padd, n)

	st, err := os.Stat(so)
	if err != nil {
		panic(err)
	}
	ratio := func(d time.Duration) float64 { return float64(d) / float64(tPlugin) }
	fmt.Printf("(a) archive to callable, 1st Open: goload %v, plugin.Open %v, ratio %.2f\n", tLoad, tPlugin, ratio(tLoad))
	fmt.Printf("    phases of the 1st Open: %s\n", m.Timings().OpenString())
	noIndex := tLoad - m.Timings().HostIndex
	fmt.Printf("    1st Open without the once-per-process host index (goload.Check at startup): %v, ratio %.2f\n", noIndex, ratio(noIndex))
	fmt.Printf("(b) ns per call: loaded %.3f, linked into the host %.3f, ratio %.2f (plugin %.3f)\n",
		dLoaded, dLinked, dLoaded/dLinked, dPlugin)
	fmt.Printf("(c) bytes: goload maps %d, plugin .so is %d bytes, ratio %.4f\n", m.MappedBytes(), st.Size(), float64(m.MappedBytes())/float64(st.Size()))
	cycles(m, archive, tPlugin)
	firstUse(archive, so)
}

//go:noinline
func double(x int) int { return 2 * x }

//go:noinline
func triple(x int) int { return 3 * x }

// openAdd opens the archive and looks its Add up: archive to callable,
// timed.
func openAdd(archive string) (*goload.Module, func(int, int) int, time.Duration) {
	t0 := time.Now()
	m, err := goload.Open(archive)
	if err != nil {
		panic(err)
	}
	add, err := goload.Lookup[func(int, int) int](m, pkg+".Add")
	if err != nil {
		panic(err)
	}
	return m, add, time.Since(t0)
}

// firstChild is one fresh process's first use (GOLOAD_BENCH_FIRST): "open"
// times the first Open (+Lookup) and the first Close, "patch" the first
// NewPatch, "checkpatch" goload.CheckPatch then the first NewPatch (and a
// NewPatch of a second target), "plugin" the first plugin.Open (+Lookup) of the same code; it
// prints the nanoseconds. "start" does nothing: the parent times the
// process's start and exit.
func firstChild(mode, archive, so string) {
	switch mode {
	case "plugin":
		t0 := time.Now()
		p, err := plugin.Open(so)
		if err != nil {
			panic(err)
		}
		if _, err := p.Lookup("Add"); err != nil {
			panic(err)
		}
		fmt.Println(int64(time.Since(t0)))
	case "start":
	case "open":
		m, _, tOpen := openAdd(archive)
		t0 := time.Now()
		if err := m.Close(); err != nil {
			panic(err)
		}
		tClose := time.Since(t0)
		fmt.Println(int64(tOpen), int64(tClose), int64(m.Timings().HostIndex), int64(m.Timings().Prepare))
	case "patch":
		t0 := time.Now()
		if _, err := goload.NewPatch(double, func(x int) int { return 3 * x }); err != nil {
			panic(err)
		}
		fmt.Println(int64(time.Since(t0)))
	case "checkpatch":
		t0 := time.Now()
		if err := goload.CheckPatch(); err != nil {
			panic(err)
		}
		tCheck := time.Since(t0)
		t0 = time.Now()
		if _, err := goload.NewPatch(double, func(x int) int { return 3 * x }); err != nil {
			panic(err)
		}
		tFirst := time.Since(t0)
		t0 = time.Now()
		if _, err := goload.NewPatch(triple, func(x int) int { return 4 * x }); err != nil {
			panic(err)
		}
		fmt.Println(int64(tCheck), int64(tFirst), int64(time.Since(t0)))
	}
}

// firstUse runs firstChild in fresh processes, in turn before
// (GOLOAD_BENCH_BEFORE=1: the whole image copied when it has relocated
// words, as this host has, and the membarrier registration inside the
// first NewPatch or Close; no host index cache), now without the host
// index cache (GOLOAD_CACHE=off: every process builds the index), and now
// with it (a cache directory a first run filled), and prints the medians
// side by side.
func firstUse(archive, so string) {
	const runs = 9
	self, err := os.Executable()
	if err != nil {
		panic(err)
	}
	cache, err := os.MkdirTemp("", "goload-bench-cache-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(cache)
	run := func(mode string, variant int) []int64 {
		cmd := exec.Command(self, archive, so)
		cmd.Env = append(os.Environ(), "GOLOAD_BENCH_FIRST="+mode)
		switch variant {
		case 0:
			cmd.Env = append(cmd.Env, "GOLOAD_BENCH_BEFORE=1", "GOLOAD_CACHE=off")
		case 1:
			cmd.Env = append(cmd.Env, "GOLOAD_CACHE=off")
		case 2:
			cmd.Env = append(cmd.Env, "GOLOAD_CACHE="+cache)
		}
		out, err := cmd.Output()
		if err != nil {
			panic(fmt.Sprintf("%s: %v", mode, err))
		}
		var v []int64
		for _, f := range strings.Fields(string(out)) {
			n, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				panic(err)
			}
			v = append(v, n)
		}
		return v
	}
	run("open", 2) // fills the cache
	run("patch", 2)
	var starts, plugins [][]int64
	for i := 0; i < runs; i++ {
		t0 := time.Now()
		run("start", 2)
		starts = append(starts, []int64{int64(time.Since(t0))})
		plugins = append(plugins, run("plugin", 2))
	}
	var open, patch [3][][]int64
	var checked [][]int64
	for i := 0; i < runs; i++ {
		for k := 0; k < 3; k++ {
			open[k] = append(open[k], run("open", k))
			patch[k] = append(patch[k], run("patch", k))
		}
		checked = append(checked, run("checkpatch", 2))
	}
	med := func(rs [][]int64, col int) time.Duration {
		var s []int64
		for _, r := range rs {
			s = append(s, r[col])
		}
		sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
		return time.Duration(s[len(s)/2])
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	fmt.Printf("(f) first use, each in a fresh process, median of %d: before -> now without the host index cache (GOLOAD_CACHE=off) -> now with it (GOLOAD_BENCH_BEFORE=1: whole-image copy, membarrier registration inside the call):\n", runs)
	// The same first use of plugin: plugin.Open (+Lookup) of the same
	// code, the first of a fresh process too, its median.
	tPlugin := med(plugins, 0)
	fmt.Printf("    1st plugin.Open of a process %.3f ms: the ratios' base\n", ms(tPlugin))
	o := [3]time.Duration{med(open[0], 0), med(open[1], 0), med(open[2], 0)}
	fmt.Printf("    1st Open     %7.3f -> %7.3f -> %7.3f ms, ratio to plugin.Open %.2f -> %.2f -> %.2f (host index %.3f -> %.3f -> %.3f ms)\n",
		ms(o[0]), ms(o[1]), ms(o[2]), float64(o[0])/float64(tPlugin), float64(o[1])/float64(tPlugin), float64(o[2])/float64(tPlugin),
		ms(med(open[0], 2)), ms(med(open[1], 2)), ms(med(open[2], 2)))
	fmt.Printf("    1st Close    %7.3f -> %7.3f -> %7.3f ms (prepare %.3f -> %.3f -> %.3f ms)\n",
		ms(med(open[0], 1)), ms(med(open[1], 1)), ms(med(open[2], 1)), ms(med(open[0], 3)), ms(med(open[1], 3)), ms(med(open[2], 3)))
	fmt.Printf("    1st NewPatch %7.3f -> %7.3f -> %7.3f ms\n", ms(med(patch[0], 0)), ms(med(patch[1], 0)), ms(med(patch[2], 0)))
	fmt.Printf("    after goload.CheckPatch at startup (%.3f ms, with the cache): 1st NewPatch %.3f ms, a 2nd target %.3f ms\n",
		ms(med(checked, 0)), ms(med(checked, 1)), ms(med(checked, 2)))
	// What linking goload costs a process that loads nothing: Capstone,
	// linked statically, has no relocations for the dynamic linker (its
	// shared library's 77,000 took ~1.5 ms at every start).
	fmt.Printf("    process start and exit, nothing loaded: %.3f ms\n", ms(med(starts, 0)))
}

// cycles closes the first module, then opens and closes the archive again
// (the same package cannot be opened twice while open: the second would
// reuse the first's copy): the 2nd and 10th Open against plugin.Open (a
// plugin loads once per process, and cannot be closed at all), and what
// Close costs.
func cycles(m *goload.Module, archive string, tPlugin time.Duration) {
	if err := m.Close(); err != nil {
		panic(err)
	}
	first := m.Timings()
	const opens = 10
	var closeTotal time.Duration
	var mid goload.Timings
	for i := 2; i <= opens; i++ {
		m, _, tOpen := openAdd(archive)
		if err := m.Close(); err != nil {
			panic(err)
		}
		t := m.Timings()
		closeTotal += t.Close
		if i == 2 || i == opens {
			fmt.Printf("(a) Open %d: goload %v, ratio to plugin.Open %.2f\n", i, tOpen, float64(tOpen)/float64(tPlugin))
			fmt.Printf("    phases: %s\n", t.OpenString())
		}
		if i == opens/2 {
			mid = t
		}
	}
	fmt.Printf("(d) Close: 1st %s\n", first.CloseString())
	fmt.Printf("    Close %d: %s\n", opens/2, mid.CloseString())
	fmt.Printf("    mean over %d Open+Close cycles %.2f ms per Close (plugin: no Close)\n",
		opens-1, float64(closeTotal.Microseconds())/1000/float64(opens-1))
	beforeAfter(archive)
}

// beforeAfter runs Open+Close cycles the way goload did before the
// stopped-world walk at Close and the typemap built with the host's types
// hashed once (GOLOAD_BENCH_BEFORE=1: the heap dump at every Close,
// runtime.typelinksinit at every Open), then as it does now, alternating,
// and prints both side by side.
func beforeAfter(archive string) {
	const rounds = 20
	var open, reg, cl [2][]time.Duration
	for i := 0; i < 2*rounds; i++ {
		k := i % 2 // 0: before, 1: now
		if k == 0 {
			os.Setenv("GOLOAD_BENCH_BEFORE", "1")
		} else {
			os.Unsetenv("GOLOAD_BENCH_BEFORE")
		}
		t0 := time.Now()
		m, err := goload.Open(archive)
		if err != nil {
			panic(err)
		}
		tOpen := time.Since(t0)
		if err := m.Close(); err != nil {
			panic(err)
		}
		t := m.Timings()
		open[k], reg[k], cl[k] = append(open[k], tOpen), append(reg[k], t.Register), append(cl[k], t.Close)
	}
	os.Unsetenv("GOLOAD_BENCH_BEFORE")
	med := func(ds []time.Duration) float64 {
		s := append([]time.Duration(nil), ds...)
		sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
		return float64(s[len(s)/2].Microseconds()) / 1000
	}
	fmt.Printf("(e) before -> now, median of %d Open+Close cycles each, alternating (GOLOAD_BENCH_BEFORE=1: heap dump at Close, runtime.typelinksinit at Open):\n", rounds)
	for _, r := range []struct {
		what string
		d    [2][]time.Duration
	}{{"Open", open}, {"  register", reg}, {"Close", cl}} {
		b, n := med(r.d[0]), med(r.d[1])
		fmt.Printf("    %-10s %7.3f ms -> %7.3f ms, ratio %.2f\n", r.what, b, n, n/b)
	}
}
