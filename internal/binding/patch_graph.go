package binding

/*
#include <stdlib.h>
#include "goload.h"
*/
import "C"

import (
	"fmt"
	"os"
	"strings"
	"unsafe"
)

// The rules Apply enforces over the whole set of patches (README, "patch",
// "What a sequence of calls may do"):
//
//   - A patch's replacement may itself be patched: A→B plus B→C makes calls
//     of A end in C, as calls of B do (the stub of A jumps to B's entry,
//     which jumps on). That follows from the entry jumps; nothing here adds it.
//   - A patch whose replacement is its own target (A→A), or that would close
//     a chain of entry jumps into a loop (A→B with B→A applied), would make
//     every call of A spin forever: NewPatch refuses the first and Apply the
//     second, with reason "cycle" and the loop named.
//   - A patch whose replacement is the code of a module that has been closed
//     is refused by Apply, with reason "closed" and the module named: its
//     code is gone (the range is PROT_NONE), and a call would fault.

// reasonCycle and reasonClosed are the PatchError reasons of those refusals.
const (
	reasonCycle  = "cycle"
	reasonClosed = "closed"
)

// replacementPC is the code the patch's stub jumps to: the first word of
// its func value.
func (p *FuncPatch) replacementPC() uintptr { return peek(p.fv) }

// selfPatch refuses a replacement whose code is the target's own entry.
func selfPatch(name string, pc, fv uintptr) error {
	if peek(fv) == pc {
		return &PatchError{Reason: reasonCycle, Msg: fmt.Sprintf("%s would jump to itself (%s -> %s): its replacement is its own code", name, name, name)}
	}
	return nil
}

// moduleOfPC is the open module whose mapping holds pc, or nil. Caller
// holds loadMu.
func moduleOfPC(pc uintptr) *Module {
	for _, m := range modules {
		if m.m == nil {
			continue
		}
		var lay C.goload_module_layout
		C.goload_module_get_layout(m.m, &lay)
		if inModule(&lay, pc) {
			return m
		}
	}
	return nil
}

// moduleOfFunc names the module whose code the func value fv runs (nil
// for host code), so that Apply can refuse it once that module is closed.
func moduleOfFunc(fv uintptr) (*Module, string) {
	loadMu.Lock()
	defer loadMu.Unlock()
	if m := moduleOfPC(peek(fv)); m != nil {
		return m, C.GoString(C.goload_module_name(m.m))
	}
	return nil, ""
}

// checkApply runs under loadMu and patcher.mu, before any byte is written:
// no patch of todo may call into a closed module, and the patches applied
// once todo is must not form a loop of entry jumps.
func checkApply(todo []*FuncPatch) error {
	for _, p := range todo {
		if p.mod != nil && p.mod.m == nil {
			return &PatchError{Reason: reasonClosed, Msg: fmt.Sprintf("the replacement of %s is code of module %s, which is closed", p.name, p.modName)}
		}
		if p.tmod != nil && p.tmod.m == nil {
			return &PatchError{Reason: reasonClosed, Msg: fmt.Sprintf("%s is a function of a module that is closed: its code is gone", p.name)}
		}
	}
	next := make(map[uintptr]*FuncPatch, len(patcher.applied)+len(todo))
	for e, p := range patcher.applied {
		next[e] = p
	}
	for _, p := range todo {
		next[p.entry] = p
	}
	for _, p := range todo {
		path := []*FuncPatch{p}
		for at := p.replacementPC(); ; {
			q := next[at]
			if q == nil {
				break
			}
			if q == p {
				names := make([]string, 0, len(path)+1)
				for _, r := range path {
					names = append(names, r.name)
				}
				names = append(names, p.name)
				return &PatchError{Reason: reasonCycle, Msg: fmt.Sprintf("applying the patch of %s would close a loop of patches: %s", p.name, strings.Join(names, " -> "))}
			}
			if len(path) > len(next) {
				break // a loop that p is not on: refused when it was closed
			}
			path = append(path, q)
			at = q.replacementPC()
		}
	}
	return nil
}

// inlined caches what goload_patch_inlined_callers answers per function:
// it walks the inline tree of every function of the executable (about
// 50 ms in a small host), and the executable does not change.
var inlined = map[string]struct {
	n    int
	list string
}{}

// inlinedCallers: how many functions have name inlined, and which. The
// caller holds patcher.mu.
func inlinedCallers(name string, cn *C.char) (int, string, error) {
	if r, ok := inlined[name]; ok {
		return r.n, r.list, nil
	}
	var callers *C.char
	var ncallers C.size_t
	var e C.goload_err
	if C.goload_patch_inlined_callers(patcher.p, cn, &callers, &ncallers, &e) < 0 {
		return 0, "", cError(&e)
	}
	list := ""
	if ncallers > 0 {
		list = C.GoString(callers)
		C.free(unsafe.Pointer(callers))
	}
	inlined[name] = struct {
		n    int
		list string
	}{int(ncallers), list}
	return int(ncallers), list, nil
}

// parkWatch are the entries the stop looks for calls parked at (parkAt:
// a goroutine about to run the entry, at it or in its prologue's stack
// check): a call that went through a patch's jump, A→B, and waits at B's
// entry while the jump is taken away is no longer a call of B, nor of A
// as A now is. Resumed at B, it runs B's code, which A ran when the call
// began: allowed. But once B's entry is written (B→C applied, or B→C
// reverted with A→B in the same Revert), it would run what A never did
// (Go's sequence tester hit it once in 20,000 sequences: h2→h0 reverted
// by a reset, h0→v2.F0 applied seven steps later, and a call of h2
// answered v2.F0's code; with a B that has a stack check, within half a
// second: TestPatchRevertParkedAtReplacement, TestPatchRevertParkedInPrologue,
// TestSeqRevertParkedAtReplacement).
//
// So the replacements whose jump this transaction takes away (Revert;
// the v1 of a v1→v2 swap) and those where such a call was parked after
// an earlier one (patcher.stale) are watched: block marks those this
// transaction writes, where the stop retries while one is parked; the
// others are only recorded, and after the stop patcher.stale is the
// watched entries where a call was parked. An entry no jump left is not
// watched: a call parked there came through a jump that is still there,
// or called the function itself, and runs what the function is made to
// run, as a new call would (with stack checks in every prologue a stop
// parks the running callers of a hot function there, and watching every
// written entry made Apply of B→C refuse busy under callers of A with
// A→B applied). Checked when B's entry is written, not when A→B is
// reverted or swapped: a Revert or a v1→v2 swap never waits for the calls
// sitting in the replacement (which under 8 busy callers made them retry
// for up to half a second). Runs before the world stops: it may allocate.
func parkWatch(writes, removed []*FuncPatch) (es []parkAt, block []bool) {
	written := map[uintptr]*FuncPatch{}
	for _, p := range writes {
		written[p.entry] = p
	}
	seen := map[uintptr]bool{} // stale and removed again: one entry
	watch := func(pc, resume uintptr) {
		if seen[pc] {
			return
		}
		seen[pc] = true
		p := written[pc]
		if p != nil {
			resume = uintptr(p.info.resume)
		}
		es, block = append(es, parkAt{pc, resume}), append(block, p != nil)
	}
	for _, at := range patcher.stale {
		watch(at.entry, at.resume)
	}
	for _, q := range removed {
		pc := q.replacementPC()
		watch(pc, resumeOf(pc))
	}
	if len(es) > 0 {
		loadAsyncFrames()
	}
	return es, block
}

// resumeOf is the resume of the function whose entry is pc (see parkAt),
// 0 when it has no stack check or is not a function anyone knows.
func resumeOf(pc uintptr) uintptr {
	if r, ok := patcher.resume[pc]; ok {
		return r
	}
	var r uintptr
	if _, size, _, err := targetFuncAtLocked(pc); err == nil && size > 0 {
		var out C.uint64_t
		var e C.goload_err
		if C.goload_patch_func_resume(patcher.p, C.uint64_t(pc), C.uint64_t(size), C.uint64_t(patcher.w.morestack), &out, &e) == 0 {
			r = uintptr(out)
		}
	}
	patcher.resume[pc] = r
	return r
}

// loadAsyncFrames reads, once, where an asynchronously preempted
// goroutine keeps its PC (asyncFrames). Caller holds patcher.mu.
func loadAsyncFrames() {
	if patcher.asyncTried {
		return
	}
	patcher.asyncTried = true
	var f C.goload_patch_async_frames
	var e C.goload_err
	if C.goload_patcher_async_frames(patcher.p, &f, &e) < 0 {
		if debugOn() {
			fmt.Fprintf(os.Stderr, "goload: %v: every stack word is taken for a preempted goroutine's PC\n", cError(&e))
		}
		return
	}
	scanState.async = asyncFrames{true, uintptr(f.async2), uintptr(f.async2_end), uintptr(f.async), uintptr(f.async_end),
		uintptr(f.async2_frame), uintptr(f.async_frame)}
}

// moduleInlinedCallers is inlinedCallers for a function of a loaded
// module: the inline trees of every open module's objects (a module that
// reuses the target's package from its provider may have inlined it too;
// the host, built before, cannot have).
func moduleInlinedCallers(name string) (int, string, error) {
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cn))
	loadMu.Lock()
	defer loadMu.Unlock()
	total := 0
	var lists []string
	for _, m := range modules {
		if m.m == nil {
			continue
		}
		var callers *C.char
		var n C.size_t
		var e C.goload_err
		if C.goload_patch_module_inlined_callers(m.m, cn, &callers, &n, &e) < 0 {
			return 0, "", cError(&e)
		}
		if n > 0 {
			total += int(n)
			lists = append(lists, C.GoString(callers))
			C.free(unsafe.Pointer(callers))
		}
	}
	return total, strings.Join(lists, ", "), nil
}
