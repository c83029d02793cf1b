package binding

// #include "goload.h"
import "C"

import (
	"sync"
	"unsafe"
)

// addTypemap gives the module just published its typemap, as
// runtime.typelinksinit would, without hashing every host type again.
//
// typelinksinit rebuilds, on every call, a table of the types of every
// module before the new one by hash (thousands of host types: most of
// Register's time), then maps each of the new module's typelinks to the
// first equal type there (runtime.typesEqual), or to its own descriptor.
// That table holds the canonical descriptors: the host's typelinks, and
// those of each later module its typemap did not map elsewhere. The host's
// part never changes: it is built once per process (hostTypeHash). The
// open modules' part is small and is read from their typemaps at each
// Open, so a Close (which points other modules' entries back at their own
// descriptors) needs no bookkeeping. At most one descriptor of a table is
// equal to a type (each was kept because no earlier one was equal), so
// the order in which the two parts are searched cannot change the answer.
// GOLOAD_CHECK_TYPEMAP=1 also runs typelinksinit and compares (the tests);
// GOLOAD_BENCH_BEFORE=1 runs typelinksinit instead (bench/load.sh's (e)).
//
//go:nocheckptr
func addTypemap(r *rtCalls, cm *C.goload_module) error {
	var info C.goload_unload_info
	C.goload_module_unload_info(cm, &info)
	if env("GOLOAD_BENCH_BEFORE") == "1" { // bench/load.sh: the cost before
		r.typelinksinit()
		return nil
	}
	h, err := hostTypeHash(r, &info)
	if err != nil {
		debugf("register: %v; runtime.typelinksinit instead", err)
		r.typelinksinit()
		return nil
	}
	md := uintptr(C.goload_module_moduledata(cm))
	slot := md + uintptr(info.md_typemap)
	if *word(slot) != 0 {
		return nil // typelinksinit made it already
	}
	hashOf := func(t unsafe.Pointer) uint32 { return *(*uint32)(unsafe.Add(t, info.type_hash)) }
	mods := map[uint32][]unsafe.Pointer{}
	seenT := map[unsafe.Pointer]bool{}
	for _, o := range modules {
		if o.m == nil || o.stub {
			continue
		}
		for _, t := range typemapValues(h, uintptr(C.goload_module_moduledata(o.m)), &info) {
			if !seenT[t] && !h.has(hashOf(t), t) {
				seenT[t] = true
				mods[hashOf(t)] = append(mods[hashOf(t)], t)
			}
		}
	}
	canonical := func(t unsafe.Pointer) unsafe.Pointer {
		for _, e := range h.byHash(hashOf(t)) {
			if c := h.at(e); h.typesEqual(t, c, map[[2]unsafe.Pointer]struct{}{}) {
				return c
			}
		}
		for _, c := range mods[hashOf(t)] {
			if h.typesEqual(t, c, map[[2]unsafe.Pointer]struct{}{}) {
				return c
			}
		}
		return t
	}
	var tm unsafe.Pointer
	if info.typemap_by_offset {
		types := *word(md + uintptr(info.md_types))
		tl := *(*[]int32)(unsafe.Pointer(md + uintptr(info.md_typelinks))) //nolint:govet // the module's moduledata
		m := make(map[int32]unsafe.Pointer, len(tl))
		for _, off := range tl {
			m[off] = canonical(unsafe.Pointer(types + uintptr(off))) //nolint:govet // the module's descriptor
		}
		tm = *(*unsafe.Pointer)(unsafe.Pointer(&m))
	} else {
		tl := h.moduleTypelinks(unsafe.Pointer(md)) //nolint:govet
		m := make(map[unsafe.Pointer]unsafe.Pointer, len(tl))
		for _, t := range tl {
			m[t] = canonical(t)
		}
		tm = *(*unsafe.Pointer)(unsafe.Pointer(&m))
	}
	pinned := (*[]unsafe.Pointer)(unsafe.Pointer(h.pinned)) //nolint:govet // runtime.pinnedTypemaps: []map[...]*_type
	*pinned = append(*pinned, tm)
	*(*unsafe.Pointer)(unsafe.Pointer(slot)) = tm //nolint:govet // the moduledata (C memory)
	if env("GOLOAD_CHECK_TYPEMAP") == "1" {
		return checkTypemap(r, &info, h, slot, tm)
	}
	return nil
}

// checkTypemap has typelinksinit build the module's typemap too, compares
// the two, and keeps the first.
//
//go:nocheckptr
func checkTypemap(r *rtCalls, info *C.goload_unload_info, h *typeHashes, slot uintptr, tm unsafe.Pointer) error {
	*(*unsafe.Pointer)(unsafe.Pointer(slot)) = nil //nolint:govet
	r.typelinksinit()
	rt := *(*unsafe.Pointer)(unsafe.Pointer(slot))          //nolint:govet
	pinned := (*[]unsafe.Pointer)(unsafe.Pointer(h.pinned)) //nolint:govet
	if n := len(*pinned); n > 0 && (*pinned)[n-1] == rt {
		(*pinned)[n-1] = nil // past len the array still holds it for the GC and Close's scans
		*pinned = (*pinned)[:n-1]
	}
	*(*unsafe.Pointer)(unsafe.Pointer(slot)) = tm //nolint:govet
	same := true
	if info.typemap_by_offset {
		a, b := *(*map[int32]unsafe.Pointer)(unsafe.Pointer(&tm)), *(*map[int32]unsafe.Pointer)(unsafe.Pointer(&rt))
		same = len(a) == len(b)
		for k, v := range a {
			same = same && b[k] == v
		}
	} else {
		a, b := *(*map[unsafe.Pointer]unsafe.Pointer)(unsafe.Pointer(&tm)), *(*map[unsafe.Pointer]unsafe.Pointer)(unsafe.Pointer(&rt))
		same = len(a) == len(b)
		for k, v := range a {
			same = same && b[k] == v
		}
	}
	if !same {
		return errorf("register: the module's typemap differs from runtime.typelinksinit's")
	}
	debugf("register: the module's typemap equals runtime.typelinksinit's")
	return nil
}

// typeHashes is the host's part of typelinksinit's table: the C host
// index's, sorted by hash (goload_host_typehash), built with the host's
// type index or read from the host index cache, in C memory.
type typeHashes struct {
	table           []C.goload_typehash
	bias            uintptr
	typesEqual      func(t, v unsafe.Pointer, seen map[[2]unsafe.Pointer]struct{}) bool
	moduleTypelinks func(md unsafe.Pointer) []unsafe.Pointer // 1.27+
	pinned          uintptr                                  // &runtime.pinnedTypemaps
}

// byHash is the run of the table's entries with that hash.
func (h *typeHashes) byHash(hash uint32) []C.goload_typehash {
	lo, hi := 0, len(h.table)
	for lo < hi {
		if m := int(uint(lo+hi) >> 1); uint32(h.table[m].hash) < hash {
			lo = m + 1
		} else {
			hi = m
		}
	}
	end := lo
	for end < len(h.table) && uint32(h.table[end].hash) == hash {
		end++
	}
	return h.table[lo:end]
}

// at is an entry's descriptor in the running host.
func (h *typeHashes) at(e C.goload_typehash) unsafe.Pointer {
	return unsafe.Pointer(uintptr(e.va) + h.bias) //nolint:govet // a host type descriptor
}

func (h *typeHashes) has(hash uint32, t unsafe.Pointer) bool {
	for _, e := range h.byHash(hash) {
		if h.at(e) == t {
			return true
		}
	}
	return false
}

var hostHashes struct {
	once sync.Once
	h    typeHashes
	err  error
}

//go:nocheckptr
func hostTypeHash(r *rtCalls, info *C.goload_unload_info) (*typeHashes, error) {
	hostHashes.once.Do(func() {
		h := &hostHashes.h
		var err error
		// typesEqual(t, v *_type, seen map[_typePair]struct{}) bool: the
		// pair is two pointers, hashed and compared as [2]unsafe.Pointer
		if h.typesEqual, err = runtimeFunc[func(t, v unsafe.Pointer, seen map[[2]unsafe.Pointer]struct{}) bool]("runtime.typesEqual"); err != nil {
			hostHashes.err = err
			return
		}
		if h.pinned, err = hostSym("runtime.pinnedTypemaps"); err != nil {
			hostHashes.err = err
			return
		}
		if !info.typemap_by_offset {
			if h.moduleTypelinks, err = runtimeFunc[func(md unsafe.Pointer) []unsafe.Pointer]("runtime.moduleTypelinks"); err != nil {
				hostHashes.err = err
				return
			}
		}
		host, err := theHost()
		if err != nil {
			hostHashes.err = err
			return
		}
		var n C.size_t
		var bias C.uint64_t
		if p := C.goload_host_typehash(host, &n, &bias); p != nil && n > 0 {
			h.table = unsafe.Slice(p, int(n))
		}
		h.bias = uintptr(bias)
	})
	return &hostHashes.h, hostHashes.err
}

// typemapValues lists what a module's typelinks stand for, as
// typelinksinit collects them: through its typemap when it has one.
//
//go:nocheckptr
func typemapValues(h *typeHashes, md uintptr, info *C.goload_unload_info) []unsafe.Pointer {
	slot := unsafe.Pointer(md + uintptr(info.md_typemap)) //nolint:govet // a moduledata
	var out []unsafe.Pointer
	if info.typemap_by_offset {
		types := *word(md + uintptr(info.md_types))
		tm := *(*map[int32]unsafe.Pointer)(slot)
		for _, off := range *(*[]int32)(unsafe.Pointer(md + uintptr(info.md_typelinks))) { //nolint:govet
			if tm != nil {
				if t := tm[off]; t != nil {
					out = append(out, t)
				}
			} else {
				out = append(out, unsafe.Pointer(types+uintptr(off))) //nolint:govet // a descriptor
			}
		}
		return out
	}
	tm := *(*map[unsafe.Pointer]unsafe.Pointer)(slot)
	for _, t := range h.moduleTypelinks(unsafe.Pointer(md)) { //nolint:govet
		if tm != nil {
			t = tm[t]
		}
		if t != nil {
			out = append(out, t)
		}
	}
	return out
}
