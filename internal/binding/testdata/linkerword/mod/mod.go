// Package mod has a type of its own whose descriptor's address the host
// reads (the type word of an interface holding a T).
package mod

import "unsafe"

type T struct{ A, B int }

// TypeAddr is the address of T's type descriptor, in the module.
func TypeAddr() uintptr {
	var x any = T{1, 2}
	return (*[2]uintptr)(unsafe.Pointer(&x))[0]
}
