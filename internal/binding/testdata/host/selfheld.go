package main

import (
	"fmt"
	"runtime"
	"time"

	"github.com/goload/goload"
)

const selfheapPkg = "github.com/goload/goload/internal/binding/testdata/unload/selfheap"

// heldSelf is where the host keeps the module's heap object (TestCloseSelfHeld).
var heldSelf any

// openSelfHeap opens the module and walks what its variables reach, in a
// frame of its own: no stale slot of the caller's keeps a module address.
//
//go:noinline
func openSelfHeap(archive string, leak bool) (*goload.Module, int, error) {
	m, err := goload.Open(archive)
	if err != nil {
		return nil, 0, err
	}
	sum, err := goload.Lookup[func() int](m, selfheapPkg+".Sum")
	if err != nil {
		return nil, 0, err
	}
	if leak {
		l, err := goload.Lookup[func() any](m, selfheapPkg+".Leak")
		if err != nil {
			return nil, 0, err
		}
		heldSelf = l()
	}
	return m, sum(), nil
}

// unloadSelfHeld ARCHIVE: the module's own variables reach heap objects
// that point back into it. Close must unload it without the heap dump
// (the marking walk proves nothing else reaches them; of three Open and
// Close rounds, at least one: a stale word on a stack may still send one
// to the dump); then, with one of those objects in a host global, Close
// must refuse naming that global, and close once it is gone.
func unloadSelfHeld(archive string) error {
	nodump := 0
	for round := 0; round < 3; round++ {
		m, sum, err := openSelfHeap(archive, false)
		if err != nil {
			return err
		}
		fmt.Println("sum:", sum)
		if err := m.Close(); err != nil {
			return fmt.Errorf("Close with nothing outside holding the module: %v", err)
		}
		if m.Timings().Dump == 0 {
			nodump++
		}
	}
	fmt.Printf("closed 3 times, %d without the heap dump\n", nodump)
	m, _, err := openSelfHeap(archive, true)
	if err != nil {
		return err
	}
	if err := refused(m.Close(), "heap object at", "reachable from "+hostGlobal("main.heldSelf")); err != nil {
		return err
	}
	heldSelf = nil
	for tries := 0; ; tries++ {
		runtime.GC()
		err := m.Close()
		if err == nil {
			break
		}
		if tries == 200 {
			return fmt.Errorf("Close still refused after the holder went: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	fmt.Println("closed once the holder went")
	// a finalizer (a host function) set on a host-typed object that only
	// the module's variable reaches: the finalizer record is a root, and
	// the object reaches the module's values
	m, err = goload.Open(archive)
	if err != nil {
		return err
	}
	if err := setSelfFin(m, true); err != nil {
		return err
	}
	if err := refused(m.Close(), "finalizer"); err != nil {
		return err
	}
	if err := setSelfFin(m, false); err != nil {
		return err
	}
	for tries := 0; ; tries++ {
		runtime.GC()
		err := m.Close()
		if err == nil {
			break
		}
		if tries == 200 {
			return fmt.Errorf("Close still refused after the finalizer went: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
	fmt.Println("closed once the finalizer went")
	return nil
}

func hostFin(*[]any) {}

//go:noinline
func setSelfFin(m *goload.Module, on bool) error {
	if on {
		f, err := goload.Lookup[func(func(*[]any))](m, selfheapPkg+".SetFin")
		if err != nil {
			return err
		}
		f(hostFin)
		return nil
	}
	f, err := goload.Lookup[func()](m, selfheapPkg+".ClearFin")
	if err != nil {
		return err
	}
	f()
	return nil
}
