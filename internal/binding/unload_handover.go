package binding

/*
#include <stdlib.h>
#include "goload.h"
*/
import "C"

import (
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unsafe"
)

// Close in any order: the host words a module filled (dropped methods, itab
// slots, typemap entries) handed over to another open module's copy or
// given their linker values back.
type hostFill struct {
	i        int
	at, code uintptr
	old, new [8]byte
	n        int
	owner    bool
	method   string // the method's symbol ("pkg.(*T).M"), "" when unknown
}

func (m *Module) hostFills() []hostFill {
	fs := make([]hostFill, C.goload_module_host_fills(m.m))
	for i := range fs {
		var f C.goload_host_fill
		C.goload_module_host_fill(m.m, C.size_t(i), &f)
		fs[i] = hostFill{i: i, at: uintptr(f.at), code: uintptr(f.code), n: int(f.n), owner: bool(f.owner)}
		if f.method != nil {
			fs[i].method = C.GoString(f.method)
		}
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
				if o == m || o.m == nil || !ok || seqOf[o] <= since || !o.mayCall(f.method) {
					continue
				}
				if len(stranded[o]) == 0 {
					strandedOrder = append(strandedOrder, o)
				}
				name := f.method
				if name == "" {
					name = m.symbolize(uint64(f.code))
				}
				stranded[o] = append(stranded[o], name)
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

// mayCall says whether o's code could reach the host method sym (a
// dropped method another module filled) through its type's method
// table, as the Go linker's dead-code pass reads code: an interface call
// of the method's name, reflect's Method or MethodByName, or the
// receiver type put in an interface (host code may then call it). A
// module with none of them cannot: it does not keep the filler open
// (peers' eh_two_modules: a host extension linked later has no use of
// internal/profilerecord's methods). Unknown names count.
func (o *Module) mayCall(sym string) bool {
	recv, meth, ok := splitMethodSym(sym)
	if !ok || o.stub {
		return !o.stub
	}
	cr, cm := C.CString(recv), C.CString(meth)
	defer C.free(unsafe.Pointer(cr))
	defer C.free(unsafe.Pointer(cm))
	why := C.goload_module_iface_use(o.m, cr, cm)
	if why == nil {
		debugf("unload: module %s cannot call %s through the host's method table", C.GoString(C.goload_module_name(o.m)), sym)
		return false
	}
	debugf("unload: module %s may call %s through the host's method table: %s", C.GoString(C.goload_module_name(o.m)), sym, C.GoString(why))
	return true
}

// splitMethodSym splits "pkg.(*T).M" or "pkg.T.M" (T may be generic,
// "pkg.T[...]") into the receiver's type "pkg.T" and the method "M".
func splitMethodSym(sym string) (recv, meth string, ok bool) {
	sym = strings.TrimSuffix(sym, "-fm")
	end := strings.LastIndexByte(sym, ']')
	dot := strings.LastIndexByte(sym, '.')
	if dot <= end || dot <= 0 || dot == len(sym)-1 {
		return "", "", false
	}
	recv, meth = sym[:dot], sym[dot+1:]
	if strings.HasSuffix(recv, ")") {
		i := strings.LastIndex(recv, ".(*")
		if i < 0 {
			return "", "", false
		}
		recv = recv[:i+1] + recv[i+3:len(recv)-1]
	}
	if strings.ContainsAny(recv, "()") || strings.HasPrefix(recv, "type:") {
		return "", "", false
	}
	return recv, meth, true
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
//
//go:nocheckptr
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
