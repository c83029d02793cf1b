package binding

/*
#cgo CFLAGS: -I${SRCDIR}/../../include -I${SRCDIR}/../../src -std=gnu11 -O2
#include <stdlib.h>
#include "goload.h"
*/
import "C"

import (
	"fmt"
	"os"
	"sync"
	"unsafe"
)

// Error is a failure reported by the C library: a machine-readable code
// and a message naming the file, symbol or offset.
type Error struct {
	Code int    // goload_code
	Name string // "format", "unresolved", ...
	Msg  string
}

func (e *Error) Error() string { return "goload: " + e.Name + ": " + e.Msg }

func cError(e *C.goload_err) error {
	code := int(e.code)
	return &Error{Code: code, Name: C.GoString(C.goload_code_name(C.int(code))), Msg: C.GoString(&e.msg[0])}
}

var (
	hostOnce  sync.Once
	hostPtr   *C.goload_host
	hostErr   error
	readyOnce sync.Once
	readyErr  error
)

// openHost opens the running executable once; it stays open for the life
// of the process because loaded modules keep referring to its symbols.
func openHost() (*C.goload_host, error) {
	hostOnce.Do(func() {
		var e C.goload_err
		if benchBefore() {
			C.goload_bench_image_copy(1) // the whole image copied, as before
		}
		if C.goload_host_open(&hostPtr, &e) < 0 {
			hostErr = cError(&e)
		}
	})
	return hostPtr, hostErr
}

// theHost is the opened executable with every symbol the loader may ask
// for, indexed once per process: a stripped host's data symbols are
// recovered on first use, and its types indexed.
func theHost() (*C.goload_host, error) {
	h, err := openHost()
	if err != nil {
		return nil, err
	}
	readyOnce.Do(func() {
		// The type index too: built here, it is no part of a load
		// (Check builds it at startup).
		if readyErr = recoverHost(h); readyErr == nil {
			var e C.goload_err
			if C.goload_host_index_types(h, &e) < 0 {
				readyErr = cError(&e)
			}
		}
		// GOLOAD_DEBUG=index: where the host's indexes came from (the
		// host index cache, or built here).
		if debugFlag("index") || debugOn() {
			fmt.Fprintf(os.Stderr, "goload: host index: %s\n", C.GoString(C.goload_host_index_source(h)))
		}
	})
	return h, readyErr
}

// hostSym is the run-time address of a symbol of the running executable.
func hostSym(name string) (uintptr, error) {
	h, err := theHost()
	if err != nil {
		return 0, err
	}
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	var addr C.uint64_t
	var e C.goload_err
	if C.goload_host_sym(h, cs, &addr, &e) < 0 {
		return 0, cError(&e)
	}
	return uintptr(addr), nil
}

func errorf(format string, args ...any) error {
	return &Error{Code: 1, Name: "inval", Msg: fmt.Sprintf(format, args...)}
}

// benchBefore is bench/load.sh's switch to the costs before (the heap dump
// at Close, runtime.typelinksinit at Open, the whole-image copy of a host
// with relocated words, the membarrier registration inside the first
// NewPatch or Close).
func benchBefore() bool { return env("GOLOAD_BENCH_BEFORE") == "1" }

func goVersion(h *C.goload_host) string { return C.GoString(C.goload_host_goversion(h)) }
