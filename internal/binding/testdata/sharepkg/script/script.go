// Package script is what the sharepkg host (loaded usea and useb) and its
// twin (the same packages linked natively) both run: the same calls in the
// same order, the same lines printed.
package script

import (
	"fmt"
	"io"
	"reflect"
)

// A is usea's functions, B useb's.
type A struct {
	Next         func() int
	Make         func(string) any
	MakePtr      func(string) any
	MakeStringer func(string) fmt.Stringer
	MakeSlice    func() any
	MapMethods   func() string
}

type B struct {
	Next          func() int
	Make          func(string) any
	IsTok         func(any) bool
	IsTokPtr      func(any) bool
	StringerIsTok func(fmt.Stringer) bool
	IsTokSlice    func(any) bool
	Describe      func(any) string
	SameType      func(any) bool
}

func Run(w io.Writer, a A, b B) {
	fmt.Fprintln(w, "a.Next", a.Next(), "b.Next", b.Next(), "a.Next", a.Next())
	v := a.Make("x")
	fmt.Fprintln(w, "b.IsTok(a.Make)", b.IsTok(v), b.Describe(v), v)
	p := a.MakePtr("y")
	fmt.Fprintln(w, "b.IsTokPtr(a.MakePtr)", b.IsTokPtr(p), b.Describe(p))
	fmt.Fprintln(w, "b.StringerIsTok(a.MakeStringer)", b.StringerIsTok(a.MakeStringer("z")))
	fmt.Fprintln(w, "b.IsTokSlice(a.MakeSlice)", b.IsTokSlice(a.MakeSlice()))
	fmt.Fprintln(w, "b.SameType(a.Make)", b.SameType(a.Make("t")))
	u := b.Make("u")
	fmt.Fprintln(w, "reflect.TypeOf equal", reflect.TypeOf(v) == reflect.TypeOf(u), reflect.TypeOf(v), v == a.Make("x"))
	fmt.Fprintln(w, "a.Next", a.Next(), "b.Next", b.Next())
	fmt.Fprintln(w, "a.MapMethods", a.MapMethods())
}
