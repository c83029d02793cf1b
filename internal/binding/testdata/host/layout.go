package main

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/goload/goload"
	"github.com/goload/goload/internal/binding/testdata/fix/layout"
)

const useLayoutPkg = "github.com/goload/goload/internal/binding/testdata/fix/uselayout"

// layoutCheck loads uselayout (and layout's archive): the values it makes
// have the host's descriptors (reflect.Type equality is pointer identity).
// With "differs WANT..." instead, Open must fail naming each WANT.
func layoutCheck(args []string) error {
	var want []string
	for len(args) > 0 && !strings.HasSuffix(args[len(args)-1], "-d") && !strings.HasSuffix(args[len(args)-1], ".a") {
		want = append([]string{args[len(args)-1]}, want...)
		args = args[:len(args)-1]
	}
	m, err := goload.Open(args...)
	if len(want) > 0 {
		if err == nil {
			return fmt.Errorf("Open succeeded; want an error naming %q", want)
		}
		for _, w := range want {
			if !strings.Contains(err.Error(), w) {
				return fmt.Errorf("error %q does not name %q", err, w)
			}
		}
		fmt.Println("refused:", err)
		return nil
	}
	if err != nil {
		return err
	}
	for _, c := range []struct {
		fn   string
		host reflect.Type
	}{
		{"Make", reflect.TypeOf(layout.Rec{})},
		{"Slice", reflect.TypeOf([]layout.Rec{})},
		{"Ptr", reflect.TypeOf(&layout.Rec{})},
	} {
		f, err := goload.Lookup[func() any](m, useLayoutPkg+"."+c.fn)
		if err != nil {
			return err
		}
		if got := reflect.TypeOf(f()); got != c.host {
			return fmt.Errorf("%s: loaded value's type %v is not the host's %v descriptor", c.fn, got, c.host)
		}
		fmt.Printf("%s: the host's %v\n", c.fn, c.host)
	}
	if r, ok := reflect.ValueOf(mustCall(m, "Make")).Interface().(layout.Rec); !ok || r.Len() != layout.New(1, "x").Len() {
		return fmt.Errorf("Make() is not a usable layout.Rec")
	}
	return nil
}

func mustCall(m *goload.Module, fn string) any {
	f, err := goload.Lookup[func() any](m, useLayoutPkg+"."+fn)
	if err != nil {
		panic(err)
	}
	return f()
}
