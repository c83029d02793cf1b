// Package useb inspects values usea made: with one copy of shared in the
// process, they are its shared.Tok.
package useb

import (
	"fmt"
	"reflect"

	"github.com/goload/goload/internal/binding/testdata/sharepkg/shared"
)

func Next() int { return shared.Next() }

func IsTok(v any) bool { _, ok := v.(shared.Tok); return ok }

func IsTokPtr(v any) bool {
	p, ok := v.(*shared.Tok)
	if ok {
		p.Bump()
	}
	return ok
}

func StringerIsTok(s fmt.Stringer) bool { _, ok := s.(shared.Tok); return ok }

func IsTokSlice(v any) bool { _, ok := v.([]shared.Tok); return ok }

func Describe(v any) string {
	switch t := v.(type) {
	case shared.Tok:
		return "Tok " + t.String()
	case *shared.Tok:
		return "*Tok " + t.String()
	}
	return fmt.Sprintf("other %T", v)
}

// SameType compares the reflect.Type of v with this package's shared.Tok.
func SameType(v any) bool { return reflect.TypeOf(v) == reflect.TypeOf(shared.Tok{}) }

func Make(name string) any { return shared.Tok{N: shared.Next(), Label: name} }
