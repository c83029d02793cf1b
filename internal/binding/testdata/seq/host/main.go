// The sequence tester's host (seq_test.go): a plain `go build` program that
// reads steps on stdin, one per line, runs each through goload's Go API and
// prints one result line per step ("r ok", "r ok val=N", "r nil",
// "r err MESSAGE"). Meanwhile caller goroutines keep calling the patch
// targets h0..h3 and check every answer against the code the driver's model
// says each target runs; a wrong answer is reported on the next result line.
//
// Usage: host V1ARCHIVE V2ARCHIVE REPO_DIR < steps
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/goload/goload"
)

// The targets: each answers x plus its code id (100+N), like the
// modules' F0..F3 (1000+N in v1, 2000+N in v2). h0 and h2 are leaves
// (no stack check: a call stops in them only by an asynchronous
// preemption); h1 and h3 have a frame, so a stop may park a call in their
// prologue's stack check, from where it jumps back to the entry.

//go:noinline
func h0(x int) int { return x + 100 }

//go:noinline
func h1(x int) int { return id(x) + 101 }

//go:noinline
func id(x int) int { return x }

//go:noinline
func h2(x int) int { return x + 102 }

//go:noinline
func h3(x int) int { return id(x) + 103 }

//go:noinline
func str(s string) string { return "host " + s }

var targets = [4]func(int) int{h0, h1, h2, h3}

const pkgPrefix = "github.com/goload/goload/internal/binding/testdata/seq/"

var (
	archives = map[string]string{}
	repoDir  string

	mods = map[string]*goload.Module{}
	// held are the func values the steps keep in a global: Close must
	// name main.held while one of them is the module's.
	held [4]func(int) int
	// patchTab holds the patches by handle; graveyard the applied ones a
	// step dropped (so reset can still revert them).
	patchTab  = map[string]*goload.FuncPatch{}
	graveyard []*goload.FuncPatch

	// The driver's model, in versions. A version says, for every h<t>,
	// which code ids (bitmask over bitOf) a call of h<t> may answer with
	// while it is current, and which host targets h<t>'s entry jumps to
	// (viaBit). Before a step the driver publishes a version that allows
	// both the old and the new state, after it one that allows only the
	// new. A caller takes the versions current just before and just after
	// its call and accepts what any version between them allows: a caller
	// can be preempted for whole steps (parked at an entry while patches
	// come and go), and a call that went through h<t>'s jump to h<k>
	// answers with whatever h<k> runs when it gets there.
	hist    [histLen][4]atomic.Uint64
	version atomic.Uint64
	stale   atomic.Int64 // calls that spanned more versions than hist keeps
	bad     atomic.Value // first wrong answer of a caller
	calls   atomic.Int64

	opTime  = map[string]time.Duration{}
	opCount = map[string]int{}
)

const histLen = 256

// publish makes masks the model's current version.
func publish(masks [4]uint64) {
	v := version.Load() + 1
	for t := range masks {
		hist[v%histLen][t].Store(masks[t])
	}
	version.Store(v)
}

// current is the current version's masks.
func current() [4]uint64 {
	v := version.Load()
	var m [4]uint64
	for t := range m {
		m[t] = hist[v%histLen][t].Load()
	}
	return m
}

// allowedBetween is the codes a call of h<t> may answer with when it
// began while version v1 was current and returned while v2 was; ok is
// false when the oldest of them may already be overwritten.
func allowedBetween(t int, v1, v2 uint64) (codes uint64, ok bool) {
	if v2-v1 >= histLen-1 {
		return 0, false
	}
	var own uint64
	for v := v1; v <= v2; v++ {
		own |= hist[v%histLen][t].Load()
	}
	if own&viaBits == 0 {
		return own, true
	}
	// reach[k]: what a call answers that reaches h<k>'s entry while
	// version v or a later one of the window is current.
	var reach [4]uint64
	for v := v2; ; v-- {
		var m [4]uint64
		for k := range m {
			m[k] = hist[v%histLen][k].Load()
		}
		for range m { // a chain through the 4 targets has at most 3 jumps
			for k := range m {
				reach[k] |= m[k] &^ viaBits
				for j := range m {
					if m[k]&viaBit(j) != 0 {
						reach[k] |= reach[j]
					}
				}
			}
		}
		if v == v1 {
			return reach[t], true
		}
	}
}

const viaBits = 0xf << 12

// viaBit marks a target whose entry jumps to host target h<k>.
func viaBit(k int) uint64 { return 1 << (12 + k) }

func bitOf(id int) uint64 {
	switch {
	case id >= 100 && id < 104:
		return 1 << (id - 100)
	case id >= 1000 && id < 1004:
		return 1 << (4 + id - 1000)
	case id >= 2000 && id < 2004:
		return 1 << (8 + id - 2000)
	}
	return 1 << 63
}

func caller(seed int) {
	x := seed
	for {
		for i := 0; i < 4000; i++ {
			t := (x >> 3) & 3
			x = x*1103515245 + 12345
			arg := x & 0xffff
			v1 := version.Load()
			r := targets[t](arg)
			v2 := version.Load()
			mask, ok := allowedBetween(t, v1, v2)
			// The driver may have gone on meanwhile: the masks read are
			// those of v1..v2 only if none of their slots was reused
			// (it writes a slot before it publishes its version).
			if v3 := version.Load(); v3+1-v1 >= histLen {
				ok = false
			}
			if !ok {
				stale.Add(1)
			} else if bitOf(r-arg)&mask == 0 {
				bad.CompareAndSwap(nil, fmt.Sprintf("caller: h%d(%d) answered %d (code %d), allowed mask %#x over model versions %d..%d", t, arg, r, r-arg, mask, v1, v2))
			}
		}
		calls.Add(4000)
		time.Sleep(100 * time.Microsecond)
	}
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: host V1ARCHIVE V2ARCHIVE REPO_DIR < steps")
		os.Exit(2)
	}
	archives["v1"], archives["v2"], repoDir = os.Args[1], os.Args[2], os.Args[3]
	publish([4]uint64{bitOf(100), bitOf(101), bitOf(102), bitOf(103)})
	for i := 0; i < 2; i++ {
		go caller(i*7919 + 1)
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<16), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	for in.Scan() {
		line := in.Text()
		if line == "" {
			continue
		}
		// @exp= codes the targets answer after the step, @via= the host
		// target each one's entry jumps to (-1: none), @mid= codes of a
		// state the step passes through
		step, exp, hasExp := strings.Cut(line, " @exp=")
		exp, mid, hasMid := strings.Cut(exp, " @mid=")
		exp, via, _ := strings.Cut(exp, " @via=")
		during := current()
		if hasMid {
			for t, f := range strings.Split(mid, ",") {
				id, _ := strconv.Atoi(f)
				during[t] |= bitOf(id)
			}
		}
		var after [4]uint64
		if hasExp {
			for t, f := range strings.Split(exp, ",") {
				id, _ := strconv.Atoi(f)
				after[t] = bitOf(id)
			}
			for t, f := range strings.Split(via, ",") {
				if k, err := strconv.Atoi(f); err == nil && k >= 0 && k < 4 {
					after[t] |= viaBit(k)
				}
			}
			for t := range after {
				during[t] |= after[t]
			}
		}
		if hasMid || hasExp {
			publish(during)
		}
		t0 := time.Now()
		res := run(strings.Fields(step))
		// A dropped patch that a v1→v2 replacement took off is held by
		// nothing any more (goload keeps only applied patches alive).
		kept := graveyard[:0]
		for _, p := range graveyard {
			if p.Applied() {
				kept = append(kept, p)
			}
		}
		clear(graveyard[len(kept):])
		graveyard = kept
		op := strings.Fields(step)[0]
		opTime[op] += time.Since(t0)
		opCount[op]++
		if hasExp {
			publish(after)
		}
		if v := bad.Load(); v != nil {
			res = "err CALLER " + v.(string)
		}
		fmt.Fprintf(out, "r %s\n", strings.ReplaceAll(res, "\n", " | "))
		out.Flush()
	}
	fmt.Fprintf(os.Stderr, "calls by the caller goroutines: %d (%d spanned too many steps to check)\n", calls.Load(), stale.Load())
	if os.Getenv("SEQ_TIMES") != "" {
		for op, d := range opTime {
			fmt.Fprintf(os.Stderr, "%-12s %6d steps %8.1f ms %6.2f ms/step\n", op, opCount[op], d.Seconds()*1000, d.Seconds()*1000/float64(opCount[op]))
		}
	}
}

func result(err error) string {
	if err == nil {
		return "ok"
	}
	var ue *goload.UnloadError
	if errors.As(err, &ue) {
		return "err UNLOAD " + strings.Join(ue.Reasons, " ;; ")
	}
	return "err " + err.Error()
}

func val(v int) string { return "ok val=" + strconv.Itoa(v) }

// modFunc splits "m3.F1" into the module and the function's full name.
func modFunc(ref string) (*goload.Module, string) {
	h, f, _ := strings.Cut(ref, ".")
	m := mods[h]
	if m == nil {
		return nil, ""
	}
	return m, modPath[m] + "." + f
}

var modPath = map[*goload.Module]string{}

func num(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic("bad number " + s)
	}
	return n
}

// replacement makes the func a patch step names: "h2" (a host target),
// "str" (another signature), "m3.F1" (a module's function, by Lookup).
func replacement(ref string) (any, error) {
	switch {
	case ref == "str":
		return str, nil
	case ref[0] == 'h':
		return targets[num(ref[1:])], nil
	}
	m, name := modFunc(ref)
	if strings.HasSuffix(name, ".Name") {
		return goload.Lookup[func(string) string](m, name)
	}
	return goload.Lookup[func(int) int](m, name)
}

func patchList(hs []string) []*goload.FuncPatch {
	ps := make([]*goload.FuncPatch, len(hs))
	for i, h := range hs {
		ps[i] = patchTab[h] // nil when dropped: Apply and Revert must refuse it
	}
	return ps
}

func pairs(args []string) map[string]string {
	m := map[string]string{}
	for _, a := range args {
		t, f, _ := strings.Cut(a, ":")
		m["main.h"+t] = f
	}
	return m
}

func patchHost(handle string, m *goload.Module, args []string) string {
	pm := pairs(args)
	for k, f := range pm {
		pm[k] = modPath[m] + "." + f
	}
	ps, err := m.PatchHost(pm)
	// ps come sorted by host name, like the pairs' targets
	for i, p := range ps {
		patchTab[handle+"."+strconv.Itoa(i)] = p
	}
	return result(err)
}

func run(f []string) string {
	switch f[0] {
	case "seq":
		return "ok"
	case "reset":
		return reset()
	case "open", "openpkg":
		var m *goload.Module
		var err error
		if f[0] == "open" {
			m, err = goload.Open(archives[f[2]])
		} else {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			m, err = goload.OpenPackage(ctx, "./testdata/seq/"+f[2], &goload.OpenOptions{Dir: repoDir})
			cancel()
		}
		if err != nil {
			return result(err)
		}
		mods[f[1]], modPath[m] = m, pkgPrefix+f[2]
		return "ok"
	case "lookup": // lookup m3.F1 right|wrong|var|varptr|missing
		m, name := modFunc(f[1])
		switch f[2] {
		case "right":
			fn, err := goload.Lookup[func(int) int](m, name)
			if err != nil {
				return result(err)
			}
			return val(fn(7))
		case "wrong":
			_, err := goload.Lookup[func(string) string](m, name)
			return result(err)
		case "var":
			_, err := goload.Lookup[func(int) int](m, modPath[m]+".Calls")
			return result(err)
		case "varptr":
			p, err := goload.Lookup[*int](m, modPath[m]+".Calls")
			if err == nil && *p < 0 {
				return "err negative call count"
			}
			return result(err)
		default:
			_, err := goload.Lookup[func(int) int](m, modPath[m]+".Nope")
			return result(err)
		}
	case "hold": // hold SLOT m3.F1
		m, name := modFunc(f[2])
		fn, err := goload.Lookup[func(int) int](m, name)
		if err != nil {
			return result(err)
		}
		held[num(f[1])] = fn
		return "ok"
	case "call": // call SLOT X
		fn := held[num(f[1])]
		if fn == nil {
			return "nil"
		}
		return val(fn(num(f[2])))
	case "drop":
		held[num(f[1])] = nil
		return "ok"
	case "target": // target T X
		return val(targets[num(f[1])](num(f[2])))
	case "close":
		return result(mods[f[1]].Close())
	case "newpatch", "newpatchsym": // newpatch P T REPL
		r, err := replacement(f[3])
		if err != nil {
			return result(err)
		}
		var p *goload.FuncPatch
		if f[0] == "newpatch" {
			p, err = goload.NewPatch(targets[num(f[2])], r)
		} else {
			p, err = goload.NewPatchSymbol("main.h"+f[2], r)
		}
		if err != nil {
			return result(err)
		}
		patchTab[f[1]] = p
		return "ok"
	case "patchhost": // patchhost P m3 T:F [T:F]
		return patchHost(f[1], mods[f[2]], f[3:])
	case "upgrade": // upgrade P m3 T:F: PatchHost over the target's applied patch replaces it at once (v1→v2)
		return patchHost(f[1], mods[f[2]], f[3:])
	case "apply":
		return result(goload.Apply(patchList(f[1:])...))
	case "revert":
		return result(goload.Revert(patchList(f[1:])...))
	case "droppatch":
		if p := patchTab[f[1]]; p != nil && p.Applied() {
			graveyard = append(graveyard, p)
		}
		delete(patchTab, f[1])
		return "ok"
	case "orig": // orig P X
		p := patchTab[f[1]]
		if p == nil {
			return "nil"
		}
		o, _ := p.Original().(func(int) int)
		if o == nil {
			return "nil"
		}
		return val(o(num(f[2])))
	case "gc":
		runtime.GC()
		return "ok"
	}
	return "err unknown step " + f[0]
}

func sortedHandles() []string {
	hs := make([]string, 0, len(patchTab))
	for h := range patchTab {
		hs = append(hs, h)
	}
	sort.Strings(hs)
	return hs
}

// reset reverts every patch, drops every value and closes every module, in
// the reverse order of their opening: the next sequence starts clean.
func reset() string {
	var errs []string
	// One Revert of every applied patch: all at once, as the model expects
	// (one by one, a chain would pass through states in between).
	var on []*goload.FuncPatch
	for _, h := range sortedHandles() {
		if p := patchTab[h]; p.Applied() {
			on = append(on, p)
		}
	}
	for _, p := range graveyard {
		if p.Applied() {
			on = append(on, p)
		}
	}
	if err := goload.Revert(on...); err != nil {
		errs = append(errs, "revert: "+err.Error())
	}
	patchTab, graveyard, held = map[string]*goload.FuncPatch{}, nil, [4]func(int) int{}
	var hs []string
	for h := range mods {
		hs = append(hs, h)
	}
	// handles are "m<step>": reverse step order
	sort.Slice(hs, func(i, j int) bool { return num(hs[i][1:]) > num(hs[j][1:]) })
	for _, h := range hs {
		if err := mods[h].Close(); err != nil && !strings.Contains(err.Error(), "the module is closed") {
			errs = append(errs, "close "+h+": "+result(err))
		}
	}
	mods, modPath = map[string]*goload.Module{}, map[*goload.Module]string{}
	if len(errs) > 0 {
		return "err RESET " + strings.Join(errs, " ;; ")
	}
	return "ok"
}
