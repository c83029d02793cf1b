package goload

// The scheduler calls the patcher needs, on top of runtime.go's funcAt and
// hostSym: stopTheWorld/startTheWorld (whose signature changed in Go 1.22
// and whose worldStop grew in 1.23), runtime.allgs, runtime.morestack.

/*
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

	allgs     *[3]uintptr // runtime.allgs: the slice header
	morestack uintptr     // runtime.morestack, ABI0
}

func (w *world) resolve(words int) error {
	stop, err := hostSym("runtime.stopTheWorld")
	if err != nil {
		return err
	}
	start, err := hostSym("runtime.startTheWorld")
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
	allgs, err := hostSym("runtime.allgs")
	if err != nil {
		return err
	}
	w.allgs = (*[3]uintptr)(unsafe.Pointer(allgs)) //nolint:govet // a host data symbol, outside the Go heap
	// An ABI0 assembly function: its ".abi0" name when an ABIInternal twin exists.
	if w.morestack, err = hostSym("runtime.morestack.abi0"); err != nil {
		if w.morestack, err = hostSym("runtime.morestack"); err != nil {
			return err
		}
	}
	return nil
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

// goroutines is runtime.allgs; only read with the world stopped.
func (w *world) goroutines() []uintptr {
	return unsafe.Slice((*uintptr)(unsafe.Pointer(w.allgs[0])), w.allgs[1]) //nolint:govet
}

func gLayout(p *C.goload_patcher) C.goload_patch_g_layout {
	var l C.goload_patch_g_layout
	C.goload_patcher_g_layout(p, &l)
	return l
}
