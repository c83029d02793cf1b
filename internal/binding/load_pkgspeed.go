package binding

// #include "goload.h"
import "C"

import (
	"fmt"
	"unsafe"
)

// MemWrites says how many writes into the host's memory (pwrite to
// /proc/self/mem) the process made so far, and how many host words
// (method-table entries, itab slots) they carried: host fills are written
// in batches, one write per run of nearby words (src/link/hostfill.c).
// For tests and benchmarks.
func MemWrites() (writes, words uint64) {
	var w C.uint64_t
	n := C.goload_debug_mem_writes(&w)
	return uint64(n), uint64(w)
}

// HostFillsHold reports, for m and the host extensions, every host word
// a module recorded as its own fill that does not hold the value it
// wrote ("" when all do). For tests.
func HostFillsHold(m *Module) string {
	loadMu.Lock()
	defer loadMu.Unlock()
	mods := []*Module{m}
	mods = append(mods, hostExts...)
	bad := ""
	for _, x := range mods {
		if x == nil || x.m == nil {
			continue
		}
		n := int(C.goload_module_host_fills(x.m))
		for i := 0; i < n; i++ {
			var f C.goload_host_fill
			C.goload_module_host_fill(x.m, C.size_t(i), &f)
			if !f.owner {
				continue
			}
			var v uint64
			p := unsafe.Pointer(uintptr(f.at)) //nolint:govet // a host word
			if f.n == 4 {
				v = uint64(*(*uint32)(p))
			} else {
				v = *(*uint64)(p)
			}
			if v != uint64(f.new) {
				bad += fmt.Sprintf(" %#x", uint64(f.at))
			}
		}
	}
	return bad
}
