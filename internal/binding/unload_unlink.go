package binding

/*
#include <stdlib.h>
#include "goload.h"
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
	"unsafe"
)

// Unlink, with the world stopped: the moduledata leaves the runtime's list,
// its itabs leave the itab table, and its typemap entries are repointed.
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

//go:nocheckptr
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
//
//go:nocheckptr
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
//
//go:nocheckptr
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
//
//go:nocheckptr
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
	if debugOn() {
		fmt.Fprintf(os.Stderr, "goload: unload: %d typemap entries of %d other modules pointed back at their own types\n", n, len(fixes))
	}
}
