package binding

// #include "goload.h"
import "C"

import "unsafe"

// The marking walk of Close: the stopped-world walk (unload_fastscan.go)
// reads every allocated object, reached or not, so a module whose own
// variables reach heap objects pointing back into it (a []any of its
// values, a struct of its func values, its map) always had a candidate,
// and Close paid the heap dump for what its scan then proved unreachable
// from anything but the module. When the walk's only candidates are such
// heap objects (or a type word the typemaps do not account for), this
// walk marks, with the world stopped and conservatively (every word that
// falls inside an allocated object of a span that may hold pointers
// reaches that object), from every root but the module's own: the data
// and bss of every other module on the runtime's list (the host, its
// extensions, other modules), every goroutine's stack from its saved SP
// up (the caller's from Close's caller up) and every runtime.g (less
// gopc and startpc, and a dead one's saved PCs, as the walk), queued
// finalizers and finalizer specials. It checks the words of the roots and
// of each reached object as the walk does. What it reaches is a superset
// of what the dump scan reaches from the same roots (it follows every
// word, interior ones too), so a clean mark proves what a clean dump scan
// proves; a candidate, and the dump scan decides, as before.
//
// The span table, mark bits and mark stack are allocated before the stop
// from the first walk's counts, with room to spare; a heap that outgrew
// them meanwhile makes the walk unsure (the dump decides).

type markSpan struct {
	start, end, elem, nobj uintptr
	bits, free             uintptr // mspan.allocBits, freeindex
	base                   uintptr // first bit in fastMark.marked
}

var fastMark struct {
	spans           []markSpan
	marked, scanned []uint64
	stack           []uintptr // reached objects not yet scanned
	finobjs         []uintptr // objects with a finalizer: roots
	overflow        bool      // one was reached with the stack full: rescan the marked
}

// markSort sorts the span table by start address (heapsort: no
// allocation with the world stopped).
//
//go:norace
func markSort(a []markSpan) {
	n := len(a)
	sift := func(i, n int) {
		for {
			c := 2*i + 1
			if c >= n {
				return
			}
			if c+1 < n && a[c+1].start > a[c].start {
				c++
			}
			if a[i].start >= a[c].start {
				return
			}
			a[i], a[c] = a[c], a[i]
			i = c
		}
	}
	for i := n/2 - 1; i >= 0; i-- {
		sift(i, n)
	}
	for end := n - 1; end > 0; end-- {
		a[0], a[end] = a[end], a[0]
		sift(0, end)
	}
}

// markSpanOf is the span table's entry holding v, or nil.
//
//go:norace
func markSpanOf(v uintptr) *markSpan {
	sp := fastMark.spans
	lo, hi := 0, len(sp)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if sp[mid].end <= v {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo == len(sp) || v < sp[lo].start {
		return nil
	}
	return &sp[lo]
}

// allocated says whether object k of span s is allocated (mspan.isFree).
//
//go:nocheckptr
//go:norace
func allocated(s *markSpan, k uintptr) bool {
	return k < s.free || s.bits == 0 || peek8(s.bits+k/8)&(1<<(k%8)) != 0
}

// markWord marks the allocated object v falls in, if any, and pushes it
// (with the stack full, fastMark.overflow: a rescan finds it).
//
//go:nocheckptr
//go:norace
func markWord(v uintptr) {
	fm := &fastMark
	if len(fm.spans) == 0 || v < fm.spans[0].start || v >= fm.spans[len(fm.spans)-1].end {
		return
	}
	s := markSpanOf(v)
	if s == nil {
		return
	}
	k := (v - s.start) / s.elem
	if k >= s.nobj || !allocated(s, k) {
		return
	}
	b := s.base + k
	if fm.marked[b/64]&(1<<(b%64)) != 0 {
		return
	}
	fm.marked[b/64] |= 1 << (b % 64)
	if len(fm.stack) == cap(fm.stack) {
		fm.overflow = true
		return
	}
	fm.stack = append(fm.stack, s.start+k*s.elem)
}

// markBlock checks the words of [lo, hi) as fastBlock does and marks what
// they reach.
//
//go:nocheckptr
//go:norace
func markBlock(lo, hi uintptr, what string) bool {
	for a := lo &^ 7; a+8 <= hi; a += 8 {
		v := *(*uintptr)(unsafe.Pointer(a)) //nolint:govet // stopped-world memory
		if fastCheck(a, v) {
			fastWalk.hitWhat = what
			return true
		}
		markWord(v)
	}
	return false
}

// markG is fastG that marks too.
//
//go:nocheckptr
//go:norace
func markG(g, size uintptr) bool {
	w, o := &fastWalk, fastWalk.o
	dead := peek32(g+o.status)&^o.gScan == gDead
	for off := uintptr(0); off+8 <= size; off += 8 {
		if off == uintptr(w.info.g_gopc) || off == uintptr(w.info.g_startpc) ||
			dead && (off == o.schedPC || off == o.syscallPC) {
			continue
		}
		v := peek(g + off)
		if fastCheck(g+off, v) {
			w.hitWhat = "a goroutine's runtime.g"
			return true
		}
		markWord(v)
	}
	return false
}

// markRun is the marking walk, with the world stopped (no allocation, no
// call into the runtime); fastRun's answer convention. ownMD is the
// module's moduledata, whose data and bss are no root.
//
//go:nocheckptr
//go:norace
func markRun(mheap, allgs, allfin, itabTable, first, ownMD uintptr, held []uint64) bool {
	w, fm, info := &fastWalk, &fastMark, fastWalk.info
	if fastItabs(itabTable, held) {
		return true
	}
	// the span table: in-use spans that may hold pointers
	all := mheap + uintptr(info.mheap_allspans)
	spans, nspans := peek(all), peek(all+8)
	fm.spans, fm.finobjs = fm.spans[:0], fm.finobjs[:0]
	nbits := uintptr(0)
	for i := uintptr(0); i < nspans; i++ {
		s := peek(spans + 8*i)
		if s == 0 || peek8(s+uintptr(info.span_state)) != uint8(info.span_inuse) {
			continue
		}
		class := peek8(s + uintptr(info.span_spanclass))
		if class>>1 == 0 && info.span_largetype != 0 {
			if t := peek(s + uintptr(info.span_largetype)); t-w.below-1 < w.size {
				w.hitAt, w.hitVal, w.hitWhat = s+uintptr(info.span_largetype), t, "a large object's type (mspan.largeType)"
				return true
			}
		}
		start, elem := peek(s+uintptr(info.span_startaddr)), peek(s+uintptr(info.span_elemsize))
		for sp := peek(s + uintptr(info.span_specials)); sp != 0; sp = peek(sp) {
			if peek8(sp+uintptr(info.special_kind)) == uint8(info.finalizer_kind) {
				if markBlock(sp+uintptr(info.special_size), sp+uintptr(info.specialfinalizer_size), "finalizer") {
					return true
				}
				// the object itself is a root too (the dump lists it with
				// its finalizer): special.offset, a uint16 before Go 1.22
				off := peek(sp + uintptr(info.special_offset))
				if info.special_kind-info.special_offset < 8 {
					off = uintptr(peek16(sp + uintptr(info.special_offset)))
				}
				if len(fm.finobjs) == cap(fm.finobjs) {
					w.unsure = "finalizer scratch full"
					return true
				}
				fm.finobjs = append(fm.finobjs, start+off)
			}
		}
		if class&1 != 0 || elem == 0 {
			continue // noscan: reaching it reaches no word
		}
		if len(fm.spans) == cap(fm.spans) {
			w.unsure = "span table full"
			return true
		}
		npages := peek(s + uintptr(info.span_npages))
		nobj := npages * uintptr(info.page_size) / elem
		fm.spans = append(fm.spans, markSpan{start: start, end: start + nobj*elem, elem: elem, nobj: nobj,
			bits: peek(s + uintptr(info.span_allocbits)), free: uintptr(peek16(s + uintptr(info.span_freeindex))), base: nbits})
		nbits += nobj
	}
	if nbits > uintptr(len(fm.marked))*64 {
		w.unsure = "mark bits full"
		return true
	}
	clear(fm.marked[:(nbits+63)/64])
	clear(fm.scanned[:(nbits+63)/64])
	markSort(fm.spans)
	fm.stack, fm.overflow = fm.stack[:0], false
	// The typemaps (the host's, the module's) are never followed: their
	// entries name the module's types until the unlink. Their header
	// objects count as read, so no word of their storage is reached
	// through them, and any word equal to one of the module's types in
	// what is reached is a holder (fastWalk.strict).
	for _, md := range [2]uintptr{first, ownMD} {
		if h := peek(md + uintptr(info.md_typemap)); h != 0 {
			if s := markSpanOf(h); s != nil {
				b := s.base + (h-s.start)/s.elem
				fm.marked[b/64] |= 1 << (b % 64)
				fm.scanned[b/64] |= 1 << (b % 64)
			}
		}
	}
	for _, obj := range fm.finobjs {
		markWord(obj)
	}
	// every runtime.g, for the masks (the world ran since the walk)
	if readGs(allgs) {
		return true
	}
	// roots: every other module's data and bss (the host's less the
	// ignored ranges, as the walk)
	for md := first; md != 0; md = peek(md + uintptr(info.md_next)) {
		if md == ownMD {
			continue
		}
		for k := 0; k < 2; k++ {
			lo := peek(md + uintptr(info.md_data))
			hi := peek(md+uintptr(info.md_edata)) &^ 7
			if k == 1 {
				lo, hi = peek(md+uintptr(info.md_bss)), peek(md+uintptr(info.md_ebss))&^7
			}
			what := "another module's variable"
			if md == first {
				what = "host global"
				for _, ig := range w.ignore {
					if ig.lo > lo && ig.lo < hi {
						if markBlock(lo, ig.lo, what) {
							return true
						}
						lo = ig.hi
					}
				}
			}
			if markBlock(lo, hi, what) {
				return true
			}
		}
	}
	// goroutines: their runtime.g (the object whole, as the walk) and
	// their stacks
	o := w.o
	for _, g := range w.gs {
		if g == 0 {
			continue
		}
		if s := markSpanOf(g); s != nil {
			k := (g - s.start) / s.elem
			b := s.base + k
			fm.marked[b/64] |= 1 << (b % 64)
			fm.scanned[b/64] |= 1 << (b % 64)
			if markG(g, s.elem) {
				return true
			}
		} else {
			w.unsure = "a runtime.g outside the spans that hold pointers"
			return true
		}
		if peek32(g+o.status)&^o.gScan == gDead {
			continue
		}
		sp, hi, unsure := stackInUse(g)
		if unsure || markBlock(sp, hi, "goroutine stack") {
			return true
		}
	}
	// finalizers queued
	for fb := peek(allfin); fb != 0; fb = peek(fb) {
		cnt := uintptr(peek32(fb + uintptr(info.finblock_cnt)))
		at := fb + uintptr(info.finblock_fin)
		if markBlock(at, at+cnt*uintptr(info.finalizer_size), "queued finalizer") {
			return true
		}
	}
	// what the roots reach, and, when the stack overflowed, what the
	// marked objects not yet scanned reach
	for {
		for len(fm.stack) > 0 {
			base := fm.stack[len(fm.stack)-1]
			fm.stack = fm.stack[:len(fm.stack)-1]
			if markScan(base) {
				return true
			}
		}
		if !fm.overflow {
			return false
		}
		fm.overflow = false
		for i := range fm.spans {
			s := &fm.spans[i]
			for k := uintptr(0); k < s.nobj; k++ {
				b := s.base + k
				if fm.marked[b/64]&(1<<(b%64)) != 0 && fm.scanned[b/64]&(1<<(b%64)) == 0 {
					if markScan(s.start + k*s.elem) {
						return true
					}
					for len(fm.stack) > 0 {
						base := fm.stack[len(fm.stack)-1]
						fm.stack = fm.stack[:len(fm.stack)-1]
						if markScan(base) {
							return true
						}
					}
				}
			}
		}
	}
}

// markScan reads a reached object's words once.
//
//go:nocheckptr
//go:norace
func markScan(base uintptr) bool {
	fm := &fastMark
	s := markSpanOf(base)
	if s == nil {
		return false
	}
	b := s.base + (base-s.start)/s.elem
	if fm.scanned[b/64]&(1<<(b%64)) != 0 {
		return false
	}
	fm.scanned[b/64] |= 1 << (b % 64)
	return markBlock(base, base+s.elem, "heap object reached from outside the module")
}

// markPrepare sizes the marking walk's scratch before the stop: a bit
// per 8 bytes of the heap's in-use spans (no object is smaller), with
// room for growth; a heap that outgrew it makes the walk unsure.
func markPrepare(nspans, heapInuse uintptr) {
	fm := &fastMark
	if need := int(nspans + nspans/4 + 256); cap(fm.spans) < need {
		fm.spans = make([]markSpan, 0, 2*need)
	}
	if need := int((heapInuse+heapInuse/4)/8/64 + 1024); len(fm.marked) < need {
		fm.marked, fm.scanned = make([]uint64, 2*need), make([]uint64, 2*need)
	}
	if cap(fm.stack) < 1<<16 {
		fm.stack = make([]uintptr, 0, 1<<16)
	}
	if cap(fm.finobjs) < 1<<16 {
		fm.finobjs = make([]uintptr, 0, 1<<16)
	}
}
