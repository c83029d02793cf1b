package binding

/*
#include <stdlib.h>
#include "goload.h"
*/
import "C"

import (
	"fmt"
	"runtime"
	"strings"
	"time"
	"unsafe"
)

// UnloadError is Close's refusal. Each reason names what may still use
// the module and where it is held; the module stays loaded and working,
// and Close can be called again once the holders are gone.
type UnloadError struct {
	Module  string
	Reasons []string
}

func (e *UnloadError) Error() string {
	return "goload: module " + e.Module + " is still in use: " + strings.Join(e.Reasons, "; ")
}

// modules are the open modules, in load order (guarded by loadMu): a
// module's data is a root for whether another module can be closed.
var modules []*Module

func opened(cm *C.goload_module, stub bool, t *Timings) *Module {
	m := &Module{m: cm, stub: stub, times: *t}
	for i := 0; i < int(C.goload_module_nuses(cm)); i++ {
		p := C.goload_module_use(cm, C.size_t(i), nil)
		for _, o := range modules {
			if o.m == p {
				m.uses = append(m.uses, o)
			}
		}
	}
	modules = append(modules, m)
	openSeq++
	seqOf[m] = openSeq
	for _, f := range m.hostFills() {
		if f.owner {
			filledSince[f.at] = openSeq
		}
	}
	return m
}

// users: the open modules that reuse a package of m (one copy per
// process), which must be closed first.
func (m *Module) users() []string {
	var rs []string
	for _, o := range modules {
		if o == m || o.m == nil {
			continue
		}
		for i, u := range o.uses {
			if u != m {
				continue
			}
			var pkg *C.char
			C.goload_module_use(o.m, C.size_t(i), &pkg)
			pkgs := strings.Split(C.GoString(pkg), ", ")
			what := "package " + pkgs[0]
			if n := len(pkgs); n > 1 {
				// dependencies first: the last ones are closest to what it loaded
				what = "packages " + strings.Join(pkgs[max(0, n-4):], ", ")
				if n > 4 {
					what += fmt.Sprintf(" (and %d more)", n-4)
				}
			}
			rs = append(rs, fmt.Sprintf("module %s uses its copy of %s (one copy of a package per process): close it first",
				C.GoString(C.goload_module_name(o.m)), what))
		}
	}
	return rs
}

// forget takes a closed module off the list of open modules.
func (m *Module) forget() {
	for i, o := range modules {
		if o == m {
			modules = append(modules[:i], modules[i+1:]...)
			break
		}
	}
}

// Open order (guarded by loadMu): seqOf numbers the open modules, and
// filledSince says from which module on a host word a module filled has
// pointed into modules (it stays so while the word is handed over): a
// module opened since may call the method through it.
var (
	openSeq     uint64
	seqOf       = map[*Module]uint64{}
	filledSince = map[uintptr]uint64{}
)

func errClosed(what string) error { return errorf("%s: the module is closed", what) }

// moduleFunc is a func value for module code (see funcAt). Its closure
// also holds the code address as a pointer, which is all that tells a
// heap scan that whoever keeps the func value still uses the module.
//
//go:nocheckptr
func moduleFunc[T any](pc uintptr) T {
	w := &struct {
		pc   uintptr
		code unsafe.Pointer
	}{pc, unsafe.Pointer(pc)} //nolint:govet // module code, outside the Go heap
	return *(*T)(unsafe.Pointer(&w))
}

const (
	// runtime/heapdump.go: typecache [typeCacheBuckets=256]{t [typeCacheAssoc=4]*_type}, Go 1.5-1.27
	typecacheBytes = 256 * 4 * 8
	// runtime/iface.go: itabTableInit is {size, count, [itabInitSize=512]*itab}, Go 1.21-1.27
	itabTableInitBytes = 16 + 512*8
	maxReasons         = 20
	// holders the scan keeps, to tell whether caches alone hold the module
	maxHits = 1000
	// runtime.mspan is 160 bytes in Go 1.22-1.26 (runtime/mheap.go)
	mspanProbeBytes = 160
	// stack re-check with the world stopped: a goroutine caught inside
	// the module is given this many chances to leave
	unlinkAttempts = 20
	// heap scans when goroutine stacks alone hold the module: a goroutine
	// that is leaving it (say, between a deferred wg.Done and its return)
	// or whose frame keeps a dead word is given this many more scans,
	// after 1, 2, 4... ms
	stackScans = 6
)

// Close unloads the module. It refuses (*UnloadError) while anything may
// still reach the module's code or data: a goroutine running in it or
// holding a pointer into it on its stack, a live heap object, host global,
// other module's data, finalizer or defer pointing into it (function
// values, type descriptors in interfaces, strings of its read-only data,
// its variables), or a PatchHost patch of it that is still applied.
// Otherwise the module is taken off the runtime's module list and itab
// table, a full GC runs, and its memory is returned; its addresses stay
// reserved and are never reused. Close is safe to call concurrently with
// code that does not use the module; the README ("unload") lists what it
// cannot see.
func (m *Module) Close() error {
	loadMu.Lock()
	defer loadMu.Unlock()
	if m.m == nil {
		return errClosed("Close")
	}
	start, ct := time.Now(), Timings{}
	// Before anything else changes (rebaseTypemaps points other modules'
	// types away from this one's).
	if rs := m.users(); len(rs) > 0 {
		return &UnloadError{Module: C.GoString(C.goload_module_name(m.m)), Reasons: rs}
	}
	if m.stub {
		// Nothing mapped or registered: its lookups went to its providers,
		// whose code the heap scan of their own Close sees.
		C.goload_module_free(m.m)
		m.m = nil
		m.forget()
		return nil
	}
	r, err := runtimeCalls()
	if err != nil {
		return err
	}
	if err := thePatcher(); err != nil {
		return err
	}
	var lay C.goload_module_layout
	C.goload_module_get_layout(m.m, &lay)
	var info C.goload_unload_info
	C.goload_module_unload_info(m.m, &info)
	name := C.GoString(C.goload_module_name(m.m))

	m.rebaseTypemaps(&lay, &info)
	reasons := m.patchReasons(&lay)
	if why := m.dropTypelinksCache(r, &info); why != "" {
		reasons = append(reasons, why)
	}
	h := m.handover()
	reasons = append(reasons, h.reasons...)
	held, err := heldItabs(&lay, &info, h.filled, h.succ)
	if err != nil {
		return err
	}
	caches, cleaned := stdCacheRanges(), false
	ct.Prepare = time.Since(start)
	// quick: one scan without a collection first. What the scan reaches
	// from the roots is live whether or not a collection ran; a
	// collection only takes holders away (garbage a conservative frame
	// word still reaches, a finalizer or cleanup of a dead object, which
	// it queues and which then run). So a quick scan that finds nothing
	// is as good as the full one below, and when it finds anything, or
	// the unlink meets a cleanup, Close collects and scans as before.
	quick, fastTried := len(reasons) == 0, false
	for {
		t0 := time.Now()
		var hr []string
		if quick && !fastTried && env("GOLOAD_BENCH_BEFORE") != "1" {
			// the stopped-world walk first (unload_fastscan.go): clean, and
			// no dump is needed; a candidate, and the dump scan decides
			fastTried = true
			if ok, why := m.fastClean(&lay, &info, held, unsafe.Pointer(&m), &ct); ok {
				ct.Scan += time.Since(t0)
				goto unlink
			} else {
				debugf("unload: the fast scan is not sure (%s); scanning the heap dump", why)
			}
		}
		if quick {
			q, _, _, err := m.heapReasons(&lay, &info, held, caches, false, &ct)
			if err != nil {
				return err
			}
			if quick = len(q) == 0; !quick {
				debugf("unload: quick scan without a collection: %s; collecting and scanning again", q[0])
			}
		}
		for scan := 1; !quick; scan++ {
			var onStacks, inCaches bool
			if hr, onStacks, inCaches, err = m.heapReasons(&lay, &info, held, caches, true, &ct); err != nil {
				return err
			}
			// Held only by standard packages' caches (unload_caches.go), and by
			// nothing else: their entries for the module go, and it is
			// scanned again.
			if inCaches && !cleaned && len(reasons) == 0 {
				cleaned = true
				debugf("unload: only standard caches hold the module (%s); dropped from them: %v", hr[0], cleanStdCaches(r, &lay, &info))
				continue
			}
			if len(hr) == 0 || !onStacks || scan == stackScans {
				break
			}
			debugf("unload: scan %d: only goroutine stacks hold the module (%s); scanning again", scan, hr[0])
			time.Sleep(time.Millisecond << (scan - 1))
		}
		reasons = append(reasons, hr...)
		ct.Scan += time.Since(t0)
		if len(reasons) > 0 {
			return &UnloadError{Module: name, Reasons: reasons}
		}
	unlink:
		t0 = time.Now()
		busy, err := m.unlink(r, &lay, &info, h.writes, h.succ)
		ct.Unlink += time.Since(t0)
		if err != nil {
			return err
		}
		if busy == "" {
			break
		}
		if !quick {
			return &UnloadError{Module: name, Reasons: []string{busy}}
		}
		// Nothing was changed: a cleanup of an object the collection
		// would find dead, or a goroutine still leaving the module.
		debugf("unload: after the quick scan: %s; collecting and scanning again", busy)
		quick = false
	}
	t0 := time.Now()
	h.commit()
	// activeModules without this module; then a whole GC cycle, so that
	// no mark phase still holds the old list and scans the module's data.
	r.modulesinit()
	ct.Unlink += time.Since(t0)
	t0 = time.Now()
	runtime.GC()
	ct.GC = time.Since(t0)
	t0 = time.Now()
	unregisterDebug(m.m)
	C.goload_module_retire(m.m)
	m.m = nil
	delete(seqOf, m)
	m.forget()
	ct.Unmap = time.Since(t0)
	ct.Close = time.Since(start)
	m.closeTimes(ct)
	return nil
}

type layout = C.goload_module_layout

func inModule(l *layout, a uintptr) bool {
	return uint64(a) >= uint64(l.start) && uint64(a) < uint64(l.end)
}

// symbolize names an address of the module: "type:example.com/p.T",
// "example.com/p.F+0x1c".
func (m *Module) symbolize(a uint64) string {
	var off C.uint64_t
	return symName(C.goload_module_symbol_at(m.m, C.uint64_t(a), &off), off, a)
}

func hostSymbolize(a uint64) string {
	h, err := theHost()
	if err != nil {
		return fmt.Sprintf("0x%x", a)
	}
	var off C.uint64_t
	return symName(C.goload_host_symbol_at(h, C.uint64_t(a), &off), off, a)
}

func symName(s *C.char, off C.uint64_t, a uint64) string {
	switch {
	case s == nil:
		return fmt.Sprintf("0x%x", a)
	case off == 0:
		return C.GoString(s)
	}
	return fmt.Sprintf("%s+0x%x", C.GoString(s), uint64(off))
}

// patchReasons: applied patches whose replacement is the module's code,
// or that patch the module's own functions.
func (m *Module) patchReasons(lay *C.goload_module_layout) []string {
	patcher.mu.Lock()
	defer patcher.mu.Unlock()
	var rs []string
	for _, p := range patcher.applied {
		if to := p.replacementPC(); inModule(lay, to) { // through peek: checkptr-safe on a -race host
			rs = append(rs, fmt.Sprintf("patch of %s by %s is applied (Revert it first)", p.name, m.symbolize(uint64(to))))
		} else if inModule(lay, p.entry) {
			rs = append(rs, fmt.Sprintf("patch of the module's %s is applied (Revert it first)", p.name))
		}
	}
	return rs
}

// hostFill is a word of the host's read-only data the link pointed into
// the module: a dropped method's itab slot or method-table text offset,
// and code, the address it designates. The owner wrote it; another
// module's copy of the method (owner false) is what Close of the owner
// hands the word over to.
