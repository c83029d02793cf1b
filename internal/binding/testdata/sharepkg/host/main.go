// A host without package shared that loads usea and useb (both import
// shared) as two modules, runs script with them and prints what Close
// says in each order. Usage:
//
//	host pkg ORDER                 OpenPackage usea, then useb
//	host archives ORDER SHARED USEA USEB   goload.Open of the archives
//	host reopen OVERLAY            reuse: Close refused, OpenPackage again (the
//	                               same build, then another one)
//	host layout same|differs LAY   goload.Open of an archive of package
//	                               lay: one whose T is the host's (the
//	                               module keeps its own T of that layout),
//	                               or another layout (refused)
//
// ORDER "ab" closes usea's module first, "ba" useb's first.
package main

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"

	"github.com/goload/goload"
	"github.com/goload/goload/internal/binding/testdata/sharepkg/hostiface"
	"github.com/goload/goload/internal/binding/testdata/sharepkg/lay"
	"github.com/goload/goload/internal/binding/testdata/sharepkg/script"
)

const (
	dir  = "github.com/goload/goload/internal/binding/testdata/sharepkg/"
	pkgA = dir + "usea"
	pkgB = dir + "useb"
	pkgR = dir + "reuse"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Println("FAIL:", err)
		os.Exit(1)
	}
}

// keep makes the host keep reflect's Value.Set path (mustBeAssignable,
// mustBeExported): goload.Open, unlike OpenPackage, takes nothing the
// host's linker dropped from the archives, and useb's and shared's reflect
// code needs it.
var keep int

var (
	sizeFn  func() uint16
	labelFn func() [3]byte
)

func run(args []string) error {
	reflect.ValueOf(&keep).Elem().Set(reflect.ValueOf(len(args)))
	// The types of hostiface.Sizer's methods, in the host's typelinks.
	sizeFn, labelFn = func() uint16 { return hostiface.Get() }, func() [3]byte { return [3]byte{} }
	if len(args) > 99 {
		fmt.Printf("%T %T\n", sizeFn, labelFn)
	}
	if len(args) > 99 {
		reflect.TypeOf(&sync.Map{}).MethodByName("Range")
	}
	var a, b *goload.Module
	var err error
	switch args[0] {
	case "pkg":
		if a, err = goload.OpenPackage(context.Background(), pkgA, nil); err != nil {
			return err
		}
		if b, err = goload.OpenPackage(context.Background(), pkgB, nil); err != nil {
			return err
		}
	case "archives":
		if a, err = goload.Open(args[2], args[3]); err != nil {
			return err
		}
		if b, err = goload.Open(args[2], args[4]); err != nil {
			return err
		}
	case "reopen":
		return reopen(args[1])
	case "layout":
		return layout(args[1], args[2:])
	default:
		return fmt.Errorf("unknown check %q", args[0])
	}
	if err := runScript(a, b); err != nil {
		return err
	}
	return closeInOrder(args[1], a, b)
}

func lookup[T any](m *goload.Module, pkg, name string, err *error) T {
	f, e := goload.Lookup[T](m, pkg+"."+name)
	if e != nil && *err == nil {
		*err = e
	}
	return f
}

func runScript(a, b *goload.Module) error {
	var err error
	sa := script.A{
		Next:         lookup[func() int](a, pkgA, "Next", &err),
		Make:         lookup[func(string) any](a, pkgA, "Make", &err),
		MakePtr:      lookup[func(string) any](a, pkgA, "MakePtr", &err),
		MakeStringer: lookup[func(string) fmt.Stringer](a, pkgA, "MakeStringer", &err),
		MakeSlice:    lookup[func() any](a, pkgA, "MakeSlice", &err),
		MapMethods:   lookup[func() string](a, pkgA, "MapMethods", &err),
	}
	sb := script.B{
		Next:          lookup[func() int](b, pkgB, "Next", &err),
		Make:          lookup[func(string) any](b, pkgB, "Make", &err),
		IsTok:         lookup[func(any) bool](b, pkgB, "IsTok", &err),
		IsTokPtr:      lookup[func(any) bool](b, pkgB, "IsTokPtr", &err),
		StringerIsTok: lookup[func(fmt.Stringer) bool](b, pkgB, "StringerIsTok", &err),
		IsTokSlice:    lookup[func(any) bool](b, pkgB, "IsTokSlice", &err),
		Describe:      lookup[func(any) string](b, pkgB, "Describe", &err),
		SameType:      lookup[func(any) bool](b, pkgB, "SameType", &err),
	}
	if err != nil {
		return err
	}
	script.Run(os.Stdout, sa, sb)
	return nil
}

// closeInOrder: the module whose copy of shared the other reuses is
// refused while the other is open, naming it.
func closeInOrder(order string, a, b *goload.Module) error {
	name := func(err error) string {
		if err == nil {
			return "<nil>"
		}
		return "refused"
	}
	if order == "ab" {
		err := a.Close()
		fmt.Println("close usea's module first:", name(err))
		if err == nil || !strings.Contains(err.Error(), dir+"shared") || !strings.Contains(err.Error(), "uses its copy") {
			return fmt.Errorf("Close of the module whose shared the other reuses: %v", err)
		}
		fmt.Println("close useb's module:", name(b.Close()))
		fmt.Println("close usea's module:", name(a.Close()))
	} else {
		fmt.Println("close useb's module:", name(b.Close()))
		fmt.Println("close usea's module:", name(a.Close()))
	}
	return nil
}

// reopen: reuse's module runs a goroutine in shared, so Close is refused;
// OpenPackage of reuse again reuses that module (the same build: one
// counter), and a second build (GOFLAGS=-overlay=OVERLAY: another
// shared.Next) loads as a copy of its own next to it.
func reopen(overlay string) error {
	a, err := goload.OpenPackage(context.Background(), pkgR, nil)
	if err != nil {
		return err
	}
	next := lookup[func() int](a, pkgR, "Next", &err)
	block := lookup[func()](a, pkgR, "Block", &err)
	release := lookup[func()](a, pkgR, "Release", &err)
	if err != nil {
		return err
	}
	methods := lookup[func() string](a, pkgR, "MapMethods", &err)
	if err != nil {
		return err
	}
	fmt.Println("first: next", next(), "methods:", methods())
	block()
	if err := a.Close(); err == nil || !strings.Contains(err.Error(), "goroutine") {
		return fmt.Errorf("Close with a goroutine in the module: %v", err)
	}
	fmt.Println("first: close refused (a goroutine runs in shared)")
	again, err := goload.OpenPackage(context.Background(), pkgR, nil)
	if err != nil {
		return err
	}
	next2 := lookup[func() int](again, pkgR, "Next", &err)
	if err != nil {
		return err
	}
	fmt.Println("again (same build): next", next2(), "first: next", next())
	count := lookup[func(...any) int](a, pkgR, "CountSizers", &err)
	if err != nil {
		return err
	}
	fmt.Println("first: sizers", count(1, "x"))
	os.Setenv("GOFLAGS", "-overlay="+overlay)
	other, err := goload.OpenPackage(context.Background(), pkgR, nil)
	os.Unsetenv("GOFLAGS")
	if err != nil {
		return err
	}
	next3 := lookup[func() int](other, pkgR, "Next", &err)
	methods3 := lookup[func() string](other, pkgR, "MapMethods", &err)
	mk := lookup[func(string) any](other, pkgR, "Make", &err)
	if err != nil {
		return err
	}
	fmt.Println("other build: next", next3(), next3(), "make", mk("o"), "first: next", next(), "methods:", methods3())
	next2, next3, mk, methods, methods3 = nil, nil, nil, nil, nil
	if err := a.Close(); err == nil || !strings.Contains(err.Error(), "uses its copy") {
		return fmt.Errorf("Close of the first while the same build reuses it: %v", err)
	}
	fmt.Println("close again:", again.Close(), "close other:", other.Close())
	release()
	next, block, release = nil, nil, nil
	for i := 0; ; i++ {
		err := a.Close()
		if err == nil {
			break
		}
		if i == 200 {
			return fmt.Errorf("Close after Release: %v", err)
		}
	}
	fmt.Println("first: closed")
	return nil
}

// layout: the host knows lay.T (this function's Lookup type) but none of
// lay's code; the module loads lay.
func layout(want string, archives []string) error {
	m, err := goload.Open(archives...)
	if want == "differs" {
		if err != nil && strings.Contains(err.Error(), "nothing to load") {
			fmt.Println("refused: the host has lay's code:", err)
			return nil
		}
		if err == nil || !strings.Contains(err.Error(), "mismatch") || !strings.Contains(err.Error(), dir+"lay.T") {
			return fmt.Errorf("Open of lay with another layout of T: %v; want a mismatch naming lay.T", err)
		}
		fmt.Println("refused:", err)
		return nil
	}
	if err != nil && strings.Contains(err.Error(), "nothing to load") {
		fmt.Println("same layout: the host has lay's code")
		return nil
	}
	if err != nil {
		return err
	}
	mk, err := goload.Lookup[func(int) lay.T](m, dir+"lay.Make")
	if err != nil {
		return err
	}
	fmt.Printf("same layout: %+v\n", mk(7))
	mk = nil
	return m.Close()
}
