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
		cname := C.CString(name)
		var sym C.goload_symbol
		var e C.goload_err
		rc := C.goload_module_lookup(m.m, cname, &sym, &e)
		C.free(unsafe.Pointer(cname))
		if rc < 0 {
			return nil, cError(&e)
		}
		if !sym._func {
			return nil, errorf("patch: %s is a variable of the module, not a function", name)
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
