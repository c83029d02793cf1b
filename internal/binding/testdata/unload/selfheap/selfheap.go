// Package selfheap is loaded by TestCloseSelfHeld: its own variables
// reach heap objects that point back into it (its values in a []any,
// whose words are its itabs and type descriptors, a struct of its func
// values, a map of its values), and nothing else does until Leak hands
// one of those objects to the host.
package selfheap

import (
	"fmt"
	"runtime"
)

type shape interface{ Area() int }

type square struct{ side int }

func (s square) Area() int { return s.side * s.side }

type rect struct{ w, h int }

func (r *rect) Area() int { return r.w * r.h }

type node struct {
	next *node
	f    func() int
	s    shape
	v    any
}

var (
	root   *node
	shapes []any
	byName = map[string]shape{}
)

func seven() int { return 7 }

func init() {
	root = &node{f: seven, s: &rect{2, 3}, v: square{4}}
	root.next = &node{f: func() int { return root.f() + 1 }, s: square{5}}
	for i := 0; i < 16; i++ {
		shapes = append(shapes, square{i}, &rect{i, i + 1})
		byName[fmt.Sprint("r", i)] = &rect{i, 2}
	}
}

// Sum walks everything the module's variables reach.
func Sum() int {
	n := root.f() + root.next.f() + root.s.Area() + root.v.(square).Area() + root.next.s.Area()
	for _, s := range shapes {
		n += s.(shape).Area()
	}
	for _, s := range byName {
		n += s.Area()
	}
	return n
}

// Leak hands the host the second node: a heap object whose words point
// into the module (its closure, its square's itab).
func Leak() any { return root.next }

// boxed is a host-typed object (a *[]any) that only the module's
// variable reaches, whose backing array holds the module's values.
var boxed = newBoxed(6)

//go:noinline
func newBoxed(n int) *[]any {
	b := make([]any, 0, n) // on the heap: a finalizer needs an allocated object
	b = append(b, square{n}, &rect{n, n + 1})
	return &b
}

// SetFin sets the host's f as boxed's finalizer: the finalizer record,
// a root of its own, then reaches the module's values through boxed.
func SetFin(f func(*[]any)) { runtime.SetFinalizer(boxed, f) }

// ClearFin removes it.
func ClearFin() { runtime.SetFinalizer(boxed, nil) }
