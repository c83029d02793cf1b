package binding

import (
	"runtime"
	"sync"
	"unsafe"
)

// The runtime functions a loader needs (modulesinit, itabAdd, doInit1...)
// are not reachable by //go:linkname since Go 1.23 without disabling the
// linker's check. They are called instead through func values whose code
// pointer is the function's ABIInternal entry, found in the host's symbol
// table: a func value is a pointer to a word holding the entry PC.

// funcAt returns a func value of type T that calls pc. T must be a func
// type matching the Go signature of the code at pc, which must be an
// ABIInternal entry (never an ABI0 assembly body: the caller's code keeps
// R14 = g and X15 = 0 across the call, which ABI0 code may clobber).
func funcAt[T any](pc uintptr) T {
	word := new(uintptr) // the closure; kept alive by the func value itself
	*word = pc
	return *(*T)(unsafe.Pointer(&word))
}

// runtimeFunc resolves a runtime function by its linker name.
func runtimeFunc[T any](name string) (T, error) {
	pc, err := hostSym(name)
	if err != nil {
		var zero T
		return zero, err
	}
	return funcAt[T](pc), nil
}

// rtCalls is the runtime surface used to register modules.
type rtCalls struct {
	lock, unlock    func(l unsafe.Pointer)  // runtime.lock/unlock(*mutex)
	modulesinit     func()                  // rebuilds activeModules
	typelinksinit   func()                  // builds typemaps for new modules
	itabAdd         func(m unsafe.Pointer)  // needs itabLock held
	doInit1         func(t unsafe.Pointer)  // runs one *initTask
	verify          func(md unsafe.Pointer) // runtime.moduledataverify1
	itabLock        unsafe.Pointer          // &runtime.itabLock
	lastmoduledatap unsafe.Pointer          // &runtime.lastmoduledatap
	firstmoduledata unsafe.Pointer          // &runtime.firstmoduledata
}

var (
	rtOnce sync.Once
	rt     rtCalls
	rtErr  error
)

func runtimeCalls() (*rtCalls, error) {
	rtOnce.Do(func() { rtErr = rt.resolve() })
	return &rt, rtErr
}

//go:nocheckptr
func (r *rtCalls) resolve() (err error) {
	fn := func(dst *func(unsafe.Pointer), name string) {
		if err == nil {
			*dst, err = runtimeFunc[func(unsafe.Pointer)](name)
		}
	}
	fn0 := func(dst *func(), name string) {
		if err == nil {
			*dst, err = runtimeFunc[func()](name)
		}
	}
	data := func(dst *unsafe.Pointer, name string) {
		if err == nil {
			var a uintptr
			a, err = hostSym(name)
			*dst = unsafe.Pointer(a) //nolint:govet // a host data symbol, outside the Go heap
		}
	}
	fn(&r.lock, "runtime.lock")
	fn(&r.unlock, "runtime.unlock")
	fn(&r.itabAdd, "runtime.itabAdd")
	fn(&r.doInit1, "runtime.doInit1")
	fn(&r.verify, "runtime.moduledataverify1")
	fn0(&r.modulesinit, "runtime.modulesinit")
	fn0(&r.typelinksinit, "runtime.typelinksinit")
	data(&r.itabLock, "runtime.itabLock")
	data(&r.lastmoduledatap, "runtime.lastmoduledatap")
	data(&r.firstmoduledata, "runtime.firstmoduledata")
	return err
}

// Check reports whether goload can load into this process: the host's
// symbol table is readable and every runtime function and variable the
// loader uses resolves and answers a harmless call correctly. It builds
// the host's symbol and type indexes (once per process, else the first
// Open does): called at startup, it keeps them out of the first load.
func Check() error {
	r, err := runtimeCalls()
	if err != nil {
		return err
	}
	// A wrong address or ABI deadlocks or crashes here, not later in the
	// middle of a module registration.
	for i := 0; i < 2; i++ {
		r.lock(r.itabLock)
		r.unlock(r.itabLock)
	}
	if *(*unsafe.Pointer)(r.lastmoduledatap) == nil {
		return errorf("runtime.lastmoduledatap is nil")
	}
	gomaxprocs, err := runtimeFunc[func(int) int]("runtime.GOMAXPROCS")
	if err != nil {
		return err
	}
	if got, want := gomaxprocs(0), runtime.GOMAXPROCS(0); got != want {
		return errorf("runtime.GOMAXPROCS called by address returned %d, want %d", got, want)
	}
	h, _ := theHost()
	if got := goVersion(h); got != runtime.Version() {
		return errorf("host Go version read as %q, runtime says %q", got, runtime.Version())
	}
	return nil
}
