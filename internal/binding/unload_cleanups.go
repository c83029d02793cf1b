package binding

// #include "goload.h"
import "C"

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"time"
	"unsafe"
)

// Cleanups the runtime has queued (their objects died) but not run yet
// are no specials any more, and the heap dump does not list the cleanup
// queue of Go 1.25+ (1.24 queues them as finalizers, which the dump
// lists). Close reads the queue's counters (runtime/mcleanup.go
// readQueueStats: gcCleanups.queued plus each p's cleanupsQueued, less
// gcCleanups.executed; offsets per version in rt_tables), waits up to
// cleanupQueueWait for the queue to drain, and refuses if it does not.
const cleanupQueueWait = 2 * time.Second

// pendingCleanups is how many queued cleanups have not run: an estimate,
// read without the runtime's locks, as the runtime's own statistics are.
//
//go:nocheckptr
func pendingCleanups(info *C.goload_unload_info) (uint64, error) {
	if info.cleanupq_queued == 0 {
		return 0, nil
	}
	q, err := hostSym("runtime.gcCleanups")
	if err != nil {
		return 0, err
	}
	allp, err := hostSym("runtime.allp")
	if err != nil {
		return 0, err
	}
	executed := atomic.LoadUint64((*uint64)(unsafe.Pointer(q + uintptr(info.cleanupq_executed)))) //nolint:govet // a runtime variable
	queued := *(*uint64)(unsafe.Pointer(q + uintptr(info.cleanupq_queued)))                       //nolint:govet
	for _, p := range unsafe.Slice((*uintptr)(unsafe.Pointer(*word(allp))), *word(allp + 8)) {    //nolint:govet // runtime.allp: []*p
		if p != 0 {
			queued += *(*uint64)(unsafe.Pointer(p + uintptr(info.p_cleanups_queued))) //nolint:govet
		}
	}
	if queued > executed {
		return queued - executed, nil
	}
	return 0, nil
}

// cleanupQueueReason waits for the runtime's queued cleanups to run (one
// of them may call into the module) and says why Close cannot go on if
// they do not within cleanupQueueWait.
func cleanupQueueReason(info *C.goload_unload_info) (string, error) {
	deadline := time.Now().Add(cleanupQueueWait)
	for {
		n, err := pendingCleanups(info)
		if err != nil || n == 0 {
			return "", err
		}
		if time.Now().After(deadline) {
			return fmt.Sprintf("%d cleanups (runtime.AddCleanup) are queued and have not run after %v; one may call into the module (a cleanup blocks the queue?)", n, cleanupQueueWait), nil
		}
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
}

// cleanupHit is a cleanup registered with runtime.AddCleanup (Go 1.24+)
// that would call into a module once its object dies: obj is that object,
// target the module address the cleanup holds.
type cleanupHit struct{ obj, target uintptr }

// findCleanup walks every span's specials for a cleanup whose function
// (1.24-1.25: fn; 1.26+: the call adapter, fn and arg) is in the module or
// points into it. The heap dump lists finalizers but not cleanups. It runs
// with the world stopped: a list changes only under its span's lock,
// which running goroutines take. No allocation. spanOfHeap tells a heap
// pointer from any other word.
//
//go:nocheckptr
func findCleanup(lay *C.goload_module_layout, info *C.goload_unload_info, mheap uintptr,
	spanOfHeap func(uintptr) unsafe.Pointer) (cleanupHit, bool) {
	if info.cleanup_kind == 0 || mheap == 0 {
		return cleanupHit{}, false
	}
	all := mheap + uintptr(info.mheap_allspans)
	if *word(all) == 0 {
		return cleanupHit{}, false
	}
	spans := unsafe.Slice((*uintptr)(unsafe.Pointer(*word(all))), *word(all + 8)) //nolint:govet // runtime memory
	words := uintptr(info.cleanup_words)
	for _, s := range spans {
		if s == 0 {
			continue
		}
		for sp := *word(s + uintptr(info.span_specials)); sp != 0; sp = *word(sp) { // special.next is first
			if *(*uint8)(unsafe.Pointer(sp + uintptr(info.special_kind))) != uint8(info.cleanup_kind) { //nolint:govet
				continue
			}
			for k := uintptr(0); k < words; k++ {
				w := *word(sp + uintptr(info.special_size) + 8*k)
				target := w
				// call and fn are *funcval: the code, then what a closure
				// captured (1.24-1.25 wrap the cleanup in one:
				// func() { cleanup(arg) })
				if w != 0 && !inModule(lay, w) && k < 2 {
					target = funcvalInto(lay, info, w, spanOfHeap)
				}
				if target != 0 && inModule(lay, target) {
					// special.offset is a uintptr from 1.24 on, as cleanups are
					obj := *word(s + uintptr(info.span_startaddr)) + *word(sp + uintptr(info.special_offset))
					return cleanupHit{obj, target}, true
				}
			}
		}
	}
	return cleanupHit{}, false
}

// funcvalInto answers the address in the module that the funcval fv runs
// or holds: its code, or, through what a closure captured, a word or a
// funcval's code in the module (a cleanup's wrapper func() { cleanup(arg) }
// captures the cleanup by value in 1.24, by reference in 1.25); 0 when
// none. Only allocated heap objects are followed (heapObject), three
// levels deep, at most four words each, never past the object's end.
func funcvalInto(lay *C.goload_module_layout, info *C.goload_unload_info, fv uintptr, spanOfHeap func(uintptr) unsafe.Pointer) uintptr {
	if inModule(lay, *word(fv)) {
		return *word(fv)
	}
	return heldInto(lay, info, fv, spanOfHeap, 3)
}

func heldInto(lay *C.goload_module_layout, info *C.goload_unload_info, p uintptr, spanOfHeap func(uintptr) unsafe.Pointer, depth int) uintptr {
	if depth <= 0 {
		return 0
	}
	base, size := heapObject(info, p, spanOfHeap)
	// Only the object's own words: the next slot of the size class may be
	// a free one still holding a dead closure of the module (a goroutine's
	// gowrap closure is 16 bytes, as small closures are), which refused
	// Close on 1.26 when many goroutines had run.
	for a := p; a < base+size && a < p+32; a += 8 {
		c := *word(a)
		if inModule(lay, c) {
			return c
		}
		if c != 0 && c != p {
			if t := heldInto(lay, info, c, spanOfHeap, depth-1); t != 0 {
				return t
			}
		}
	}
	return 0
}

// heapObject answers the allocated heap object that holds p: its base and
// size, or 0, 0 when p is not in an in-use span (runtime.spanOfHeap) or
// its slot is free (mspan.isFree: below freeindex, or its allocBits bit).
//
//go:nocheckptr
func heapObject(info *C.goload_unload_info, p uintptr, spanOfHeap func(uintptr) unsafe.Pointer) (uintptr, uintptr) {
	s := uintptr(spanOfHeap(p))
	if s == 0 {
		return 0, 0
	}
	start, elem := *word(s + uintptr(info.span_startaddr)), *word(s + uintptr(info.span_elemsize))
	limit := start + *word(s + uintptr(info.span_npages))*uintptr(info.page_size)
	if elem == 0 || p < start {
		return 0, 0
	}
	idx := (p - start) / elem
	base := start + idx*elem
	if base+elem > limit {
		return 0, 0
	}
	if idx >= uintptr(*(*uint16)(unsafe.Pointer(s + uintptr(info.span_freeindex)))) { //nolint:govet // runtime memory
		bits := *word(s + uintptr(info.span_allocbits))
		if bits == 0 || *(*uint8)(unsafe.Pointer(bits + idx/8))&(1<<(idx%8)) == 0 { //nolint:govet
			return 0, 0
		}
	}
	return base, elem
}
