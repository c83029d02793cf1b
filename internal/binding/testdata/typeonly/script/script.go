// Package script is what the host (maker loaded) and the twin (maker
// linked natively) both run and print.
package script

import (
	"fmt"
	"reflect"

	"github.com/goload/goload/internal/binding/testdata/typeonly/tdef"
)

func Run(newThing func() *tdef.Thing, newAny, kindAny func() any, is func(any) bool) {
	t := newThing()
	fmt.Printf("New: %+v\n", *t)
	v := newAny()
	p, ok := v.(*tdef.Thing)
	fmt.Printf("NewAny().(*tdef.Thing): %v %+v\n", ok, deref(p))
	fmt.Printf("reflect.TypeOf equal: %v %v\n", reflect.TypeOf(v) == reflect.TypeOf(&tdef.Thing{}), reflect.TypeOf(t) == reflect.TypeOf(p))
	switch k := kindAny().(type) {
	case tdef.Kind:
		fmt.Printf("KindAny: tdef.Kind %d\n", k)
	default:
		fmt.Printf("KindAny: %T\n", k)
	}
	fmt.Printf("maker's Is(host's *tdef.Thing): %v\n", is(&tdef.Thing{A: 1}))
	fmt.Printf("interface equality: %v\n", any(tdef.Kind(3)) == kindAny())
}

func deref(p *tdef.Thing) tdef.Thing {
	if p == nil {
		return tdef.Thing{}
	}
	return *p
}
