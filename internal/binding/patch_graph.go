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

// parkEntries are the function entries where no goroutine may be parked
// while writes (the patches whose entry bytes change) are written: its
// saved PC, or the PC an async preemption pushed, is the entry, or the
// return address of the prologue's call of runtime.morestack (a call
// preempted in its stack check, which jumps back to the entry when it
// resumes; with only the entry, a replacement that is not a leaf let a
// call of A answer C's code in a fraction of a second). A goroutine
// parked there is no danger to the bytes being written (the range check
// lets it be: resumed there it runs the new bytes, right for a call of
// that function), but it may be a call of another function that went
// through a patch's jump and was stopped at the replacement's start:
//
//   - On Apply, every written entry that was ever a replacement's
//     (patcher.reached; any other is reached only by calls of its own
//     function, and with a stack check in every prologue it is where a
//     stop parks the running callers of a hot target, which made every
//     stop of its Apply busy). A call of A parked at B's entry
//     (through A→B, now reverted or still applied) resumed into B's new
//     jump answers C's code, which A never ran (Go's sequence tester hit
//     it once in 20,000 sequences: h2→h0 reverted by a reset, h0→v2.F0
//     applied seven steps later, and a call of h2 answered v2.F0's code;
//     TestPatchRevertParkedAtReplacement, TestSeqRevertParkedAtReplacement).
//     Checked when B's entry is written, not when A→B is reverted or
//     swapped: a Revert or a v1→v2 swap then never waits for the calls
//     sitting in the replacement, which under 8 busy callers made them
//     retry for up to half a second.
//   - On Revert, the written entries another applied patch's stub jumps
//     to (B in A→B→C): a call of A parked at B's entry, resumed after a
//     Revert of A→B and B→C, would run B's own code, neither what A did
//     nor what it does now.
//
// A goroutine async-preempted at the entry, or a new one whose saved PC
// is its function's entry, moves on as soon as it runs, so the stop
// retries (the range check already waits for the other covered bytes).
// Runs before the world stops: it may allocate.
func parkEntries(writes []*FuncPatch, on bool) []parkAt {
	var es []parkAt
	for _, p := range writes {
		at := parkAt{p.entry, uintptr(p.info.resume)}
		if on {
			// Only a function some patch's jump ever led to: every
			// other call parked at its entry is a call of it.
			if patcher.reached[p.entry] {
				es = append(es, at)
			}
			continue
		}
		for _, q := range patcher.applied {
			if q != p && q.replacementPC() == p.entry {
				es = append(es, at)
				break
			}
		}
	}
	if len(es) > 0 {
		loadAsyncFrames()
	}
	return es
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
