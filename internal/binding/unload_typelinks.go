package binding

// #include "goload.h"
import "C"

import "unsafe"

// dropTypelinksCache takes the module out of runtime.moduleToTypelinks
// (Go 1.27+: each module's typelinked descriptors, computed on demand by
// runtime.moduleTypelinks and cached by *moduledata). The cached slice
// points into the module, and a later module's moduledata may be allocated
// at the same address and would get this one's list. If Close is refused
// after all, the runtime computes the entry again when it needs it. It
// returns a reason when the cache exists but cannot be reached.
//
//go:nocheckptr
func (m *Module) dropTypelinksCache(r *rtCalls, info *C.goload_unload_info) string {
	if info.typemap_by_offset {
		return "" // before 1.27: typelinks are a table of the moduledata
	}
	cache, err := hostSym("runtime.moduleToTypelinks")
	if err != nil {
		return "the runtime's typelinks cache (runtime.moduleToTypelinks) is not found: " + err.Error()
	}
	lock, err := hostSym("runtime.moduleToTypelinksLock")
	if err != nil {
		return "the runtime's typelinks cache lock (runtime.moduleToTypelinksLock) is not found: " + err.Error()
	}
	md := unsafe.Pointer(C.goload_module_moduledata(m.m))
	// map[*moduledata][]*_type: pointer keys hash alike whatever they point to.
	r.lock(unsafe.Pointer(lock))                                               //nolint:govet // a runtime variable
	delete(*(*map[unsafe.Pointer][]unsafe.Pointer)(unsafe.Pointer(cache)), md) //nolint:govet // a runtime variable
	r.unlock(unsafe.Pointer(lock))                                             //nolint:govet // a runtime variable
	return ""
}
