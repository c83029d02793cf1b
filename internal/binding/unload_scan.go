package binding

/*
#include <stdlib.h>
#include "goload.h"
*/
import "C"

import (
	"bytes"
	"fmt"
	"reflect"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// The safety scan: the runtime's heap dump, scanned in C for anything that
// still reaches the module, and each holder described by name.
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
// standard packages (unload_caches.go) and from nothing else.
//
//go:nocheckptr
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
		// (a cache the host's linker dropped is a host extension's
		// variable: an extra root block, see cacheSym)
		inCache := (h.root_kind == C.GOLOAD_HOLDER_DATA || h.root_kind == C.GOLOAD_HOLDER_EXTRA) && inRange(caches, uintptr(h.root_at))
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
