package binding

// The scheduler calls the patcher needs, on top of runtime.go's funcAt:
// stopTheWorld/startTheWorld (whose signature changed in Go 1.22 and whose
// worldStop grew in 1.23), forEachG, runtime.morestack. All are functions,
// found through pclntab when the executable is stripped (go test
// binaries), so no data symbol is needed.

/*
#include <stdlib.h>
#include "goload.h"
*/
import "C"

import (
	"unsafe"
)

// stwReason 0 is stwUnknown ("unknown") in every supported version.
const stwUnknown = 0

type worldStop1 struct {
	reason uint8
	start  int64
}

type worldStop3 struct {
	reason                                             uint8
	startedStopping, finishedStopping, stoppingCPUTime int64
}

// world stops and starts the world through the runtime's own functions.
// The three shapes are kept apart so each call has the exact Go signature
// of the host's runtime: register assignment follows the struct fields.
type world struct {
	words  int
	stop0  func(reason uint8)
	start0 func()
	stop1  func(reason uint8) worldStop1
	start1 func(w worldStop1)
	stop3  func(reason uint8) worldStop3
	start3 func(w worldStop3)
	w1     worldStop1
	w3     worldStop3

	forEachG  func(fn func(gp unsafe.Pointer)) // runtime.forEachG, under allglock
	morestack uintptr                          // runtime.morestack, ABI0
}

func (w *world) resolve(p *C.goload_patcher, words int) error {
	stop, err := patchFuncAddr(p, "runtime.stopTheWorld")
	if err != nil {
		return err
	}
	start, err := patchFuncAddr(p, "runtime.startTheWorld")
	if err != nil {
		return err
	}
	w.words = words
	switch words {
	case 0:
		w.stop0, w.start0 = funcAt[func(uint8)](stop), funcAt[func()](start)
	case 1:
		w.stop1, w.start1 = funcAt[func(uint8) worldStop1](stop), funcAt[func(worldStop1)](start)
	case 3:
		w.stop3, w.start3 = funcAt[func(uint8) worldStop3](stop), funcAt[func(worldStop3)](start)
	default:
		return errorf("patch: no stopTheWorld signature with a %d-word worldStop", words)
	}
	each, err := patchFuncAddr(p, "runtime.forEachG")
	if err != nil {
		return err
	}
	w.forEachG = funcAt[func(func(unsafe.Pointer))](each)
	// An ABI0 assembly function: ".abi0" in .symtab when an ABIInternal
	// twin exists, its plain name in pclntab.
	if w.morestack, err = patchFuncAddr(p, "runtime.morestack.abi0"); err != nil {
		if w.morestack, err = patchFuncAddr(p, "runtime.morestack"); err != nil {
			return err
		}
	}
	return nil
}

// patchFuncAddr is the run-time entry of a function of the executable.
func patchFuncAddr(p *C.goload_patcher, name string) (uintptr, error) {
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cn))
	var pc C.uint64_t
	var e C.goload_err
	if C.goload_patch_func_addr(p, cn, &pc, &e) < 0 {
		return 0, cError(&e)
	}
	return uintptr(pc), nil
}

func (w *world) stop() {
	switch w.words {
	case 0:
		w.stop0(stwUnknown)
	case 1:
		w.w1 = w.stop1(stwUnknown)
	default:
		w.w3 = w.stop3(stwUnknown)
	}
}

func (w *world) start() {
	switch w.words {
	case 0:
		w.start0()
	case 1:
		w.start1(w.w1)
	default:
		w.start3(w.w3)
	}
}

func gLayout(p *C.goload_patcher) C.goload_patch_g_layout {
	var l C.goload_patch_g_layout
	C.goload_patcher_g_layout(p, &l)
	return l
}
