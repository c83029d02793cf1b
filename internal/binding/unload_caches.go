package binding

/*
#include <stdlib.h>
#include "goload.h"
*/
import "C"

import (
	"reflect"
	"runtime"
	"strings"
	"sync"
	"unsafe"
)

// Caches of standard packages that code fills with the types (or names)
// it passes them, and never empties: a module that used the host's copy
// of such a package leaves entries keyed by its types there. Close drops
// exactly those entries once the heap scan found no holder but these
// caches (the module stays loaded otherwise: a dropped entry of a live
// type would give reflect a second descriptor for it), then scans again.
// Each is the host's variable, when the host has the package; a package
// the module loaded itself dies with it.
const (
	cacheByKey       = iota // sync.Map: entries whose key or value points into the module are deleted
	cacheBuckets            // struct{sync.Mutex; m sync.Map} of hash -> []type: the module's types leave each slice
	cacheRekey              // sync.Map keyed by names: a name in the module's data is re-keyed by a heap copy
	cacheGC                 // sync's lists of pools: a pool left unused leaves them after two GCs
	cacheReflectOffs        // runtime.reflectOffs: ids reflect made for pointers (names, types, code)
	cacheStrings            // sync.Map of string -> string or []string: the module's strings become heap copies, in place
)

var stdCaches = []struct {
	sym  string
	kind int
}{
	{"encoding/json.encoderCache", cacheByKey},
	{"encoding/json.fieldCache", cacheByKey},
	{"encoding/json/v2.lookupArshalerCache", cacheByKey}, // Go 1.25+ with GOEXPERIMENT=jsonv2
	{"encoding/xml.tinfoMap", cacheByKey},
	{"encoding/binary.structSize", cacheByKey},
	{"encoding/gob.userTypeCache", cacheByKey},
	{"reflect.ptrMap", cacheByKey},
	{"reflect.lookupCache", cacheByKey},
	{"reflect.layoutCache", cacheByKey},
	{"reflect.funcLookupCache", cacheBuckets},
	{"reflect.structLookupCache", cacheBuckets},
	{"internal/godebug.cache", cacheRekey},
	{"sync.allPools", cacheGC},
	{"sync.oldPools", cacheGC},
	{"runtime.reflectOffs", cacheReflectOffs},
	// mime's tables (mime/type.go, Go 1.21-1.27): extension -> type, and
	// type -> extensions (whose stores take mime.extensionsMu). Entries
	// keep the module's strings when its code filled them: a module's
	// copy of mime.initMime (the host dropped it: no host code reads the
	// tables) copies its own builtinTypesLower's literals, and
	// AddExtensionType stores the caller's strings. A normal program
	// never unloads, so those entries stay, with the same text: Close
	// points them at heap copies of the module's strings and removes
	// nothing, so every reader (the host's code, another module's, one
	// running meanwhile) answers as before.
	{"mime.mimeTypes", cacheStrings},
	{"mime.mimeTypesLower", cacheStrings},
	{"mime.extensions", cacheStrings},
}

// reflectOffsVar is runtime.reflectOffs (runtime/type.go, Go 1.21-1.27;
// runtime.mutex is one word without static lock ranking).
type reflectOffsVar struct {
	lock uintptr
	next int32
	m    map[int32]unsafe.Pointer
	minv map[unsafe.Pointer]int32
}

type bucketCache struct {
	sync.Mutex
	m sync.Map
}

// stdCacheRanges are the host's cache variables (address, end), for the
// heap scan to tell holders reached only through them.
func stdCacheRanges() []rng {
	var rs []rng
	for _, c := range stdCaches {
		a, err := cacheSym(c.sym)
		if err != nil || a == 0 {
			continue
		}
		n := unsafe.Sizeof(sync.Map{})
		switch c.kind {
		case cacheBuckets:
			n = unsafe.Sizeof(bucketCache{})
		case cacheGC:
			n = unsafe.Sizeof([]*sync.Pool{})
		case cacheReflectOffs:
			n = unsafe.Sizeof(reflectOffsVar{})
		}
		rs = append(rs, rng{a, a + n})
	}
	return rs
}

func inRange(rs []rng, a uintptr) bool {
	for _, r := range rs {
		if a >= r.lo && a < r.hi {
			return true
		}
	}
	return false
}

// cacheCleaner drops what refers to the module [lo, hi).
type cacheCleaner struct {
	lo, hi  uintptr
	dropped map[string]int
}

func (c *cacheCleaner) in(a uintptr) bool { return a >= c.lo && a < c.hi }

// refers: x's type or data word points into the module, or (x stored
// behind its data word: a struct, string, interface...) one of the words
// of the copy does.
//
//go:nocheckptr
func (c *cacheCleaner) refers(x any) bool {
	if x == nil {
		return false
	}
	e := (*[2]uintptr)(unsafe.Pointer(&x))
	if c.in(e[0]) || c.in(e[1]) {
		return true
	}
	if t, ok := x.(reflect.Type); ok {
		return c.typeRefers(t, typeDepth)
	}
	t := reflect.TypeOf(x)
	if t.String() == "*abi.Type" && e[1] != 0 {
		// reflect's own descriptor type (funcLookupCache): the same
		// pointer as the reflect.Type it stands for
		return c.typeRefers(rtypeAt(e[1]), typeDepth)
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return false // the data word is the value
	}
	if t.Size() <= 8 && t.Size() == uintptr(ptrBytes(t)) {
		return false // pointer-shaped: stored in the data word
	}
	for off := uintptr(0); off+8 <= t.Size() && e[1] != 0; off += 8 {
		if c.in(*(*uintptr)(unsafe.Pointer(e[1] + off))) { //nolint:govet // a copy on the heap
			return true
		}
	}
	return false
}

// ptrBytes is how many leading bytes of t may hold pointers (8 for a
// single pointer-like word, as reflect would lay it out).
func ptrBytes(t reflect.Type) int {
	switch t.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return 8
	case reflect.Struct:
		if t.NumField() == 1 {
			return ptrBytes(t.Field(0).Type)
		}
	case reflect.Array:
		if t.Len() == 1 {
			return ptrBytes(t.Elem())
		}
	}
	return 0
}

// rtypeAt is the reflect.Type of descriptor p: the type of an interface
// whose type word is p (its data word is never read). A reflect.Type
// whose data word was rewritten instead answered the old type's Kind
// (reflect.TypeOf of a constant is folded by the compiler).
func rtypeAt(p uintptr) reflect.Type {
	var x any = 0
	(*[2]uintptr)(unsafe.Pointer(&x))[0] = p
	return reflect.TypeOf(x)
}

// typeDepth bounds how deep typeRefers looks through types reflect made
// (a map's group type is a struct of an array of structs of the element).
const typeDepth = 8

// typeRefers: t (a descriptor reflect made on the heap: FuncOf, StructOf,
// PointerTo...) is the module's, or names one of its types as an element,
// key, field, parameter or result.
func (c *cacheCleaner) typeRefers(t reflect.Type, depth int) bool {
	if t == nil {
		return false
	}
	if c.in((*[2]uintptr)(unsafe.Pointer(&t))[1]) {
		return true
	}
	if depth == 0 {
		return false
	}
	d := depth - 1
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Chan:
		return c.typeRefers(t.Elem(), d)
	case reflect.Map:
		return c.typeRefers(t.Key(), d) || c.typeRefers(t.Elem(), d)
	case reflect.Func:
		for i := 0; i < t.NumIn(); i++ {
			if c.typeRefers(t.In(i), d) {
				return true
			}
		}
		for i := 0; i < t.NumOut(); i++ {
			if c.typeRefers(t.Out(i), d) {
				return true
			}
		}
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if c.typeRefers(t.Field(i).Type, d) {
				return true
			}
		}
	}
	return false
}

// cleanStdCaches drops the module's entries from the host's caches and
// says how many of each went.
//
//go:nocheckptr
func cleanStdCaches(r *rtCalls, lay *C.goload_module_layout, info *C.goload_unload_info) map[string]int {
	c := &cacheCleaner{lo: uintptr(lay.start), hi: uintptr(lay.end), dropped: map[string]int{}}
	// What a reflectOffs id names may be a heap object of reflect's that
	// names the module's types (the versions whose span layout Close
	// knows: those with cleanups).
	deep := func(uintptr) bool { return false }
	if info.cleanup_kind != 0 {
		if spanOfHeap, err := runtimeFunc[func(uintptr) unsafe.Pointer]("runtime.spanOfHeap"); err == nil {
			var objRefers func(p uintptr, depth int) bool
			objRefers = func(p uintptr, depth int) bool {
				base, size := heapObject(info, p, spanOfHeap)
				for a := base; depth > 0 && a < base+min(size, 256); a += 8 {
					if w := *word(a); c.in(w) || (w != 0 && w != p && objRefers(w, depth-1)) {
						return true
					}
				}
				return false
			}
			// a map type reflect made names its group type, whose
			// slots' struct names the element: five objects deep
			deep = func(p uintptr) bool { return objRefers(p, 5) }
		}
	}
	for _, sc := range stdCaches {
		a, err := cacheSym(sc.sym)
		if err != nil || a == 0 {
			continue
		}
		switch sc.kind {
		case cacheReflectOffs:
			// An id whose pointer is the module's: no live type reflect
			// made names it (such a type would name the module's types
			// by pointer too, and the scan found no holder but caches).
			ro := (*reflectOffsVar)(unsafe.Pointer(a)) //nolint:govet // the runtime's variable, of this layout
			r.lock(unsafe.Pointer(&ro.lock))
			// New maps, as the runtime makes them under this lock (a
			// deleted slot of the old ones kept its stale key word)
			m, minv := make(map[int32]unsafe.Pointer, len(ro.m)), make(map[unsafe.Pointer]int32, len(ro.minv))
			for p, id := range ro.minv {
				if c.in(uintptr(p)) || deep(uintptr(p)) {
					c.dropped[sc.sym]++
					continue
				}
				m[id], minv[p] = p, id
			}
			if len(m) < len(ro.m) {
				ro.m, ro.minv = m, minv
			}
			r.unlock(unsafe.Pointer(&ro.lock))
		case cacheByKey:
			m := (*sync.Map)(unsafe.Pointer(a)) //nolint:govet // the host's variable, of this very type
			m.Range(func(k, v any) bool {
				if c.refers(k) || c.refers(v) {
					m.Delete(k)
					c.dropped[sc.sym]++
				}
				return true
			})
			compact(m)
		case cacheBuckets:
			b := (*bucketCache)(unsafe.Pointer(a)) //nolint:govet // the host's variable, of this layout
			b.Lock()
			b.m.Range(func(k, v any) bool {
				s := reflect.ValueOf(v)
				if s.Kind() != reflect.Slice {
					return true
				}
				keep := reflect.MakeSlice(s.Type(), 0, s.Len())
				for i := 0; i < s.Len(); i++ {
					if !c.refers(s.Index(i).Interface()) {
						keep = reflect.Append(keep, s.Index(i))
					}
				}
				if n := s.Len() - keep.Len(); n > 0 {
					if keep.Len() == 0 {
						b.m.Delete(k)
					} else {
						b.m.Store(k, keep.Interface())
					}
					c.dropped[sc.sym] += n
				}
				return true
			})
			compact(&b.m)
			b.Unlock()
		case cacheStrings:
			c.rehome((*sync.Map)(unsafe.Pointer(a)), sc.sym) //nolint:govet // the host's variable, of this very type
		case cacheRekey:
			m := (*sync.Map)(unsafe.Pointer(a)) //nolint:govet // the host's variable, of this very type
			var names []string
			var vals []any
			m.Range(func(k, v any) bool {
				if s, ok := k.(string); ok && len(s) > 0 && c.in(uintptr(unsafe.Pointer(unsafe.StringData(s)))) {
					names, vals = append(names, s), append(vals, v)
				}
				return true
			})
			for _, k := range names {
				m.Delete(k)
			}
			compact(m)
			for i, k := range names {
				m.LoadOrStore(strings.Clone(k), vals[i])
				c.dropped[sc.sym]++
			}
		}
	}
	// sync's pools: the module's, unused since, leave allPools at one GC
	// and oldPools at the next (the heap scan runs one more).
	runtime.GC()
	return c.dropped
}

// compact makes m forget its deleted keys now. Until Go 1.23 a deleted
// key stays in the read-only map, holding its key object, until the
// dirty map (made without deleted entries on the next new key) replaces
// it, which Range does at once; from 1.24 (a hash trie) Delete removes
// the key and this costs one store.
func compact(m *sync.Map) {
	k := new(byte)
	m.Store(k, nil)
	m.Delete(k)
	m.Range(func(any, any) bool { return false })
}

// str: s's bytes are the module's.
func (c *cacheCleaner) str(s string) bool {
	return len(s) > 0 && c.in(uintptr(unsafe.Pointer(unsafe.StringData(s))))
}

// rehome points the module's strings in m's entries (string keys; string
// or []string values) at heap copies of the same bytes, in place: the
// word that holds a string's data pointer (in the heap object boxing a
// key or value, or in a value's backing array) is rewritten, so that no
// entry ever goes missing or changes for a concurrent reader (deleting
// and storing again would leave a gap, and the old sync.Map (Go 1.21-1.23)
// keeps a deleted key's object for the next equal key). A string whose
// header is not in the heap (a boxed constant of the module's) stays, and
// the scan that follows names the cache.
//
//go:nocheckptr
func (c *cacheCleaner) rehome(m *sync.Map, sym string) {
	// Only a header in a heap object is rewritten (never read-only data).
	spanOfHeap, err := runtimeFunc[func(uintptr) unsafe.Pointer]("runtime.spanOfHeap")
	if err != nil {
		return // nothing rewritten: the scan names the cache
	}
	repoint := func(hdr uintptr) {
		s := *(*string)(unsafe.Pointer(hdr)) //nolint:govet // a string header
		if c.str(s) && spanOfHeap(hdr) != nil {
			// a pointer store: the write barrier sees the heap copy
			*(*unsafe.Pointer)(unsafe.Pointer(hdr)) = unsafe.Pointer(unsafe.StringData(strings.Clone(s))) //nolint:govet // same
			c.dropped[sym]++
		}
	}
	data := func(x *any) uintptr { return (*[2]uintptr)(unsafe.Pointer(x))[1] }
	m.Range(func(k, v any) bool {
		if _, ok := k.(string); ok {
			repoint(data(&k))
		}
		switch x := v.(type) {
		case string:
			repoint(data(&v))
		case []string:
			if arr := uintptr(unsafe.Pointer(unsafe.SliceData(x))); !c.in(data(&v)) && !c.in(arr) {
				for i := range x {
					repoint(arr + uintptr(i)*unsafe.Sizeof(""))
				}
			}
		}
		return true
	})
	compact(m)
}

// cacheSym is a standard cache variable's address: the host's, else the
// host extension's that holds it (the host's linker dropped it, and it
// was linked with the dropped code using it; docs/unload.md).
func cacheSym(name string) (uintptr, error) {
	if a, err := hostSym(name); err == nil && a != 0 {
		return a, nil
	}
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	for _, x := range hostExts {
		var sym C.goload_symbol
		var e C.goload_err
		if C.goload_module_lookup(x.m, cs, &sym, &e) == 0 && !sym._func {
			return uintptr(sym.addr), nil
		}
	}
	return 0, errorf("no variable %s in the host or its extensions", name)
}
