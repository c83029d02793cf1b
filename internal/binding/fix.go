package binding

/*
#include <stdlib.h>
#include "goload.h"
*/
import "C"

import (
	"sort"
	"strings"
	"time"
	"unsafe"
)

// OpenFix loads a hot fix: funcs ("example.com/p.F", "main.(*T).M") are
// the changed functions of packages the host contains, pkgs[i] rebuilt
// from the changed source into archives[i] with the host's own toolchain
// and build settings. Only those functions are defined in the module,
// from the archives; everything else they reference that the host has
// (package-level variables, types, itabs, unchanged functions) is the
// host's own, so the program's state is kept. What the host lacks (a new
// function, a function its linker dropped) is taken from the archives. A
// type whose layout differs from the host's type of that name, and a
// function of the runtime, are refused.
//
// The returned patches, not yet applied, replace each host function of
// funcs by its new copy: apply them with one Apply (all or none). A
// target inlined into callers is accepted when every such caller is in
// funcs too (its rebuilt code has the new inlined copy); otherwise it is
// refused (reason inlined) naming the callers left. Close the module if
// Apply fails.
//
// vars are variables of the running executable by name and link-time
// address, as goload fix found them in its unchanged code: a stripped
// executable names none, and a variable it neither names nor lists here is
// refused (a new copy would lose the running program's value). May be nil.
func OpenFix(pkgs, archives, funcs []string, vars map[string]uint64) (*Module, []*FuncPatch, error) {
	if len(funcs) == 0 {
		return nil, nil, errorf("fix: no function to load")
	}
	if len(pkgs) != len(archives) {
		return nil, nil, errorf("fix: %d packages for %d archives", len(pkgs), len(archives))
	}
	t := Timings{}
	m, err := open(nil, pkgs, archives, time.Now(), &t, debugFlags(nil), &fixSpec{funcs, vars})
	if err != nil {
		return nil, nil, err
	}
	m.debugOpenTimes("OpenFix")
	ps, err := m.fixPatches(funcs)
	if err != nil {
		m.Close()
		return nil, nil, err
	}
	return m, ps, nil
}

// fixSpec is what open links in fix mode.
type fixSpec struct {
	funcs []string
	vars  map[string]uint64
}

// fixPatches makes one patch per function of funcs: host function to the
// module's function of the same name.
func (m *Module) fixPatches(funcs []string) ([]*FuncPatch, error) {
	if err := thePatcher(); err != nil {
		return nil, err
	}
	covered := map[string]bool{}
	for _, f := range funcs {
		covered[f] = true
	}
	names := append([]string(nil), funcs...)
	sort.Strings(names)
	var ps []*FuncPatch
	for _, name := range names {
		sym, err := m.funcSymbol("fix", name)
		if err != nil {
			return nil, err
		}
		pc, err := patchFuncAddr(patcher.p, name)
		if err != nil {
			// A new function: nothing to replace, the fix's callers reach it.
			continue
		}
		word := new(uintptr) // the func value: Close refuses while the patch is applied
		*word = uintptr(sym.addr)
		p, err := newPatchCovered(name, pc, nil, uintptr(unsafe.Pointer(word)), int32(sym.args), name, nil, word, covered)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return ps, nil
}

// uncovered is the list of inlined callers ("F (file:line), G (file:line)",
// goload_patch_inlined_callers) without the covered ones, and its length.
func uncovered(list string, covered map[string]bool) (int, string) {
	var left []string
	for _, c := range strings.Split(list, ", ") {
		name := c
		if i := strings.LastIndex(c, " ("); i >= 0 {
			name = c[:i]
		}
		if !covered[name] {
			left = append(left, c)
		}
	}
	return len(left), strings.Join(left, ", ")
}
