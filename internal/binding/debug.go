package binding

/*
#include "goload.h"
*/
import "C"

import (
	"sync/atomic"
	"unsafe"
)

// Loaded code as perf and gdb see it (docs/debugging.md): every module
// Open or OpenPackage loads, and every patch's trampoline, is named in
// /tmp/perf-PID.map and registered with gdb's JIT interface, unless
// GOLOAD_PERFMAP=0 / GOLOAD_GDBJIT=0 or the OpenOptions fields say no.

// debugFlags are the registrations asked for: the environment's, less
// what opts turns off.
func debugFlags(opts *OpenOptions) C.uint {
	f := C.goload_debug_env_flags()
	if opts != nil && opts.NoPerfMap {
		f &^= C.GOLOAD_DEBUG_PERFMAP
	}
	if opts != nil && opts.NoGDB {
		f &^= C.GOLOAD_DEBUG_GDB
	}
	return f
}

// perfReady: the perf map's file is open (goload_debug_prepare).
var perfReady atomic.Bool

// prepareDebug creates the perf map's file on a goroutine of its own when
// flags ask for it and it is not open yet: its creation (30-50 µs) then
// overlaps the first Open's host index instead of adding to it. A thread
// of C's own cost the Open as much to start; a registration that comes
// first opens the file itself. With GOLOAD_DEBUG_DEFER (the patcher's) it
// also starts the writer thread of deferred lines.
func prepareDebug(flags C.uint) {
	if flags&C.GOLOAD_DEBUG_PERFMAP == 0 || (perfReady.Load() && flags&C.GOLOAD_DEBUG_DEFER == 0) {
		return
	}
	go func() {
		if C.goload_debug_prepare(flags) {
			perfReady.Store(true)
		}
	}()
}

// registerDebug names a published module's functions for perf and gdb.
// A map file that cannot be written does not fail the load: it is logged
// (GOLOAD_DEBUG=1).
func registerDebug(cm *C.goload_module, flags C.uint) {
	var e C.goload_err
	if C.goload_debug_register_module(cm, flags, &e) < 0 {
		debugf("%v", cError(&e))
	}
}

// unregisterDebug drops the module's gdb object (before its memory goes).
func unregisterDebug(cm *C.goload_module) {
	C.goload_debug_unregister(unsafe.Pointer(cm))
}
