package goload

/*
#include <stdlib.h>
#include "goload.h"
*/
import "C"

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
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
func moduleFunc[T any](pc uintptr) T {
	w := &struct {
		pc   uintptr
		code unsafe.Pointer
	}{pc, unsafe.Pointer(pc)} //nolint:govet // module code, outside the Go heap
	return *(*T)(unsafe.Pointer(&w))
}

const (
	sysMemfdCreate = 319 // linux/amd64
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
	quick := len(reasons) == 0
	for {
		t0 := time.Now()
		var hr []string
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
			// Held only by standard packages' caches (stdcaches.go), and by
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
type hostFill struct {
	i        int
	at, code uintptr
	old, new [8]byte
	n        int
	owner    bool
}

func (m *Module) hostFills() []hostFill {
	fs := make([]hostFill, C.goload_module_host_fills(m.m))
	for i := range fs {
		var f C.goload_host_fill
		C.goload_module_host_fill(m.m, C.size_t(i), &f)
		fs[i] = hostFill{i: i, at: uintptr(f.at), code: uintptr(f.code), n: int(f.n), owner: bool(f.owner)}
		binary.LittleEndian.PutUint64(fs[i].old[:], uint64(f.old))
		binary.LittleEndian.PutUint64(fs[i].new[:], uint64(f.new))
	}
	return fs
}

// hostWrite is a word Close writes into the host's read-only data with
// the world stopped: val, or back (what was there) if a later write fails.
type hostWrite struct {
	at        uintptr
	val, back [8]byte
	n         int
}

// codeMove says where an itab slot calling the closing module's code at
// from goes: another open module's copy of the same method.
type codeMove struct{ from, to uintptr }

// handoverPlan is what Close does with the host words the module owns.
type handoverPlan struct {
	writes  []hostWrite
	filled  map[uintptr]bool // the words it owns
	succ    []codeMove       // sorted by from
	reasons []string
	// applied once the module is unlinked
	newOwners []struct {
		m *Module
		i int
	}
	reverted []uintptr
}

// handover plans, for each host word the module filled, the value it
// takes at Close: another open module's copy of the method (the oldest
// such module becomes the word's owner), else the host linker's value.
// Reverting refuses while a module opened since the word was filled has
// no copy of its own: it may call the method through an itab the runtime
// builds from the method table, and would reach runtime.unreachableMethod.
func (m *Module) handover() *handoverPlan {
	h := &handoverPlan{filled: map[uintptr]bool{}}
	claims := map[uintptr]struct {
		m *Module
		f hostFill
	}{}
	for _, o := range modules {
		if o == m || o.m == nil {
			continue
		}
		for _, f := range o.hostFills() {
			if _, ok := claims[f.at]; !ok && !f.owner {
				claims[f.at] = struct {
					m *Module
					f hostFill
				}{o, f}
			}
		}
	}
	stranded := map[*Module][]string{}
	var strandedOrder []*Module
	for _, f := range m.hostFills() {
		if !f.owner {
			continue
		}
		h.filled[f.at] = true
		w := hostWrite{at: f.at, val: f.old, back: f.new, n: f.n}
		if c, ok := claims[f.at]; ok {
			w.val = c.f.new
			h.succ = append(h.succ, codeMove{f.code, c.f.code})
			h.newOwners = append(h.newOwners, struct {
				m *Module
				i int
			}{c.m, c.f.i})
		} else {
			h.reverted = append(h.reverted, f.at)
			since, ok := filledSince[f.at]
			for _, o := range modules {
				if o == m || o.m == nil || !ok || seqOf[o] <= since {
					continue
				}
				if len(stranded[o]) == 0 {
					strandedOrder = append(strandedOrder, o)
				}
				stranded[o] = append(stranded[o], m.symbolize(uint64(f.code)))
			}
		}
		h.writes = append(h.writes, w)
	}
	for _, o := range strandedOrder {
		ms := stranded[o]
		sort.Strings(ms)
		ms = slices.Compact(ms)
		n, more := len(ms), ""
		if n > 3 {
			more, ms = ", ...", ms[:3]
		}
		h.reasons = append(h.reasons, fmt.Sprintf("module %s was opened while %d of the host's dropped methods (%s%s) pointed into this module, and has no copy of its own to take them over (it may call them through an interface; close it first)",
			C.GoString(C.goload_module_name(o.m)), n, strings.Join(ms, ", "), more))
	}
	sort.Slice(h.succ, func(i, j int) bool { return h.succ[i].from < h.succ[j].from })
	return h
}

// commit records the new owners once the words are written.
func (h *handoverPlan) commit() {
	for _, o := range h.newOwners {
		C.goload_module_host_fill_own(o.m.m, C.size_t(o.i), true)
	}
	for _, at := range h.reverted {
		delete(filledSince, at)
	}
	if len(h.writes) > 0 {
		debugf("unload: %d host itab slots and method-table entries: %d handed over to other modules, %d written back",
			len(h.writes), len(h.newOwners), len(h.reverted))
	}
}

// moveTo is where an itab slot calling from goes: another module's copy
// of the method, 0 when none. No allocation (it runs with the world
// stopped).
func moveTo(succ []codeMove, from uintptr) uintptr {
	lo, hi := 0, len(succ)
	for lo < hi {
		mid := (lo + hi) / 2
		if succ[mid].from < from {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(succ) && succ[lo].from == from {
		return succ[lo].to
	}
	return 0
}

// heldItabs lists the itabs of the runtime's table that are not the
// module's but call into it, each with one such method: getitab built
// them for host types whose dropped methods the module supplies. Unlink
// points those methods back at runtime.unreachableMethod; a live
// interface holding one keeps the module. The table only grows by
// replacement (the old one is never freed), so it is read without a lock.
func heldItabs(lay *C.goload_module_layout, info *C.goload_unload_info, filled map[uintptr]bool, succ []codeMove) ([]uint64, error) {
	itabTable, err := hostSym("runtime.itabTable")
	if err != nil {
		return nil, err
	}
	t := *word(itabTable)
	entries := unsafe.Slice((*uintptr)(unsafe.Pointer(t+16)), *word(t)) //nolint:govet // runtime table
	var held []uint64
	for _, e := range entries {
		if e == 0 || inModule(lay, e) || inModule(lay, *word(e + uintptr(info.itab_inter))) || inModule(lay, *word(e + uintptr(info.itab_type))) {
			continue
		}
		if f := itabCallsInto(lay, info, e, filled, succ); f != 0 {
			held = append(held, uint64(e), uint64(f))
		}
	}
	pairs := make([][2]uint64, len(held)/2)
	for i := range pairs {
		pairs[i] = [2]uint64{held[2*i], held[2*i+1]}
	}
	sort.Slice(pairs, func(i, j int) bool { return pairs[i][0] < pairs[j][0] })
	for i, p := range pairs {
		held[2*i], held[2*i+1] = p[0], p[1]
	}
	return held, nil
}

// itabCallsInto answers the first method of itab e in the module, 0 when
// none (fun[0] == 0: the runtime's record that the type does not
// implement the interface). Slots in filled are not counted: Close writes
// them back or hands them over (the link filled them: the host's own
// itabs, and those built before the load); nor are methods another open
// module has a copy of (succ): Close points the slot at that copy. No
// allocation: it runs with the world stopped (a nil map is only read).
func itabCallsInto(lay *C.goload_module_layout, info *C.goload_unload_info, e uintptr, filled map[uintptr]bool, succ []codeMove) uintptr {
	fun := e + uintptr(info.itab_fun)
	if *word(fun) == 0 {
		return 0
	}
	for k, n := uintptr(0), itabLen(info, e); k < n; k++ {
		if f := *word(fun + 8*k); inModule(lay, f) && !filled[fun+8*k] && moveTo(succ, f) == 0 {
			return f
		}
	}
	return 0
}

// ownPrefix starts the names of this package's functions: the frames of
// Close's own goroutine under that name are no roots for the heap scan.
// Their outargs may keep a stale word of an earlier call (on Go 1.21 a
// type descriptor of the module, from the type checks), and nothing of
// ours keeps a module pointer past Close.
var ownPrefix = reflect.TypeOf(Module{}).PkgPath() + "."

// currentGoid is the calling goroutine's id, as the heap dump writes it
// (from the first line of its own traceback, "goroutine N [running]:").
func currentGoid() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		if n, err := strconv.ParseUint(string(b[:i]), 10, 64); err == nil {
			return n
		}
	}
	return 0
}

// itabLen is how many method slots itab e has: len(inter.Methods).
func itabLen(info *C.goload_unload_info, e uintptr) uintptr {
	return *word(*word(e + uintptr(info.itab_inter)) + uintptr(info.iface_methods) + 8)
}

// cWords copies words to C memory (scan options must not hold Go pointers).
func cWords(ws []uint64) *C.uint64_t {
	if len(ws) == 0 {
		return nil
	}
	p := (*C.uint64_t)(C.malloc(C.size_t(len(ws) * 8)))
	copy(unsafe.Slice((*uint64)(unsafe.Pointer(p)), len(ws)), ws)
	return p
}

// heapReasons writes a heap dump (the runtime's own record of live objects
// with their pointer words, goroutine frames with their live slots, host
// globals, finalizers) and asks which holders reach into the module.
// onStacks says that every holder is a goroutine's (a frame running in
// the module, a frame's slot, its context, defer or panic, or a heap
// object reached only from those): what may change by itself.
//
// inCaches says that every holder was reached from one of the caches of
// standard packages (stdcaches.go) and from nothing else.
func (m *Module) heapReasons(lay *C.goload_module_layout, info *C.goload_unload_info, held []uint64, caches []rng, gc bool, ct *Timings) (rs []string, onStacks, inCaches bool, err error) {
	// Garbage and queued finalizers go first (unless gc is false, Close's
	// quick scan): a dead object is never reported, but a finalizer keeps
	// its own roots until it has run.
	t0 := time.Now()
	if gc {
		runtime.GC()
	}
	ct.ScanGC += time.Since(t0)
	onStacks = true
	if why, err := cleanupQueueReason(info); err != nil {
		return nil, false, false, err
	} else if why != "" {
		rs, onStacks = append(rs, why), false
	}
	nm := []byte("goload-heapdump\x00")
	fd, _, e := syscall.Syscall(sysMemfdCreate, uintptr(unsafe.Pointer(&nm[0])), 1 /* MFD_CLOEXEC */, 0)
	if e != 0 {
		return nil, false, false, errorf("Close: memfd_create: %v", e)
	}
	defer syscall.Close(int(fd))
	t0 = time.Now()
	debug.WriteHeapDump(fd)
	ct.Dump += time.Since(t0)
	size, err := syscall.Seek(int(fd), 0, 2)
	if err != nil || size <= 0 {
		return nil, false, false, errorf("Close: heap dump of %d bytes: %v", size, err)
	}
	dump, err := syscall.Mmap(int(fd), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, false, false, errorf("Close: mapping the heap dump: %v", err)
	}
	defer syscall.Munmap(dump) //nolint:errcheck

	var extraAddr, extraLen []uint64
	var extraOf []*Module
	for _, o := range modules {
		if o == m || o.m == nil || o.stub {
			continue
		}
		var ol C.goload_module_layout
		C.goload_module_get_layout(o.m, &ol)
		extraAddr = append(extraAddr, uint64(ol.data), uint64(ol.bss))
		extraLen = append(extraLen, uint64(ol.edata-ol.data)&^7, uint64(ol.ebss-ol.bss)&^7)
		extraOf = append(extraOf, o, o)
	}
	md := uintptr(C.goload_module_moduledata(m.m))
	skip := []uint64{uint64(*(*uintptr)(unsafe.Pointer(md + uintptr(info.md_typemap))))} //nolint:govet // C memory
	if tm := hostTypemapObject(); tm != 0 {
		skip = append(skip, tm)
	}
	// The dumper's own type cache (runtime/heapdump.go typecache) holds
	// the types of the itabs it just wrote.
	var ignore []uint64
	if tc, err := hostSym("runtime.typecache"); err == nil {
		ignore = append(ignore, uint64(tc), uint64(tc)+typecacheBytes)
	}
	// The runtime's first itab table: its entries are the registry unlink
	// edits, not interfaces (the word before an entry is another entry).
	if it, err := hostSym("runtime.itabTableInit"); err == nil {
		ignore = append(ignore, uint64(it), uint64(it)+itabTableInitBytes)
	}
	ntypes := C.goload_module_type_addrs(m.m, nil, 0)
	types := make([]uint64, ntypes)
	if ntypes > 0 {
		C.goload_module_type_addrs(m.m, (*C.uint64_t)(unsafe.Pointer(&types[0])), ntypes)
	}
	opts := C.goload_heapscan_opts{
		ignore: cWords(ignore), nignore: C.size_t(len(ignore) / 2),
		ranges: cWords([]uint64{uint64(lay.start), uint64(lay.end)}), nranges: 1,
		types: cWords(types), ntypes: ntypes, itabs: cWords(held), nitabs: C.size_t(len(held) / 2),
		extra_addr: cWords(extraAddr), extra_len: cWords(extraLen), nextra: C.size_t(len(extraAddr)),
		skip: cWords(skip), nskip: C.size_t(len(skip)),
		header_min: C.uint64_t(info.malloc_header_min), header_max: C.uint64_t(info.malloc_header_max),
		max_hits: maxHits, large_min: C.uint64_t(info.malloc_header_max),
		own_goid: C.uint64_t(currentGoid()), own_prefix: C.CString(ownPrefix),
	}
	if h, err := theHost(); err == nil {
		opts.host = h // its linker-written data words are no interface type words
	}
	defer C.free(unsafe.Pointer(opts.own_prefix))
	defer func() {
		for _, p := range []*C.uint64_t{opts.ranges, opts.types, opts.itabs, opts.extra_addr, opts.extra_len, opts.skip, opts.ignore} {
			C.free(unsafe.Pointer(p))
		}
	}()
	var s *C.goload_heapscan
	var ce C.goload_err
	t0 = time.Now()
	if C.goload_heapscan_run(unsafe.Pointer(&dump[0]), C.size_t(len(dump)), &opts, &s, &ce) < 0 {
		return nil, false, false, cError(&ce)
	}
	ct.DumpScan += time.Since(t0)
	defer C.goload_heapscan_free(s)
	kept := int(C.goload_heapscan_nhits(s))
	inCaches = kept > 0 && len(rs) == 0
	// Holders reached from a standard cache Close cleans are named only
	// when nothing else holds the module (then Close cleans them and
	// scans again); beside a real holder they are only counted.
	var cached []string
	described, extra := 0, 0
	for i := 0; i < kept; i++ {
		var h C.goload_holder
		C.goload_heapscan_hit(s, C.size_t(i), &h)
		inCache := h.root_kind == C.GOLOAD_HOLDER_DATA && inRange(caches, uintptr(h.root_at))
		inCaches = inCaches && inCache
		onStacks = onStacks && onStack(&h)
		switch {
		case inCache:
			if len(cached) < maxReasons {
				cached = append(cached, m.describe(&h, extraOf))
			}
		case described < maxReasons:
			rs = append(rs, m.describe(&h, extraOf))
			described++
		default:
			extra++
		}
	}
	if inCaches {
		rs = cached
	} else if n := len(cached); n > 0 {
		rs = append(rs, fmt.Sprintf("(and %d holders in standard caches that Close cleans once nothing else holds the module)", n))
	}
	if n := int(C.goload_heapscan_total(s)); n > kept || extra > 0 {
		rs, onStacks = append(rs, fmt.Sprintf("and %d more", extra+n-kept)), false
		inCaches = inCaches && n == kept
	}
	if n := int(C.goload_heapscan_nlarge(s)); n > 0 {
		off, spanOfHeap, err := largeTypeSlot()
		if err != nil {
			return nil, false, false, err
		}
		for i := 0; i < n && len(rs) < 2*maxReasons; i++ {
			var h C.goload_holder
			C.goload_heapscan_large(s, C.size_t(i), &h)
			// The object may have been freed since the dump: spanOfHeap
			// then answers nil or another span, never a fault.
			sp := uintptr(spanOfHeap(uintptr(h.obj)))
			if sp == 0 {
				continue
			}
			if t := *word(sp + off); uint64(t) >= uint64(lay.types) && uint64(t) < uint64(lay.etypes) {
				h.target = C.uint64_t(t)
				rs = append(rs, m.describe(&h, extraOf)+" (the type of this large object, kept in its span)")
				onStacks = onStacks && onStack(&h)
				inCaches = false
			}
		}
	}
	return rs, onStacks && len(rs) > 0, inCaches && len(rs) > 0, nil
}

// onStack: the holder is a goroutine's (see heapReasons).
func onStack(h *C.goload_holder) bool {
	return h.root_kind == C.GOLOAD_HOLDER_FRAME || h.root_kind == C.GOLOAD_HOLDER_GOROUTINE
}

// largeTypeSlot finds mspan.largeType (Go 1.22+: a large object's type,
// which the heap dump does not show; offset 152 in 1.22-1.26) by probing:
// in the span of a fresh large pointerful object exactly one word of the
// mspan holds that object's type. Spans are found by runtime.spanOfHeap,
// which answers nil for anything that is not a live span.
func largeTypeSlot() (uintptr, func(uintptr) unsafe.Pointer, error) {
	largeType.once.Do(func() {
		f, err := runtimeFunc[func(uintptr) unsafe.Pointer]("runtime.spanOfHeap")
		if err != nil {
			largeType.err = err
			return
		}
		// 64 KiB, one pointer word: a large object whose type needs no
		// GC program (those get a synthesized type in the span)
		x := new(struct {
			p   *byte
			pad [8192]uintptr
		})
		t := reflect.TypeOf(x).Elem()
		typ := (*[2]uintptr)(unsafe.Pointer(&t))[1] // the *rtype is the *abi.Type
		sp := uintptr(f(uintptr(unsafe.Pointer(x))))
		var found []uintptr
		for off := uintptr(0); sp != 0 && off < mspanProbeBytes; off += 8 {
			if *word(sp + off) == typ {
				found = append(found, off)
			}
		}
		runtime.KeepAlive(x)
		if len(found) != 1 {
			largeType.err = errorf("Close: mspan.largeType not found by probing (%d candidate words)", len(found))
			return
		}
		largeType.off, largeType.spanOfHeap = found[0], f
	})
	return largeType.off, largeType.spanOfHeap, largeType.err
}

var largeType struct {
	once       sync.Once
	off        uintptr
	spanOfHeap func(uintptr) unsafe.Pointer
	err        error
}

// describe says what holds a pointer into the module, and where.
func (m *Module) describe(h *C.goload_holder, extraOf []*Module) string {
	target := m.symbolize(uint64(h.target))
	fn := C.GoStringN(h._func, C.int(h.funclen))
	root := func() string {
		switch h.root_kind {
		case C.GOLOAD_HOLDER_DATA:
			return "host global " + hostSymbolize(uint64(h.root_at))
		case C.GOLOAD_HOLDER_EXTRA:
			o := extraOf[h.extra]
			return fmt.Sprintf("module %s's variable %s", C.GoString(C.goload_module_name(o.m)), o.symbolize(uint64(h.root_at)))
		case C.GOLOAD_HOLDER_FRAME:
			if h.iface && !h.conservative {
				// Stack maps leave an interface's type word out (it
				// never points into the heap): the word before each
				// live pointer slot is read as one. It may also be a
				// dead slot's stale value, which no map describes.
				return fmt.Sprintf("goroutine %d (frame of %s: the word before a live pointer slot, read as an interface's type word, which the stack maps cannot tell from a dead slot's stale value)", uint64(h.goid), fn)
			}
			if h.conservative {
				// no stack map describes the instruction it stopped at
				return fmt.Sprintf("goroutine %d (frame of %s, stopped asynchronously: every word read, as the GC reads it)", uint64(h.goid), fn)
			}
			return fmt.Sprintf("goroutine %d (frame of %s)", uint64(h.goid), fn)
		case C.GOLOAD_HOLDER_GOROUTINE:
			return fmt.Sprintf("goroutine %d (its closure context, defer or panic)", uint64(h.goid))
		case C.GOLOAD_HOLDER_FINALIZER:
			return fmt.Sprintf("a finalizer set on the object at 0x%x", uint64(h.root_at))
		}
		return "?"
	}
	switch {
	case h.kind == C.GOLOAD_HOLDER_FRAME && h.at == h.target:
		return fmt.Sprintf("goroutine %d is running the module's code: %s (pc 0x%x)", uint64(h.goid), fn, uint64(h.target))
	case h.kind == C.GOLOAD_HOLDER_HEAP:
		return fmt.Sprintf("heap object at 0x%x (%d bytes), reachable from %s, points to %s", uint64(h.obj), uint64(h.size), root(), target)
	}
	return root() + " points to " + target
}

// unlink takes the module off the runtime's tables with the world stopped,
// after checking once more that no goroutine is parked in its code (no
// goroutine can enter it after the heap scan found no reference to it,
// but one may still have been leaving it). It returns a reason when a
// goroutine stays inside.
func (m *Module) unlink(r *rtCalls, lay *C.goload_module_layout, info *C.goload_unload_info, writes []hostWrite, succ []codeMove) (string, error) {
	itabTable, err := hostSym("runtime.itabTable")
	if err != nil {
		return "", err
	}
	pinned, err := hostSym("runtime.pinnedTypemaps")
	if err != nil {
		return "", err
	}
	var mheap uintptr
	var spanOfHeap func(uintptr) unsafe.Pointer
	if info.cleanup_kind != 0 {
		if mheap, err = hostSym("runtime.mheap_"); err != nil {
			return "", err
		}
		if _, spanOfHeap, err = largeTypeSlot(); err != nil {
			return "", err
		}
	}
	md := uintptr(C.goload_module_moduledata(m.m))
	unreachable, err := hostSym("runtime.unreachableMethod")
	if err != nil {
		return "", err
	}
	var others []rng
	for _, o := range modules {
		if o != m && o.m != nil && !o.stub {
			var ol C.goload_module_layout
			C.goload_module_get_layout(o.m, &ol)
			others = append(others, rng{uintptr(ol.start) - 1, uintptr(ol.end)})
		}
	}
	u := unlinker{
		md: md, first: uintptr(r.firstmoduledata), last: uintptr(r.lastmoduledatap),
		itabTable: itabTable, pinned: pinned, lay: lay, info: info, writes: writes, succ: succ,
		unreachable: unreachable, others: others, typeFills: typeFills(m.m),
	}
	patcher.mu.Lock()
	defer patcher.mu.Unlock()
	rs := []rng{{uintptr(lay.text) - 1, uintptr(lay.etext)}}
	for attempt := 0; attempt < unlinkAttempts; attempt++ {
		// Scratch for the itab table, sized before the world stops
		// (getitab may grow the table meanwhile: then once more).
		u.buf = make([]uintptr, 0, 2**word(*word(itabTable)))
		patcher.w.stop()
		scanState.rs, scanState.hit, scanState.pcsOnly = rs, false, true
		patcher.w.forEachG(patcher.visit)
		scanState.pcsOnly = false
		busy, isBusy := scanState.busy, scanState.hit
		cleanup, hasCleanup := cleanupHit{}, false
		if !isBusy {
			cleanup, hasCleanup = findCleanup(lay, info, mheap, spanOfHeap)
		}
		done := false
		if !isBusy && !hasCleanup {
			done = u.run()
		}
		patcher.w.start()
		if hasCleanup {
			return fmt.Sprintf("a cleanup (runtime.AddCleanup) on the object at 0x%x would run %s once the object dies",
				cleanup.obj, m.symbolize(uint64(cleanup.target))), nil
		}
		if u.werr != 0 {
			return "", fmt.Errorf("goload: unload: writing the host's read-only data at 0x%x back: %v", u.werrAt, u.werr)
		}
		if done {
			return "", nil
		}
		if !isBusy {
			continue
		}
		if attempt == unlinkAttempts-1 {
			return fmt.Sprintf("goroutine %d (status %d) is in the module's code (%s, found at 0x%x)", busy.goid, busy.status,
				m.symbolize(uint64(busy.pc)), busy.at), nil
		}
		runtime.Gosched()
	}
	return "", nil
}

// unlinker is what runs with the world stopped: no allocation, no calls
// into the runtime. Pointer slots of Go memory are written as typed
// pointers, so a GC mark phase stopped with the world sees the writes.
type unlinker struct {
	md, first, last, itabTable, pinned uintptr
	buf                                []uintptr
	lay                                *C.goload_module_layout
	info                               *C.goload_unload_info
	writes                             []hostWrite   // the host words the module owns
	succ                               []codeMove    // other modules' copies of its methods
	unreachable                        uintptr       // runtime.unreachableMethod
	others                             []rng         // the other modules' mappings
	werr                               syscall.Errno // writing fills back failed (at werrAt)
	werrAt                             uintptr
	typeFills                          []C.goload_type_fill // keys of the host's typemap to delete
}

// writeData writes b at addr through /proc/self/mem (the host's read-only
// data: no page changes protection). A raw syscall: the world is stopped.
func writeData(memfd int, addr uintptr, b []byte) syscall.Errno {
	if memfd < 0 {
		return syscall.EBADF
	}
	n, _, e := syscall.RawSyscall6(syscall.SYS_PWRITE64, uintptr(memfd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), addr, 0, 0)
	if e == 0 && n != uintptr(len(b)) {
		e = syscall.EIO
	}
	return e
}

func word(a uintptr) *uintptr { return (*uintptr)(unsafe.Pointer(a)) } //nolint:govet // runtime and C memory

func (u *unlinker) run() bool {
	if *word(*word(u.itabTable)) > uintptr(cap(u.buf)) {
		return false
	}
	// The host's dropped methods point at another open module's copy, or
	// at -1 or runtime.unreachableMethod again, as its linker left them:
	// no host code calls them (that is why they were dropped), and no
	// itab built from now on calls into the module.
	for i, w := range u.writes {
		if e := writeData(patcher.memfd, w.at, w.val[:w.n]); e != 0 {
			for _, g := range u.writes[:i] {
				writeData(patcher.memfd, g.at, g.back[:g.n])
			}
			u.werr, u.werrAt = e, w.at
			return false
		}
	}
	dropHostTypes(u.typeFills)
	// The module list: firstmoduledata.next -> ... -> lastmoduledatap.
	next := uintptr(u.info.md_next)
	for p := u.first; p != 0; p = *word(p + next) {
		if *word(p + next) == u.md {
			*word(p + next) = *word(u.md + next)
			if *word(u.last) == u.md {
				*word(u.last) = p
			}
			break
		}
	}
	u.itabs()
	u.typemaps()
	return true
}

// itabs removes every itab of the runtime's table whose interface or type
// is the module's (its own and those getitab built for its types), then
// reinserts the rest with the runtime's hash and quadratic probe
// (runtime/iface.go: itabHashFunc, itabTableType.add): an open-addressed
// table cannot just lose entries. The table is {size, count, entries}.
//
// An itab getitab built for a host type and a host interface while the
// module supplied the type's dropped methods stays, its slots pointing
// at runtime.unreachableMethod again: what getitab builds from the
// method table written back. Host type-switch and type-assertion caches
// (Go 1.22+, never cleared) may hold it; a module loaded later fills its
// slots again (gl_host_itab_slots), so a cached itab never calls into a
// closed module. The heap scan refused while a live interface held one.
func (u *unlinker) itabs() {
	t := *word(u.itabTable)
	size := *word(t)
	entries := unsafe.Slice((*uintptr)(unsafe.Pointer(t+16)), size) //nolint:govet // runtime table, not the Go heap
	inter, typ, hash := uintptr(u.info.itab_inter), uintptr(u.info.itab_type), uintptr(u.info.type_hash)
	kept := u.buf[:0]
	for i, e := range entries {
		if e == 0 {
			continue
		}
		entries[i] = 0
		if inModule(u.lay, e) || inModule(u.lay, *word(e + inter)) || inModule(u.lay, *word(e + typ)) {
			continue
		}
		if itabCallsInto(u.lay, u.info, e, nil, nil) != 0 {
			if inRanges(e, u.others) {
				continue // another module's own itab (never seen: it would depend on this module)
			}
			u.unfillItab(e)
		}
		kept = append(kept, e) // within the buffer's capacity: no allocation
	}
	mask := size - 1
	for _, e := range kept {
		h := uintptr(*(*uint32)(unsafe.Pointer(*word(e + inter) + hash))^*(*uint32)(unsafe.Pointer(*word(e + typ) + hash))) & mask //nolint:govet
		for i := uintptr(1); entries[h] != 0; i++ {
			h = (h + i) & mask
		}
		entries[h] = e
	}
	*word(t + 8) = uintptr(len(kept))
}

// unfillItab points the slots of itab e that call into the module at
// another open module's copy of the method, else at
// runtime.unreachableMethod (e is persistentalloc'd runtime memory).
func (u *unlinker) unfillItab(e uintptr) {
	fun := e + uintptr(u.info.itab_fun)
	for k, n := uintptr(0), itabLen(u.info, e); k < n; k++ {
		if f := *word(fun + 8*k); inModule(u.lay, f) {
			if to := moveTo(u.succ, f); to != 0 {
				*word(fun + 8*k) = to
			} else {
				*word(fun + 8*k) = u.unreachable
			}
		}
	}
}

// typemaps drops the module's typemap from runtime.pinnedTypemaps.
func (u *unlinker) typemaps() {
	mine := *(*unsafe.Pointer)(unsafe.Pointer(u.md + uintptr(u.info.md_typemap))) //nolint:govet // C memory
	s := (*[]unsafe.Pointer)(unsafe.Pointer(u.pinned))                            //nolint:govet // a runtime variable
	for i, tm := range *s {
		if tm == mine {
			n := len(*s)
			copy((*s)[i:], (*s)[i+1:])
			(*s)[n-1] = nil
			*s = (*s)[:n-1]
			return
		}
	}
}

// rebaseTypemaps points the entries of other modules' typemaps that name
// this module's types back at those modules' own descriptors. typelinksinit
// deduplicated their types against this module's; the types are equal, and
// a closed module's descriptor must be neither handed out by
// resolveTypeOff nor read by the next typelinksinit. Typemaps are written
// only under loadMu (held) and read without locks: the writes are made
// with the world stopped.
func (m *Module) rebaseTypemaps(lay *C.goload_module_layout, info *C.goload_unload_info) {
	// map[typeOff]*_type until 1.26, map[*_type]*_type from 1.27: each
	// has the layout and hasher of one of these types.
	type fix struct {
		byOff map[int32]unsafe.Pointer
		byPtr map[unsafe.Pointer]unsafe.Pointer
		types uintptr
	}
	var fixes []fix
	for _, o := range modules {
		if o == m || o.m == nil || o.stub {
			continue
		}
		omd := uintptr(C.goload_module_moduledata(o.m))
		slot := unsafe.Pointer(omd + uintptr(info.md_typemap)) //nolint:govet // C memory
		f, held := fix{types: *word(omd + uintptr(info.md_types))}, false
		if info.typemap_by_offset {
			f.byOff = *(*map[int32]unsafe.Pointer)(slot)
			for _, v := range f.byOff {
				held = held || inModule(lay, uintptr(v))
			}
		} else {
			f.byPtr = *(*map[unsafe.Pointer]unsafe.Pointer)(slot)
			for _, v := range f.byPtr {
				held = held || inModule(lay, uintptr(v))
			}
		}
		if held {
			fixes = append(fixes, f)
		}
	}
	if len(fixes) == 0 || thePatcher() != nil {
		return
	}
	patcher.mu.Lock()
	defer patcher.mu.Unlock()
	n := 0
	patcher.w.stop()
	for _, f := range fixes {
		for k, v := range f.byOff {
			if inModule(lay, uintptr(v)) {
				f.byOff[k] = unsafe.Pointer(f.types + uintptr(k)) //nolint:govet // the module's own descriptor
				n++
			}
		}
		for k, v := range f.byPtr {
			if inModule(lay, uintptr(v)) {
				f.byPtr[k] = k // the module's own descriptor
				n++
			}
		}
	}
	patcher.w.start()
	if os.Getenv("GOLOAD_DEBUG") == "1" {
		fmt.Fprintf(os.Stderr, "goload: unload: %d typemap entries of %d other modules pointed back at their own types\n", n, len(fixes))
	}
}
