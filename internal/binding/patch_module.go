package binding

/*
#include <stdlib.h>
#include "goload.h"
*/
import "C"

import (
	"sort"
	"unsafe"
)

// PatchHost is the hot-fix workflow: it replaces host functions by
// functions of the module, both by linker name
// ({"main.handler": "example.com/fix.Handler"}), all at once or none.
// Each pair must take the same argument frame (the ABI check; objects
// record no Go types for functions). Revert the returned patches to undo.
func (m *Module) PatchHost(pairs map[string]string) ([]*FuncPatch, error) {
	if m.m == nil {
		return nil, errClosed("PatchHost")
	}
	hosts := make([]string, 0, len(pairs))
	for h := range pairs {
		hosts = append(hosts, h)
	}
	sort.Strings(hosts)
	var ps []*FuncPatch
	for _, host := range hosts {
		name := pairs[host]
		sym, err := m.funcSymbol("patch", name)
		if err != nil {
			return nil, err
		}
		if err := thePatcher(); err != nil {
			return nil, err
		}
		pc, err := patchFuncAddr(patcher.p, host)
		if err != nil {
			return nil, err
		}
		word := new(uintptr) // the func value: Close refuses while the patch is applied
		*word = uintptr(sym.addr)
		p, err := newPatch(host, pc, nil, uintptr(unsafe.Pointer(word)), int32(sym.args), name, nil, word)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return ps, Apply(ps...)
}

// funcSymbol looks up function name in the module; a variable of that
// name is refused ("<op>: ... not a function").
func (m *Module) funcSymbol(op, name string) (C.goload_symbol, error) {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var sym C.goload_symbol
	var e C.goload_err
	if C.goload_module_lookup(m.m, cname, &sym, &e) < 0 {
		return sym, cError(&e)
	}
	if !sym._func {
		return sym, errorf("%s: %s is a variable of the module, not a function", op, name)
	}
	return sym, nil
}
