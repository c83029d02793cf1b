package binding

/*
#include "goload.h"
*/
import "C"

import (
	"reflect"
	"strings"
	"unsafe"
)

// checkSig compares the function type t with the signature the object's
// DWARF info records for sym, type by type in linker spelling (the
// receiver is the first parameter, a variadic parameter its slice type).
func checkSig(name string, t reflect.Type, sym *C.goload_symbol) error {
	params := cStrings(sym.params, sym.nparams)
	results := cStrings(sym.results, sym.nresults)
	for _, p := range params {
		if strings.Contains(p, "go.shape.") {
			// Its DWARF leaves out the dictionary it takes first.
			return errorf("%s is the shared code of a generic function: look up an instantiation (F[int])", name)
		}
	}
	var in, out []string
	for i := 0; i < t.NumIn(); i++ {
		in = append(in, linkName(t.In(i)))
	}
	for i := 0; i < t.NumOut(); i++ {
		out = append(out, linkName(t.Out(i)))
	}
	if !equal(in, params) || !equal(out, results) {
		return &Error{Code: C.GOLOAD_E_MISMATCH, Name: C.GoString(C.goload_code_name(C.GOLOAD_E_MISMATCH)),
			Msg: name + " is " + sigString(params, results) + " in the object, not " + sigString(in, out)}
	}
	return nil
}

func cStrings(p **C.char, n C.size_t) []string {
	if n == 0 {
		return nil
	}
	s := make([]string, int(n))
	for i, c := range unsafe.Slice(p, int(n)) {
		s[i] = C.GoString(c)
	}
	return s
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// sigString spells a signature as linkName spells a func type.
func sigString(in, out []string) string {
	s := "func(" + strings.Join(in, ", ") + ")"
	switch len(out) {
	case 0:
		return s
	case 1:
		return s + " " + out[0]
	}
	return s + " (" + strings.Join(out, ", ") + ")"
}
