package goload

/*
#include <stdlib.h>
#include "goload.h"
*/
import "C"

import (
	"fmt"
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
// (its saved PC, or the PC an async preemption pushed) while todo is
// written (writes: the patches whose entry bytes change; replaced: those a
// v1→v2 swap takes off): a call in flight there is past another patch's jump, and only
// that jump says what it must run.
//
//   - The entries of todo that another applied patch's stub jumps to (B in
//     A→B→C): a call of A parked at B's entry, resumed after a Revert of
//     A→B and B→C, would run B's own code, neither what A did nor what it
//     does now.
//   - On Revert, the entry of each reverted patch's replacement (B in
//     A→B): a call of A parked there outlives the jump that sent it, and
//     nothing ties it to A any more. Still parked when B is patched later
//     (B→C, in a later Apply that no applied patch's jump leads into), it
//     resumes into B's new jump and A answers C's code, which A never ran.
//     The long run of the sequence tester hit it once in 20,000 sequences:
//     h2→h0 reverted by a reset, h0→v2.F0 applied seven steps later, and
//     a call of h2 answered v2.F0's code (TestPatchRevertParkedAtReplacement,
//     TestSeqRevertParkedAtReplacement). Only when the replacement is
//     host code: a module function's entry may be the module's base
//     address, a number often found in frames. The same holds for the
//     patch a v1→v2 swap takes off (replaced): its replacement is left
//     behind the same way.
//   - On Apply, the entry of a module function being patched (a target
//     in a loaded module): the case above where B is a module's function,
//     caught when B's entry is written rather than when A→B is reverted.
//
// The stop retries while a goroutine is parked at one of them (it moves
// on as soon as it runs). Runs before the world stops: it may allocate.
func parkEntries(todo, replaced []*FuncPatch, on bool) []uintptr {
	var es []uintptr
	for _, p := range todo {
		for _, q := range patcher.applied {
			if q != p && q.replacementPC() == p.entry {
				es = append(es, p.entry)
				break
			}
		}
		if !on && p.mod == nil {
			es = append(es, p.replacementPC())
		}
		if on && p.tmod != nil {
			es = append(es, p.entry)
		}
	}
	for _, q := range replaced {
		if q.mod == nil {
			es = append(es, q.replacementPC())
		}
	}
	return es
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
