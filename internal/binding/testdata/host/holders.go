package main

import (
	"fmt"
	"runtime"
	"time"

	"github.com/goload/goload"
)

const holdersPkg = "github.com/goload/goload/internal/binding/testdata/unload/holders"

// What TestUnloadHolderKinds holds, one kind at a time.
var (
	heldBox     *box
	heldStr     fmt.Stringer
	heldFinObj  *int
	finBlocked  = make(chan struct{})
	finRelease  = make(chan struct{})
	stackParked = make(chan struct{})
	stackDone   = make(chan struct{})
)

type box struct {
	n int
	p *int
}

//go:noinline
func newBox(f func() *int) *box { return &box{1, f()} }

// unloadHolders KIND ARCHIVE: the module is held in one way (heap: a host
// global's heap object points to the module's variable; itab: a host
// global fmt.Stringer of a module type, its itab built by the runtime;
// finalizer: the module's function is the finalizer of a host object;
// queued: that finalizer is queued behind a blocked one; stack: a parked
// goroutine's frame keeps the pointer); Close must refuse naming the
// holder, then close once it is gone.
func unloadHolders(kind, archive string) error {
	m, err := goload.Open(archive)
	if err != nil {
		return err
	}
	ptr, err := goload.Lookup[func() *int](m, holdersPkg+".Ptr")
	if err != nil {
		return err
	}
	setFin, err := goload.Lookup[func(*int)](m, holdersPkg+".SetFin")
	if err != nil {
		return err
	}
	newE, err := goload.Lookup[func() any](m, holdersPkg+".NewE")
	if err != nil {
		return err
	}
	var want []string
	var release func()
	switch kind {
	case "heap":
		heldBox = newBox(ptr) // in a frame of its own: no stale slot of this one keeps the pointer
		want = []string{"heap object at", "reachable from " + hostGlobal("main.heldBox"), holdersPkg + ".v"}
		release = func() { heldBox = nil }
	case "itab":
		heldStr = newE().(fmt.Stringer)
		want = []string{hostGlobal("main.heldStr"), "type:" + holdersPkg + ".E"}
		release = func() { heldStr = nil }
	case "finalizer":
		heldFinObj = new(int)
		setFin(heldFinObj)
		want = []string{"a finalizer set on the object at", holdersPkg + ".fin"}
		release = func() {
			runtime.SetFinalizer(heldFinObj, nil)
			heldFinObj = nil
		}
	case "queued":
		// block the finalizer goroutine, then queue the module's finalizer
		blocker := new([4]int)
		runtime.SetFinalizer(blocker, func(*[4]int) { close(finBlocked); <-finRelease })
		blocker = nil
		for done := false; !done; {
			runtime.GC()
			select {
			case <-finBlocked:
				done = true
			case <-time.After(10 * time.Millisecond):
			}
		}
		func() {
			o := new(int)
			setFin(o)
		}()
		runtime.GC()
		runtime.GC()
		want = []string{"a finalizer set on the object at", holdersPkg + ".fin"}
		release = func() { close(finRelease) }
	case "stack":
		go func(p *int) {
			close(stackParked)
			<-stackDone
			runtime.KeepAlive(p)
		}(ptr())
		<-stackParked
		want = []string{"goroutine", "frame of main.unloadHolders", holdersPkg + ".v"}
		release = func() { close(stackDone) }
	default:
		return fmt.Errorf("unknown holder kind %q", kind)
	}
	ptr, setFin, newE = nil, nil, nil
	if err := refused(m.Close(), want...); err != nil {
		return err
	}
	release()
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
	return nil
}
