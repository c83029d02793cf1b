package binding

// #include "goload.h"
import "C"

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"
	"unsafe"
)

// The fast safety scan of Close: with the world stopped, every word of
// every place the heap dump's scan (unload_scan.go) reads is read here
// too, conservatively, without the dump: any word equal to an address in
// the module, or to an itab naming it, is a candidate, and a candidate
// sends Close to the precise scan of the heap dump, which decides. So a
// clean walk proves what a clean dump scan proves, in a fraction of its
// time (the dump walks every arena index slot and writes every object).
//
// Kind by kind, the dump scan's roots and what the walk reads instead:
//   - heap objects reached from the roots, their pointer words and the
//     word before each (an interface's type word), malloc headers (1.22+):
//     every word of every allocated object of every in-use span that may
//     hold pointers (spanclass's noscan bit clear; an object of a noscan
//     span has no pointer word, so the dump lists none), reached or not;
//   - large objects' types (mspan.largeType, 1.22+): that word of every
//     in-use large span;
//   - the host's data and bss (pointer words and the word before each):
//     every word of both, less the ranges the dump scan ignores too
//     (runtime.typecache, runtime.itabTableInit);
//   - other open modules' data and bss (extra roots, every word): the same;
//   - goroutine frames (live slots, the word before each, asynchronously
//     stopped frames whole, each frame's pc) and each goroutine's context,
//     defers and panics: every word of its stack from its saved SP up, and
//     every word of its runtime.g (an object of the heap: sched.pc,
//     syscallpc, sched.ctxt, _defer, _panic), less gopc and startpc (never
//     pointers, and a live goroutine started in the module has that
//     function's frame on its stack) and, for a dead goroutine (which the
//     dump does not list), its saved PCs. The calling goroutine's stack
//     from Close's caller up (the dump scan skips this package's frames);
//   - finalizers (function, its type, the object's type): every word of
//     each finalizer special after its header, on every in-use span, and
//     of each queued finalizer (runtime.allfin's blocks, cnt entries each);
//   - itabs: a word equal to an itab of the runtime's table whose type or
//     interface is the module's, or to a host itab whose method is the
//     module's (heldItabs), is a candidate as an address in the module is.
//
// The dump scan never follows the module's own typemap nor the host's
// (their entries name the module's types until the unlink). The walk
// reads those maps' storage like any other object, so each of the
// module's types they name is counted: the entries (keys and values) of
// both maps give how many words equal to it the heap must hold at least,
// and only when no word outside them can exist (the walk found exactly
// that many) is it no candidate. A typemap whose storage holds a stale
// copy (a map mid-growth) only counts one too many: a candidate.
//
// Not done by the walk (Close does these as before, either way): the
// cleanup queue (cleanupQueueReason), registered cleanups (findCleanup at
// the unlink), goroutines parked in the module (unlink's check).
//
// Garbage counts like a live object here: a walk that finds nothing
// proves as much with or without a collection, so Close walks first
// without one, and only on a candidate collects and walks again (a
// dropped func value from Lookup is such garbage) before the dump.

// fastWalk is the walk's state. It holds no address of the module itself
// (a global's words are read by the walk): the range is kept as below-1
// and its size, hits only where they were found.
var fastWalk struct {
	below, size   uintptr   // the module's range is [below+1, below+1+size)
	itabs         []uintptr // sorted: itabs naming the module
	counted       []uintptr // sorted: the module's types the typemaps hold
	want, got     []int32   // how many words equal to counted[i]: in the typemaps, found
	gs            []uintptr // sorted: every runtime.g, for the masks below
	ignore        []rng     // host words not read (as the dump scan)
	info          *C.goload_unload_info
	o             *gOffsets
	own           uintptr // the caller's goid
	ownFrom       uintptr // the lowest stack address of Close's caller's frames
	hitAt, hitVal uintptr
	hitWhat       string
	unsure        string // the walk could not complete: why
	strict        bool   // the marking walk: the typemaps are not reached, every word into the module is a hit
}

// fastWalkAt reads through the stopped world's memory (see peek).
//
//go:nocheckptr
//go:norace
func fastCheck(at, v uintptr) bool {
	w := &fastWalk
	if v-w.below-1 < w.size {
		if i, ok := searchWords(w.counted, v); ok && !w.strict {
			w.got[i]++
			return false
		}
		w.hitAt, w.hitVal = at, v
		return true
	}
	if len(w.itabs) > 0 && v >= w.itabs[0] && v <= w.itabs[len(w.itabs)-1] {
		if _, ok := searchWords(w.itabs, v); ok {
			w.hitAt, w.hitVal = at, v
			return true
		}
	}
	return false
}

// readGs copies the runtime's allgs slice into fastWalk.gs, sorted; true
// when it does not fit the scratch (fastWalk.unsure says so).
//
//go:nocheckptr
//go:norace
func readGs(allgs uintptr) bool {
	w := &fastWalk
	gs, n := peek(allgs), peek(allgs+8)
	if n > uintptr(cap(w.gs)) {
		w.unsure = "more goroutines than the scratch holds"
		return true
	}
	w.gs = w.gs[:n]
	for i := uintptr(0); i < n; i++ {
		w.gs[i] = peek(gs + 8*i)
	}
	sortWords(w.gs)
	return false
}

// stackInUse is the part of goroutine g's stack the walks read, [sp, hi):
// from its saved SP (on Close's own goroutine, from Close's caller's frame)
// to the top; all of it when no saved SP is inside. An empty range for a
// goroutine without a stack. unsure: the walk cannot decide (w.unsure says
// why).
//
//go:nocheckptr
//go:norace
func stackInUse(g uintptr) (sp, hi uintptr, unsure bool) {
	w, o := &fastWalk, fastWalk.o
	lo, hi := peek(g+o.stackLo), peek(g+o.stackHi)
	if lo >= hi {
		return 0, 0, false
	}
	if peek(g+o.goid) == w.own {
		if w.ownFrom < lo || w.ownFrom >= hi {
			w.unsure = "Close's caller's frame is not on its goroutine's stack"
			return 0, 0, true
		}
		return w.ownFrom, hi, false
	}
	sp = hi
	for _, off := range [2]uintptr{o.schedSP, o.syscallSP} {
		if s := peek(g + off); s >= lo && s < sp {
			sp = s
		}
	}
	if sp == hi {
		sp = lo
	}
	return sp, hi, false
}

// fastBlock reads the words of [lo, hi); what names the block on a hit.
//
//go:nocheckptr
//go:norace
func fastBlock(lo, hi uintptr, what string) bool {
	for a := lo &^ 7; a+8 <= hi; a += 8 {
		if fastCheck(a, *(*uintptr)(unsafe.Pointer(a))) { //nolint:govet // stopped-world memory
			fastWalk.hitWhat = what
			return true
		}
	}
	return false
}

//go:nocheckptr
//go:norace
func peek8(a uintptr) uint8 { return *(*uint8)(unsafe.Pointer(a)) } //nolint:govet

//go:nocheckptr
//go:norace
func peek16(a uintptr) uint16 { return *(*uint16)(unsafe.Pointer(a)) } //nolint:govet

// fastRun is the walk itself, with the world stopped: no allocation, no
// call into the runtime. It answers true when it found a candidate or
// could not complete (fastWalk.unsure).
//
//go:nocheckptr
//go:norace
func fastRun(mheap, allgs, allfin, itabTable, host uintptr, hostLen [4]uintptr, extra []rng, held []uint64) bool {
	w, info := &fastWalk, fastWalk.info
	if fastItabs(itabTable, held) {
		return true
	}
	// every goroutine
	if readGs(allgs) {
		return true
	}
	// the host's data and bss, less the ignored ranges; other modules'
	for k := 0; k < 2; k++ {
		lo, hi := hostLen[2*k], hostLen[2*k+1]
		for _, ig := range w.ignore {
			if ig.lo > lo && ig.lo < hi {
				if fastBlock(lo, ig.lo, "host global") {
					return true
				}
				lo = ig.hi
			}
		}
		if fastBlock(lo, hi, "host global") {
			return true
		}
	}
	for _, x := range extra {
		if fastBlock(x.lo, x.hi, "another module's variable") {
			return true
		}
	}
	// goroutine stacks
	o := w.o
	for _, g := range w.gs {
		if g == 0 || peek32(g+o.status)&^o.gScan == gDead {
			continue
		}
		sp, hi, unsure := stackInUse(g)
		if unsure || fastBlock(sp, hi, "goroutine stack") {
			return true
		}
	}
	// finalizers queued
	for fb := peek(allfin); fb != 0; fb = peek(fb) { // alllink is the first word
		cnt := uintptr(peek32(fb + uintptr(info.finblock_cnt)))
		at := fb + uintptr(info.finblock_fin)
		if fastBlock(at, at+cnt*uintptr(info.finalizer_size), "queued finalizer") {
			return true
		}
	}
	// every span in use: its specials' finalizers, its objects
	all := mheap + uintptr(info.mheap_allspans)
	spans, nspans := peek(all), peek(all+8)
	gMin, gMax := uintptr(0), uintptr(0)
	if len(w.gs) > 0 {
		gMin, gMax = w.gs[0], w.gs[len(w.gs)-1]
	}
	for i := uintptr(0); i < nspans; i++ {
		s := peek(spans + 8*i)
		if s == 0 || peek8(s+uintptr(info.span_state)) != uint8(info.span_inuse) {
			continue
		}
		for sp := peek(s + uintptr(info.span_specials)); sp != 0; sp = peek(sp) {
			if peek8(sp+uintptr(info.special_kind)) == uint8(info.finalizer_kind) &&
				fastBlock(sp+uintptr(info.special_size), sp+uintptr(info.specialfinalizer_size), "finalizer") {
				return true
			}
		}
		class := peek8(s + uintptr(info.span_spanclass))
		if class&1 != 0 {
			continue // noscan: no pointer word
		}
		start, elem := peek(s+uintptr(info.span_startaddr)), peek(s+uintptr(info.span_elemsize))
		npages := peek(s + uintptr(info.span_npages))
		if elem == 0 {
			continue
		}
		if class>>1 == 0 && info.span_largetype != 0 {
			if t := peek(s + uintptr(info.span_largetype)); t-w.below-1 < w.size {
				w.hitAt, w.hitVal, w.hitWhat = s+uintptr(info.span_largetype), t, "a large object's type (mspan.largeType)"
				return true
			}
		}
		nobj := npages * uintptr(info.page_size) / elem
		free := uintptr(peek16(s + uintptr(info.span_freeindex)))
		bits := peek(s + uintptr(info.span_allocbits))
		for k := uintptr(0); k < nobj; k++ {
			if k >= free && bits != 0 && peek8(bits+k/8)&(1<<(k%8)) == 0 {
				continue
			}
			base := start + k*elem
			if base >= gMin && base <= gMax {
				if _, ok := searchWords(w.gs, base); ok {
					if fastG(base, elem) {
						return true
					}
					continue
				}
			}
			if fastBlock(base, base+elem, "heap object") {
				return true
			}
		}
	}
	return false
}

// fastItabs lists the itabs naming the module, sorted: held's and those
// of the runtime's table whose type or interface is the module's.
//
//go:nocheckptr
//go:norace
func fastItabs(itabTable uintptr, held []uint64) bool {
	w, info := &fastWalk, fastWalk.info
	w.itabs = w.itabs[:0]
	for i := 0; i+1 < len(held); i += 2 {
		if len(w.itabs) == cap(w.itabs) {
			w.unsure = "itab scratch full"
			return true
		}
		w.itabs = append(w.itabs, uintptr(held[i]))
	}
	if t := peek(itabTable); t != 0 {
		for i, n := uintptr(0), peek(t); i < n; i++ {
			e := peek(t + 16 + 8*i)
			if e == 0 {
				continue
			}
			if a, b := peek(e+uintptr(info.itab_inter)), peek(e+uintptr(info.itab_type)); a-w.below-1 < w.size || b-w.below-1 < w.size {
				if len(w.itabs) == cap(w.itabs) {
					w.unsure = "itab scratch full"
					return true
				}
				w.itabs = append(w.itabs, e)
			}
		}
	}
	sortWords(w.itabs)
	return false
}

// searchWords and sortWords are the stopped world's binary search and
// sort: no race instrumentation (a -race host), no allocation.
//
//go:norace
func searchWords(a []uintptr, v uintptr) (int, bool) {
	lo, hi := 0, len(a)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if a[mid] < v {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, lo < len(a) && a[lo] == v
}

// sortWords is a heapsort.
//
//go:norace
func sortWords(a []uintptr) {
	n := len(a)
	for i := n/2 - 1; i >= 0; i-- {
		siftWords(a, i, n)
	}
	for end := n - 1; end > 0; end-- {
		a[0], a[end] = a[end], a[0]
		siftWords(a, 0, end)
	}
}

//go:norace
func siftWords(a []uintptr, i, n int) {
	for {
		c := 2*i + 1
		if c >= n {
			return
		}
		if c+1 < n && a[c+1] > a[c] {
			c++
		}
		if a[i] >= a[c] {
			return
		}
		a[i], a[c] = a[c], a[i]
		i = c
	}
}

// fastG reads a runtime.g's words but its gopc and startpc, and, when it
// is dead, its saved PCs (see fastWalk).
//
//go:nocheckptr
//go:norace
func fastG(g, size uintptr) bool {
	w, o := &fastWalk, fastWalk.o
	dead := peek32(g+o.status)&^o.gScan == gDead
	for off := uintptr(0); off+8 <= size; off += 8 {
		if off == uintptr(w.info.g_gopc) || off == uintptr(w.info.g_startpc) ||
			dead && (off == o.schedPC || off == o.syscallPC) {
			continue
		}
		if fastCheck(g+off, peek(g+off)) {
			w.hitWhat = "a goroutine's runtime.g"
			return true
		}
	}
	return false
}

// countTypes adds the module's types a typemap holds (keys and values)
// to counts.
//
//go:nocheckptr
func countTypes(counts map[uintptr]int32, slot uintptr, byOffset bool, in func(uintptr) bool) {
	if byOffset {
		for _, v := range *(*map[int32]unsafe.Pointer)(unsafe.Pointer(slot)) { //nolint:govet // a runtime variable
			if in(uintptr(v)) {
				counts[uintptr(v)]++
			}
		}
		return
	}
	for k, v := range *(*map[unsafe.Pointer]unsafe.Pointer)(unsafe.Pointer(slot)) { //nolint:govet
		for _, t := range [2]unsafe.Pointer{k, v} {
			if in(uintptr(t)) {
				counts[uintptr(t)]++
			}
		}
	}
}

// fastClean runs the fast scan: true when nothing can hold the module
// (Close goes on to the unlink without a heap dump); else why it is
// unsure, for the debug log, and Close runs the dump scan. callerSlot is
// an address in the frame of Close's caller (its receiver's spill slot).
func (m *Module) fastClean(lay *C.goload_module_layout, info *C.goload_unload_info, held []uint64, callerSlot unsafe.Pointer, ct *Timings) (bool, string) {
	if info.span_state == 0 {
		return false, "no stopped-world walk for this Go version"
	}
	if why, err := cleanupQueueReason(info); err != nil || why != "" {
		return false, "cleanups queued"
	}
	walk := func() (bool, string) {
		ok, why := m.fastWalkOnce(lay, info, held, callerSlot, ct, false)
		// Only heap objects (or type words) in question: those the
		// module's own variables reach are the module's; mark from every
		// other root (unload_fastmark.go).
		if !ok && (strings.HasPrefix(why, "heap object at") || strings.Contains(why, "its typemaps' entries account for")) {
			var mwhy string
			if ok, mwhy = m.fastWalkOnce(lay, info, held, callerSlot, ct, true); !ok {
				why += "; " + mwhy
			}
		}
		return ok, why
	}
	ok, why := walk()
	if ok {
		return true, ""
	}
	debugf("unload: the fast scan: %s; collecting and walking again", why)
	// garbage counts like a live object: collect, and walk once more (a
	// sync.Pool the collection empties may hold one the marking reached)
	t0 := time.Now()
	runtime.GC()
	ct.ScanGC += time.Since(t0)
	return walk()
}

// fastWalkOnce prepares the walk, stops the world and walks (mark: the
// marking walk, unload_fastmark.go).
func (m *Module) fastWalkOnce(lay *C.goload_module_layout, info *C.goload_unload_info, held []uint64, callerSlot unsafe.Pointer, ct *Timings, mark bool) (bool, string) {
	t0 := time.Now()
	defer func() { ct.Walk += time.Since(t0) }()
	var syms [5]uintptr
	for i, n := range []string{"runtime.mheap_", "runtime.allgs", "runtime.allfin", "runtime.itabTable", "runtime.firstmoduledata"} {
		a, err := hostSym(n)
		if err != nil {
			return false, err.Error()
		}
		syms[i] = a
	}
	first := syms[4]
	hostLen := [4]uintptr{*word(first + uintptr(info.md_data)), *word(first + uintptr(info.md_edata)) &^ 7,
		*word(first + uintptr(info.md_bss)), *word(first + uintptr(info.md_ebss)) &^ 7}
	var extra []rng
	for _, o := range modules {
		if o != m && o.m != nil && !o.stub {
			var ol C.goload_module_layout
			C.goload_module_get_layout(o.m, &ol)
			extra = append(extra, rng{uintptr(ol.data), uintptr(ol.edata)}, rng{uintptr(ol.bss), uintptr(ol.ebss)})
		}
	}
	lo, size := uintptr(lay.start), uintptr(lay.end-lay.start)
	in := func(v uintptr) bool { return v-lo < size }
	counts := map[uintptr]int32{}
	md := uintptr(C.goload_module_moduledata(m.m))
	countTypes(counts, md+uintptr(info.md_typemap), bool(info.typemap_by_offset), in)
	if hostTypemap.byOff != nil || hostTypemap.byPtr != nil {
		countTypes(counts, first+uintptr(info.md_typemap), bool(info.typemap_by_offset), in)
	}
	w := &fastWalk
	w.counted = w.counted[:0]
	for t := range counts {
		w.counted = append(w.counted, t)
	}
	slices.Sort(w.counted)
	w.want, w.got = make([]int32, len(w.counted)), make([]int32, len(w.counted))
	for i, t := range w.counted {
		w.want[i] = counts[t]
	}
	w.ignore = w.ignore[:0]
	if tc, err := hostSym("runtime.typecache"); err == nil {
		w.ignore = append(w.ignore, rng{tc, tc + typecacheBytes})
	}
	if it, err := hostSym("runtime.itabTableInit"); err == nil {
		w.ignore = append(w.ignore, rng{it, it + itabTableInitBytes})
	}
	tsize := uintptr(0)
	if t := *word(syms[3]); t != 0 {
		tsize = *word(t)
	}
	if need := int(tsize) + len(held)/2 + 64; cap(w.itabs) < need {
		w.itabs = make([]uintptr, 0, 2*need)
	}
	if need := int(*word(syms[1] + 8)); cap(w.gs) < need+64 {
		w.gs = make([]uintptr, 0, 2*need+64)
	}
	var ownMD uintptr
	if mark {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		markPrepare(*word(syms[0] + uintptr(info.mheap_allspans) + 8), uintptr(ms.HeapInuse))
		ownMD = uintptr(C.goload_module_moduledata(m.m))
	}
	w.info, w.o, w.own = info, &patcher.offs, uintptr(currentGoid())
	w.below, w.size = lo-1, size
	w.hitAt, w.hitVal, w.hitWhat, w.unsure = 0, 0, "", ""

	patcher.mu.Lock()
	patcher.w.stop()
	w.ownFrom = uintptr(callerSlot)
	var found bool
	if mark {
		w.strict = true
		found = markRun(syms[0], syms[1], syms[2], syms[3], first, ownMD, held)
		w.strict = false
	} else {
		found = fastRun(syms[0], syms[1], syms[2], syms[3], first, hostLen, extra, held)
	}
	patcher.w.start()
	patcher.mu.Unlock()
	fastMark.stack = fastMark.stack[:0]
	w.below, w.size = 0, 0
	hitAt, hitVal := w.hitAt, w.hitVal
	w.hitAt, w.hitVal = 0, 0
	switch {
	case w.unsure != "":
		return false, w.unsure
	case found:
		return false, fmt.Sprintf("%s at 0x%x holds 0x%x", w.hitWhat, hitAt, hitVal)
	}
	for i := range w.counted {
		if !mark && w.got[i] != w.want[i] {
			return false, fmt.Sprintf("%d words equal %s, its typemaps' entries account for %d", w.got[i], m.symbolize(uint64(w.counted[i])), w.want[i])
		}
	}
	return true, ""
}
