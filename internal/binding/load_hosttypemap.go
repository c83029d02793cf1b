package binding

// #include "goload.h"
import "C"

import (
	"unsafe"
)

// The host's linker drops a method's func type (its Mtyp is -1) along with
// a method nothing reaches. The module supplies the method's code, and its
// func type when the host has none: the host's resolveTypeOff must then
// find a descriptor that lies outside the host's types. It consults the
// module's typemap before its range check, so the Mtyp entry gets a key
// past etypes (the module descriptor's distance from the host's types)
// and runtime.firstmoduledata.typemap maps the key to the descriptor. The
// host has no typemap of its own (typelinksinit makes one for later
// modules only); the one made here maps each of the host's typelinks to
// itself, as typelinksinit reads it for the modules after the host.
//
// The map is replaced, never changed, while the world runs (readers take
// no lock); Close deletes its module's keys with the world stopped. It is
// kept here: the moduledata is no GC root (its symbol is SNOPTRDATA).
var hostTypemap struct {
	byOff map[int32]unsafe.Pointer          // until 1.26: map[typeOff]*_type
	byPtr map[unsafe.Pointer]unsafe.Pointer // from 1.27: map[*_type]*_type
}

// typeFills lists the module's (key, descriptor) pairs.
func typeFills(cm *C.goload_module) []C.goload_type_fill {
	fs := make([]C.goload_type_fill, C.goload_module_type_fills(cm))
	for i := range fs {
		C.goload_module_type_fill(cm, C.size_t(i), &fs[i])
	}
	return fs
}

// fillHostTypes adds the module's func types to the host's typemap, then
// has the C side point the Mtyp entries at them. Called under loadMu.
//
//go:nocheckptr
func fillHostTypes(r *rtCalls, cm *C.goload_module) error {
	fs := typeFills(cm)
	if len(fs) == 0 {
		return nil
	}
	var info C.goload_unload_info
	C.goload_module_unload_info(cm, &info)
	first := uintptr(r.firstmoduledata)
	slot := unsafe.Pointer(first + uintptr(info.md_typemap)) //nolint:govet // a runtime variable
	types := *word(first + uintptr(info.md_types))
	if info.typemap_by_offset {
		old := *(*map[int32]unsafe.Pointer)(slot)
		tm := make(map[int32]unsafe.Pointer, len(old)+len(fs))
		if old == nil {
			tl := *(*[]int32)(unsafe.Pointer(first + uintptr(info.md_typelinks))) //nolint:govet // a runtime variable
			for _, off := range tl {
				tm[off] = unsafe.Pointer(types + uintptr(off)) //nolint:govet // the host's descriptor
			}
		}
		for k, v := range old {
			tm[k] = v
		}
		for _, f := range fs {
			tm[int32(f.key)] = unsafe.Pointer(uintptr(f._type)) //nolint:govet // the module's descriptor
		}
		hostTypemap.byOff = tm
		*(*map[int32]unsafe.Pointer)(slot) = tm
	} else {
		old := *(*map[unsafe.Pointer]unsafe.Pointer)(slot)
		tm := make(map[unsafe.Pointer]unsafe.Pointer, len(old)+len(fs))
		if old == nil {
			moduleTypelinks, err := runtimeFunc[func(md unsafe.Pointer) []unsafe.Pointer]("runtime.moduleTypelinks")
			if err != nil {
				return err
			}
			for _, t := range moduleTypelinks(r.firstmoduledata) {
				tm[t] = t
			}
		}
		for k, v := range old {
			tm[k] = v
		}
		for _, f := range fs {
			t := unsafe.Pointer(uintptr(f._type)) //nolint:govet // the module's descriptor
			tm[t] = t
		}
		hostTypemap.byPtr = tm
		*(*map[unsafe.Pointer]unsafe.Pointer)(slot) = tm
	}
	var e C.goload_err
	if C.goload_module_write_type_fills(cm, &e) < 0 {
		return cError(&e)
	}
	debugf("%d method types of host types supplied by the module through the host's typemap", len(fs))
	return nil
}

// hostTypemapObject is the host typemap's heap object (0 when none): the
// heap scan of Close does not follow it (dropHostTypes takes the module's
// entries out once Close goes ahead).
func hostTypemapObject() uint64 {
	if hostTypemap.byOff != nil {
		return uint64(*(*uintptr)(unsafe.Pointer(&hostTypemap.byOff)))
	}
	if hostTypemap.byPtr != nil {
		return uint64(*(*uintptr)(unsafe.Pointer(&hostTypemap.byPtr)))
	}
	return 0
}

// dropHostTypes deletes the module's keys from the host's typemap. It runs
// with the world stopped (no reader), after the Mtyp entries got their -1
// back; deleting allocates nothing.
//
//go:nocheckptr
func dropHostTypes(fs []C.goload_type_fill) {
	for _, f := range fs {
		if hostTypemap.byOff != nil {
			delete(hostTypemap.byOff, int32(f.key))
		}
		if hostTypemap.byPtr != nil {
			delete(hostTypemap.byPtr, unsafe.Pointer(uintptr(f._type))) //nolint:govet // the module's descriptor
		}
	}
}
